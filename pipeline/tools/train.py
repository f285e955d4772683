"""Train the candidate classifier from gold, and measure it against the rules alone.

``python -m pipeline train`` (``make train``) reads the gold folders (the
bundled seeds, ``../shared/corpus/dev``, any other folder in the same layout)
and, optionally, review decisions (``--decisions``, from ``make review``),
builds every candidate pairing with its features, labels it by whether its
scoring key is in the gold, fits a logistic regression (fixed solver, no
randomness: the same data gives the same file), fits the calibration map of
``confidence`` on out-of-fold predictions (:func:`out_of_fold`, then
:func:`pipeline.tools.calibration.fit_isotonic`) and writes
``pipeline/models/candidate_model.json`` (shipped as package data) stamped with the hash of its training data
and the package versions.

:func:`out_of_fold` runs document-grouped cross-validation (no document in both
train and test): every value's chosen pairing gets its probability from a model
that never saw its document. :func:`ablation` scores rules-only against
rules+classifier on those predictions; the calibration map is fitted on them.

Documents are keyed by ``(folder, doc_id)`` (:attr:`Row.doc`): two gold folders
may both hold an ``a_002``, and their gold must never be joined.
"""
from __future__ import annotations

import hashlib
import json
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from pipeline.core.classify import DEFAULT_THRESHOLD, MODEL_PATH, CandidateModel, rule_confidence
from pipeline.records import fact_key
from pipeline.tools.calibration import fit_isotonic
from pipeline.tools.evaluate import doc_key, gold_documents, load_gold, score
from pipeline.core.extract import candidates
from pipeline.core.features import candidate_features

#: Regularisation of the logistic regression (inverse strength). Gold is small (51 documents, ~15
#: rule errors): a weaker prior on the weights lets single documents' quirks decide (C >= 1 loses to
#: the rules in cross-validation); 0.25 was the best of {0.1, 0.25, 0.5, 1, 2} over the default and
#: eight shuffled document-grouped 5-fold splits (README: "Classifier").
C = 0.25
#: Folds of the document-grouped cross-validation (ablation and the calibration's out-of-fold predictions).
FOLDS = 5


@dataclass
class Row:
    doc_id: str
    group: tuple
    rule_choice: bool
    features: dict[str, float]
    label: int | None
    fact: dict[str, Any]
    sentence: str = ""
    folder: str = ""

    @property
    def doc(self) -> tuple[str, str]:
        """The document's identity across gold folders: (folder, doc_id)."""
        return (self.folder, self.doc_id)


def document_rows(doc, gold_keys: set | None, labels: dict | None = None,
                  gold_spans: dict | None = None, folder: str = "") -> list[Row]:
    """Every candidate pairing of ``doc`` with features and its label (None when unknown).

    A rule pairing is labelled by whether its key is in the gold. An alternative
    pairing (the rules chose otherwise, or dropped the value) is a positive example
    only when the gold states that fact in this very sentence (``gold_spans``:
    key -> evidence offsets) and it is not merely the fact of a sibling value of the
    sentence; a key the gold states only elsewhere says nothing about this value,
    so such an alternative is left unlabelled (not trained on).
    ``folder`` (the gold folder) tags the rows and their facts (``_folder``) so
    scoring keys them by (folder, doc_id).
    """
    rows: list[Row] = []
    pairs = candidates(doc, alternatives=True)
    rule_of: dict[tuple, Any] = {}
    sibling_keys: dict[int, dict[tuple, set]] = {}
    for cand, sent in pairs:
        if cand.rule_choice:
            rule_of[(sent.start, cand.group)] = cand
            key = fact_key({"type": cand.type, **cand.fields})
            sibling_keys.setdefault(sent.start, {}).setdefault(key, set()).add(cand.group)
    for cand, sent in pairs:
        if cand.rule == "table_row":
            continue  # table rows are read by the structure reader, never decided by the classifier
        fact = {"doc_id": doc.doc_id, "type": cand.type, **cand.fields, **({"_folder": folder} if folder else {})}
        key = fact_key(fact)
        if labels is not None:
            label = labels.get(key)
        else:
            label = int(key in gold_keys)
            if label and not cand.rule_choice:
                if sibling_keys.get(sent.start, {}).get(key, set()) - {cand.group}:
                    label = None  # another value of the sentence is this fact: no lesson for this value
                elif gold_spans is not None and not any(a < sent.end and b > sent.start for a, b in gold_spans.get(key, ())):
                    label = None  # the gold states it elsewhere: this value may or may not
        feats = candidate_features(cand, rule_of.get((sent.start, cand.group)))
        rows.append(Row(doc.doc_id, (sent.start, cand.group), cand.rule_choice, feats, label,
                        {**fact, "_confidence": rule_confidence(cand)}, sent.text, folder))
    return rows


def folder_tags(folders: Iterable[str | Path]) -> list[str]:
    """How each gold folder is named in document keys: its name ("dev", "dev2"), or its full
    path when two folders share a name. Not the path as typed: the folds, hence the model file,
    must not depend on whether a folder was given as ``../shared/corpus/dev`` or absolute."""
    folders = list(folders)
    names = [Path(f).name for f in folders]
    return [n if names.count(n) == 1 else str(Path(f).resolve()) for f, n in zip(folders, names)]


def gold_rows(folders: Iterable[str | Path]) -> tuple[list[Row], list[dict], list[tuple[str, str]]]:
    """Rows of every gold document, the gold facts and the documents, all keyed by (folder, doc_id).

    The gold facts are copies tagged ``_folder`` (:func:`folder_tags`), like the rows' facts.
    """
    folders = list(folders)
    rows: list[Row] = []
    gold_all: list[dict] = []
    doc_ids: list[tuple[str, str]] = []
    for folder, tag in zip(folders, folder_tags(folders)):
        _, gold = load_gold(folder)
        gold_all.extend({**g, "_folder": tag} for g in gold)
        keys: dict[str, set] = {}
        spans: dict[str, dict] = {}
        for g in gold:
            keys.setdefault(g["doc_id"], set()).add(fact_key(g))
            if g.get("char_start") is not None:
                spans.setdefault(g["doc_id"], {}).setdefault(fact_key(g), []).append((g["char_start"], g["char_end"]))
        for doc in gold_documents(folder):
            doc_ids.append((tag, doc.doc_id))
            rows.extend(document_rows(doc, keys.get(doc.doc_id, set()), gold_spans=spans.get(doc.doc_id, {}),
                                      folder=tag))
    return rows, gold_all, doc_ids


def decision_rows(path: str | Path) -> list[Row]:
    """Rows labelled by a reviewer's decisions (``make review`` download)."""
    from pipeline.batch.ingest import iter_inputs
    from pipeline.records import Document
    from pipeline.tools.review import load_decisions

    decisions = load_decisions(path)
    labels: dict[str, dict] = {}
    for d in decisions:
        fact = {k: v for k, v in d.items() if k not in ("decision", "corrected", "corrected_fields")}
        key = fact_key(fact)
        labels.setdefault(d["doc_id"], {})[key] = int(d["decision"] == "correct")
        if d["decision"] == "wrong" and d.get("corrected_fields"):
            labels[d["doc_id"]][fact_key({**fact, **d["corrected_fields"]})] = 1  # the reviewer's correction
        elif d["decision"] == "wrong" and d.get("corrected") is not None and d["type"] != "rank_target":
            field = {"rank": "rank", "score": "score", "percentage": "value"}.get(d["type"], "delta")
            labels[d["doc_id"]][fact_key({**fact, field: d["corrected"]})] = 1
    docs_file = Path(path).with_name("documents.jsonl")
    sources = {}
    if docs_file.exists():
        for line in docs_file.read_text("utf-8").splitlines():
            rec = json.loads(line)
            sources[rec["doc_id"]] = rec["source"]
    rows: list[Row] = []
    for doc_id, doc_labels in sorted(labels.items()):
        src = sources.get(doc_id)
        if not src:
            print(f"decisions: no source for document {doc_id!r} in {docs_file}; skipped", file=sys.stderr)
            continue
        path_part = src.rsplit(":", 1)[0] if not Path(src).exists() else src
        for item in iter_inputs([path_part]):
            if isinstance(item, Document) and item.doc_id == doc_id:
                rows.extend(r for r in document_rows(item, None, doc_labels) if r.label is not None)
    return rows


def fit(rows: list[Row]) -> CandidateModel:
    """Logistic regression on the labelled rows; deterministic (lbfgs, no shuffling)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    labelled = [r for r in rows if r.label is not None]
    vec = DictVectorizer(sort=True)
    X = vec.fit_transform([r.features for r in labelled])
    y = [r.label for r in labelled]
    clf = LogisticRegression(C=C, solver="lbfgs", max_iter=5000)
    clf.fit(X, y)
    names = vec.get_feature_names_out()
    weights = {str(n): round(float(w), 8) for n, w in zip(names, clf.coef_[0]) if abs(w) > 1e-9}
    return CandidateModel(weights, round(float(clf.intercept_[0]), 8), {})


def choices(model: CandidateModel, rows: list[Row]) -> list[tuple[float, Row]]:
    """Per group (one value), the most probable pairing and its raw probability, in row order."""
    best: dict[tuple, tuple[float, Row]] = {}
    for r in rows:
        g = (r.folder, r.doc_id, r.group)
        p = model.probability(r.features)
        if g not in best or p > best[g][0]:
            best[g] = (p, r)
    return list(best.values())


def predict(model: CandidateModel, rows: list[Row], threshold: float = DEFAULT_THRESHOLD) -> list[dict]:
    """The facts the model keeps: per group, the most probable pairing at or above the threshold."""
    return [r.fact for p, r in choices(model, rows) if p >= threshold]


def rules_facts(rows: list[Row]) -> list[dict]:
    return [r.fact for r in rows if r.rule_choice]


@dataclass
class OutOfFold:
    """One value's chosen pairing, scored by the model of the fold that never saw its document."""
    probability: float
    row: Row
    fold: int
    right: int  # its fact key is in the document's gold


def out_of_fold(rows: list[Row], gold: list[dict], doc_ids: Iterable[tuple[str, str]],
                folds: int = FOLDS) -> list[OutOfFold]:
    """Document-grouped cross-validation: every group's choice by a model not trained on its document.

    GroupKFold without shuffling over the sorted documents: the same data gives the same folds.
    """
    from sklearn.model_selection import GroupKFold

    docs = sorted(set(doc_ids))
    gold_keys: dict[tuple, set] = {}
    for g in gold:
        gold_keys.setdefault(doc_key(g), set()).add(fact_key(g))
    out: list[OutOfFold] = []
    splits = GroupKFold(n_splits=min(folds, len(docs))).split(docs, groups=list(range(len(docs))))
    for k, (train_idx, test_idx) in enumerate(splits):
        train_docs = {docs[i] for i in train_idx}
        test_docs = {docs[i] for i in test_idx}
        model = fit([r for r in rows if r.doc in train_docs])
        for p, r in choices(model, [r for r in rows if r.doc in test_docs]):
            out.append(OutOfFold(p, r, k, int(fact_key(r.fact) in gold_keys.get(r.doc, ()))))
    return out


def ablation(rows: list[Row], gold: list[dict], doc_ids: list[tuple[str, str]], folds: int = FOLDS,
             oof: list[OutOfFold] | None = None) -> dict[str, Any]:
    """Rules-only vs rules+classifier by document-grouped cross-validation (``oof``: reuse these predictions)."""
    docs = sorted(set(doc_ids))
    oof = out_of_fold(rows, gold, docs, folds) if oof is None else oof
    predicted = [o.row.fact for o in oof if o.probability >= DEFAULT_THRESHOLD]
    return {"rules_only": score(rules_facts(rows), gold, docs),
            "rules_plus_classifier": score(predicted, gold, docs),
            "folds": min(folds, len(docs)), "documents": len(docs)}


def calibrate(oof: list[OutOfFold]):
    """The calibration map of ``confidence``: isotonic fit of out-of-fold probability vs being right."""
    return fit_isotonic([o.probability for o in oof], [o.right for o in oof])


def _data_hash(folders: list[str], decisions: str | None) -> str:
    h = hashlib.sha256()
    for folder in sorted(folders):
        for name in ("docs.jsonl", "gold.jsonl"):
            h.update((Path(folder) / name).read_bytes())
        for p in sorted((Path(folder) / "texts").glob("*.txt")):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    if decisions:
        h.update(Path(decisions).read_bytes())
    return h.hexdigest()


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    out = {"python": platform.python_version()}
    for pkg in ("scikit-learn", "underthesea", "spacy", "regex"):
        out[pkg] = version(pkg)
    return out


def train(folders: list[str], out: str | Path = MODEL_PATH, decisions: str | None = None,
          calibration: bool = True) -> CandidateModel:
    """Fit the model on every row, its calibration on the gold folders' out-of-fold predictions; write the file.

    Review decisions label only the facts a reviewer looked at, not every fact of a document,
    so they train the weights but not the calibration (which needs to know every wrong choice).
    ``calibration=False`` writes a format /1 file whose confidence is the raw probability.
    """
    t0 = time.perf_counter()
    rows, gold, doc_ids = gold_rows(folders)
    oof = out_of_fold(rows, gold, doc_ids) if calibration and len(set(doc_ids)) >= 2 else []
    if decisions:
        rows += decision_rows(decisions)
    model = fit(rows)
    if oof:
        model.calibration = calibrate(oof)
    labelled = [r for r in rows if r.label is not None]
    model.meta = {
        "trained_on": {"folders": [Path(f).name for f in folders], "decisions": Path(decisions).name if decisions else None,
                       "sha256": _data_hash(folders, decisions), "documents": len(set(doc_ids)),
                       "candidates": len(labelled), "positives": sum(r.label for r in labelled)},
        "versions": _versions(),
        "regularisation_C": C,
        "default_threshold": DEFAULT_THRESHOLD,
        "threshold_applies_to": "raw probability (confidence is the calibrated value)",
    }
    if oof:
        model.meta["calibration_fit"] = {
            "method": "isotonic regression of out-of-fold probability vs fact key in the gold",
            "folds": len({o.fold for o in oof}), "documents": len(set(doc_ids)),
            "predictions": len(oof), "right": sum(o.right for o in oof),
            "breakpoints": len(model.calibration.x)}
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(model.to_json(), "utf-8")
    print(f"trained on {len(set(doc_ids))} documents, {len(labelled)} candidates "
          f"({model.meta['trained_on']['positives']} true); "
          f"{f'calibration from {len(oof)} out-of-fold choices' if model.calibration is not None else 'no calibration map'} "
          f"in {time.perf_counter() - t0:.1f} s -> {out}")
    return model
