"""Scoring across gold folders, the cross-set report of ``make eval``, and the tools' import layering."""
import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.tools.evaluate import score
from pipeline.tools.train import gold_rows, rules_facts

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "corpus" / "seeds"
TEXT = "Năm 2023, tỉnh Quảng Ninh tiếp tục dẫn đầu bảng xếp hạng chỉ số PCI với 73,02 điểm."
GOLD = [{"doc_id": "a_002", "type": "rank", "province": "Quảng Ninh", "index": "PCI", "year": 2023, "rank": 1},
        {"doc_id": "a_002", "type": "score", "province": "Quảng Ninh", "index": "PCI", "year": 2023, "score": 73.02}]


def _folder(path: Path, docs: list[tuple[str, str]], gold: list[dict]) -> Path:
    (path / "texts").mkdir(parents=True)
    for doc_id, text in docs:
        (path / "texts" / f"{doc_id}.txt").write_text(text, "utf-8")
    (path / "docs.jsonl").write_text("".join(json.dumps({"doc_id": d, "title": "", "date": "2024-05-01"}) + "\n"
                                             for d, _ in docs), "utf-8")
    (path / "gold.jsonl").write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), "utf-8")
    return path


def test_same_doc_id_in_two_folders_is_two_documents(tmp_path):
    # dev/a_002 states the facts; dev2/a_002 is the same text with no gold: its facts are all false positives
    dev = _folder(tmp_path / "dev", [("a_002", TEXT)], GOLD)
    dev2 = _folder(tmp_path / "dev2", [("a_002", TEXT)], [])
    rows, gold, doc_ids = gold_rows([dev, dev2])
    assert doc_ids == [("dev", "a_002"), ("dev2", "a_002")]
    assert {r.doc for r in rows} == {("dev", "a_002"), ("dev2", "a_002")}
    assert {(g["_folder"], g["type"]) for g in gold} == {("dev", "rank"), ("dev", "score")}
    micro = score(rules_facts(rows), gold, doc_ids)["micro"]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (2, 2, 0)
    # joined by doc_id alone, dev2's copy would have matched dev's gold: the collision the keys prevent
    plain = score([{k: v for k, v in f.items() if k != "_folder"} for f in rules_facts(rows)],
                  [{k: v for k, v in g.items() if k != "_folder"} for g in gold])["micro"]
    assert (plain["tp"], plain["fp"]) == (2, 0)


def _split_seeds(tmp_path: Path) -> tuple[Path, Path]:
    docs = [json.loads(line) for line in (SEEDS / "docs.jsonl").read_text("utf-8").splitlines() if line.strip()]
    gold = [json.loads(line) for line in (SEEDS / "gold.jsonl").read_text("utf-8").splitlines() if line.strip()]
    out = []
    for name, part in (("x", docs[:3]), ("y", docs[3:])):
        folder = tmp_path / name
        (folder / "texts").mkdir(parents=True)
        ids = {d["doc_id"] for d in part}
        for d in ids:
            shutil.copy(SEEDS / "texts" / f"{d}.txt", folder / "texts")
        (folder / "docs.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in part), "utf-8")
        (folder / "gold.jsonl").write_text("".join(json.dumps(g, ensure_ascii=False) + "\n"
                                                   for g in gold if g["doc_id"] in ids), "utf-8")
        out.append(folder)
    return out[0], out[1]


def test_eval_reports_the_cross_set_figure_and_calibration(tmp_path):
    x, y = _split_seeds(tmp_path)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "eval", "--gold", str(x), str(y),
                           "--cross", str(x), str(y), "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "eval.json").read_text("utf-8"))
    cross = report["cross_set"]
    assert set(cross) == {"scored_on_x", "scored_on_y", "gap"}
    assert cross["scored_on_y"]["trained_on"] == ["x"] and cross["scored_on_x"]["trained_on"] == ["y"]
    for side in ("scored_on_x", "scored_on_y"):
        for system in ("rules_only", "rules_plus_classifier"):
            assert all(0.0 <= cross[side][system]["micro"][k] <= 1.0 for k in ("precision", "recall", "f1"))
        for which in ("raw_probability", "confidence"):
            assert 0.0 <= cross[side]["calibration"][which]["ece"] <= 1.0
    assert cross["gap"]["classifier_gap"] == pytest.approx(
        cross["scored_on_x"]["rules_plus_classifier"]["micro"]["f1"] - cross["scored_on_y"]["rules_plus_classifier"]["micro"]["f1"], abs=1e-4)
    # neither folder is named like one the shipped model was trained on: both get reliability tables
    for name in ("x", "y"):
        assert report[name]["seen_in_training"] is False
        cal = report[name]["calibration"]
        micro = report[name]["micro"]
        # one entry per fact line (a key restated in another sentence is another line) ...
        assert cal["raw_probability"]["predictions"] == cal["confidence"]["predictions"] >= micro["tp"] + micro["fp"]
        # ... and the seeds' extraction makes no false fact: every line is right
        assert micro["fp"] == 0 and cal["confidence"]["accuracy"] == 1.0
        assert sum(b["count"] for b in cal["confidence"]["bins"]) == cal["confidence"]["predictions"]
    oof = report["calibration_out_of_fold"]
    assert oof["folders"] == ["x", "y"] and 0.0 <= oof["confidence_cross_fitted"]["ece"] <= 1.0
    assert "== cross-set" in proc.stdout and "ECE" in proc.stdout


def test_cross_needs_two_of_the_gold_folders(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pipeline", "eval", "--gold", str(SEEDS), "--cross", str(SEEDS),
                           str(tmp_path / "elsewhere"), "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and "must be among --gold" in proc.stderr
    assert not (tmp_path / "eval.json").exists()


def _imports(module: str) -> set[str]:
    tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text("utf-8"))
    out = set()
    for node in ast.walk(tree):  # also imports inside functions
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_report_sits_above_evaluate_and_train():
    assert not _imports("pipeline.tools.evaluate") & {"pipeline.tools.train", "pipeline.tools.report"}
    assert "pipeline.tools.report" not in _imports("pipeline.tools.train")
    assert {"pipeline.tools.evaluate", "pipeline.tools.train"} <= _imports("pipeline.tools.report")
    assert "pipeline.tools.report" in _imports("pipeline.cli")
