"""Value extractors on real sentences from the seed and dev articles."""
import pytest

from extractors.changes import find_changes
from extractors.indices import find_indices
from extractors.numbers import parse_number
from extractors.percentages import find_percentages
from extractors.ranks import find_ranks
from extractors.scores import find_scores
from extractors.targets import find_targets
from extractors.years import find_years


def _slices(text, mentions):
    return all(text[m.start:m.end] == m.text for m in mentions)


@pytest.mark.parametrize("written,value", [("57.149,4", 57149.4), ("35,03", 35.03), ("1.384", 1384.0),
                                           ("44,396", 44.396), ("90.17", 90.17), ("hai", 2.0)])
def test_vietnamese_numbers(written, value):
    assert parse_number(written) == value


def test_ranks_with_totals_and_national_scope():
    text = "Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS; chỉ số cải cách hành chính (PAR INDEX) xếp thứ 29 cả nước"
    ranks = list(find_ranks(text))
    assert [(m.attrs["rank"], m.attrs["total"], m.attrs["national"]) for m in ranks] == [(13, 63, False), (29, None, True)]
    assert _slices(text, ranks)


def test_rank_words_and_lists():
    text = "Hà Nội dẫn đầu cả nước, thứ 2 là TP Huế; TP.HCM và Quảng Ninh lần lượt xếp thứ 2 và 3"
    assert [m.attrs["rank"] for m in find_ranks(text)] == [1, 2, 2, 3]


def test_fractions_dates_events_and_leaders_are_not_ranks():
    text = ("Thứ 5, 16/11/2023 | Kết quả đến hết quý III/2023 đã thực hiện 23/30 nhiệm vụ, đạt 76,7%; "
            "Nghị quyết số 02-NQ/TU, ngày 19/11/2021; trách nhiệm người đứng đầu; Phiên họp thứ 5; "
            "năm thứ 7 liên tiếp; đánh giá, xếp hạng 63 UBND tỉnh")
    assert list(find_ranks(text)) == []


def test_rank_transitions():
    text = "Thứ hạng trong cả nước thăng 7 bậc (từ vị trí 53 lên 46)"
    got = [(m.attrs["rank"], m.attrs.get("step")) for m in find_ranks(text)]
    assert got == [(53, "from"), (46, "to")]


def test_rank_and_score_changes():
    text = "chỉ số PCI đạt 69,03 điểm (tăng 3,55 điểm) xếp vị trí thứ 9, tăng 6 bậc so với năm 2020; ICT Index tụt hạng 10 bậc"
    got = [(m.kind, m.attrs["delta"]) for m in find_changes(text)]
    assert got == [("score_change", 3.55), ("rank_change", 6.0), ("rank_change", -10.0)]


def test_scores_and_structure_figures():
    text = "chỉ số PAPI là 40,62/80 điểm; DTI cấp quốc gia gồm Chính phủ số (400 điểm), với tổng điểm 1.000"
    scores = list(find_scores(text))
    assert [(m.attrs["score"], m.attrs["max"], m.attrs["structure"]) for m in scores][0] == (40.62, 80, False)
    assert all(m.attrs["structure"] for m in scores[1:])


def test_percentages_qualifiers_and_ranges():
    text = "Hơn 90% người dân và doanh nghiệp hài lòng; tỷ lệ nam giới cao hơn từ 5%-10% so với nữ giới; giảm gần 50% thời gian"
    got = [(m.attrs["value"], m.attrs["qualifier"]) for m in find_percentages(text)]
    assert got == [(90.0, "more_than"), (5.0, "exact"), (10.0, "exact"), (50.0, "approx")]


def test_targets():
    text = "Chỉ số PAR INDEX nằm trong nhóm 45-50; Chỉ số PCI nằm trong nhóm 50-55 của cả nước"
    assert [(m.attrs["rank_min"], m.attrs["rank_max"]) for m in find_targets(text)] == [(45, 50), (50, 55)]


def test_index_names_codes_and_ocr_damage():
    text = "Chỉ số hiệu quả quản trị và hành chính công (PAP1) cua tỉnh; chỉ số năng lực cạnh tranh cấp tỉnh (PCI); Vietnam ICT Index"
    assert [m.attrs["index"] for m in find_indices(text)] == ["PAPI", "PAPI", "PCI", "PCI", "ICT_INDEX"]


def test_every_alias_gets_past_the_cheap_gate_in_any_case():
    """The regex gate before spaCy must let every alias (and its tone-mark variants) through."""
    import json
    from importlib import resources

    from extractors.indices import _tone_variants

    data = json.loads(resources.files("extractors").joinpath("data/indices.json").read_text("utf-8"))
    n = 0
    for code, spec in data["indices"].items():
        for alias in spec["strong"] + spec["weak"] + spec["components"]:
            for variant in sorted(_tone_variants(alias)):
                for written in (variant, variant.upper()):
                    found = [m.attrs["index"] for m in find_indices(f"Năm 2022, {written} của tỉnh tăng 3 bậc.")]
                    assert found == [code], (written, found)
                    n += 1
    assert n > 100
    assert list(find_indices("PCIe và PCI Express là chuẩn giao tiếp")) == []  # not_index phrases


def test_year_roles():
    text = "Năm 2021, Thanh Hóa vươn lên xếp thứ 3 (tăng 21 bậc so với năm 2020), kể từ năm 2008; date 2017-03"
    assert [(m.attrs["year"], m.attrs["role"]) for m in find_years(text)] == [(2021, "edition"), (2020, "base"), (2008, "since")]
