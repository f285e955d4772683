"""The whole extraction on real articles: gold figures, offsets, schema, determinism."""
import json
from pathlib import Path

import jsonschema
import pytest

from pipeline import extract_text
from pipeline.tools.evaluate import evaluate_folder
from pipeline.batch.run import iter_results, write_results

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "corpus" / "seeds"
DEV = ROOT.parent / "shared" / "corpus" / "dev"
SCHEMA = json.loads((ROOT / "pipeline" / "fact.schema.json").read_text("utf-8"))


def test_thai_binh_sentence():
    facts = extract_text("Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS, tăng 27 bậc so với năm 2021.")
    got = {(f["type"], f["province"], f["index"], f["year"], f.get("rank"), f.get("delta")) for f in facts}
    assert got == {("rank", "Thái Bình", "SIPAS", 2022, 13, None), ("rank_change", "Thái Bình", "SIPAS", 2022, None, 27)}
    assert all(f["province_2025"] == "Hưng Yên" and f["province_code"] for f in facts)


def test_two_indices_in_one_sentence_get_their_own_numbers():
    text = ("Năm 2021, Thanh Hóa đã bứt phá mạnh mẽ khi vươn lên xếp thứ 3 cả nước về chỉ số PAPI (tăng 21 bậc so với "
            "năm 2020) và thứ 14 cả nước về chỉ số PAR INDEX (tăng 15 bậc so với năm 2020).")
    got = {(f["type"], f["index"], f.get("rank") or f.get("delta"), f.get("rank_total")) for f in extract_text(text)}
    assert got == {("rank", "PAPI", 3, 63), ("rank_change", "PAPI", 21, None),
                   ("rank", "PAR_INDEX", 14, 63), ("rank_change", "PAR_INDEX", 15, None)}


def test_percentages_and_fractions():
    text = "Kết quả đến hết quý III/2023 đã thực hiện 23/30 nhiệm vụ, đạt 76,7%; phấn đấu đến năm 2025 đạt 80% hồ sơ trực tuyến."
    got = [(f["type"], f["value"], f["modality"]) for f in extract_text(text)]
    assert got == [("percentage", 76.7, "actual"), ("percentage", 80.0, "target")]


def test_seed_gold_micro_f1():
    result, _ = evaluate_folder(SEEDS)
    assert result["micro"]["f1"] >= 0.95, result


@pytest.mark.skipif(not DEV.exists(), reason="../shared/corpus/dev not beside the project")
def test_dev_gold_micro_f1():
    result, _ = evaluate_folder(DEV)
    assert result["micro"]["f1"] >= 0.85, result


def test_output_is_schema_valid_sliced_and_deterministic(tmp_path):
    outs = []
    for run in ("a", "b"):
        write_results(iter_results([SEEDS / "texts"]), tmp_path / run)
        outs.append((tmp_path / run / "facts.jsonl").read_bytes())
    assert outs[0] == outs[1]
    facts = [json.loads(l) for l in outs[0].decode("utf-8").splitlines()]
    assert len(facts) >= 50
    texts = {p.stem: p.read_text("utf-8") for p in (SEEDS / "texts").glob("*.txt")}
    from pipeline.core.normalize import normalize_text

    for f in facts:
        jsonschema.validate(f, SCHEMA)
        assert normalize_text(texts[f["doc_id"]])[f["char_start"]:f["char_end"]] == f["evidence"]


def test_directives_with_phai_are_goals_not_results():
    """Real sentences from the news corpus: "phải" (must) before a figure states a requirement."""
    facts = extract_text("Với GDP nửa đầu năm tăng 5,73%, nếu muốn tăng 6,7% thì nửa cuối năm phải tăng trưởng 7,42%.")
    assert [(f["value"], f["modality"]) for f in facts] == [(5.73, "actual"), (6.7, "actual"), (7.42, "target")]
    text = ("Thủ tướng yêu cầu TP.HCM đẩy mạnh cải cách. Thành phố phải dẫn đầu cả nước về cải cách hành chính "
            "và cơ chế một cửa. Chỉ số PAR INDEX năm 2016 của TP.HCM xếp thứ 10/63.")
    assert [(f["type"], f["province"], f["index"], f["rank"]) for f in extract_text(text)] == \
        [("rank", "Hồ Chí Minh", "PAR_INDEX", 10)]


def test_leading_an_economic_measure_is_not_an_index_rank():
    text = ("Chỉ số PCI của TP.HCM tụt hạng trong những năm gần đây, chưa tương xứng với tiềm năng của "
            "thành phố dẫn đầu thu ngân sách cả nước.")
    assert [f for f in extract_text(text) if f["type"] == "rank"] == []


def test_ministries_and_sets_of_provinces_are_not_a_province():
    """Real sentences of a PAR INDEX 2016 report: ministries' averages and ties of several provinces."""
    text = ("Bộ Nội vụ công bố Chỉ số cải cách hành chính năm 2016 của các bộ và các tỉnh. Hậu Giang là địa phương "
            "có Chỉ số cải cách hành chính đứng cuối bảng, đạt 62,55%. Giá trị trung bình Chỉ số cải cách hành "
            "chính của 19 bộ, cơ quan ngang bộ đạt được là 80,94%. Có 8 tỉnh, thành phố cùng đứng vị trí thứ nhất "
            "trên bảng xếp hạng về cải cách tài chính công với tỷ lệ điểm đạt được là 100%.")
    facts = extract_text(text)
    assert [(f["type"], f["province"], f.get("score")) for f in facts if f["type"] in ("score", "rank")] == \
        [("score", "Hậu Giang", 62.55)]
    assert sorted(f["value"] for f in facts if f["type"] == "percentage") == [62.55, 80.94, 100.0]
