"""Score extracted facts against gold by SCHEMA.md's rules, per type and micro-averaged.

Facts compare per document as *sets of keys* (:func:`pipeline.records.fact_key`);
a key stated twice counts once. The report of ``make eval`` (which trains
models for its cross-set figures) is :mod:`pipeline.tools.report`, above this
module and :mod:`pipeline.tools.train`, so neither imports the other's caller.
"""
from __future__ import annotations

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
    pred, gold = list(pred), list(gold)
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
    index = {k: sum(c[k] for t, c in counts.items() if t != "percentage") for k in ("tp", "fp", "fn")}
    return {"per_type": rows, "micro": _prf(**total), "index_facts": _prf(**index),
            "fields": field_accuracy(pred, gold, docs)}


#: SCHEMA.md: "for matched facts the accuracy of rank_total, base_year, qualifier and province
#: (percentages)": which fact types each field is read on.
MATCHED_FIELDS = {"rank_total": ("rank",), "base_year": ("rank_change", "score_change"),
                  "qualifier": ("percentage",), "province": ("percentage",)}


def field_accuracy(pred: Iterable[dict], gold: Iterable[dict], doc_ids: Iterable | None = None) -> dict[str, dict]:
    """For facts whose key matches, how often a field outside the key is right too.

    A key stated by several facts (a percentage twice) is right when any stated value is among
    the gold's. Provinces compare as the key does (:func:`pipeline.records.fact_key`'s names).

    >>> g = [{"doc_id": "d", "type": "percentage", "value": 80.0, "modality": "actual", "province": "Việt Nam"}]
    >>> p = [{"doc_id": "d", "type": "percentage", "value": 80.0, "modality": "actual", "province": "Quảng Ninh"}]
    >>> field_accuracy(p, g)["province"]
    {'right': 0, 'n': 1, 'accuracy': 0.0}
    """
    from pipeline.records import _prov

    p, g = _grouped(pred), _grouped(gold)
    docs = set(doc_ids) if doc_ids is not None else set(g)
    out: dict[str, dict] = {}
    for field, types in MATCHED_FIELDS.items():
        norm = _prov if field == "province" else (lambda v: v)
        right = n = 0
        for d in docs:
            for k, gs in g.get(d, {}).items():
                if k[0] in types and k in p.get(d, {}):
                    n += 1
                    right += bool({norm(x.get(field)) for x in gs} & {norm(x.get(field)) for x in p[d][k]})
        out[field] = {"right": right, "n": n, "accuracy": round(right / n, 4) if n else None}
    return out


def _grouped(facts: Iterable[dict]) -> dict:
    out: dict = defaultdict(lambda: defaultdict(list))
    for f in facts:
        out[doc_key(f)][fact_key(f)].append(f)
    return out


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
    text = f"{title}\n{result_table(result).to_string(float_format=lambda x: f'{x:.3f}')}"
    if "index_facts" in result:
        i = result["index_facts"]
        text += (f"\nindex facts (all but percentages): P {i['precision']:.3f} R {i['recall']:.3f} "
                 f"F1 {i['f1']:.3f}")
    if "fields" in result:
        text += "\nmatched facts, field right: " + "; ".join(
            f"{k} {v['right']}/{v['n']}" + (f" = {v['accuracy']:.3f}" if v["n"] else "")
            for k, v in result["fields"].items())
    return text


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
