"""Changes: rank moves (``tăng 27 bậc``, ``tụt 5 hạng``) and score moves (``tăng 2,49 điểm``).

>>> [(m.kind, m.attrs["delta"]) for m in find_changes("tăng 27 bậc so với năm 2021; tụt hạng 10 bậc; giảm 3,84 điểm")]
[('rank_change', 27.0), ('rank_change', -10.0), ('score_change', -3.84)]
>>> [(m.kind, m.attrs["delta"]) for m in find_changes("Hà Nội tăng một hạng, giữ vững thứ hạng so với năm 2020")]
[('rank_change', 1.0), ('rank_change', 0.0)]
>>> [(m.kind, m.attrs["delta"]) for m in find_changes("Hà Tĩnh giảm 3,3 điểm và 8 bậc so với năm 2020")]
[('score_change', -3.3), ('rank_change', -8.0)]
>>> [(m.kind, m.attrs["delta"]) for m in find_changes("Bình Thuận tăng mạnh nhất với 6,39%, Lai Châu (-0,19%), tỉnh tăng cao nhất 34 bậc")]
[('score_change', 6.39), ('score_change', -0.19), ('rank_change', 34.0)]
"""
from __future__ import annotations

from typing import Iterator

import regex

from . import lexicon
from .mention import Mention

from .numbers import NUMBER, NUMBER_WORD, parse_number

_UP = lexicon.pattern("change_up")
_DOWN = lexicon.pattern("change_down")

_RANK_CHANGE = regex.compile(
    rf"""(?P<verb>{_UP}|{_DOWN})
        (?:\s+(?:hạng|được|thêm|tới|đến|liền|liên\s+tiếp|mạnh|nhẹ|sâu|cao|nhất|là))*
        \s+(?P<n>\d{{1,2}}|{NUMBER_WORD})\s+(?P<unit>bậc|hạng|vị\s+trí)(?!\s*\d)
    """, regex.VERBOSE | regex.IGNORECASE)

_SCORE_CHANGE = regex.compile(
    rf"""(?P<verb>tăng|giảm|cao\s+hơn|thấp\s+hơn|tăng\s+thêm|sụt|sụt\s+giảm)
        (?:\s+(?:được|thêm|tới|đến|nhẹ|mạnh|khoảng|gần|hơn))*
        (?P<most>\s+(?:mạnh|nhiều|ít|cao|thấp)\s+nhất(?:\s+(?:với|là|ở\s+mức))?)?   # "tăng mạnh nhất với 6,39%", "mức tăng thấp nhất là"
        \s+(?P<n>{NUMBER})\s*(?P<unit>điểm|điẻm|%|phần\s+trăm)?
    """, regex.VERBOSE | regex.IGNORECASE)
#: A signed figure in parentheses after a name: "tăng cao nhất là Bình Thuận (+6,39%)", "Lai Châu (-0,5 điểm)".
_SIGNED = regex.compile(rf"\(\s*(?P<sign>[+−-])\s*(?P<n>{NUMBER})\s*(?P<unit>điểm|%)\s*\)")

#: A rank move that shares the verb of a score move before it: "tăng 3,3 điểm và 8 bậc".
_ELIDED = regex.compile(
    rf"""(?P<verb>{_UP}|{_DOWN})\s+{NUMBER}\s*(?:điểm|%)\s*(?:,\s*)?(?:và|cùng)\s+(?P<n>\d{{1,2}}|{NUMBER_WORD})\s+(?P<unit>bậc|hạng)(?!\s*\d)""",
    regex.VERBOSE | regex.IGNORECASE)
_HOLD = regex.compile(r"(?:giữ\s+vững|giữ\s+nguyên|duy\s+trì)\s+(?:thứ\s+hạng|vị\s+trí|hạng)(?=[^.;]{0,30}?so\s+(?:với\s+)?(?:năm|cùng\s+kỳ|PCI|PAPI|kỳ))", regex.I)


def _sign(verb: str) -> int:
    return -1 if regex.match(_DOWN, verb, regex.I) else 1


def find_changes(text: str, offset: int = 0) -> Iterator[Mention]:
    """rank_change and score_change mentions; ``attrs = {delta, unit, decimals}``.

    Percent-point moves (``tăng 1,28%``) are score_change *candidates* with
    unit ``%``: they are index changes only for percent-valued indices
    (SIPAS, PAR INDEX), which the assembler decides.
    """
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for m in _RANK_CHANGE.finditer(text):
        delta = _sign(m.group("verb")) * parse_number(m.group("n"))
        out.append(Mention("rank_change", m.start() + offset, m.end() + offset, m.group(),
                           {"delta": delta, "unit": m.group("unit").lower()}, "rank_change"))
        taken.append((m.start(), m.end()))
    for m in (_ELIDED.finditer(text) if " và " in text or " cùng " in text else ()):
        # "tăng 3,3 điểm và 8 bậc": the verb of a score change also moves the rank
        if any(s <= m.start("n") < e for s, e in taken):
            continue
        delta = _sign(m.group("verb")) * parse_number(m.group("n"))
        s0 = m.start("n")
        out.append(Mention("rank_change", s0 + offset, m.end() + offset, text[s0:m.end()],
                           {"delta": delta, "unit": m.group("unit").lower()}, "rank_change:elided"))
        taken.append((s0, m.end()))
    for m in _HOLD.finditer(text):
        out.append(Mention("rank_change", m.start() + offset, m.end() + offset, m.group(),
                           {"delta": 0.0, "unit": "hold"}, "rank_change:hold"))
    for m in _SCORE_CHANGE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        unit = (m.group("unit") or "").lower()
        n = m.group("n")
        if not unit and not regex.search(r"[.,]\d", n):
            continue  # "tăng 3 tỉnh": a bare integer without unit is a count
        if not unit and regex.match(r"\s*(?:tỷ|triệu|nghìn|ngàn|lần|người|doanh|hồ|dự|tỉnh|đơn|bậc|hạng)", text[m.end():], regex.I):
            continue
        if m.group("most") and not unit:
            continue  # "tăng cao nhất 34 bậc" is a rank's move; a superlative's figure needs its unit
        unit = "%" if unit in ("%", "phần trăm") else ("điểm" if unit else "")
        delta = _sign(m.group("verb")) * parse_number(n)
        out.append(Mention("score_change", m.start() + offset, m.end() + offset, m.group(),
                           {"delta": delta, "unit": unit}, "score_change"))
    for m in (_SIGNED.finditer(text) if "(" in text else ()):
        if any(s <= m.start() < e for s, e in taken) or any(c.start <= m.start() + offset < c.end for c in out):
            continue
        sign = -1 if m.group("sign") != "+" else 1
        out.append(Mention("score_change", m.start() + offset, m.end() + offset, m.group(),
                           {"delta": sign * parse_number(m.group("n")), "unit": m.group("unit")}, "score_change:signed"))
    yield from sorted(out, key=lambda x: x.start)
