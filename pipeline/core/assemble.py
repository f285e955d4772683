"""Assemble: pair each value mention with its subject, index, year and base year.

Rules propose, for every value mention (rank, change, score, percentage,
target), the subject, index and year candidates around it, with the cues a
linguist would name (direction, distance, clause breaks, ``về``, ``là``,
``lần lượt``). :func:`assemble_sentence` turns the best-supported pairing into
candidate facts; each carries the feature dict that the classifier stage
(:mod:`pipeline.core.classify`) scores.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import regex

from extractors import lexicon
from extractors.targets import TARGET_CUE

from pipeline.records import Candidate, Mention
from pipeline.core.segment import Sentence

CLAUSE_BREAK = regex.compile(rf"[;:\n]|\.\s|,\s*{lexicon.pattern('clause_contrast')}\b", regex.I)
_LA_BEFORE = regex.compile(r"(?:là|thuộc\s+về|về\s+tay|của)\s*(?:tỉnh|thành\s+phố|TP\.?|Tp\.?)?\s*$", regex.I)
_VIETNAM = {"name": "Việt Nam", "code": None, "province_2025": "Việt Nam"}
_VE_BEFORE = regex.compile(r"(?:về|ở|của|trong|trên)\s+(?:(?:các|cả|\d+)\s+)?(?:chỉ\s+số\s+|bảng\s+xếp\s+hạng\s+|xếp\s+hạng\s+|tiêu\s+chí\s+|trụ\s+cột\s+)?$", regex.I)
_SEQUENCE = lexicon.compiled("sequence")
_RESPECTIVELY = lexicon.compiled("respectively")
_MEMBERSHIP_AFTER = regex.compile(r"^[^.;]{0,30}?\b(?:trong\s+nh+óm|nằm\s+trong|thuộc\s+nhóm|trong\s+top|trong\s+tốp)", regex.I)
# Goal cues that only count right before the value. "phải" (must) with a verb of achievement is a
# directive: "Thành phố phải dẫn đầu cả nước", "nửa cuối năm phải tăng 7,42%"; with other verbs it is
# a plain obligation ("chỉ phải trả trước 20%", "phải dành 6% GDP"), and "không phải" a negation.
_TARGET_EXTRA = lexicon.compiled("near_goal_cue")
_NOT_TARGET = regex.compile(r"so\s+với\s+(?:mục\s+tiêu|kế\s+hoạch|chỉ\s+tiêu)|(?:vượt|hoàn\s+thành|đạt\s+và\s+vượt)\s+(?:mục\s+tiêu|kế\s+hoạch|chỉ\s+tiêu)", regex.I)
_PCT_INDICES = {"SIPAS", "PAR_INDEX"}
_EDITION_GAP = regex.compile(r"[\s()–-]*(?:\([^()]{0,10}\)\s*)?(?:cấp\s+tỉnh\s*)?(?:năm\s*)?", regex.I)
_TARGET_YEAR = regex.compile(r"(?:đến|tới|vào)\s+năm\s+(\d{4})|giai\s+đoạn\s+\d{4}\s*[-–]\s*(\d{4})|[Nn]ăm\s+(\d{4})")
_LEAD_YEAR = regex.compile(r"\s*(?:date\s+[\d-]+\s+)?(?:Trong\s+|Tính\s+đến\s+)?[Nn]ăm\s+(\d{4})\s*,")
_VALUE_KINDS = ("rank", "rank_change", "score", "score_change", "percentage", "rank_target")


@dataclass
class DocContext:
    """What earlier sentences established: the running subject, index and year."""

    main_province: dict | None
    era_total: int
    post_merger: bool
    subject: dict | None = None
    index: str | None = None
    year: int | None = None
    year_source: str | None = None  # how ``year`` was set: "index:PCI" ("PCI 2023") or "lead" ("Năm 2023, ...")
    edition_year: int | None = None  # first "PCI 2023"-style year of the document: a last resort
    last_rank: dict = field(default_factory=dict)  # (index, year) -> last rank given


def _clause_bounds(text: str, pos: int, base: int) -> tuple[int, int]:
    """Absolute start/end of the clause around absolute ``pos`` in a sentence starting at ``base``."""
    rel = pos - base
    start = 0
    for m in CLAUSE_BREAK.finditer(text):
        if m.end() <= rel:
            start = m.end()
        elif m.start() >= rel:
            return base + start, base + m.start()
    return base + start, base + len(text)


def _between(text: str, base: int, a: int, b: int) -> str:
    lo, hi = sorted((a, b))
    return text[lo - base:hi - base]


class SentenceAssembler:
    """Links the mentions of one sentence; ``ctx`` carries state across sentences."""

    def __init__(self, sent: Sentence, mentions: list[Mention], ctx: DocContext):
        self.s = sent
        self.ctx = ctx
        self.by_kind: dict[str, list[Mention]] = {}
        for m in mentions:
            self.by_kind.setdefault(m.kind, []).append(m)
        self.provinces = self.by_kind.get("province", [])
        self.indices = self.by_kind.get("index", [])
        strong = [m for m in self.indices if m.attrs["strength"] != "weak"]
        self.index_pool = strong or self.indices
        self.years = [y for y in self.by_kind.get("year", []) if y.attrs["role"] == "edition"]
        self.base_years = [y for y in self.by_kind.get("year", []) if y.attrs["role"].startswith("base")]
        self.subjects = self.by_kind.get("subject", [])
        self.assigned: dict[int, dict] = {}  # value start -> subject forced by list handling
        self.snapshot: tuple = (ctx.subject, ctx.main_province, ctx.index, ctx.year, ctx.edition_year)
        self.year_source = ctx.year_source

    # -- subject -----------------------------------------------------------------
    def subject_for(self, v: Mention) -> tuple[dict | None, str, dict[str, float]]:
        """(province record, how, features) for value ``v``; province None = no subject."""
        if v.start in self.assigned:
            return self.assigned[v.start], "list", {"subj_list": 1.0}
        text, base = self.s.text, self.s.start
        cs, ce = _clause_bounds(text, v.start, base)
        feats: dict[str, float] = {}
        # 1. "(Sóc Trăng)" right after the value, or "... là X" / "thuộc về X" after it.
        for c in self.subjects:
            if c.attrs["role"] in ("region", "org") and 0 <= c.start - v.end <= 30 and _LA_BEFORE.search(_between(text, base, v.end, c.start)):
                return None, c.attrs["role"], {f"subj_{c.attrs['role']}": 1.0}  # "thứ hai là khu vực Đông Nam Bộ"
        for p in self.provinces:
            if p.start >= v.end and p.start - v.end <= 60:
                gap = _between(text, base, v.end, p.start)
                if regex.fullmatch(r"[^();]{0,12}\(\s*(?:tỉnh\s+|TP\.?\s*)?", gap, regex.I) or (
                        _LA_BEFORE.search(gap) and not self._values_between(v.end, p.start)
                        and not CLAUSE_BREAK.search(gap) and len(gap) <= 45):
                    return p.attrs, "after", {"subj_after": 1.0, "subj_dist": p.start - v.end}
        # 2. nearest cue before the value, walking back through the sentence.
        cues = sorted((m for m in [*self.provinces, *self.subjects] if m.end <= v.start), key=lambda m: -m.end)
        for cue in cues:
            how = "clause" if cue.start >= cs else "sentence"
            if cue.kind == "province":
                return cue.attrs, how, {f"subj_{how}": 1.0, "subj_dist": v.start - cue.end}
            role = cue.attrs["role"]
            if role == "national":
                if v.kind == "percentage":
                    return _VIETNAM, "national", {"subj_national": 1.0}
                continue  # "xếp thứ 3 cả nước": the nation is the ranking's scope, not its subject
            if role == "average":
                if v.kind in ("score", "score_change", "percentage"):
                    return _VIETNAM, "national", {"subj_national": 1.0}
                continue
            if role == "plural" and v.kind == "percentage":
                continue  # a share of a set of units still belongs to the article's subject
            if role == "region" and v.kind in ("rank", "rank_change") and regex.search(r"(?:trong|ở|tại|của)\s+$", text[max(0, cue.start - base - 8):cue.start - base]):
                continue  # "thăng 1 bậc trong vùng TD&MNPB": a scope, not a subject
            if role in ("anaphora", "running"):
                prior = [p for p in self.provinces if cs <= p.end <= cue.start]
                if prior:  # "Quảng Ninh tiếp tục là tỉnh đứng đầu": the province is the subject
                    return max(prior, key=lambda p: p.end).attrs, how, {f"subj_{how}": 1.0}
                if regex.search(r"nhất", text[cue.end - base:v.start - base]) and v.kind != "percentage":
                    return None, "unnamed", {"subj_unnamed": 1.0}  # "tỉnh tăng cao nhất 34 bậc"
                if role == "running":
                    return (self.ctx.subject or self.ctx.main_province), "running", {"subj_running": 1.0}
                return (self.ctx.main_province or self.ctx.subject), "anaphora", {"subj_anaphora": 1.0}
            return None, role, {f"subj_{role}": 1.0}  # region, organisation or a set of units: out of scope
        # 3. a province after the value in the same clause ("thứ 2 là TP Huế" handled above).
        after = [p for p in self.provinces if p.start >= v.end and p.start < ce]
        if after and v.kind in ("rank", "score"):
            p = min(after, key=lambda m: m.start)
            if not self._values_between(v.end, p.start):
                return p.attrs, "clause_after", {"subj_clause_after": 1.0}
        # 4. the running subject, else the article's province.
        if self.ctx.subject is not None:
            return self.ctx.subject, "carry", {"subj_carry": 1.0}
        return self.ctx.main_province, "main", {"subj_main": 1.0}

    def _values_between(self, a: int, b: int, kinds=("rank", "score")) -> bool:
        return any(a <= m.start < b for k in kinds for m in self.by_kind.get(k, []))

    # -- index -------------------------------------------------------------------
    def index_for(self, v: Mention) -> tuple[Mention | None, str]:
        text, base = self.s.text, self.s.start
        cs, ce = _clause_bounds(text, v.start, base)
        pool = self.index_pool
        # "xếp thứ 13/63 ... về chỉ số SIPAS": a following "về X" in the clause names the index.
        for m in sorted(pool, key=lambda m: m.start):
            if v.end <= m.start < ce and _VE_BEFORE.search(text[max(0, m.start - base - 40):m.start - base]):
                gap = _between(text, base, v.end, m.start)
                if self._values_between(v.end, m.start, kinds=("rank", "score", "rank_change", "score_change")):
                    break
                if not regex.search(r"(?:tăng|giảm|đạt|xếp|đứng)\s", gap) or m.start - v.end < 12:
                    return m, "ve_after"
        before = [m for m in pool if m.end <= v.start and m.start >= cs]
        if before:
            return max(before, key=lambda m: m.end), "clause_before"
        before = [m for m in pool if m.end <= v.start]
        after_clause = [m for m in pool if v.end <= m.start < ce]
        if after_clause:
            return min(after_clause, key=lambda m: m.start), "clause_after"
        if before:
            return max(before, key=lambda m: m.end), "sentence_before"
        after = [m for m in pool if m.start >= v.end]
        if after:
            return min(after, key=lambda m: m.start), "sentence_after"
        return None, "carry"

    def coordinated(self, m: Mention) -> list[Mention]:
        """Index mentions coordinated with ``m``: "về các chỉ số PCI, PAR INDEX, SIPAS và PAPI"."""
        strong = sorted((x for x in self.indices if x.attrs["strength"] != "component"), key=lambda x: x.start)
        if m not in strong:
            return [m]
        i = strong.index(m)
        group = [m]
        join = regex.compile(r"[\s(),]*(?:(?:và|cùng|hoặc)\s*)?[\s(),]*(?:chỉ\s+số\s*)?", regex.I)
        for step in (-1, 1):
            j = i
            while 0 <= j + step < len(strong):
                a, b = (strong[j], strong[j + step]) if step == 1 else (strong[j + step], strong[j])
                gap = self.s.text[a.end - self.s.start:b.start - self.s.start]
                if not join.fullmatch(gap):
                    break
                group.append(strong[j + step])
                j += step
        seen, out = set(), []
        for x in sorted(group, key=lambda x: x.start):
            if x.attrs["index"] not in seen:
                seen.add(x.attrs["index"])
                out.append(x)
        return out

    # -- year --------------------------------------------------------------------
    def index_year(self, idx: Mention | None) -> int | None:
        """"PCI 2023", "(PCI) năm 2022", "PAPI năm 2021": the edition named right after the index."""
        if idx is None:
            return None
        for y in self.years:
            gap = self.s.text[idx.end - self.s.start:y.start - self.s.start]
            if 0 <= y.start - idx.end <= 22 and _EDITION_GAP.fullmatch(gap):
                return y.attrs["year"]
        return None

    def year_for(self, v: Mention, idx: Mention | None = None) -> tuple[int | None, str]:
        text, base = self.s.text, self.s.start
        if v.attrs.get("year"):
            return v.attrs["year"], "explicit"
        after = text[v.end - base:v.end - base + 12]
        if (m := regex.match(r"\s*\((?:năm\s+)?(\d{4})\)", after)):
            return int(m.group(1)), "paren"
        cs, ce = _clause_bounds(text, v.start, base)
        near = regex.search(r"năm\s+(\d{4})\s+(?:là|đạt|được)\s*$", text[max(0, v.start - base - 25):v.start - base])
        if near:
            return int(near.group(1)), "year_la"
        if (b := regex.search(r"so\s+với\s+năm\s+(\d{4})\s*\(?\s*$", text[max(0, v.start - base - 25):v.start - base])) and (
                v.attrs.get("cue") == "paren" or text[v.start - base - 1:v.start - base] == "("):
            return int(b.group(1)), "paren_base"
        if (iy := self.index_year(idx)) is not None:
            return iy, "index"
        own = lambda y: not regex.match(r"\s*(?:\)\s*)?(?:là|đạt|được)\s+\d", text[y.end - base:y.end - base + 12])
        before = [y for y in self.years if y.end <= v.start and y.start >= cs and own(y)]
        if before:
            return max(before, key=lambda y: y.end).attrs["year"], "clause_before"
        after_c = [y for y in self.years if v.end <= y.start < ce and own(y)]
        if after_c:
            return min(after_c, key=lambda y: y.start).attrs["year"], "clause_after"
        before = [y for y in self.years if y.end <= v.start and own(y)]
        if before:
            return max(before, key=lambda y: y.end).attrs["year"], "sentence_before"
        after_s = [y for y in self.years if y.start >= v.end and own(y)]
        if after_s:
            return min(after_s, key=lambda y: y.start).attrs["year"], "sentence_after"
        return (self.ctx.year or self.ctx.edition_year), "carry"

    def base_year_for(self, v: Mention, year: int | None) -> int | None:
        text, base = self.s.text, self.s.start
        cs, ce = _clause_bounds(text, v.start, base)
        following = [y for y in self.base_years if v.start <= y.start < max(ce, v.end + 40)]
        if following:
            y = min(following, key=lambda y: y.start)
            if y.attrs["year"] is not None:
                return y.attrs["year"]
        return year - 1 if year else None

    def modality_for(self, v: Mention) -> str:
        text, base = self.s.text, self.s.start
        cs, _ = _clause_bounds(text, v.start, base)
        left = text[cs - base:v.start - base]
        sent_left = text[:v.start - base]
        if _NOT_TARGET.search(text[v.start - base:v.end - base + 40]) and not TARGET_CUE.search(left):
            return "actual"
        if TARGET_CUE.search(left) or _TARGET_EXTRA.search(left[-25:]):
            return "target" if not _NOT_TARGET.search(sent_left[-40:]) else "actual"
        if TARGET_CUE.search(sent_left) and v.kind == "rank_target":
            return "target"
        return "actual"


def _province_fields(p: dict | None, ctx: DocContext) -> dict[str, Any]:
    if p is None:
        return {"province": None, "province_code": None, "province_2025": None}
    name = p["name"]
    if ctx.post_merger and p.get("province_2025") == "Huế" and name == "Thừa Thiên Huế":
        name = "Huế"
    return {"province": name, "province_code": p.get("code"), "province_2025": p.get("province_2025")}


def assemble_sentence(sent: Sentence, mentions: list[Mention], ctx: DocContext, *,
                      alternatives: bool = False) -> list[Candidate]:
    """Candidate facts of one sentence, in text order; updates ``ctx``.

    With ``alternatives``, every rule pairing is followed by the other plausible
    pairings of its value (other subjects, indices, years, modality) for the
    classifier to choose from; ``ctx`` is updated from the rule pairings only.
    """
    a = SentenceAssembler(sent, mentions, ctx)
    ctx_snapshot = a.snapshot  # the context before this sentence: what alternatives and features read
    _respectively(a)
    out: list[Candidate] = []
    dropped: list[Candidate] | None = [] if alternatives else None
    values = sorted((m for m in mentions if m.kind in _VALUE_KINDS), key=lambda m: m.start)
    for v in values:
        for i, c in enumerate(_candidates_for(a, v, dropped)):
            c.group, c.value = (v.start, c.type, i), v
            out.append(c)
    _sequence(a, out)
    for i, c in enumerate(out):
        if not c.group:
            c.group = (c.start, "sequence", i)
    # carry state to the next sentence
    named = [c for c in out if c.type in ("rank", "score", "rank_change") and c.fields.get("province") not in (None, "Việt Nam")]
    if named:
        ctx.subject = _record_of(named[-1])
    elif a.provinces:
        ctx.subject = a.provinces[-1].attrs
    if a.index_pool and any(m.attrs["strength"] == "strong" for m in a.index_pool):
        ctx.index = [m for m in a.index_pool if m.attrs["strength"] == "strong"][-1].attrs["index"]
    anchored = [(y, m.attrs["index"]) for y, m in ((a.index_year(m), m) for m in a.indices) if y is not None]
    lead = _LEAD_YEAR.match(sent.text)
    if anchored:
        ctx.year, ctx.year_source = anchored[-1][0], f"index:{anchored[-1][1]}"
        ctx.edition_year = ctx.edition_year or anchored[0][0]
    elif lead:
        ctx.year, ctx.year_source = int(lead.group(1)), "lead"
    if alternatives:
        from pipeline.core.alternatives import expand

        out = expand(a, out, ctx_snapshot) + expand(a, dropped, ctx_snapshot)
    for c in out:
        c.assembler = a
    return out


def _record_of(c: Candidate) -> dict:
    return {"name": c.fields["province"], "code": c.fields.get("province_code"), "province_2025": c.fields.get("province_2025")}


def _candidates_for(a: SentenceAssembler, v: Mention, dropped: list[Candidate] | None = None) -> list[Candidate]:
    """The rules' candidates for value ``v``.

    With ``dropped`` (a list), the pairings the rules build but then throw away
    (no subject, an unnamed index, a target-modality rank, a structure-like
    score, a percent change of a non-percent index, "giữ nguyên" without a base)
    are appended there as ``rule_choice=False`` candidates marked with the reason,
    so the classifier can recover the ones that are facts. They never change the
    rules' own output or the running context.
    """
    ctx = a.ctx
    subj, how, sfeat = a.subject_for(v)
    modality = a.modality_for(v)
    reason: str | None = None

    def keep(cands: list[Candidate]) -> list[Candidate]:
        if reason is None:
            return cands
        if dropped is not None:
            for c in cands:
                c.rule_choice, c.rule = False, c.rule + "+dropped"
                c.features = {**c.features, f"dropped_{reason}": 1.0}
                c.group, c.value = (v.start, c.type, "dropped", len(dropped)), v
                dropped.append(c)
        return []

    if v.kind == "percentage":
        p = subj
        if how in ("carry", "main") and a.subjects and any(s.attrs["role"] == "national" for s in a.subjects):
            p = {"name": "Việt Nam", "code": None, "province_2025": "Việt Nam"}
        fields = {"value": v.attrs["value"], "qualifier": v.attrs["qualifier"], "modality": modality,
                  **_province_fields(p, ctx), "metric": v.attrs["metric"]}
        out = [Candidate("percentage", fields, v.start, v.end, "percentage", {"pct": 1.0, **sfeat})]
        out.extend(_percent_as_score(a, v, subj, how, modality))
        return out
    idx, ihow = a.index_for(v)
    index = idx.attrs["index"] if idx else ctx.index
    if index == "OTHER" and dropped is not None and v.kind != "rank_target":
        # "Chỉ số đổi mới sáng tạo (PII) xếp thứ 2": an index outside the schema; offer the nearest named one
        named = [m for m in a.index_pool if m.attrs["index"] != "OTHER"]
        if named:
            idx, ihow = min(named, key=lambda m: abs(m.start - v.start)), "other_nearer"
            index, reason = idx.attrs["index"], "index_other"
    if index is None or index == "OTHER":
        return []
    component = idx.attrs.get("component") if idx is not None else None
    year, yhow = a.year_for(v, idx)
    feats = {**sfeat, f"idx_{ihow}": 1.0, f"year_{yhow}": 1.0}
    base = {**_province_fields(subj, ctx), "index": index}
    if component:
        base["component"] = component
    if subj is None:
        if dropped is None or v.kind == "rank_target":
            return []
        reason = reason or f"no_subject_{how}"
    if v.kind == "rank":
        if v.attrs["rank"] is None:
            return []
        total = v.attrs["total"] or (ctx.era_total if v.attrs["national"] else None)
        if v.attrs.get("step") == "from" and year is not None and yhow not in ("explicit", "paren", "paren_base"):
            year -= 1
        if subj is not None and subj.get("name") == "Việt Nam":
            return []
        indices = a.coordinated(idx) if idx is not None and v.attrs["rank"] == 1 else [idx]
        out = []
        for im in indices:
            f = {**base, "index": im.attrs["index"] if im is not None else index, "year": year,
                 "rank": v.attrs["rank"], "rank_total": total, "modality": modality}
            out.append(Candidate("rank", f, v.start, v.end, v.rule, feats))
            if reason is None:
                ctx.last_rank[(f["index"], year)] = v.attrs["rank"]
        if modality != "actual":
            reason = reason or "target_modality"
        return keep(out)
    if v.kind == "rank_change":
        by = a.base_year_for(v, year)
        if v.attrs["unit"] == "hold" and not a.base_years:
            reason = reason or "hold_without_base"
        return keep([Candidate("rank_change", {**base, "year": year, "delta": int(v.attrs["delta"]), "base_year": by,
                                                "modality": modality}, v.start, v.end, v.rule, feats)])
    if v.kind == "score":
        if v.attrs["structure"]:
            reason = reason or "structure"
        if v.attrs["step"] == "from" and year is not None and v.attrs.get("year") is None and yhow != "paren":
            year = year - 1
        return keep([Candidate("score", {**base, "year": year, "score": v.attrs["score"], "modality": modality},
                               v.start, v.end, v.rule, feats)])
    if v.kind == "score_change":
        if v.attrs["unit"] == "%" and not (index in _PCT_INDICES and subj is not None and a.base_years):
            reason = reason or "percent_change"
        by = a.base_year_for(v, year)
        return keep([Candidate("score_change", {**base, "year": year, "delta": round(v.attrs["delta"], 4), "base_year": by,
                                                 "modality": modality}, v.start, v.end, v.rule, feats)])
    if v.kind == "rank_target":
        if modality != "target":
            return []  # "lọt top 10" as a result is no fact (ANNOTATION.md)
        ty = _target_year(a, v)
        indices = a.coordinated(idx) if idx is not None else [None]
        return [Candidate("rank_target", {**base, "index": im.attrs["index"] if im is not None else index,
                                          "rank_min": v.attrs["rank_min"], "rank_max": v.attrs["rank_max"],
                                          "year": ty, "modality": "target"}, v.start, v.end, v.rule, feats)
                for im in indices]
    return []


def _target_year(a: SentenceAssembler, v: Mention) -> int | None:
    text = a.s.text
    found = list(_TARGET_YEAR.finditer(text[:v.start - a.s.start]))  # the last year named before the goal
    return int(next(g for g in found[-1].groups() if g)) if found else None


def _percent_as_score(a: SentenceAssembler, v: Mention, subj, how, modality) -> list[Candidate]:
    """"chỉ số SIPAS đạt 86,72%": a percentage that is a percent-valued index's score."""
    text, base = a.s.text, a.s.start
    left = text[max(0, v.start - base - 25):v.start - base]
    if not regex.search(r"(?:đạt|là|số\s+điểm|với)\s+(?:mức\s+)?$", left, regex.I):
        return []
    idx, ihow = a.index_for(v)
    index = idx.attrs["index"] if idx is not None else (a.ctx.index if regex.search(r"số\s+điểm", left) else None)
    if index not in _PCT_INDICES or subj is None or v.attrs["in_range"] or ihow in ("ve_after", "clause_after", "sentence_after"):
        return []
    cs, _ = _clause_bounds(text, v.start, base)
    if any(s.attrs["role"] in ("region", "plural") and cs <= s.start < v.start for s in a.subjects):
        return []  # a region's or a set of provinces' score is no province's
    year, yhow = a.year_for(v, idx)
    f = {**_province_fields(subj, a.ctx), "index": index, "year": year, "score": v.attrs["value"],
         "modality": modality}
    # (the subject's provenance under its own name: rule_confidence reads subj_* keys)
    return [Candidate("score", f, v.start, v.end, "score:percent",
                      {f"idx_{ihow}": 1.0, f"year_{yhow}": 1.0, f"pct_score_subj_{how}": 1.0})]


def _respectively(a: SentenceAssembler) -> None:
    """"TP.HCM và Quảng Ninh lần lượt xếp thứ 2 và 3": pair names and values in order."""
    text = a.s.text
    m = _RESPECTIVELY.search(text)
    if not m:
        return
    pos = a.s.start + m.start()
    provs = sorted(a.provinces, key=lambda p: p.start)
    for kind in ("rank", "score"):
        vals = sorted((v for v in a.by_kind.get(kind, []) if v.start > pos), key=lambda v: v.start)
        before = [p for p in provs if p.end <= pos]
        after = [p for p in provs if p.start > pos]
        names = before[-len(vals):] if len(before) >= len(vals) and vals and not after else after
        if vals and len(names) == len(vals) and len(vals) > 1:
            for p, v in zip(names, vals):
                a.assigned[v.start] = p.attrs


def _sequence(a: SentenceAssembler, out: list[Candidate]) -> None:
    """"Các vị trí tiếp theo là A, B và C": positions continue from the last rank given."""
    text, base = a.s.text, a.s.start
    for m in _SEQUENCE.finditer(text):
        names = [p for p in sorted(a.provinces, key=lambda p: p.start) if p.start >= base + m.end()]
        if not names:
            continue
        tail = text[names[-1].end - base:]
        if _MEMBERSHIP_AFTER.match(tail):
            continue
        index = a.ctx.index
        idx, ihow = a.index_for(Mention("rank", base + m.start(), base + m.end(), m.group()))
        if idx is not None:
            index = idx.attrs["index"]
        year, yhow = a.year_for(Mention("rank", base + m.start(), base + m.end(), m.group()))
        ranked = {c.fields["province"] for c in out if c.type == "rank"}
        last = max((c.fields["rank"] for c in out if c.type == "rank" and c.start < base + m.start()),
                   default=a.ctx.last_rank.get((index, year)))
        if not last or index is None:
            continue
        for i, p in enumerate(n for n in names if n.attrs["name"] not in ranked):
            f = {**_province_fields(p.attrs, a.ctx), "index": index, "year": year, "rank": last + 1 + i,
                 "rank_total": None, "modality": "actual"}
            out.append(Candidate("rank", f, base + m.start(), p.end, "rank:sequence",
                                 {"seq": 1.0, f"idx_{ihow}": 1.0, f"year_{yhow}": 1.0}))
