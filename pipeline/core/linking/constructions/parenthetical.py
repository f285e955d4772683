"""Parentheticals and appositions right after a value: its subject or its year.

* "Hải Phòng (70,34 điểm)" is the usual order; "đạt 70,34 điểm (Hải Phòng)",
  "thứ hai là TP Huế", "vị trí số 1 thuộc về Quảng Ninh" put the subject after
  the value, in parentheses or after ``là``/``thuộc về``/``về tay``/``của``.
* "thứ hai là khu vực Đông Nam Bộ": a region or an organisation there means the
  value is no province's.
* "xếp thứ 27 (2023)", "(năm 2023)": the year written with the value.

>>> from extractors.mention import Mention
>>> bool(_PAREN_GAP.fullmatch(" điểm (tỉnh "))
True
"""
from __future__ import annotations

import regex

from extractors.mention import Mention

from pipeline.core.linking.clauses import CLAUSE_BREAK

#: "… là", "thuộc về", "về tay", "của" (+ a type word) right before the subject.
LA_BEFORE = regex.compile(r"(?:là|thuộc\s+về|về\s+tay|của)\s*(?:tỉnh|thành\s+phố|TP\.?|Tp\.?)?\s*$", regex.I)
_PAREN_GAP = regex.compile(r"[^();]{0,12}\(\s*(?:tỉnh\s+|TP\.?\s*)?", regex.I)
_PAREN_YEAR = regex.compile(r"\s*\((?:năm\s+)?(\d{4})\)")


def subject_after(scope, v: Mention) -> tuple[dict | None, str, dict[str, float]] | None:
    """(province record or None, how, features) when the value's subject stands right after it; else None."""
    for c in scope.subjects:
        if c.attrs["role"] in ("region", "org") and 0 <= c.start - v.end <= 30 and LA_BEFORE.search(scope.between(v.end, c.start)):
            return None, c.attrs["role"], {f"subj_{c.attrs['role']}": 1.0}  # "thứ hai là khu vực Đông Nam Bộ"
    for p in scope.provinces:
        if p.start >= v.end and p.start - v.end <= 60:
            gap = scope.between(v.end, p.start)
            if _PAREN_GAP.fullmatch(gap) or (
                    LA_BEFORE.search(gap) and not scope.values_between(v.end, p.start)
                    and not CLAUSE_BREAK.search(gap) and len(gap) <= 45):
                return p.attrs, "after", {"subj_after": 1.0, "subj_dist": p.start - v.end}
    return None


def year_after(scope, v: Mention) -> int | None:
    """The year in parentheses right after the value: "thứ 27 (2023)", "(năm 2023)"."""
    after = scope.text[v.end - scope.start:v.end - scope.start + 12]
    m = _PAREN_YEAR.match(after)
    return int(m.group(1)) if m else None
