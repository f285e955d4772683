"""Lines and cells: the shapes in which scrapers flatten a table into text.

A table row arrives as one line, with its cells separated by pipes
(``| Quảng Ninh | 71,25 | 1 |``), by tabs or runs of two or more spaces, or by single
spaces (``Quảng Ninh 7,98 7,39 73,02 1 Rất tốt``). With single spaces the cell borders
are only visible from the kinds of the words: a run of words is one text cell, each
number is a cell of its own. Every cell keeps the offsets of its text in the document,
so a fact's value can point at it.

>>> [(c.kind, c.text) for c in split_cells("| Quảng Ninh | 71,25 | 1 |", 0)[0]]
[('text', 'Quảng Ninh'), ('dec', '71,25'), ('int', '1')]
>>> [(c.kind, c.text) for c in split_cells("2. Hải Phòng 70,61", 0)[0]]
[('int', '2.'), ('text', 'Hải Phòng'), ('dec', '70,61')]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import regex

from extractors.numbers import NUMBER, parse_number

#: A cell that is one number: an optional tie mark, the number, "/63", "%", a trailing dot.
_NUMERIC = regex.compile(
    rf"(?:(?:thứ|hạng)\s+)?(?P<eq>=)?(?P<num>{NUMBER})(?:\s*/\s*(?P<total>\d{{2,3}}))?\s*(?:(?P<pct>%)|điểm)?\.?"
    rf"(?P<change>\s*\(\s*[+\-–−↑↓]?\s*{NUMBER}\s*(?:bậc|điểm)?\s*\))?", regex.I)  # "5 (+2)": the change is ignored
#: A numbered cell: "1. Quảng Ninh" in a row whose cells are not split by single spaces.
_NUMBERED = regex.compile(r"(\d{1,2})[.)]?\s+(?=\p{Lu})")
#: A signed number or an arrow: a change column ("+3", "↑2", "(-0,5)"), never a rank or score.
_CHANGE = regex.compile(rf"\(?\s*(?:[+\-–−↑↓▲▼]|tăng|giảm)\s*{NUMBER}\s*(?:bậc|điểm|%)?\s*\)?", regex.I)
_EMPTY = regex.compile(r"[-–—_.…*/x]*")
_YEAR = regex.compile(r"(?:19[89]\d|20[0-4]\d)")
_PIPE = "|"
_WIDE = regex.compile(r"\t+| {2,}")
_TOKEN = regex.compile(r"\S+")
_SKIP_TOKEN = regex.compile(r"…|\.{3}")
_DIGIT = regex.compile(r"\d")
#: Tokens without digits that are still no words: skipped ("…"), empty cells ("-") or changes ("↑").
_MARKS = frozenset({"…", "...", "-", "–", "—", "_", "x", "*", "↑", "↓", "▲", "▼", "="})


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its text as written, absolute offsets, kind and parsed value.

    ``kind``: ``int`` (an integer, "12/63", "2."), ``dec`` (a number with decimals or "%"),
    ``year`` (a four-digit year alone), ``change`` (a signed number), ``empty`` ("-"),
    ``text`` (anything else).
    """

    start: int
    end: int
    text: str
    kind: str
    value: float | None = None
    attrs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def make_cell(text: str, start: int) -> Cell:
    """Classify the (stripped) cell ``text`` found at absolute offset ``start``."""
    end = start + len(text)
    if _EMPTY.fullmatch(text):
        return Cell(start, end, text, "empty")
    if _YEAR.fullmatch(text):
        return Cell(start, end, text, "year", float(text))
    m = _NUMERIC.fullmatch(text)
    if m:
        try:
            value = parse_number(m.group("num"))
        except ValueError:
            return Cell(start, end, text, "text")
        num = m.group("num")
        decimal = bool(m.group("pct")) or ("," in num) or ("." in num and not regex.fullmatch(r"\d{1,3}(?:\.\d{3})+", num))
        attrs = {"total": int(m.group("total")) if m.group("total") else None, "tie": bool(m.group("eq")),
                 "pct": bool(m.group("pct"))}
        if m.group("change"):  # the value is the figure, not its change in brackets
            text = text[:m.start("change")].rstrip()
            end = start + len(text)
        return Cell(start, end, text, "dec" if decimal else "int", value, attrs)
    if _CHANGE.fullmatch(text):
        return Cell(start, end, text, "change")
    return Cell(start, end, text, "text")


def _strip(text: str, start: int) -> tuple[str, int]:
    lead = len(text) - len(text.lstrip())
    return text.strip(), start + lead


def split_cells(line: str, start: int) -> tuple[list[Cell], str]:
    """Cells of one line starting at absolute ``start``, and the style: pipe, wide or single.

    A pipe row's empty edge cells ("| a | b |") are dropped; a rule line ("|---|---|")
    gives no cells.
    """
    if line.count(_PIPE) >= 2 or (line.count(_PIPE) == 1 and line.strip().startswith(_PIPE)):
        cells, pos = [], 0
        parts = line.split(_PIPE)
        for i, part in enumerate(parts):
            text, s = _strip(part, start + pos)
            pos += len(part) + 1
            if not text and i in (0, len(parts) - 1):
                continue
            cells.append(make_cell(text, s) if text else Cell(s, s, "", "empty"))
        if all(regex.fullmatch(r"[:\-–— ]*", c.text) for c in cells):
            return [], "pipe"
        return _numbered(cells), "pipe"
    body, s0 = _strip(line, start)
    if not body:
        return [], "single"
    if _WIDE.search(body):
        cells, pos = [], 0
        for part in _WIDE.split(body):
            if part:
                cells.append(make_cell(part, s0 + body.index(part, pos)))
                pos = body.index(part, pos) + len(part)
        return _numbered(cells), "wide"
    return _single_space(body, s0), "single"


def _numbered(cells: list[Cell]) -> list[Cell]:
    """Split "1. Quảng Ninh" into the row number and the name."""
    out = []
    for c in cells:
        m = _NUMBERED.match(c.text) if c.kind == "text" else None
        if m:
            out.append(make_cell(m.group(1), c.start))
            out.append(make_cell(c.text[m.end():], c.start + m.end()))
        else:
            out.append(c)
    return out


def _single_space(body: str, s0: int) -> list[Cell]:
    """Runs of words are one text cell; every number (or change) is a cell of its own."""
    if not _DIGIT.search(body) and not any(t in _MARKS for t in body.split()):
        return [Cell(s0, s0 + len(body), body, "text")]  # prose or a name: one cell (most lines; fast)
    return _tokens(body, s0)


def _tokens(body: str, s0: int) -> list[Cell]:
    cells: list[Cell] = []
    run: list[regex.Match] = []

    def flush() -> None:
        if run:
            a, b = run[0].start(), run[-1].end()
            cells.append(Cell(s0 + a, s0 + b, body[a:b], "text"))
            run.clear()

    for tok in _TOKEN.finditer(body):
        word = tok.group()
        if not _DIGIT.search(word) and word not in _MARKS:
            run.append(tok)  # a word: no need to classify it
            continue
        if _SKIP_TOKEN.fullmatch(word):
            flush()
            continue
        cell = make_cell(word, s0 + tok.start())
        if cell.kind == "text" or (run and tok.group() in ("-", "–")):  # "Bà Rịa - Vũng Tàu" is one cell
            run.append(tok)
        else:
            flush()
            cells.append(cell)
    flush()
    return cells


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the document: offsets, text, cells and style."""

    no: int
    start: int
    end: int
    text: str
    cells: tuple[Cell, ...]
    style: str


#: Lines longer than this are prose paragraphs: they are not split into cells (it costs time).
MAX_LINE_CHARS = 300


def document_lines(text: str) -> list[Line]:
    """Every line of ``text`` with its cells (blank lines and prose paragraphs have none)."""
    out, pos = [], 0
    for no, raw in enumerate(text.split("\n")):
        cells, style = split_cells(raw, pos) if len(raw) <= MAX_LINE_CHARS else ([], "prose")
        out.append(Line(no, pos, pos + len(raw), raw, tuple(cells), style))
        pos += len(raw) + 1
    return out
