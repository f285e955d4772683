"""Features of a candidate pairing, as a linguist would name them.

For each slot of the pairing (subject, index, year, modality): where the
chosen filler stands relative to the value (before/after, same clause, how
far in words), what lies between (punctuation, clause breaks, ``về``, ``là``,
``so với``, parentheses, ``và``, other provinces or indices, the POS tags of
the words between, from underthesea), and whether the rules chose it. The
names are readable so a reviewer can print what drove a decision
(:func:`pipeline.classify.explain`).
"""
from __future__ import annotations

import math
from functools import lru_cache

import regex

from extractors.targets import TARGET_CUE

from .assemble import CLAUSE_BREAK, Candidate, SentenceAssembler
from .records import Mention

_CUES = {
    "ve": r"\bvề\b", "la": r"\blà\b", "cua": r"\bcủa\b", "so_voi": r"so\s+với", "paren": r"\(",
    "va": r"\bvà\b", "semicolon": r";", "comma": r",", "trong_khi": r"trong\s+khi|còn\b|nhưng",
    "lan_luot": r"lần\s+lượt|tương\s+ứng",
}
_CUES_RX = {k: regex.compile(v, regex.I) for k, v in _CUES.items()}
_MODALITY_CUES = {
    "phan_dau": r"phấn\s+đấu", "muc_tieu": r"mục\s+tiêu", "ke_hoach": r"kế\s+hoạch", "huong_toi": r"hướng\s+tới",
    "dat_ra": r"đặt\s+ra|đề\s+ra", "toi_thieu": r"tối\s+thiểu", "den_nam": r"đến\s+năm", "du_kien": r"dự\s+kiến",
    "se": r"\bsẽ\b", "so_voi_muc_tieu": r"so\s+với\s+(?:mục\s+tiêu|kế\s+hoạch)", "dat": r"\bđạt\b",
    "vuot": r"\bvượt\b", "hoan_thanh": r"hoàn\s+thành", "nham": r"\bnhằm\b",
}
_MODALITY_RX = {k: regex.compile(v, regex.I) for k, v in _MODALITY_CUES.items()}


def _bin(n: int) -> str:
    return "0" if n <= 0 else str(min(4, int(math.log2(n)) + 1))


@lru_cache(maxsize=2048)
def _pos(sentence: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, POS tag) of each word of the sentence: underthesea's tagger, located back in the text."""
    from underthesea import pos_tag

    out, cursor = [], 0
    for word, tag in pos_tag(sentence):
        i = sentence.find(word, cursor)
        if i < 0:
            continue
        out.append((i, i + len(word), tag))
        cursor = i + len(word)
    return tuple(out)


def _gap_features(prefix: str, a: SentenceAssembler, lo: int, hi: int, pos: bool) -> dict[str, float]:
    """What lies between absolute offsets lo and hi of the sentence."""
    base = a.s.start
    gap = a.s.text[lo - base:hi - base]
    f: dict[str, float] = {f"{prefix}:words={_bin(len(gap.split()))}": 1.0}
    for k, rx in _CUES_RX.items():
        if rx.search(gap):
            f[f"{prefix}:gap_{k}"] = 1.0
    if CLAUSE_BREAK.search(gap):
        f[f"{prefix}:gap_clause_break"] = 1.0
    n_prov = sum(lo <= m.start < hi for m in a.provinces)
    n_idx = sum(lo <= m.start < hi for m in a.indices)
    n_val = sum(lo <= m.start < hi for k in ("rank", "score", "rank_change", "score_change", "percentage")
                for m in a.by_kind.get(k, []))
    if n_prov:
        f[f"{prefix}:gap_provinces"] = float(min(n_prov, 3))
    if n_idx:
        f[f"{prefix}:gap_indices"] = float(min(n_idx, 3))
    if n_val:
        f[f"{prefix}:gap_values"] = float(min(n_val, 3))
    if pos:
        tags = {t for s, e, t in _pos(a.s.text) if lo - base <= s and e <= hi - base}
        for t in tags & {"V", "N", "Np", "E", "C", "CH", "M", "A"}:
            f[f"{prefix}:pos_{t}"] = 1.0
    return f


def _nearest(mentions: list[Mention], v: Mention, test) -> Mention | None:
    cands = [m for m in mentions if test(m)]
    return min(cands, key=lambda m: abs(m.start - v.start)) if cands else None


def _slot(f: dict[str, float], prefix: str, a: SentenceAssembler, v: Mention, mentions: list[Mention], test,
          pos: bool) -> Mention | None:
    """Where the slot's filler stands: carried from earlier sentences, or a mention before/after the value."""
    m = _nearest(mentions, v, test)
    if m is None:
        f[f"{prefix}=carried"] = 1.0
        return None
    before = m.end <= v.start
    f[f"{prefix}=mention_{'before' if before else 'after'}"] = 1.0
    lo, hi = (m.end, v.start) if before else (v.end, m.start)
    f.update(_gap_features(prefix, a, lo, hi, pos))
    return m


def candidate_features(a: SentenceAssembler, c: Candidate, rule: Candidate | None, *, pos: bool = True) -> dict[str, float]:
    """The feature dict of candidate ``c``; ``rule`` is its group's rule pairing."""
    v = c.value or Mention(c.type, c.start, c.end, "")
    f: dict[str, float] = {"bias": 1.0, f"type={c.type}": 1.0, f"rule={c.rule.split('+')[0]}": 1.0}
    if c.rule_choice:
        f["rule_choice"] = 1.0
    for k, val in (c.features or {}).items():
        if c.rule_choice and isinstance(val, (int, float)) and not k.endswith("dist"):
            f[f"rule:{k}"] = 1.0
    cs_lo = a.s.start
    # subject slot
    name = c.fields.get("province")
    if rule is not None:
        for slot in ("province", "index", "year", "modality"):
            if c.fields.get(slot) == rule.fields.get(slot):
                f[f"agree_{slot}"] = 1.0
    if c.type != "percentage":
        if name is None:
            f["subj=none"] = 1.0
        elif name == "Việt Nam":
            f["subj=vietnam"] = 1.0
            if any(s.attrs["role"] == "average" for s in a.subjects):
                f["subj=vietnam&average_cue"] = 1.0
        else:
            m = _slot(f, "subj", a, v, a.provinces, lambda m: m.attrs["name"] == name, pos)
            if m is None:
                if a.ctx.main_province and a.ctx.main_province.get("name") == name:
                    f["subj=carried_main"] = 1.0
            elif m is _nearest(a.provinces, v, lambda x: (x.end <= v.start) == (m.end <= v.start)):
                f["subj:nearest_same_side"] = 1.0
    # index slot
    code = c.fields.get("index")
    if code:
        m = _slot(f, "idx", a, v, a.indices, lambda m: m.attrs["index"] == code, pos)
        if m is not None:
            f[f"idx:strength={m.attrs['strength']}"] = 1.0
            if m.start >= v.end and regex.search(r"(?:về|ở)\s+(?:\S+\s+){0,3}$", a.s.text[max(0, m.start - cs_lo - 25):m.start - cs_lo], regex.I):
                f["idx:ve_before_index"] = 1.0
    # year slot
    if "year" in c.fields:
        y = c.fields.get("year")
        if y is None:
            f["year=none"] = 1.0
        else:
            m = _slot(f, "year", a, v, a.years, lambda m: m.attrs["year"] == y, False)
            if m is not None:
                if regex.match(r"\s*(?:\)\s*)?(?:là|đạt|được)\s+\d", a.s.text[m.end - cs_lo:m.end - cs_lo + 12]):
                    f["year:owned_by_other_value"] = 1.0
                if any(a.index_year(i) == y for i in a.indices):
                    f["year:index_edition"] = 1.0
    # modality slot: cues in the clause before the value, crossed with the candidate's modality
    mod = c.fields.get("modality", "actual")
    left = a.s.text[:v.start - cs_lo][-120:]
    right = a.s.text[v.end - cs_lo:][:40]
    for k, rx in _MODALITY_RX.items():
        if rx.search(left):
            f[f"{mod}&left_{k}"] = 1.0
        if rx.search(right):
            f[f"{mod}&right_{k}"] = 1.0
    if TARGET_CUE.search(left):
        f[f"{mod}&target_cue"] = 1.0
    f[f"modality={mod}"] = 1.0
    # the value itself
    attrs = v.attrs or {}
    if attrs.get("structure"):
        f["value:structure"] = 1.0
    if c.type == "score":
        f[f"score:decimals={min(attrs.get('decimals', 0), 3)}"] = 1.0
        f[f"score:unit={attrs.get('unit') or 'none'}"] = 1.0
    if c.type == "rank":
        f[f"rank:cue={attrs.get('cue', 'seq')}"] = 1.0
        if attrs.get("national"):
            f["rank:national"] = 1.0
    return f
