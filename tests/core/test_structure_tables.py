"""The table reader's candidates: fields, offsets, rank_total, merger names, and how extract adds them."""
from __future__ import annotations

from pipeline.core.extract import _with_table_rows
from pipeline.core.segment import Sentence
from pipeline.core.structure.cells import split_cells
from pipeline.core.structure.tables import find_tables, table_candidates, table_rows
from pipeline.records import Candidate

RANKING = """Xếp hạng Chỉ số PAPI năm 2022
| Xếp hạng | Tỉnh/thành phố | Tổng điểm |
| 1/63 | Bình Định | 45,99 |
| 2/63 | Quảng Ninh | 45,86 |
| 3/63 | Thừa Thiên Huế | 45,55 |"""


def _read(text, post_merger=False, era_total=63, **kw):
    return table_candidates(text, post_merger=post_merger, era_total=era_total, **kw)


def test_candidate_fields_offsets_and_provenance_are_those_of_the_sentence_path():
    cands = _read(RANKING)
    rank = cands[0]
    assert rank.type == "rank"
    assert list(rank.fields) == ["province", "province_code", "province_2025", "index", "year", "rank", "rank_total",
                                 "modality"]
    assert rank.fields == {"province": "Bình Định", "province_code": "52", "province_2025": "Gia Lai", "index": "PAPI",
                           "year": 2022, "rank": 1, "rank_total": 63, "modality": "actual"}
    assert RANKING[rank.start:rank.end] == "1/63"
    assert (rank.rule, rank.rule_choice, rank.group) == ("table_row", True, (rank.start, "rank", "table"))
    assert rank.features["table_row"] == 1.0
    score = cands[1]
    assert list(score.fields) == ["province", "province_code", "province_2025", "index", "year", "score", "modality"]
    assert (score.fields["score"], RANKING[score.start:score.end]) == (45.99, "45,99")
    assert len({c.group for c in cands}) == len(cands) == 6


def test_rank_total_only_from_slash_total_or_ca_nuoc():
    plain = RANKING.replace("1/63", "1").replace("2/63", "2").replace("3/63", "3")
    assert {c.fields["rank_total"] for c in _read(plain) if c.type == "rank"} == {None}
    national = plain.replace("năm 2022", "năm 2022 của cả nước")
    assert {c.fields["rank_total"] for c in _read(national) if c.type == "rank"} == {63}
    # after the merger "cả nước" is 34 units
    assert {c.fields["rank_total"] for c in _read(national, post_merger=True, era_total=34) if c.type == "rank"} == {34}


def test_after_the_merger_thua_thien_hue_is_written_hue():
    cands = _read(RANKING, post_merger=True, era_total=34)
    assert [c.fields["province"] for c in cands if c.type == "rank"] == ["Bình Định", "Quảng Ninh", "Huế"]


def test_component_column_scores_carry_their_component():
    text = ("Điểm các chỉ số thành phần PCI 2021\n"
            "| Tỉnh | Chi phí thời gian | Tính năng động | Điểm PCI |\n"
            "| Đồng Tháp | 7,52 | 7,10 | 70,53 |\n| Long An | 7,11 | 6,98 | 69,62 |")
    got = {(c.fields["province"], c.fields.get("component"), c.fields["score"]) for c in _read(text)}
    assert got == {("Đồng Tháp", "Chi phí thời gian", 7.52), ("Đồng Tháp", "Tính năng động", 7.10),
                   ("Đồng Tháp", None, 70.53), ("Long An", "Chi phí thời gian", 7.11),
                   ("Long An", "Tính năng động", 6.98), ("Long An", None, 69.62)}


def test_profile_without_a_named_province_is_the_articles():
    text = "Kết quả PAR INDEX của tỉnh qua các năm\n| Năm | 2022 | 2023 |\n| Xếp hạng | 30 | 12 |"
    main = {"name": "Hà Tĩnh", "code": "42", "province_2025": "Hà Tĩnh"}
    got = [(c.fields["province"], c.fields["year"], c.fields["rank"]) for c in _read(text, main_province=main)]
    assert got == [("Hà Tĩnh", 2022, 30), ("Hà Tĩnh", 2023, 12)]
    assert _read(text) == []  # no subject at all: nothing


def test_no_index_named_gives_nothing_and_year_falls_back_to_the_edition():
    text = "Kết quả xếp hạng năm 2023\n| Xếp hạng | Tỉnh | Điểm |\n| 1 | Quảng Ninh | 71,25 |\n| 2 | Hải Phòng | 70,61 |"
    assert _read(text) == []
    untitled = "Bảng xếp hạng chỉ số PCI\n| Xếp hạng | Tỉnh | Điểm |\n| 1 | Quảng Ninh | 71,25 |\n| 2 | Hải Phòng | 70,61 |"
    assert _read(untitled) == []  # no year anywhere: no fact with a guessed year
    assert {c.fields["year"] for c in _read(untitled, default_year=2023)} == {2023}


def test_cells_of_every_style():
    assert [c.text for c in split_cells("Quảng Ninh\t71,25\t1", 0)[0]] == ["Quảng Ninh", "71,25", "1"]
    assert [c.text for c in split_cells("Quảng Ninh    71,25   1", 10)[0]] == ["Quảng Ninh", "71,25", "1"]
    cells, style = split_cells("|---|:--:|", 0)
    assert (cells, style) == ([], "pipe")
    c = split_cells("| 12/63 |", 5)[0][0]
    assert (c.kind, c.value, c.attrs["total"], c.start, c.end) == ("int", 12.0, 63, 7, 12)


def test_rows_are_sentences_covering_the_row():
    pairs = table_rows(RANKING, post_merger=False, era_total=63)
    cand, sent = pairs[0]
    assert sent.text == "1/63 | Bình Định | 45,99"
    assert RANKING[sent.start:sent.end] == sent.text
    assert len(find_tables(RANKING)) == 1


def test_extract_adds_rows_in_text_order_and_table_rows_own_their_values():
    s1, s2, s3 = Sentence(0, 10, "x" * 10), Sentence(40, 58, "y" * 18), Sentence(100, 110, "w" * 10)
    mk = lambda start, typ, end=None: Candidate(typ, {}, start, end or start + 2, "r")
    out = [(mk(2, "rank"), s1), (mk(45, "rank", 52), s2), (mk(102, "rank"), s3)]
    row = Sentence(50, 60, "z" * 10)
    rows = [(mk(50, "rank"), row), (mk(55, "score"), row)]
    merged = _with_table_rows(out, rows)
    # the sentence path's value 45-52 reaches into the row 50-60: the row's own reading replaces it
    assert [(c.start, c.type, c.rule) for c, _ in merged] == [(2, "rank", "r"), (50, "rank", "r"), (55, "score", "r"),
                                                             (102, "rank", "r")]
    assert merged[1][1] is row and merged[3][0] is out[2][0]


def test_group_rows_do_not_break_a_table_and_the_country_row_gives_a_score_only():
    text = ("Kết quả Chỉ số PAPI 2022 các tỉnh Bắc Trung Bộ\n| STT | Tỉnh | Điểm PAPI | Xếp hạng |\n|---|---|---|---|\n"
            "| | Vùng Bắc Trung Bộ | | |\n| 1 | Thừa Thiên Huế | 45,55 | 3 (+2) |\n| 2 | Hà Tĩnh | 44,10 | 9 (-1) |\n"
            "| | Trung bình cả nước | 42,36 | |")
    cands = _read(text)
    ranks = [(c.fields["province"], c.fields["rank"], text[c.start:c.end]) for c in cands if c.type == "rank"]
    assert ranks == [("Thừa Thiên Huế", 3, "3"), ("Hà Tĩnh", 9, "9")]  # the value, not its change in brackets
    assert [(c.type, c.fields["score"]) for c in cands if c.fields["province"] == "Việt Nam"] == [("score", 42.36)]
