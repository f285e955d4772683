"""The candidate classifier: real decisions on real sentences, safe loading, deterministic training."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.classify import MODEL_PATH, CandidateModel, ModelDecider, ModelError, explain
from pipeline.extract import candidates
from pipeline.records import Document

ROOT = Path(__file__).resolve().parents[2]
TWO_INDICES = ("Năm 2021, Thanh Hóa đã bứt phá mạnh mẽ khi vươn lên xếp thứ 3 cả nước về chỉ số PAPI (tăng 21 bậc "
               "so với năm 2020) và thứ 14 cả nước về chỉ số PAR INDEX (tăng 15 bậc so với năm 2020).")


def _groups(text):
    pairs = candidates(Document("t", text, "<test>", {}), alternatives=True)
    groups = {}
    for cand, sent in pairs:
        groups.setdefault((sent.start, cand.group), []).append(cand)
    return list(groups.values())


def test_shipped_model_picks_each_number_its_own_index():
    decider = ModelDecider(CandidateModel.load())
    kept = [c for g in _groups(TWO_INDICES) for c, _ in decider(g)]
    got = {(c.type, c.fields["index"], c.fields.get("rank") or c.fields.get("delta")) for c in kept}
    assert got == {("rank", "PAPI", 3), ("rank_change", "PAPI", 21), ("rank", "PAR_INDEX", 14), ("rank_change", "PAR_INDEX", 15)}
    # the alternatives were there to be rejected: the PAR INDEX rank was also proposed as PAPI
    assert any(c.fields.get("rank") == 14 and c.fields["index"] == "PAPI" for g in _groups(TWO_INDICES) for c in g)


def test_confidence_is_the_probability_and_explainable():
    model = CandidateModel.load()
    group = next(g for g in _groups(TWO_INDICES) if g[0].type == "rank")
    rows = explain(group, model)
    best = max(rows, key=lambda r: r["probability"])
    assert 0.5 <= best["probability"] <= 1.0 and best["rule_choice"]
    assert best["top_features"] and all(isinstance(name, str) for name, _ in best["top_features"])
    assert min(r["probability"] for r in rows) < 0.5


def test_tampered_model_is_refused(tmp_path):
    doc = json.loads(MODEL_PATH.read_text("utf-8"))
    name = next(iter(doc["weights"]))
    doc["weights"][name] += 1.0
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(ModelError, match="hash mismatch"):
        CandidateModel.load(bad)


def test_corrupted_model_is_refused_by_the_cli(tmp_path):
    bad = tmp_path / "corrupt.json"
    bad.write_bytes(MODEL_PATH.read_bytes()[:500])
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(ROOT / "corpus/seeds/texts"),
                           "--out", str(out), "--model", str(bad), "--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert "corrupt.json" in proc.stderr and "corrupted" in proc.stderr
    assert not (out / "facts.jsonl").exists()


def test_training_is_deterministic(tmp_path):
    from pipeline.train import train

    a = train([str(ROOT / "corpus/seeds")], tmp_path / "a.json")
    train([str(ROOT / "corpus/seeds")], tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert a.meta["trained_on"]["documents"] == 5 and a.meta["trained_on"]["positives"] > 40
