"""Subject cues other than province names: anaphora, the nation, regions, organisations.

* ``anaphora``: "tỉnh", "của tỉnh", "toàn tỉnh" — the article's own province (SCHEMA.md);
* ``running``: "Tỉnh này", "địa phương này", "địa phương" — the unit just talked about;
* ``national``: "cả nước", "toàn quốc" — the nation (a ranking's scope, or a percentage's subject);
* ``average``: "điểm trung bình", "giá trị bình quân" — a national summary figure (Việt Nam);
* ``region``: "vùng ĐBSCL", "khu vực Đông Nam Bộ" — regional figures are not facts;
* ``plural``: "8 tỉnh, thành phố cùng đứng", "các tỉnh đều" — a set of units shares the figure;
* ``units``: a counted set of the country's provinces ("57/63 tỉnh, thành phố", "toàn bộ 63 địa
  phương", "13 tỉnh, thành", "12/89 bộ, tỉnh") — a national figure, no province's; not after a rank
  word or a preposition of scope ("thứ 5/63 tỉnh", "trong 63 tỉnh, thành phố");
* ``member``: an unnamed member picked by a superlative ("tỉnh có mức tăng cao nhất", "nơi giảm
  nhiều nhất", "địa phương tăng ít nhất") — none of the named provinces;
* ``international``: rankings of countries ("Liên Hợp Quốc", "thứ 71/193 quốc gia", "thế giới") — no
  province's figures;
* ``local``: the article province's own agencies and lower units ("Cục Thuế", "Sở Nội vụ", "huyện
  Bình Chánh") — no rank or score of a province; their percentages are the province's;
* ``org``: ministries and central agencies ("Bộ Tài chính", "của 19 bộ, cơ quan ngang bộ") — their
  rankings are out of scope.

>>> [(m.attrs["role"], m.text) for m in find_subjects("Tỉnh này đứng thứ 3 cả nước; Bộ Tài chính dẫn đầu; vùng ĐBSCL")]
[('running', 'Tỉnh này'), ('national', 'cả nước'), ('org', 'Bộ Tài chính'), ('region', 'vùng ĐBSCL')]
"""
from __future__ import annotations

import functools
from typing import Iterator

import regex

from . import lexicon
from .mention import Mention

_PATTERNS = {
    "member": r"(?<![\p{L}])(?:[Nn]ơi|[Tt]ỉnh|[Đđ]ịa\s+phương|[Đđ]ơn\s+vị)\s+(?:có\s+)?(?:(?:mức|tỷ\s+lệ|tốc\s+độ|chỉ\s+số|điểm(?:\s+số)?)\s+)?(?:tăng|giảm|cao|thấp|tụt|đạt)(?:\s+(?:điểm|hạng|bậc|nhiều|mạnh|ít|cao|thấp)){0,2}\s+nhất",
    "units": r"(?<![\p{L}\d/,.])(?<!(?:thứ|hạng|vị\s+trí|số|bậc|top|xếp|đứng|trong|trên|của|với|giữa|nhóm)\s+)(?:\d{1,2}\s*/\s*(?:63|34)\s+(?:tỉnh|địa\s+phương|đơn\s+vị)(?:,\s*thành(?:\s+phố)?)?|\d{1,2}\s*/\s*\d{2,3}\s+bộ,\s*(?:ngành,\s*)?(?:tỉnh|địa\s+phương)|(?:63|34)\s+(?:tỉnh|địa\s+phương)(?:,\s*thành(?:\s+phố)?)?|\d{1,2}\s+tỉnh,\s*thành(?:\s+phố)?)",
    "running": r"(?:[Tt]ỉnh|[Đđ]ịa\s+phương|[Tt]hành\s+phố)\s+này|(?<!(?:các|những|nhiều|từng|mỗi|\d)\s+)(?<![\p{L}])[Đđ]ịa\s+phương(?!\s+(?:khác|các|hai))|[Tt]hành\s+phố\s+cảng",
    "anaphora": r"(?<!(?:cấp|các|những|nhiều|mỗi|từng)\s+)(?<!(?<!\d)\d{1,2}\s+)(?:(?:của|toàn)\s+)?(?:[Tt]ỉnh|TỈNH)(?:\s+ta|\s+nhà)?(?!\s+(?:ủy|uỷ|đoàn|lộ|thành|ban|trưởng|\p{Lu}))",
    "average": r"(?i:(?:giá\s+trị|điểm(?:\s+số)?|chỉ\s+số)[^,.;]{0,30}?\s(?:trung\s+bình|bình\s+quân|trung\s+vị)(?!\s+(?:cao|thấp)(?!\s+nhất))|(?:trung\s+bình|bình\s+quân)\s+(?:" + lexicon.pattern("national") + "|chung)|" + lexicon.pattern("national_figure") + ")",
    "national": lexicon.pattern("national") + "|" + lexicon.pattern("national_subject_extra"),
    "region": r"(?:vùng|khu\s+vực|miền)\s+(?:[\p{Lu}][\p{L}&]*[\s-]*)+|(?:Đồng\s+bằng\s+sông\s+(?:Hồng|Cửu\s+Long)|Đông\s+Nam\s+Bộ|Tây\s+Nguyên|ĐBSCL|Bắc\s+Trung\s+Bộ|Trung\s+du\s+(?:và\s+)?miền\s+núi\s+phía\s+Bắc)",
    "plural": r"(?<![\p{L}\d/])\d{1,2}\s+(?:tỉnh|địa\s+phương)(?:,\s*thành\s+phố)?(?=\s+(?:cùng|đều|đồng\s+hạng))|(?:các|những|nhiều)\s+(?:tỉnh|địa\s+phương)(?:,\s*thành\s+phố)?(?=\s+(?:cùng|đều))",
    "international": lexicon.pattern("international"),  # gated: see _GATES
    "local": r"(?<![\p{L}])(?:(?:Chi\s+cục|Cục|Sở|UBND|Ủy\s+ban\s+nhân\s+dân)\s+(?:[\p{Lu}][\p{L}&]*\s*)+|(?:huyện|thị\s+xã|quận)\s+[\p{Lu}][\p{L}]*(?:\s+[\p{Lu}][\p{L}]*)*)",
    "org": r"(?<![\p{L}])(?:(?:các|những|\d{1,2}|giữa|với)\s+bộ(?:,\s*(?:cơ\s+quan\s+ngang\s+bộ|ngành))?(?!\s*(?:máy|phận|đội|trưởng|chỉ\s+số|tiêu\s+chí|hồ\s+sơ|phim|sưu\s+tập|luật|công\s+cụ|\p{L}*,\s*ngành))(?=[\s,.;])|cấp\s+bộ|khối\s+bộ|Bộ\s+[\p{Lu}][\p{L}&]*(?:\s+(?!và\b|dẫn\b|đứng\b|xếp\b|giữ\b)\p{Ll}+)?|Viện\s+(?:[\p{Lu}][\p{L}&]*\s*)+|Ngân\s+hàng\s+Nhà\s+nước(?:\s+Việt\s+Nam)?|Đài\s+Truyền\s+hình\s+Việt\s+Nam|Thông\s+tấn\s+xã\s+Việt\s+Nam|Bảo\s+hiểm\s+[Xx]ã\s+hội(?:\s+Việt\s+Nam)?|Ủy\s+ban\s+Dân\s+tộc|Thanh\s+tra\s+Chính\s+phủ|Văn\s+phòng\s+Chính\s+phủ)",
}
#: The letters each pattern can start with. Several patterns open with a look-behind, which
#: the engine would otherwise evaluate at every position of the sentence; checking the first
#: letter before it makes the scan ~1.5x faster and cannot change a match.
_FIRST = {"member": "NnTtĐđ", "units": "0123456789", "international": "Ll0123456789tTqQ", "local": "CSUỦhtq", "running": "TtĐđ", "anaphora": "cTt", "average": "GgĐđCcTtBbDPS", "national": "ctBb",
          "region": "vkmĐTB", "plural": "0123456789cnCN", "org": "0123456789cnCNgGvVkBĐTỦ"}
#: Roles whose words are rare: their branches join the scan only when one of these words is in the
#: sentence (a plain substring test), since trying them at every "t", "x" or digit costs more than
#: the rest of the scan. Normalised text separates words by single spaces, so a cue that matches
#: holds its gate word (only a cue broken across a line break would be missed). A new cue word of
#: a gated role (lexicon list ``international``, or the ``local`` pattern) needs its gate word here.
_GATES = {"international": ("Liên", "LHQ", "quốc gia", "thế giới", "quốc tế"),
          "local": ("Chi cục", "Cục", "Sở", "UBND", "Ủy ban", "huyện", "thị xã", "quận")}


@functools.lru_cache(maxsize=None)
def _rx(roles: frozenset) -> regex.Pattern:
    return regex.compile("|".join(f"(?P<{k}>(?=[{_FIRST[k]}])(?:{v}))" for k, v in _PATTERNS.items()
                                  if k not in _GATES or k in roles))


def find_subjects(text: str, offset: int = 0) -> Iterator[Mention]:
    """Subject cues with ``attrs = {"role": anaphora | national | region | org | …}``."""
    rx = _rx(frozenset(k for k, words in _GATES.items() if any(w in text for w in words)))
    for m in rx.finditer(text):
        role = m.lastgroup
        span = m.group().rstrip(" ,")
        yield Mention("subject", m.start() + offset, m.start() + len(span) + offset, span, {"role": role}, f"subject:{role}")
