"""Ingestion: every input document becomes a Document or a clear error line, whatever the bytes.

Broken files are generated in tmp_path (nothing binary is committed); real
Vietnamese text comes from corpus/seeds/texts and tests/data.
"""
from __future__ import annotations

import codecs
import gzip
import json
import os
import random
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.batch import ingest
from pipeline.api import extract_text
from pipeline.cli import main
from pipeline.batch.ingest import decode_bytes, iter_inputs
from pipeline.core.normalize import normalize_text
from pipeline.records import Document, DocumentError
from pipeline.batch.run import process

REPO = Path(__file__).resolve().parents[2]
SEEDS = sorted((REPO / "corpus" / "seeds" / "texts").glob("*.txt"))
ARTICLE = REPO / "corpus" / "seeds" / "texts" / "000_1958cf11339f40e9.txt"
HTML_PAGE = REPO / "tests" / "data" / "thaibinh_cchc.html"
TONES = "\u0300\u0301\u0303\u0309\u0323"  # the five Vietnamese tone marks


def to_cp1258(text: str) -> bytes:
    """Encode like a Windows-1258 editor: precomposed base letters (â, ơ, ư...) + combining tone marks."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return bytes(out)


def read_seed(i: int) -> str:
    return SEEDS[i].read_text(encoding="utf-8")


def items(*paths, **kw) -> list[Document | DocumentError]:
    return list(iter_inputs([str(p) for p in paths], **kw))


def facts_without_id(facts):
    return [{k: v for k, v in f.items() if k != "doc_id"} for f in facts]


# --------------------------------------------------------------------------- encodings

ARTICLE_TEXT = ARTICLE.read_text(encoding="utf-8")
ENCODINGS = {
    "utf-8 NFC": (ARTICLE_TEXT.encode("utf-8"), "utf-8"),
    "utf-8 BOM": (codecs.BOM_UTF8 + ARTICLE_TEXT.encode("utf-8"), "utf-8 (BOM)"),
    "utf-8 NFD": (unicodedata.normalize("NFD", ARTICLE_TEXT).encode("utf-8"), "utf-8"),
    "utf-16 BOM": (ARTICLE_TEXT.encode("utf-16"), "utf-16 (BOM)"),
    "utf-16-le no BOM": (ARTICLE_TEXT.encode("utf-16-le"), "utf_16_le"),
    "windows-1258": (to_cp1258(ARTICLE_TEXT), "cp1258"),
    "utf-8 CRLF": (ARTICLE_TEXT.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
}


@pytest.fixture(scope="module")
def reference_facts():
    doc = Document("article", normalize_text(ARTICLE_TEXT), "<ref>", {})
    res = process(doc)
    assert res.record["status"] == "ok", res.record
    return res.facts


@pytest.mark.parametrize("name", list(ENCODINGS))
def test_same_article_in_every_encoding_gives_same_text_and_facts(tmp_path, name, reference_facts):
    data, encoding = ENCODINGS[name]
    (tmp_path / "article.txt").write_bytes(data)
    [doc] = items(tmp_path / "article.txt")
    assert isinstance(doc, Document), doc
    assert doc.doc_id == "article"
    assert doc.meta["encoding"] == encoding
    assert doc.text == normalize_text(ARTICLE_TEXT)
    assert doc.text.startswith("Thứ 4, 06/12/2023, 08:41[GMT+7]\n\nNửa nhiệm kỳ thực hiện")
    assert process(doc).facts == reference_facts


def test_reference_article_has_its_known_facts(reference_facts):
    """The equality above is not vacuous: the article's SIPAS and PCI ranks are among the facts."""
    text = normalize_text(ARTICLE_TEXT)
    ranks = {(f["province"], f["index"], f["year"], f["rank"]) for f in reference_facts if f["type"] == "rank"}
    assert ("Thái Bình", "SIPAS", 2022, 13) in ranks
    assert ("Thái Bình", "PCI", 2022, 28) in ranks
    for f in reference_facts:
        assert text[f["char_start"]:f["char_end"]] == f["evidence"]


def test_windows_1258_needs_nfc_to_equal_the_utf8_text():
    raw = to_cp1258(ARTICLE_TEXT).decode("cp1258")
    assert raw != ARTICLE_TEXT  # tone marks come out as combining characters: "Thứ" is "Thư" + U+0301
    assert "Thư\u0301 4" in raw
    assert unicodedata.normalize("NFC", raw) == ARTICLE_TEXT
    text, encoding = decode_bytes(to_cp1258(ARTICLE_TEXT))
    assert encoding == "cp1258" and normalize_text(text) == normalize_text(ARTICLE_TEXT)


def test_mixed_tone_mark_styles_are_kept_as_written(tmp_path):
    """NFC composes, it does not move tone marks: "hoà" (new style) and "hòa" (old style) both stay."""
    text = "Khánh Hoà và Thanh Hóa, Hoa\u0300 Bình; Thanh Ho\u0301a xếp thứ 7/63."
    (tmp_path / "mixed.txt").write_text(text, encoding="utf-8")
    [doc] = items(tmp_path / "mixed.txt")
    assert doc.text == "Khánh Hoà và Thanh Hóa, Hoà Bình; Thanh Hóa xếp thứ 7/63."


@pytest.mark.parametrize("data, reason", [
    (b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(3000), "binary or undecodable content"),
    (b"\x00" * 4096, "binary content (4096 control characters), not text"),
    (b"%PDF-1.4\n" + bytes(range(256)) * 8, "binary"),
])
def test_binary_bytes_are_refused(data, reason):
    with pytest.raises(ingest.InputError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        decode_bytes(data)


# --------------------------------------------------------------------------- HTML


def test_html_page_gives_main_text_title_date_and_url():
    [doc] = items(HTML_PAGE)
    assert isinstance(doc, Document), doc
    assert doc.doc_id == "thaibinh_cchc"
    assert doc.meta == {
        "url": "https://baothaibinh.com.vn/tin-tuc/19/189432/trach-nhiem-ky-cuong-tang-cuong-cai-cach",
        "title": "Nửa nhiệm kỳ thực hiện nghị quyết đại hội đảng các cấp Trách nhiệm, kỷ cương, tăng cường "
                 "cải cách, tận dụng cơ hội, bứt phá vươn lên",
        "date": "2023-11-16",
        "encoding": "utf-8",
    }
    assert "Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS" in doc.text
    assert "Trang chủ" not in doc.text and "Bản quyền" not in doc.text  # navigation and footer dropped
    facts = process(doc).facts
    assert {(f["index"], f["rank"]) for f in facts if f["type"] == "rank"} >= {("SIPAS", 13), ("PCI", 28)}


def test_html_in_windows_1258_with_declared_charset(tmp_path):
    page = HTML_PAGE.read_text(encoding="utf-8").replace('<meta charset="utf-8">',
                                                        '<meta http-equiv="Content-Type" '
                                                        'content="text/html; charset=windows-1258">')
    (tmp_path / "page.htm").write_bytes(to_cp1258(page))
    [doc] = items(tmp_path / "page.htm")
    [ref] = items(HTML_PAGE)
    assert doc.meta["encoding"] == "cp1258"
    assert doc.text == ref.text and doc.meta["title"] == ref.meta["title"]


GALLERY_PAGE = ("<html><head><title>Ảnh</title></head><body><img src='anh-1.jpg'><img src='anh-2.jpg'>"
                "<script>var slide = 1;</script></body></html>")


def test_html_without_main_text_is_an_error(tmp_path):
    (tmp_path / "gallery.html").write_text(GALLERY_PAGE, encoding="utf-8")
    [err] = items(tmp_path / "gallery.html")
    assert err == DocumentError("gallery", str(tmp_path / "gallery.html"), "no main text found in the HTML page")


# --------------------------------------------------------------------------- JSON Lines


def jsonl(*records) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                   for r in records).encode("utf-8")


def test_jsonl_records_with_metadata_fallback_ids_and_line_numbers(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_bytes(codecs.BOM_UTF8 + jsonl(
        {"id": "tb-1", "text": "Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS.",
         "url": "https://baothaibinh.com.vn/a", "title": "Thái Bình tăng hạng", "date": "2023-05-10"},
        "",
        {"text": "Chỉ số PCI năm 2022 của tỉnh xếp thứ 28/63.", "title": 7},
        {"id": 42, "text": "Khánh Hoa\u0300\u00a0tăng 7 bậc.\r\n"},
    ))
    docs = items(path)
    assert [(d.doc_id, d.source) for d in docs] == [
        ("tb-1", f"{path}:1"), ("batch:3", f"{path}:3"), ("42", f"{path}:4")]
    assert docs[0].meta == {"url": "https://baothaibinh.com.vn/a", "title": "Thái Bình tăng hạng",
                            "date": "2023-05-10", "encoding": "utf-8"}
    assert docs[1].meta["title"] is None  # not a string: dropped, not stringified
    assert docs[2].text == "Khánh Hoà tăng 7 bậc.\n"


def test_jsonl_gz_is_streamed_and_a_truncated_file_keeps_the_records_before(tmp_path):
    texts = [f"Năm {2000 + i}, Thái Bình xếp thứ {i + 1}/63 tỉnh, thành phố về chỉ số PCI." for i in range(3000)]
    data = gzip.compress(jsonl(*({"id": f"d{i}", "text": t} for i, t in enumerate(texts))), mtime=0)
    (tmp_path / "all.jsonl.gz").write_bytes(data)
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    full = items(tmp_path / "all.jsonl.gz")
    assert [d.text for d in full] == texts
    cut = items(tmp_path / "cut.jsonl.gz")
    *docs, err = cut
    assert 0 < len(docs) < 3000 and all(isinstance(d, Document) for d in docs)
    assert [d.text for d in docs] == texts[: len(docs)]
    assert err == DocumentError(f"cut:{len(docs) + 1}", f"{tmp_path / 'cut.jsonl.gz'}:{len(docs) + 1}",
                                f"truncated gzip file: compressed data ends early after {len(docs)} records; "
                                "the rest is lost")


def test_pretty_printed_json_array_is_one_error_not_one_per_line(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps([{"id": "a", "text": "Thái Bình xếp thứ 13/63."}], ensure_ascii=False, indent=2),
                    encoding="utf-8")
    assert items(path) == [DocumentError("export", str(path),
                                         "a JSON array spread over lines, not JSON Lines (one object per line)")]


def test_jsonl_line_over_max_bytes_is_skipped_without_stopping_the_file(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_bytes(jsonl({"id": "a", "text": "x" * 5000}, {"id": "b", "text": "Năm 2022 tăng 7 bậc."}))
    err, doc = items(path, max_bytes=1000)
    assert err == DocumentError("big:1", f"{path}:1", "record too large: line longer than --max-bytes 1,000 bytes")
    assert doc.doc_id == "b" and doc.source == f"{path}:2"


def test_a_large_jsonl_file_is_fine_when_each_record_is_small(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_bytes(jsonl(*({"id": f"r{i}", "text": f"Bài {i}: Thái Bình xếp thứ 13/63."} for i in range(2000))))
    assert path.stat().st_size > 50_000
    docs = items(path, max_bytes=200)
    assert len(docs) == 2000 and all(isinstance(d, Document) for d in docs)


# --------------------------------------------------------------------------- ids, folders, laziness


def test_doc_ids_repeat_stems_get_relative_paths(tmp_path):
    for rel in ("2023/report.txt", "2024/report.txt", "same/x.txt", "same/x.html", "solo.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "2023/report.txt").write_text("Năm 2023, Thái Bình xếp thứ 13/63.", encoding="utf-8")
    (tmp_path / "2024/report.txt").write_text("Năm 2024, Thái Bình xếp thứ 10/63.", encoding="utf-8")
    (tmp_path / "same/x.txt").write_text("Năm 2022, PCI tăng 7 bậc.", encoding="utf-8")
    (tmp_path / "same/x.html").write_bytes(HTML_PAGE.read_bytes())
    (tmp_path / "solo.txt").write_text("Một văn bản.", encoding="utf-8")
    ids = [d.doc_id for d in items(tmp_path)]
    assert ids == ["2023/report", "2024/report", "x.html", "x.txt", "solo"]


def test_duplicate_id_is_an_error_naming_the_first(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(jsonl({"id": "tb", "text": "Thái Bình xếp thứ 13/63."}))
    (tmp_path / "b.jsonl").write_bytes(jsonl({"id": "tb", "text": "Thái Bình xếp thứ 12/63."}))
    first, second = items(tmp_path)
    assert isinstance(first, Document)
    assert second == DocumentError("tb", f"{tmp_path / 'b.jsonl'}:1",
                                   f"duplicate id tb (first seen at {tmp_path / 'a.jsonl'}:1)")


def test_gold_set_folder_reads_texts_with_docs_metadata():
    docs = items(REPO / "corpus")
    assert [d.doc_id for d in docs] == [p.stem for p in SEEDS]
    assert docs[0].meta["date"] == "2023-11-16" and docs[0].meta["title"].startswith("Nửa nhiệm kỳ")


def test_the_output_folder_is_not_read_as_input(tmp_path):
    (tmp_path / "a.txt").write_text("Thái Bình xếp thứ 13/63.", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "documents.jsonl").write_text('{"doc_id": "a", "status": "ok"}\n', encoding="utf-8")
    assert [i.source for i in items(tmp_path, exclude=[tmp_path / "out"])] == [str(tmp_path / "a.txt")]
    assert len(items(tmp_path)) == 2  # without exclude it is just another folder


def test_iter_inputs_is_lazy(tmp_path):
    """Files are read when their turn comes: a file deleted meanwhile is an error, not a crash."""
    (tmp_path / "a.txt").write_text("Thái Bình xếp thứ 13/63.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Lai Châu xếp thứ 40/63.", encoding="utf-8")
    stream = iter_inputs([tmp_path])
    assert next(stream).doc_id == "a"
    (tmp_path / "b.txt").unlink()
    assert next(stream) == DocumentError("b", str(tmp_path / "b.txt"), "cannot read: no such file or directory")


def test_unreadable_paths(tmp_path, monkeypatch):
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "ok.txt").write_text("Thái Bình.", encoding="utf-8")
    os.symlink(tmp_path / "dir", tmp_path / "dir" / "again")  # a loop
    os.symlink(tmp_path / "dir", tmp_path / "alias")  # a second way into dir
    secret = tmp_path / "secret.txt"
    secret.write_text("Bí mật.", encoding="utf-8")
    real_open = open
    monkeypatch.setattr(ingest, "open", lambda p, *a, **k: (_ for _ in ()).throw(PermissionError(13, "denied"))
                        if Path(p) == secret else real_open(p, *a, **k), raising=False)
    got = items(tmp_path / "missing.txt", tmp_path / "dir", secret, tmp_path)
    d, alias = tmp_path / "dir", tmp_path / "alias"
    assert [(i.source, getattr(i, "reason", "ok")) for i in got] == [
        (str(tmp_path / "missing.txt"), "cannot read: no such file or directory"),
        (str(d / "again"), f"directory loop: {d / 'again'} leads back to {d}, not followed"),
        (str(d / "ok.txt"), "ok"),
        (str(secret), "cannot read: permission denied"),
        # walking tmp_path: alias/ comes first (sorted), so dir/ is the second way in
        (str(alias / "again"), f"directory loop: {alias / 'again'} leads back to {alias}, not followed"),
        (str(alias / "ok.txt"), "ok"),
        (str(d), f"folder already read as {alias}, not read twice"),
        (str(secret), "cannot read: permission denied"),
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_permission_denied_for_real(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text("Thái Bình.", encoding="utf-8")
    path.chmod(0)
    [err] = items(path)
    assert err.reason == "cannot read: permission denied"


def test_stdin_plain_text_and_jsonl():
    import io

    [doc] = items("-", stdin=io.BytesIO(to_cp1258("Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố.")))
    assert (doc.doc_id, doc.source, doc.text) == ("stdin", "<stdin>", "Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố.")
    got = items("-", stdin=io.BytesIO(b"\n" + jsonl({"id": "a", "text": "Lai Châu."}, "{oops")))
    assert [(i.doc_id, i.source) for i in got] == [("a", "<stdin>:2"), ("stdin:3", "<stdin>:3")]
    assert got[1].reason.startswith("invalid JSON: ")
    [err] = items("-", stdin=io.BytesIO(b""))
    assert err == DocumentError("stdin", "<stdin>", "empty standard input")


# --------------------------------------------------------------------------- the bar: 20 good + 20 broken


def build_bar_folder(root: Path) -> tuple[dict[str, tuple[str, dict]], dict[str, str]]:
    """20 good files of every kind and 20 broken ones.

    Returns ``good``: source -> (the text it must normalise to, its metadata),
    and ``broken``: source -> the exact error reason (a trailing ``*``: prefix).
    """
    root.mkdir(parents=True, exist_ok=True)
    seeds = [read_seed(i) for i in range(len(SEEDS))]
    short = "Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS, tăng 27 bậc so với năm 2021."
    no_meta = {"url": None, "title": None, "date": None}
    good: dict[str, tuple[str, dict]] = {}
    broken: dict[str, str] = {}

    def put(rel: str, data: bytes) -> str:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return str(path)

    def ok(rel, data, text, line=None, **meta):
        good[put(rel, data) + (f":{line}" if line else "")] = (text, {**no_meta, **meta})

    ok("utf8_nfc.txt", seeds[0].encode(), seeds[0])
    ok("utf8_bom.txt", codecs.BOM_UTF8 + seeds[1].encode(), seeds[1])
    ok("nfd.txt", unicodedata.normalize("NFD", seeds[2]).encode(), seeds[2])
    ok("utf16.txt", seeds[3].encode("utf-16"), seeds[3])
    ok("utf16le_nobom.txt", seeds[4].encode("utf-16-le"), seeds[4])
    ok("cp1258.txt", to_cp1258(seeds[0]), seeds[0])
    ok("crlf_nbsp.txt", seeds[1].replace("\n", "\r\n").replace(" ", "\u00a0", 40).encode(), seeds[1])
    half = len(seeds[2]) // 2
    ok("mixed_nfc_nfd.txt", (seeds[2][:half] + unicodedata.normalize("NFD", seeds[2][half:])).encode(), seeds[2])
    ok("cr_only.txt", short.replace(", ", ",\r").encode(), short.replace(", ", ",\n"))
    ok("UPPER.TXT", short.encode(), short)
    ok("nested/deeper/short.txt", short.encode("utf-16"), short)
    ok("2023/report.txt", seeds[3].encode(), seeds[3])
    ok("2024/report.txt", seeds[4].encode(), seeds[4])
    page = HTML_PAGE.read_text(encoding="utf-8")
    [html_doc] = items(HTML_PAGE)
    html_meta = {k: html_doc.meta[k] for k in ("url", "title", "date")}
    ok("page.html", page.encode(), html_doc.text, **html_meta)
    ok("page_cp1258.htm", to_cp1258(page.replace('charset="utf-8"', 'charset="windows-1258"')), html_doc.text,
       **html_meta)
    ok("page_xhtml.html", ('<?xml version="1.0" encoding="utf-8"?>\n' + page).encode(), html_doc.text, **html_meta)
    meta = {"url": "https://baolaichau.vn/kinh-te/lai-chau-pci", "title": "Lai Châu cải thiện PCI",
            "date": "2021-12-01"}
    ok("records.jsonl", jsonl({"id": "rec-003", "text": seeds[3], **meta}), seeds[3], line=1, **meta)
    ok("records_gz.jsonl.gz", gzip.compress(jsonl({"id": "rec-004", "text": seeds[4]}), mtime=0), seeds[4], line=1)
    ok("bom_record.jsonl", codecs.BOM_UTF8 + jsonl("", {"text": short, "date": "2023-01-02"}), short, line=2,
       date="2023-01-02")
    ok("doc_id_key.jsonl", jsonl({"doc_id": "rec-legacy-key", "text": seeds[0][:3000]}), seeds[0][:3000], line=1)

    def bad(rel, data, reason):
        broken[put(rel, data)] = reason

    bad("empty.txt", b"", "empty file (0 bytes)")
    bad("blank.txt", codecs.BOM_UTF8 + " \n\u00a0\t\n".encode(), "empty file (only whitespace)")
    bad("image.txt", b"\x89PNG\r\n\x1a\n" + random.Random(3).randbytes(4000),
        "binary or undecodable content (no text encoding fits)")
    bad("zeros.txt", b"\x00" * 4096, "binary content (4096 control characters), not text")
    huge = root / "huge.txt"
    with open(huge, "wb") as fh:  # sparse: 200 MB by size, nothing on disk
        fh.truncate(200 * 1024 * 1024)
    broken[str(huge)] = "file too large: 209,715,200 bytes > --max-bytes 20,000,000"
    bad("gallery.html", GALLERY_PAGE.encode(), "no main text found in the HTML page")
    bad("binary.html", random.Random(4).randbytes(5000), "binary or undecodable content (no text encoding fits)")
    gz = gzip.compress(jsonl({"id": "t1", "text": seeds[0]}), mtime=0)
    broken[put("truncated.jsonl.gz", gz[:200]) + ":1"] = \
        "truncated gzip file: compressed data ends early after 0 records; the rest is lost"
    broken[put("notgzip.jsonl.gz", jsonl({"id": "g", "text": short})) + ":1"] = "not a gzip file*"
    broken[put("invalid.jsonl", b'{"id": "x1", "text": "N\xc4\x83m 2022\n') + ":1"] = "invalid JSON: *"
    broken[put("notext.jsonl", jsonl({"id": "n1", "title": "Không có nội dung"})) + ":1"] = "record has no text field"
    broken[put("emptytext.jsonl", jsonl({"id": "e1", "text": " \u200b "})) + ":1"] = "empty text (only whitespace)"
    broken[put("zz_dup.jsonl", jsonl({"id": "rec-003", "text": short})) + ":1"] = \
        f"duplicate id rec-003 (first seen at {root / 'records.jsonl'}:1)"
    broken[put("array.jsonl", b"[1, 2]\n") + ":1"] = "record is a JSON list, not an object"
    latin1 = '{"id": "l1", "text": "Thái Bình"}\n'.encode("latin-1")
    at = latin1.index("á".encode("latin-1"))
    broken[put("latin1.jsonl", latin1) + ":1"] = f"invalid UTF-8 at byte {at} (JSON Lines must be UTF-8)"
    bad("utf16.jsonl", jsonl({"id": "u", "text": short}).decode().encode("utf-16"),
        "JSON Lines must be UTF-8, this file is UTF-16 (convert it: iconv -f UTF-16 -t UTF-8)")
    line = json.dumps({"id": "long", "text": "a" * 20_000_001}).encode() + b"\n"
    broken[put("toolong.jsonl", line) + ":1"] = "record too large: line longer than --max-bytes 20,000,000 bytes"
    os.symlink(root / "nowhere.txt", root / "broken_link.txt")
    broken[str(root / "broken_link.txt")] = "cannot read: broken symbolic link"
    os.symlink(root, root / "nested" / "loop")
    broken[str(root / "nested" / "loop")] = f"directory loop: {root / 'nested' / 'loop'} leads back to {root}, not followed"
    bad("blank.jsonl", b"\n\n  \n", "empty file: no JSON Lines records")
    assert len(good) == 20 and len(broken) == 20
    return good, broken


def reason_matches(reason: str, expected: str) -> bool:
    return reason.startswith(expected[:-1]) if expected.endswith("*") else reason == expected


def test_folder_of_broken_files_gives_the_expected_error_lines(tmp_path):
    good, broken = build_bar_folder(tmp_path / "in")
    errors = {i.source: i.reason for i in items(tmp_path / "in") if isinstance(i, DocumentError)}
    assert errors.keys() == broken.keys()
    for source, reason in errors.items():
        assert reason_matches(reason, broken[source]), (source, reason, broken[source])


def test_bar_20_good_and_20_broken_files(tmp_path, capsys):
    """Good files give their facts, broken ones one clear error line each; nothing crashes or goes missing."""
    good, broken = build_bar_folder(tmp_path / "in")
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "in"), "--out", str(out), "--quiet"]) == 3
    records = [json.loads(x) for x in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    facts = [json.loads(x) for x in (out / "facts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 40
    assert sorted(r["source"] for r in records) == sorted([*good, *broken])  # each exactly once
    by_source = {r["source"]: r for r in records}
    for source, reason in broken.items():
        rec = by_source[source]
        assert rec["status"] == "error" and reason_matches(rec["reason"], reason), rec
    n_facts = 0
    for source, (text, meta) in good.items():
        rec = by_source[source]
        assert rec["status"] == "ok", rec
        expected = process(Document(rec["doc_id"], normalize_text(text), source, meta))
        got = [f for f in facts if f["doc_id"] == rec["doc_id"]]
        assert got == expected.facts, source
        assert rec["n_facts"] == len(got) and rec["sha256"] == expected.record["sha256"]
        assert {k: rec[k] for k in meta} == meta
        n_facts += len(got)
    assert n_facts >= 100  # the good files really give facts (the seed articles hold dozens)
    assert by_source[str(tmp_path / "in" / "2023" / "report.txt")]["doc_id"] == "2023/report"
    err = capsys.readouterr().err
    assert "20 document(s) failed (10 more not shown)" in err
    assert f"error: {tmp_path / 'in' / 'blank.jsonl'}: empty file: no JSON Lines records" in err


# --------------------------------------------------------------------------- properties

VI_PIECES = st.sampled_from([
    "Năm 2022, ", "Thái Bình ", "xếp thứ 13/63 ", "tỉnh, thành phố ", "về chỉ số SIPAS", "PCI ", "PAPI ",
    "tăng 27 bậc so với năm 2021", "đạt 68,5 điểm", "96,55%", "hơn 90% ", "phấn đấu đến năm 2025 ", ". ", "\n",
    "Khánh Hoa\u0300 ", "\u00a0", "\r\n", "\ufeff", "\u200b", "Thừa Thiên Huế ", "TP.HCM ", "19/11/2021 ",
])
TEXTS = st.one_of(st.text(), st.lists(st.one_of(VI_PIECES, st.text(max_size=5)), max_size=40).map("".join))
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXTS, st.booleans())
def test_extract_text_never_raises_and_offsets_slice_the_evidence(text, nfd):
    if nfd:
        text = unicodedata.normalize("NFD", text)
    norm = normalize_text(text)
    for fact in extract_text(text):
        assert norm[fact["char_start"]:fact["char_end"]] == fact["evidence"]


@SETTINGS
@given(TEXTS)
def test_process_never_raises_and_offsets_slice_the_evidence(text):
    doc = Document("p", normalize_text(text), "<hypothesis>", {})
    res = process(doc)
    assert res.record["status"] == "ok", res.record
    assert res.record["n_facts"] == len(res.facts)
    for fact in res.facts:
        assert doc.text[fact["char_start"]:fact["char_end"]] == fact["evidence"]


@settings(max_examples=150, deadline=None)
@given(TEXTS, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "nfd", "jsonl"]))
def test_ingest_never_raises_and_keeps_the_text(tmp_path_factory, text, how):
    """Any text, any of these encodings: a Document with exactly normalize_text(text), or an error line.

    Guaranteed for text without control characters (which may read as binary)
    and with a BOM or UTF-8; BOM-less UTF-16 of arbitrary text is a guess.
    """
    folder = tmp_path_factory.mktemp("prop")
    if how == "jsonl":
        (folder / "t.jsonl").write_text(json.dumps({"id": "t", "text": text}) + "\n", encoding="utf-8")
    elif how == "nfd":
        (folder / "t.txt").write_bytes(unicodedata.normalize("NFD", text).encode("utf-8"))
    else:
        (folder / "t.txt").write_bytes(text.encode(how))
    [item] = items(folder)
    printable = all(c in "\t\n\r\f" or unicodedata.category(c) != "Cc" for c in text)
    if printable and how != "utf-16-le":
        if normalize_text(text).strip():
            assert isinstance(item, Document) and item.text == normalize_text(text), item
        else:
            assert isinstance(item, DocumentError) and item.reason.startswith("empty "), item
