"""Issue 13, the command line: careless flags and killed processes end in a clear error or a correct result.

Items 15 (--model), 16 (--out), 17 (--threshold), and through the real command, items 9
(a second run on a folder being written) and 21 (--resume after kill -9).
"""
from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.core import classify
from pipeline.core.classify import CandidateModel, ModelError, _digest

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
SENTENCE = "Năm 2022, Thái Bình xếp thứ {r}/63 tỉnh, thành phố về chỉ số SIPAS, tăng {d} bậc so với năm 2021."
#: A guard against a hang only, far above what any machine needs: readiness is waited for, never a delay.
HANG = 900


@pytest.fixture(autouse=True)
def default_decisions():
    saved = classify.config()
    yield
    classify.configure(rules_only=saved["rules_only"], threshold=saved["threshold"],
                       model_path=saved["model_path"] or "")


def article(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "thai-binh.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SENTENCE.format(r=13, d=27), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- 15: --model


def model_file(tmp_path: Path, name: str, edit) -> Path:
    """The shipped model with one edit, re-signed so that only the edit itself can be refused."""
    doc = json.loads(classify.MODEL_PATH.read_text(encoding="utf-8"))
    edit(doc)
    body = {"weights": doc["weights"], "intercept": doc["intercept"]}
    if "calibration" in doc:
        body["calibration"] = doc["calibration"]
    doc["sha256"] = _digest(body)
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")  # json.dumps writes NaN/Infinity as the probe did
    return path


def _first_weight(value):
    def edit(doc):
        doc["weights"][sorted(doc["weights"])[0]] = value
    return edit


@pytest.mark.parametrize("name, edit, reason", [
    ("nan.json", _first_weight(math.nan), "is nan, not a finite number"),
    ("inf.json", lambda d: d.update(intercept=math.inf), "'intercept' is inf, not a finite number"),
    ("bool.json", _first_weight(True), "is True, not a finite number"),
    ("string.json", _first_weight("0.5"), "is '0.5', not a finite number"),
    ("list.json", lambda d: d.update(weights=[1.0, 2.0]), "weights must be an object of numbers"),
])
def test_hostile_model_values_are_refused(tmp_path, capsys, name, edit, reason):
    path = model_file(tmp_path, name, edit)
    with pytest.raises(ModelError, match="model weights are malformed"):
        CandidateModel.load(path)
    assert main(["extract", str(article(tmp_path)), "--out", str(tmp_path / "out"), "--model", str(path),
                 "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: model weights are malformed (") and reason in err
    assert err.count("\n") == 1 and not (tmp_path / "out" / "facts.jsonl").exists()


def test_hostile_model_files_that_are_not_models(tmp_path, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 400_000, encoding="utf-8")
    folder = tmp_path / "folder.json"
    folder.mkdir()
    cases = {deep: "model file is corrupted (nested too deeply)", folder: "is a folder, not a model file",
             Path("/dev/zero"): "not a candidate model (larger than 5,000,000 bytes)"}
    for path, reason in cases.items():
        with pytest.raises(ModelError) as info:
            CandidateModel.load(path)
        assert str(info.value).startswith(f"{path}: {reason}")
        assert main(["extract", str(article(tmp_path)), "--out", str(tmp_path / "out"), "--model", str(path),
                     "--quiet"]) == 2
        assert capsys.readouterr().err == f"error: {info.value}\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_hostile_unreadable_model(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(classify.MODEL_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    path.chmod(0)
    with pytest.raises(ModelError, match="cannot read the model file: Permission denied"):
        CandidateModel.load(path)


def test_hostile_valid_model_still_loads():
    model = CandidateModel.load()
    assert len(model.weights) > 10 and all(math.isfinite(w) for w in model.weights.values())


# --------------------------------------------------------------------------- 16: --out


def test_hostile_out_that_cannot_be_written_is_exit_2_before_any_work(tmp_path):
    (tmp_path / "a-file").write_text("Thái Bình", encoding="utf-8")
    src = str(article(tmp_path))
    cases = {str(tmp_path / "a-file"): "exists and is not a folder",
             str(tmp_path / "a-file" / "sub"): "cannot write there: Not a directory",
             "/proc/vnfacts-out": "is on a system file system (proc), not a place for outputs"}
    for out, reason in cases.items():
        proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", src, "--out", out, "--quiet"],
                              capture_output=True, text=True, cwd=REPO, env=ENV, timeout=HANG)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr == f"error: --out {out}: {reason}\n"  # one line, no traceback
        assert proc.stdout == ""  # no work done, no summary


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
def test_hostile_read_only_out(tmp_path, capsys):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    assert main(["extract", str(article(tmp_path)), "--out", str(out), "--quiet"]) == 2
    assert capsys.readouterr().err == f"error: --out {out}: cannot write there: Permission denied\n"


# --------------------------------------------------------------------------- 17: --threshold


@pytest.mark.parametrize("value", ["nan", "-1", "5", "inf", "-inf", "1.0001", "half"])
def test_hostile_threshold_outside_0_1_is_a_usage_error(value, capsys):
    with pytest.raises(SystemExit) as info:
        main(["extract", "x", f"--threshold={value}"])
    assert info.value.code == 2
    assert f"not a probability between 0 and 1: '{value}'" in capsys.readouterr().err


def test_hostile_threshold_bounds_are_accepted(tmp_path):
    src = str(article(tmp_path))
    for value, n_facts in (("0", 2), ("1", 0), ("0.5", 2)):
        assert main(["extract", src, "--out", str(tmp_path / value), "--threshold", value, "--quiet"]) == 0
        [rec] = [json.loads(x) for x in (tmp_path / value / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
        assert rec["n_facts"] == n_facts, value


# --------------------------------------------------------------------------- 9 and 21, through the real command


def records(n: int) -> bytes:
    return b"".join(json.dumps({"id": f"r{i:03d}", "text": SENTENCE.format(r=i % 60 + 1, d=i % 9 + 1)},
                               ensure_ascii=False).encode("utf-8") + b"\n" for i in range(n))


def start(out: Path, *flags: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "extract", "-", "--out", str(out), "--quiet", *flags],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, env=ENV)


def wait_for_flushed_documents(proc: subprocess.Popen, out: Path, n: int) -> None:
    """Until the run's temporary documents file holds ``n`` lines (it flushes every 100 documents)."""
    deadline = time.monotonic() + HANG
    while True:
        done = [len(p.read_bytes().splitlines()) for p in out.glob(".documents.jsonl.*.tmp")]
        if done and max(done) >= n:
            return
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "hang"
        time.sleep(0.05)


def test_hostile_second_run_while_the_first_writes_exits_2(tmp_path):
    out = tmp_path / "out"
    first = start(out)
    try:
        first.stdin.write(records(150))  # standard input stays open: the first run cannot end meanwhile
        first.stdin.flush()
        wait_for_flushed_documents(first, out, 100)
        second = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(article(tmp_path)), "--out",
                                 str(out), "--quiet"], capture_output=True, text=True, cwd=REPO, env=ENV, timeout=HANG)
        assert second.returncode == 2
        assert second.stderr == (f"error: --out {out}: another extract run (pid {first.pid}) is writing this folder; "
                                 "wait for it to end or choose another --out\n")
        first.stdin.close()
        assert first.wait(timeout=HANG) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    docs = [json.loads(x) for x in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["doc_id"] for d in docs] == [f"r{i:03d}" for i in range(150)]  # the first run's, whole
    assert sorted(os.listdir(out)) == ["documents.jsonl", "facts.jsonl", "manifest.json"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_hostile_resume_after_kill_9_reuses_what_the_run_had_finished(tmp_path, jobs):
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "out"
    run = start(out, "--jobs", jobs)
    try:
        run.stdin.write(records(150))
        run.stdin.flush()
        wait_for_flushed_documents(run, out, 100)
        workers = psutil.Process(run.pid).children()
        assert len(workers) == (2 if jobs == "2" else 0)
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=HANG)
        gone, alive = psutil.wait_procs(workers, timeout=HANG)  # workers end with their run
        assert alive == []
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        run.stdin.close()
    assert out.glob(".facts.jsonl.*.tmp") and list(out.glob(".documents.jsonl.*.tmp"))  # what kill -9 leaves
    again = subprocess.run([sys.executable, "-m", "pipeline", "extract", "-", "--out", str(out), "--resume", "--quiet",
                            "--jobs", jobs],
                           input=records(150), capture_output=True, cwd=REPO, env=ENV, timeout=HANG)
    assert again.returncode == 0, again.stderr
    reused = int(again.stdout.decode().split("resumed: ")[1].split()[0])
    assert 100 <= reused <= 150
    assert "(with what 1 interrupted run(s) had finished)" in again.stdout.decode()
    assert "temporary file(s) left in" in again.stderr.decode()
    assert sorted(os.listdir(out)) == ["documents.jsonl", "facts.jsonl", "manifest.json"]
    fresh = subprocess.run([sys.executable, "-m", "pipeline", "extract", "-", "--out", str(tmp_path / "fresh"),
                            "--quiet"], input=records(150), capture_output=True, cwd=REPO, env=ENV, timeout=HANG)
    assert fresh.returncode == 0, fresh.stderr
    for name in ("facts.jsonl", "documents.jsonl", "manifest.json"):
        assert (out / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name


@pytest.mark.parametrize("x", [[0.0, True], [0.0, "0.5"], [0.0, math.nan]])
def test_hostile_model_calibration_values_are_refused(tmp_path, x):
    path = model_file(tmp_path, "calibrated.json",
                      lambda d: d.update(format="vn-facts-candidate-model/2",
                                         calibration={"method": "isotonic", "x": x, "y": [0.1, 0.9]}))
    with pytest.raises(ModelError, match=r"calibration is malformed \('x' must be a list of finite numbers\)"):
        CandidateModel.load(path)
