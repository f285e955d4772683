"""Alternatives: every other plausible pairing of a value, one slot changed at a time."""
from __future__ import annotations

from pipeline.core.alternatives import expand


def test_other_provinces_indices_and_years_are_proposed(link):
    text = ("Năm 2021, Thanh Hóa vươn lên xếp thứ 3 cả nước về chỉ số PAPI (tăng 21 bậc so với năm 2020) "
            "và thứ 14 cả nước về chỉ số PAR INDEX.")
    links, _ = link(text, main={"name": "Nghệ An", "code": "40", "province_2025": "Nghệ An"})
    rank3 = links[0].candidates[0]
    alts = expand(links[0].scope, [rank3])
    assert alts[0] is rank3 and all(not a.rule_choice and a.group == rank3.group for a in alts[1:])
    changed = {(a.fields["province"], a.fields["index"], a.fields["year"]) for a in alts[1:]}
    assert ("Nghệ An", "PAPI", 2021) in changed          # the article's province
    assert ("Thanh Hóa", "PAR_INDEX", 2021) in changed   # the other index of the sentence
    assert ("Thanh Hóa", "PAPI", None) in changed        # no year
    assert len({(a.fields["province"], a.fields["index"], a.fields["year"], a.fields["modality"]) for a in alts}) == len(alts)


def test_a_percentage_only_flips_its_modality(link):
    links, _ = link("Năm 2023, tỉnh Bắc Giang có 96,55% người dân hài lòng với dịch vụ công.")
    pct = links[0].candidates[0]
    alts = expand(links[0].scope, [pct])
    assert [(a.fields["value"], a.fields["modality"], a.rule_choice) for a in alts] == \
        [(96.55, "actual", True), (96.55, "target", False)]


def test_national_scores_are_an_alternative_subject(link):
    links, _ = link("Chỉ số PAPI năm 2022 của Quảng Ninh đạt 46,1 điểm.")
    score = links[0].candidates[0]
    assert "Việt Nam" in {a.fields["province"] for a in expand(links[0].scope, [score])}
