"""Clause and segment bounds inside a sentence, computed once per sentence.

Why here: the linker, the evidence span and the classifier's features all ask
"which clause (or comma segment) holds this offset?" for every value. Scanning
the sentence again for each value made dense sentences quadratic; the breaks
are now found once and each question is a binary search.

A clause ends at ``;``, ``:``, a line break, a full stop, or a comma that opens a
contrast ("…, trong khi …", "…, còn …"; lexicon list ``clause_contrast``). A
segment also ends at any comma, parenthesis or dash between spaces.

>>> b = Breaks("Năm 2022, Thái Bình xếp thứ 13/63; chỉ số PAPI xếp thứ 20", CLAUSE_BREAK)
>>> b.bounds(12), b.bounds(40)
((0, 33), (34, 57))
>>> Breaks("Năm 2022, Thái Bình xếp thứ 13/63", SEGMENT_BREAK).bounds(12)
(9, 33)
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

import regex

from extractors import lexicon

CLAUSE_BREAK = regex.compile(rf"[;:\n]|\.\s|,\s*{lexicon.pattern('clause_contrast')}\b", regex.I)
SEGMENT_BREAK = regex.compile(r"[,;:()\n]|\.\s|\s[-–]\s")


class Breaks:
    """The break matches of one text, for bound look-ups by offset."""

    __slots__ = ("starts", "ends", "length")

    def __init__(self, text: str, pattern: regex.Pattern):
        spans = [m.span() for m in pattern.finditer(text)]
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]
        self.length = len(text)

    def bounds(self, rel: int) -> tuple[int, int]:
        """(start, end) relative to the text of the piece holding relative offset ``rel``: after the
        last break that ends at or before it, up to the first break that starts at or after it."""
        i = bisect_right(self.ends, rel)
        lo = self.ends[i - 1] if i else 0
        j = bisect_left(self.starts, rel)
        hi = self.starts[j] if j < len(self.starts) else self.length
        return lo, hi
