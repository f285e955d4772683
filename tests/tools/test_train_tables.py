"""Training reads the sentence path's candidates only: table rows are not the classifier's to decide."""
from pipeline.core.extract import candidates
from pipeline.records import Document
from pipeline.tools.train import document_rows

TEXT = ("Năm 2023, Quảng Ninh tiếp tục dẫn đầu Chỉ số PCI với 71,25 điểm.\n"
        "Bảng xếp hạng PCI 2023\n| Xếp hạng | Tỉnh | Điểm |\n| 1 | Quảng Ninh | 71,25 |\n| 2 | Hải Phòng | 70,61 |")


def test_document_rows_skip_table_rows_and_keep_the_sentences():
    doc = Document("t", TEXT, "<test>", {"date": "2024-05-10"})
    assert any(c.rule == "table_row" for c, _ in candidates(doc, alternatives=True))
    rows = document_rows(doc, {("rank", "haiphong", "PCI", 2023, 2)})
    facts = {(r.fact["type"], r.fact["province"], r.fact.get("rank"), r.fact.get("score")) for r in rows}
    assert ("rank", "Quảng Ninh", 1, None) in facts  # the sentence's rank 1
    assert all(r.fact.get("province") != "Hải Phòng" for r in rows)  # only the table states Hải Phòng's
