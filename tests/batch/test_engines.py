"""--jobs N and --engine dask give byte-identical outputs to one process; failed partitions are retried.

Inputs: the bundled corpus plus a slice of the real news of ../shared/bench (when present),
so partitions cut through a JSONL file and through a gold folder.
"""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.batch.engines import local
from pipeline.batch.engines.dask_engine import PartitionsFailed, run_dask
from pipeline.batch.ingest import iter_inputs
from pipeline.batch.run import write_results

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO.parent / "shared" / "bench" / "vnnews.jsonl.gz"
_INDEX = re.compile(r"\b(?:PCI|PAPI|SIPAS|DDCI)\b|chỉ số|cải cách hành chính")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """The bundled corpus, and 60 bench articles: the first 40 and 20 that name an index."""
    paths = [str(REPO / "corpus")]
    if BENCH.exists():
        lines, named = [], []
        with gzip.open(BENCH, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i < 40:
                    lines.append(line)
                elif len(named) < 20 and _INDEX.search(line):
                    named.append(line)
                elif len(named) >= 20:
                    break
        sample = tmp_path_factory.mktemp("bench") / "news.jsonl"
        sample.write_text("".join(lines + named), encoding="utf-8")
        paths.append(str(sample))
    return paths


@pytest.fixture(scope="module")
def reference(inputs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("jobs1")
    write_results(local.iter_results(inputs, jobs=1), out)
    return out


def same_outputs(a: Path, b: Path) -> None:
    for name in ("facts.jsonl", "documents.jsonl"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_reference_has_every_document_in_input_order(inputs, reference):
    ids = [item.doc_id for item in iter_inputs(inputs)]
    docs = [json.loads(x) for x in (reference / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["doc_id"] for d in docs] == ids
    assert len(ids) == 5 + (60 if BENCH.exists() else 0)
    assert (reference / "facts.jsonl").stat().st_size > 0  # the seeds hold facts


def test_two_processes_give_the_same_bytes(inputs, reference, tmp_path):
    counts = write_results(local.iter_results(inputs, jobs=2, chunksize=3), tmp_path)
    same_outputs(reference, tmp_path)
    assert counts["documents"] == len(list(iter_inputs(inputs)))


def test_dask_same_bytes_and_a_failed_partition_is_retried(inputs, reference, cluster, tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    out = tmp_path / "out"
    report = run_dask(inputs, out, scheduler=cluster.scheduler_address, partition_size=7, retries=2,
                      fault={"partition": 2, "dir": str(marks), "times": 1})
    same_outputs(reference, out)
    n = len(list(iter_inputs(inputs)))
    assert report.partitions == -(-n // 7)  # ceil: many partitions, cutting through the JSONL file
    assert report.documents == report.counts["documents"] == n
    assert [a["partition"] for a in report.failed_attempts] == [2]
    assert "injected failure" in report.failed_attempts[0]["error"]
    assert report.failed_partitions == []
    assert report.parts_via == "shared"
    assert not list(out.glob(".parts-*"))  # part files are cleaned up after the merge


def test_dask_parts_returned_to_the_client(inputs, reference, cluster, tmp_path):
    report = run_dask(inputs, tmp_path, scheduler=cluster.scheduler_address, partition_size=40,
                      parts_via="return")
    same_outputs(reference, tmp_path)
    assert report.parts_via == "return" and report.failed_attempts == []


def test_dask_partition_failing_every_retry_is_reported_and_nothing_written(inputs, cluster, tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "facts.jsonl").write_text("previous run\n", encoding="utf-8")
    with pytest.raises(PartitionsFailed) as err:
        run_dask(inputs, out, scheduler=cluster.scheduler_address, partition_size=7, retries=1,
                 fault={"partition": 1, "dir": str(marks), "times": 99})
    report = err.value.report
    assert [p["partition"] for p in report.failed_partitions] == [1]
    assert [a["partition"] for a in report.failed_attempts] == [1, 1]  # first try and one retry
    assert "partition 1" in str(err.value)
    assert (out / "facts.jsonl").read_text(encoding="utf-8") == "previous run\n"
    assert not (out / "documents.jsonl").exists()


def test_cli_dask_engine_with_a_scheduler(inputs, reference, cluster, tmp_path, capsys):
    assert main(["extract", *inputs, "--engine", "dask", "--scheduler", cluster.scheduler_address,
                 "--out", str(tmp_path), "--quiet"]) == 0
    same_outputs(reference, tmp_path)
    assert "0 failed attempt(s)" in capsys.readouterr().err
