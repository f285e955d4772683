"""What the review page and the notebook show of text they did not write: bidi controls made visible.

A right-to-left override (U+202E) in an article or an id makes a browser draw
the following characters in reverse: a reviewer reads "tăng 27 bậc" as
"cậb 72 gnăt" and "13/63" as "36/31", and judges the fact on text that is not
there. What is *displayed* shows each bidi control as a marker such as
``[U+202E]`` instead; the data (facts.jsonl evidence and offsets, the texts)
is never altered. The page's JavaScript does the same (``vis`` in
templates/review.html), with the same list of characters.
"""
from __future__ import annotations

import bisect
import re
from typing import Any

#: Arabic letter mark, LRM/RLM, the embeddings and overrides (LRE RLE PDF LRO RLO), the isolates (LRI RLI FSI PDI).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def marker(char: str) -> str:
    """``[U+202E]``: what a bidi control is shown as."""
    return f"[U+{ord(char):04X}]"


def neutralise(value: Any) -> Any:
    """A string with every bidi control shown as its marker; anything else unchanged.

    >>> neutralise("tăng \\u202e27 bậc")
    'tăng [U+202E]27 bậc'
    """
    if isinstance(value, str) and _BIDI.search(value):
        return _BIDI.sub(lambda m: marker(m.group()), value)
    return value


class ShownText:
    """A text as displayed (bidi controls as markers) and the map from its offsets to the shown ones.

    >>> shown = ShownText("a\\u202ebc")
    >>> shown.text, shown.offset(0), shown.offset(2), shown.offset(4)
    ('a[U+202E]bc', 0, 9, 11)
    """

    def __init__(self, text: str) -> None:
        self.positions = [m.start() for m in _BIDI.finditer(text)]
        self.text = neutralise(text)
        self._extra = len(marker("\u202e")) - 1  # every marker is 8 characters for 1

    def offset(self, pos: int) -> int:
        """Where original offset ``pos`` is in the shown text (a span keeps the markers inside it)."""
        return pos + self._extra * bisect.bisect_left(self.positions, pos)
