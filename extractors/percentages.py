"""Percentage mentions with qualifier and the phrase naming what was measured.

>>> [(m.attrs["value"], m.attrs["qualifier"]) for m in find_percentages("có đến 96,55% người dân hài lòng, giảm gần 50% thời gian, đạt trên 76%")]
[(96.55, 'exact'), (50.0, 'approx'), (76.0, 'more_than')]
>>> [m.attrs["value"] for m in find_percentages("cao hơn từ 5%-10% so với nữ giới, từ 40 đến 60 phần trăm")]
[5.0, 10.0, 40.0, 60.0]
"""
from __future__ import annotations

from typing import Iterator

import regex

from .mention import Mention

from .numbers import NUMBER, parse_number

_PCT = regex.compile(
    rf"""(?<!\d)(?P<a>{NUMBER})(?:\s*%)?\s*(?:-|–|đến|tới)\s*(?P<b>{NUMBER})\s*(?:%|phần\s+trăm)
       | (?<!\d)(?P<n>{NUMBER})\s*(?:%|phần\s+trăm)""", regex.VERBOSE | regex.I)
# (?<!\d): a number starts where its digits start; trying every position inside a long run of
# digits made a 10,000-digit line cost 26 s (issue 13: values must not rescan the sentence).

_QUALIFIERS = (
    ("approx", r"(?:khoảng|gần|xấp\s+xỉ|ước\s+(?:đạt|khoảng)?|chừng|độ)"),
    ("more_than", r"(?:hơn|trên|vượt|tối\s+thiểu|ít\s+nhất|từ)"),
    ("less_than", r"(?:dưới|chưa\s+đến|chưa\s+tới|không\s+quá|tối\s+đa|thấp\s+hơn)"),
)
_QUAL_RX = [(q, regex.compile(rf"(?:^|[\s(])(?:{rx})(?:\s+(?:mức|đạt|là|được))?\s+$", regex.I)) for q, rx in _QUALIFIERS]
_NOT_MORE = regex.compile(r"(?:cao\s+hơn|tăng\s+hơn|lớn\s+hơn)\s+$", regex.I)
_TRAILING_VERB = regex.compile(r"\s*(?:(?:đạt|là|được|chiếm)\s*)?(?:(?:khoảng|gần|hơn|trên|dưới)\s*)?$", regex.I)
_TRO_LEN = regex.compile(r"^[^.;%]{0,40}?trở\s+lên", regex.I)


def find_percentages(text: str, offset: int = 0) -> Iterator[Mention]:
    """``attrs = {value, qualifier, metric, in_range}``."""
    for m in _PCT.finditer(text):
        keys = ("a", "b") if m.group("a") else ("n",)
        for k in keys:
            s, e = m.span(k)
            left = text[max(0, (m.start() if k != "b" else s) - 20):(m.start() if k != "b" else s)]
            qualifier = "exact"
            if len(keys) == 1:
                for q, rx in _QUAL_RX:
                    if rx.search(left) and not (q == "more_than" and _NOT_MORE.search(left)):
                        qualifier = q
                        break
                if qualifier == "more_than" and regex.search(r"từ\s+$", left, regex.I) and not _TRO_LEN.match(text[m.end():]):
                    qualifier = "exact"
            end = m.end() if k == keys[-1] else e
            yield Mention("percentage", s + offset, end + offset, text[s:end],
                          {"value": parse_number(m.group(k)), "qualifier": qualifier,
                           "metric": _metric(text, m.start(), m.end()), "in_range": len(keys) == 2},
                          "percentage")


def _metric(text: str, start: int, end: int) -> str:
    """The phrase naming what was measured: the words after the figure ("96,55% người dân hài
    lòng với dịch vụ công"), else the words before it ("tỷ lệ số hóa hồ sơ đạt trên 76%")."""
    after = text[end:end + 120]
    cut = min([i for i in (after.find(c) for c in ",.;:()…\n") if i >= 0] + [len(after)])
    after = _STOP_AFTER.split(after[:cut], maxsplit=1)[0].strip()
    if len(after.split()) >= 2 and not _NOT_METRIC.match(after):
        return _clip(after)
    window = text[max(0, start - 100):start]
    before = ""
    for _ in range(2):  # "... hoàn thành 296 nhiệm vụ, đạt 35,03%": step back over a bare verb
        cut = max(window.rfind(c) for c in ",.;:()%…\n")
        before = _LEAD.sub("", _TRAILING_VERB.sub("", window[cut + 1:])).strip()
        if len(before.split()) >= 2 or cut < 0:
            break
        window = window[:cut]
    return _clip(before[-80:].lstrip()) if len(before.split()) >= 2 else (_clip(after) if after else "")


def _clip(phrase: str, limit: int = 80) -> str:
    if len(phrase) <= limit:
        return phrase
    return phrase[:limit].rsplit(" ", 1)[0]


_STOP_AFTER = regex.compile(r"\s(?:so\s+với|đạt|là|trở\s+lên|trở\s+xuống|vào\s+năm|năm\s+\d{4})\b", regex.I)
_NOT_METRIC = regex.compile(r"(?:so\s+với|trở\s+lên|theo\s+đúng|kế\s+hoạch|trong\s+(?:quý|năm)|năm\s+\d)", regex.I)
_LEAD = regex.compile(r"^\s*(?:có\s+đến|có|với|và|trong\s+đó|đến\s+nay)\s+", regex.I)
