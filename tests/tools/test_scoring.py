"""Scoring by SCHEMA.md: per-document sets of keys, per type and micro-averaged."""
from __future__ import annotations

from pipeline.records import fact_key
from pipeline.tools.evaluate import score


def test_keys_compare_provinces_by_their_canonical_name():
    a = {"type": "rank", "province": "TP.HCM", "index": "PCI", "year": 2023, "rank": 27}
    b = {"type": "rank", "province": "Thành phố Hồ Chí Minh", "index": "PCI", "year": 2023, "rank": 27, "rank_total": 63}
    assert fact_key(a) == fact_key(b)
    assert fact_key({"type": "score", "province": "Thừa Thiên Huế", "index": "PAPI", "year": 2020, "score": 44.396}) == \
        fact_key({"type": "score", "province": "TT-Huế", "index": "PAPI", "year": 2020, "score": 44.4})
    assert fact_key({"type": "rank_change", "province": "Hà Nội", "index": "PCI", "year": 2022, "delta": -5.0})[-1] == -5


def test_per_type_and_micro_counts():
    gold = [{"doc_id": "a", "type": "rank", "province": "Hà Nội", "index": "PCI", "year": 2022, "rank": 10},
            {"doc_id": "a", "type": "percentage", "value": 96.55, "modality": "actual"},
            {"doc_id": "b", "type": "score", "province": "Huế", "index": "PAPI", "year": 2022, "score": 45.1}]
    pred = [{"doc_id": "a", "type": "rank", "province": "Hà Nội", "index": "PCI", "year": 2022, "rank": 10},
            {"doc_id": "a", "type": "rank", "province": "Hà Nội", "index": "PCI", "year": 2022, "rank": 10},  # repeat
            {"doc_id": "a", "type": "percentage", "value": 96.55, "modality": "target"},
            {"doc_id": "c", "type": "rank", "province": "Huế", "index": "PCI", "year": 2022, "rank": 1}]  # not scored
    r = score(pred, gold)
    assert (r["per_type"]["rank"]["tp"], r["per_type"]["rank"]["fp"], r["per_type"]["rank"]["fn"]) == (1, 0, 0)
    assert (r["per_type"]["percentage"]["fp"], r["per_type"]["percentage"]["fn"]) == (1, 1)
    assert r["per_type"]["score"]["fn"] == 1
    assert (r["micro"]["tp"], r["micro"]["fp"], r["micro"]["fn"]) == (1, 1, 2)
    assert r["micro"]["precision"] == 0.5 and r["micro"]["recall"] == 0.3333 and r["micro"]["f1"] == 0.4
