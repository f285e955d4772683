"""Province gazetteer: find and name the 63 legacy / 34 post-2025 provinces.

The canonical lists, codes and the 1 July 2025 merger map come from
``vietnamadminunits`` (never a hand-typed list); the other spellings news uses
(TP.HCM, TT-Huế, BR-VT, Đắc Lắc, ...) live in ``data/province_aliases.tsv``.

Matching runs on a *shadow* of the text: one ASCII character per character
(diacritics folded away, case kept, dashes and spaces unified), so a single
compiled regex finds "Khánh Hoà", "KHÁNH HÒA" and "Khanh Hoa" alike and its
offsets slice the original text. Each candidate is then checked on the real
text: every word must start with a capital (so "hòa bình" = peace never
matches); its diacritics must be the name's (tone-mark placement ignored), or
absent altogether in text that is written without diacritics ("Thanh Hoa" in a
Vietnamese sentence is Tsinghua or a singer, not Thanh Hóa); and the neighbours
must not make it part of a person's or a longer proper name ("Nguyễn Thái Bình",
"Thái Bình Dương").

>>> lookup("TP.HCM").name
'Hồ Chí Minh'
>>> lookup("Thái Bình").province_2025
'Hưng Yên'
>>> [(m.text, m.attrs["name"]) for m in find_provinces("Năm 2022, Thái Bình xếp thứ 13/63 tỉnh")]
[('Thái Bình', 'Thái Bình')]
>>> canonical_key("tỉnh Khánh Hoà") == canonical_key("Khánh Hòa")
True
"""
from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .mention import Mention

__all__ = ["Province", "lookup", "find_provinces", "canonical_key", "ALL_LEGACY", "ALL_2025"]

ALIASES_TSV = Path(__file__).with_name("data") / "province_aliases.tsv"

#: SCHEMA.md names the 63 units as articles of 2019–mid 2025 knew them; the
#: library's legacy table already records Thừa Thiên Huế's 1 Jan 2025 upgrade to
#: "Thành phố Huế". Keyed by official code.
_SCHEMA_LEGACY_NAME = {"46": "Thừa Thiên Huế"}

#: Words in front of a name that make it a person ("ông Thái Bình", "ca sĩ Hòa Bình").
_HONORIFICS = frozenset("ông bà anh chị cô chú bác em cháu cụ thầy sĩ nsnd nsưt".split())
#: Family names: "tỉnh Quảng Ninh Nguyễn Đức Long" is a province and then its chairman.
_SURNAMES = frozenset(
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh đào trịnh "
    "mai lương lưu tạ hà cao trương đoàn lâm chu nghiêm kiều phùng quách triệu vương thân "
    "mạc lại doãn giáp hứa khổng tống đàm bạch phí lò hầu sầm lã lữ mẫn bế nông ứng châu "
    "tôn tăng cù kha khúc lạc thạch trình hàn chung diệp uông viên".split()
)
#: A capitalised family or middle name right before a name makes it a person's given
#: name ("Trương Hòa Bình", "Nguyễn Văn Long An", "Nguyễn Thị Huế"); any other capitalised
#: word ("Sở Công Thương Hải Phòng", "Formosa Hà Tĩnh") leaves it a place.
_NAME_WORDS = _SURNAMES | frozenset(
    "văn thị đức hữu công quang minh ngọc thanh xuân hồng kim anh thu quốc đình trọng tiến "
    "mạnh bá khắc danh duy hoài huy khánh mỹ như phương thế tuấn vĩnh bảo chí diệu hương lan "
    "thúy thủy tường sỹ nhật phúc tấn đăng thùy bích hạnh quý viết vân yến cẩm gia".split()
)
#: Words after which a ``needs_type`` name sits in a list of places ("Hà Nội và Hồ Chí Minh").
_LIST_WORDS = frozenset("và tại ở".split())
#: National subjects for :func:`canonical_key` (compared as separator-free shadow keys).
_NATIONAL_KEYS = frozenset({"vietnam", "canuoc", "toanquoc", "vn"})

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")      # grave, acute, tilde, hook, dot below
_QUALITY = frozenset("\u0302\u0306\u031b")                 # circumflex, breve, horn
_NAME_SPLIT = re.compile(r"[\s\-‐‑‒–—−.]+")
_SEP = r"(?: *- *| +|\. *)"            # between two words of a name, on the shadow
_SEP_SYMBOL = "\x00"
_END = ""
_TYPE_PREFIX = re.compile(r"^(?:tỉnh|thành\s+phố|thủ\s+đô|t\.?p)(?:\.\s*|\s+|$)", re.IGNORECASE)
_TYPE_BEFORE = re.compile(r"(?<!\w)(?:tỉnh|thành\s+phố|thủ\s+đô|t\.?p)\.?\s*$", re.IGNORECASE)
_WORD_CHAR = re.compile(r"\w").match


@dataclass(frozen=True, slots=True)
class Province:
    """One province-level unit; ``era`` says which list (63 legacy / 34 of 2025) it is from."""

    name: str
    code: str
    province_2025: str
    era: str


@dataclass(frozen=True, slots=True)
class _Variant:
    """One written form of a province, with what the diacritics check needs."""

    form: str
    province: Province | None       # None: a blocked longer name ("Thái Bình Dương")
    rule: str                       # "gazetteer" (official name), "alias" or "blocked" (TSV)
    flags: frozenset[str]
    quality: tuple[str, ...]        # per letter: the vowel-quality marks / đ stroke it carries
    syllable: tuple[int, ...]       # per letter: the index of its word
    tones: tuple[str, ...]          # per word: its tone mark ("" for level tone)


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    legacy: tuple[Province, ...]
    new: tuple[Province, ...]
    variants: dict[str, tuple[_Variant, ...]]   # separator-free shadow key -> forms
    pattern: re.Pattern[str]


# ---------------------------------------------------------------------------
# Folding

def _fold_table() -> dict[int, str]:
    """Map each Latin letter to its bare letter (case kept), one char for one char."""
    table: dict[int, str] = {}
    for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if len(base) == 1 and base != ch:
            table[cp] = base
    table[ord("đ")], table[ord("Đ")] = "d", "D"
    for dash in "‐‑‒–—−":
        table[ord(dash)] = "-"
    for space in "\t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000":
        table[ord(space)] = " "
    return table


_FOLD = _fold_table()

#: The shadow is pure ASCII: code points below this limit fold through ``_FOLD``;
#: other letters become "_" (a word character no name contains), everything
#: else (and all code points from the limit on) "#" (not a word character).
_SHADOW_LIMIT = 0x2100


def _shadow_lut() -> str:
    out = []
    for cp in range(_SHADOW_LIMIT):
        ch = _FOLD.get(cp, chr(cp))
        out.append(ch if ch.isascii() else "_" if ch.isalnum() else "#")
    return "".join(out) + "#"


_SHADOW_LUT = _shadow_lut()
try:                                   # numpy folds a 2,000-char sentence ~10x faster than str.translate
    import numpy as _np
    _SHADOW_ARRAY = _np.frombuffer(_SHADOW_LUT.encode("ascii"), dtype=_np.uint8)
except ImportError:                    # pragma: no cover
    _np = None
_SHADOW_LIST = list(_SHADOW_LUT)


def _shadow(text: str) -> str:
    """Length-preserving ASCII copy of ``text`` for matching.

    >>> _shadow("KHÁNH Hoà – Đắk Lắk")
    'KHANH Hoa - Dak Lak'
    """
    if _np is not None:
        codes = _np.frombuffer(text.encode("utf-32-le"), dtype=_np.uint32)
        return _SHADOW_ARRAY[_np.minimum(codes, _SHADOW_LIMIT)].tobytes().decode("ascii")
    return text.translate(_SHADOW_LIST)


@functools.lru_cache(maxsize=8)
def document_shadow(text: str) -> str:
    """:func:`_shadow` of a document, kept for the few latest: its sentences are slices of it.

    Why: the article's province is read from the whole text and then every sentence is read
    again; the shadow is length-preserving, so ``shadow[s.start:s.end]`` is the sentence's.
    """
    return _shadow(text)


def _key(text: str) -> str:
    """Separator-free folded key: "TP. Hồ Chí Minh" -> "tphochiminh"."""
    return "".join(c for c in unicodedata.normalize("NFC", text).translate(_FOLD) if c.isalnum()).lower()


@functools.lru_cache(maxsize=2048)
def _marks(ch: str) -> tuple[str, str]:
    """(quality marks, tone mark) of one character; đ counts as a quality mark."""
    if ch in "đĐ":
        return "đ", ""
    nfd = unicodedata.normalize("NFD", ch)
    return "".join(c for c in nfd if c in _QUALITY), "".join(c for c in nfd if c in _TONES)


def _make_variant(form: str, province: Province, rule: str, flags: frozenset[str]) -> _Variant:
    quality, syllable, tones = [], [], []
    for word_no, word in enumerate(w for w in _NAME_SPLIT.split(form) if w):
        tone = ""
        for ch in word:
            q, t = _marks(ch)
            quality.append(q)
            syllable.append(word_no)
            tone = tone or t
        tones.append(tone)
    return _Variant(form, province, rule, flags, tuple(quality), tuple(syllable), tuple(tones))


#: How well a written span fits a form (see :func:`_agreement`).
EXACT, BARE, MISSING, CONFLICT = 3, 2, 1, 0


def _agreement(written: str, variant: _Variant) -> int:
    """EXACT: the form's diacritics (tone-mark placement and case ignored);
    BARE: no diacritics at all ("Thai Binh"); MISSING: some marks left out
    ("Hà Nôi", "Huê"); CONFLICT: another mark or other letters ("Hạ Giang").
    """
    letters = [c for c in written if c.isalnum()]
    if len(letters) != len(variant.quality):
        return CONFLICT
    bare_form = not any(variant.quality) and not any(variant.tones)
    if written.isascii():
        return EXACT if bare_form else BARE
    exact = True
    tones: dict[int, str] = {}
    for ch, quality, word_no in zip(letters, variant.quality, variant.syllable):
        q, t = ("", "") if ch.isascii() else _marks(ch)
        if q != quality:
            if q:
                return CONFLICT
            exact = False
        if t and tones.setdefault(word_no, t) != t:
            return CONFLICT
    for word_no, tone in enumerate(variant.tones):
        written_tone = tones.get(word_no, "")
        if written_tone != tone:
            if written_tone:
                return CONFLICT
            exact = False
    return EXACT if exact else MISSING


# ---------------------------------------------------------------------------
# Building the gazetteer

def _library_rows() -> tuple[list[dict], list[dict], dict[str, list[str]]]:
    """Province rows of both eras and the merger map, from vietnamadminunits.

    The package's data files are read directly when present: importing the
    package parses ~4 MB of JSON (about 1 s) that a gazetteer does not need.
    """
    sql = "SELECT DISTINCT provinceShort, provinceCode, provinceKey FROM [{}] ORDER BY provinceCode"
    spec = importlib.util.find_spec("vietnamadminunits")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" if spec else None
    if folder and (folder / "dataset.db").is_file() and (folder / "converter_2025.json").is_file():
        uri = (folder / "dataset.db").as_uri() + "?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            conn.row_factory = sqlite3.Row
            legacy = [dict(r) for r in conn.execute(sql.format("admin_units_legacy"))]
            new = [dict(r) for r in conn.execute(sql.format("admin_units"))]
        merger = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))["DICT_PROVINCE"]
    else:                                                    # other package layout: public API
        from vietnamadminunits.converter.converter_2025 import DICT_PROVINCE as merger
        from vietnamadminunits.database import query
        legacy, new = query(sql.format("admin_units_legacy")), query(sql.format("admin_units"))
    return legacy, new, merger


def _read_aliases(path: Path = ALIASES_TSV) -> list[tuple[str, str, frozenset[str], int]]:
    rows = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < 2 or not cols[0] or not cols[1]:
            raise ValueError(f"{path}:{line_no}: expected 'alias<TAB>canonical[<TAB>flags]'")
        flags = frozenset(f.strip() for f in cols[2].split(",") if f.strip()) if len(cols) > 2 else frozenset()
        rows.append((unicodedata.normalize("NFC", cols[0]), unicodedata.normalize("NFC", cols[1]), flags, line_no))
    return rows


def _trie_regex(node: dict, top: bool = False) -> str:
    """Regex for a character trie; optional tails are greedy, so the longest name wins.

    At the top, each branch starts with an upper-case literal (names are
    capitalised in running text), the rest ignores case: the regex engine then
    skips every position that does not hold a capital, which is most of them.
    """
    if top:
        return "(?:" + "|".join(re.escape(sym.upper()) + "(?i:" + _trie_regex(child) + ")"
                                for sym, child in sorted(node.items())) + ")"
    alts = [(_SEP if sym == _SEP_SYMBOL else re.escape(sym)) + _trie_regex(child)
            for sym, child in sorted(node.items()) if sym != _END]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if _END in node:
        body = "(?:" + body + ")?"
    return body


@functools.cache
def _gazetteer() -> _Gazetteer:
    """Build everything once per process (lists, variants, one compiled regex)."""
    nfc = functools.partial(unicodedata.normalize, "NFC")
    legacy_rows, new_rows, merger = _library_rows()
    new_name = {r["provinceKey"]: nfc(r["provinceShort"]) for r in new_rows}
    to_2025 = {old: new_name[new] for new, olds in merger.items() for old in olds}
    legacy = tuple(
        Province(_SCHEMA_LEGACY_NAME.get(r["provinceCode"], nfc(r["provinceShort"])), r["provinceCode"],
                 to_2025[r["provinceKey"]], "legacy")
        for r in legacy_rows)
    new = tuple(Province(new_name[r["provinceKey"]], r["provinceCode"], new_name[r["provinceKey"]], "2025")
                for r in new_rows)
    if len(legacy) != 63 or len(new) != 34 or len({p.name for p in legacy}) != 63:
        raise RuntimeError(f"vietnamadminunits gave {len(legacy)} legacy / {len(new)} new provinces")

    forms: dict[str, dict] = {}          # form -> {"province", "rule", "flags"}; insertion order = priority
    for p, row in zip(legacy, legacy_rows):
        for form in dict.fromkeys((p.name, nfc(row["provinceShort"]))):
            forms[form] = {"province": p, "rule": "gazetteer", "flags": frozenset()}
    legacy_keys = {_key(f) for f in forms}
    for p in new:                        # a 2025 name the 63 never had
        if _key(p.name) not in legacy_keys:
            forms[p.name] = {"province": p, "rule": "gazetteer", "flags": frozenset()}
    by_name = {p.name: p for p in legacy}
    for alias, canonical, flags, line_no in _read_aliases():
        if canonical == "-":             # a longer name that is not a province
            forms[alias] = {"province": None, "rule": "blocked", "flags": flags}
            continue
        if canonical not in by_name:
            raise ValueError(f"{ALIASES_TSV}:{line_no}: {canonical!r} is not a legacy province name")
        if alias in forms:
            if forms[alias]["province"] != by_name[canonical]:
                raise ValueError(f"{ALIASES_TSV}:{line_no}: {alias!r} already names {forms[alias]['province'].name}")
            forms[alias]["flags"] |= flags
        else:
            forms[alias] = {"province": by_name[canonical], "rule": "alias", "flags": flags}

    variants: dict[str, list[_Variant]] = {}
    trie: dict = {}
    for form, info in forms.items():
        key = _key(form)
        variants.setdefault(key, []).append(_make_variant(form, info["province"], info["rule"], info["flags"]))
        if len({v.province for v in variants[key]} - {None}) > 1:
            raise ValueError(f"{form!r} folds to the same letters as another province's name")
        node = trie
        for i, word in enumerate(w for w in _NAME_SPLIT.split(_shadow(form).lower()) if w):
            for sym in ((_SEP_SYMBOL,) if i else ()) + tuple(word):
                node = node.setdefault(sym, {})
        node[_END] = True
    pattern = re.compile(_trie_regex(trie, top=True) + r"(?!\w)")
    return _Gazetteer(legacy, new, {k: tuple(v) for k, v in variants.items()}, pattern)


def __getattr__(name: str):
    """``ALL_LEGACY`` / ``ALL_2025`` are built on first use, so importing stays cheap."""
    if name == "ALL_LEGACY":
        return _gazetteer().legacy
    if name == "ALL_2025":
        return _gazetteer().new
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------------
# Public API

def _strip_type(name: str) -> str:
    return _TYPE_PREFIX.sub("", name.strip(), count=1).strip()


def _best_variant(written: str) -> tuple[_Variant | None, int]:
    """The form ``written`` fits best, and how well; exact forms and then official names win."""
    best, best_level = None, CONFLICT
    for variant in _gazetteer().variants.get(_key(written), ()):
        level = _agreement(written, variant)
        if level > best_level:
            best, best_level = variant, level
    return best, best_level


def _variant_for(written: str) -> _Variant | None:
    """Lenient, for names given as names: missing marks are fine, other marks are not."""
    variant, level = _best_variant(written)
    return variant if level >= MISSING and variant.province is not None else None


def lookup(name: str) -> Province | None:
    """The province a name denotes, in any spelling or case, with or without type word.

    Legacy units are returned (their ``province_2025`` names the merged unit);
    "Huế" / "TP Huế" give Thừa Thiên Huế, the same unit (code 46) in both eras.
    Marks left out are tolerated here ("Hà Nôi"), other marks are not ("Huệ").

    >>> lookup("thành phố Huế").name, lookup("KHÁNH HOÀ").code, lookup("Daklak").name
    ('Thừa Thiên Huế', '56', 'Đắk Lắk')
    >>> lookup("Việt Nam") is None
    True
    """
    if not name or not name.strip():
        return None
    name = unicodedata.normalize("NFC", name).strip()
    for candidate in dict.fromkeys((name, _strip_type(name))):
        variant = _variant_for(candidate)
        if variant is not None:
            return variant.province
    return None


def canonical_key(name: str | None) -> str | None:
    """Scoring key of SCHEMA.md: one key for every spelling of one province.

    >>> canonical_key("TP.HCM"), canonical_key("TT-Huế"), canonical_key("cả nước")
    ('hồ chí minh', 'thừa thiên huế', 'việt nam')
    """
    if name is None:
        return None
    name = unicodedata.normalize("NFC", name).strip()
    province = lookup(name)
    if province is not None:
        return province.name.lower()
    cleaned = " ".join(_strip_type(name).split()).lower()
    if _key(cleaned) in _NATIONAL_KEYS:
        return "việt nam"
    return cleaned


@functools.lru_cache(maxsize=8192)
def _written_variant(written: str) -> tuple[_Variant | None, int]:
    """The form a span of running text spells, if its case and diacritics fit one (cached: spans repeat)."""
    if not all(w[:1].isupper() for w in _NAME_SPLIT.split(written) if w):
        return None, CONFLICT
    variant, level = _best_variant(written)
    return (variant, level) if level >= BARE else (None, CONFLICT)


def _capitalised_word(word: str) -> bool:
    """Title-case word ("Nguyễn"); all-caps acronyms (UBND, TP) are not."""
    return bool(word) and word[0].isupper() and any(c.islower() for c in word)


def _previous_word(text: str, i: int) -> str | None:
    """The word right before ``i`` on the same line (none after punctuation)."""
    k = i
    while k > 0 and text[k - 1] in " \t":
        k -= 1
    if k == i or k == 0 or not text[k - 1].isalnum():
        return None
    t = k
    while t > 0 and text[t - 1].isalnum():
        t -= 1
    return text[t:k]


def _next_word(text: str, j: int) -> str | None:
    k = j
    while k < len(text) and text[k] in " \t":
        k += 1
    if k == j or k == len(text) or not text[k].isalpha():
        return None
    e = k
    while e < len(text) and (text[e].isalnum() or text[e] in "-_"):
        e += 1
    return text[k:e]


def _context_ok(text: str, i: int, j: int, variant: _Variant) -> bool:
    """Reject names that are part of a person's or another proper name.

    Forms led by an acronym (TP.HCM, BR-VT, TT-Huế) cannot be, and are kept.
    """
    if variant.form[:2].isupper():
        return True
    typed: bool | None = None

    def is_typed() -> bool:
        nonlocal typed
        if typed is None:
            typed = _TYPE_BEFORE.search(text, max(0, i - 20), i) is not None
        return typed

    word = _previous_word(text, i)
    if word is not None:
        lower = word.lower()
        if lower in _HONORIFICS:
            return False
        if lower in _NAME_WORDS and _capitalised_word(word) and not is_typed():
            return False                # "Nguyễn Thái Bình", but "Thành Phố Hồ Chí Minh"
        if "needs_type" in variant.flags and lower not in _LIST_WORDS and not is_typed():
            return False                # at the start, after punctuation or "và": a list of places
    following = _next_word(text, j)
    if following and _capitalised_word(following) and following.lower() not in _SURNAMES:
        return is_typed()               # "Sài Gòn Giải Phóng", but "tỉnh Quảng Ninh Nguyễn Đức Long"
    return True


def find_provinces(text: str, offset: int = 0, *, shadow: str | None = None) -> Iterator[Mention]:
    """Yield every province mention in ``text`` (NFC); offsets are ``offset`` + index in ``text``.

    ``shadow``: ``_shadow(text)`` when the caller has it (a slice of :func:`document_shadow`).

    >>> [(m.start, m.text, m.attrs["name"], m.rule) for m in find_provinces("TP.HCM và Bà Rịa-Vũng Tàu", 100)]
    [(100, 'TP.HCM', 'Hồ Chí Minh', 'alias'), (110, 'Bà Rịa-Vũng Tàu', 'Bà Rịa - Vũng Tàu', 'gazetteer')]
    >>> list(find_provinces("vì hòa bình, ông Nguyễn Hương Giang"))
    []
    """
    gaz = _gazetteer()
    shadow = _shadow(text) if shadow is None else shadow
    search = gaz.pattern.search
    pos = 0
    while (m := search(shadow, pos)) is not None:
        i, j = m.span()
        written = text[i:j]
        variant, level = _written_variant(written) if i == 0 or not _WORD_CHAR(shadow, i - 1) else (None, CONFLICT)
        if variant is None:                  # wrong case/diacritics: a shorter name may start inside
            pos = i + 1
            continue
        pos = j
        if variant.province is None:         # "Thái Bình Dương": no province, not even "Bình Dương"
            continue
        if level == BARE and not (text[max(0, i - 30):i].isascii() and text[j:j + 30].isascii()):
            continue                         # "Thanh Hoa" inside a Vietnamese sentence is not Thanh Hóa
        if not _context_ok(text, i, j, variant):
            continue
        p = variant.province
        attrs = {"name": p.name, "code": p.code, "province_2025": p.province_2025, "era": p.era}
        if _OLD_AFTER.match(text, j):
            attrs["old"] = True              # "Cần Thơ (cũ)": the unit before the 2025 merger
        if _DATELINE_AFTER.match(text, j) and not text[max(0, i - 12):i].strip(" \t-–—*#\"'“"):
            attrs["dateline"] = True         # "Hà Nội (TTXVN 18/4/2024) …": where the news was filed
        yield Mention("province", offset + i, offset + j, written, attrs, variant.rule)


#: A dateline after a line-initial name: "Hà Nội (TTXVN 18/4/2024)", "Đà Nẵng (PV) -", "TP.HCM, 12/5 -".
_DATELINE_AFTER = re.compile(r"\s*(?:\((?:[A-ZĐ]{2,}(?:/[A-ZĐ]+)?(?:\s+\d{1,2}/\d{1,2}(?:/\d{2,4})?)?|[^()]{0,25}\d{1,2}/\d{1,2}/\d{2,4})\)\s*[-–—]?|,\s*\d{1,2}/\d{1,2}(?:/\d{2,4})?\s*[-–—(])")


#: "(cũ)", "cũ", "(trước sắp xếp)" right after a name: the unit as it was before the 1 July 2025 merger.
_OLD_AFTER = re.compile(r"\s*\(?\s*(?:cũ|trước\s+(?:khi\s+)?(?:sắp\s+xếp|sáp\s+nhập|hợp\s+nhất))(?!\w)", re.IGNORECASE)


@functools.cache
def _by_2025_name() -> dict[str, Province]:
    return {p.name: p for p in _gazetteer().new}


def merged_unit(name: str, province_2025: str) -> Province | None:
    """The 2025 unit a legacy unit's name stands for in an article written after the merger, when the
    unit kept its name ("Gia Lai", "Hải Phòng", "Thừa Thiên Huế" -> Huế); None for an absorbed unit
    ("Bình Định" stays the old unit).

    >>> merged_unit("Gia Lai", "Gia Lai").province_2025, merged_unit("Bình Định", "Gia Lai")
    ('Gia Lai', None)
    """
    new = _by_2025_name().get(province_2025)
    if new is None or not (new.name == name or (name, new.name) == ("Thừa Thiên Huế", "Huế")):
        return None
    return new
