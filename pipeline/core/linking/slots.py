"""Slot fillers for one value: its subject, index, year, base year and modality.

Each function answers for one value mention within a :class:`~.scope.Scope`
and says *how* it found the filler (``clause``, ``after``, ``ve_after``,
``explicit``, ``carry``, …): the how is recorded in the candidate's features
(``subj_clause``, ``idx_ve_after``, ``year_explicit``) and is what the
classifier and ``rule_confidence`` read. The preference order is the nearest
plausible filler: in the value's clause, then its sentence, then what earlier
sentences established.
"""
from __future__ import annotations

import regex

from extractors.mention import Mention
from extractors.targets import TARGET_CUE

from extractors import lexicon
from pipeline.core.linking import lists
from pipeline.core.linking.constructions import parenthetical
from pipeline.core.linking.context import VIETNAM

_VE_BEFORE = regex.compile(r"(?:về|ở|của|trong|trên)\s+(?:(?:các|cả|\d+)\s+)?(?:chỉ\s+số\s+|bảng\s+xếp\s+hạng\s+|xếp\s+hạng\s+|tiêu\s+chí\s+|trụ\s+cột\s+)?$", regex.I)
# Goal cues that only count right before the value (lexicon list ``near_goal_cue``). "phải" (must) with a
# verb of achievement is a directive: "Thành phố phải dẫn đầu cả nước", "nửa cuối năm phải tăng 7,42%";
# with other verbs it is a plain obligation ("chỉ phải trả trước 20%"), and "không phải" a negation.
_TARGET_EXTRA = lexicon.compiled("near_goal_cue")
_NOT_TARGET = regex.compile(r"so\s+với\s+(?:mục\s+tiêu|kế\s+hoạch|chỉ\s+tiêu)|(?:vượt|hoàn\s+thành|đạt\s+và\s+vượt)\s+(?:mục\s+tiêu|kế\s+hoạch|chỉ\s+tiêu)", regex.I)
_CURRENT_EDITION = lexicon.compiled("current_edition")
#: A sentence that details the one before ("Trong đó, …", "Cụ thể, …"): its figures are of that one's year.
_ELABORATION = regex.compile(r"\s*(?:Trong\s+(?:số\s+)?đó|Cụ\s+thể)\s*[,:]", regex.I)
_OWNED_YEAR = regex.compile(r"\s*(?:\)\s*)?(?:là|đạt|được)\s+\d")
#: Before a province that is a point of comparison, not the subject: "vượt qua X", "so với X", "hơn X", "như A, B".
_LANDMARK = regex.compile(r"(?:vượt\s+qua|bỏ\s+xa|so\s+với|\bhơn|\bsau|\bnhư|\btrên)\s+(?:(?:các\s+|những\s+)?(?:tỉnh|thành\s+phố|địa\s+phương)\s+)?(?:TP\.?\s*)?$", regex.I)
#: "(năm 2023 đứng thứ 27)": a year opening the parenthesis the value stands in.
_PAREN_LEAD_YEAR = regex.compile(r"\(\s*(?:năm\s+|trong\s+năm\s+)?(\d{4})\b[^()]{0,30}$")


def _is_landmark(scope, p: Mention) -> bool:
    """Whether province ``p`` (or the list it ends) follows a preposition of comparison."""
    first = lists.run_ending_with(scope, p, scope.provinces)[0]  # "như A, B": the list's first name
    return bool(_LANDMARK.search(scope.text[max(0, first.start - scope.start - 40):first.start - scope.start]))


#: A parenthetical aside ("xếp vào nhóm 4 (nhóm đạt điểm thấp nhất), giảm 3,84 điểm"): not the subject's words.
_PARENS = regex.compile(r"\([^()]*\)")
#: "trong đó", "trong số đó": what follows picks members out of the set just named.
_AMONG = regex.compile(r"trong\s+(?:số\s+)?(?:đó|này)", regex.I)


def _in_parentheses(text: str, pos: int) -> bool:
    """Whether ``pos`` is inside a parenthesis opened before it in ``text``."""
    left = text[:pos]
    return left.count("(") > left.count(")")


def ranking_scope(scope, cue: Mention) -> bool:
    """Whether a national cue is the field of a ranking ("xếp thứ 38/63 tỉnh, thành phố trong cả nước",
    "dẫn đầu cả nước"): a rank stated before it in its clause. It is then no subject of the figures
    around it ("…; chỉ số PAPI đạt tỷ lệ 50,77%" stays the province's)."""
    cs, _ = scope.clause(cue.start)
    return any(max(cs, cue.start - 80) <= m.start < cue.start for k in ("rank", "rank_change") for m in scope.by_kind.get(k, []))


def _picked_from_a_set(scope, cue: Mention) -> bool:
    """Whether a superlative's unnamed unit ("tỉnh tăng cao nhất") is one of a set of provinces named
    before it ("57/63 tỉnh, thành phố …, trong đó tỉnh …"), or a "nơi"/"đơn vị" (never the article's own)."""
    if not cue.text.lower().startswith("tỉnh"):
        return True
    left = scope.between(scope.start, cue.start)
    return bool(_AMONG.search(left)) or any(
        c.attrs["role"] in ("units", "plural") and c.end <= cue.start for c in scope.subjects)


def subject_for(scope, v: Mention) -> tuple[dict | None, str, dict[str, float]]:
    """(province record, how, features) for value ``v``; province None = no subject."""
    if v.start in scope.bindings:
        return scope.bindings[v.start], "list", {"subj_list": 1.0}
    text, base, ctx = scope.text, scope.start, scope.ctx
    cs, ce = scope.clause(v.start)
    # 0. a ranking of countries in the clause ("đứng thứ 71/193 quốc gia", "của Liên Hợp Quốc"): no province's.
    if v.kind != "percentage" and any(c.attrs["role"] == "international" and cs <= c.start < ce for c in scope.subjects):
        return None, "international", {"subj_international": 1.0}
    # 1. "(Sóc Trăng)" right after the value, or "... là X" / "thuộc về X" after it.
    found = None if parenthetical.inside_own_parenthesis(scope, v) else parenthetical.subject_after(scope, v)
    if found is not None:
        return found
    # 2. nearest cue before the value, walking back through the sentence.
    cues = sorted((m for m in [*scope.provinces, *scope.subjects] if m.end <= v.start), key=lambda m: -m.end)
    for cue in cues:
        how = "clause" if cue.start >= cs else "sentence"
        if cue.kind == "province":
            if _is_landmark(scope, cue) and not parenthetical.in_parenthesis_of(scope, cue, v):
                continue  # "Quảng Ninh đã vượt qua Đồng Tháp để giữ vị trí số 2": Đồng Tháp is compared with
            return cue.attrs, how, {f"subj_{how}": 1.0, "subj_dist": v.start - cue.end}
        role = cue.attrs["role"]
        if role == "national":
            if v.kind == "percentage" and not ranking_scope(scope, cue):
                return VIETNAM, "national", {"subj_national": 1.0}
            if v.kind in ("score", "score_change") and cue.start >= cs and not any(
                    cs <= m.start < cue.start for m in [*scope.provinces, *scope.subjects]) and not scope.values_between(
                    cue.end, v.start, kinds=("rank", "rank_change")):
                # "hài lòng … trong cả nước năm 2023 (SIPAS 2023) ở mức 82,66%": the nation's own figure
                return VIETNAM, "national", {"subj_national": 1.0}
            continue  # "xếp thứ 3 cả nước": the nation is the ranking's scope, not its subject
        if role == "average":
            if v.kind in ("score", "score_change", "percentage"):
                return VIETNAM, "national", {"subj_national": 1.0}
            continue
        if role == "plural" and v.kind == "percentage":
            continue  # a share of a set of units still belongs to the article's subject
        if role == "units":  # "63/63 địa phương đều đạt trên 80%": the country's provinces as a set
            return (VIETNAM if v.kind == "percentage" else None), "units", {"subj_units": 1.0}
        if role == "member":
            prior = [p for p in scope.provinces if cs <= p.end <= cue.start]
            if prior:  # "Bình Thuận là tỉnh tăng cao nhất (6,39%)": the named province
                return max(prior, key=lambda p: p.end).attrs, how, {f"subj_{how}": 1.0}
            if v.kind != "percentage" or _picked_from_a_set(scope, cue):
                return None, "unnamed", {"subj_unnamed": 1.0}  # "trong đó tỉnh tăng cao nhất là 9,39%"
            return (ctx.main_province or ctx.subject), "anaphora", {"subj_anaphora": 1.0}
        if role == "region" and v.kind in ("rank", "rank_change") and regex.search(r"(?:trong|ở|tại|của)\s+$", text[max(0, cue.start - base - 8):cue.start - base]):
            continue  # "thăng 1 bậc trong vùng TD&MNPB": a scope, not a subject
        if role in ("anaphora", "running"):
            prior = [p for p in scope.provinces if cs <= p.end <= cue.start]
            if prior:  # "Quảng Ninh tiếp tục là tỉnh đứng đầu": the province is the subject
                return max(prior, key=lambda p: p.end).attrs, how, {f"subj_{how}": 1.0}
            if regex.search(r"nhất", _PARENS.sub("", text[cue.end - base:v.start - base])) and v.kind != "percentage":
                return None, "unnamed", {"subj_unnamed": 1.0}  # "tỉnh tăng cao nhất 34 bậc"
            if role == "running":
                return (ctx.subject or ctx.main_province), "running", {"subj_running": 1.0}
            return (ctx.main_province or ctx.subject), "anaphora", {"subj_anaphora": 1.0}
        return None, role, {f"subj_{role}": 1.0}  # region, organisation or a set of units: out of scope
    # 3. a province after the value in the same clause ("thứ 2 là TP Huế" handled above).
    after = [p for p in scope.provinces if p.start >= v.end and p.start < ce and not _is_landmark(scope, p)]
    if after and v.kind in ("rank", "score"):
        p = min(after, key=lambda m: m.start)
        if not scope.values_between(v.end, p.start):
            return p.attrs, "clause_after", {"subj_clause_after": 1.0}
    # 4. the running subject, else the article's province.
    if ctx.subject is VIETNAM and v.kind in ("rank", "rank_change"):
        return ctx.main_province, "main", {"subj_main": 1.0}  # the nation's figures carried: no province's rank
    if ctx.subject is not None:
        return ctx.subject, "carry", {"subj_carry": 1.0}
    return ctx.main_province, "main", {"subj_main": 1.0}


def index_for(scope, v: Mention) -> tuple[Mention | None, str]:
    """The index mention a value belongs to, and how it was found (``carry``: none in the sentence)."""
    text, base = scope.text, scope.start
    cs, ce = scope.clause(v.start)
    pool = scope.index_pool
    # "xếp thứ 13/63 ... về chỉ số SIPAS": a following "về X" in the clause names the index.
    for m in sorted(pool, key=lambda m: m.start):
        if v.end <= m.start < ce and _VE_BEFORE.search(text[max(0, m.start - base - 40):m.start - base]):
            gap = scope.between(v.end, m.start)
            if scope.values_between(v.end, m.start, kinds=("rank", "score", "rank_change", "score_change")):
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


def year_for(scope, v: Mention, idx: Mention | None = None) -> tuple[int | None, str]:
    """The edition year of a value: written with it, named with its index, in its clause or sentence,
    else the running year (or the document's first edition); one less for a value written with
    "năm ngoái" ("quán quân của bảng xếp hạng năm ngoái")."""
    year, how = _year_for(scope, v, idx)
    if year is not None and how not in ("explicit", "paren", "written") and parenthetical.previous_edition_after(scope, v):
        return year - 1, "previous"
    return year, how


def _year_for(scope, v: Mention, idx: Mention | None = None) -> tuple[int | None, str]:
    text, base, ctx = scope.text, scope.start, scope.ctx
    if v.attrs.get("year"):
        return v.attrs["year"], "explicit"
    if (written := parenthetical.year_after(scope, v)) is not None:
        return written
    cs, ce = scope.clause(v.start)
    near = regex.search(r"năm\s+(\d{4})\s+(?:là|đạt|được)\s*$", text[max(0, v.start - base - 25):v.start - base])
    if near:
        return int(near.group(1)), "year_la"
    if (b := regex.search(r"so\s+với\s+năm\s+(\d{4})\s*\(?\s*$", text[max(0, v.start - base - 25):v.start - base])) and (
            v.attrs.get("cue") == "paren" or text[v.start - base - 1:v.start - base] == "("):
        return int(b.group(1)), "paren_base"
    if (pl := _PAREN_LEAD_YEAR.search(text[max(0, v.start - base - 40):v.start - base])):
        return int(pl.group(1)), "paren_lead"
    if (iy := scope.index_year(idx)) is not None:
        return iy, "index"
    taken = parenthetical.years_taken(scope, v)
    own = lambda y: y.start not in taken and not _OWNED_YEAR.match(text[y.end - base:y.end - base + 12])
    before = [y for y in scope.years if y.end <= v.start and y.start >= cs and own(y)]
    if before:
        return max(before, key=lambda y: y.end).attrs["year"], "clause_before"
    after_c = [y for y in scope.years if v.end <= y.start < ce and own(y)]
    if after_c:
        return min(after_c, key=lambda y: y.start).attrs["year"], "clause_after"
    before = [y for y in scope.years if y.end <= v.start and own(y)]
    if before:
        return max(before, key=lambda y: y.end).attrs["year"], "sentence_before"
    after_s = [y for y in scope.years if y.start >= v.end and own(y)]
    if after_s:
        return min(after_s, key=lambda y: y.start).attrs["year"], "sentence_after"
    held = [y for y in scope.years if y.end <= v.start and y.start not in taken
            and _OWNED_YEAR.match(text[y.end - base:y.end - base + 12]) and not _in_parentheses(text, y.start - base)]
    if held:  # "năm 2023 đạt 0,4512, xếp thứ 30/63": the year another value was written with, none other here
        return max(held, key=lambda y: y.end).attrs["year"], "sentence_held"
    if ctx.value_year and _ELABORATION.match(text):
        return ctx.value_year, "elaboration"  # "… năm 2022 vươn lên thứ 2. Trong đó, chính quyền số xếp thứ 3"
    if ctx.year or ctx.edition_year:
        return (ctx.year or ctx.edition_year), "carry"
    if _CURRENT_EDITION.search(text):  # "năm nay", "tiếp tục dẫn đầu": the latest edition the article reports
        return ctx.document_year(), "document"
    return None, "carry"


def base_year_for(scope, v: Mention, year: int | None) -> int | None:
    """The year a change compares with: "so với năm 2021" after it, else the previous edition."""
    cs, ce = scope.clause(v.start)
    following = [y for y in scope.base_years if v.start <= y.start < max(ce, v.end + 40)]
    if following:
        y = min(following, key=lambda y: y.start)
        if y.attrs["year"] is not None:
            return y.attrs["year"]
    return year - 1 if year else None


def modality_for(scope, v: Mention) -> str:
    """``target`` when a goal cue governs the value, else ``actual``."""
    text, base = scope.text, scope.start
    cs, _ = scope.clause(v.start)
    left = text[cs - base:v.start - base]
    sent_left = text[:v.start - base]
    if _NOT_TARGET.search(text[v.start - base:v.end - base + 40]) and not TARGET_CUE.search(left):
        return "actual"
    if TARGET_CUE.search(left) or _TARGET_EXTRA.search(left[-25:]):
        return "target" if not _NOT_TARGET.search(sent_left[-40:]) else "actual"
    if TARGET_CUE.search(sent_left) and v.kind == "rank_target":
        return "target"
    return "actual"
