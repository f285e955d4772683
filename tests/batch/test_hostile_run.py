"""Issue 13, runs and engines: flags that engines ignored, outputs lost or mixed, workers that die or hang.

Every input is built here, from real Vietnamese sentences of the kind the pipeline reads.
Item numbers refer to the issue.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import signal
from pathlib import Path

import pytest
import regex

from pipeline.batch import run
from pipeline.batch.engines import apply_settings, local, settings
from pipeline.batch.manifest import OutputsInconsistent, verify
from pipeline.batch.outdir import OutputLock
from pipeline.batch.run import iter_results, process, write_results
from pipeline.batch.write import AtomicFile, ResumeIndex, dumps
from pipeline.cli import main
from pipeline.core import classify, resolve
from pipeline.core.classify import CandidateModel
from pipeline.core.extract import MAX_VALUES_PER_SENTENCE, candidates, extract_document
from pipeline.core.mentions import sentence_mentions
from pipeline.core.sanity import plausible_fields
from pipeline.core.segment import split_sentences
from pipeline.records import FACT_TYPES, Document
from pipeline.tools.audit import load_run

REPO = Path(__file__).resolve().parents[2]
SEEDS = sorted((REPO / "corpus" / "seeds" / "texts").glob("*.txt"))
SENTENCE = "Năm 2022, Thái Bình xếp thứ {r}/63 tỉnh, thành phố về chỉ số SIPAS, tăng {d} bậc so với năm 2021."


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def strict_json(path: Path) -> list[dict]:
    def refuse(name):
        raise ValueError(f"not JSON: {name}")
    return [json.loads(x, parse_constant=refuse) for x in path.read_text(encoding="utf-8").splitlines()]


def short_docs(folder: Path, n: int) -> Path:
    """``n`` one-sentence articles, each its own rank."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"d{i:03d}.txt").write_text(SENTENCE.format(r=i % 60 + 1, d=i % 9 + 1), encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def default_decisions():
    """Each test starts from and leaves the default decision settings and time budget."""
    saved, budget = classify.config(), run.doc_timeout()
    yield
    classify.configure(rules_only=saved["rules_only"], threshold=saved["threshold"],
                       model_path=saved["model_path"] or "")
    run.set_doc_timeout(budget)


# --------------------------------------------------------------------------- 1: every engine obeys every flag


@pytest.fixture(scope="module")
def other_model(tmp_path_factory) -> Path:
    """A valid model that decides differently: the shipped one with a lower intercept, re-signed."""
    shipped = CandidateModel.load()
    path = tmp_path_factory.mktemp("model") / "stricter.json"
    path.write_text(CandidateModel(shipped.weights, shipped.intercept - 3.0, shipped.meta,
                                   shipped.calibration).to_json(), encoding="utf-8")
    return path


def _flags(name: str, model: Path) -> list[str]:
    return {"threshold": ["--threshold", "0.99"], "rules-only": ["--rules-only"], "model": ["--model", str(model)]}[name]


def extract(*argv: str) -> int:
    """The command, from the default settings (``main`` keeps a flag's setting in this process)."""
    classify.configure(rules_only=False, threshold=classify.DEFAULT_THRESHOLD, model_path="")
    return main(["extract", *argv, "--quiet"])


def test_hostile_engines_obey_every_decision_flag(tmp_path, other_model, cluster):
    corpus = str(REPO / "corpus")
    assert extract(corpus, "--out", str(tmp_path / "default")) == 0
    default = (tmp_path / "default" / "facts.jsonl").read_bytes()
    for name in ("threshold", "rules-only", "model"):
        flags = _flags(name, other_model)
        ref = tmp_path / f"{name}-1"
        assert extract(corpus, "--out", str(ref), *flags) == 0
        facts = (ref / "facts.jsonl").read_bytes()
        assert facts != default, name  # the flag changes the facts, so an engine that drops it is caught
        if name == "rules-only":
            assert b'|model"' not in facts and b'|model"' in default
        for engine in (["--jobs", "2"], ["--engine", "dask", "--scheduler", cluster.scheduler_address]):
            out = tmp_path / f"{name}-{engine[1]}"
            assert extract(corpus, "--out", str(out), *flags, *engine) == 0
            assert (out / "facts.jsonl").read_bytes() == facts, (name, engine)
            assert (out / "documents.jsonl").read_bytes() == (ref / "documents.jsonl").read_bytes()
    # the same long-lived Dask workers, back to the defaults: nothing of the earlier flags sticks
    out = tmp_path / "default-dask"
    assert extract(corpus, "--out", str(out), "--engine", "dask", "--scheduler", cluster.scheduler_address) == 0
    assert (out / "facts.jsonl").read_bytes() == default


def test_hostile_spawned_workers_get_the_decision_settings(tmp_path):
    """Workers that do not inherit the parent's memory (spawn: the default on macOS, and Python 3.14)."""
    classify.configure(threshold=0.99)
    ref = tmp_path / "one"
    write_results(iter_results([str(REPO / "corpus")]), ref)
    with local.LocalEngine(2, chunksize=2, start_method="spawn") as engine:
        from pipeline.batch.engines import work_items
        write_results(engine.results(work_items([str(REPO / "corpus")])), tmp_path / "spawn")
    assert (tmp_path / "spawn" / "facts.jsonl").read_bytes() == (ref / "facts.jsonl").read_bytes()
    assert len(lines(ref / "facts.jsonl")) < 55  # fewer than the 55 facts at the default 0.5


def test_hostile_settings_reset_a_model_named_by_an_earlier_task(other_model):
    classify.configure(model_path=str(other_model), threshold=0.7, rules_only=True)
    conf = settings()
    assert conf["decide"] == {"rules_only": True, "threshold": 0.7, "model_path": str(other_model.resolve())}
    classify.configure(model_path="", threshold=0.5, rules_only=False)
    apply_settings(conf)
    assert classify.config() == conf["decide"]
    apply_settings({**conf, "decide": {"rules_only": False, "threshold": 0.5, "model_path": None}})
    assert classify.config()["model_path"] == "" and isinstance(classify.default_decider(), classify.ModelDecider)


# --------------------------------------------------------------------------- 2: --out is an input folder


def test_hostile_out_equal_to_the_input_folder_is_refused(tmp_path, capsys):
    same = short_docs(tmp_path / "same", 3)
    assert main(["extract", str(same), "--out", str(same), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"error: --out {same} is the input folder {same}: the output folder is never read as input, " \
           f"so {same / 'd000.txt'} and 2 more would be skipped; choose another --out" in err
    assert sorted(p.name for p in same.iterdir()) == ["d000.txt", "d001.txt", "d002.txt"]


def test_hostile_out_dot_in_dot_is_refused(tmp_path, capsys, monkeypatch):
    short_docs(tmp_path, 2)
    monkeypatch.chdir(tmp_path)
    assert main(["extract", ".", "--out", ".", "--quiet"]) == 2
    assert "error: --out . is the input folder .: the output folder is never read as input, so d000.txt " \
           "and 1 more would be skipped" in capsys.readouterr().err
    assert not (tmp_path / "facts.jsonl").exists()


def test_hostile_out_inside_the_inputs_holding_an_article_is_refused(tmp_path, capsys):
    short_docs(tmp_path / "in", 2)
    out = tmp_path / "in" / "outputs"
    assert main(["extract", str(tmp_path / "in"), "--out", str(out), "--quiet"]) == 0  # only its own outputs: fine
    assert [d["doc_id"] for d in lines(out / "documents.jsonl")] == ["d000", "d001"]
    (out / "review.html").write_text("<html>Thái Bình</html>", encoding="utf-8")  # the review page and
    (out / "review-decisions.jsonl").write_text("", encoding="utf-8")  # its download are outputs too
    assert main(["extract", str(tmp_path / "in"), "--out", str(out), "--quiet"]) == 0  # a re-run too
    shutil.copy(SEEDS[0], out / "bai-bao.txt")
    assert main(["extract", str(tmp_path / "in"), "--out", str(out), "--quiet"]) == 2
    assert f"is inside the input folder {tmp_path / 'in'}: the output folder is never read as input, " \
           f"so {out / 'bai-bao.txt'} would be skipped" in capsys.readouterr().err


# --------------------------------------------------------------------------- 8: absurd numbers, strict JSON


HUGE_PERCENT = ("Năm 2023, tỷ lệ người dân hài lòng với dịch vụ công của tỉnh Thái Bình đạt " + "9" * 400
                + "%. Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS.")
HUGE_CHANGE = "Năm 2022, Thái Bình đạt 65,5 điểm chỉ số PCI, tăng " + "9" * 320 + " điểm so với năm 2021."


def test_hostile_absurd_numbers_are_no_fact_and_output_is_strict_json(tmp_path):
    docs = [Document("pct", HUGE_PERCENT, "pct.txt", {}), Document("chg", HUGE_CHANGE, "chg.txt", {})]
    # the extractors do read these figures as infinite: the guard is what keeps them out
    assert any(c.fields.get("value") == math.inf for c, _ in candidates(docs[0]))
    assert any(c.fields.get("delta") == math.inf for c, _ in candidates(docs[1]))
    facts = {d.doc_id: [f.to_json() for f in extract_document(d)] for d in docs}
    assert [(f["type"], f["rank"]) for f in facts["pct"]] == [("rank", 13)]
    assert [(f["type"], f["score"]) for f in facts["chg"]] == [("score", 65.5)]
    write_results((process(d) for d in docs), tmp_path)
    assert [d["status"] for d in strict_json(tmp_path / "documents.jsonl")] == ["ok", "ok"]
    assert len(strict_json(tmp_path / "facts.jsonl")) == 2
    assert b"Infinity" not in (tmp_path / "facts.jsonl").read_bytes()


def test_hostile_writer_refuses_nan_and_infinity():
    for bad in (math.inf, -math.inf, math.nan):
        with pytest.raises(ValueError):
            dumps({"doc_id": "Thái Bình", "value": bad})


@pytest.mark.parametrize("kind, fields, ok", [
    ("percentage", {"value": 86.5}, True), ("percentage", {"value": 250.0}, True),
    ("percentage", {"value": math.inf}, False), ("percentage", {"value": 5000.0}, False),
    ("score", {"score": 65.22, "year": 2023}, True), ("score", {"score": 1e12}, False),
    ("score", {"score": math.nan}, False), ("rank", {"rank": 13, "rank_total": 63}, True),
    ("rank", {"rank": 10 ** 20, "rank_total": 63}, False), ("rank", {"rank": 0, "rank_total": 63}, False),
    ("rank_change", {"delta": -27, "base_year": 2021}, True), ("rank_change", {"delta": 10 ** 9}, False),
    ("score", {"score": 70.1, "year": 20222}, False),
])
def test_hostile_plausible_bounds(kind, fields, ok):
    assert plausible_fields(kind, {"province": "Thái Bình", **fields}) is ok


# --------------------------------------------------------------------------- 9: one writer, consistent pair


def test_hostile_second_run_on_a_locked_folder_exits_2(tmp_path, capsys):
    short_docs(tmp_path / "in", 2)
    out = tmp_path / "out"
    out.mkdir()
    with OutputLock(out):
        assert main(["extract", str(tmp_path / "in"), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"error: --out {out}: another extract run (pid {os.getpid()}) is writing this folder" in err
    assert sorted(os.listdir(out)) == []  # nothing written, and the lock file is gone with the lock
    assert main(["extract", str(tmp_path / "in"), "--out", str(out), "--quiet"]) == 0


def test_hostile_mixed_pair_is_refused_by_every_reader(tmp_path, capsys):
    short_docs(tmp_path / "a", 2)
    short_docs(tmp_path / "b", 3)
    run_a, run_b = tmp_path / "run_a", tmp_path / "run_b"
    write_results(iter_results([str(tmp_path / "a")]), run_a)
    write_results(iter_results([str(tmp_path / "b")]), run_b)
    facts, docs = load_run(run_a)
    assert [d["doc_id"] for d in docs] == ["d000", "d001"]
    assert [f["rank"] for f in facts if f["type"] == "rank"] == [1, 2]
    shutil.copy(run_b / "documents.jsonl", run_a / "documents.jsonl")  # another run's documents
    with pytest.raises(OutputsInconsistent, match="are not the pair one run wrote"):
        load_run(run_a)
    with pytest.raises(OutputsInconsistent):
        ResumeIndex.load(run_a)
    assert main(["extract", str(tmp_path / "a"), "--out", str(run_a), "--resume", "--quiet"]) == 2
    assert "error: --resume: " in capsys.readouterr().err
    assert main(["extract", str(tmp_path / "a"), "--out", str(run_a), "--quiet"]) == 0  # a plain re-run repairs it
    assert [d["doc_id"] for d in load_run(run_a)[1]] == ["d000", "d001"]


@pytest.mark.parametrize("dies_at", ["facts rename", "documents rename", "final manifest"])
def test_hostile_kill_between_the_renames(tmp_path, monkeypatch, dies_at):
    from pipeline.batch import manifest

    short_docs(tmp_path / "a", 2)
    short_docs(tmp_path / "b", 3)
    out = tmp_path / "out"
    write_results(iter_results([str(tmp_path / "a")]), out)
    real_rename, real_write = AtomicFile.rename, manifest._write

    def rename(self):
        if dies_at == f"{self.path.name.split('.')[0]} rename":
            raise SystemExit(137)  # the process dies here
        real_rename(self)

    def write(out_dir, body):
        if dies_at == "final manifest" and body["complete"]:
            raise SystemExit(137)
        real_write(out_dir, body)

    monkeypatch.setattr(AtomicFile, "rename", rename)
    monkeypatch.setattr(manifest, "_write", write)
    with pytest.raises(SystemExit):
        write_results(iter_results([str(tmp_path / "b")]), out)
    monkeypatch.undo()
    if dies_at == "documents rename":  # the new facts beside the old documents
        with pytest.raises(OutputsInconsistent, match="was interrupted while renaming them"):
            load_run(out)
    else:  # before any rename: the old pair, still whole; after both: the new pair
        verify(out)
        assert len(load_run(out)[1]) == (2 if dies_at == "facts rename" else 3)


# --------------------------------------------------------------------------- 10: a worker dies


def _killing(marker: Path | None):
    """extract_document that kills its own worker process on the article "d003" (once, if ``marker``)."""
    real = run.extract_document

    def extract(doc):
        if doc.doc_id == "d003" and os.getpid() != PARENT and (marker is None or not marker.exists()):
            if marker is not None:
                marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return real(doc)
    return extract


PARENT = os.getpid()


def test_hostile_worker_killed_once_is_retried_and_output_is_identical(tmp_path, monkeypatch):
    inputs = [str(short_docs(tmp_path / "in", 12))]
    write_results(local.iter_results(inputs, jobs=1), tmp_path / "one")
    monkeypatch.setattr(run, "extract_document", _killing(tmp_path / "killed-once"))  # forked workers inherit it
    with local.LocalEngine(2, chunksize=2) as engine:
        from pipeline.batch.engines import work_items
        counts = write_results(engine.results(work_items(inputs)), tmp_path / "two")
        assert engine.restarts == 1
    assert (tmp_path / "killed-once").exists() and counts["status:ok"] == 12
    for name in ("facts.jsonl", "documents.jsonl"):
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()


def test_hostile_document_that_always_kills_its_worker_is_an_error_line(tmp_path, monkeypatch):
    inputs = [str(short_docs(tmp_path / "in", 12))]
    monkeypatch.setattr(run, "extract_document", _killing(None))
    counts = write_results(local.iter_results(inputs, jobs=2, chunksize=2), tmp_path / "out")
    docs = lines(tmp_path / "out" / "documents.jsonl")
    assert [d["doc_id"] for d in docs] == [f"d{i:03d}" for i in range(12)]
    assert [d["doc_id"] for d in docs if d["status"] == "error"] == ["d003"]
    assert docs[3]["reason"] == local.WORKER_DIED and counts["status:ok"] == 11
    facts = lines(tmp_path / "out" / "facts.jsonl")
    assert sorted({f["doc_id"] for f in facts}) == [f"d{i:03d}" for i in range(12) if i != 3]


# --------------------------------------------------------------------------- 11: time budget, value cap


def _stuck(doc):
    """A stage stuck in a backtracking regex (C code) on the article "d002"."""
    if doc.doc_id == "d002":
        regex.match(r"(a|aa)+$", "a" * 80 + "b")  # the regex module the extractors use
    return REAL_EXTRACT(doc)


REAL_EXTRACT = run.extract_document


@pytest.mark.parametrize("jobs", [1, 2])
def test_hostile_document_over_its_time_budget_is_an_error_line(tmp_path, monkeypatch, jobs):
    inputs = [str(short_docs(tmp_path / "in", 6))]
    monkeypatch.setattr(run, "extract_document", _stuck)
    run.set_doc_timeout(1.0)
    write_results(local.iter_results(inputs, jobs=jobs, chunksize=2), tmp_path / "out")
    docs = lines(tmp_path / "out" / "documents.jsonl")
    assert [(d["doc_id"], d["status"]) for d in docs] == [(f"d{i:03d}", "error" if i == 2 else "ok") for i in range(6)]
    assert docs[2]["reason"] == "time budget exceeded: extraction took more than 1 s (--doc-timeout)"
    assert [f["rank"] for f in lines(tmp_path / "out" / "facts.jsonl") if f["type"] == "rank"] == [1, 2, 4, 5, 6]


def test_hostile_doc_timeout_option(tmp_path, monkeypatch, capsys):
    short_docs(tmp_path / "in", 3)
    monkeypatch.setattr(run, "extract_document", _stuck)
    assert main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--doc-timeout", "0.5",
                 "--quiet"]) == 3
    assert f"error: {tmp_path / 'in' / 'd002.txt'}: time budget exceeded: extraction took more than 0.5 s" \
           in capsys.readouterr().err
    for bad in ("-1", "nan", "inf", "soon"):
        with pytest.raises(SystemExit) as info:
            main(["extract", "x", "--doc-timeout", bad])
        assert info.value.code == 2


def test_hostile_values_per_sentence_are_capped():
    figures = ", ".join(f"{50 + i % 40},{i % 90 + 10} điểm" for i in range(300))
    text = f"Năm 2022, chỉ số PCI của Thái Bình qua các năm lần lượt đạt {figures}."
    doc = Document("dense", text, "dense.txt", {})
    [sent] = split_sentences(text)
    values = [m for m in sentence_mentions(sent) if m.kind in FACT_TYPES]
    assert len(values) == 300
    starts = {c.start for c, _ in candidates(doc)}
    assert MAX_VALUES_PER_SENTENCE == 100
    assert len(starts) == 100 and max(starts) == values[99].start  # only the first 100 figures were considered


# --------------------------------------------------------------------------- 12: no cache of whole texts


def test_hostile_province_counts_keep_no_text():
    assert not hasattr(resolve._province_counts, "cache_info")  # not an lru_cache keyed by text
    base = SEEDS[0].read_text(encoding="utf-8")
    for i in range(20):
        text = f"{base}\nTỉnh Thái Bình, bài số {i}. " + "Tin tức trong tỉnh. " * 5000  # ~100 KB each
        counts = {n: c for n, c, _ in resolve._province_counts(text)}
        assert counts["Thái Bình"] >= 2
    assert len(resolve._COUNTS) <= 8
    assert all(isinstance(k[1], bytes) and len(k[1]) == 16 for k in resolve._COUNTS)
    assert sum(len(repr(k)) + len(repr(v)) for k, v in resolve._COUNTS.items()) < 20_000


# --------------------------------------------------------------------------- 21: leftovers and --resume after a crash


def test_hostile_stale_temporaries_are_cleaned_by_the_next_run(tmp_path, capsys):
    short_docs(tmp_path / "in", 2)
    out = tmp_path / "out"
    out.mkdir()
    (out / ".facts.jsonl.0123abcd.x1y2.tmp").write_text('{"doc_id":"old"}\n', encoding="utf-8")
    (out / ".documents.jsonl.x9.tmp").write_text("", encoding="utf-8")
    (out / ".parts-0123456789ab" / "part-000000-aa").mkdir(parents=True)
    (out / "notes.txt.tmp").write_text("not ours", encoding="utf-8")
    assert main(["extract", str(tmp_path / "in"), "--out", str(out), "--quiet"]) == 0
    assert "removed 3 temporary file(s) left in" in capsys.readouterr().err
    assert sorted(os.listdir(out)) == ["documents.jsonl", "facts.jsonl", "manifest.json", "notes.txt.tmp"]


def test_hostile_resume_reuses_the_journal_of_a_killed_run(tmp_path, monkeypatch, capsys):
    short_docs(tmp_path / "in", 12)
    out = tmp_path / "out"
    calls: list[str] = []

    def dies_at_d008(doc):
        calls.append(doc.doc_id)
        if doc.doc_id == "d008":
            raise SystemExit("killed")  # stands for kill -9: see the CLI test for a real one
        return REAL_EXTRACT(doc)

    monkeypatch.setattr(run, "extract_document", dies_at_d008)
    monkeypatch.setattr(AtomicFile, "discard", lambda self: None)  # a killed process deletes nothing
    with pytest.raises(SystemExit):
        write_results(iter_results([str(tmp_path / "in")]), out, flush_every=4)
    monkeypatch.undo()
    assert len(list(out.glob(".documents.jsonl.*.tmp"))) == 1
    monkeypatch.setattr(run, "extract_document", lambda doc: calls.append(doc.doc_id) or REAL_EXTRACT(doc))
    calls.clear()
    assert main(["extract", str(tmp_path / "in"), "--out", str(out), "--resume", "--quiet"]) == 0
    assert "resumed: 8 unchanged documents reused from" in capsys.readouterr().out
    assert calls == ["d008", "d009", "d010", "d011"]
    assert not [p for p in os.listdir(out) if p.endswith(".tmp")]
    fresh = tmp_path / "fresh"
    write_results(iter_results([str(tmp_path / "in")]), fresh)
    for name in ("facts.jsonl", "documents.jsonl"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes()
