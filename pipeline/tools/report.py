"""``make eval``: how good the extraction is, on text it was and was not built from.

Figures, printed and written to ``outputs/eval.json``:

* every gold folder scored with the shipped pipeline (rules + shipped classifier),
  marked ``seen_in_training`` when the shipped model was trained on it: a seen
  folder's figure is optimistic, an unseen one (``dev2``) is the honest one;
* the cross-set figure (``--cross A B``): a classifier trained on A (+ the other
  gold folders, i.e. the seeds) and scored on B, and the reverse, beside the
  rules alone on each, with the gap between the two sets;
* the document-grouped cross-validation over the training gold (rules-only vs
  rules + classifier);
* calibration: reliability tables (bins of confidence: count, mean confidence,
  accuracy) and the expected calibration error, before (raw probability) and
  after (calibrated ``confidence``) the map, on every unseen folder and on the
  out-of-fold predictions of the training gold. Out of fold, the "after" figure
  is cross-fitted: each fold's predictions go through a map fitted on the other
  folds only, so no figure scores a map on the data it was fitted on.

This module sits above :mod:`pipeline.tools.evaluate` (scoring) and
:mod:`pipeline.tools.train` (fitting): it needs both, and neither needs it.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from pipeline.batch.write import AtomicFile
from pipeline.core.classify import DEFAULT_THRESHOLD, CandidateModel, ModelDecider, default_decider
from pipeline.core.extract import extract_document
from pipeline.records import fact_key
from pipeline.tools.calibration import calibration_report, format_reliability
from pipeline.tools.evaluate import doc_key, format_table, gold_documents, load_gold, score
from pipeline.tools.train import (Row, ablation as run_ablation, calibrate, choices, fit, folder_tags, gold_rows,
                                  out_of_fold, predict, rules_facts)


def run_eval(folders: list[str], out_dir: str | Path, *, ablation: bool = True,
             cross: list[str] | None = None) -> dict[str, Any]:
    """Score every gold folder, then the cross-set figure (``cross``: two of ``folders``), the
    cross-validation and the calibration over the training gold; print; write ``out_dir/eval.json``."""
    folders = [str(f) for f in folders]
    if cross is not None:
        missing = [c for c in cross if str(c) not in folders]
        if len(cross) != 2 or missing:
            raise ValueError(f"--cross needs two of the --gold folders (got {cross}; not in --gold: {missing})")
    report: dict[str, Any] = {}
    t0 = time.perf_counter()
    decider = default_decider()
    model = decider.model if decider.wants_alternatives else None
    seen: set[str] = set()
    if model is not None:
        report["model_load_seconds"] = round(time.perf_counter() - t0, 4)
        trained = model.meta.get("trained_on", {})
        seen = set(trained.get("folders") or ())
        report["model"] = {"trained_on": trained.get("folders"), "documents": trained.get("documents"),
                           "calibrated": model.calibration is not None, "threshold": decider.threshold}
        print(f"model: {len(model.weights)} weights, loaded in {report['model_load_seconds'] * 1000:.1f} ms "
              f"(trained on {', '.join(trained.get('folders') or ())}: {trained.get('documents')} documents; "
              f"{'calibrated' if model.calibration is not None else 'NOT calibrated'}); "
              f"threshold {decider.threshold} on the raw probability\n")
    label = "rules + shipped classifier" if model is not None else "rules only"
    unseen: list[tuple[str, dict, dict]] = []
    for folder in folders:
        name = Path(folder).name
        result, raw, right = _score_folder(folder, decider, model)
        entry = {"decider": label, "seen_in_training": name in seen, **result}
        if model is not None and name not in seen:
            before = calibration_report(raw, right)
            after = calibration_report([model.confidence(p) for p in raw], right)
            entry["calibration"] = {"raw_probability": before, "confidence": after}
            unseen.append((folder, before, after))
        report[name] = entry
        seen_note = ", seen in training" if name in seen else (", never seen by the model" if model else "")
        print(format_table(result, f"== {folder} ({label}{seen_note}) =="))
        print()

    need_rows = ablation or cross is not None
    rows, gold, doc_ids = gold_rows(folders) if need_rows else ([], [], [])
    tags = dict(zip(folders, folder_tags(folders)))
    if cross is not None:
        report["cross_set"] = cross_set(rows, gold, doc_ids, [tags[f] for f in folders], tags[cross[0]], tags[cross[1]],
                                        threshold=getattr(decider, "threshold", DEFAULT_THRESHOLD))
        print(format_cross(report["cross_set"]))
        print()
    if model is not None and len(folders) > 1:
        names = [Path(f).name for f in folders]
        report["gap"] = _gap(report, names, seen)
        if report["gap"]:
            g = report["gap"]
            print(f"shipped model, micro-F1 on a set it was trained on ({g['seen']}) vs one it never saw "
                  f"({g['unseen']}): {g['seen_f1']:.3f} - {g['unseen_f1']:.3f} = gap {g['gap']:+.3f}\n")

    train_tags = {tags[f] for f in folders if Path(f).name in seen} or set(tags.values())
    if ablation and len({d for d in doc_ids if d[0] in train_tags}) >= 2:
        t_rows = [r for r in rows if r.folder in train_tags]
        t_gold = [g for g in gold if g["_folder"] in train_tags]
        t_docs = [d for d in doc_ids if d[0] in train_tags]
        oof = out_of_fold(t_rows, t_gold, t_docs)
        report["ablation"] = run_ablation(t_rows, t_gold, t_docs, oof=oof)
        report["ablation"]["folders"] = sorted(train_tags)
        print_ablation(report["ablation"])
        print()
        if model is not None:
            threshold = decider.threshold
            kept = [o for o in oof if o.probability >= threshold]
            cross_fitted = _cross_fitted(oof)
            before = calibration_report([o.probability for o in kept], [o.right for o in kept])
            after = calibration_report([cross_fitted.get(id(o), o.probability) for o in kept], [o.right for o in kept])
            report["calibration_out_of_fold"] = {"folders": sorted(train_tags), "raw_probability": before,
                                                 "confidence_cross_fitted": after}
            print(format_reliability(before, after, f"== calibration, out-of-fold on {' + '.join(sorted(train_tags))} "
                                                    f"(raw probability | cross-fitted calibrated confidence) =="))
            print()
    for folder, before, after in unseen:
        print(format_reliability(before, after, f"== calibration on {folder}, never seen by the model "
                                                f"(raw probability | shipped confidence) =="))
        print()
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    with AtomicFile(Path(out_dir) / "eval.json") as fh:
        fh._fh.write(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        fh.commit()
    return report


def _score_folder(folder: str, decider, model: CandidateModel | None) -> tuple[dict, list[float], list[int]]:
    """Score the folder; with a model, also each fact's raw probability and whether it is right.

    The facts are decided by the model's uncalibrated twin: the threshold is on the raw
    probability, so it keeps exactly the shipped decider's facts, and its ``confidence``
    is the raw probability, which the report maps itself (``model.confidence``).
    """
    decide = ModelDecider(CandidateModel(model.weights, model.intercept, model.meta), decider.threshold) \
        if model is not None else decider
    _, gold = load_gold(folder)
    gold_keys: dict[str, set] = {}
    for g in gold:
        gold_keys.setdefault(g["doc_id"], set()).add(fact_key(g))
    pred: list[dict] = []
    ids: list[str] = []
    raw: list[float] = []
    right: list[int] = []
    for doc in gold_documents(folder):
        ids.append(doc.doc_id)
        for f in extract_document(doc, decide=decide):
            rec = f.to_json()
            pred.append(rec)
            raw.append(float(f.confidence))
            right.append(int(fact_key(rec) in gold_keys.get(doc.doc_id, ())))
    return score(pred, gold, ids), raw, right


def cross_set(rows: list[Row], gold: list[dict], doc_ids: list[tuple[str, str]], tags: list[str],
              a: str, b: str, threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """Train on ``a`` (+ every folder but ``a`` and ``b``), score on ``b``; and the reverse; rules-only beside.

    Each side also fits its own calibration map (out of fold, on its training folders) and
    reports the ECE of the other set's facts before and after it: a second unseen-text check.
    """
    base = [t for t in tags if t not in (a, b)]
    out: dict[str, Any] = {}
    for train_on, test_on in ((a, b), (b, a)):
        train_set = set(base) | {train_on}
        train_rows = [r for r in rows if r.folder in train_set]
        model = fit(train_rows)
        test_rows = [r for r in rows if r.folder == test_on]
        test_gold = [g for g in gold if g["_folder"] == test_on]
        test_docs = [d for d in doc_ids if d[0] == test_on]
        out[f"scored_on_{test_on}"] = {
            "trained_on": sorted(train_set), "scored_on": test_on, "documents": len(test_docs),
            "rules_only": score(rules_facts(test_rows), test_gold, test_docs),
            "rules_plus_classifier": score(predict(model, test_rows), test_gold, test_docs)}
        # the calibration as `make train` would fit it on the training side, judged on the other set
        cal = calibrate(out_of_fold(train_rows, [g for g in gold if g["_folder"] in train_set],
                                    [d for d in doc_ids if d[0] in train_set]))
        keys: dict[tuple, set] = {}
        for g in test_gold:
            keys.setdefault(doc_key(g), set()).add(fact_key(g))
        kept = [(p, int(fact_key(r.fact) in keys.get(r.doc, ()))) for p, r in choices(model, test_rows) if p >= threshold]
        out[f"scored_on_{test_on}"]["calibration"] = {
            "raw_probability": calibration_report([p for p, _ in kept], [y for _, y in kept]),
            "confidence": calibration_report([cal(p) for p, _ in kept], [y for _, y in kept])}
    fa, fb = (out[f"scored_on_{t}"]["rules_plus_classifier"]["micro"]["f1"] for t in (a, b))
    ra, rb = (out[f"scored_on_{t}"]["rules_only"]["micro"]["f1"] for t in (a, b))
    out["gap"] = {"sets": [a, b], "classifier_f1": [fa, fb], "classifier_gap": round(fa - fb, 4),
                  "rules_only_f1": [ra, rb], "rules_only_gap": round(ra - rb, 4)}
    return out


def format_cross(cross: dict[str, Any]) -> str:
    lines = ["== cross-set: classifier trained without the set it is scored on ==",
             f"{'scored on':<10} {'trained on':<22} | {'rules only: P':>13} {'R':>6} {'F1':>6} | "
             f"{'rules + classifier: P':>21} {'R':>6} {'F1':>6}"]
    for key, entry in cross.items():
        if key == "gap":
            continue
        r, c = entry["rules_only"]["micro"], entry["rules_plus_classifier"]["micro"]
        cal = entry["calibration"]
        lines.append(f"{entry['scored_on']:<10} {' + '.join(entry['trained_on']):<22} | {r['precision']:>13.3f} "
                     f"{r['recall']:>6.3f} {r['f1']:>6.3f} | {c['precision']:>21.3f} {c['recall']:>6.3f} {c['f1']:>6.3f}"
                     f" | ECE raw {cal['raw_probability']['ece']:.4f} -> calibrated {cal['confidence']['ece']:.4f}")
    g = cross["gap"]
    lines.append(f"gap in micro-F1 ({g['sets'][0]} - {g['sets'][1]}): rules + classifier {g['classifier_gap']:+.3f}, "
                 f"rules only {g['rules_only_gap']:+.3f}")
    return "\n".join(lines)


def _gap(report: dict[str, Any], names: list[str], seen: set[str]) -> dict[str, Any]:
    """Shipped model: the largest seen development set vs the largest unseen one (``dev`` vs ``dev2``)."""
    def size(n):
        m = report[n]["micro"]
        return m["tp"] + m["fn"]
    s = [n for n in names if n in seen]
    u = [n for n in names if n not in seen]
    if not s or not u:
        return {}
    a, b = max(s, key=size), max(u, key=size)
    fa, fb = report[a]["micro"]["f1"], report[b]["micro"]["f1"]
    return {"seen": a, "unseen": b, "seen_f1": fa, "unseen_f1": fb, "gap": round(fa - fb, 4)}


def _cross_fitted(oof) -> dict[int, float]:
    """Each out-of-fold prediction's confidence by a map fitted on the other folds' predictions."""
    out: dict[int, float] = {}
    for k in sorted({o.fold for o in oof}):
        others = [o for o in oof if o.fold != k]
        if not others:
            continue
        cal = calibrate(others)
        for o in oof:
            if o.fold == k:
                out[id(o)] = cal(o.probability)
    return out


def print_ablation(result: dict[str, Any]) -> None:
    folders = " + ".join(result.get("folders", ()))
    print(format_table(result["rules_only"], f"== rules only ({folders}: {result['documents']} documents) =="))
    print()
    print(format_table(result["rules_plus_classifier"],
                       f"== rules + classifier ({result['folds']}-fold document-grouped CV) =="))
    a, b = result["rules_only"]["micro"], result["rules_plus_classifier"]["micro"]
    print(f"\nmicro-F1 {a['f1']:.3f} -> {b['f1']:.3f} ({b['f1'] - a['f1']:+.3f}); "
          f"precision {a['precision']:.3f} -> {b['precision']:.3f}")
