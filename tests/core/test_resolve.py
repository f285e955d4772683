"""Document-level resolution: the article's province, its date and era."""
from __future__ import annotations

from pipeline.core.resolve import document_date, is_post_merger, main_province, main_province_record
from pipeline.records import Document


def test_the_most_named_province_is_the_articles_own():
    doc = Document("d", "Tỉnh Thái Bình tăng 3 bậc. Hà Nội giữ nguyên, Thái Bình vươn lên.", "s",
                   {"title": "Hải Phòng dẫn đầu", "date": "2024-05-01"})
    assert main_province_record(doc) == {"name": "Thái Bình", "code": "34", "province_2025": "Hưng Yên", "era": "legacy"}


def test_a_title_counts_double():
    doc = Document("d", "Hà Nội tăng 2 bậc.", "s", {"title": "Đà Nẵng, Đà Nẵng: chỉ số PCI"})
    assert main_province(doc) == "Đà Nẵng"


def test_province_from_a_local_papers_url_as_a_last_resort():
    doc = Document("d", "Chỉ số PCI của tỉnh tăng 5 bậc.", "s", {"url": "https://baothaibinh.com.vn/tin/pci-123"})
    assert main_province(doc) == "Thái Bình"
    assert main_province(Document("d", "Chỉ số PCI tăng.", "s", {})) is None


def test_date_and_era():
    assert document_date(Document("d", "x", "s", {"date": "2025-08-01"})) == (2025, 8)
    assert document_date(Document("d", "date 2024-05 Chỉ số PCI tăng.", "s", {})) == (2024, 5)
    assert is_post_merger(Document("d", "x", "s", {"date": "2025-07-01"}))
    assert not is_post_merger(Document("d", "x", "s", {"date": "2025-06-30"}))
    assert is_post_merger(Document("d", "Sau sáp nhập, cả nước còn 34 tỉnh, thành.", "s", {}))
    assert not is_post_merger(Document("d", "Cả nước có 63 tỉnh, thành.", "s", {}))
