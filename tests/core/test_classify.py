"""The candidate classifier: real decisions on real sentences, safe loading, deterministic training."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.core.classify import MODEL_PATH, CandidateModel, ModelDecider, ModelError, explain
from pipeline.core.extract import candidates
from pipeline.records import Document

ROOT = Path(__file__).resolve().parents[2]
TWO_INDICES = ("Năm 2021, Thanh Hóa đã bứt phá mạnh mẽ khi vươn lên xếp thứ 3 cả nước về chỉ số PAPI (tăng 21 bậc "
               "so với năm 2020) và thứ 14 cả nước về chỉ số PAR INDEX (tăng 15 bậc so với năm 2020).")


def _groups(text):
    pairs = candidates(Document("t", text, "<test>", {}), alternatives=True)
    groups = {}
    for cand, sent in pairs:
        groups.setdefault((sent.start, cand.group), []).append(cand)
    return list(groups.values())


def test_shipped_model_picks_each_number_its_own_index():
    decider = ModelDecider(CandidateModel.load())
    kept = [c for g in _groups(TWO_INDICES) for c, _ in decider(g)]
    got = {(c.type, c.fields["index"], c.fields.get("rank") or c.fields.get("delta")) for c in kept}
    assert got == {("rank", "PAPI", 3), ("rank_change", "PAPI", 21), ("rank", "PAR_INDEX", 14), ("rank_change", "PAR_INDEX", 15)}
    # the alternatives were there to be rejected: the PAR INDEX rank was also proposed as PAPI
    assert any(c.fields.get("rank") == 14 and c.fields["index"] == "PAPI" for g in _groups(TWO_INDICES) for c in g)


def test_confidence_is_the_probability_and_explainable():
    model = CandidateModel.load()
    group = next(g for g in _groups(TWO_INDICES) if g[0].type == "rank")
    rows = explain(group, model)
    best = max(rows, key=lambda r: r["probability"])
    assert 0.5 <= best["probability"] <= 1.0 and best["rule_choice"]
    assert best["top_features"] and all(isinstance(name, str) for name, _ in best["top_features"])
    assert min(r["probability"] for r in rows) < 0.5


def test_tampered_model_is_refused(tmp_path):
    doc = json.loads(MODEL_PATH.read_text("utf-8"))
    name = next(iter(doc["weights"]))
    doc["weights"][name] += 1.0
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(ModelError, match="hash mismatch"):
        CandidateModel.load(bad)


def test_corrupted_model_is_refused_by_the_cli(tmp_path):
    bad = tmp_path / "corrupt.json"
    bad.write_bytes(MODEL_PATH.read_bytes()[:500])
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(ROOT / "corpus/seeds/texts"),
                           "--out", str(out), "--model", str(bad), "--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert "corrupt.json" in proc.stderr and "corrupted" in proc.stderr
    assert not (out / "facts.jsonl").exists()


def test_training_is_deterministic(tmp_path):
    from pipeline.tools.train import train

    a = train([str(ROOT / "corpus/seeds")], tmp_path / "a.json")
    train([str(ROOT / "corpus/seeds")], tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert a.meta["trained_on"]["documents"] == 5 and a.meta["trained_on"]["positives"] > 40


OTHER_EDITION = ("Đà Nẵng tiếp tục dẫn đầu ICT Index 2016. Đà Nẵng cũng đứng đầu về chỉ số PCI. "
                 "Chỉ số PAPI tăng 7 bậc, Chỉ số đổi mới sáng tạo cấp địa phương (PII) xếp thứ 2 cả nước.")


def _featured(text):
    from pipeline.core.features import candidate_features

    pairs = candidates(Document("t", text, "<test>", {}), alternatives=True)
    rule_of = {(s.start, c.group): c for c, s in pairs if c.rule_choice}
    return [(c, candidate_features(c, rule_of.get((s.start, c.group)), pos=False)) for c, s in pairs]


def test_alternatives_never_change_the_rules_pairings():
    doc = Document("t", OTHER_EDITION + " " + TWO_INDICES, "<test>", {})
    plain = [(c.type, c.fields, c.group) for c, _ in candidates(doc)]
    with_alts = [(c.type, c.fields, c.group) for c, _ in candidates(doc, alternatives=True) if c.rule_choice]
    assert plain == with_alts


def test_dropped_pairings_are_offered_to_the_classifier_only():
    # "(PII) xếp thứ 2": the rules drop a rank whose nearest index is outside the schema ...
    rules = [c for c, _ in candidates(Document("t", OTHER_EDITION, "<test>", {}))]
    assert not any(c.type == "rank" and c.fields["rank"] == 2 for c in rules)
    # ... the classifier sees it, marked with why it was dropped and what lies next to it
    featured = _featured(OTHER_EDITION)
    dropped = [(c, f) for c, f in featured if c.type == "rank" and c.fields["rank"] == 2]
    assert dropped and not any(c.rule_choice for c, _ in dropped)
    assert all(f.get("dropped_index_other") for _, f in dropped)
    assert any(f.get("idx:unnamed_index_nearer") for _, f in dropped)


def test_running_year_of_another_index_is_a_feature_of_both_sides():
    # "ICT Index 2016" sets the running year; the PCI rank next sentence may not be 2016's
    featured = _featured(OTHER_EDITION)
    pci = {c.fields["year"]: f for c, f in featured if c.type == "rank" and c.fields["index"] == "PCI" and c.fields["rank"] == 1}
    assert pci[2016]["year:takes_other_index_edition"] == 1.0 and pci[2016]["year=carried_from_other_index"]
    assert pci[None]["year:takes_other_index_edition"] == -1.0
    ict = next(f for c, f in featured if c.rule_choice and c.fields.get("index") == "ICT_INDEX")
    assert "year:takes_other_index_edition" not in ict
    # PAR INDEX and SIPAS are published together: one's edition year is the other's
    co = _featured("Chỉ số PAR INDEX 2023 của Quảng Ninh tăng mạnh. Quảng Ninh cũng xếp thứ 5 về chỉ số SIPAS.")
    sipas = next(f for c, f in co if c.rule_choice and c.fields.get("index") == "SIPAS")
    assert sipas.get("year=carried_from_co_published_index") and "year:takes_other_index_edition" not in sipas


def test_alternatives_are_labelled_only_where_the_gold_states_them():
    from pipeline.records import fact_key
    from pipeline.tools.train import document_rows

    text = "Quảng Ninh dẫn đầu PCI 2023. Năm 2023, Quảng Ninh đứng đầu cả hai bảng xếp hạng PAR INDEX và SIPAS."
    doc = Document("t", text, "<test>", {})
    second = text.index("Năm 2023")
    gold = [{"type": "rank", "province": "Quảng Ninh", "index": "PCI", "year": 2023, "rank": 1, "char_start": 0, "char_end": 27},
            *({"type": "rank", "province": "Quảng Ninh", "index": code, "year": 2023, "rank": 1,
               "char_start": second, "char_end": len(text)} for code in ("PAR_INDEX", "SIPAS"))]
    spans = {fact_key(g): [(g["char_start"], g["char_end"])] for g in gold}
    rows = document_rows(doc, {fact_key(g) for g in gold}, gold_spans=spans)
    rules = {(r.fact["index"], r.label) for r in rows if r.rule_choice}
    assert rules == {("PCI", 1), ("PAR_INDEX", 1), ("SIPAS", 1)}
    alts = [r for r in rows if not r.rule_choice and r.sentence.startswith("Năm 2023")]
    # the PAR INDEX rank offered as SIPAS is the sibling value's fact, not a lesson for this one
    assert {r.label for r in alts if r.fact.get("year") == 2023} == {None}
    assert {r.label for r in alts if r.fact.get("year") is None} == {0}
    # the PCI rank is a gold key, but stated only in the first sentence: offered here, it is left unlabelled
    pci_here = [r for r in alts if r.fact.get("index") == "PCI" and r.fact.get("year") == 2023]
    assert pci_here and all(r.label is None for r in pci_here)
