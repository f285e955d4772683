"""The errors of the CV ablation, per document: rules-only vs rules+classifier (development aid).

    .venv/bin/python scripts/ablation_errors.py [GOLD_FOLDER ...] [--only DOC_ID ...] [--explain] [--shuffles N]

Runs the same 5-fold document-grouped cross-validation as ``make eval`` and prints,
per document, the false positives (XTRA) and false negatives (MISS) of each system
with the sentence, marking which errors only one system makes. ``--explain`` also
prints, for every group where the classifier disagrees with the rules, each pairing's
probability and its strongest features (from the fold model that decided it), and
likewise for every group whose rule pairing is wrong. ``--shuffles N`` then repeats the
ablation over N other document-to-fold assignments (seeded shuffles) and prints the margin of
each, so one lucky split is not mistaken for an improvement.
"""
from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from pipeline.records import fact_key
from pipeline.tools.evaluate import doc_key
from pipeline.tools.train import fit, gold_rows, predict, rules_facts

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="*", default=[str(ROOT / "corpus/seeds"), str(ROOT.parent / "shared/corpus/dev")])
    ap.add_argument("--only", nargs="*", default=[])
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--shuffles", type=int, default=0)
    args = ap.parse_args()

    from sklearn.model_selection import GroupKFold

    rows, gold, doc_ids = gold_rows(args.folders)
    docs = sorted(set(doc_ids))  # (folder, doc_id): ids may repeat across gold folders
    model_of: dict[tuple, object] = {}
    predicted: list[dict] = []
    for train_idx, test_idx in GroupKFold(n_splits=args.folds).split(docs, groups=list(range(len(docs)))):
        train_docs = {docs[i] for i in train_idx}
        test_docs = {docs[i] for i in test_idx}
        model = fit([r for r in rows if r.doc in train_docs])
        predicted.extend(predict(model, [r for r in rows if r.doc in test_docs]))
        for d in test_docs:
            model_of[d] = model
    systems = {"rules": rules_facts(rows), "model": predicted}

    g: dict[tuple, dict] = defaultdict(dict)
    for f in gold:
        g[doc_key(f)][fact_key(f)] = f
    p: dict[str, dict[tuple, dict]] = {s: defaultdict(dict) for s in systems}
    for s, facts in systems.items():
        for f in facts:
            p[s][doc_key(f)].setdefault(fact_key(f), f)
    rows_by_doc = defaultdict(list)
    for r in rows:
        rows_by_doc[r.doc].append(r)

    totals = defaultdict(int)
    for d in docs:
        if args.only and d[1] not in args.only:
            continue
        lines = []
        for s in systems:
            for k, f in g[d].items():
                if k not in p[s][d]:
                    totals[f"{s}_fn"] += 1
                    other = "both" if all(k not in p[o][d] for o in systems) else f"{s} only"
                    lines.append(f"  MISS [{other:10}] {k} | {f.get('evidence', '')[:140]}")
            for k, f in p[s][d].items():
                if k not in g[d]:
                    totals[f"{s}_fp"] += 1
                    other = "both" if all(k in p[o][d] for o in systems) else f"{s} only"
                    lines.append(f"  XTRA [{other:10}] {k} | {_sentence(rows_by_doc[d], f)[:140]}")
        # errors made by both systems appear twice above: print once
        seen, uniq = set(), []
        for line in lines:
            if line not in seen:
                seen.add(line)
                uniq.append(line)
        if uniq:
            print(f"===== {d[0]}/{d[1]}")
            print("\n".join(uniq))
        if args.explain:
            _explain(d, rows_by_doc[d], model_of[d])
    print()
    for s in systems:
        print(f"{s:6} fp={totals[f'{s}_fp']} fn={totals[f'{s}_fn']}")
    if args.shuffles:
        _shuffled(rows, gold, docs, args.folds, args.shuffles)


def _shuffled(rows, gold, docs, folds: int, n: int) -> None:
    import random
    import statistics

    from pipeline.tools.evaluate import score

    base = score(rules_facts(rows), gold, docs)["micro"]
    margins = []
    for seed in range(n):
        order = docs[:]
        random.Random(seed).shuffle(order)
        fold_of = {d: i % folds for i, d in enumerate(order)}
        pred: list[dict] = []
        for k in range(folds):
            model = fit([r for r in rows if fold_of[r.doc] != k])
            pred.extend(predict(model, [r for r in rows if fold_of[r.doc] == k]))
        m = score(pred, gold, docs)["micro"]
        margins.append(m["f1"] - base["f1"])
        print(f"shuffle {seed:2}: P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.4f} "
              f"(fp {m['fp']}, fn {m['fn']}); margin {m['f1'] - base['f1']:+.4f}")
    print(f"rules only F1 {base['f1']:.4f}; margin over {n} shuffles: mean {statistics.mean(margins):+.4f}, "
          f"min {min(margins):+.4f}, max {max(margins):+.4f}; "
          f"better {sum(x > 1e-4 for x in margins)}, same {sum(abs(x) <= 1e-4 for x in margins)}, "
          f"worse {sum(x < -1e-4 for x in margins)}")


def _sentence(rows, fact) -> str:
    return next((r.sentence for r in rows if r.fact is fact), "")


def _explain(doc_id, rows, model) -> None:
    groups = defaultdict(list)
    for r in rows:
        groups[r.group].append(r)
    for key, grp in groups.items():
        scored = [(model.probability(r.features), r) for r in grp]
        best = max(scored, key=lambda t: t[0])
        rule = next((r for r in grp if r.rule_choice), None)
        if best[1] is rule and best[0] >= 0.5 and rule.label != 0:
            continue  # the classifier keeps a rule pairing that is right (or unlabelled)
        if rule is None and best[0] < 0.5 and not any(r.label for r in grp):
            continue  # a dropped value, rightly left dropped
        print(f"  -- group {key} ({doc_id})")
        for prob, r in sorted(scored, key=lambda t: -t[0])[:4]:
            top = sorted(((k, model.weights.get(k, 0.0) * v) for k, v in r.features.items() if model.weights.get(k)),
                         key=lambda kv: -abs(kv[1]))[:6]
            mark = "R" if r.rule_choice else " "
            print(f"     {mark} p={prob:.3f} label={r.label} {fact_key(r.fact)}  "
                  + ", ".join(f"{k}={w:+.2f}" for k, w in top))


if __name__ == "__main__":
    main()
