"""Score extracted facts against gold by SCHEMA.md's rules, per type and micro-averaged.

Facts compare per document as *sets of keys* (:func:`pipeline.records.fact_key`);
a key stated twice counts once. The report of ``make eval`` (which trains
models for its cross-set figures) is :mod:`pipeline.tools.report`, above this
module and :mod:`pipeline.tools.train`, so neither imports the other's caller.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

from pipeline.records import FACT_TYPES, fact_key


def doc_key(fact: dict):
    """Which document a fact belongs to: ``doc_id``, or ``(folder, doc_id)`` for facts tagged
    ``_folder`` (training rows and gold read from several folders, where ids may repeat)."""
    return (fact["_folder"], fact["doc_id"]) if "_folder" in fact else fact["doc_id"]


def keys_by_doc(facts: Iterable[dict]) -> dict:
    out: dict = defaultdict(set)
    for f in facts:
        out[doc_key(f)].add(fact_key(f))
    return out


def score(pred: Iterable[dict], gold: Iterable[dict], doc_ids: Iterable | None = None) -> dict[str, Any]:
    """Per-type and micro precision/recall/F1 over the documents in ``doc_ids`` (default: gold's).

    Documents are named as :func:`doc_key` names them (``doc_id``, or ``(folder, doc_id)``).
    """
    p, g = keys_by_doc(pred), keys_by_doc(gold)
    docs = set(doc_ids) if doc_ids is not None else set(g)
    counts = {t: {"tp": 0, "fp": 0, "fn": 0} for t in FACT_TYPES}
    for d in docs:
        pk, gk = p.get(d, set()), g.get(d, set())
        for k in pk & gk:
            counts[k[0]]["tp"] += 1
        for k in pk - gk:
            counts[k[0]]["fp"] += 1
        for k in gk - pk:
            counts[k[0]]["fn"] += 1
    rows = {t: _prf(**c) for t, c in counts.items()}
    total = {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")}
    return {"per_type": rows, "micro": _prf(**total)}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4)}


def load_gold(folder: str | Path) -> tuple[list[dict], list[dict]]:
    """(documents, gold facts) of a gold folder: texts/, docs.jsonl, gold.jsonl."""
    import jsonlines

    folder = Path(folder)
    with jsonlines.open(folder / "docs.jsonl") as docs_r, jsonlines.open(folder / "gold.jsonl") as gold_r:
        return list(docs_r.iter(skip_empty=True)), list(gold_r.iter(skip_empty=True))


def gold_documents(folder: str | Path):
    """The gold folder's texts as pipeline Documents (with title/date from docs.jsonl)."""
    from pipeline.core.normalize import normalize_text
    from pipeline.records import Document

    folder = Path(folder)
    docs, _ = load_gold(folder)
    for d in docs:
        raw = (folder / "texts" / f"{d['doc_id']}.txt").read_text("utf-8")
        yield Document(d["doc_id"], normalize_text(raw), str(folder / "texts" / f"{d['doc_id']}.txt"),
                       {k: d.get(k) for k in ("url", "title", "date")})


def result_table(result: dict[str, Any]):
    """Per-type and micro figures as a pandas DataFrame (rows: types, then ``micro``)."""
    import pandas as pd

    rows = {**result["per_type"], "micro": result["micro"]}
    df = pd.DataFrame.from_dict(rows, orient="index")[["precision", "recall", "f1", "tp", "fp", "fn"]]
    df.index.name = "type"
    return df.rename(columns={"precision": "P", "recall": "R", "f1": "F1"})


def format_table(result: dict[str, Any], title: str) -> str:
    return f"{title}\n{result_table(result).to_string(float_format=lambda x: f'{x:.3f}')}"


def evaluate_folder(folder: str | Path, decide=None) -> tuple[dict[str, Any], list[dict]]:
    """Run extraction over a gold folder and score it."""
    from pipeline.core.extract import extract_document

    _, gold = load_gold(folder)
    pred: list[dict] = []
    ids = []
    for doc in gold_documents(folder):
        ids.append(doc.doc_id)
        pred.extend(f.to_json() for f in extract_document(doc, decide=decide))
    return score(pred, gold, ids), pred
