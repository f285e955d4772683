"""The whole extraction on real articles: gold figures, offsets, schema, determinism.

Sentence-level constructions are data: tests/cases/*.jsonl (tests/test_cases.py)."""
import json
from pathlib import Path

import jsonschema
import pytest

from pipeline.tools.evaluate import evaluate_folder
from pipeline.batch.run import iter_results, write_results

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "seeds"
DEV = ROOT.parent / "shared" / "corpus" / "dev"
SCHEMA = json.loads((ROOT / "pipeline" / "fact.schema.json").read_text("utf-8"))


def test_seed_gold_micro_f1():
    result, _ = evaluate_folder(SEEDS)
    assert result["micro"]["f1"] >= 0.95, result


@pytest.mark.skipif(not DEV.exists(), reason="../shared/corpus/dev not beside the project")
def test_dev_gold_micro_f1():
    result, _ = evaluate_folder(DEV)
    assert result["micro"]["f1"] >= 0.85, result


def test_output_is_schema_valid_sliced_and_deterministic(tmp_path):
    outs = []
    for run in ("a", "b"):
        write_results(iter_results([SEEDS / "texts"]), tmp_path / run)
        outs.append((tmp_path / run / "facts.jsonl").read_bytes())
    assert outs[0] == outs[1]
    facts = [json.loads(l) for l in outs[0].decode("utf-8").splitlines()]
    assert len(facts) >= 50
    texts = {p.stem: p.read_text("utf-8") for p in (SEEDS / "texts").glob("*.txt")}
    from pipeline.core.normalize import normalize_text

    for f in facts:
        jsonschema.validate(f, SCHEMA)
        assert normalize_text(texts[f["doc_id"]])[f["char_start"]:f["char_end"]] == f["evidence"]
