"""The review page and the notebook on hostile runs (issue 13, items 5, 6, 7, 18, 19, 20).

Runs are built in the test: real extraction of Vietnamese sentences through the
command, or facts.jsonl / documents.jsonl written by hand where the point is a
tampered file. The browser tests run in headless Chromium (tests/tools/conftest.py).
"""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.tools import audit, review
from pipeline.tools.display import ShownText, neutralise

DATA_RE = re.compile(r'<script type="application/json" id="review-data">(.*?)</script>', re.S)
SENTENCE = "Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS, tăng 27 bậc so với năm 2021."
OTHER = "Năm 2023, Lào Cai đạt 66,3 điểm PCI, xếp thứ 5/63 cả nước."
RLO = "\u202e"


def embedded(page: str) -> dict:
    [block] = DATA_RE.findall(page)
    data = json.loads(block)
    cols = data["facts"]["cols"]
    data["facts"] = [dict(zip(cols, row)) for row in data["facts"]["rows"]]
    return data


def read_lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def rank_fact(doc_id: str, text: str, **over) -> dict:
    """A schema-valid rank fact whose evidence is "xếp thứ 13/63" in ``text``."""
    ev = "xếp thứ 13/63"
    s = text.index(ev)
    fact = {"doc_id": doc_id, "type": "rank", "province": "Thái Bình", "index": "SIPAS", "year": 2022,
            "rank": 13, "rank_total": 63, "modality": "actual", "evidence": ev, "char_start": s,
            "char_end": s + len(ev), "confidence": 0.9, "rule": "rank"}
    fact.update(over)
    return fact


def write_run(folder: Path, facts: list, documents: list[dict], raw_fact_lines: list[bytes] = ()) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "facts.jsonl").open("wb") as fh:
        for f in facts:
            fh.write(json.dumps(f, ensure_ascii=True).encode() + b"\n")
        for line in raw_fact_lines:
            fh.write(line + b"\n")
    with (folder / "documents.jsonl").open("wb") as fh:
        for d in documents:
            fh.write(json.dumps(d, ensure_ascii=True).encode() + b"\n")
    return folder


# --------------------------------------------------------------------------- 5, 6, 7: the right text, no crash


def test_lone_surrogate_id_in_an_old_run_does_not_crash_the_page(tmp_path, capsys):
    """Runs written before ingestion cleaned ids hold "\\ud800" (ASCII-escaped) in their ids."""
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "x", "text": SENTENCE}, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    doc = {"doc_id": "tb\ud800", "source": str(tmp_path / "in.jsonl") + ":1", "status": "ok", "reason": None,
           "n_facts": 1, "province": "Thái Bình"}
    run = write_run(tmp_path / "run", [rank_fact("tb\ud800", SENTENCE)], [doc])
    assert review.main(["--out", str(run)]) == 0
    page = (run / "review.html").read_bytes().decode("utf-8")  # strict UTF-8
    data = embedded(page)
    assert data["docs"][0]["id"] == "tb\ud800" and data["docs"][0]["text"] == SENTENCE
    assert data["facts"][0]["doc_id"] == "tb\ud800" and "_x" not in data["facts"][0]
    assert "1 documents, 1 facts" in capsys.readouterr().out


def test_same_id_in_two_files_shows_the_kept_documents_text(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text(json.dumps({"id": "dup", "text": SENTENCE}, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    (tmp_path / "in" / "b.jsonl").write_text(json.dumps({"id": "dup", "text": OTHER}, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "in"), "--out", str(out), "--quiet"]) == 3
    docs = read_lines(out / "documents.jsonl")
    assert [(d["doc_id"], d["status"]) for d in docs] == [("dup", "ok"), ("dup", "error")]
    assert audit.load_texts(docs) == {"dup": SENTENCE}  # not the rejected duplicate's
    data = embedded(review.write_page(out).read_text(encoding="utf-8"))
    assert [(d["id"], d["text"]) for d in data["docs"]] == [("dup", SENTENCE)]
    assert data["facts"] and all("_x" not in f for f in data["facts"])  # every offset slices its evidence


def test_a_source_edited_since_the_run_gives_no_text_rather_than_the_wrong_one(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(SENTENCE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(src), "--out", str(out), "--quiet"]) == 0
    docs = read_lines(out / "documents.jsonl")
    assert audit.load_texts(docs) == {"a": SENTENCE}
    src.write_text(OTHER, encoding="utf-8")
    assert audit.load_texts(docs) == {}


@pytest.mark.skipif(sys.platform != "linux", reason="file names of arbitrary bytes need a Linux file system")
def test_undecodable_file_names_find_their_texts_back(tmp_path):
    folder = os.fsencode(tmp_path / "in")
    os.mkdir(folder)
    for name, text in ((b"\xfe.txt", SENTENCE), (b"\xff.txt", OTHER)):
        with open(os.path.join(folder, name), "wb") as fh:
            fh.write(text.encode())
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "in"), "--out", str(out), "--quiet"]) == 0
    docs = read_lines(out / "documents.jsonl")
    assert [d["doc_id"] for d in docs] == ["\\xfe", "\\xff"]
    assert audit.load_texts(docs) == {"\\xfe": SENTENCE, "\\xff": OTHER}


# --------------------------------------------------------------------------- 20: tampered facts.jsonl

EVIL = "<img src=x onerror=window.pwned=1>"


def tampered_run(folder: Path) -> Path:
    text = "Báo cáo. " + SENTENCE
    good = rank_fact("tb", text)
    bad = [rank_fact("tb", text, type=EVIL), rank_fact("tb", text, char_end=EVIL),
           rank_fact("tb", text, char_start=str(good["char_start"])), rank_fact("tb", text, confidence=float("nan"))]
    (folder.parent / "tb.txt").write_text(text, encoding="utf-8")
    doc = {"doc_id": "tb", "source": str(folder.parent / "tb.txt"), "status": "ok", "reason": None,
           "n_facts": 1, "province": "Thái Bình"}
    return write_run(folder, [good, *bad], [doc], raw_fact_lines=[b"{not json", b"[1, 2]"])


def test_tampered_facts_are_left_out_counted_and_reported(tmp_path, capsys):
    run = tampered_run(tmp_path / "run")
    assert review.main(["--out", str(run)]) == 0
    err = capsys.readouterr().err
    assert "left out: " + str(run) + "/facts.jsonl:2: type: '<img src=x onerror=window.pwned=1>' is not one of" in err
    assert "facts.jsonl:3: char_end: '<img src=x onerror=window.pwned=1>' is not of type 'integer'" in err
    assert "facts.jsonl:4: char_start: '29' is not of type 'integer'" in err
    assert "facts.jsonl:5: a number is not finite (NaN or Infinity)" in err
    assert "facts.jsonl:6: not JSON" in err and "facts.jsonl:7: [1, 2] is not of type 'object'" in err
    assert "6 invalid line(s)" in err
    page = (run / "review.html").read_text(encoding="utf-8")
    data = embedded(page)
    assert data["invalid"] == 6 and len(data["facts"]) == 1 and data["facts"][0]["type"] == "rank"
    assert "onerror" not in page


def test_build_page_checks_facts_itself(tmp_path):
    text = "Báo cáo. " + SENTENCE
    problems: list[str] = []
    page = review.build_page([rank_fact("tb", text), rank_fact("tb", text, char_start="9")],
                             [{"doc_id": "tb", "status": "ok"}], {"tb": text}, problems=problems)
    assert embedded(page)["invalid"] == 1 and len(embedded(page)["facts"]) == 1
    assert problems == ["fact 1: char_start: '9' is not of type 'integer'"]


# --------------------------------------------------------------------------- 19: bidi controls, Python side


def test_notebook_shows_bidi_controls_as_markers_and_keeps_the_highlight_on_the_words():
    text = "Năm 2022, " + RLO + "Thái Bình xếp thứ 13/63 tỉnh, tăng 27 bậc."
    fact = rank_fact("rl" + RLO, text)
    before = json.dumps(fact, ensure_ascii=False)
    markup = audit.render_document(text, [fact], title="rl" + RLO)
    assert RLO not in markup and markup.count("[U+202E]") == 2  # text and title
    # the highlight still covers exactly the evidence
    assert re.search(r"<mark[^>]*>\s*xếp thứ 13/63", markup)
    assert json.dumps(fact, ensure_ascii=False) == before  # the fact is not touched
    frame = audit.facts_frame([fact])
    assert frame.loc[0, "doc_id"] == "rl[U+202E]" and frame.loc[0, "evidence"] == "xếp thứ 13/63"
    mentions = audit.render_mentions(text)
    assert RLO not in mentions and "[U+202E]" in mentions and "Thái Bình" in mentions


def test_every_bidi_control_is_neutralised_and_offsets_map():
    controls = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    shown = neutralise("a" + controls + "b")
    assert shown == "a" + "".join(f"[U+{ord(c):04X}]" for c in controls) + "b"
    t = ShownText("Lào Cai" + RLO + "13/63")
    assert t.text[t.offset(8):t.offset(13)] == "13/63" and t.text[t.offset(7):t.offset(8)] == "[U+202E]"


# --------------------------------------------------------------------------- browser: 18, 19, 20

try:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # a dev extra; the browser tests below then skip through the chromium fixture
    By = WebDriverWait = None


def open_page(driver, page: Path, fragment: str = "") -> None:
    driver.get(page.as_uri() + fragment)
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script("return document.documentElement.dataset.ready === '1'"))


def severe(driver) -> list:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_malformed_deep_links_open_the_first_document(chromium, tmp_path):
    text = "Báo cáo. " + SENTENCE
    (tmp_path / "tb.txt").write_text(text, encoding="utf-8")
    run = write_run(tmp_path / "run", [rank_fact("tb", text)],
                    [{"doc_id": "tb", "source": str(tmp_path / "tb.txt"), "status": "ok"}])
    page = review.write_page(run)
    for fragment in ("#doc=%", "#doc=%E0%A4%A", "#doc=%zz", "#fact=abc"):
        open_page(chromium, page, fragment)
        assert severe(chromium) == [], fragment
        assert "xếp thứ 13/63" in chromium.find_element(By.ID, "doc-text").text, fragment
        assert chromium.find_element(By.ID, "counts").text == "1 documents · 1 facts"


def test_bidi_controls_are_shown_as_markers_in_the_page(chromium, tmp_path):
    text = "Năm 2022, " + RLO + "Thái Bình xếp thứ 13/63 tỉnh, tăng 27 bậc."
    (tmp_path / "rl.txt").write_text(text, encoding="utf-8")
    fact = rank_fact("rl" + RLO, text)
    run = write_run(tmp_path / "run", [fact], [{"doc_id": "rl" + RLO, "source": str(tmp_path / "rl.txt"),
                                                "status": "ok", "title": "Tiêu đề " + RLO + "PCI"}])
    facts_before = (run / "facts.jsonl").read_bytes()
    page = review.write_page(run)
    assert (run / "facts.jsonl").read_bytes() == facts_before
    data = embedded(page.read_text(encoding="utf-8"))
    assert data["docs"][0]["text"] == text  # the data keeps the text as it is
    assert (data["facts"][0]["char_start"], data["facts"][0]["char_end"]) == (fact["char_start"], fact["char_end"])
    open_page(chromium, page, "#fact=0")
    shown = chromium.execute_script("return document.body.innerText")
    assert RLO not in shown
    doc_text = chromium.find_element(By.ID, "doc-text").text
    assert doc_text == "Năm 2022, [U+202E]Thái Bình xếp thứ 13/63 tỉnh, tăng 27 bậc."
    assert chromium.find_element(By.CSS_SELECTOR, "#doc-text mark.ev").text == "xếp thứ 13/63"
    assert "rl[U+202E]" in chromium.find_element(By.ID, "detail").text
    assert "Tiêu đề [U+202E]PCI" in chromium.find_element(By.ID, "doc-meta").text
    assert severe(chromium) == []


def test_tampered_run_runs_no_script_and_says_what_it_left_out(chromium, tmp_path):
    run = tampered_run(tmp_path / "run")
    page = review.write_page(run)
    open_page(chromium, page, "#fact=0")
    assert chromium.find_element(By.ID, "counts").text == "1 documents · 1 facts · 6 invalid facts left out"
    assert chromium.execute_script("return window.pwned") is None
    assert severe(chromium) == []


def test_template_escapes_values_that_skip_the_schema(chromium, tmp_path):
    """Defence in depth: even facts that were never checked cannot inject markup."""
    text = "Báo cáo. " + SENTENCE
    facts = [rank_fact("tb", text, type=EVIL), rank_fact("tb", text, char_end=EVIL, rank=12)]
    html_page = review.build_page(facts, [{"doc_id": "tb", "source": None, "status": "ok"}], {"tb": text},
                                  checked=True)
    page = tmp_path / "unchecked.html"
    page.write_text(html_page, encoding="utf-8")
    for fragment in ("#fact=0", "#fact=1"):
        open_page(chromium, page, fragment)
        assert chromium.execute_script("return window.pwned") is None
        assert chromium.find_elements(By.CSS_SELECTOR, "img") == []
        assert EVIL in chromium.find_element(By.ID, "list").text + chromium.find_element(By.ID, "detail").text


def test_review_page_refuses_a_mixed_pair_of_outputs(tmp_path, capsys):
    """Issue 13, item 9: the page reads facts and documents only if they are the pair one run wrote."""
    from pipeline.cli import main as cli
    from pipeline.tools import review

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS.", "utf-8")
    out = tmp_path / "out"
    assert cli(["extract", str(src), "--out", str(out), "--quiet"]) == 0
    assert review.main(["--out", str(out)]) == 0
    docs = out / "documents.jsonl"
    docs.write_text(docs.read_text("utf-8").replace('"ok"', '"ok" ', 1), "utf-8")  # another run's file
    assert review.main(["--out", str(out)]) == 2
    assert "not the pair one run wrote" in capsys.readouterr().err
