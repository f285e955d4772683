"""Resolve document-level facts: the article's own province, its date and era.

The article's province is what "tỉnh", "của tỉnh", "toàn tỉnh" refer to: the
province named most often in the title and text (the first named breaks a tie).
The era decides ``rank_total`` for "cả nước" (63 before 1 July 2025, 34 after)
and whether "TP Huế" is Thừa Thiên Huế or Huế.
"""
from __future__ import annotations

import hashlib
from collections import Counter

import regex

from pipeline.records import Document

_DATE_PREFIX = regex.compile(r"^\s*date\s+(\d{4})-(\d{2})(?:-(\d{2}))?")
_DATE_ISO = regex.compile(r"^(\d{4})-(\d{2})")
_MERGED_34 = regex.compile(r"\b34\s+tỉnh|sau\s+sáp\s+nhập|sau\s+hợp\s+nhất", regex.I)
MERGER_DATE = (2025, 7)


def document_date(doc: Document) -> tuple[int, int] | None:
    """(year, month) from the record's ``date`` or a scraped ``date YYYY-MM`` prefix."""
    date = (doc.meta or {}).get("date")
    if date and (m := _DATE_ISO.match(str(date))):
        return int(m.group(1)), int(m.group(2))
    if (m := _DATE_PREFIX.match(doc.text)):
        return int(m.group(1)), int(m.group(2))
    return None


def is_post_merger(doc: Document) -> bool:
    date = document_date(doc)
    if date is not None:
        return date >= MERGER_DATE
    return bool(_MERGED_34.search(doc.text))


def _province_counts(text: str) -> tuple[tuple[str, int, int], ...]:
    """(name, count, first offset) of every province named in ``text``.

    A document asks this three or four times (its province for the facts, then for
    documents.jsonl), so the last few answers are kept, keyed by a digest of the text and
    never by the text itself: a cache of whole texts held 256 articles (GBs at 20 MB each).
    """
    key = (len(text), hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest())
    hit = _COUNTS.get(key)
    if hit is not None:
        return hit
    from extractors.provinces import document_shadow, find_provinces

    counts: Counter = Counter()
    first: dict[str, int] = {}
    for m in find_provinces(text, shadow=document_shadow(text)):
        if m.attrs.get("dateline"):
            continue  # "Hà Nội (TTXVN 18/4/2024)": where the news was filed, not what it is about
        counts[m.attrs["name"]] += 1
        first.setdefault(m.attrs["name"], m.start)
    result = tuple((n, c, first[n]) for n, c in counts.items())
    if len(_COUNTS) >= 8:
        _COUNTS.pop(next(iter(_COUNTS)))
    _COUNTS[key] = result
    return result


#: Answers of :func:`_province_counts`: at most 8, keyed by (length, digest of the text).
_COUNTS: dict[tuple[int, bytes], tuple[tuple[str, int, int], ...]] = {}


def main_province_record(doc: Document) -> dict | None:
    """The province record (name, code, province_2025) the article is about, or None."""
    from extractors.provinces import lookup

    title = (doc.meta or {}).get("title") or ""
    counts = Counter({n: c for n, c, _ in _province_counts(doc.text)})
    for n, c, _ in _province_counts(title):
        counts[n] += 2 * c
    if not counts:
        return _province_from_url((doc.meta or {}).get("url"))
    firsts = {n: f for n, _, f in _province_counts(doc.text)}
    name = max(counts, key=lambda n: (counts[n], -firsts.get(n, 10**9)))
    p = lookup(name)
    if p is None:
        return None
    return {"name": p.name, "code": p.code, "province_2025": p.province_2025, "era": p.era}


def main_province(doc: Document) -> str | None:
    rec = main_province_record(doc)
    return rec["name"] if rec else None


def _province_from_url(url: str | None) -> dict | None:
    """Local papers put their province in the URL ("baobariavungtau.com.vn/.../br-vt-..."): last resort."""
    from extractors.provinces import lookup

    if not url:
        return None
    words = [w for w in regex.split(r"[/\-_.?=&]+", url.lower()) if w and not w.isdigit()]
    for n in (4, 3, 2):
        for i in range(len(words) - n + 1):
            p = lookup(" ".join(words[i:i + n]))
            if p is not None:
                return {"name": p.name, "code": p.code, "province_2025": p.province_2025, "era": p.era}
    for w in words:  # a domain such as "baothaibinh" or "baobariavungtau"
        for p in _all_legacy():
            key = regex.sub(r"[^a-z]", "", _ascii(p.name))
            if len(key) >= 6 and key in w:
                return {"name": p.name, "code": p.code, "province_2025": p.province_2025, "era": p.era}
    return None


def _all_legacy():
    from extractors.provinces import ALL_LEGACY

    return ALL_LEGACY


def _ascii(s: str) -> str:
    import unicodedata

    s = unicodedata.normalize("NFD", s.lower()).replace("đ", "d")
    return "".join(c for c in s if not unicodedata.combining(c))
