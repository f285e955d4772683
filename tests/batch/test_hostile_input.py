"""Hostile and sloppy input (issue 13, items 3, 4, 5, 7, 13, 14): a clear error or a correct result.

Every input is built here, from a few bytes to a few MB; the real Vietnamese
text is the bundled seed article. No assertion is about time: the gzip bomb is
checked by how many reads it costs, memory by tracemalloc.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import random
import sys
import tracemalloc
from pathlib import Path

import pytest

from pipeline.batch import ingest
from pipeline.batch.ingest import MAX_ID_CHARS, MAX_SAME_ERRORS, SummarisedErrors, iter_inputs
from pipeline.batch.run import process
from pipeline.batch.seen_ids import SeenIds
from pipeline.cli import main
from pipeline.core.normalize import normalize_text
from pipeline.records import Document, DocumentError

REPO = Path(__file__).resolve().parents[2]
ARTICLE = REPO / "corpus" / "seeds" / "texts" / "000_1958cf11339f40e9.txt"
ARTICLE_BYTES = ARTICLE.read_bytes()
SENTENCE = "Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS, tăng 27 bậc so với năm 2021."


def jsonl(*records) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r, ensure_ascii=False).encode()) + b"\n"
                    for r in records)


def summary(items) -> list[tuple]:
    """What a run keeps of each item, without the file's own name."""
    out = []
    for i in items:
        line = i.source.rpartition(":")[2]
        if isinstance(i, Document):
            out.append(("doc", i.doc_id, line, i.text))
        else:
            out.append(("error", line, i.reason))
    return out


def read_lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


# --------------------------------------------------------------------------- 3: standard input = a file


@pytest.mark.parametrize("lead", [b"", b"\n\n  \n"])
def test_stdin_jsonl_whose_first_line_is_over_max_bytes_reads_the_records_after_it(tmp_path, lead):
    data = lead + jsonl({"id": "long", "text": SENTENCE * 20}, {"id": "tb", "text": SENTENCE}, b"{oops")
    from_stdin = list(iter_inputs(["-"], stdin=io.BytesIO(data), max_bytes=500))
    (tmp_path / "same.jsonl").write_bytes(data)
    from_file = list(iter_inputs([tmp_path / "same.jsonl"], max_bytes=500))
    first = len(lead.splitlines()) + 1
    assert summary(from_stdin) == summary(from_file) == [
        ("error", str(first), "record too large: line longer than --max-bytes 500 bytes"),
        ("doc", "tb", str(first + 1), SENTENCE),
        ("error", str(first + 2), "invalid JSON: Expecting property name enclosed in double quotes at column 2"),
    ]
    assert [i.doc_id for i in from_stdin] == [f"stdin:{first}", "tb", f"stdin:{first + 2}"]


def test_stdin_through_the_command_gives_what_the_file_gives(tmp_path, monkeypatch):
    data = jsonl({"id": "long", "text": SENTENCE * 20}, {"id": "tb", "text": SENTENCE})
    (tmp_path / "same.jsonl").write_bytes(data)
    assert main(["extract", str(tmp_path / "same.jsonl"), "--out", str(tmp_path / "file"), "--quiet",
                 "--max-bytes", "500"]) == 3
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["extract", "-", "--out", str(tmp_path / "stdin"), "--quiet", "--max-bytes", "500"]) == 3
    by_file, by_stdin = (read_lines(tmp_path / d / "documents.jsonl") for d in ("file", "stdin"))
    assert [(d["doc_id"], d["status"]) for d in by_stdin] == [("stdin:1", "error"), ("tb", "ok")]
    assert [(d["reason"], d["n_facts"]) for d in by_stdin] == [(d["reason"], d["n_facts"]) for d in by_file]
    assert by_stdin[1]["n_facts"] > 0
    assert (tmp_path / "stdin" / "facts.jsonl").read_bytes() == (tmp_path / "file" / "facts.jsonl").read_bytes()


def test_stdin_plain_text_keeps_its_leading_blank_lines_like_a_file(tmp_path):
    data = b"\n\n" + SENTENCE.encode()
    [doc] = iter_inputs(["-"], stdin=io.BytesIO(data))
    (tmp_path / "same.txt").write_bytes(data)
    [same] = iter_inputs([tmp_path / "same.txt"])
    assert doc.text == same.text == "\n\n" + SENTENCE
    # one line of plain text over --max-bytes is still "too large", not JSON Lines
    [err] = iter_inputs(["-"], stdin=io.BytesIO(SENTENCE.encode() * 20), max_bytes=500)
    assert err.reason == "standard input too large: a line is longer than --max-bytes 500 bytes"


# --------------------------------------------------------------------------- 4: a few stray bytes


def stray_and_cut() -> dict[str, tuple[bytes, int]]:
    k = ARTICLE_BYTES.index("xếp thứ 13/63".encode())
    cut = ARTICLE_BYTES.rindex("ố".encode())  # cut inside the last "ố" (3 bytes): 2 bytes left over
    return {"stray_a0": (ARTICLE_BYTES[:k] + b"\xa0" + ARTICLE_BYTES[k:], 1),
            "cut_in_char": (ARTICLE_BYTES[:cut + 2], 2)}


def test_a_stray_byte_is_replaced_and_counted_not_the_article_lost(tmp_path):
    data, n_bad = stray_and_cut()["stray_a0"]
    k = ARTICLE_BYTES.index("xếp thứ 13/63".encode())
    (tmp_path / "stray.txt").write_bytes(data)
    [doc] = iter_inputs([tmp_path / "stray.txt"])
    assert isinstance(doc, Document)
    assert (doc.meta["encoding"], doc.meta["replaced_bytes"]) == ("utf-8", 1)
    assert doc.text == normalize_text(ARTICLE_BYTES[:k].decode() + "\ufffd" + ARTICLE_BYTES[k:].decode())
    assert "Thái Bình \ufffdxếp thứ 13/63" in doc.text


def test_an_article_cut_inside_a_character_keeps_what_decodes(tmp_path):
    data, n_bad = stray_and_cut()["cut_in_char"]
    (tmp_path / "cut.txt").write_bytes(data)
    [doc] = iter_inputs([tmp_path / "cut.txt"])
    assert (doc.meta["encoding"], doc.meta["replaced_bytes"]) == ("utf-8", 2)
    assert doc.text == normalize_text(data[:-2].decode() + "\ufffd")


def test_stray_byte_keeps_the_facts_and_documents_jsonl_says_how_many_bytes(tmp_path):
    data, _ = stray_and_cut()["stray_a0"]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "clean.txt").write_bytes(ARTICLE_BYTES)
    (tmp_path / "in" / "stray.txt").write_bytes(data)
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "in"), "--out", str(out), "--quiet"]) == 0
    docs = {d["doc_id"]: d for d in read_lines(out / "documents.jsonl")}
    assert docs["stray"]["status"] == "ok" and docs["stray"]["replaced_bytes"] == 1
    assert "replaced_bytes" not in docs["clean"]  # other records keep their bytes
    facts = read_lines(out / "facts.jsonl")
    clean = {(f["type"], f.get("province"), f.get("year")) for f in facts if f["doc_id"] == "clean"}
    stray = {(f["type"], f.get("province"), f.get("year")) for f in facts if f["doc_id"] == "stray"}
    assert ("rank_change", "Thái Bình", 2022) in stray
    assert stray == clean and docs["stray"]["n_facts"] == docs["clean"]["n_facts"] > 0


def test_jsonl_record_with_a_stray_byte_keeps_its_text():
    line = json.dumps({"id": "r", "text": SENTENCE}, ensure_ascii=False).encode().replace("Bình".encode(), "Bình".encode() + b"\xa0")
    [doc] = iter_inputs(["-"], stdin=io.BytesIO(line + b"\n"))
    assert doc.text == SENTENCE.replace("Bình", "Bình\ufffd", 1)
    assert doc.meta["replaced_bytes"] == 1


def test_binary_and_legacy_encodings_are_not_taken_for_utf8_with_stray_bytes(tmp_path):
    rng = random.Random(13)
    (tmp_path / "noise.txt").write_bytes(bytes(rng.randrange(128, 256) for _ in range(20_000)))
    (tmp_path / "png.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(20_000)))
    noise, png = iter_inputs([tmp_path / "noise.txt", tmp_path / "png.txt"])
    assert isinstance(noise, DocumentError) and noise.reason.startswith("binary")
    assert isinstance(png, DocumentError) and png.reason.startswith("binary")
    # a JSONL line in Windows-1258 is still "invalid UTF-8", not text full of U+FFFD
    [err] = iter_inputs(["-"], stdin=io.BytesIO(json.dumps({"id": "c", "text": SENTENCE}, ensure_ascii=False)
                                                 .encode("cp1258", "replace") + b"\n"))
    assert err.reason.startswith("invalid UTF-8 at byte")


# --------------------------------------------------------------------------- 5: lone surrogates in metadata and ids


def test_lone_surrogates_in_title_and_id_are_cleaned_on_ingestion(tmp_path):
    line = (b'{"id": "tb\\ud800", "title": "Ti\\ud800tle Th\\u00e1i B\\u00ecnh", "text": '
            + json.dumps(SENTENCE).encode() + b'}\n')
    (tmp_path / "s.jsonl").write_bytes(line + line.replace(b"tb\\ud800", b"tb\\ud801"))
    a, b = iter_inputs([tmp_path / "s.jsonl"])
    assert (a.doc_id, b.doc_id) == ("tb\\ud800", "tb\\ud801")  # visible, distinct, stable
    assert a.meta["title"] == "Ti\ufffdtle Thái Bình"
    record = process(a).record
    assert record["status"] == "ok" and record["n_facts"] > 0
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "s.jsonl"), "--out", str(out), "--quiet"]) == 0
    docs = read_lines(out / "documents.jsonl")
    assert [(d["doc_id"], d["status"], d["title"]) for d in docs] == [
        ("tb\\ud800", "ok", "Ti\ufffdtle Thái Bình"), ("tb\\ud801", "ok", "Ti\ufffdtle Thái Bình")]
    (out / "documents.jsonl").read_bytes().decode("utf-8")  # strict UTF-8 throughout


# --------------------------------------------------------------------------- 7: undecodable file names


@pytest.mark.skipif(sys.platform != "linux", reason="file names of arbitrary bytes need a Linux file system")
def test_undecodable_file_names_keep_distinct_stable_ids(tmp_path):
    folder = os.fsencode(tmp_path / "in")
    os.mkdir(folder)
    for name, text in ((b"\xfe.txt", SENTENCE), (b"\xff.txt", "Lào Cai đạt 66,3 điểm PCI năm 2022.")):
        with open(os.path.join(folder, name), "wb") as fh:
            fh.write(text.encode())
    runs = [[(i.doc_id, i.source.rpartition("/")[2], getattr(i, "text", None))
             for i in iter_inputs([tmp_path / "in"])] for _ in range(2)]
    assert runs[0] == runs[1] == [("\\xfe", "\\xfe.txt", SENTENCE),
                                  ("\\xff", "\\xff.txt", "Lào Cai đạt 66,3 điểm PCI năm 2022.")]


# --------------------------------------------------------------------------- 13: bombs


class CountingGzip(gzip.GzipFile):
    """A gzip reader that counts readline calls (one per line was the 89-second bomb)."""

    readlines_called = 0

    def readline(self, size=-1):
        CountingGzip.readlines_called += 1
        return super().readline(size)


def test_gzip_bomb_of_newlines_costs_a_few_reads_and_keeps_line_numbers(tmp_path):
    bomb = tmp_path / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as fh:
        for _ in range(20):
            fh.write(b"\n" * 1_000_000)
        fh.write(jsonl({"id": "tb", "text": SENTENCE}))
        fh.write(b" \r\n" * 1000)
    assert bomb.stat().st_size < 50_000
    CountingGzip.readlines_called = 0
    reader = ingest._LineReader(CountingGzip(bomb, "rb"), max_bytes=1000)
    [(lineno, line)] = list(reader)
    assert lineno == 20_000_001 and json.loads(line)["id"] == "tb"
    assert reader.lineno == 20_001_001
    assert CountingGzip.readlines_called < 10
    [doc] = iter_inputs([bomb])
    assert (doc.doc_id, doc.source.rpartition(":")[2]) == ("tb", "20000001")


def test_max_input_bytes_stops_a_bomb_with_an_error_line_after_the_records_before(tmp_path):
    bomb = tmp_path / "big.jsonl.gz"
    with gzip.open(bomb, "wb") as fh:
        fh.write(jsonl({"id": "a", "text": SENTENCE}, {"id": "b", "text": SENTENCE}))
        fh.write(b"\n" * 5_000_000)
        fh.write(jsonl({"id": "c", "text": SENTENCE}))
    got = list(iter_inputs([bomb], max_input_bytes=1_000_000))
    assert [(type(i).__name__, i.doc_id) for i in got[:2]] == [("Document", "a"), ("Document", "b")]
    stopped = int(got[2].doc_id.rpartition(":")[2])  # the line where reading stopped, in the blank run
    assert len(got) == 3 and 3 <= stopped <= 1_000_003 and got[2].source.endswith(f"big.jsonl.gz:{stopped}")
    assert got[2].reason == ("input too large: more than --max-input-bytes 1,000,000 bytes after "
                             "decompression, after 2 records; the rest is not read")
    assert [i.doc_id for i in iter_inputs([bomb])] == ["a", "b", "c"]  # the default lets it through


def test_repeated_identical_errors_are_summarised_and_every_document_counted(tmp_path, capsys):
    n = 3000
    (tmp_path / "empty.jsonl").write_bytes(b"{}\n" * n + jsonl({"id": "tb", "text": SENTENCE}))
    got = list(iter_inputs([tmp_path / "empty.jsonl"]))
    assert len(got) == MAX_SAME_ERRORS + 2
    assert all(i.reason == "record has no text field" for i in got[:MAX_SAME_ERRORS])
    assert isinstance(got[MAX_SAME_ERRORS], Document)
    last = got[-1]
    assert isinstance(last, SummarisedErrors) and last.n_documents == n - MAX_SAME_ERRORS
    assert last.reason == (f"{n - MAX_SAME_ERRORS:,} more lines of this input failed: record has no text field "
                           f"(from {tmp_path / 'empty.jsonl'}:{MAX_SAME_ERRORS + 1} on; only the first 100 are listed)")
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "empty.jsonl"), "--out", str(out), "--quiet"]) == 3
    lines = read_lines(out / "documents.jsonl")
    assert len(lines) == MAX_SAME_ERRORS + 2
    assert lines[-1]["n_documents"] == n - MAX_SAME_ERRORS and lines[-1]["status"] == "error"
    assert sum(d.get("n_documents", 1) for d in lines) == n + 1  # every input document accounted for
    printed = capsys.readouterr()
    assert f"documents: {n + 1}  ok: 1  errors: {n}" in printed.out
    assert f"{n} document(s) failed" in printed.err


def test_summary_lines_are_the_same_with_two_processes(tmp_path):
    (tmp_path / "mixed.jsonl").write_bytes(b"{}\n" * 300 + jsonl({"id": "tb", "text": SENTENCE}) + b"[]\n" * 150)
    for jobs in ("1", "2"):
        assert main(["extract", str(tmp_path / "mixed.jsonl"), "--out", str(tmp_path / jobs), "--quiet",
                     "--jobs", jobs]) == 3
    one, two = ((tmp_path / j / "documents.jsonl").read_bytes() for j in ("1", "2"))
    assert one == two
    lines = read_lines(tmp_path / "1" / "documents.jsonl")
    assert [(d["reason"].partition(" (")[0], d["n_documents"]) for d in lines if "n_documents" in d] == [
        ("200 more lines of this input failed: record has no text field", 200),
        ("50 more lines of this input failed: record is a JSON list, not an object", 50)]
    assert sum(d.get("n_documents", 1) for d in lines) == 451


def test_duplicate_check_memory_does_not_grow_with_the_ids(tmp_path):
    """Ids were kept for duplicate checks (~200 bytes each, more for long ids); now 64-bit hashes."""
    path = tmp_path / "words.jsonl.gz"
    pad = "x" * 150
    with gzip.open(path, "wb", compresslevel=1) as fh:
        for i in range(60_000):
            fh.write(b'{"id":"%s-%06d","text":"PCI"}\n' % (pad.encode(), i))
    tracemalloc.start()
    try:
        at = {}
        for k, item in enumerate(iter_inputs([path]), 1):
            assert isinstance(item, Document)
            if k in (20_000, 60_000):
                at[k] = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    per_id = (at[60_000] - at[20_000]) / 40_000
    assert per_id < 80, f"{per_id:.0f} bytes per document"  # the ids alone are 200+ bytes each


def test_seen_ids_finds_every_duplicate_and_only_those():
    seen = SeenIds(capacity=4)
    for i in range(5000):
        seen.add(f"doc-{i}", i)
    assert len(seen) == 5000
    assert [seen.get(f"doc-{i}") for i in (0, 1234, 4999)] == [0, 1234, 4999]
    assert seen.get("doc-5000") is None and seen.get("Thái Bình") is None
    seen.add("doc-7", 99)  # the first place is kept
    assert seen.get("doc-7") == 7
    assert seen.nbytes / len(seen) <= 43


def test_duplicates_name_where_the_first_one_was(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(jsonl({"id": "tb", "text": SENTENCE}))
    (tmp_path / "b.jsonl").write_bytes(b"\n" + jsonl({"id": "tb", "text": "Lào Cai."}))
    a, b = iter_inputs([tmp_path / "a.jsonl", tmp_path / "b.jsonl"])
    assert b.reason == f"duplicate id tb (first seen at {tmp_path / 'a.jsonl'}:1)"
    assert b.source == f"{tmp_path / 'b.jsonl'}:2"


# --------------------------------------------------------------------------- 14: huge ids


def test_a_megabyte_id_is_an_error_line_not_repeated_on_every_fact(tmp_path):
    huge = "đ" * 1_000_000
    (tmp_path / "ids.jsonl").write_bytes(jsonl({"id": huge, "text": SENTENCE},
                                               {"id": "x" * MAX_ID_CHARS, "text": SENTENCE},
                                               b'{"id": ' + b"7" * 5000 + b', "text": "PCI"}'))
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "ids.jsonl"), "--out", str(out), "--quiet"]) == 3
    docs = read_lines(out / "documents.jsonl")
    assert docs[0]["doc_id"] == "ids:1" and docs[0]["status"] == "error"
    assert docs[0]["reason"] == ('id too long: 1,000,000 characters, more than 200 (it starts "'
                                 + "\\u0111" * 40 + '")')
    assert docs[1]["doc_id"] == "x" * MAX_ID_CHARS and docs[1]["status"] == "ok"  # at the limit: fine
    assert docs[2]["doc_id"] == "ids:3" and docs[2]["reason"].startswith("invalid JSON: ")
    assert (out / "documents.jsonl").stat().st_size < 2000
    assert (out / "facts.jsonl").stat().st_size < 10 * 1000 * (docs[1]["n_facts"] + 1)


def test_max_input_bytes_option_is_parsed_like_max_bytes(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(jsonl({"id": "a", "text": SENTENCE}) + b"\n" * 2000)
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "a.jsonl"), "--out", str(out), "--quiet",
                 "--max-input-bytes", "1KB"]) == 3
    docs = read_lines(out / "documents.jsonl")
    assert [d["status"] for d in docs] == ["ok", "error"]
    assert docs[1]["reason"].startswith("input too large: more than --max-input-bytes 1,000 bytes, after 1 records")
