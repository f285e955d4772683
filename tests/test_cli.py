"""The extract command: exit status, --strict, --resume, --max-bytes, standard input, interruption."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli import _byte_size, build_parser, main

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "corpus" / "seeds" / "texts").glob("*.txt"))
ENV = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def records(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def cli(*args: str, stdin: bytes | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", *args, "--quiet"], input=stdin,
                          capture_output=True, cwd=REPO, env=ENV, timeout=timeout)


def test_exit_0_when_every_document_is_ok(tmp_path, capsys):
    assert main(["extract", str(REPO / "corpus"), "--out", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "documents: 5  ok: 5  errors: 0" in out
    assert [r["status"] for r in records(tmp_path / "documents.jsonl")] == ["ok"] * 5


def test_exit_3_when_some_documents_failed_and_the_rest_is_processed(tmp_path, capsys):
    shutil.copy(SEEDS[0], tmp_path / "good.txt")
    (tmp_path / "bad.jsonl").write_text('{"id": "k", "text": null}\nnot json\n', encoding="utf-8")
    assert main(["extract", str(tmp_path / "good.txt"), str(tmp_path / "bad.jsonl"),
                 "--out", str(tmp_path / "out"), "--quiet"]) == 3
    err = capsys.readouterr().err
    assert f"error: {tmp_path / 'bad.jsonl'}:1: record has no text" in err
    assert f"error: {tmp_path / 'bad.jsonl'}:2: invalid JSON: Expecting value at column 1" in err
    assert "2 document(s) failed;" in err
    recs = records(tmp_path / "out" / "documents.jsonl")
    assert [(r["doc_id"], r["status"]) for r in recs] == [("good", "ok"), ("k", "error"), ("bad:2", "error")]
    assert recs[0]["n_facts"] > 0


def test_strict_stops_with_exit_1_names_the_document_and_writes_nothing(tmp_path, capsys):
    shutil.copy(SEEDS[0], tmp_path / "a.txt")
    (tmp_path / "b.txt").write_bytes(b"\x00" * 100)
    out = tmp_path / "out"
    out.mkdir()
    (out / "facts.jsonl").write_text("previous run\n", encoding="utf-8")
    assert main(["extract", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--out", str(out),
                 "--strict", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"--strict: stopped at the first failed document, nothing written: {tmp_path / 'b.txt'}: " \
           "binary content (100 control characters), not text (doc_id b)" in err
    assert sorted(os.listdir(out)) == ["facts.jsonl"]
    assert (out / "facts.jsonl").read_text(encoding="utf-8") == "previous run\n"


def test_strict_with_no_failure_is_exit_0(tmp_path):
    shutil.copy(SEEDS[1], tmp_path / "a.txt")
    assert main(["extract", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"), "--strict", "--quiet"]) == 0


def test_resume_reports_the_reused_documents(tmp_path, capsys):
    for seed in SEEDS[:3]:
        shutil.copy(seed, tmp_path / seed.name)
    argv = ["extract", str(tmp_path), "--out", str(tmp_path / "out"), "--quiet"]
    assert main(argv) == 0
    first = (tmp_path / "out" / "facts.jsonl").read_bytes()
    capsys.readouterr()
    assert main(argv + ["--resume"]) == 0
    assert "resumed: 3 unchanged documents reused" in capsys.readouterr().out
    assert (tmp_path / "out" / "facts.jsonl").read_bytes() == first


@pytest.mark.parametrize("value, expected", [
    ("20000000", 20_000_000), ("20MB", 20_000_000), ("20M", 20_000_000), ("64MiB", 64 * 1024 ** 2),
    ("512kib", 512 * 1024), ("1G", 10 ** 9), ("100b", 100),
])
def test_max_bytes_values(value, expected):
    assert _byte_size(value) == expected


@pytest.mark.parametrize("value", ["0", "-5", "20 MBs", "lots", "1.5M"])
def test_bad_max_bytes_is_a_usage_error(value, capsys):
    with pytest.raises(argparse.ArgumentTypeError):
        _byte_size(value)
    with pytest.raises(SystemExit) as info:
        main(["extract", "x", "--max-bytes", value])
    assert info.value.code == 2


def test_max_bytes_refuses_a_larger_document(tmp_path):
    shutil.copy(SEEDS[0], tmp_path / "a.txt")
    size = (tmp_path / "a.txt").stat().st_size
    assert main(["extract", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"), "--max-bytes", "10KB",
                 "--quiet"]) == 3
    [rec] = records(tmp_path / "out" / "documents.jsonl")
    assert rec["reason"] == f"file too large: {size:,} bytes > --max-bytes 10,000"


def test_help_documents_exit_status_and_options():
    text = build_parser()._subparsers._group_actions[0].choices["extract"].format_help()
    words = " ".join(text.split())  # argparse wraps lines to the terminal width
    for needle in ("exit status: 0 all documents were processed 3 some documents failed",
                   "1 --strict: stopped at the first failed document, nothing written", "--resume",
                   "--max-bytes N", "(default: 20,000,000;", "- reads standard input"):
        assert needle in words, needle


def test_stdin_jsonl_and_text_through_the_real_command(tmp_path):
    lines = b"".join(json.dumps({"id": f"s{i}", "text": seed.read_text(encoding="utf-8")}).encode() + b"\n"
                     for i, seed in enumerate(SEEDS[:2]))
    proc = cli("-", "--out", str(tmp_path / "j"), stdin=lines)
    assert proc.returncode == 0, proc.stderr
    recs = records(tmp_path / "j" / "documents.jsonl")
    assert [(r["doc_id"], r["source"], r["status"]) for r in recs] == [("s0", "<stdin>:1", "ok"),
                                                                      ("s1", "<stdin>:2", "ok")]
    proc = cli("-", "--out", str(tmp_path / "t"), stdin=SEEDS[0].read_text(encoding="utf-8").encode("utf-16"))
    assert proc.returncode == 0, proc.stderr
    [rec] = records(tmp_path / "t" / "documents.jsonl")
    assert (rec["doc_id"], rec["source"], rec["encoding"]) == ("stdin", "<stdin>", "utf-16 (BOM)")
    proc = cli("-", "--out", str(tmp_path / "e"), stdin=b"")
    assert proc.returncode == 3 and b"error: <stdin>: empty standard input" in proc.stderr


def test_sigterm_mid_run_leaves_the_previous_outputs_and_no_temporary_file(tmp_path):
    """Independent of machine speed: the input is a pipe kept open, so the run cannot end before the
    signal, and the signal is sent once the run shows it is mid-stream (its temporaries hold flushed
    documents), not after a fixed delay. The only time limit is a guard against a hang."""
    texts = [seed.read_text(encoding="utf-8") for seed in SEEDS]
    out = tmp_path / "out"
    out.mkdir()
    (out / "facts.jsonl").write_text("previous facts\n", encoding="utf-8")
    (out / "documents.jsonl").write_text("previous documents\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", "-", "--out", str(out), "--quiet"],
                            cwd=REPO, env=ENV, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for i in range(120):  # more than one flush (every 100 documents); each text its own
            text = f"{texts[i % len(texts)]}\nBài số {i}."
            proc.stdin.write(json.dumps({"id": f"r{i}", "text": text}, ensure_ascii=False).encode() + b"\n")
        proc.stdin.flush()
        deadline = time.monotonic() + 900  # a hang guard only
        while not any(len(p.read_bytes().splitlines()) >= 100 for p in out.glob(".documents.jsonl.*.tmp")):
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "no document written"
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=900) == 128 + signal.SIGTERM
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()
    assert sorted(os.listdir(out)) == ["documents.jsonl", "facts.jsonl"]
    assert (out / "facts.jsonl").read_text(encoding="utf-8") == "previous facts\n"
    assert (out / "documents.jsonl").read_text(encoding="utf-8") == "previous documents\n"
