"""The classifier's features: what a linguist would name, read from the candidate and its Scope."""
from __future__ import annotations

from pipeline.core.alternatives import expand
from pipeline.core.features import candidate_features

THAI_BINH = "Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS, tăng 27 bậc so với năm 2021."


def test_rule_pairing_features_name_where_each_filler_stands(link):
    links, _ = link(THAI_BINH)
    rank = links[0].candidates[0]
    f = candidate_features(rank, rank, pos=True)
    for name in ("rule_choice", "rule:subj_clause", "rule:idx_ve_after", "rule:year_clause_before",
                 "subj=mention_before", "subj:segment_initial", "idx=mention_after", "idx:ve_before_index",
                 "year=mention_before", "year:sentence_lead", "rank:cue=xếp thứ", "type=rank", "modality=actual"):
        assert f.get(name) == 1.0, name
    assert f["idx:pos_E"] == 1.0            # underthesea tags "về" a preposition
    assert "alt:changed=year" not in f


def test_an_alternative_says_which_slot_it_changed(link):
    links, _ = link(THAI_BINH)
    rank = links[0].candidates[0]
    alt = next(a for a in expand(links[0].scope, [rank]) if not a.rule_choice)
    f = candidate_features(alt, rank, pos=False)
    assert f["alt:changed=year"] == 1.0 and f["year=none"] == 1.0
    assert "rule_choice" not in f and not any(k.startswith("rule:") for k in f)


def test_respectively_construction_replaces_distance_features(link):
    links, _ = link("TP.HCM và Quảng Ninh lần lượt xếp thứ 2 và 3 về chỉ số PCI năm 2022.")
    second = links[0].candidates[1]
    f = candidate_features(second, second, pos=False)
    assert f["subj:respectively_order_match"] == 1.0
    assert not any(k.startswith("subj=mention") for k in f)
    swapped = expand(links[0].scope, [second])
    other = next(a for a in swapped if a.fields["province"] == "Hồ Chí Minh")
    assert candidate_features(other, second, pos=False)["subj:respectively_order_mismatch"] == 1.0


def test_goal_cues_cross_with_the_candidate_modality(link):
    links, _ = link("Quảng Trị phấn đấu đến năm 2025 đạt 90% người dân hài lòng.")
    pct = links[0].candidates[0]
    f = candidate_features(pct, pct, pos=False)
    assert pct.fields["modality"] == "target"
    assert f["target&left_phan_dau"] == 1.0 and f["target&left_den_nam"] == 1.0 and f["target&target_cue"] == 1.0
    flipped = next(a for a in expand(links[0].scope, [pct]) if not a.rule_choice)
    assert candidate_features(flipped, pct, pos=False)["actual&left_phan_dau"] == 1.0
