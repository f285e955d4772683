"""Outputs: atomic, byte-identical on re-runs, and --resume reuses exactly the unchanged documents."""
from __future__ import annotations

import json
import os
import shutil
import unicodedata
from pathlib import Path

import pytest

from pipeline.batch import run
from pipeline.core.normalize import normalize_text
from pipeline.records import Document
from pipeline.batch.run import iter_results, process, write_results
from pipeline.batch.write import AtomicFile, DocumentFailed, ResumeIndex, content_sha256, dumps

REPO = Path(__file__).resolve().parents[2]
SEEDS = sorted((REPO / "corpus" / "seeds" / "texts").glob("*.txt"))
EXTRA = "\nNăm 2023, chỉ số PAPI của tỉnh xếp thứ 9/63 tỉnh, thành phố, tăng 5 bậc so với năm 2022.\n"


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def copy_seeds(folder: Path, n: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, seed in zip("abcdefgh", SEEDS[:n]):
        out.append(folder / f"{name}.txt")
        shutil.copy(seed, out[-1])
    return out


def run_once(inputs, out: Path, **kw):
    return write_results(iter_results([str(p) for p in inputs], **kw), out)


def test_atomic_file_appears_only_on_commit(tmp_path):
    target = tmp_path / "facts.jsonl"
    with AtomicFile(target) as f:
        f.write_line({"doc_id": "a", "evidence": "Thái Bình xếp thứ 13/63."})
        assert not target.exists() and len(leftovers(tmp_path)) == 1
        f.commit()
    assert target.read_text(encoding="utf-8") == '{"doc_id":"a","evidence":"Thái Bình xếp thứ 13/63."}\n'
    assert leftovers(tmp_path) == []
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600


def test_atomic_file_failure_keeps_the_old_file(tmp_path):
    target = tmp_path / "documents.jsonl"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with AtomicFile(target) as f:
            f.write_line({"doc_id": "new"})
            raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old\n" and leftovers(tmp_path) == []


def test_dumps_survives_a_lone_surrogate():
    line = dumps({"evidence": "Thái Bình \ud800"})
    assert line.encode("utf-8") and json.loads(line) == {"evidence": "Thái Bình \ud800"}
    assert dumps({"x": "Huế"}) == '{"x":"Huế"}'


def test_rerun_gives_the_same_bytes(tmp_path):
    inputs = copy_seeds(tmp_path / "in", 5)
    run_once(inputs, tmp_path / "o1")
    run_once(inputs, tmp_path / "o2")
    for name in ("facts.jsonl", "documents.jsonl"):
        assert (tmp_path / "o1" / name).read_bytes() == (tmp_path / "o2" / name).read_bytes()
    assert (tmp_path / "o1" / "facts.jsonl").stat().st_size > 1000


def test_interrupted_run_leaves_previous_outputs_whole(tmp_path):
    inputs = copy_seeds(tmp_path / "in", 2)
    out = tmp_path / "out"
    run_once(inputs, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def interrupted():
        yield from iter_results([str(p) for p in inputs])
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_results(interrupted(), out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_strict_stops_at_the_first_failure_and_writes_nothing(tmp_path):
    inputs = copy_seeds(tmp_path / "in", 2)
    (tmp_path / "in" / "b.txt").write_bytes(b"")
    with pytest.raises(DocumentFailed) as info:
        write_results(iter_results([str(tmp_path / "in")]), tmp_path / "out", strict=True)
    assert info.value.record["source"] == str(tmp_path / "in" / "b.txt")
    assert str(info.value) == f"{tmp_path / 'in' / 'b.txt'}: empty file (0 bytes) (doc_id b)"
    assert sorted(os.listdir(tmp_path / "out")) == []
    assert inputs


def test_sha256_is_of_the_normalised_text_whatever_the_encoding(tmp_path):
    text = SEEDS[0].read_text(encoding="utf-8")
    (tmp_path / "nfc.txt").write_text(text, encoding="utf-8")
    (tmp_path / "nfd.txt").write_bytes(unicodedata.normalize("NFD", text).replace("\n", "\r\n").encode("utf-16"))
    a, b = (r.record for r in iter_results([str(tmp_path / "nfc.txt"), str(tmp_path / "nfd.txt")]))
    assert a["sha256"] == b["sha256"] == content_sha256(normalize_text(text))
    assert (a["encoding"], b["encoding"]) == ("utf-8", "utf-16 (BOM)")


@pytest.fixture
def count_extractions(monkeypatch):
    calls: list[str] = []
    real = run.extract_document

    def counting(doc):
        calls.append(doc.doc_id)
        return real(doc)

    monkeypatch.setattr(run, "extract_document", counting)
    return calls


def test_resume_reextracts_only_new_and_changed_documents(tmp_path, count_extractions):
    a, b, c = copy_seeds(tmp_path / "in", 3)
    out = tmp_path / "out"
    run_once([tmp_path / "in"], out)
    assert count_extractions == ["a", "b", "c"]
    b.write_text(b.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")  # changed
    shutil.copy(SEEDS[3], tmp_path / "in" / "bb.txt")  # new, between b and c
    c.unlink()  # gone
    count_extractions.clear()
    index = ResumeIndex.load(out)
    counts = run_once([tmp_path / "in"], out, resume=index)
    index.close()
    assert count_extractions == ["b", "bb"] and index.reused == 1
    assert counts["documents"] == 3
    fresh = tmp_path / "fresh"
    run_once([tmp_path / "in"], fresh)
    for name in ("facts.jsonl", "documents.jsonl"):  # complete, in input order, same bytes as a full run
        assert (out / name).read_bytes() == (fresh / name).read_bytes()
    facts = [json.loads(x) for x in (out / "facts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [f["doc_id"] for f in facts] == sorted((f["doc_id"] for f in facts), key=["a", "b", "bb"].index)
    assert any(f["doc_id"] == "b" and f.get("index") == "PAPI" and f.get("rank") == 9 for f in facts)


def test_resume_takes_the_new_source_of_a_moved_file(tmp_path, count_extractions):
    copy_seeds(tmp_path / "in", 1)
    out = tmp_path / "out"
    run_once([tmp_path / "in"], out)
    (tmp_path / "moved").mkdir()
    os.replace(tmp_path / "in" / "a.txt", tmp_path / "moved" / "a.txt")
    count_extractions.clear()
    index = ResumeIndex.load(out)
    run_once([tmp_path / "moved"], out, resume=index)
    index.close()
    assert count_extractions == []
    [rec] = [json.loads(x) for x in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rec["source"] == str(tmp_path / "moved" / "a.txt") and rec["n_facts"] > 0


def test_resume_does_not_trust_outputs_that_disagree(tmp_path, count_extractions):
    copy_seeds(tmp_path / "in", 2)
    out = tmp_path / "out"
    run_once([tmp_path / "in"], out)
    lines = (out / "facts.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    first_a = next(i for i, x in enumerate(lines) if json.loads(x)["doc_id"] == "a")
    del lines[first_a]  # a's fact count no longer matches its documents.jsonl record
    (out / "facts.jsonl").write_text("".join(lines), encoding="utf-8")
    (out / "manifest.json").unlink()  # as written before manifests (with it: an error, tests/batch/test_hostile_run.py)
    count_extractions.clear()
    index = ResumeIndex.load(out)
    run_once([tmp_path / "in"], out, resume=index)
    index.close()
    assert count_extractions == ["a"]


def test_resume_without_previous_outputs_extracts_everything(tmp_path, count_extractions):
    copy_seeds(tmp_path / "in", 2)
    index = ResumeIndex.load(tmp_path / "nothing-here")
    assert len(index) == 0
    run_once([tmp_path / "in"], tmp_path / "out", resume=index)
    assert count_extractions == ["a", "b"]


def test_error_records_are_never_reused(tmp_path, count_extractions):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(b"")
    run_once([tmp_path / "in"], tmp_path / "out")
    shutil.copy(SEEDS[0], tmp_path / "in" / "a.txt")
    index = ResumeIndex.load(tmp_path / "out")
    assert len(index) == 0
    run_once([tmp_path / "in"], tmp_path / "out", resume=index)
    assert count_extractions == ["a"]
    assert process(Document("a", "x", "s", {})).record["status"] == "ok"
