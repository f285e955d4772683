"""Sentences with exact offsets (underthesea's splitter, located back in the text)."""
from __future__ import annotations

from pipeline.core.segment import split_sentences

TEXT = "Năm 2022 tăng 7 bậc. Chỉ số PCI\nxếp thứ 28/63.\nTiêu đề mới\n\nĐoạn hai có 45,5 điểm."


def test_offsets_slice_the_text_and_wrapped_lines_join():
    sents = split_sentences(TEXT)
    assert [s.text for s in sents] == ["Năm 2022 tăng 7 bậc.", "Chỉ số PCI\nxếp thứ 28/63.", "Tiêu đề mới",
                                       "Đoạn hai có 45,5 điểm."]
    assert all(TEXT[s.start:s.end] == s.text for s in sents)


def test_until_stops_after_the_block_holding_the_offset():
    full = split_sentences(TEXT)
    cut = split_sentences(TEXT, until=25)
    assert cut == full[:2]
    assert split_sentences(TEXT, until=0) == []


def test_decimal_commas_and_abbreviations_do_not_split():
    text = "TP.HCM đạt 65,22 điểm, xếp thứ 14/63. Quảng Ninh dẫn đầu."
    assert [s.text for s in split_sentences(text)] == ["TP.HCM đạt 65,22 điểm, xếp thứ 14/63.", "Quảng Ninh dẫn đầu."]
