"""Features of a candidate pairing, as a linguist would name them.

For each slot of the pairing (subject, index, year, modality): where the
chosen filler stands relative to the value (before/after, same clause, how
far in words), what lies between (punctuation, clause breaks, ``về``, ``là``,
``so với``, parentheses, ``và``, other provinces or indices, the POS tags of
the words between, from underthesea), and whether the rules chose it. The
names are readable so a reviewer can print what drove a decision
(:func:`pipeline.core.classify.explain`).
"""
from __future__ import annotations

import math
from functools import lru_cache

import regex

from extractors import lexicon
from extractors.targets import TARGET_CUE

from pipeline.core.linking.clauses import CLAUSE_BREAK
from pipeline.core.linking.context import LEAD_YEAR
from pipeline.core.linking.scope import Scope
from pipeline.records import Candidate, Mention

#: What may lie between a value and a slot filler, by feature name (lexicon list ``gap_cue``).
_CUES_RX = {k: regex.compile(v, regex.I) for k, v in lexicon.groups("gap_cue").items()}
#: Goal and achievement cues around a value, by feature name (lexicon list ``modality_feature``).
_MODALITY_RX = {k: regex.compile(v, regex.I) for k, v in lexicon.groups("modality_feature").items()}


#: Sentences longer than this get no POS features: underthesea tags a whole sentence at once, and a
#: "sentence" of many kilobytes (a list or table flattened without full stops) took tens of seconds.
POS_MAX_CHARS = 2000


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


def _gap_features(prefix: str, a: Scope, lo: int, hi: int, pos: bool) -> dict[str, float]:
    """What lies between absolute offsets lo and hi of the sentence."""
    base = a.start
    gap = a.text[lo - base:hi - base]
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
    if pos and len(a.text) <= POS_MAX_CHARS:
        tags = {t for s, e, t in _pos(a.text) if lo - base <= s and e <= hi - base}
        for t in tags & {"V", "N", "Np", "E", "C", "CH", "M", "A"}:
            f[f"{prefix}:pos_{t}"] = 1.0
    return f


def _nearest(mentions: list[Mention], v: Mention, test) -> Mention | None:
    cands = [m for m in mentions if test(m)]
    return min(cands, key=lambda m: abs(m.start - v.start)) if cands else None


def _slot(f: dict[str, float], prefix: str, a: Scope, v: Mention, mentions: list[Mention], test,
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


# Words that make a phrase a predicate of its subject: "Quảng Ninh xếp thứ 1", "Hà Nội tụt xuống thứ 51".
_PREDICATE = regex.compile(r"\b(?:xếp|đứng|đạt|tăng|giảm|tụt|vươn|dẫn|giữ|leo|thăng|rớt|sụt|về|chiếm|nằm|có|là|được)\b", regex.I)
# Prepositions after which a province is a landmark, not the subject: "(sau Hà Nội)", "so với Đà Nẵng".
_LANDMARK_BEFORE = regex.compile(r"(?:\bsau|so\s+với|\bhơn|\bcùng\s+với|\bnhư|\btrước|\bvượt\s+qua|\bbỏ\s+xa|\bcủa|\btại|\bvới)\s+(?:tỉnh\s+|thành\s+phố\s+|TP\.?\s*)?$", regex.I)
# A past, habitual frame: "từng là số 1", "trước đây", "trước đó".
_PAST = regex.compile(r"\btừng\b|trước\s+(?:đây|đó|kia)|\bcũ\b", regex.I)
# A span of several years or editions: "ba năm liên tiếp", "nhiều năm", "các năm", "qua các kỳ".
_MULTI_YEAR = regex.compile(r"liên\s+tiếp|liên\s+tục|nhiều\s+năm|các\s+năm|\d+\s+năm|(?:hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+năm|các\s+kỳ|qua\s+các", regex.I)
# A comparison or origin frame right before a year: "so với (thứ 36 đạt được trong) năm 2011", "từ năm 2008".
_YEAR_FRAME = regex.compile(r"(?:so\s+với|từ|kể\s+từ|hơn)\s+(?:[^\s,;.()]+\s+){0,5}$", regex.I)
# A superlative about an unnamed unit: "tỉnh có mức tăng cao nhất là 9,39%".
_SUPERLATIVE = regex.compile(r"(?:cao|thấp|lớn|nhỏ|nhiều|ít)\s+nhất\s*(?:là|với|đạt|,)?\s*$", regex.I)
# A subject that is a set of units: "32/63 địa phương", "các tỉnh", "57/63 tỉnh, thành phố".
_PLURAL_SUBJECT = regex.compile(r"\d+\s*/\s*\d+\s+(?:tỉnh|địa\s+phương)|\b(?:các|những|nhiều)\s+(?:tỉnh|địa\s+phương)|\d+\s+(?:tỉnh|địa\s+phương)", regex.I)
def _span_dist(m: Mention, v: Mention) -> int:
    return max(0, m.start - v.end, v.start - m.end)


def _year_owner(a: Scope, y: Mention, values: list[Mention]) -> Mention | None:
    """The value a year mention reads with: the first value after it in its segment
    ("năm 2019 được 43,61 điểm"), else the last one before it ("dẫn đầu năm 2011")."""
    lo, hi = a.segment(y.start)
    after = [x for x in values if y.end <= x.start < hi]
    if after:
        return min(after, key=lambda x: x.start)
    before = [x for x in values if lo <= x.start and x.end <= y.start]
    return max(before, key=lambda x: x.end) if before else None


# Indices published together, so one's edition year is the other's: PAR INDEX and SIPAS (Ministry of
# Home Affairs, one announcement), PCI and PGI (VCCI, one report).
_CO_PUBLISHED = {"PAR_INDEX": "moha", "SIPAS": "moha", "PCI": "vcci", "PGI": "vcci"}


def _year_anchor(a: Scope, code: str | None) -> str:
    """Where the running year came from, relative to the candidate's index: "same_index" ("PCI 2023"
    earlier and this is PCI), "co_published_index" ("PAR INDEX 2023" earlier, this is SIPAS),
    "other_index" ("ICT Index 2016" earlier, this is PCI), "lead" ("Năm 2023,")."""
    src = a.before.year_source or "none"
    if src.startswith("index:"):
        others = src[6:].split(",")  # the indices listed before the year ("PAR INDEX, SIPAS và PCI 2024")
        if code in others:
            return "same_index"
        if code in _CO_PUBLISHED and any(_CO_PUBLISHED[code] == _CO_PUBLISHED.get(o) for o in others):
            return "co_published_index"
        return "other_index"
    return src


def candidate_features(c: Candidate, rule: Candidate | None, *, pos: bool = True) -> dict[str, float]:
    """The feature dict of candidate ``c``; ``rule`` is its group's rule pairing (None: the rules dropped the value).

    Reads only the candidate (fields, construction, slot cues, value) and its sentence's read-only
    :class:`~pipeline.core.linking.scope.Scope`.
    """
    a = c.scope
    v = c.value or Mention(c.type, c.start, c.end, "")
    f: dict[str, float] = {"bias": 1.0, f"type={c.type}": 1.0, f"rule={c.rule.split('+')[0]}": 1.0,
                           f"construction={c.construction}": 1.0}
    own = c.features or {}
    if c.rule_choice:
        f["rule_choice"] = 1.0
        for k, val in own.items():
            if isinstance(val, (int, float)) and not k.endswith("dist"):
                f[f"rule:{k}"] = 1.0
    elif rule is None:
        # the rules built this pairing (or the one it varies) and threw it away: say why
        f["dropped"] = 1.0
        for k in own:
            if k.startswith("dropped_"):
                f[k] = 1.0
    else:
        for slot in ("province", "index", "year", "modality"):
            if c.fields.get(slot) != rule.fields.get(slot):
                f[f"alt:changed={slot}"] = 1.0
    text, base = a.text, a.start
    values = a.values()
    b = a.before
    snap_subject, snap_index, snap_year, snap_edition = b.subject, b.index, b.year, b.edition
    seg_lo, seg_hi = a.segment(v.start)
    # subject slot
    name = c.fields.get("province")
    if c.type != "percentage":
        if name is None:
            f["subj=none"] = 1.0
        elif name == "Việt Nam":
            f["subj=vietnam"] = 1.0
            if any(s.attrs["role"] == "average" for s in a.subjects):
                f["subj=vietnam&average_cue"] = 1.0
            cs, _ = a.clause(v.start)
            if any(cs <= p.start < v.start for p in a.provinces):
                f["subj=vietnam&province_before_in_clause"] = 1.0
        elif v.start in a.bindings:
            # "A, B và C, với các điểm số tương ứng là x; y và z": names and values pair by their order,
            # so distances and what lies between say nothing
            listed = a.province_fields(a.bindings[v.start])["province"]
            f[f"subj:{c.construction}_order_{'match' if listed == name else 'mismatch'}"] = 1.0
        else:
            m = _slot(f, "subj", a, v, a.provinces, lambda m: a.province_fields(m.attrs)["province"] == name, pos)
            if m is None:
                if b.main and a.province_fields(b.main)["province"] == name:
                    f["subj=carried_main"] = 1.0
                elif snap_subject and a.province_fields(snap_subject)["province"] == name:
                    f["subj=carried_running"] = 1.0
            else:
                if m is _nearest(a.provinces, v, lambda x: (x.end <= v.start) == (m.end <= v.start)):
                    f["subj:nearest_same_side"] = 1.0
                if _LANDMARK_BEFORE.search(text[max(0, m.start - base - 25):m.start - base]):
                    f["subj:after_preposition"] = 1.0
                if m.end <= v.start:
                    lo, _ = a.segment(m.start)
                    if len(text[lo - base:m.start - base].split()) <= 2:
                        f["subj:segment_initial"] = 1.0
                    if _PREDICATE.search(text[m.end - base:v.start - base]):
                        f["subj:predicate_between"] = 1.0
                    if lo == seg_lo:
                        f["subj:same_segment"] = 1.0
                if regex.search(r"\(\s*(?:tỉnh\s+|TP\.?\s*)?$", text[max(0, m.start - base - 8):m.start - base]):
                    f["subj:in_parentheses"] = 1.0
        left = text[max(0, v.start - base - 30):v.start - base]
        if _SUPERLATIVE.search(left):
            f["value:after_unnamed_superlative"] = 1.0
        cs, _ = a.clause(v.start)
        if _PLURAL_SUBJECT.search(text[cs - base:v.start - base]):
            f["value:plural_subject_in_clause"] = 1.0
    # index slot
    code = c.fields.get("index")
    if code:
        m = _slot(f, "idx", a, v, a.indices, lambda m: m.attrs["index"] == code, pos)
        if m is not None:
            f[f"idx:strength={m.attrs['strength']}"] = 1.0
            if m.start >= v.end and regex.search(r"(?:về|ở)\s+(?:\S+\s+){0,3}$", text[max(0, m.start - base - 25):m.start - base], regex.I):
                f["idx:ve_before_index"] = 1.0
            others = [x for x in a.indices if x.attrs["index"] == "OTHER"]
            if any(_span_dist(x, v) < _span_dist(m, v) for x in others):
                f["idx:unnamed_index_nearer"] = 1.0
            rivals = [x for x in a.indices if x.attrs["index"] not in ("OTHER", code)]
            if any(_span_dist(x, v) < _span_dist(m, v) for x in rivals):
                f["idx:other_index_nearer"] = 1.0
        elif snap_index == code:
            f["idx=carried_running"] = 1.0
    # year slot
    if "year" in c.fields and c.type != "rank_target":
        y = c.fields.get("year")
        idx_here = [m for m in a.indices if m.attrs["index"] == code]
        if idx_here and not a.years and all(a.index_year(m) is None for m in idx_here):
            # an item under an outline heading that names the year is not "an index named without its year"
            held = "held_by_structure" if b.year_source == "outline" else "index_named_without_year"
            f[f"year={'none' if y is None else 'set'}&{held}"] = 1.0
        cs, ce = a.clause(v.start)
        multi = _MULTI_YEAR.search(text[cs - base:ce - base]) or any(
            y2.attrs["role"] == "since" and cs <= y2.start < ce for y2 in a.by_kind.get("year", []))
        tag = "none" if y is None else "set"
        if multi:
            f[f"year={tag}&multi_year_cue"] = 1.0
        if _PAST.search(text[seg_lo - base:v.start - base]):
            f[f"year={tag}&value_in_past_frame"] = 1.0
        if y is None:
            f["year=none"] = 1.0
            if not a.years and snap_year is not None:
                # what the running year would have given: an edition of another index says nothing of this one
                anchor = _year_anchor(a, code)
                f[f"year=none&running_year_from_{anchor}"] = 1.0
                if anchor == "other_index":
                    f["year:takes_other_index_edition"] = -1.0  # one cue, both sides of the choice
            if not a.years:
                f["year=none&no_year_in_sentence"] = 1.0
        else:
            step = (v.attrs or {}).get("step")
            m = _slot(f, "year", a, v, a.years, lambda m: m.attrs["year"] == y, False)
            if m is None:
                m_prev = _nearest(a.years, v, lambda m: m.attrs["year"] == y + 1) if step == "from" else None
                if m_prev is not None:
                    f["year:previous_of_mention_for_from_value"] = 1.0
                elif y == snap_year:
                    f["year=carried_running"] = 1.0
                    anchor = _year_anchor(a, code)
                    f[f"year=carried_from_{anchor}"] = 1.0
                    if anchor == "other_index":
                        f["year:takes_other_index_edition"] = 1.0
                elif y == snap_edition:
                    f["year=carried_first_edition"] = 1.0
                elif snap_year is not None and y == snap_year - 1:
                    f["year=carried_running_minus_1"] = 1.0
                if a.years:
                    f["year=carried&sentence_has_year"] = 1.0
            else:
                if regex.match(r"\s*(?:\)\s*)?(?:là|đạt|được)\s+\d", text[m.end - base:m.end - base + 12]):
                    f["year:owned_by_other_value"] = 1.0
                if any(a.index_year(i) == y for i in a.indices):
                    f["year:index_edition"] = 1.0
                    if any(a.index_year(i) == y for i in a.indices if i.attrs["index"] == code):
                        f["year:edition_of_this_index"] = 1.0
                if not any(a.index_year(i) == y and 0 <= m.start - i.end <= 22 for i in a.indices):
                    # a bare year (not "ICT Index 2016"): which value does it read with?
                    owner = _year_owner(a, m, values)
                    f[f"year:owner={'none' if owner is None else 'this' if owner.start == v.start else 'other'}"] = 1.0
                if _YEAR_FRAME.search(text[max(0, m.start - base - 40):m.start - base]):
                    f["year:in_comparison_or_origin"] = 1.0
                ylo, _ = a.segment(m.start)
                if ylo == seg_lo:
                    f["year:same_segment"] = 1.0
                if _PAST.search(text[ylo - base:m.start - base]):
                    f["year:in_past_frame"] = 1.0
                if LEAD_YEAR.match(text) and m.start - base < 20:
                    f["year:sentence_lead"] = 1.0
    # modality slot: cues in the clause before the value, crossed with the candidate's modality
    mod = c.fields.get("modality", "actual")
    left = text[:v.start - base][-120:]
    right = text[v.end - base:][:40]
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
    if attrs.get("step"):
        f[f"value:step={attrs['step']}"] = 1.0
    if c.type == "score":
        f[f"score:decimals={min(attrs.get('decimals', 0), 3)}"] = 1.0
        f[f"score:unit={attrs.get('unit') or 'none'}"] = 1.0
    if c.type == "rank":
        f[f"rank:cue={attrs.get('cue', 'seq')}"] = 1.0
        if attrs.get("national"):
            f["rank:national"] = 1.0
    return f
