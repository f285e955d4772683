"""Audit helpers behind ``notebooks/audit.ipynb`` and the review page.

The notebook stays a thin list of calls into this module so that tests cover
the logic: loading a run (facts, documents and the texts their offsets refer
to), filtering the fact table, rendering a document with its evidence spans
(spaCy displacy, manual ``ent`` style), comparing with gold where a gold set
holds the document, and plotting ranks over the years.

Run ``python -m pipeline.tools.audit --execute notebooks/audit.ipynb`` to execute the
notebook headless with the current interpreter (what CI does).
"""
from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence


from pipeline.batch.ingest import iter_inputs
from pipeline.batch.write import content_sha256
from pipeline.core.normalize import normalize_text
from pipeline.records import TYPE_FIELDS
from pipeline.tools.display import ShownText, neutralise

#: One colour per fact type, shared by the notebook and the review page.
TYPE_COLORS: dict[str, str] = {
    "rank": "#7aecec",
    "rank_change": "#bfeeb7",
    "score": "#feca74",
    "score_change": "#ffb3a7",
    "percentage": "#c4b5fd",
    "rank_target": "#f9a8d4",
}

def canonical_province(name: str | None) -> str | None:
    """Province name as SCHEMA.md compares it (the scorer's own key: aliases, tone marks, type words)."""
    from extractors.provinces import canonical_key

    return canonical_key(name) if name is not None else None


def fact_key(fact: Mapping[str, Any]) -> tuple:
    """The scoring key of a fact (:func:`pipeline.tools.evaluate.fact_key`), doc_id first so documents never collide."""
    from pipeline.records import fact_key as scoring_key

    return (fact["doc_id"], scoring_key(fact))


# --------------------------------------------------------------------------- loading

def find_root(start: str | Path | None = None) -> Path:
    """The project root (folder with pyproject.toml and pipeline/), so the notebook runs from any cwd."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "pipeline").is_dir():
            return folder
    return Path(__file__).resolve().parents[2]


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """All records of a JSONL file; a missing file is an empty run, not an error."""
    path = Path(path)
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_run(out_dir: str | Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(facts, documents)`` of an extraction run folder (refused if they are not one run's pair)."""
    from pipeline.batch.manifest import verify

    out = Path(out_dir)
    verify(out)  # raises OutputsInconsistent, naming the folder and what to do
    return read_jsonl(out / "facts.jsonl"), read_jsonl(out / "documents.jsonl")


def _resolve(path: str, roots: Sequence[Path]) -> Path | None:
    for candidate in dict.fromkeys([path, _unescape_path(path)]):
        p = Path(candidate)
        if p.is_absolute():
            if p.exists():
                return p
            continue
        for root in roots:
            if (root / p).exists():
                return root / p
    return None


_ESCAPED_BYTE = re.compile(r"\\x([89a-f][0-9a-f])")


def _unescape_path(source: str) -> str:
    """A source as ingestion wrote it (an undecodable file-name byte as ``\\xfe``) back to the file's name."""
    return _ESCAPED_BYTE.sub(lambda m: chr(0xDC00 + int(m.group(1), 16)), source)


def _split_source(source: str) -> tuple[str, int | None]:
    """``"file.jsonl:12"`` -> ``("file.jsonl", 12)`` (also ``.jsonl.gz``); a plain path has no line number."""
    head, sep, tail = source.rpartition(":")
    if sep and tail.isdigit() and head.lower().endswith((".jsonl", ".jsonl.gz")):
        return head, int(tail)
    return source, None


def load_texts(documents: Iterable[Mapping[str, Any]],
               roots: Sequence[str | Path] = ()) -> dict[str, str]:
    """Normalised text of every readable document, keyed by doc_id.

    Texts are re-read through :func:`pipeline.batch.ingest.iter_inputs`, the same path the
    extraction took, so evidence offsets slice them exactly. Relative sources are
    tried against each of ``roots`` (then the cwd and the project root).

    Only the document the facts came from gives its doc_id a text: an ``ok`` record
    (a rejected duplicate with the same id, from another file, is an error record),
    whose ``sha256``, when recorded, matches the text read now (a file edited since
    the run has no text here rather than the wrong one).
    """
    search = [Path(r) for r in roots] + [Path.cwd(), find_root()]
    wanted: dict[Path, dict[int | None, tuple[str, str | None]]] = defaultdict(dict)
    claimed: set[str] = set()
    for doc in documents:
        doc_id = doc.get("doc_id")
        if not doc.get("source") or doc.get("status", "ok") != "ok" or doc_id in claimed:
            continue
        claimed.add(doc_id)
        file, lineno = _split_source(str(doc["source"]))
        resolved = _resolve(file, search)
        if resolved is not None:
            wanted[resolved][lineno] = (doc_id, doc.get("sha256"))
    texts: dict[str, str] = {}
    for path, by_line in wanted.items():
        for item in iter_inputs([path]):
            text = getattr(item, "text", None)
            if text is None:
                continue
            _, lineno = _split_source(item.source)
            doc_id, sha = by_line.get(lineno, (None, None))
            if doc_id is not None and (sha is None or sha == content_sha256(text)):
                texts[doc_id] = text
    return texts


def default_gold_dirs(root: str | Path | None = None) -> list[Path]:
    """Gold sets present beside this checkout: corpus/seeds and ../shared/corpus/dev."""
    root = Path(root) if root else find_root()
    env = os.environ.get("AUDIT_GOLD")
    if env is not None:
        return [Path(p) for p in env.split(os.pathsep) if p]
    cands = [root / "corpus" / "seeds", root.parent / "shared" / "corpus" / "dev"]
    return [c for c in cands if (c / "gold.jsonl").is_file()]


def load_gold(gold_dirs: Iterable[str | Path]) -> dict[str, dict[str, Any]]:
    """Per document of every gold set: its facts, NFC text and title.

    A document listed in a set's docs.jsonl (or texts/) with no gold line has gold:
    zero facts, so everything extracted from it is an extra.
    """
    gold: dict[str, dict[str, Any]] = {}
    for folder in map(Path, gold_dirs):
        meta = {d["doc_id"]: d for d in read_jsonl(folder / "docs.jsonl")}
        ids = set(meta) | {p.stem for p in (folder / "texts").glob("*.txt")}
        facts: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rec in read_jsonl(folder / "gold.jsonl"):
            facts[rec["doc_id"]].append(rec)
            ids.add(rec["doc_id"])
        for doc_id in sorted(ids):
            path = folder / "texts" / f"{doc_id}.txt"
            text = normalize_text(path.read_text(encoding="utf-8")) if path.exists() else None
            gold[doc_id] = {"facts": facts.get(doc_id, []), "text": text,
                            "title": (meta.get(doc_id) or {}).get("title"), "dir": str(folder)}
    return gold


def write_gold_run(gold_dirs: Iterable[str | Path], out_dir: str | Path) -> Path:
    """Write gold facts as if they were an extraction run (confidence 1, rule "gold").

    Lets the notebook and the review page be tried, and tested, before extraction
    gives real facts; sources are absolute paths to the gold texts.
    """
    from pipeline.records import EXTRA_FIELDS

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "facts.jsonl").open("w", encoding="utf-8") as fw, \
            (out / "documents.jsonl").open("w", encoding="utf-8") as dw:
        for folder in map(Path, gold_dirs):
            by_doc: dict[str, list] = defaultdict(list)
            for rec in read_jsonl(folder / "gold.jsonl"):
                by_doc[rec["doc_id"]].append(rec)
            for path in sorted((folder / "texts").glob("*.txt")):
                facts = by_doc.get(path.stem, [])
                dw.write(json.dumps({"doc_id": path.stem, "source": str(path.resolve()),
                                     "status": "ok", "reason": None, "n_facts": len(facts),
                                     "province": None}, ensure_ascii=False) + "\n")
                for rec in facts:
                    out_rec = {"doc_id": rec["doc_id"], "type": rec["type"]}
                    out_rec.update({k: rec.get(k) for k in TYPE_FIELDS[rec["type"]]})
                    out_rec.update({k: rec[k] for k in EXTRA_FIELDS if k in rec and k not in out_rec})
                    out_rec.update(confidence=1.0, rule="gold")
                    fw.write(json.dumps(out_rec, ensure_ascii=False) + "\n")
    return out


# --------------------------------------------------------------------------- table

def fact_value(fact: Mapping[str, Any]) -> str:
    """The fact's value in a few characters, as a reviewer reads it."""
    t = fact["type"]
    if t == "rank":
        total = fact.get("rank_total")
        return f"{fact.get('rank')}/{total}" if total else f"#{fact.get('rank')}"
    if t in ("rank_change", "score_change"):
        d = fact.get("delta")
        sign = "+" if isinstance(d, (int, float)) and d > 0 else ""
        unit = " bậc" if t == "rank_change" else " điểm"
        base = f" vs {fact['base_year']}" if fact.get("base_year") else ""
        return f"{sign}{_num(d)}{unit}{base}"
    if t == "score":
        return f"{_num(fact.get('score'))} điểm"
    if t == "percentage":
        q = {"approx": "~", "more_than": ">", "less_than": "<"}.get(fact.get("qualifier") or "", "")
        return f"{q}{_num(fact.get('value'))}%"
    if t == "rank_target":
        return f"top {fact.get('rank_min')}–{fact.get('rank_max')}"
    return ""


def _num(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def fact_label(fact: Mapping[str, Any]) -> str:
    """Label shown on a highlighted span: type, index, year, province, value."""
    parts = [fact["type"]]
    if fact.get("index"):
        parts.append(str(fact["index"]))
    if fact.get("year"):
        parts.append(str(fact["year"]))
    if fact.get("province"):
        parts.append(str(fact["province"]))
    parts.append(fact_value(fact))
    if fact.get("modality") == "target" and fact["type"] != "rank_target":
        parts.append("(target)")
    return " · ".join(parts)


TABLE_COLUMNS = ["doc_id", "type", "province", "index", "year", "value", "confidence",
                 "modality", "rule", "evidence", "char_start", "char_end"]
#: Free-text columns of the table, shown with bidi controls as markers.
_SHOWN_COLUMNS = ("doc_id", "rule", "evidence")


def facts_frame(facts: Iterable[Mapping[str, Any]]):
    """A pandas table of facts, one row per fact, with the value column a reviewer scans.

    It is for reading: ids and evidence show bidi controls as ``[U+202E]`` markers
    (:mod:`pipeline.tools.display`); the facts themselves are not changed.
    """
    import pandas as pd

    rows = []
    for f in facts:
        row = {c: f.get(c) for c in TABLE_COLUMNS}
        row["value"] = fact_value(f)
        for c in _SHOWN_COLUMNS:
            row[c] = neutralise(row[c])
        rows.append(row)
    df = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    df["year"] = df["year"].astype("Int64")
    df["confidence"] = pd.to_numeric(df["confidence"], errors="coerce")
    return df


def filter_facts(df, *, type: str | Sequence[str] | None = None,
                 province: str | None = None, index: str | None = None,
                 year: int | None = None, max_confidence: float | None = None):
    """Rows matching every filter given; ``max_confidence`` keeps the low-confidence ones."""
    mask = df["doc_id"].notna()
    if type is not None:
        mask &= df["type"].isin([type] if isinstance(type, str) else list(type))
    if province is not None:
        want = canonical_province(province)
        mask &= df["province"].map(canonical_province) == want
    if index is not None:
        mask &= df["index"] == index
    if year is not None:
        mask &= df["year"] == year
    if max_confidence is not None:
        mask &= df["confidence"] <= max_confidence
    return df[mask.fillna(False)]


# --------------------------------------------------------------------------- rendering

def _background(types: Sequence[str]) -> str:
    """One type's colour, or equal stripes of each type's colour for a span shared by several."""
    cols = [TYPE_COLORS.get(t, "#ddd") for t in dict.fromkeys(types)]
    if len(cols) == 1:
        return cols[0]
    step = 100 / len(cols)
    stops = ", ".join(f"{c} {i * step:.0f}% {(i + 1) * step:.0f}%" for i, c in enumerate(cols))
    return f"linear-gradient(180deg, {stops})"


def render_document(text: str, facts: Iterable[Mapping[str, Any]], *, title: str | None = None,
                    labels: Mapping[int, str] | None = None) -> str:
    """HTML of ``text`` with each fact's evidence highlighted (displacy ``ent`` style, manual).

    Colour is the fact's type; the label carries its values (``labels`` overrides the
    label per fact position, e.g. to add a gold match/miss mark). displacy cannot nest
    entities, so overlapping evidence spans (a rank and its rank_change often share one
    sentence) are drawn as one highlight over their union, labelled with every fact
    (" ‖ " between them) and striped with each type's colour. Returns the markup; the
    notebook wraps it in ``IPython.display.HTML``. Bidi controls in the text, labels
    and title are shown as ``[U+202E]`` markers, the spans moved to match.
    """
    from spacy import displacy

    spans = []
    for i, f in enumerate(facts):
        s, e = f.get("char_start"), f.get("char_end")
        if isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text):
            spans.append((s, e, (labels or {}).get(i) or fact_label(f), f["type"]))
    spans.sort(key=lambda x: (x[0], -x[1]))
    groups: list[list] = []
    for s, e, label, ftype in spans:
        if groups and s < groups[-1][1]:
            g = groups[-1]
            g[1] = max(g[1], e)
            g[2].append(label)
            g[3].append(ftype)
        else:
            groups.append([s, e, [label], [ftype]])
    shown = ShownText(text)
    ents, colors = [], {}
    for s, e, labs, types in groups:
        label = html.escape(neutralise(" ‖ ".join(dict.fromkeys(labs))))  # displacy puts labels in raw
        ents.append({"start": shown.offset(s), "end": shown.offset(e), "label": label})
        colors[label.upper()] = _background(types)
    parsed = {"text": shown.text, "ents": ents, "title": html.escape(neutralise(title)) if title else None}
    return displacy.render(parsed, style="ent", manual=True, jupyter=False,
                           options={"colors": colors})


MENTION_COLORS = {"province": "#c7e9c0", "index": "#fdd0a2", "year": "#dadaeb", "subject": "#e0e0e0",
                  "rank": "#7aecec", "rank_change": "#bfe1a0", "score": "#feca74", "score_change": "#ffae9c",
                  "percentage": "#c5b3f8", "rank_target": "#f5a3d0"}


def mention_label(m) -> str:
    """A mention's kind and parsed value: "rank 13/63", "index PAR_INDEX", "province Thái Bình"."""
    a = m.attrs
    value = {"province": a.get("name"), "index": a.get("component") or a.get("index"), "year": a.get("year"),
             "subject": a.get("role"), "rank": f"{a.get('rank')}/{a['total']}" if a.get("total") else a.get("rank"),
             "rank_change": a.get("delta"), "score_change": a.get("delta"), "score": a.get("score"),
             "percentage": a.get("value"),
             "rank_target": f"{a.get('rank_min')}-{a.get('rank_max')}"}.get(m.kind)
    return f"{m.kind} {value}" if value is not None else m.kind


def document_mentions(text: str) -> list:
    """Every mention the extractors find in ``text`` (already normalised), sentence by sentence."""
    from pipeline.core.mentions import sentence_mentions
    from pipeline.core.segment import split_sentences

    return [m for sent in split_sentences(text) for m in sentence_mentions(sent)]


def render_mentions(text: str, *, title: str | None = None) -> str:
    """HTML of ``text`` with the extractors' mentions highlighted, one colour per kind.

    What the rules saw before assembling facts: provinces, index names, years and every
    value mention, so a reviewer can tell a missed fact (no mention) from a wrong pairing.
    """
    from spacy import displacy

    shown = ShownText(text)
    ents, last_end = [], -1
    for m in sorted(document_mentions(text), key=lambda m: (m.start, -m.end)):
        if m.start >= last_end:  # displacy cannot nest: keep the first, longest mention
            ents.append({"start": shown.offset(m.start), "end": shown.offset(m.end),
                         "label": html.escape(neutralise(mention_label(m)))})
            last_end = m.end
    colors = {e["label"].upper(): MENTION_COLORS.get(e["label"].split(" ")[0], "#ddd") for e in ents}
    parsed = {"text": shown.text, "ents": ents, "title": html.escape(neutralise(title)) if title else None}
    return displacy.render(parsed, style="ent", manual=True, jupyter=False, options={"colors": colors})


def legend_html() -> str:
    """A one-line colour key of the fact types."""
    chips = "".join(f'<span style="background:{c};padding:2px 6px;margin-right:6px;'
                    f'border-radius:3px">{t}</span>' for t, c in TYPE_COLORS.items())
    return f'<div style="font:13px sans-serif;margin:4px 0">{chips}</div>'


# --------------------------------------------------------------------------- gold comparison

def compare(pred: Iterable[Mapping[str, Any]], gold: Iterable[Mapping[str, Any]]):
    """Match extracted and gold facts of one document by scoring key.

    Returns a DataFrame with one row per distinct key: ``status`` (match, miss,
    extra), the value label, and the extracted and gold evidence side by side.
    """
    import pandas as pd

    pred_by: dict[tuple, Mapping[str, Any]] = {}
    gold_by: dict[tuple, Mapping[str, Any]] = {}
    for f in pred:
        pred_by.setdefault(fact_key(f), f)
    for f in gold:
        gold_by.setdefault(fact_key(f), f)
    rows = []
    for key in list(gold_by) + [k for k in pred_by if k not in gold_by]:
        p, g = pred_by.get(key), gold_by.get(key)
        status = "match" if p and g else ("miss" if g else "extra")
        f = g or p
        rows.append({"status": status, "type": f["type"], "fact": neutralise(fact_label(f)),
                     "extracted evidence": neutralise(p.get("evidence")) if p else None,
                     "gold evidence": neutralise(g.get("evidence")) if g else None,
                     "confidence": p.get("confidence") if p else None})
    order = {"match": 0, "miss": 1, "extra": 2}
    df = pd.DataFrame(rows, columns=["status", "type", "fact", "extracted evidence",
                                     "gold evidence", "confidence"])
    return df.sort_values("status", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


_MARK = {"match": "✓", "miss": "✗ miss", "extra": "✗ extra"}


def render_comparison(pred_text: str | None, pred: Sequence[Mapping[str, Any]],
                      gold_text: str | None, gold: Sequence[Mapping[str, Any]],
                      *, title: str | None = None) -> str:
    """Extracted (left) and gold (right) renderings, every span marked match / extra / miss."""
    gold_keys = {fact_key(f) for f in gold}
    pred_keys = {fact_key(f) for f in pred}
    lp = {i: f"{_MARK['match' if fact_key(f) in gold_keys else 'extra']} {fact_label(f)}"
          for i, f in enumerate(pred)}
    lg = {i: f"{_MARK['match' if fact_key(f) in pred_keys else 'miss']} {fact_label(f)}"
          for i, f in enumerate(gold)}
    n_match = len(gold_keys & pred_keys)
    summary = (f"{n_match} match · {len(gold_keys - pred_keys)} miss · "
               f"{len(pred_keys - gold_keys)} extra")
    left = render_document(pred_text, pred, labels=lp) if pred_text else "<p>(no text)</p>"
    right = render_document(gold_text, gold, labels=lg) if gold_text else "<p>(no text)</p>"
    head = f"<h3 style='font-family:sans-serif'>{html.escape(neutralise(title or ''))}</h3>" if title else ""
    col = "flex:1;min-width:0;border:1px solid #ddd;padding:6px;max-height:900px;overflow:auto"
    return (f"{head}<div style='font:14px sans-serif;margin:4px 0'><b>{summary}</b></div>"
            f"<div style='display:flex;gap:12px'>"
            f"<div style='{col}'><h4 style='font-family:sans-serif'>Extracted</h4>{left}</div>"
            f"<div style='{col}'><h4 style='font-family:sans-serif'>Gold</h4>{right}</div></div>")


def gold_summary(facts: Sequence[Mapping[str, Any]], gold: Mapping[str, Mapping[str, Any]],
                 doc_ids: Iterable[str] | None = None):
    """Per document with gold: counts of matches, misses and extras by key."""
    import pandas as pd

    by_doc: dict[str, list] = defaultdict(list)
    for f in facts:
        by_doc[f["doc_id"]].append(f)
    rows = []
    for doc_id in (doc_ids if doc_ids is not None else sorted(by_doc)):
        if doc_id not in gold:
            continue
        pk = {fact_key(f) for f in by_doc.get(doc_id, [])}
        gk = {fact_key(f) for f in gold[doc_id]["facts"]}
        rows.append({"doc_id": doc_id, "match": len(pk & gk), "miss": len(gk - pk),
                     "extra": len(pk - gk)})
    return pd.DataFrame(rows, columns=["doc_id", "match", "miss", "extra"])


# --------------------------------------------------------------------------- ranks over time

def rank_series(facts: Iterable[Mapping[str, Any]]):
    """National ranks per (index, province, year): the most frequent stated rank.

    Only achieved (``modality`` actual), national (``scope`` null) ranks with a year
    and a province count; repeats of one figure across articles collapse to one point.
    """
    import pandas as pd

    votes: dict[tuple, Counter] = defaultdict(Counter)
    for f in facts:
        if f.get("type") != "rank" or f.get("scope") or f.get("modality", "actual") != "actual":
            continue
        if not f.get("province") or not f.get("year") or f.get("rank") is None or not f.get("index"):
            continue
        votes[(f["index"], f["province"], int(f["year"]))][int(f["rank"])] += 1
    rows = [{"index": i, "province": p, "year": y,
             "rank": sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0], "n": sum(c.values())}
            for (i, p, y), c in sorted(votes.items())]
    return pd.DataFrame(rows, columns=["index", "province", "year", "rank", "n"])


def plot_ranks(facts: Iterable[Mapping[str, Any]], *, provinces: Sequence[str] | None = None,
               indices: Sequence[str] | None = None, max_provinces: int = 12):
    """One panel per index: each province's rank over the years (rank 1 on top).

    Without ``provinces``, the ``max_provinces`` provinces with most data points are drawn
    so the legend stays legible. Returns the matplotlib Figure (empty note if no ranks).
    """
    import matplotlib.pyplot as plt

    series = rank_series(facts)
    if provinces is not None:
        series = series[series["province"].isin(list(provinces))]
    elif len(series):
        top = series.groupby("province").size().sort_values(ascending=False, kind="stable")
        series = series[series["province"].isin(list(top.index[:max_provinces]))]
    if indices is not None:
        series = series[series["index"].isin(list(indices))]
    idx = sorted(series["index"].unique()) if len(series) else []
    if not idx:
        fig, ax = plt.subplots(figsize=(6, 2))
        ax.text(0.5, 0.5, "no national rank with a year and a province", ha="center", va="center")
        ax.set_axis_off()
        return fig
    fig, axes = plt.subplots(len(idx), 1, figsize=(9, 3.2 * len(idx)), squeeze=False)
    for ax, code in zip(axes[:, 0], idx):
        part = series[series["index"] == code]
        for prov, grp in part.groupby("province", sort=True):
            grp = grp.sort_values("year")
            ax.plot(grp["year"], grp["rank"], marker="o", label=prov)
        rank_axes(ax, code)
    fig.tight_layout()
    return fig


def rank_axes(ax, title: str) -> None:
    """A ranks-over-years plot's axes: rank 1 on top, whole years, the legend outside."""
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel("year")
    ax.set_ylabel("rank")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))


# --------------------------------------------------------------------------- notebook execution

def execute_notebook(path: str | Path, *, save: str | Path | None = None,
                     timeout: int = 600, env: Mapping[str, str] | None = None):
    """Execute a notebook top to bottom with *this* interpreter's ipykernel.

    A throw-away kernelspec pointing at ``sys.executable`` avoids picking up some other
    "python3" kernel installed on the machine (a fresh ``make setup`` registers none).
    Raises ``nbclient.exceptions.CellExecutionError`` on the first failing cell.
    """
    import tempfile

    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as kdir:
        spec = Path(kdir) / "audit-python"
        spec.mkdir()
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "audit (current interpreter)", "language": "python"}))
        ksm = KernelSpecManager(kernel_dirs=[kdir])
        km = KernelManager(kernel_name="audit-python", kernel_spec_manager=ksm)
        client = NotebookClient(nb, km=km, timeout=timeout, kernel_name="audit-python",
                                resources={"metadata": {"path": str(path.parent.resolve())}})
        client.execute(env={**os.environ, **(env or {})})  # the kernel's environment
    if save:
        nbformat.write(nb, str(save))
    return nb


def notebook_html_outputs(nb, marker: str) -> list[str]:
    """text/html outputs of the cells whose source contains ``marker`` (for screenshots)."""
    found = []
    for cell in nb.cells:
        if cell.cell_type == "code" and marker in cell.source:
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                if "text/html" in data:
                    found.append(data["text/html"])
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.tools.audit",
                                     description="Execute the audit notebook headless.")
    parser.add_argument("--execute", default="notebooks/audit.ipynb", metavar="NOTEBOOK")
    parser.add_argument("--save", metavar="PATH", help="write the executed notebook here")
    parser.add_argument("--snapshot", metavar="HTML",
                        help="write the highlighted-document output as a standalone HTML page")
    args = parser.parse_args(argv)
    nb = execute_notebook(args.execute, save=args.save)
    if args.snapshot:
        parts = notebook_html_outputs(nb, "render_document(")
        Path(args.snapshot).write_text(
            "<!doctype html><meta charset='utf-8'><body style='margin:16px;background:#fff;"
            "font-family:system-ui,sans-serif'>"
            + "".join(parts) + "</body>", encoding="utf-8")
    print(f"executed {args.execute}" + (f" -> {args.save}" if args.save else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
