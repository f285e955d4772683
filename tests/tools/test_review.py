"""pipeline.tools.review without a browser: page data, embedding, determinism, decisions file."""
from __future__ import annotations

import html
import json
import re

import pytest

from pipeline.tools import review
from pipeline.tools.audit import load_run, load_texts

DATA_RE = re.compile(r'<script type="application/json" id="review-data">(.*?)</script>', re.S)


def embedded(page: str) -> dict:
    """The JSON the page's script parses (``\\u003c`` escapes decode like JSON.parse does)."""
    blocks = DATA_RE.findall(page)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    cols = data["facts"]["cols"]
    data["facts"] = [{k: v for k, v in zip(cols, row) if v is not None or k in ("year", "rank_total")}
                     for row in data["facts"]["rows"]]
    return data


def test_page_is_self_contained_and_deterministic(seeds_run, tmp_path):
    a = review.write_page(seeds_run, tmp_path / "a.html")
    b = review.write_page(seeds_run, tmp_path / "b.html")
    page = a.read_text(encoding="utf-8")
    assert page == b.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert not re.search(r"<link[^>]+stylesheet", page) and not re.search(r"<script[^>]+src=", page)
    assert "@import" not in page and "url(http" not in page
    data = embedded(page)
    assert len(data["docs"]) == 5 and len(data["facts"]) == 56
    first = data["facts"][0]
    assert first["doc_id"] == "000_1958cf11339f40e9" and first["_l"] == "rank · SIPAS · 2022 · Thái Bình · 13/63"
    assert "evidence" not in first and "_x" not in first   # sliced back from the embedded text
    text = data["docs"][0]["text"]
    assert text[first["char_start"]:first["char_end"]].startswith("Năm 2022, Thái Bình xếp thứ 13/63")


def test_facts_are_in_document_then_offset_order(seeds_run):
    facts, docs = load_run(seeds_run)
    data = review.page_data(list(reversed(facts)), docs, load_texts(docs))
    order = [(f["doc_id"], f["char_start"]) for f in data["facts"]]
    assert order == sorted(order)


def test_script_breaking_text_is_escaped_and_round_trips():
    text = "Hà Nội đạt 98,5% </script><script>window.pwned=1</script> <!-- & U+2028:\u2028 hết"
    evidence = "98,5% </script><script>"
    s = text.index(evidence)
    fact = {"doc_id": "x", "type": "percentage", "value": 98.5, "qualifier": "exact", "modality": "actual",
            "province": "Hà Nội", "metric": "m", "evidence": evidence, "char_start": s,
            "char_end": s + len(evidence), "confidence": 0.9, "rule": "r"}
    page = review.build_page([fact], [{"doc_id": "x", "source": "x.txt", "status": "ok"}], {"x": text},
                             title="Soát </title><b>")
    assert page.count("</script>") == 2          # the data block's and the code block's own
    assert "<!--" not in DATA_RE.findall(page)[0]
    assert "<title>Soát &lt;/title&gt;&lt;b&gt;</title>" in page
    data = embedded(page)
    assert data["docs"][0]["text"] == text
    assert data["facts"][0]["_l"] == "percentage · Hà Nội · 98.5%"


def test_astral_characters_get_utf16_offsets():
    """An emoji before the evidence shifts JavaScript offsets by one per emoji."""
    text = "😀😀 Quảng Ninh dẫn đầu PCI 2022"
    s = text.index("Quảng Ninh")
    fact = {"doc_id": "e", "type": "rank", "province": "Quảng Ninh", "index": "PCI", "year": 2022,
            "rank": 1, "rank_total": None, "evidence": text[s:], "char_start": s, "char_end": len(text)}
    data = review.page_data([fact], [{"doc_id": "e", "source": None, "status": "ok"}], {"e": text})
    f = data["facts"][0]
    assert (f["char_start"], f["char_end"]) == (s, len(text))
    assert f["_u"] == [s + 2, len(text) + 2]
    assert text.encode("utf-16-le")[2 * f["_u"][0]:2 * f["_u"][1]].decode("utf-16-le") == "Quảng Ninh dẫn đầu PCI 2022"


def test_mismatched_offsets_are_flagged_and_keep_evidence():
    text = "Năm 2022, Thái Bình xếp thứ 13/63 về SIPAS"
    fact = {"doc_id": "m", "type": "rank", "province": "Thái Bình", "index": "SIPAS", "year": 2022,
            "rank": 13, "rank_total": 63, "evidence": "xếp thứ 13/63", "char_start": 0, "char_end": 13}
    data = review.page_data([fact], [{"doc_id": "m", "source": None, "status": "ok"}], {"m": text})
    assert data["facts"][0]["_x"] == 1 and data["facts"][0]["evidence"] == "xếp thứ 13/63"


def test_error_documents_and_unlisted_facts_still_appear():
    docs = [{"doc_id": "bad", "source": "bad.txt", "status": "error", "reason": "empty file"}]
    fact = {"doc_id": "orphan", "type": "score", "province": "Lào Cai", "index": "PCI", "year": 2022,
            "score": 66.3, "evidence": "66,3 điểm", "char_start": 0, "char_end": 9}
    data = review.page_data([fact], docs, {})
    assert [(d["id"], d["status"]) for d in data["docs"]] == [("bad", "error"), ("orphan", "missing")]
    assert data["facts"][0]["_x"] == 1


def test_cli_writes_page(seeds_run, capsys):
    assert review.main(["--out", str(seeds_run)]) == 0
    assert "5 documents, 56 facts" in capsys.readouterr().out
    assert (seeds_run / "review.html").stat().st_size > 10_000


def test_cli_without_run_says_what_to_do(tmp_path, capsys):
    assert review.main(["--out", str(tmp_path)]) == 2
    assert "make extract" in capsys.readouterr().err


# --------------------------------------------------------------------------- decisions

GOOD = [
    {"doc_id": "000_1958cf11339f40e9", "type": "rank", "province": "Thái Bình", "index": "SIPAS", "year": 2022,
     "rank": 13, "rank_total": 63, "char_start": 916, "char_end": 1010, "decision": "correct",
     "corrected": None, "reviewer": "lan", "timestamp": "2025-01-02T03:04:05.000Z"},
    {"doc_id": "004_73e069ef03a24f34", "type": "rank_target", "province": "Lai Châu", "index": "PCI",
     "rank_min": 50, "rank_max": 55, "year": None, "char_start": 6374, "char_end": 6417,
     "decision": "wrong", "corrected": None, "corrected_fields": {"year": 2025}},
    {"doc_id": "000_1958cf11339f40e9", "type": "rank_change", "province": "Thái Bình", "index": "SIPAS",
     "year": 2022, "delta": 27, "base_year": 2021, "char_start": 916, "char_end": 1010,
     "decision": "wrong", "corrected": 26},
]


def write_lines(path, records):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                            for r in records), encoding="utf-8")
    return path


def test_load_decisions_accepts_the_documented_format(tmp_path):
    out = review.load_decisions(write_lines(tmp_path / "d.jsonl", [*GOOD, ""]))
    assert [d["decision"] for d in out] == ["correct", "wrong", "wrong"]
    assert out[0]["province"] == "Thái Bình" and out[0]["corrected_fields"] is None
    assert out[1]["corrected"] is None and out[1]["corrected_fields"] == {"year": 2025}
    assert out[1]["reviewer"] is None
    # a bare scalar correction is the type's value field (delta for rank_change)
    assert out[2]["corrected"] == 26 and out[2]["corrected_fields"] == {"delta": 26}


def test_later_decision_on_same_fact_wins_per_reviewer(tmp_path):
    changed = {**GOOD[0], "decision": "wrong", "corrected": 12}
    other = {**GOOD[0], "reviewer": "minh"}
    out = review.load_decisions(write_lines(tmp_path / "d.jsonl", [GOOD[0], GOOD[1], changed, other]))
    assert [(d["reviewer"], d["decision"]) for d in out] == [(None, "wrong"), ("lan", "wrong"), ("minh", "correct")]


@pytest.mark.parametrize("bad, message", [
    ({**GOOD[0], "decision": "maybe"}, "decision must be"),
    ({**GOOD[0], "type": "ranking"}, "unknown type"),
    ({k: v for k, v in GOOD[0].items() if k != "rank"}, "missing field(s) rank"),
    ({**GOOD[0], "char_start": "916"}, "char_start/char_end"),
    ({**GOOD[0], "char_end": 10}, "char_start/char_end"),
    ({**GOOD[0], "corrected": 12}, "only a 'wrong' decision"),
    ({**GOOD[0], "corrected_fields": {"year": 2021}}, "only a 'wrong' decision"),
    ({**GOOD[1], "corrected_fields": {"rank": 12}}, "not valid for type rank_target"),
    ({**GOOD[1], "corrected_fields": 2025}, "non-empty object"),
    ({**GOOD[1], "corrected": 40}, "no single value"),
    ({**GOOD[2], "corrected": {"delta": 26}}, "a number or string"),
    ({**GOOD[2], "corrected_fields": {"delta": 25}}, "disagree"),
    ({**GOOD[2], "corrected": None, "corrected_fields": {"delta": 25}}, "corrected must be that value"),
    ({**GOOD[0], "doc_id": ""}, "doc_id"),
    ({**GOOD[0], "reviewer": 7}, "reviewer must be"),
    ("{not json", "not JSON"),
    ("[1, 2]", "JSON object"),
])
def test_load_decisions_rejects_with_the_line_number(tmp_path, bad, message):
    path = write_lines(tmp_path / "d.jsonl", [GOOD[0], bad])
    with pytest.raises(ValueError, match=re.escape(message)) as err:
        review.load_decisions(path)
    assert f"d.jsonl:2:" in str(err.value)


def test_doc_page_title_is_escaped_in_html():
    assert html.escape("<x>") in review.build_page([], [], {}, title="<x>")


def test_make_review_writes_the_page(seeds_run):
    """The Makefile target, run as `make review` would (this interpreter, no install step)."""
    import subprocess
    import sys

    from pipeline.tools.audit import find_root

    page = seeds_run / "review.html"
    page.unlink(missing_ok=True)
    subprocess.run(["make", "-s", "review", f"OUT={seeds_run}", f"PY={sys.executable}", "STAMP="],
                   cwd=find_root(__file__), check=True, capture_output=True, timeout=300)
    assert "rank · SIPAS · 2022 · Thái Bình · 13/63" in embedded(page.read_text(encoding="utf-8"))["facts"][0]["_l"]
