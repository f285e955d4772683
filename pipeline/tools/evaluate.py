"""Score extracted facts against gold by SCHEMA.md's rules, per type and micro-averaged.

Facts compare per document as *sets of keys* (:func:`pipeline.records.fact_key`);
a key stated twice counts once.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

from pipeline.records import FACT_TYPES, fact_key


def keys_by_doc(facts: Iterable[dict]) -> dict[str, set[tuple]]:
    out: dict[str, set[tuple]] = defaultdict(set)
    for f in facts:
        out[f["doc_id"]].add(fact_key(f))
    return out


def score(pred: Iterable[dict], gold: Iterable[dict], doc_ids: Iterable[str] | None = None) -> dict[str, Any]:
    """Per-type and micro precision/recall/F1 over the documents in ``doc_ids`` (default: gold's)."""
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


def run_eval(folders: list[str], out_dir: str | Path, *, ablation: bool = True) -> dict[str, Any]:
    """Score every gold folder with the shipped pipeline, then (``ablation``) cross-validate
    rules-only against rules+classifier over all of them; print the tables, write ``out_dir/eval.json``."""
    from pipeline.core.classify import default_decider
    from pipeline.batch.write import AtomicFile

    import time

    report: dict[str, Any] = {}
    t0 = time.perf_counter()
    decider = default_decider()
    if decider.wants_alternatives:
        report["model_load_seconds"] = round(time.perf_counter() - t0, 4)
        print(f"model: {len(decider.model.weights)} weights, loaded in {report['model_load_seconds'] * 1000:.1f} ms "
              f"(trained on {decider.model.meta.get('trained_on', {}).get('documents')} documents)\n")
    label = "rules + shipped classifier" if decider.wants_alternatives else "rules only"
    for folder in folders:
        result, _ = evaluate_folder(folder, decide=decider)
        name = Path(folder).name
        report[name] = {"decider": label, **result}
        print(format_table(result, f"== {folder} ({label}) =="))
        print()
    if ablation:
        from pipeline.tools.train import ablation as run_ablation, gold_rows, print_ablation

        rows, gold, doc_ids = gold_rows(folders)
        report["ablation"] = run_ablation(rows, gold, doc_ids)
        print_ablation(report["ablation"])
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    with AtomicFile(Path(out_dir) / "eval.json") as fh:
        fh._fh.write(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        fh.commit()
    return report
