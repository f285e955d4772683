"""Rank mentions: ``xếp thứ 13/63``, ``đứng thứ 3 cả nước``, ``vị trí á quân``, ``dẫn đầu``.

Fractions of counts (``23/30 nhiệm vụ``), dates (``19/11/2021``), ordinal
events (``năm thứ 7``, ``lần thứ hai``, ``Phiên họp thứ 5``) and week days
(``Thứ 5, 16/11/2023``) are not ranks.

>>> [(m.attrs["rank"], m.attrs["total"]) for m in find_ranks("Thái Bình xếp thứ 13/63 tỉnh, thành phố")]
[(13, 63)]
>>> [(m.attrs["rank"], m.attrs["national"]) for m in find_ranks("vươn lên xếp thứ 3 cả nước về chỉ số PAPI")]
[(3, True)]
>>> [m.attrs["rank"] for m in find_ranks("Long An giành vị trí á quân; Quảng Ninh dẫn đầu")]
[2, 1]
>>> [m.attrs["rank"] for m in find_ranks("PAR INDEX xếp đầu tiên là Quảng Ninh; thành phố xếp hạng PGI cao nhất cả nước")]
[1, 1]
>>> list(find_ranks("TP dẫn đầu thu ngân sách cả nước; Bình Dương dẫn đầu cả nước về thu hút FDI"))
[]
>>> list(find_ranks("ba địa phương dẫn đầu chỉ số PAPI là A, B và C; một số tỉnh dẫn đầu: A, B"))
[]
>>> [m.attrs["rank"] for m in find_ranks("các tỉnh, thành phố thì đứng đầu vẫn là tỉnh Quảng Ninh; 2 vị trí dẫn đầu thuộc về A và B")]
[1]
>>> list(find_ranks("Thứ 5, 16/11/2023, đã thực hiện 23/30 nhiệm vụ, năm thứ 7 liên tiếp, Phiên họp thứ 5, Kỳ họp thứ 4"))
[]
>>> [(m.attrs["rank"], m.attrs["total"]) for m in find_ranks("PCI tăng 10 bậc, xếp 14/63 tỉnh, thành phố; xếp 3 loại")]
[(14, 63)]
"""
from __future__ import annotations

from typing import Iterator

import regex

from . import lexicon
from .mention import Mention

from .numbers import WORDS

_NUM_RANK = regex.compile(
    r"""(?P<cue>
          xếp\s+thứ\s+hạng | xếp\s+hạng(?:\s+thứ)? | xếp\s+(?:ở\s+)?vị\s+trí(?:\s+thứ)? | xếp\s+thứ
        | đứng\s+thứ | đứng\s+(?:ở\s+)?vị\s+trí(?:\s+thứ)? | ở\s+vị\s+trí(?:\s+thứ)?
        | vị\s+trí\s+số | vị\s+trí(?:\s+thứ)? | thứ\s+hạng(?:\s+thứ)? | hạng(?:\s+thứ)? | thứ
        | (?<=\b(?:là|địa\s+phương|tỉnh)\s+)số
        | (?:xếp|đứng)(?=\s+\d{1,2}\s*/\s*(?:63|34)(?!\d)) )     # "xếp 14/63 tỉnh, thành phố"
        (?:\s*:\s*|\s+)(?P<rank>\d{1,2})(?!\d)(?![,.]\d|\s*(?:bậc|hạng|điểm|%|tỉnh|bộ|UBND|địa\s+phương|đơn\s+vị|cơ\s+quan|doanh))   # "Xếp hạng: 20/63"
        (?:\s*/\s*(?P<total>\d{2})(?!\d|/))?
    """, regex.VERBOSE | regex.IGNORECASE)

_WORD_RANK = regex.compile(
    r"""(?P<cue>
          (?:vị\s+trí\s+|ngôi\s+)?(?:dẫn\s+đầu|đứng\s+đầu|quán\s+quân|ngôi\s+đầu(?:\s+bảng)?|á\s+quân)(?!\s+(?:nhóm|tốp|top))
        | vị\s+trí\s+đầu\s+tiên | (?:vị\s+trí\s+|xếp\s+|đứng\s+)?thứ\s+(?:nhất|nhì|hai|ba|tư)(?!\s*(?:-|–)|\s+(?:từ|thứ))
        | (?:vị\s+trí|đứng|xếp)\s+thứ\s+(?:năm|sáu|bảy|tám|chín|mười)(?!\s*(?:-|–)|\s+(?:từ|thứ))
        | (?<=thứ\s+(?:nhất|nhì|hai|ba|tư|năm|sáu|bảy|tám|chín)\s*(?:,|và)\s*)thứ\s+(?:năm|sáu|bảy|tám|chín|mười)(?!\s*(?:-|–))  # "thứ tư và thứ năm"
        | (?<=(?:điểm|xếp\s+hạng(?:\s+\w+){0,3}),?\s*)cao\s+nhất(?=\s+NATIONAL)      # "xếp hạng PGI cao nhất cả nước"
        | (?:xếp|đứng)\s+đầu\s+tiên                                                     # "xếp đầu tiên là Quảng Ninh"
        | (?:đứng\s+|xếp\s+)?cuối\s+bảng | đứng\s+cuối(?:\s+cùng)? | (?:xếp\s+)?vị\s+trí\s+cuối(?:\s+cùng)? )
    """.replace("NATIONAL", lexicon.pattern("national")), regex.VERBOSE | regex.IGNORECASE)

_WORD_VALUE = {"dẫn": 1, "đứng": 1, "quán": 1, "ngôi": 1, "đầu": 1, "á": 2, "cao": 1}
_NOT_ORDINAL_BEFORE = regex.compile(
    r"(?:vào|năm|lần|phiên\s+họp|phiên|kỳ|họp|khóa|khoá|đại\s+hội|tuần|ngày|tháng|quý|giờ|bước|điều|khoản|chương|mục|tầng|lớp|người|nhiệm\s+kỳ|vòng|đợt|hội\s+nghị|cuộc|kế\s+hoạch|số|lượt|việc|giờ\s+làm\s+việc)\s+$",
    regex.IGNORECASE)
_WEEKDAY = regex.compile(r"^\s*,?\s*\d{1,2}\s*/\s*\d{1,2}|^\s*,\s*ngày|^(?:\s*(?:,|và)\s*thứ\s+\p{L}+)*\s+(?:tuần|hằng\s+tuần|hàng\s+tuần)", regex.IGNORECASE)
_GROUP_BEFORE = regex.compile(r"(?:nhóm|tốp|top|trong\s+số)\s+(?:\d+\s+)?(?:[\p{L}]+\s+){0,4}$|\b(?:\d+|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|một\s+số|một\s+vài|vài)\s+(?:tỉnh|địa\s+phương|đơn\s+vị|bộ|thành\s+phố)[\p{L}\s,]{0,20}$|(?:các|những)\s+(?:tỉnh|địa\s+phương)[^.;]{0,60}$|người\s+$", regex.IGNORECASE)
#: What "dẫn đầu" may lead in other than an index: economic measures (revenue, exports, growth, ...).
_ECONOMIC_OBJECT = regex.compile(
    rf"\s+(?:{lexicon.pattern('national')}\s+)?(?:về\s+)?(?:(?:tổng\s+)?thu\s+(?:ngân\s+sách|hút)|xuất\s+khẩu|nhập\s+khẩu|"
    r"tăng\s+trưởng|GRDP|GDP|doanh\s+thu|sản\s+lượng|thu\s+nhập|giải\s+ngân|vốn\s+(?:đầu\s+tư|FDI)|FDI|kim\s+ngạch)",
    regex.IGNORECASE)
#: "đứng đầu (vẫn) là X", "dẫn đầu thuộc về X": one holder of the first place, named right after.
_NAMED_AFTER = regex.compile(r"\s+(?:(?:vẫn|tiếp\s+tục|cũng|lại)\s+)?(?:là|thuộc\s+về)\s+(?:tỉnh|thành\s+phố|TP)?", regex.I)
#: A counted group right before: "2 vị trí dẫn đầu (thuộc về A và B)", "nhóm 5 tỉnh dẫn đầu" — no position.
_COUNTED_BEFORE = regex.compile(r"(?:(?:\d+|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+(?:vị\s+trí|tỉnh|địa\s+phương|đơn\s+vị|thành\s+phố)|nhóm|tốp|top)[\p{L}\d\s]{0,30}$", regex.I)
_NATIONAL_AFTER = regex.compile(rf"^\s*(?:của\s+|trong\s+|trên\s+)?{lexicon.pattern('national')}", regex.IGNORECASE)
_TOTAL_AFTER = regex.compile(r"^\s*(?:trong|trên|/)\s*(?:tổng\s+số\s+)?(?P<total>\d{2})\s+(?:tỉnh|địa\s+phương|đơn\s+vị)", regex.IGNORECASE)


#: Another year's place in parentheses right after a rank: "vươn lên vị trí thứ 7 (năm 2023 là 18)", "(2023: 18)".
_EARLIER_PLACE = regex.compile(r"\(\s*(?:năm\s+)?(?P<y>(?:19|20)\d\d)\s*(?:là|:|xếp|đứng)\s*(?:(?:thứ|hạng|vị\s+trí)\s+)?(?P<rank>\d{1,2})\s*\)", regex.I)


def _ordinal_word(cue: str) -> int | None:
    low = cue.lower().split()
    if "cuối" in low:
        return None  # rank = stated total, resolved later
    if "thứ" in low:
        return WORDS.get(low[-1])
    for w in low:
        if w in _WORD_VALUE:
            return _WORD_VALUE[w]
    return 1


_CONTINUE = regex.compile(r"^(?:\s*,\s*|\s+và\s+)(?:thứ\s+)?(?P<rank>\d{1,2})(?!\d|[,.]\d|\s*(?:bậc|hạng|điểm|%|tỉnh|năm))")
_PAREN = regex.compile(r"\(\s*(?P<rank>\d{1,2})\s*/\s*(?P<total>63|34)\s*\)|(?<=thứ\s+hạng\s+[A-Z]{3,5}\s*)\((?P<rank2>\d{1,2})\)")


#: "vị trí thứ", "vị trí số", "bậc", "hạng", "thứ hạng", "thứ" before the number of a move's end.
_STEP = r"(?:(?:vị\s+trí|thứ\s+hạng|hạng|bậc)\s+)?(?:(?:số|thứ)\s+)?"
#: The year written with where a move started: "từ vị trí 28 của năm ngoái", "từ bậc 21 (năm 2015)".
_FROM_YEAR = r"(?:\s*\(\s*(?:năm\s+)?\d{4}\s*\)|\s+(?:của\s+|trong\s+|vào\s+)?năm\s+(?P<ya>ngoái|trước|\d{4}))?"
_TRANSITION = regex.compile(
    rf"từ\s+{_STEP}(?P<a>\d{{1,2}}){_FROM_YEAR}\s+(?:lên|xuống)\s+{_STEP}(?P<b>\d{{1,2}})(?!\d|[,.]\d|\s*(?:điểm|%|ngày|giờ|tháng|người))"
    rf"|từ\s+thứ\s+hạng\s+(?P<c>\d{{1,2}})(?!\d)", regex.I)


def find_ranks(text: str, offset: int = 0) -> Iterator[Mention]:
    """Rank mentions with ``attrs = {rank, total, national, last, cue}`` (``rank`` None for "cuối bảng")."""
    out: list[Mention] = []
    for m in _TRANSITION.finditer(text):
        for key, step in (("a", "from"), ("b", "to"), ("c", "from")):
            if m.group(key):
                s0, e0 = m.span(key)
                attrs = {"rank": int(m.group(key)), "total": None, "national": False, "last": False,
                         "cue": "transition", "step": step}
                if key == "a" and (m.group("ya") or "").isdigit():
                    attrs["year"] = int(m.group("ya"))
                out.append(Mention("rank", s0 + offset, e0 + offset, text[s0:e0], attrs, "rank:transition"))
    stepped = {m.start - offset for m in out}
    for m in _NUM_RANK.finditer(text):
        if m.start("rank") in stepped:
            continue
        cue = m.group("cue").lower()
        left = text[:m.start()]
        if cue in ("thứ", "hạng", "thứ hạng") or cue.startswith("hạng"):
            if _NOT_ORDINAL_BEFORE.search(left[-25:]):
                continue
            if m.group("cue")[0] == "T" and _WEEKDAY.match(text[m.end():]):
                continue
        rank = int(m.group("rank"))
        total = int(m.group("total")) if m.group("total") else None
        after = text[m.end():m.end() + 40]
        if total is None and (t := _TOTAL_AFTER.match(after)):
            total = int(t.group("total"))
        if rank == 0 or (total is not None and rank > total):
            continue
        out.append(Mention("rank", m.start() + offset, m.end() + offset, m.group(),
                           {"rank": rank, "total": total, "national": bool(_NATIONAL_AFTER.match(after)),
                            "last": False, "cue": cue}, "rank:number"))
        end = m.end()
        while (c := _CONTINUE.match(text[end:])):
            s0, e0 = end + c.start("rank"), end + c.end("rank")
            out.append(Mention("rank", s0 + offset, e0 + offset, text[s0:e0],
                               {"rank": int(c.group("rank")), "total": total, "national": False, "last": False,
                                "cue": "continued"}, "rank:number"))
            end = end + c.end()
    for m in _PAREN.finditer(text):
        rank = int(m.group("rank") or m.group("rank2"))
        total = int(m.group("total")) if m.group("total") else None
        out.append(Mention("rank", m.start() + offset, m.end() + offset, m.group(),
                           {"rank": rank, "total": total, "national": False, "last": False, "cue": "paren"}, "rank:paren"))
    for m in _WORD_RANK.finditer(text):
        if _bad_word_context(text, m):
            continue
        after = text[m.end():m.end() + 40]
        rank = _ordinal_word(m.group("cue"))
        total = int(t.group("total")) if (t := _TOTAL_AFTER.match(after)) else None
        if rank is None and total is not None:
            rank = total
        out.append(Mention("rank", m.start() + offset, m.end() + offset, m.group(),
                           {"rank": rank, "total": total, "national": bool(_NATIONAL_AFTER.match(after)),
                            "last": rank is None, "cue": m.group("cue").lower()}, "rank:word"))
    for m in (_EARLIER_PLACE.finditer(text) if "(" in text else ()):
        if any(0 <= m.start() - (r.end - offset) <= 30 for r in out if r.attrs["rank"] is not None):
            out.append(Mention("rank", m.start("rank") + offset, m.end("rank") + offset, m.group("rank"),
                               {"rank": int(m.group("rank")), "total": None, "national": False, "last": False,
                                "cue": "paren_year", "year": int(m.group("y"))}, "rank:paren_year"))
    out.sort(key=lambda x: x.start)
    yield from _drop_overlaps(out)


#: The ordinal listed right after another: "thứ nhất, thứ hai".
_NEXT_ORDINAL = regex.compile(r"\s*,\s*thứ\s+(\p{L}+)", regex.I)


def _bad_word_context(text: str, m: regex.Match) -> bool:
    cue = m.group("cue").lower()
    left = text[max(0, m.start() - 70):m.start()]
    if cue.startswith("thứ") and _NOT_ORDINAL_BEFORE.search(left[-25:]):
        return True
    if cue.startswith("thứ") and _WEEKDAY.match(text[m.end():]):  # "Thứ Hai, 19/11", "thứ tư và thứ năm hằng tuần"
        return True
    if cue.split()[-1] in WORDS and (nxt := _NEXT_ORDINAL.match(text, m.end())):
        if WORDS.get(nxt.group(1).lower()) != WORDS[cue.split()[-1]] + 1:
            return True  # "thứ nhất, thứ hai" lists places; "Thứ ba, thứ năm - ngày không viết" lists weekdays
    elif cue.startswith("thứ") and regex.match(r"\s*,", text[m.end():]) and not (
            m.group("cue")[0] == "t" and regex.search(r"\p{L}\s+$", left)):
        return True  # "Thứ hai, tỉnh …", "; thứ hai, …": counting points, not places ("Hà Nội thứ hai, …" is one)
    if ("dẫn" in cue or "đứng đầu" in cue) and _ECONOMIC_OBJECT.match(text, m.end()):
        return True  # "dẫn đầu thu ngân sách cả nước": first in an economic measure, not in an index
    if "dẫn" in cue or "đứng đầu" in cue or "cuối" in cue:
        if _COUNTED_BEFORE.search(left + m.group()):
            return True   # "2 vị trí dẫn đầu thuộc về A và B", "3 địa phương đứng cuối bảng": a counted group
        if _NAMED_AFTER.match(text, m.end()):
            return False  # "… thì đứng đầu vẫn là tỉnh Quảng Ninh": the position, named right after
    if "dẫn" in cue or "đứng đầu" in cue:
        # "nhóm 10 tỉnh dẫn đầu", "tốp dẫn đầu", "5 đơn vị dẫn đầu": a group, not a position
        if _GROUP_BEFORE.search(left) and not regex.search(r"(?:là|vị\s+trí|giữ|ở)\s+$", left, regex.I):
            return True
    return False


def _drop_overlaps(mentions: list[Mention]) -> Iterator[Mention]:
    last_end = -1
    for m in mentions:
        if m.start >= last_end:
            yield m
            last_end = m.end
