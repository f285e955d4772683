"""Year mentions and their role: the edition a figure is about, or the base of a comparison.

>>> [(m.attrs["year"], m.attrs["role"]) for m in find_years("Năm 2022 tăng 7 bậc so với năm 2021, kể từ năm 2008, ngày 19/11/2021")]
[(2022, 'edition'), (2021, 'base'), (2008, 'since')]
>>> [(m.attrs["year"], m.attrs["role"]) for m in find_years("giảm 5 bậc so với năm trước")]
[(None, 'base_previous')]
"""
from __future__ import annotations

from typing import Iterator

import regex

from .mention import Mention

_YEAR = regex.compile(
    r"""(?<![\d/.-]\s?)(?<![\d/.,-])           # not the end of a date 19/11/2021 or a number ("12, 2021" is)
        (?P<y>(?:19[89]\d|20[0-4]\d))
        (?![\d/]|[.,]\d|-\d\d(?!\d))          # not followed by more digits, nor "-03" (a date)
    """, regex.VERBOSE)

_BASE_BEFORE = regex.compile(r"(?:so\s+với|so|hơn|với)\s+(?:(?:cùng\s+kỳ\s+)?năm\s+|kỳ\s+|PCI\s+|PAPI\s+|PAR\s+INDEX\s+|SIPAS\s+|DTI\s+)?$", regex.I)
_SINCE_BEFORE = regex.compile(r"(?:kể\s+từ|từ|trước|giai\s+đoạn|nhiệm\s+kỳ|đến|tới)\s+(?:năm\s+|cuối\s+năm\s+|tháng\s+\d+\s*/\s*)?$|\d\s*[-–]\s*$|tháng\s+\d{1,2}\s*/\s*$", regex.I)
_RELATIVE = regex.compile(r"so\s+với\s+(?:cùng\s+kỳ\s+)?(?:năm\s+(?:trước|ngoái)|cùng\s+kỳ|một\s+năm\s+trước|kỳ\s+trước|lần\s+trước)", regex.I)


def find_years(text: str, offset: int = 0) -> Iterator[Mention]:
    """Years with ``attrs = {"year", "role"}``; role is edition, base, since or base_previous."""
    found: list[Mention] = []
    for m in _YEAR.finditer(text):
        left = text[max(0, m.start() - 30):m.start()]
        if _BASE_BEFORE.search(left):
            role = "base"
        elif _SINCE_BEFORE.search(left):
            role = "since"
        else:
            role = "edition"
        found.append(Mention("year", m.start() + offset, m.end() + offset, m.group(), {"year": int(m.group("y")), "role": role}, "year"))
    for m in _RELATIVE.finditer(text):
        found.append(Mention("year", m.start() + offset, m.end() + offset, m.group(), {"year": None, "role": "base_previous"}, "year:relative"))
    yield from sorted(found, key=lambda x: x.start)
