"""From facts to a dataset: the province × index × year panel (``python -m pipeline panel``).

Data teams want the table the articles talk about, not the facts: for every
province, index, component, scope and year, the rank, its total and the score,
how many facts and how many distinct documents state each value, when they were
published, and which sentences say so. Many articles repeat one figure, some copy
it wrong, and changes imply figures that other sentences state; so:

* **support**: each value lists its facts (doc_id, char_start, char_end), the number
  of facts and of distinct documents (a document is its text's sha256 from
  documents.jsonl, so one article ingested twice is one source), and the first and
  last publication date (documents.jsonl's ``date`` beside each facts.jsonl);
* **conflicts**: when documents give different values for one cell, the row keeps
  the value with the most documents (ties: the highest confidence, then the
  smallest value), sets ``conflict`` and lists every value in ``competing``;
* **arithmetic** (:mod:`pipeline.core.consistency`, the same checks ``extract`` runs
  inside one article): a rank change against the kept ranks of its two years, a
  score change against the scores, a rank against its total. A contradicted cell
  is ``inconsistent`` with the facts involved; a rank or score no fact states but a
  change and the other year's figure imply is filled and marked ``*_derived``,
  its ``*_facts`` listing the facts it came from.

Only achieved (``modality`` actual) ``rank`` and ``score`` facts with a province,
an index and a year make cells; changes only check and derive. Percentages are
no index values: they go to ``percentages.parquet`` with their provenance.
``datapackage.json`` describes the files (Frictionless Data Package, one Table
Schema per file, with types, descriptions and primary keys).

Determinism: rows and lists are sorted, the Parquet writer options are fixed and
no timestamp is written anywhere, so the same facts give byte-identical files.
"""
from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from extractors.provinces import canonical_key
from pipeline.core import consistency
from pipeline.records import FACT_TYPES

PANEL_PARQUET, PANEL_CSV, PERCENTAGES_PARQUET, DATAPACKAGE = (
    "panel.parquet", "panel.csv", "percentages.parquet", "datapackage.json")

#: Cell identity: the panel's primary key.
KEY = ("province", "index", "component", "scope", "year")
#: Key columns where "" is a value (no component: the whole index; no scope: a national ranking).
EMPTY_IS_VALUE = ("component", "scope")


class PanelInputError(ValueError):
    """A facts file (or a line of it) that cannot be read: the message names the file and the reason."""


# --------------------------------------------------------------------------- loading

@dataclass
class Inputs:
    """Facts of one or more runs, each tagged with its document's identity and date."""

    facts: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)     # lines or files that could not be read
    warnings: list[str] = field(default_factory=list)   # read, but something is missing (dates)


def _iso_date(value: Any) -> str | None:
    """``YYYY-MM-DD`` from a documents.jsonl date (``2023-11-16``, ``2023-11-16T08:00:00+07:00``)."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _read_lines(path: Path, errors: list[str]) -> Iterable[tuple[int, dict]]:
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        errors.append(f"{path}: cannot read: {exc.strerror or exc}")
        return
    with fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{path}:{lineno}: not JSON: {exc.msg}")
                continue
            if not isinstance(rec, dict) or not isinstance(rec.get("doc_id"), str):
                errors.append(f"{path}:{lineno}: not a record with a doc_id")
                continue
            yield lineno, rec


def load_inputs(paths: Sequence[str | Path]) -> Inputs:
    """Facts of each ``facts.jsonl`` (or run folder), with ``_doc`` and ``_date`` from its documents.jsonl.

    Bad lines and unreadable files become messages in ``errors`` (file, line, reason)
    and the rest is read. A fact whose document is not in documents.jsonl keeps no
    date and counts as its own document (``run:doc_id``).
    """
    out = Inputs()
    for n, raw in enumerate(paths):
        path = Path(raw)
        if path.is_dir():
            path = path / "facts.jsonl"
        if not path.is_file():
            out.errors.append(f"{path}: no such facts file")
            continue
        doc_path = path.with_name("documents.jsonl")
        documents = [d for _, d in _read_lines(doc_path, out.errors)] if doc_path.is_file() else []
        if not doc_path.is_file():
            out.warnings.append(f"{doc_path}: missing: the facts of {path} have no publication dates")
        facts = []
        for lineno, f in _read_lines(path, out.errors):
            if f.get("type") not in FACT_TYPES:
                out.errors.append(f"{path}:{lineno}: unknown fact type {f.get('type')!r}")
                continue
            facts.append(f)
        out.facts.extend(tag_facts(facts, documents, run=n))
    return out


def tag_facts(facts: Iterable[Mapping[str, Any]], documents: Iterable[Mapping[str, Any]] = (), *,
              run: int = 0) -> list[dict[str, Any]]:
    """Facts with ``_doc`` (their document's text hash, else ``run:doc_id``) and ``_date`` (ISO date or None)."""
    docs = {d["doc_id"]: (d.get("sha256") or f"{run}:{d['doc_id']}", _iso_date(d.get("date")))
            for d in documents if isinstance(d.get("doc_id"), str)}
    return [{**f, "_doc": docs.get(f["doc_id"], (f"{run}:{f['doc_id']}", None))[0],
             "_date": docs.get(f["doc_id"], (None, None))[1]} for f in facts]


# --------------------------------------------------------------------------- building

class _Keys:
    """canonical_key is a gazetteer lookup: cache it, 20,000 facts name ~100 provinces."""

    def __init__(self) -> None:
        self.cache: dict[str, str | None] = {}

    def __call__(self, name: str) -> str | None:
        if name not in self.cache:
            self.cache[name] = canonical_key(name)
        return self.cache[name]


def _ref(f: Mapping[str, Any]) -> dict[str, Any]:
    return {"doc_id": f["doc_id"], "char_start": f.get("char_start"), "char_end": f.get("char_end")}


def _ref_key(r: Mapping[str, Any]) -> tuple:
    return (r["doc_id"], r["char_start"] if r["char_start"] is not None else -1, r["char_end"] or -1)


def _refs(facts: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    unique = {_ref_key(r): r for r in map(_ref, facts)}
    return [unique[k] for k in sorted(unique)]


@dataclass
class _Value:
    """One value of one cell's field with the facts stating it."""

    value: Any
    facts: list[dict[str, Any]]

    @property
    def docs(self) -> set[str]:
        return {f["_doc"] for f in self.facts}

    @property
    def confidence(self) -> float:
        return max((float(f.get("confidence") or 0) for f in self.facts), default=0.0)

    def order(self) -> tuple:
        """Most documents first, then the surest fact, then the smallest value (deterministic)."""
        return (-len(self.docs), -self.confidence, self.value)


def _support(facts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    dates = sorted(d for d in (f.get("_date") for f in facts) if d)
    return {"n_facts": len(_refs(facts)), "n_docs": len({f["_doc"] for f in facts}),
            "first_date": dates[0] if dates else None, "last_date": dates[-1] if dates else None,
            "facts": _refs(facts)}


def _most_common(values: Iterable[Any]) -> Any:
    c = Counter(v for v in values if v not in (None, ""))
    return sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))[0][0] if c else None


def _dedupe(facts: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One fact per (document, span, type, fields): the same run given twice counts once."""
    seen: dict[tuple, dict[str, Any]] = {}
    for f in facts:
        k = (f["_doc"], f.get("char_start"), f.get("char_end"), f["type"], *map(f.get, _SAME))
        seen.setdefault(k, f)
    return list(seen.values())


#: The fields that make two facts of one span the same fact.
_SAME = ("province", "index", "component", "scope", "year", "rank", "rank_total", "score", "delta", "base_year",
         "value", "qualifier", "modality", "metric", "rank_min", "rank_max")


@dataclass
class Panel:
    rows: list[dict[str, Any]]
    percentages: list[dict[str, Any]]
    skipped: Counter


def cell_key(f: Mapping[str, Any], key=canonical_key) -> tuple | None:
    """(province key, index, component, scope, year) of an achieved figure, or None if it makes no cell."""
    if f.get("modality", "actual") != "actual" or not f.get("province") or not f.get("index") \
            or f.get("year") is None:
        return None
    return (key(f["province"]), f["index"], consistency.norm_label(f.get("component")),
            consistency.norm_label(f.get("scope")), int(f["year"]))


def _value_of(f: Mapping[str, Any]) -> Any:
    if f["type"] == "rank":
        return int(f["rank"]) if f.get("rank") is not None else None
    # as stated (DTI scores have 4 decimals); rounding only removes float noise
    return round(float(f["score"]), 4) if f.get("score") is not None else None


def build_panel(facts: Iterable[dict[str, Any]]) -> Panel:
    """The panel rows and the percentages table from loaded facts (see :func:`load_inputs`)."""
    facts = _dedupe(f if "_doc" in f else {**f, "_doc": f["doc_id"], "_date": None} for f in facts)
    key = _Keys()
    skipped: Counter = Counter()
    cells: dict[tuple, dict[str, list]] = defaultdict(lambda: {"rank": [], "score": []})
    changes: list[tuple[tuple, dict]] = []
    percentages = []
    for f in facts:
        t = f["type"]
        if t == "percentage":
            percentages.append(f)
            continue
        if t == "rank_target":
            skipped["rank_target (a goal, not a value)"] += 1
            continue
        k = cell_key(f, key)
        if k is None:
            skipped[f"{t} without province, index or year, or a target"] += 1
            continue
        if t in ("rank", "score"):
            if _value_of(f) is None:
                skipped[f"{t} without a value"] += 1
                continue
            cells[k][t].append(f)
        elif f.get("delta") is not None and f.get("base_year") is not None:
            changes.append((k, f))
        else:
            skipped[f"{t} without delta or base year"] += 1
    rows = {k: _row(k, c) for k, c in cells.items()}
    _arithmetic(rows, changes)
    out = [_finish(r) for _, r in sorted(rows.items(), key=lambda kv: _sort_key(kv[1]))]
    return Panel(out, _percentage_rows(percentages), skipped)


def _sort_key(row: Mapping[str, Any]) -> tuple:
    return (row["index"], row["province"], row["component"], row["scope"], row["year"])


def _choose(facts: list[dict[str, Any]]) -> list[_Value]:
    by_value: dict[Any, list] = defaultdict(list)
    for f in facts:
        by_value[_value_of(f)].append(f)
    return sorted((_Value(v, fs) for v, fs in by_value.items()), key=_Value.order)


def _row(k: tuple, cell: Mapping[str, list]) -> dict[str, Any]:
    every = cell["rank"] + cell["score"]
    row: dict[str, Any] = {
        "province": _most_common(f["province"] for f in every),
        "province_code": _most_common(f.get("province_code") for f in every),
        "province_2025": _most_common(f.get("province_2025") for f in every),
        "index": k[1], "component": _most_common(f.get("component") for f in every) or "",
        "scope": _most_common(f.get("scope") for f in every) or "", "year": k[4],
        "_key": k, "_values": {}, "competing": [], "inconsistencies": [],
    }
    for name in ("rank", "score"):
        values = _choose(cell[name])
        row["_values"][name] = values
        kept = values[0] if values else None
        row[name] = kept.value if kept else None
        row[f"{name}_derived"] = False
        sup = _support(kept.facts) if kept else _support([])
        for s, v in sup.items():
            row[f"{name}_{s}"] = v
        if len(values) > 1:
            for i, v in enumerate(values):
                row["competing"].append({"field": name, "value": float(v.value), "kept": i == 0,
                                         "n_facts": len(_refs(v.facts)), "n_docs": len(v.docs),
                                         "doc_ids": sorted({f["doc_id"] for f in v.facts}),
                                         "facts": _refs(v.facts)})
    kept_rank = row["_values"]["rank"][0] if row["_values"]["rank"] else None
    row["rank_total"] = _most_common(f.get("rank_total") for f in kept_rank.facts) if kept_rank else None
    if row["rank"] is not None and row["rank_total"] is not None \
            and not consistency.possible_rank(row["rank"], row["rank_total"]):
        row["inconsistencies"].append({"check": "rank_total",
                                       "reason": f"rank {row['rank']} > rank_total {row['rank_total']}",
                                       "facts": _refs(kept_rank.facts)})
    return row


_KINDS = {  # change type -> figure, implied, possible (pipeline.core.consistency)
    "rank_change": ("rank", consistency.implied_rank, consistency.possible_rank),
    "score_change": ("score", consistency.implied_score, consistency.possible_score),
}


def _empty_row(k: tuple, like: Mapping[str, Any]) -> dict[str, Any]:
    row = _row(k, {"rank": [], "score": []})
    for name in ("province", "province_code", "province_2025", "component", "scope"):
        row[name] = like.get(name) or ("" if name in ("component", "scope") else None)
    return row


def _arithmetic(rows: dict[tuple, dict], changes: list[tuple[tuple, dict]]) -> None:
    """Check each change against the kept figures of its two years; derive a missing one.

    Changes are grouped by (cell, base year, delta): repeats of one change are one
    check with all their facts. A figure that two groups derive differently keeps
    the one with most documents and flags the cell.
    """
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for k, f in changes:
        delta = int(f["delta"]) if f["type"] == "rank_change" else round(float(f["delta"]), 4)
        groups[(f["type"], k, int(f["base_year"]), delta)].append(f)
    derived: dict[tuple, dict[Any, list]] = defaultdict(lambda: defaultdict(list))  # (cell, field) -> value -> facts
    like: dict[tuple, dict] = {}  # (cell, field) -> a row of the same series, for the names of a new row
    for (ctype, k, base_year, delta), fs in sorted(groups.items(), key=lambda kv: repr(kv[0])):
        name, implied, possible = _KINDS[ctype]
        kb = (*k[:4], base_year)
        ry, rb = rows.get(k), rows.get(kb)
        vy = ry[name] if ry is not None else None
        vb = rb[name] if rb is not None else None
        desc = f"{ctype} {delta:+g} ({k[4]} vs {base_year})"
        if vy is not None and vb is not None:
            # any stated reading of each year may fit (the conflict is flagged already); else the kept ones are named
            if consistency.change_agrees(ctype, delta, [v.value for v in ry["_values"][name] or ()],
                                         [v.value for v in rb["_values"][name] or ()]):
                continue
            facts = _refs(fs + rb["_values"][name][0].facts + ry["_values"][name][0].facts)
            reason = f"{desc} disagrees with {name} {vb:g} in {base_year} and {name} {vy:g} in {k[4]}"
            for r in (rb, ry):
                r["inconsistencies"].append({"check": ctype, "reason": reason, "facts": facts})
            continue
        if vy is None and vb is None:
            continue
        stated, stated_row, stated_year, other_key, other_year = ((vy, ry, k[4], kb, base_year) if vy is not None
                                                                  else (vb, rb, base_year, k, k[4]))
        value = implied(delta, **{f"{name}_year" if vy is not None else f"{name}_base": stated})
        sources = fs + stated_row["_values"][name][0].facts
        if not possible(value):
            stated_row["inconsistencies"].append({
                "check": ctype, "reason": f"{desc} with {name} {stated:g} in {stated_year} implies {name} {value:g} in {other_year}",
                "facts": _refs(sources)})
            continue
        derived[(other_key, name)][value].extend(sources)
        like.setdefault((other_key, name), stated_row)
    for (k, name), by_value in sorted(derived.items(), key=lambda kv: repr(kv[0])):
        row = rows.get(k)
        if row is None:
            row = rows[k] = _empty_row(k, like[(k, name)])
        values = sorted((_Value(v, fs) for v, fs in by_value.items()), key=_Value.order)
        kept = values[0]
        row[name] = kept.value
        row[f"{name}_derived"] = True
        for s, v in _support(kept.facts).items():
            row[f"{name}_{s}"] = v
        if len(values) > 1:
            row["inconsistencies"].append({
                "check": f"{name}_derived",
                "reason": "changes imply different " + name + "s: " + ", ".join(f"{v.value:g}" for v in values),
                "facts": _refs(f for v in values for f in v.facts)})


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    row["conflict"] = bool(row["competing"])
    row["inconsistent"] = bool(row["inconsistencies"])
    row["inconsistencies"] = sorted(row["inconsistencies"], key=lambda x: (x["check"], x["reason"]))
    return {name: row.get(name) for name, *_ in PANEL_FIELDS}


def _percentage_rows(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [{"province": f.get("province"), "province_code": f.get("province_code"),
             "province_2025": f.get("province_2025"), "metric": f.get("metric"),
             "value": float(f["value"]) if f.get("value") is not None else None,
             "qualifier": f.get("qualifier"), "modality": f.get("modality"),
             "doc_id": f["doc_id"], "char_start": f.get("char_start"), "char_end": f.get("char_end"),
             "evidence": f.get("evidence"), "date": f.get("_date"),
             "confidence": float(f["confidence"]) if f.get("confidence") is not None else None}
            for f in facts]
    rows.sort(key=lambda r: (r["province"] or "", r["doc_id"], r["char_start"] or 0, r["char_end"] or 0,
                             r["value"] if r["value"] is not None else -1.0, r["metric"] or ""))
    return rows


# --------------------------------------------------------------------------- schemas

_REF = ("struct", [("doc_id", "string"), ("char_start", "int64"), ("char_end", "int64")])

#: (name, arrow type, Table Schema type, description), in column order.
PANEL_FIELDS: list[tuple[str, Any, str, str]] = [
    ("province", "string", "string", "The unit as the articles' era names it (SCHEMA.md spelling); 'Việt Nam' for national figures."),
    ("province_code", "string", "string", "Its official code (empty for Việt Nam)."),
    ("province_2025", "string", "string", "The unit it belongs to after the 1 July 2025 merger."),
    ("index", "string", "string", "Index code: PCI, PAPI, PAR_INDEX, SIPAS, ICT_INDEX, DTI, PGI, DDCI."),
    ("component", "string", "string", "A named component of the index; empty for the whole index."),
    ("scope", "string", "string", "The group a rank is within; empty for national rankings."),
    ("year", "int64", "integer", "The edition year the figures are about."),
    ("rank", "int64", "integer", "The kept rank (most documents; ties: confidence, then the smaller)."),
    ("rank_total", "int64", "integer", "Denominator of the kept rank, as its facts state it most often."),
    ("score", "float64", "number", "The kept score, as stated (PCI: 2 decimals; DTI: up to 4)."),
    *[(f"{v}_{s}", t, tt, d.format(v=v)) for v in ("rank", "score") for s, t, tt, d in (
        ("derived", "bool", "boolean", "True when no fact states the {v}: a change and the other year's {v} imply it."),
        ("n_facts", "int64", "integer", "Facts stating the kept {v} (for a derived one: the facts it came from)."),
        ("n_docs", "int64", "integer", "Distinct documents (by text hash) among them."),
        ("first_date", "date32", "date", "Earliest publication date among those documents."),
        ("last_date", "date32", "date", "Latest publication date among those documents."),
        ("facts", ("list", _REF), "array", "The supporting facts: [{{doc_id, char_start, char_end}}]."),
    )],
    ("conflict", "bool", "boolean", "Documents give different values for this cell."),
    ("competing", ("list", ("struct", [("field", "string"), ("value", "float64"), ("kept", "bool"),
                                       ("n_facts", "int64"), ("n_docs", "int64"),
                                       ("doc_ids", ("list", "string")), ("facts", ("list", _REF))])),
     "array", "Every value of a conflicting field with its support: [{field, value, kept, n_facts, n_docs, doc_ids, facts}]."),
    ("inconsistent", "bool", "boolean", "A change, or the rank total, contradicts the kept figures."),
    ("inconsistencies", ("list", ("struct", [("check", "string"), ("reason", "string"), ("facts", ("list", _REF))])),
     "array", "Each contradiction: [{check, reason, facts involved}]."),
]

PERCENTAGE_FIELDS: list[tuple[str, Any, str, str]] = [
    ("province", "string", "string", "The unit the figure belongs to; 'Việt Nam' for national figures."),
    ("province_code", "string", "string", "Its official code."),
    ("province_2025", "string", "string", "The unit after the 1 July 2025 merger."),
    ("metric", "string", "string", "What was measured, in the article's words."),
    ("value", "float64", "number", "The percentage, in percent units."),
    ("qualifier", "string", "string", "exact, approx, more_than or less_than."),
    ("modality", "string", "string", "actual or target."),
    ("doc_id", "string", "string", "The document stating it."),
    ("char_start", "int64", "integer", "Evidence start in the document's normalised text."),
    ("char_end", "int64", "integer", "Evidence end."),
    ("evidence", "string", "string", "The clause that states the figure."),
    ("date", "date32", "date", "The document's publication date."),
    ("confidence", "float64", "number", "The classifier's probability."),
]
PERCENTAGE_KEY = ("doc_id", "char_start", "char_end", "value", "modality", "metric")


def _arrow_type(spec):
    import pyarrow as pa

    if isinstance(spec, tuple):
        kind, inner = spec
        if kind == "list":
            return pa.list_(_arrow_type(inner))
        return pa.struct([(n, _arrow_type(t)) for n, t in inner])
    return {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_(),
            "date32": pa.date32()}[spec]


def arrow_schema(fields: Sequence[tuple]):
    import pyarrow as pa

    return pa.schema([(name, _arrow_type(t)) for name, t, *_ in fields])


def _arrow_value(value: Any, spec) -> Any:
    if spec == "date32" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def arrow_table(rows: Sequence[Mapping[str, Any]], fields: Sequence[tuple]):
    import pyarrow as pa

    schema = arrow_schema(fields)
    columns = [pa.array([_arrow_value(r[name], t) for r in rows], type=schema.field(name).type)
               for name, t, *_ in fields]
    return pa.Table.from_arrays(columns, schema=schema)


def table_schema(fields: Sequence[tuple], primary_key: Sequence[str]) -> dict[str, Any]:
    """A Frictionless Table Schema: names, types, descriptions, the primary key."""
    out = []
    for name, _, ttype, desc in fields:
        f = {"name": name, "type": ttype, "description": desc}
        if name in primary_key:
            f["constraints"] = {"required": True}
        if name in EMPTY_IS_VALUE:  # "" is the whole index / a national ranking, not a missing value
            f["missingValues"] = []
        out.append(f)
    return {"fields": out, "primaryKey": list(primary_key), "missingValues": [""]}


def datapackage(n_rows: int, n_percentages: int) -> dict[str, Any]:
    panel = table_schema(PANEL_FIELDS, KEY)
    pct = table_schema(PERCENTAGE_FIELDS, PERCENTAGE_KEY)
    desc = ("One row per province, index, component, scope and year: rank, rank_total and score with their "
            "support (facts, documents, dates), conflicts between documents and arithmetic inconsistencies.")
    return {
        "profile": "tabular-data-package",
        "name": "vn-governance-panel",
        "title": "Vietnamese provincial governance indices: province × index × year panel",
        "description": "Built by `python -m pipeline panel` from facts.jsonl (vn-governance-facts).",
        "licenses": [{"name": "Apache-2.0", "path": "https://www.apache.org/licenses/LICENSE-2.0",
                      "title": "Apache License 2.0"}],
        "resources": [
            {"name": "panel", "path": PANEL_CSV, "profile": "tabular-data-resource", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8", "description": desc + f" {n_rows} rows. "
             "List columns hold JSON arrays.", "dialect": {"delimiter": ",", "lineTerminator": "\n",
                                                          "quoteChar": "\"", "header": True},
             "schema": panel},
            {"name": "panel-parquet", "path": PANEL_PARQUET, "profile": "tabular-data-resource",
             "format": "parquet", "mediatype": "application/vnd.apache.parquet",
             "description": desc + f" {n_rows} rows, same columns as panel.csv.", "schema": panel},
            {"name": "percentages", "path": PERCENTAGES_PARQUET, "profile": "tabular-data-resource",
             "format": "parquet", "mediatype": "application/vnd.apache.parquet",
             "description": f"Every percentage fact with its province, metric, value, modality and provenance "
                            f"({n_percentages} rows).", "schema": pct},
        ],
    }


# --------------------------------------------------------------------------- writing

#: Fixed Parquet writer options: same rows -> same bytes (no timestamps are written by pyarrow).
PARQUET_OPTIONS = dict(compression="zstd", compression_level=3, use_dictionary=False, write_statistics=False,
                       version="2.6", data_page_version="1.0", row_group_size=1 << 20)


def write_parquet(rows, fields, path: Path) -> None:
    import pyarrow.parquet as pq

    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(arrow_table(rows, fields), tmp, **PARQUET_OPTIONS)
    os.replace(tmp, path)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, float):
        return repr(value)
    return value


def panel_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([name for name, *_ in PANEL_FIELDS])
    for r in rows:
        w.writerow([_csv_cell(r[name]) for name, *_ in PANEL_FIELDS])
    return buf.getvalue()


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    os.replace(tmp, path)


def write_panel(panel: Panel, out_dir: str | Path) -> list[Path]:
    """DIR/panel.parquet, panel.csv, percentages.parquet, datapackage.json (each replaced atomically)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_parquet(panel.rows, PANEL_FIELDS, out / PANEL_PARQUET)
    _write_text(out / PANEL_CSV, panel_csv(panel.rows))
    write_parquet(panel.percentages, PERCENTAGE_FIELDS, out / PERCENTAGES_PARQUET)
    _write_text(out / DATAPACKAGE, json.dumps(datapackage(len(panel.rows), len(panel.percentages)),
                                              ensure_ascii=False, indent=2) + "\n")
    return [out / n for n in (PANEL_PARQUET, PANEL_CSV, PERCENTAGES_PARQUET, DATAPACKAGE)]


def run(paths: Sequence[str | Path], out_dir: str | Path) -> tuple[Panel, Inputs, list[Path]]:
    """Load, build and write: what ``python -m pipeline panel`` does."""
    inputs = load_inputs(paths)
    panel = build_panel(inputs.facts)
    return panel, inputs, write_panel(panel, out_dir)


def summary(panel: Panel) -> str:
    rows = panel.rows
    return (f"panel: {len(rows)} rows ({sum(r['rank'] is not None for r in rows)} with a rank, "
            f"{sum(r['score'] is not None for r in rows)} with a score), "
            f"{sum(r['conflict'] for r in rows)} in conflict, {sum(r['inconsistent'] for r in rows)} inconsistent, "
            f"{sum(r['rank_derived'] or r['score_derived'] for r in rows)} with a derived value; "
            f"{len(panel.percentages)} percentages"
            + (f"; {sum(panel.skipped.values())} facts make no cell (goals; no province, index or year)"
               if panel.skipped else ""))
