"""Tables: ranking tables (a row per province) and profiles (a column per year) as facts.

ANNOTATION.md ("Tables"): every row of a ranking table is a fact, rank (ties share a
rank) and score, for the index and year its title or header names; component columns are
scores with ``component``; ``rank_total`` only from "/N" or "cả nước" in the table or its
title. A profile with a column per year gives one fact per cell of its rank and score rows.

How a table is read, in the shapes of :mod:`pipeline.core.structure.cells`:

1. rows: lines whose cells hold exactly one province (or, in a profile with a row per
   year, a year) and at least one number; consecutive rows (blank lines between allowed)
   make a table; a header and one-cell-per-line tables are read too;
2. the header (the line right above, if it names columns) gives each column its role;
   without one, the shape does: an integer column 1..63 that never decreases down the
   rows is the rank, a decimal column that never increases in rank order is the score,
   a leading integer that counts 1, 2, 3 is the row number (the rank of a ranking);
3. the title (up to three lines above) names the index and the year; nothing is read
   from a table whose title, header and nearby lines name no index, or name another
   statistic ("GRDP") last: a budget table, dates or a list of counts give nothing.

>>> text = "Bảng xếp hạng PCI 2023\\n| Xếp hạng | Tỉnh | Điểm |\\n| 1 | Quảng Ninh | 71,25 |\\n| 2 | Hải Phòng | 70,61 |"
>>> [(c.type, c.fields["province"], c.fields.get("rank"), c.fields.get("score")) for c in table_candidates(text, post_merger=False, era_total=63)]
[('rank', 'Quảng Ninh', 1, None), ('score', 'Quảng Ninh', None, 71.25), ('rank', 'Hải Phòng', 2, None), ('score', 'Hải Phòng', None, 70.61)]
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

import regex

from extractors import lexicon
from extractors.indices import find_indices
from extractors.provinces import find_provinces
from extractors.years import find_years

from pipeline.core.segment import Sentence
from pipeline.core.structure.cells import Cell, Line, document_lines
from pipeline.core.structure.headers import Label, is_header, label_of, labels_of_line
from pipeline.records import Candidate

#: The largest rank a province table can hold (the 63 units before the 2025 merger).
MAX_RANK = 63
#: How many non-empty lines above a table can be its title.
TITLE_LINES = 3
#: Lines longer than this are prose, never a table row.
MAX_ROW_CHARS = 300
#: The confidence of a table fact: the classifier never saw table rows, so it does not decide them.
TABLE_CONFIDENCE = 0.9

_RANKING_WORDS = lexicon.compiled("ranking_title")
_NATIONAL = lexicon.compiled("national")
_PREFIX = regex.compile(r"\s*(?:(?:tỉnh|thành\s+phố|tp\.?|thủ\s+đô)\s*)?", regex.I)
_TAIL = regex.compile(r"\s*(?:\((?:cũ|mới)\))?\s*[*¹²³]*\s*:?", regex.I)
_INDEX_YEAR_GAP = regex.compile(r"[\s()–-]*(?:\([^()]{0,10}\)\s*)?(?:cấp\s+tỉnh\s*)?(?:năm\s*)?", regex.I)
_VALUE_KINDS = ("int", "dec")
_BARE_SCOPES = ("vùng", "khu vực", "miền")
#: Words of a statement: a line holding them is a sentence about a figure, not a table row.
_STATEMENT = lexicon.compiled("row_statement")
_NATIONAL_ROW = regex.compile(lexicon.pattern("national_row") + r"(?:" + lexicon.pattern("national") + r"|Việt\s+Nam)",
                              regex.I)
_VIETNAM = {"name": "Việt Nam", "code": None, "province_2025": "Việt Nam"}
_GROUP = lexicon.compiled("group_name", 0)  # case-sensitive: the group's name is capitalised


@dataclass
class Row:
    """One table row: its cells, the key cell's position and the subject or year it gives."""

    start: int
    end: int
    cells: list[Cell]
    key: int
    province: dict | None = None
    year: int | None = None
    national: bool = False     # "Trung bình cả nước": the country's score, never a rank


@dataclass
class Table:
    """Rows with one shape, their header labels (None: no header) and the text around them."""

    rows: list[Row]
    labels: list[Label] | None
    title: str                 # the title lines and the header's text: what names index and year
    first_line: int
    profile: bool = False      # a column per year: each row's label names rank or score
    header_style: str | None = None  # the header line's style (pipe, wide, single; "cell": one per line)
    header_text: str = ""      # the header alone: "cả nước" there belongs to its column, not the table
    years: list[int] = field(default_factory=list)


def _record(attrs: dict) -> dict:
    return {"name": attrs["name"], "code": attrs.get("code"), "province_2025": attrs.get("province_2025")}


def province_of_cell(cell: Cell) -> dict | None:
    """The province a text cell is ("Quảng Ninh", "TP. Hồ Chí Minh", "Cần Thơ (cũ)"), else None."""
    if cell.kind != "text" or len(cell.text) > 40:
        return None
    found = list(find_provinces(cell.text))
    if len(found) != 1:
        return None
    m = found[0]
    if not _PREFIX.fullmatch(cell.text[:m.start]) or not _TAIL.fullmatch(cell.text[m.end:]):
        return None
    return _record(m.attrs)


def _row_of(line: Line) -> Row | None:
    cells = list(line.cells)
    if not cells or len(line.text) > MAX_ROW_CHARS or not any(c.kind in _VALUE_KINDS for c in cells):
        return None
    provinces = [(i, p) for i, c in enumerate(cells) if c.kind == "text" and (p := province_of_cell(c))]
    span = (cells[0].start, cells[-1].end)
    if len(provinces) == 1:
        k, p = provinces[0]
        others = [c.text for i, c in enumerate(cells) if c.kind == "text" and i != k]
        if sum(map(len, others)) > 30 or any(_STATEMENT.search(t) for t in others):
            return None  # a sentence ("1. Quảng Ninh: 71,25 điểm, xếp thứ 1"): the sentence path's
        return Row(*span, cells, k, province=p)
    if not provinces and cells[0].kind == "year" and all(c.kind != "text" or len(c.text) <= 30 for c in cells):
        return Row(*span, cells, 0, year=int(cells[0].value))
    texts = [i for i, c in enumerate(cells) if c.kind == "text"]
    if not provinces and len(texts) == 1 and _NATIONAL_ROW.fullmatch(cells[texts[0]].text):
        return Row(*span, cells, texts[0], province=_VIETNAM, national=True)
    return None


def _separator(line: Line) -> bool:
    """A row of a pipe table that only names a group ("| Vùng Đồng bằng sông Hồng | | |"): no break."""
    return line.style == "pipe" and sum(c.kind == "text" for c in line.cells) <= 1 and \
        all(c.kind in ("text", "empty") for c in line.cells)


# ---------------------------------------------------------------------------- finding tables

def _nonblank_above(lines: list[Line], i: int, n: int) -> list[int]:
    out, j = [], i - 1
    while j >= 0 and len(out) < n:
        if lines[j].text.strip():
            out.append(j)
        j -= 1
    return out


def _title_text(lines: list[Line], first: int, rows_at: set[int]) -> str:
    """Up to TITLE_LINES non-empty lines above line ``first`` (the last 400 characters of each)."""
    parts = []
    for j in _nonblank_above(lines, first, TITLE_LINES):
        if j in rows_at:
            break
        parts.append(lines[j].text[-400:])
    return "\n".join(reversed(parts))


def _with_header(lines: list[Line], first_row: int, rows: list[Row], rows_at: set[int]) -> Table:
    header = None
    for j in _nonblank_above(lines, first_row, 4):
        if j in rows_at:
            break
        if is_header(lines[j]):
            header = j
            break
        if not (lines[j].style == "pipe" and (not lines[j].cells or _separator(lines[j]))):
            break  # only a "|---|" rule or a group's name may stand between the header and the rows
    top = header if header is not None else first_row
    title = _title_text(lines, top, rows_at)
    labels = labels_of_line(lines[header]) if header is not None else None
    if labels is not None and (upper := _upper_header(lines, header, rows_at)) is not None and len(upper) == len(labels):
        labels = [replace(lab, index=up) if lab.index is None and up and lab.role in ("rank", "score") else lab
                  for lab, up in zip(labels, upper)]
    head = lines[header].text if header is not None else ""
    return Table(rows, labels, title + "\n" + head, top,
                 header_style=lines[header].style if header is not None else None, header_text=head)


_RULE = regex.compile(r"\s*\|?[\s:|-]+\|?\s*")


def _upper_header(lines: list[Line], header: int, rows_at: set[int]) -> list[str | None] | None:
    """The index each column falls under in a header line above the header, the way a scraper
    flattens spanning cells ("| Tỉnh | PAR INDEX |  | SIPAS |  |" over "|  | Điểm | Xếp hạng | Điểm |
    Xếp hạng |"): an index cell covers itself and the empty cells after it. None without one."""
    for j in _nonblank_above(lines, header, 2):
        ln = lines[j]
        if j in rows_at or ln.style != lines[header].style:
            return None
        if _RULE.fullmatch(ln.text):
            continue
        if len(ln.cells) != len(lines[header].cells):
            return None
        out, last = [], None
        for c in ln.cells:
            if c.kind != "empty":
                last = label_of(c.text).index if c.kind == "text" else None
            out.append(last)
        return out if any(out) else None
    return None


def _one_cell_tables(lines: list[Line], used: set[int]) -> list[Table]:
    """Tables written one cell per line: the header cells, then the rows' cells, in order."""
    out: list[Table] = []
    single = [i for i, ln in enumerate(lines) if len(ln.cells) == 1 and i not in used]
    k = 0
    while k < len(single):
        # a run of header cells
        labels, j = [], k
        while j < len(single) and single[j] - single[j - 1 if j > k else j] <= 2:
            cell = lines[single[j]].cells[0]
            if cell.kind != "text" or len(cell.text) > 40:
                break
            lab = label_of(cell.text)
            if lab.role in ("other", "change") or province_of_cell(cell):
                break
            labels.append(lab)
            j += 1
        roles = [lab.role for lab in labels]
        keypos = next((p for p, r in enumerate(roles) if r in ("name", "year")), None)
        if len(labels) < 2 or keypos is None or not any(r in ("rank", "score", "component") for r in roles):
            k = max(j, k + 1)
            continue
        n, rows, pos = len(labels), [], j
        while pos + n <= len(single) and single[pos] - single[pos - 1] <= 2:
            idx = single[pos:pos + n]
            if any(b - a > 2 for a, b in zip(idx, idx[1:])):
                break
            cells = [lines[i].cells[0] for i in idx]
            key = cells[keypos]
            prov = province_of_cell(key) if roles[keypos] == "name" else None
            year = int(key.value) if roles[keypos] == "year" and key.kind == "year" else None
            if (prov is None and year is None) or not all(
                    c.kind in ("int", "dec", "empty", "change") or p == keypos or roles[p] in ("grade", "other", "name")
                    for p, c in enumerate(cells)):
                break
            rows.append(Row(cells[0].start, cells[-1].end, cells, keypos, province=prov, year=year))
            pos += n
        if rows:
            top = single[k]
            head = "\n".join(lines[i].text for i in single[k:j])
            out.append(Table(rows, labels, _title_text(lines, top, set()) + "\n" + head, top,
                             header_style="cell", header_text=head))
            used.update(single[k:pos])
            k = pos
        else:
            k = max(j, k + 1)
    return out


def _profile_tables(lines: list[Line], used: set[int]) -> list[Table]:
    """A province's profile: a header of years ("| Năm | 2021 | 2022 |"), rows of rank or score."""
    out: list[Table] = []
    for i, ln in enumerate(lines):
        if i in used or not ln.cells or len(ln.text) > 200:
            continue
        if any(c.kind in ("int", "dec", "change") for c in ln.cells) or sum(c.kind == "year" for c in ln.cells) < 2:
            continue  # (cheap tests first: reading labels runs the index matcher)
        labels = labels_of_line(ln)
        years = [lab.year for lab in labels if lab.role == "year_value"]
        if len(years) < 2 or labels[0].role == "year_value" or any(lab.role != "year_value" for lab in labels[1:]):
            continue  # a label cell ("Năm", "Chỉ số"), then years only
        rows = []
        for j in range(i + 1, min(len(lines), i + 40)):
            row = lines[j]
            if not row.text.strip() or (not row.cells and row.style == "pipe"):  # blank, or a "|---|" rule
                continue
            cells = list(row.cells)
            values = cells[1:]
            if (not cells or cells[0].kind != "text" or len(values) != len(years)
                    or not all(c.kind in ("int", "dec", "empty") for c in values)):
                break
            rows.append(Row(cells[0].start, cells[-1].end, cells, 0))
            used.add(j)
        if rows:
            out.append(Table(rows, labels, _title_text(lines, i, set()) + "\n" + ln.text, i, profile=True,
                             years=years, header_text=ln.text))
            used.add(i)
    return out


def find_tables(text: str) -> list[Table]:
    """Every table of ``text``: row-per-line ranking tables, profiles, one-cell-per-line tables."""
    lines = document_lines(text)
    rows = {i: r for i, ln in enumerate(lines) if (r := _row_of(ln)) is not None}
    tables: list[Table] = []
    used: set[int] = set()
    block: list[int] = []

    def close() -> None:
        if block:
            tables.append(_with_header(lines, block[0], [rows[i] for i in block], set(rows)))
            used.update(block)
            block.clear()

    for i, ln in enumerate(lines):
        if i in rows:
            if block and (rows[block[-1]].province is None) != (rows[i].province is None):
                close()
            block.append(i)
        elif ln.text.strip() and (ln.cells or ln.style != "pipe") and not (block and _separator(ln)):
            close()  # (a "|---|---|" rule or a group's name inside a pipe table is no break)
    close()
    tables += _profile_tables(lines, used)
    tables += _one_cell_tables(lines, used)
    return sorted(tables, key=lambda t: t.first_line)


# ---------------------------------------------------------------------------- reading a table

def _table_index(title: str) -> str | None:
    """The index the title names last (nearest the table); None for another statistic."""
    found = [m for m in find_indices(title) if m.attrs["strength"] != "component"]
    strong = [m for m in found if m.attrs["strength"] == "strong"] or found
    return strong[-1].attrs["index"] if strong and strong[-1].attrs["index"] != "OTHER" else None


def _table_year(title: str, index: str | None) -> int | None:
    """"PCI 2023", "(PCI) năm 2022": the edition named right after the index, else the last edition year."""
    years = [y for y in find_years(title) if y.attrs["role"] == "edition"]
    if not years:
        return None
    for m in reversed([m for m in find_indices(title) if m.attrs["index"] == index]):
        for y in years:
            if 0 <= y.start - m.end <= 22 and _INDEX_YEAR_GAP.fullmatch(title[m.end:y.start]):
                return y.attrs["year"]
    return years[-1].attrs["year"]


def _title_only(table: Table) -> str:
    return table.title[:len(table.title) - len(table.header_text)] if table.header_text else table.title


def _table_subject(title: str) -> dict | None:
    found = list(find_provinces(title))
    return _record(found[-1].attrs) if found else None


def _modal_rows(rows: list[Row]) -> list[Row]:
    """The rows with the most common shape (cell count and key position): the table proper."""
    shape = Counter((len(r.cells), r.key) for r in rows).most_common(1)[0][0]
    return [r for r in rows if (len(r.cells), r.key) == shape]


def _column(rows: list[Row], p: int) -> list[Cell]:
    return [r.cells[p] for r in rows]


def _is_rank_column(cells: list[Cell]) -> bool:
    vals = [c for c in cells if c.kind != "empty"]
    return bool(vals) and all(c.kind == "int" and 1 <= c.value <= MAX_RANK for c in vals)


def _is_score_column(cells: list[Cell]) -> bool:
    vals = [c for c in cells if c.kind != "empty"]
    return bool(vals) and all(c.kind in _VALUE_KINDS and 0 < c.value <= 100 for c in vals)


def _non_decreasing(values: list[float]) -> bool:
    return all(a <= b for a, b in zip(values, values[1:]))


def _roles_from_header(table: Table, rows: list[Row]) -> dict[int, Label]:
    labels, width = table.labels or [], len(rows[0].cells)
    if len(labels) == width:
        return _inherit_index(dict(enumerate(labels)))
    wanted = [lab for lab in labels if lab.role not in ("name", "grade", "other", "year")]
    positions = [p for p in range(width) if p != rows[0].key and rows[0].cells[p].kind != "text"]
    if wanted and len(wanted) == len(positions):
        return _inherit_index(dict(zip(positions, wanted)))
    return {}


def _inherit_index(roles: dict[int, Label]) -> dict[int, Label]:
    """"Tỉnh | PAR INDEX (%) | Xếp hạng | SIPAS (%) | Xếp hạng": in a header naming several indices, a
    rank or score column that names none belongs to the index named on its left."""
    if len({lab.index for lab in roles.values() if lab.index}) < 2:
        return roles
    out, last = {}, None
    for p in sorted(roles):
        lab = roles[p]
        if lab.index:
            last = lab.index
        elif last and lab.role in ("rank", "score"):
            lab = replace(lab, index=last)
        out[p] = lab
    return out


def _roles_from_shape(rows: list[Row], context: str) -> dict[int, Label]:
    """Column roles when no header names them (see the module docstring)."""
    width, key = len(rows[0].cells), rows[0].key
    roles: dict[int, Label] = {}
    for p in range(key):
        vals = [c.value for c in _column(rows, p) if c.kind == "int"]
        if len(vals) == len(rows) and all(b > a for a, b in zip(vals, vals[1:])):
            roles[p] = Label("stt")
    after = [p for p in range(key + 1, width)]
    ranks = [p for p in after if _is_rank_column(_column(rows, p)) and len(rows) >= 3
             and _non_decreasing([c.value for c in _column(rows, p) if c.kind == "int"])
             and _RANKING_WORDS.search(context)]
    if len(ranks) == 1:
        roles[ranks[0]] = Label("rank")
    order = _column(rows, ranks[0]) if len(ranks) == 1 else None
    scores = []
    for p in after:
        col = _column(rows, p)
        if len(rows) < 2 or not all(c.kind == "dec" and 0 < c.value <= 100 for c in col):
            continue
        values = [c.value for c in col]
        if order is not None:
            values = [v for _, v in sorted(zip([c.value for c in order], values), key=lambda t: t[0])]
        if _non_decreasing([-v for v in values]):
            scores.append((sum(values) / len(values), p))
    if scores:
        roles[max(scores)[1]] = Label("score")
    return roles


def _validated(roles: dict[int, Label], rows: list[Row]) -> dict[int, Label]:
    out = {}
    for p, lab in roles.items():
        col = _column(rows, p)
        if lab.role == "year_value":  # "| Tỉnh | 2022 | 2023 |": the values say what the years hold
            if all(c.kind in ("dec", "empty") for c in col) and _is_score_column(col):
                lab = replace(lab, role="score")
            elif _is_rank_column(col):
                lab = replace(lab, role="rank")
            else:
                continue
        if lab.role == "rank" and _is_rank_column(col):
            out[p] = lab
        elif lab.role in ("score", "component") and _is_score_column(col):
            out[p] = lab
        elif lab.role == "stt" and all(c.kind == "int" for c in col):
            out[p] = lab
    return out


def _ordinal_ranks(rows: list[Row], p: int, score_col: int | None) -> list[int]:
    """Row numbers as ranks; a row whose score equals the one above shares its rank."""
    ranks: list[int] = []
    for i, r in enumerate(rows):
        n = int(r.cells[p].value)
        if i and score_col is not None and r.cells[score_col].value == rows[i - 1].cells[score_col].value:
            n = ranks[-1]
        ranks.append(n)
    return ranks


def _province_fields(p: dict, post_merger: bool) -> dict:
    name = p["name"]
    if post_merger and p.get("province_2025") == "Huế" and name == "Thừa Thiên Huế":
        name = "Huế"
    return {"province": name, "province_code": p.get("code"), "province_2025": p.get("province_2025")}


def _candidate(kind: str, cell: Cell, subject: dict, index: str, component: str | None, year: int,
               value, total: int | None, post_merger: bool, feats: dict, scope: str | None = None) -> Candidate:
    base = {**_province_fields(subject, post_merger), "index": index}
    if component:
        base["component"] = component
    if scope and kind == "rank":
        base["scope"] = scope
    if kind == "rank":
        f = {**base, "year": year, "rank": int(value), "rank_total": total, "modality": "actual"}
    else:
        f = {**base, "year": year, "score": float(value), "modality": "actual"}
    return Candidate(kind, f, cell.start, cell.end, "table_row", {"table_row": 1.0, **feats},
                     group=(cell.start, kind, "table"), rule_choice=True, construction="table_row")


def _read_ranking(table: Table, *, post_merger: bool, era_total: int, default_year: int | None,
                  main_province: dict | None) -> list[tuple[Candidate, Row]]:
    rows = _modal_rows(table.rows)
    every = rows
    rows = [r for r in rows if not r.national]  # the country's row takes no part in ranks or shapes
    if not rows:
        return []
    context = table.title
    index = _table_index(context)
    year = _table_year(context, index) or default_year
    roles = _validated(_roles_from_header(table, rows), rows) if table.labels else {}
    by_header = bool(roles)
    if not by_header and (table.labels is None or table.header_style == "single"):
        # no header, or a line of words that only looked like one (a title): the shape decides.
        # A real header (cells) that names no rank or score column says the table holds none.
        roles = _validated(_roles_from_shape(rows, context), rows)
    feats = {"table_header": 1.0} if by_header else {"table_shape": 1.0}
    rank_cols = [p for p, lab in roles.items() if lab.role == "rank"]
    score_cols = [p for p, lab in roles.items() if lab.role in ("score",) and lab.component is None]
    ordinal: list[int] | None = None
    stt = [p for p, lab in roles.items() if lab.role == "stt"]
    if not rank_cols and stt:
        sc = score_cols[0] if score_cols else None
        falling = sc is not None and _non_decreasing([-r.cells[sc].value for r in rows if r.cells[sc].kind != "empty"])
        numbers = [r.cells[stt[0]].value for r in rows]
        # row numbers are ranks when the score falls down the rows, or when a ranking lists names
        # only; a table with other figures (a budget) is ordered by something else
        others = any(c.kind in ("int", "dec") for r in rows for p, c in enumerate(r.cells) if p != stt[0])
        if rows[0].province is not None and all(b > a for a, b in zip(numbers, numbers[1:])) and (
                falling or (not others and _RANKING_WORDS.search(context))):
            ordinal = _ordinal_ranks(rows, stt[0], sc)
    national = bool(_NATIONAL.search(_title_only(table)))
    subject = _table_subject(context) or main_province
    out: list[tuple[Candidate, Row]] = []
    max_rank = max([int(r.cells[p].value) for p in rank_cols for r in rows if r.cells[p].kind == "int"] + (ordinal or [0]))
    place = {id(r): i for i, r in enumerate(rows)}
    for r in every:
        subj = r.province or subject
        row_year = r.year
        if subj is None:
            continue
        made: list[tuple[int, Candidate]] = []
        if r.national:
            pass  # scores only
        elif ordinal is not None and index and (row_year or year):
            i = place[id(r)]
            cell = r.cells[stt[0]]
            made.append((cell.start, _candidate("rank", cell, subj, index, None, row_year or year, ordinal[i],
                                                _total(None, national, era_total, max_rank), post_merger,
                                                {**feats, "table_ordinal": 1.0})))
        for p, lab in sorted(roles.items()):
            cell = r.cells[p]
            if cell.kind == "empty" or lab.role not in ("rank", "score", "component") or (r.national and lab.role == "rank"):
                continue
            idx = lab.index or index
            y = row_year or lab.year or year
            if idx in (None, "OTHER") or y is None:  # "GRDP (%)": another statistic's column
                continue
            kind = "rank" if lab.role == "rank" else "score"
            if lab.scope and lab.scope.lower() in _BARE_SCOPES and (named := _GROUP.search(_title_only(table))):
                lab = replace(lab, scope=named.group().strip())  # "Xếp hạng vùng" under "... vùng ĐBSCL"
            total = _total(cell.attrs.get("total"), (national and not lab.scope) or lab.national, era_total,
                           max_rank) if kind == "rank" else None
            made.append((cell.start, _candidate(kind, cell, subj, idx, lab.component, y, cell.value, total,
                                                post_merger, feats, lab.scope)))
        out.extend((c, r) for _, c in sorted(made, key=lambda t: t[0]))
    return out


def _total(written: int | None, national: bool, era_total: int, max_rank: int) -> int | None:
    if written:
        return written
    if national:
        return era_total if max_rank <= era_total else MAX_RANK
    return None


def _read_profile(table: Table, *, post_merger: bool, era_total: int, default_year: int | None,
                  main_province: dict | None) -> list[tuple[Candidate, Row]]:
    context = table.title
    index = _table_index(context)
    subject = _table_subject(context) or main_province
    national = bool(_NATIONAL.search(_title_only(table)))
    out: list[tuple[Candidate, Row]] = []
    if subject is None:
        return out
    for r in table.rows:
        lab = label_of(r.cells[0].text)
        values = r.cells[1:]
        idx = lab.index or index
        role = lab.role
        if role == "score" and lab.index and not regex.search(r"điểm|kết\s+quả|giá\s+trị", r.cells[0].text, regex.I):
            # a row named by its index alone ("| PCI | 65,1 | 66,2 |"): the values say what it holds
            role = "score" if all(c.kind in ("dec", "empty") for c in values) else (
                "rank" if _RANKING_WORDS.search(context) else None)
        if idx in (None, "OTHER") or role not in ("rank", "score", "component"):
            continue
        kind = "rank" if role == "rank" else "score"
        if kind == "rank" and not _is_rank_column(values) or kind == "score" and not _is_score_column(values):
            continue
        for y, cell in zip(table.years, values):
            if cell.kind == "empty":
                continue
            total = _total(cell.attrs.get("total"), national, era_total, int(cell.value)) if kind == "rank" else None
            out.append((_candidate(kind, cell, subject, idx, lab.component, y, cell.value, total, post_merger,
                                   {"table_profile": 1.0}), r))
    return out


def table_rows(text: str, *, post_merger: bool, era_total: int, default_year: int | None = None,
               main_province: dict | None = None) -> list[tuple[Candidate, Sentence]]:
    """Candidates of every table row with the row as a :class:`Sentence` (its evidence), in text order.

    ``default_year``: the article's edition year, for a table whose title names none;
    ``main_province``: the article's province, the subject of a profile whose title names none.
    """
    out: list[tuple[Candidate, Sentence]] = []
    if "\n" not in text:
        return out  # a table is rows of lines: a one-line article (most scraped news) holds none
    for table in find_tables(text):
        read = _read_profile if table.profile else _read_ranking
        for cand, row in read(table, post_merger=post_merger, era_total=era_total, default_year=default_year,
                              main_province=main_province):
            out.append((cand, Sentence(row.start, row.end, text[row.start:row.end])))
    seen, unique = set(), []
    for cand, sent in sorted(out, key=lambda p: (p[0].start, p[0].type)):
        if (cand.start, cand.type) not in seen:
            seen.add((cand.start, cand.type))
            unique.append((cand, sent))
    return unique


def table_candidates(text: str, *, post_merger: bool, era_total: int, default_year: int | None = None,
                     main_province: dict | None = None) -> list[Candidate]:
    """Rank and score candidates of every table row of ``text`` (normalised), in text order."""
    return [c for c, _ in table_rows(text, post_merger=post_merger, era_total=era_total,
                                     default_year=default_year, main_province=main_province)]


__all__ = ["find_tables", "table_candidates", "table_rows", "province_of_cell", "TABLE_CONFIDENCE"]
