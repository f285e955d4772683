"""outline_context: which spans an outline has and the subject, index and year each inherits."""
from pipeline.core.structure.outline import outline_context


def _ctx(text):
    return [(text[s:e], (c["province"] or {}).get("name"), c["index"], c["year"]) for s, e, c in outline_context(text)]


def test_heading_subject_and_item_index_inherit_down_and_reset_at_the_next_heading():
    text = ("Kết quả năm 2024 như sau:\n"
            "1. Đối với tỉnh Sóc Trăng (cũ): a) PAR INDEX: hạng 41/63. b) SIPAS: đạt 82,07%.\n"
            "2. Đối với tỉnh Hậu Giang (cũ):\n- PCI: xếp thứ 30/63.")
    assert _ctx(text) == [
        ("1. Đối với tỉnh Sóc Trăng (cũ):", "Sóc Trăng", None, 2024),
        ("a) PAR INDEX: hạng 41/63.", "Sóc Trăng", "PAR_INDEX", 2024),
        ("b) SIPAS: đạt 82,07%.", "Sóc Trăng", "SIPAS", 2024),
        ("2. Đối với tỉnh Hậu Giang (cũ):", "Hậu Giang", None, 2024),
        ("- PCI: xếp thứ 30/63.", "Hậu Giang", "PCI", 2024),
    ]


def test_an_item_names_its_own_year_and_a_roman_section_holds_over_numbered_headings():
    text = "I. Chỉ số PAPI năm 2021\n1. Tỉnh Sơn La\n- Điểm số 40,14.\n2. Tỉnh Lai Châu\n- Năm 2022 đạt 41,2 điểm."
    got = _ctx(text)
    assert got[2] == ("- Điểm số 40,14.", "Sơn La", "PAPI", 2021)
    assert got[4] == ("- Năm 2022 đạt 41,2 điểm.", "Lai Châu", "PAPI", 2022)


def test_prose_is_no_outline():
    # "x)" without "a)" before it, a year ending a sentence, a decimal number: no markers
    text = ("Năm 2023, tỉnh đạt 65,2 điểm (tăng 3 bậc so với x) và xếp thứ 12.\n"
            "Kết quả này được công bố năm 2023. Tỉnh tiếp tục cải thiện.")
    assert outline_context(text) == []


def test_continuation_lines_belong_to_their_item_and_spans_slice_the_text():
    text = "Kế hoạch PCI 2025:\na) Chỉ số PCI: phấn đấu\nnằm trong nhóm 20 tỉnh dẫn đầu.\nb) Chỉ số PAPI: tăng 5 bậc."
    spans = outline_context(text)
    assert [text[s:e] for s, e, _ in spans] == ["a) Chỉ số PCI: phấn đấu\nnằm trong nhóm 20 tỉnh dẫn đầu.",
                                                "b) Chỉ số PAPI: tăng 5 bậc."]
    assert [(c["index"], c["year"]) for _, _, c in spans] == [("PCI", 2025), ("PAPI", 2025)]
