"""Calibration of ``confidence``: the ECE and reliability arithmetic, the isotonic map, its place in the model file."""
import json
import os
import random
from pathlib import Path

import pytest

from pipeline.core.classify import FORMAT_V1, FORMAT_V2, MODEL_PATH, Calibration, CandidateModel, ModelDecider, ModelError
from pipeline.core.extract import candidates
from pipeline.records import Document
from pipeline.tools.calibration import calibration_report, expected_calibration_error, fit_isotonic, reliability

ROOT = Path(__file__).resolve().parents[2]
TWO_INDICES = ("Năm 2021, Thanh Hóa đã bứt phá mạnh mẽ khi vươn lên xếp thứ 3 cả nước về chỉ số PAPI (tăng 21 bậc "
               "so với năm 2020) và thứ 14 cả nước về chỉ số PAR INDEX (tăng 15 bậc so với năm 2020).")

# six facts: two at 0.95 (both right), three at 0.85 (one right), one at 0.55 (right)
CONF = [0.95, 0.85, 0.55, 0.85, 0.95, 0.85]
RIGHT = [1, 0, 1, 1, 1, 0]


def test_ece_equals_the_hand_computed_value():
    # |1 - 0.95| x 2 + |1/3 - 0.85| x 3 + |1 - 0.55| x 1 = 0.1 + 1.55 + 0.45 = 2.1; / 6 facts = 0.35
    assert expected_calibration_error(CONF, RIGHT) == pytest.approx(0.35, abs=1e-4)
    assert expected_calibration_error([0.7] * 10, [1] * 7 + [0] * 3) == 0.0  # 0.7 right 7 times in 10
    assert expected_calibration_error([], []) == 0.0


def test_reliability_table_bins_count_mean_and_accuracy():
    table = reliability(CONF, RIGHT)
    assert [(b["lo"], b["hi"], b["count"], b["mean_confidence"], b["accuracy"]) for b in table] == [
        (0.5, 0.6, 1, 0.55, 1.0), (0.8, 0.9, 3, 0.85, 0.3333), (0.9, 1.0, 2, 0.95, 1.0)]
    # a bin holds its lower edge; 1.0 is in the last bin; 0.7 is not pushed down by float error
    edges = reliability([0.8, 1.0, 0.7, 0.29], [1, 1, 0, 0])
    assert [(b["lo"], b["count"]) for b in edges] == [(0.2, 1), (0.7, 1), (0.8, 1), (0.9, 1)]
    rep = calibration_report(CONF, RIGHT)
    assert rep["predictions"] == 6 and rep["accuracy"] == pytest.approx(0.6667) and rep["ece"] == 0.35


def test_isotonic_map_is_monotone_and_reproduces_known_points():
    p = [0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9]
    y = [0, 0, 1, 0, 1, 1, 1, 1]  # 0.3 right, 0.4 wrong: pooled to 0.5
    cal = fit_isotonic(p, y)
    assert cal.x == [0.1, 0.2, 0.3, 0.4, 0.6, 0.9] and cal.y == [0.0, 0.0, 0.5, 0.5, 1.0, 1.0]
    assert cal(0.35) == 0.5 and cal(0.5) == pytest.approx(0.75)  # linear between 0.4 -> 0.5 and 0.6 -> 1.0
    assert cal(0.0) == 0.0 and cal(0.99) == 1.0  # flat outside the breakpoints
    grid = [cal(i / 100) for i in range(101)]
    assert all(a <= b for a, b in zip(grid, grid[1:]))
    order = list(range(len(p)))
    random.Random(3).shuffle(order)
    shuffled = fit_isotonic([p[i] for i in order], [y[i] for i in order])
    assert (shuffled.x, shuffled.y) == (cal.x, cal.y)  # the order of the predictions does not matter


def test_calibration_breakpoints_are_validated(tmp_path):
    path = tmp_path / "m.json"
    with pytest.raises(ModelError, match="not monotone"):
        Calibration.from_json({"x": [0.2, 0.5], "y": [0.9, 0.4]}, path)
    with pytest.raises(ModelError, match=r"in \[0, 1\]"):
        Calibration.from_json({"x": [0.2, 0.5], "y": [0.1, float("nan")]}, path)
    with pytest.raises(ModelError, match="as many breakpoints"):
        Calibration.from_json({"x": [0.2, 0.5], "y": [0.1]}, path)
    with pytest.raises(ModelError, match="m.json: calibration is malformed"):
        Calibration.from_json({"x": "abc"}, path)


def _model(cal=None):
    return CandidateModel({"bias": 0.5, "type=rank": 1.0}, -0.25, {"trained_on": {"documents": 2}}, cal)


def test_model_file_round_trip_and_the_hash_covers_the_calibration(tmp_path):
    cal = Calibration([0.5, 0.9], [0.3, 0.8])
    path = tmp_path / "model.json"
    path.write_text(_model(cal).to_json(), "utf-8")
    doc = json.loads(path.read_text("utf-8"))
    assert doc["format"] == FORMAT_V2 and doc["calibration"] == {"method": "isotonic", "x": [0.5, 0.9], "y": [0.3, 0.8]}
    loaded = CandidateModel.load(path)
    assert loaded.calibration.x == [0.5, 0.9] and loaded.confidence(0.7) == pytest.approx(0.55)
    assert "calibration" not in loaded.meta and loaded.meta["trained_on"] == {"documents": 2}
    assert loaded.to_json() == path.read_text("utf-8")  # loading and saving changes nothing
    doc["calibration"]["y"] = [0.3, 0.99]
    path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(ModelError, match="hash mismatch"):
        CandidateModel.load(path)
    del doc["calibration"]  # stripping the map is tampering too
    path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(ModelError, match="hash mismatch"):
        CandidateModel.load(path)


def test_a_model_without_calibration_keeps_format_1_and_raw_confidence(tmp_path):
    path = tmp_path / "v1.json"
    path.write_text(_model().to_json(), "utf-8")
    assert json.loads(path.read_text("utf-8"))["format"] == FORMAT_V1
    loaded = CandidateModel.load(path)
    assert loaded.calibration is None and loaded.confidence(0.731) == 0.731


def test_shipped_model_never_saw_dev2_and_reports_the_raw_probability():
    """make train ships no calibration map: one fitted on the gold the rules were written from is
    overconfident on unseen text (README: Calibration of confidence)."""
    doc = json.loads(MODEL_PATH.read_text("utf-8"))
    assert doc["format"] == FORMAT_V1 and "calibration" not in doc
    assert doc["trained_on"]["folders"] == ["seeds", "dev"]  # dev2 stays a measurement
    assert CandidateModel.load().confidence(0.8123) == 0.8123


def test_decider_reports_calibrated_confidence_but_decides_on_the_raw_probability():
    shipped = CandidateModel.load()
    model = CandidateModel(shipped.weights, shipped.intercept, shipped.meta, Calibration([0.5, 0.99], [0.3, 0.9]))
    decider = ModelDecider(model)
    pairs = candidates(Document("t", TWO_INDICES, "<test>", {}), alternatives=True)
    groups: dict = {}
    for cand, sent in pairs:
        groups.setdefault((sent.start, cand.group), []).append(cand)
    checked = 0
    for group in groups.values():
        raw = max(p for _, p, _ in decider.scored(group))
        kept = decider(group)
        assert bool(kept) == (raw >= decider.threshold)
        for _, confidence in kept:
            assert confidence == model.confidence(raw) == model.calibration(raw)
            checked += 1
    assert checked == 4  # PAPI rank 3, change 21; PAR INDEX rank 14, change 15


def test_training_writes_the_same_calibrated_model_twice(tmp_path):
    from pipeline.tools.train import train

    seeds = str(ROOT / "corpus/seeds")
    a = train([seeds], tmp_path / "a.json")
    train([os.path.relpath(seeds)], tmp_path / "b.json")  # the path's spelling does not matter
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert a.calibration is not None and a.meta["calibration_fit"]["documents"] == 5
    assert all(0.0 <= v <= 1.0 for v in a.calibration.y)
    plain = train([seeds], tmp_path / "c.json", calibration=False)
    assert json.loads((tmp_path / "c.json").read_text("utf-8"))["format"] == FORMAT_V1
    assert plain.calibration is None and plain.weights == a.weights  # the map never changes the decisions' weights
