"""Outlines: the subject, index and year that a report's headings give the items below them.

Provincial reports and plans write their figures as numbered outlines::

    1. Đối với thành phố Cần Thơ (cũ): a) PAR INDEX: Đạt 89,13%, hạng 22/63 (tăng 20 bậc).
    b) SIPAS: Đạt 82,5%, xếp thứ 40/63.
    2. Đối với tỉnh Sóc Trăng (cũ): a) PAR INDEX: ...

The heading ("1. Đối với thành phố Cần Thơ (cũ):") names the subject of everything under
it; each item ("a) PAR INDEX:") names its index; a year in a heading or an item label
holds below it. A sentence linker reads "Đạt 89,13%, hạng 22/63" without a subject or an
index; :func:`outline_context` gives each span of the outline the context it inherits, so
the linker can use it as the running subject, index and year.

Markers: level 0 are line-initial Roman numerals ``I.``; level 1 ``1.``, ``1)``; level 2 are ``a)`` (also inside a
line, when the letters run a, b, c, ...), line-initial ``a.``, ``1.1.`` and line-initial
dashes and bullets (``-``, ``+``, ``•``). A heading holds until the next heading of its
level; the last one holds over its own line and the item and continuation lines after it.

>>> ctx = outline_context("1. Đối với tỉnh Sóc Trăng: a) PAR INDEX: hạng 22/63. b) SIPAS: đạt 82,5%.")
>>> [(s, e, c["province"]["name"], c["index"]) for s, e, c in ctx]
[(0, 26, 'Sóc Trăng', None), (27, 52, 'Sóc Trăng', 'PAR_INDEX'), (53, 73, 'Sóc Trăng', 'SIPAS')]
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from extractors.indices import find_indices
from extractors.provinces import find_provinces
from extractors.years import find_years

_HEADING = regex.compile(r"(?m)^[ \t]*(?:(?P<num>\d{1,2})[.)]|(?P<roman>[IVX]{1,4})[.)])(?=[ \t]+\S)")
_SUBNUM = regex.compile(r"(?m)^[ \t]*(?P<num>\d{1,2}\.\d{1,2})\.?(?=[ \t]+\S)")
_LETTER = regex.compile(r"(?:(?<=^)|(?<=[\s:;.,]))(?P<letter>[a-zđ])\)(?=[ \t]+\S)", regex.M)
#: A cheap necessary condition for an inline letter item ("a) PAR INDEX"), before the full marker scan.
_INLINE_LETTER = regex.compile(r"[a-zđ]\)[ \t]")
_LETTER_DOT = regex.compile(r"(?m)^[ \t]*(?P<letter>[a-zđ])\.(?=[ \t]+\S)")
_BULLET = regex.compile(r"(?m)^[ \t]*(?P<bullet>[-+•*–])(?=[ \t]+\S)")
#: The label of an item: its words up to the first colon (or the end of a short clause).
_LABEL_END = regex.compile(r":|\.(?:\s|$)|\n")
_LETTERS = "abcdđefghijklmnopqrstuvwxyz"
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


@dataclass(frozen=True, slots=True)
class Marker:
    start: int       # where the marker starts
    body: int        # where the item's text starts
    level: int       # 0 section (I.), 1 heading (1.), 2 item (a), -, 1.1.)
    number: int      # its place in its sequence (1 for "1.", "a)", "I."; 0 for bullets)


def _province_record(text: str, offset: int) -> dict | None:
    found = list(find_provinces(text, offset))
    if not found:
        return None
    a = found[0].attrs
    return {k: a[k] for k in ("name", "code", "province_2025", "era", "old") if k in a}


def _label(text: str, body: int, limit: int) -> str:
    """The item's label: from its body to the first colon or full stop, at most ``limit`` chars."""
    chunk = text[body:body + limit]
    m = _LABEL_END.search(chunk)
    return chunk[:m.start()] if m else chunk


def _own_context(text: str, m: Marker) -> dict:
    """What the item's own label names: province, index, year (None for what it leaves open)."""
    label = _label(text, m.body, 160 if m.level == 1 else 80)
    strong = [i for i in find_indices(label) if i.attrs["strength"] == "strong" and i.attrs["index"] != "OTHER"]
    years = [y for y in find_years(label) if y.attrs["role"] == "edition"]
    return {"province": _province_record(label, m.body),
            "index": strong[0].attrs["index"] if strong else None,
            "year": years[0].attrs["year"] if years else None}


def _lead(m: regex.Match) -> int:
    """Where the marker itself starts (after the line's indentation)."""
    return m.start() + len(m.group()) - len(m.group().lstrip())


def _markers(text: str) -> list[Marker]:
    heads = []
    for m in _HEADING.finditer(text):
        n = int(m.group("num")) if m.group("num") else _ROMAN.get(m.group("roman"), 0)
        if n:  # Roman numerals head sections (level 0), above the numbered headings (level 1)
            heads.append(Marker(_lead(m), m.end(), 0 if m.group("roman") else 1, n))
    # headings count 1, 2, 3...: a lone "2023." or "5." in prose is no heading
    kept: list[Marker] = []
    for i, h in enumerate(heads):
        prev_ok = any(p.number == h.number - 1 and p.level == h.level for p in kept)
        next_ok = any(q.number == h.number + 1 and q.level == h.level for q in heads[i + 1:i + 4])
        # a section numeral over a title ("II. KẾT QUẢ CHỈ SỐ PCI NĂM 2023") heads even an excerpt's lone section
        if h.number == 1 or prev_ok or next_ok or (h.level == 0 and text[h.body:h.body + 3].lstrip()[:1].isupper()):
            kept.append(h)
    items = [Marker(_lead(m), m.end(), 2, 0) for m in _SUBNUM.finditer(text)]
    items += [Marker(_lead(m), m.end(), 2, 0) for m in _BULLET.finditer(text)]
    items += [Marker(_lead(m), m.end(), 2, _LETTERS.index(m.group("letter")) + 1) for m in _LETTER_DOT.finditer(text)]
    letters = [Marker(_lead(m), m.end(), 2, _LETTERS.index(m.group("letter")) + 1) for m in _LETTER.finditer(text)]
    # letters must run a, b, c: "x)" alone is no item
    run: list[Marker] = []
    for lm in letters:
        if lm.number == 1:
            run.append(lm)
        elif run and any(r.number == lm.number - 1 for r in run[-3:]):
            run.append(lm)
    taken = {m.start for m in kept}
    out = kept + [m for m in items + run if m.start not in taken]
    return sorted(set(out), key=lambda m: (m.start, m.level, m.body, m.number))


def _line_end(text: str, pos: int) -> int:
    e = text.find("\n", pos)
    return len(text) if e < 0 else e


def _continues(text: str, pos: int) -> bool:
    """Does the line starting at ``pos`` continue the outline (lower-case or digit start)?"""
    line = text[pos:_line_end(text, pos)].lstrip()
    return bool(line) and (line[0].islower() or line[0].isdigit())


def _intro_context(text: str, start: int) -> dict:
    """The line that introduces an outline: what it names holds below.

    Either a lead-in ("Kết quả năm 2024 như sau:") or a title right above
    ("BÁO CÁO KẾT QUẢ CÁC CHỈ SỐ NĂM 2023": short, no full stop).
    """
    empty = {"province": None, "index": None, "year": None}
    before = text[:start].rstrip()
    line = before[before.rfind("\n") + 1:].strip()
    lead_in = line.endswith(":") and len(line) <= 300
    title = 0 < len(line) <= 120 and not line.endswith((".", "!", "?", ";", ","))
    if not (lead_in or title):
        return empty
    base = before.rfind(line)
    return _own_context(text, Marker(base, base, 1, 0))


def outline_context(text: str) -> list[tuple[int, int, dict]]:
    """Spans of outline items with the context they inherit, in text order.

    Each span runs from an item's marker to the next marker (or the end of the
    outline); its dict has ``province`` (a record: name, code, province_2025),
    ``index`` (a code) and ``year``, each None when no enclosing heading or item names it.
    Text outside any outline gets no span.
    """
    if "\n" not in text and not _INLINE_LETTER.search(text):
        return []  # markers start a line ("1.", "-") or are a letter item ("a) "): a one-line article has neither
    markers = _markers(text)
    if not markers:
        return []
    out: list[tuple[int, int, dict]] = []
    stack: list[tuple[int, dict]] = []  # (level, context) of the headings that hold here
    for i, m in enumerate(markers):
        nxt = markers[i + 1].start if i + 1 < len(markers) else None
        end = _line_end(text, m.body)
        # the outline goes on over continuation lines and up to the next marker when it is near
        while end < len(text) and (nxt is None or end < nxt):
            after = end + 1
            if nxt is not None and text[after:nxt].strip() == "":
                end = nxt
                break
            if not _continues(text, after):
                break
            end = _line_end(text, after)
        if nxt is not None and nxt < end:
            end = nxt
        while stack and stack[-1][0] >= m.level:
            stack.pop()
        if m.number <= 1 and all(level < 0 for level, _ in stack):
            # the first heading or item of an outline: its introduction ("... năm 2024 như sau:") holds
            stack = [(-1, _intro_context(text, m.start))]
        base = stack[-1][1] if stack else {"province": None, "index": None, "year": None}
        own = _own_context(text, m)
        ctx = {k: own[k] if own[k] is not None else base[k] for k in ("province", "index", "year")}
        if m.level < 2:
            stack.append((m.level, ctx))
        while end > m.start and text[end - 1] in " \t\n":
            end -= 1
        out.append((m.start, end, ctx))
    return out


__all__ = ["outline_context"]


class OutlineIndex:
    """The outline spans of a document, looked up by offset (spans are sorted and do not overlap)."""

    __slots__ = ("starts", "spans")

    def __init__(self, spans: list[tuple[int, int, dict]]):
        self.spans = sorted(spans, key=lambda s: s[0])
        self.starts = [s for s, _, _ in self.spans]

    def at(self, pos: int) -> dict | None:
        """The inherited context of the outline span holding offset ``pos``, or None outside any."""
        from bisect import bisect_right

        i = bisect_right(self.starts, pos) - 1
        if i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]:
            return self.spans[i][2]
        return None
