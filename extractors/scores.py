"""Score mentions: ``đạt 65,22 điểm``, ``(70,34 điểm)``, ``là 0,6077``, ``từ 40,14 lên 40,87``.

A number is a score candidate when it carries ``điểm`` or follows a value
verb (``đạt``, ``là``, ``với``) with decimals; the assembler decides whether
an index and a subject stand behind it. Structure figures ("thang điểm 100",
"tổng điểm 1.000", "từ 90 điểm trở lên") are marked, not dropped, so the
classifier can learn from them.

>>> [m.attrs["score"] for m in find_scores("Quảng Ninh đạt 71,25 điểm, Hải Phòng (70,34 điểm), Trà Vinh đạt 0,6077")]
[71.25, 70.34, 0.6077]
>>> [m.attrs["score"] for m in find_scores("Với điểm số 68,38, Hà Nội tăng 4 bậc")]
[68.38]
>>> [m.attrs["score"] for m in find_scores("Hải Phòng xếp hạng cao nhất, với tổng điểm đạt 29. Có 12 tỉnh đạt 29")]
[29.0]
>>> [(m.attrs["score"], m.attrs["step"]) for m in find_scores("Điểm số tăng khá, từ 40,14 lên 40,87.")]
[(40.14, 'from'), (40.87, 'to')]
>>> [m.attrs["structure"] for m in find_scores("Nhóm A đạt từ 90 điểm trở lên; Quảng Ninh đạt 90,1 điểm")]
[True, False]
"""
from __future__ import annotations

from typing import Iterator

import regex

from .mention import Mention

from .numbers import NUMBER, decimals, parse_number

_WITH_UNIT = regex.compile(rf"(?P<n>{NUMBER})(?:\s*/\s*(?P<max>\d{{2,3}}))?\s*(?:điểm|điẻm)\b", regex.I)
_AFTER_VERB = regex.compile(
    rf"""(?:(?<=\b(?:đạt|là|với|được|giá\s+trị|tổng\s+hợp|điểm|điểm\s+số|ứng\s+là)\s)(?P<n>\d+[.,]\d+)|(?<=\()(?P<n>\d+,\d+))(?:\s*/\s*(?P<max>\d{{2,3}}))?(?!\s*(?:%|phần|tỷ|triệu|nghìn|ngàn|lần|km|ha|USD|đồng|người|\d|/))""",
    regex.VERBOSE | regex.I)
#: A whole number named as points: "với tổng điểm đạt 29", "điểm số là 65" (no decimals, no "điểm" after).
_POINTS_THEN = regex.compile(r"(?<=\b(?:tổng\s+điểm|điểm\s+số|số\s+điểm)\s+(?:đạt|là)\s)(?P<n>\d{1,2})(?!\d|[.,]\d|\s*(?:%|/|phần|tỷ|triệu|nghìn|ngàn|lần|người|bậc|hạng|tỉnh))", regex.I)
_LIST_CONT = regex.compile(r"(?<=\d,\d+(?:\s*[;,]\s*|\s+và\s+))(?P<n>\d+,\d+)(?![\d%])")
_BARE_COMPONENT = regex.compile(rf"(?<=[\p{{Ll}}]\s)(?P<n>\d+,\d+)(?=\s*\()", regex.I)
_FROM_TO = regex.compile(r"từ\s+(?P<a>\d+,\d+)(?:\s*\((?P<ya>\d{4})\))?\s+(?:lên|xuống)\s+(?P<b>\d+,\d+)(?:\s*\((?P<yb>\d{4})\))?", regex.I)
_SPLIT_DECIMAL = regex.compile(r"(?<=\()(?P<n>\d{1,2},\s\d{1,4})(?=\s*điểm)")  # OCR/typing damage "(62, 16 điểm)"
_CHANGE_BEFORE = regex.compile(r"(?:tăng|giảm|cao\s+hơn|thấp\s+hơn|thêm|tụt|hơn|sụt)\s+(?:(?:được|thêm|tới|đến|nhẹ|mạnh|khoảng|gần)\s+)*$", regex.I)
_STRUCTURE = regex.compile(r"(?:thang\s+điểm|tối\s+đa(?:\s+là)?|mỗi\s+chỉ\s+số|từ|dưới|trên|gồm|chiếm|gần|(?:cao|thấp)\s+nhất\s*\(?|\d\s*[-–])\s*$", regex.I)
_STRUCTURE_CLAUSE = regex.compile(r"thang\s+điểm|tổng\s+điểm\s+(?:đánh\s+giá|tối\s+đa)|tối\s+đa|tự\s+đánh\s+giá|điều\s+tra\s+xã\s+hội\s+học|tổng\s+điểm\s+\d\.\d{3}", regex.I)
_STRUCTURE_AFTER = regex.compile(r"^\s*(?:điểm\s+)?(?:trở\s+lên|trở\s+xuống|là\s+đánh\s+giá|\)?\s*,?\s*với\s+tổng\s+điểm|-\s*dưới)", regex.I)


def find_scores(text: str, offset: int = 0) -> Iterator[Mention]:
    """Score candidates with ``attrs = {score, decimals, unit, max, structure, step, year}``."""
    out: dict[int, Mention] = {}
    for m in _FROM_TO.finditer(text):
        for key, step, ykey in (("a", "from", "ya"), ("b", "to", "yb")):
            s, e = m.span(key)
            year = int(m.group(ykey)) if m.group(ykey) else None
            out[s] = _mention(text, s, e, offset, step=step, year=year, unit="", mx=None)
    for m in _SPLIT_DECIMAL.finditer(text):
        s0, e0 = m.span("n")
        mention = _mention(text, s0, e0, offset, step=None, year=None, unit="điểm", mx=None)
        value = float(m.group("n").replace(", ", "."))
        out[s0] = Mention(mention.kind, mention.start, mention.end, mention.text,
                          {**mention.attrs, "score": value, "decimals": len(m.group("n").split(", ")[1])}, "score:split")
    for rx in (_WITH_UNIT, _AFTER_VERB, _POINTS_THEN, _BARE_COMPONENT, _LIST_CONT):
        for m in rx.finditer(text):
            s, e = m.span("n")
            if s in out or any(x.start - offset <= s < x.end - offset or s <= x.start - offset < m.end() for x in out.values()):
                continue
            left = text[max(0, s - 25):s]
            if _CHANGE_BEFORE.search(left):
                continue  # "tăng 2,49 điểm" is a score_change
            mx = m.groupdict().get("max")
            out[s] = _mention(text, s, m.end(), offset, step=None, year=None,
                              unit="điểm" if rx is _WITH_UNIT else "", mx=int(mx) if mx else None)
    yield from (out[k] for k in sorted(out))


def _mention(text: str, s: int, e: int, offset: int, *, step, year, unit, mx) -> Mention:
    number = regex.match(NUMBER, text[s:e]).group()
    left = text[max(0, s - 20):s]
    integer = "," not in number and "." not in number
    structure = bool((step is None and _STRUCTURE.search(left)) or _STRUCTURE_AFTER.match(text[e:e + 30])
                     or regex.match(r"\s*[-–]\s*\d", text[s + len(number):])
                     or parse_number(number) > 100
                     or (integer and _STRUCTURE_CLAUSE.search(text))
                     or (text[max(0, s - 1):s] == "(" and regex.match(r"\s*điểm\s*\)", text[s + len(number):])
                         and regex.search(r"(?:số|mô|cột)\s*\($", text[max(0, s - 12):s]) is not None))
    return Mention("score", s + offset, e + offset, text[s:e],
                   {"score": parse_number(number), "decimals": decimals(number), "unit": unit,
                    "max": mx, "structure": structure, "step": step, "year": year}, "score")
