"""Arithmetic between the facts of one article, as `extract` writes it into facts.jsonl.

Each article is a Vietnamese text run through the real pipeline (`pipeline.extract_text`);
the test asserts which facts carry `inconsistent` and the exact reasons.
"""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from pipeline import extract_text
from pipeline.core import consistency
from pipeline.records import EXTRA_FIELDS

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "pipeline" / "fact.schema.json").read_text("utf-8"))


def by_type(facts):
    out = {}
    for f in facts:
        out.setdefault(f["type"], []).append(f)
    return out


def test_change_that_contradicts_both_stated_ranks_flags_all_three():
    text = ("Năm 2022, Đồng Nai xếp thứ 20/63 về Chỉ số PAPI. "
            "Năm 2023, Đồng Nai xếp thứ 12/63 về Chỉ số PAPI, tăng 4 bậc so với năm 2022.")
    facts = extract_text(text, doc_id="dongnai")
    assert [(f["type"], f.get("rank", f.get("delta")), f["char_start"], f["char_end"]) for f in facts] == [
        ("rank", 20, 0, 47), ("rank", 12, 49, 124), ("rank_change", 4, 49, 124)]
    assert [f["inconsistent"] for f in facts] == [
        ["disagrees with rank_change +4 (2023 vs 2022) at 49:124 and rank 12 (2023) at 49:124"],
        ["disagrees with rank_change +4 (2023 vs 2022) at 49:124 and rank 20 (2022) at 0:47"],
        ["disagrees with rank 20 (2022) at 0:47, rank 12 (2023) at 49:124"],
    ]
    for f in facts:  # the new field is in the JSON Schema, and written last
        jsonschema.validate(f, SCHEMA)
        assert list(f)[-1] == "inconsistent"


def test_consistent_article_has_no_field_at_all():
    text = ("Năm 2022, Đồng Nai xếp thứ 16/63 về Chỉ số PAPI. "
            "Năm 2023, Đồng Nai xếp thứ 12/63 về Chỉ số PAPI, tăng 4 bậc so với năm 2022.")
    facts = extract_text(text, doc_id="dongnai")
    assert [f["type"] for f in facts] == ["rank", "rank", "rank_change"]
    assert not any("inconsistent" in f for f in facts)


def test_change_implying_an_impossible_rank():
    # rank 2 after falling 5 places: the year before it would have been -3rd
    facts = extract_text("Năm 2023, tỉnh Bình Dương đứng thứ 2/63 tỉnh, thành phố về chỉ số PCI, "
                         "giảm 5 bậc so với năm 2022.", doc_id="binhduong")
    t = by_type(facts)
    assert t["rank"][0]["rank"] == 2 and t["rank_change"][0]["delta"] == -5
    assert t["rank"][0]["inconsistent"] == ["with rank_change -5 (2023 vs 2022) at 0:97 implies rank -3 in 2022"]
    assert t["rank_change"][0]["inconsistent"] == ["with rank 2 (2023) at 0:97 implies rank -3 in 2022"]


def test_score_change_against_both_scores():
    text = ("Năm 2023, tỉnh Bắc Ninh đạt 68,50 điểm PCI, tăng 1,25 điểm so với năm 2022. "
            "Năm 2022, chỉ số PCI của Bắc Ninh đạt 66,00 điểm.")
    t = by_type(extract_text(text, doc_id="bacninh"))
    assert [f["score"] for f in t["score"]] == [68.5, 66.0]
    assert t["score_change"][0]["inconsistent"] == [
        "disagrees with score 66 (2022) at 76:124, score 68.5 (2023) at 0:74"]
    assert all("inconsistent" in f for f in t["score"])
    # 66.00 + 2.50 = 68.50: the same article with the right change is consistent
    fixed = extract_text(text.replace("1,25", "2,50"), doc_id="bacninh")
    assert len(fixed) == 3 and not any("inconsistent" in f for f in fixed)


def test_rank_above_its_total_and_targets_are_not_checked():
    facts = [
        {"type": "rank", "province": "Hà Nội", "index": "PCI", "year": 2023, "rank": 70, "rank_total": 63,
         "char_start": 0, "char_end": 10},
        # a goal says nothing about what happened: never contradicts
        {"type": "rank", "province": "Hà Nội", "index": "PCI", "year": 2022, "rank": 1, "rank_total": 63,
         "modality": "target", "char_start": 20, "char_end": 30},
        {"type": "rank_change", "province": "Hà Nội", "index": "PCI", "year": 2023, "delta": 30,
         "base_year": 2022, "char_start": 40, "char_end": 50},
    ]
    assert consistency.check_document(facts) == {0: ["rank 70 > rank_total 63"]}


def test_a_year_stated_twice_is_consistent_if_one_pair_agrees():
    facts = [
        {"type": "rank", "province": "Huế", "index": "SIPAS", "year": 2023, "rank": 12, "char_start": 0, "char_end": 5},
        {"type": "rank", "province": "Huế", "index": "SIPAS", "year": 2023, "rank": 14, "char_start": 6, "char_end": 9},
        {"type": "rank", "province": "Huế", "index": "SIPAS", "year": 2022, "rank": 16, "char_start": 10, "char_end": 15},
        {"type": "rank_change", "province": "Huế", "index": "SIPAS", "year": 2023, "delta": 4, "base_year": 2022,
         "char_start": 10, "char_end": 15},
    ]
    assert consistency.check_document(facts) == {}
    facts[0]["rank"] = 11
    facts[1]["component"] = "Tiếp cận dịch vụ"  # another series: not compared with the overall change
    assert sorted(consistency.check_document(facts)) == [0, 2, 3]


def test_extra_fields_order_ends_with_inconsistent():
    assert EXTRA_FIELDS[-1] == "inconsistent"


@pytest.mark.parametrize("delta, year, base, ok", [(27, 13, 40, True), (-5, 12, 7, True), (4, 12, 20, False)])
def test_rank_change_arithmetic(delta, year, base, ok):
    assert consistency.rank_change_agrees(delta, year, base) is ok
    if ok:
        assert consistency.implied_rank(delta, rank_year=year) == base
        assert consistency.implied_rank(delta, rank_base=base) == year
