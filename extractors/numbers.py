"""Vietnamese numbers: decimal comma, thousands dot, and number words.

Vietnamese writes ``57.149,4`` for 57149.4 and ``35,03`` for 35.03. Scraped
pages also carry English-style decimals (``90.17%``): a dot followed by
exactly three digits is a thousands separator, any other dot is a decimal
point. A comma is always a decimal comma here (``44,396 điểm`` is a PAPI
score, not forty-four thousand); English thousands commas only occur in
boilerplate such as view counters, which normalisation masks.

>>> parse_number("57.149,4")
57149.4
>>> parse_number("35,03")
35.03
>>> parse_number("1.384")
1384.0
>>> parse_number("90.17")
90.17
>>> parse_number("0,6077")
0.6077
>>> parse_number("một")
1.0
"""
from __future__ import annotations

import regex

#: A number as written: digits with dot/comma groups, or a number word.
NUMBER = r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)"

WORDS = {
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7,
    "tám": 8, "chín": 9, "mười": 10, "nhất": 1, "nhì": 2,
}
#: Number words allowed where a count of places is expected ("tăng một hạng").
NUMBER_WORD = r"(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)"

_THOUSANDS = regex.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")


def parse_number(text: str) -> float:
    """Parse a Vietnamese-written number or number word; raises ValueError otherwise."""
    s = text.strip().lower()
    if s in WORDS:
        return float(WORDS[s])
    s = s.replace(" ", "")
    if _THOUSANDS.match(s):
        return float(s.replace(".", "").replace(",", "."))
    if "," in s:
        return float(s.replace(",", "."))
    return float(s)


def decimals(text: str) -> int:
    """Number of decimal places as written (``0,6077`` -> 4); 0 for integers."""
    s = text.strip()
    if _THOUSANDS.match(s):
        return len(s.split(",")[1]) if "," in s else 0
    for sep in ",.":
        if sep in s:
            return len(s.split(sep)[1])
    return 0
