"""Column labels: what a table's header says each column holds.

A header names its columns in words ("Xếp hạng", "Điểm số", "Tỉnh/thành phố", "STT"),
by index ("PCI 2023", "SIPAS (%)"), by component ("Chi phí thời gian") or by year
("2021", "2022" in a province's profile). :func:`label_of` reads one header cell;
:func:`labels_of_line` reads a whole header line, also one whose cells are separated
by single spaces only, where the keywords themselves mark the column borders.

>>> [(l.role, l.index, l.year) for l in labels_of_line_text("STT Tỉnh/thành phố Điểm PCI 2023 Xếp hạng")]
[('stt', None, None), ('name', None, None), ('score', 'PCI', 2023), ('rank', None, None)]
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import regex

from extractors import lexicon
from extractors.indices import find_indices

from pipeline.core.structure.cells import Line

#: Column words by role (extractors/data/lexicon.json, lists ``column_*``); at one position the
#: first role listed wins ("Tăng/giảm hạng" is a change, not a rank).
_KEYWORDS = regex.compile("|".join(f"(?P<{role}>{lexicon.pattern('column_' + role)})"
                                   for role in ("stt", "change", "rank", "score", "name", "year", "grade")), regex.I)
_PRIORITY = ("change", "rank", "score", "stt", "grade", "name", "year")
_YEAR = regex.compile(r"(?<!\d)(?:19[89]\d|20[0-4]\d)(?!\d)")
_SCOPE = lexicon.compiled("group_scope")
_NATIONAL = lexicon.compiled("national")
_ATTACH_GAP = regex.compile(r"[\s(]*(?:chỉ\s+số\s+)?(?:năm\s+)?", regex.I)


@dataclass(frozen=True, slots=True)
class Label:
    """One column as the header names it.

    ``role``: rank, score, component, stt, name, year (the key column of a profile),
    year_value (a column for one year: "2021"), change, grade or other; ``index`` and
    ``component`` the index or component named in the cell; ``year`` a year it names.
    """

    role: str
    index: str | None = None
    component: str | None = None
    year: int | None = None
    pct: bool = False
    scope: str | None = None   # a rank within a group: "Xếp hạng vùng ĐBSCL" -> "vùng ĐBSCL"
    national: bool = False     # "Xếp hạng cả nước": rank_total is the era's count


def _indices(text: str):
    return [m for m in find_indices(text) if m.attrs["index"] != "OTHER" or m.attrs["strength"] == "strong"]


def _masked(text: str, mentions) -> str:
    """``text`` with the index names blanked: "cạnh tranh cấp tỉnh" is no "Tỉnh" column."""
    for m in mentions:
        text = text[:m.start] + " " * (m.end - m.start) + text[m.end:]
    return text


def label_of(text: str) -> Label:
    """The label of one header cell."""
    t = text.strip()
    if _YEAR.fullmatch(t):
        return Label("year_value", year=int(t))
    idx = _indices(t)
    found = list(_KEYWORDS.finditer(_masked(t, idx)))
    # "Năm 2023 xếp hạng", "Tỉnh xếp hạng": the figure's word decides, not the year's or the name's
    kw = min(found, key=lambda m: _PRIORITY.index(m.lastgroup)) if found else None
    years = [int(y.group()) for y in _YEAR.finditer(t)]
    year = years[-1] if years else None
    strong = [m for m in idx if m.attrs["strength"] != "component"]
    comp = [m for m in idx if m.attrs["strength"] == "component"]
    index = strong[0].attrs["index"] if strong else (comp[0].attrs["index"] if comp else None)
    component = comp[0].attrs["component"] if comp and not (kw and kw.lastgroup == "name") else None
    pct = "%" in t
    if kw is not None:
        role = kw.lastgroup
        if role == "year" and year is not None:
            role = "other"
        scope = _SCOPE.search(t) if role == "rank" else None
        return Label(role, index, component if role in ("rank", "score") else None, year, pct,
                     scope.group().strip(" ()") if scope else None, role == "rank" and bool(_NATIONAL.search(t)))
    if component:
        return Label("component", index, component, year, pct)
    if strong:
        return Label("score", index, None, year, pct)
    return Label("other", year=year)


def labels_of_line_text(text: str) -> list[Label]:
    """Labels of a header line whose cells are separated by single spaces.

    The keywords, index and component names and years are the labels, in order; an index
    or a year right after a rank or score keyword belongs to it ("Điểm PCI 2023").
    """
    idx = _indices(text)
    spans: list[tuple[int, int, str, object]] = [(m.start, m.end, "idx", m) for m in idx]
    for m in _KEYWORDS.finditer(_masked(text, idx)):
        spans.append((m.start(), m.end(), "kw", m))
    for m in _YEAR.finditer(text):
        if not any(a <= m.start() < b for a, b, _, _ in spans):
            spans.append((m.start(), m.end(), "year", m))
    spans.sort(key=lambda s: s[0])
    out: list[Label] = []
    prev_end = None
    for a, b, kind, m in spans:
        gap = text[prev_end:a] if prev_end is not None else None
        attach = out and gap is not None and _ATTACH_GAP.fullmatch(gap) and out[-1].role in ("rank", "score", "component", "change")
        if kind == "kw":
            role = m.lastgroup
            if role == "year" and _YEAR.match(text, b + 1 if b < len(text) else b):
                role = "other"
            out.append(Label(role))
        elif kind == "idx":
            strength = m.attrs["strength"]
            last = out[-1] if out else None
            if attach and last.index is None and last.component is None:
                out[-1] = replace(last, index=m.attrs["index"], component=m.attrs.get("component"))
            elif strength == "component":
                out.append(Label("component", m.attrs["index"], m.attrs["component"]))
            else:
                out.append(Label("score", m.attrs["index"]))
        else:
            y = int(m.group())
            if attach and out[-1].year is None:
                last = out[-1]
                out[-1] = replace(last, year=y)
            else:
                out.append(Label("year_value", year=y))
        prev_end = b
    return out


def labels_of_line(line: Line) -> list[Label]:
    """Labels of a header line in any style: one per cell, or read from single-spaced text."""
    if line.style in ("pipe", "wide"):
        return [label_of(c.text) if c.kind in ("text", "year") else Label("other") for c in line.cells]
    out: list[Label] = []
    for c in line.cells:
        if c.kind == "year":
            out.append(Label("year_value", year=int(c.value)))
        elif c.kind == "text":
            out.extend(labels_of_line_text(c.text))
        else:
            out.append(Label("other"))
    return out


def is_header(line: Line) -> bool:
    """A line that names columns: two labels or more, at least one that is no plain text, no figures."""
    if not line.cells or any(c.kind in ("int", "dec", "change") for c in line.cells):
        return False
    if line.style == "single" and len(line.text) > 160:
        return False
    if line.style in ("pipe", "wide"):
        # two cells of words or more right over the rows: a header, even one that names no rank or
        # score (then the table holds none); one cell is a title row ("| Kết quả PCI 2023 | | |")
        return sum(c.kind != "empty" for c in line.cells) >= 2
    labels = labels_of_line(line)
    named = [lab for lab in labels if lab.role not in ("other",)]
    return len(labels) >= 2 and len(named) >= 2 and any(lab.role in ("rank", "score", "component", "year_value") for lab in labels)

