"""HTML ``<table>`` elements survive ingestion as one row per line and give their facts.

trafilatura (``include_tables=True`` in :mod:`pipeline.batch.ingest`) writes each table row
as a line with `` | `` between the cells, which :mod:`pipeline.core.structure.tables` reads.
"""
from __future__ import annotations

from pipeline.batch.ingest import iter_inputs
from pipeline.core.extract import extract_document
from pipeline.records import Document

PAGE = """<html><head><meta charset="utf-8"><title>SIPAS 2023</title></head><body><article>
<h1>Công bố Chỉ số SIPAS 2023</h1>
<p>Bộ Nội vụ công bố Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) năm 2023 của 63 tỉnh, thành phố.
Dưới đây là kết quả của các địa phương dẫn đầu cả nước theo báo cáo của Bộ.</p>
<table>
<thead><tr><th colspan="3">Kết quả Chỉ số SIPAS 2023</th></tr>
<tr><th>STT</th><th>Tỉnh, thành phố</th><th>Chỉ số SIPAS (%)</th></tr></thead>
<tbody>
<tr><td><p>1</p></td><td><p>Tỉnh</p><p>Quảng Ninh</p></td><td>88,52</td></tr>
<tr><td>2</td><td>Hà<br>Giang</td><td>87,17</td></tr>
<tr><td>3</td><td><strong>Vĩnh Phúc</strong></td><td>86,90</td></tr>
</tbody></table>
<p>Các địa phương còn lại sẽ được phân tích trong các số báo tiếp theo của chuyên mục cải cách hành chính.</p>
</article></body></html>
"""

BUDGET = PAGE.replace("Chỉ số SIPAS (%)", "Vốn đầu tư (tỷ đồng)").replace("88,52", "1.245").replace(
    "87,17", "987").replace("86,90", "850").replace("Kết quả Chỉ số SIPAS 2023", "Vốn đầu tư công 2023")


def _ingest(tmp_path, html: str) -> Document:
    page = tmp_path / "sipas.html"
    page.write_text(html, encoding="utf-8")
    (doc,) = list(iter_inputs([page]))
    assert isinstance(doc, Document), doc
    return doc


def test_html_table_rows_are_lines_with_pipes(tmp_path):
    doc = _ingest(tmp_path, PAGE)
    lines = doc.text.split("\n")
    assert any(ln.strip() == "| 1 | Tỉnh Quảng Ninh | 88,52 |" for ln in lines), lines
    assert any(ln.strip() == "| 2 | Hà Giang | 87,17 |" for ln in lines), lines


def test_html_table_gives_rank_and_score_facts(tmp_path):
    doc = _ingest(tmp_path, PAGE)
    facts = [f.to_json() for f in extract_document(doc)]
    got = {(f["type"], f["province"], f["index"], f["year"], f.get("rank"), f.get("score")) for f in facts
           if f["rule"] == "table_row"}
    assert got == {
        ("rank", "Quảng Ninh", "SIPAS", 2023, 1, None), ("score", "Quảng Ninh", "SIPAS", 2023, None, 88.52),
        ("rank", "Hà Giang", "SIPAS", 2023, 2, None), ("score", "Hà Giang", "SIPAS", 2023, None, 87.17),
        ("rank", "Vĩnh Phúc", "SIPAS", 2023, 3, None), ("score", "Vĩnh Phúc", "SIPAS", 2023, None, 86.9),
    }
    for f in facts:
        assert doc.text[f["char_start"]:f["char_end"]] == f["evidence"]
    # "dẫn đầu cả nước" right above the table: the ranking is of the whole country
    assert {f["rank_total"] for f in facts if f["type"] == "rank" and f["rule"] == "table_row"} == {63}


def test_html_budget_table_gives_nothing(tmp_path):
    doc = _ingest(tmp_path, BUDGET)
    assert "| 1 | Tỉnh Quảng Ninh | 1.245 |" in doc.text
    assert [f for f in extract_document(doc) if f.rule == "table_row"] == []
