"""Review decisions become training labels (make train DECISIONS=...)."""
import json
from pathlib import Path

from pipeline.batch.run import iter_results, write_results
from pipeline.tools.train import decision_rows

ROOT = Path(__file__).resolve().parents[2]


def test_review_decisions_label_candidates(tmp_path):
    out = tmp_path / "run"
    write_results(iter_results([ROOT / "corpus/seeds/texts/000_1958cf11339f40e9.txt"]), out)
    facts = [json.loads(l) for l in (out / "facts.jsonl").read_text("utf-8").splitlines()]
    sipas = next(f for f in facts if f["type"] == "rank" and f["index"] == "SIPAS")
    pci = next(f for f in facts if f["type"] == "rank" and f["index"] == "PCI")
    decisions = [
        {**sipas, "reviewer": "r1", "decision": "correct", "corrected": None, "corrected_fields": None},
        {**pci, "reviewer": "r1", "decision": "wrong", "corrected": 27, "corrected_fields": {"rank": 27}},
    ]
    path = out / "decisions.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in decisions), "utf-8")
    rows = decision_rows(path)
    labelled = {(r.fact["type"], r.fact["index"], r.fact.get("rank")): r.label for r in rows}
    assert labelled[("rank", "SIPAS", 13)] == 1
    assert labelled[("rank", "PCI", 28)] == 0
    assert all(r.doc_id == "000_1958cf11339f40e9" for r in rows)
