"""Linking, piece by piece: clause bounds, slot fillers, constructions and the carried context."""
from __future__ import annotations

from pipeline.core.linking import slots
from pipeline.core.linking.clauses import CLAUSE_BREAK, SEGMENT_BREAK, Breaks
from pipeline.core.linking.constructions import coordination, respectively, sequence


def _by_text(scope, kind, text):
    return next(m for m in scope.by_kind[kind] if m.text == text)


def test_clause_bounds_stop_at_semicolons_and_contrasts():
    text = "Năm 2021, Đà Nẵng xếp thứ 6/63 về chỉ số DTI, trong khi Cần Thơ xếp thứ 20/63; PAPI tăng 3 bậc."
    b = Breaks(text, CLAUSE_BREAK)
    lo, hi = b.bounds(text.index("thứ 6"))
    assert text[lo:hi] == "Năm 2021, Đà Nẵng xếp thứ 6/63 về chỉ số DTI"
    lo, hi = b.bounds(text.index("thứ 20"))
    assert text[lo:hi] == " Cần Thơ xếp thứ 20/63"
    lo, hi = b.bounds(text.index("tăng"))
    assert text[lo:hi] == " PAPI tăng 3 bậc."
    lo, hi = Breaks(text, SEGMENT_BREAK).bounds(text.index("Đà Nẵng"))
    assert text[lo:hi] == " Đà Nẵng xếp thứ 6/63 về chỉ số DTI"


def test_each_value_takes_the_subject_of_its_own_clause(link):
    links, _ = link("Năm 2021, Đà Nẵng xếp thứ 6/63 về chỉ số DTI, trong khi Cần Thơ xếp thứ 20/63.")
    scope = links[0].scope
    first, second = scope.by_kind["rank"]
    assert slots.subject_for(scope, first)[:2] == (scope.provinces[0].attrs, "clause")
    assert slots.subject_for(scope, second)[0]["name"] == "Cần Thơ"
    idx, how = slots.index_for(scope, first)
    assert (idx.attrs["index"], how) == ("DTI", "ve_after")
    assert slots.year_for(scope, first) == (2021, "clause_before")


def test_index_named_after_ve_and_year_in_parentheses(link):
    links, _ = link("Chỉ số PCI của Bắc Ninh xếp thứ 27 (2023), tăng 5 bậc so với năm 2022.")
    scope = links[0].scope
    rank = scope.by_kind["rank"][0]
    assert slots.year_for(scope, rank) == (2023, "paren")
    change = scope.by_kind["rank_change"][0]
    assert slots.base_year_for(scope, change, 2023) == 2022
    assert slots.modality_for(scope, change) == "actual"


def test_goal_cue_makes_target_modality(link):
    links, _ = link("Tỉnh Quảng Trị phấn đấu đến năm 2025 chỉ số PCI nằm trong nhóm 20 tỉnh dẫn đầu cả nước.")
    scope = links[0].scope
    target = scope.by_kind["rank_target"][0]
    assert slots.modality_for(scope, target) == "target"
    assert [(c.type, c.fields["rank_max"], c.fields["year"]) for c in links[0].candidates] == [("rank_target", 20, 2025)]


def test_respectively_binds_values_to_names_in_order(link):
    links, _ = link("TP.HCM và Quảng Ninh lần lượt xếp thứ 2 và 3 về chỉ số PCI năm 2022.")
    scope = links[0].scope
    bound = respectively.bind(scope)
    assert [(scope.text[v - scope.start:v - scope.start + 8], p["name"]) for v, p in sorted(bound.items())] == \
        [("xếp thứ ", "Hồ Chí Minh"), ("3 về chỉ", "Quảng Ninh")]
    assert {c.construction for c in links[0].candidates} == {"respectively"}


def test_sequence_continues_from_the_last_rank(link):
    links, ctx = link("Năm 2022, Quảng Ninh dẫn đầu bảng xếp hạng PCI. Các vị trí tiếp theo là Hải Phòng, Long An và Đồng Tháp.")
    assert ctx.last_rank == {("PCI", 2022): 1}
    got = [(c.fields["province"], c.fields["rank"], c.construction) for c in links[1].candidates]
    assert got == [("Hải Phòng", 2, "sequence"), ("Long An", 3, "sequence"), ("Đồng Tháp", 4, "sequence")]
    assert sequence.extend(links[1].scope, links[1].candidates) == []  # every listed name is ranked already


def test_coordinated_indices_share_a_first_place(link):
    links, _ = link("Năm 2022, Quảng Ninh dẫn đầu về các chỉ số PCI, PAR INDEX và SIPAS.")
    scope = links[0].scope
    assert [m.attrs["index"] for m in coordination.coordinated(scope, scope.indices[0])] == ["PCI", "PAR_INDEX", "SIPAS"]


def test_context_carries_subject_index_and_year_to_the_next_sentence(link):
    links, ctx = link("Năm 2022, Quảng Ninh dẫn đầu bảng xếp hạng PCI. Tỉnh này tăng 2 bậc so với năm 2021.")
    assert (ctx.subject["name"], ctx.index, ctx.year, ctx.year_source) == ("Quảng Ninh", "PCI", 2022, "lead")
    second = links[1]
    assert second.scope.before.subject["name"] == "Quảng Ninh"
    assert [(c.type, c.fields["province"], c.fields["index"], c.fields["year"], c.fields["delta"]) for c in second.candidates] == \
        [("rank_change", "Quảng Ninh", "PCI", 2022, 2)]


def test_dropped_pairings_keep_the_reason(link):
    links, _ = link("Năm 2016, tỉnh đứng thứ 10 về chỉ số PAR INDEX.")  # no article province: no subject
    assert links[0].candidates == []
    assert [(c.type, c.rule_choice, "dropped_no_subject_anaphora" in c.features) for c in links[0].dropped] == \
        [("rank", False, True)]
