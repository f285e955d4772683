"""Parentheticals and appositions right after a value: its subject or its year.

* "Hải Phòng (70,34 điểm)" is the usual order; "đạt 70,34 điểm (Hải Phòng)",
  "thứ hai là TP Huế", "vị trí số 1 thuộc về Quảng Ninh" put the subject after
  the value, in parentheses or after ``là``/``thuộc về``/``về tay``/``của``.
* "thứ hai là khu vực Đông Nam Bộ": a region or an organisation there means the
  value is no province's.
* "xếp thứ 27 (2023)", "(năm 2023)", "từ vị trí thứ 4 năm 2015 xuống thứ 18 năm 2016":
  the year written with the value is its year, and no other value's (ANNOTATION.md).

>>> from extractors.mention import Mention
>>> bool(_PAREN_GAP.fullmatch(" điểm (tỉnh "))
True
"""
from __future__ import annotations

import regex

from extractors.mention import Mention

from extractors import lexicon

from pipeline.core.linking.clauses import CLAUSE_BREAK

#: "… là", "thuộc về", "về tay", "của" (+ a type word) right before the subject.
LA_BEFORE = regex.compile(r"(?:là|thuộc\s+về|về\s+tay|của)\s*(?:tỉnh|thành\s+phố|TP\.?|Tp\.?)?\s*$", regex.I)
#: "đứng đầu, theo sau là X": X starts the continuation (:mod:`.sequence`), it is not the value's subject.
_SEQUENCE = lexicon.compiled("sequence")
_PAREN_GAP = regex.compile(r"[^();]{0,12}\(\s*(?:tỉnh\s+|TP\.?\s*)?", regex.I)
#: "(2023)", "(năm 2023)", "của năm 2016", "năm 2015", "đạt được trong năm 2011" right after a value: its year.
_YEAR_WITH = regex.compile(r"\s*\((?:năm\s+)?(\d{4})\)|\s+(?:đạt\s+được\s+|có\s+được\s+)?(?:(?:của|trong|vào)\s+)?năm\s+(\d{4})(?!\d)")


def subject_after(scope, v: Mention) -> tuple[dict | None, str, dict[str, float]] | None:
    """(province record or None, how, features) when the value's subject stands right after it; else None."""
    for c in scope.subjects:
        if c.attrs["role"] in ("region", "org", "local") and 0 <= c.start - v.end <= 30 and LA_BEFORE.search(scope.between(v.end, c.start)):
            return None, c.attrs["role"], {f"subj_{c.attrs['role']}": 1.0}  # "thứ hai là khu vực Đông Nam Bộ"
    for p in scope.provinces:
        if p.start >= v.end and p.start - v.end <= 60:
            gap = scope.between(v.end, p.start)
            if _PAREN_GAP.fullmatch(gap) or (
                    LA_BEFORE.search(gap) and not scope.values_between(v.end, p.start)
                    and not CLAUSE_BREAK.search(gap) and len(gap) <= 45 and not _SEQUENCE.search(gap)):
                return p.attrs, "after", {"subj_after": 1.0, "subj_dist": p.start - v.end}
    return None


#: From a name to a value in the parenthesis opened right after it: "Bình Thuận (+6,39%)".
_OWN_PAREN = regex.compile(r"\s*\([^()]*")


def in_parenthesis_of(scope, name: Mention, v: Mention) -> bool:
    """Whether the value stands in the parenthesis opened right after ``name``: "Phú Thọ (hạng 24/63
    với 66,30 điểm)", "Bình Thuận (+6,39%)" (the value itself opening it)."""
    gap = scope.between(name.end, v.start)
    return _OWN_PAREN.fullmatch(gap) is not None or (v.text.startswith("(") and not gap.strip())


def inside_own_parenthesis(scope, v: Mention) -> bool:
    """Whether the value stands in a parenthesis opened right after the nearest name before it ("tăng
    cao nhất là Bình Thuận (+6,39%), thấp nhất là Lai Châu (+0,19%)"): that name is its subject,
    whatever follows."""
    prior = [p for p in scope.provinces if p.end <= v.start]
    return bool(prior) and in_parenthesis_of(scope, max(prior, key=lambda p: p.end), v)


#: Between two listed values of one kind: "thứ 2, thứ 3", "7 và 8".
_VALUE_JOINT = regex.compile(r"\s*(?:,|và)\s*(?:(?:thứ|vị\s+trí|hạng)\s+)?", regex.I)


def year_after(scope, v: Mention) -> tuple[int, str] | None:
    """The year written right after the value, and how: ``paren`` for "thứ 27 (2023)", "(năm 2023)";
    ``written`` for "từ vị trí thứ 4 năm 2015", "28 của năm 2016"."""
    m = _YEAR_WITH.match(scope.text, v.end - scope.start)
    if m is None:
        # "từ vị trí thứ 2, thứ 3 của năm 2018": a year written after a list of values dates each of them
        listed = sorted((w for w in scope.by_kind.get(v.kind, []) if w.start >= v.end), key=lambda w: w.start)
        end = v.end
        for w in listed:
            if not _VALUE_JOINT.fullmatch(scope.between(end, w.start)):
                break
            if (m := _YEAR_WITH.match(scope.text, w.end - scope.start)) is not None:
                break
            end = w.end
        if m is None:
            return None
    return (int(m.group(1)), "paren") if m.group(1) else (int(m.group(2)), "written")


#: "quán quân của bảng xếp hạng năm ngoái", "vị trí 28 của năm trước": the previous edition's value.
_PREVIOUS = regex.compile(r"\s*(?:của\s+)?(?:bảng\s+xếp\s+hạng\s+)?(?:năm|kỳ)\s+(?:ngoái|trước)(?!\s*\d)", regex.I)


def previous_edition_after(scope, v: Mention) -> bool:
    """Whether the value is written with "năm ngoái"/"năm trước": it is the previous edition's."""
    return _PREVIOUS.match(scope.text, v.end - scope.start) is not None


def years_taken(scope, v: Mention) -> set[int]:
    """Start offsets of the years written right after *other* values ("từ vị trí thứ 1 của năm 2016
    xuống thứ 2", "thứ 20 (2024), thứ 27 (2023)"): they date those values, not ``v``. A change reads
    with the rank it follows, so it may take that rank's year ("xếp thứ 27 (2023), tăng 5 bậc")."""
    change = v.kind in ("rank_change", "score_change")
    out = set()
    for w in scope.values():
        if change and (w.attrs or {}).get("step") != "from":
            continue  # a change reads with the rank it follows, but never with where a move started
        if w.start != v.start and (m := _YEAR_WITH.match(scope.text, w.end - scope.start)):
            out.add(scope.start + m.start(1 if m.group(1) else 2))
    return out
