"""pipeline.tools.audit on the real seed articles: loading, keys, filters, rendering, gold comparison, ranks."""
from __future__ import annotations

import gzip
import json
import re

import pytest

from pipeline.tools import audit
from pipeline.core.normalize import normalize_text

SEEDS = audit.find_root(__file__) / "corpus" / "seeds"

DOC0 = "000_1958cf11339f40e9"   # Thái Bình: SIPAS 13/63, PAR INDEX 43/63, PCI 28/63 in 2022
DOC1 = "001_2581b9ef8843fc85"   # Thanh Hóa: PAR INDEX 29th (2020) then 14th (2021)


def test_gold_run_loads_and_every_offset_slices_its_evidence(seeds_run):
    facts, docs = audit.load_run(seeds_run)
    texts = audit.load_texts(docs)
    assert len(facts) == 56 and len(docs) == 5 and set(texts) == {d["doc_id"] for d in docs}
    for f in facts:
        assert texts[f["doc_id"]][f["char_start"]:f["char_end"]] == f["evidence"]
    assert "xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS" in texts[DOC0]


def test_load_texts_follows_jsonl_line_sources_and_normalises(tmp_path):
    """A "file.jsonl:N" source picks line N; the text is normalised as extraction saw it."""
    decomposed = "Thái Bi\u0300nh\u00a0xếp thứ 13/63 về SIPAS"
    lines = [{"id": "a", "text": "Hà Nội dẫn đầu PCI"}, {"id": "b", "text": decomposed}]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\n", encoding="utf-8")
    docs = [{"doc_id": "b", "source": f"{src}:2", "status": "ok"},
            {"doc_id": "gone", "source": str(tmp_path / "missing.txt"), "status": "ok"}]
    texts = audit.load_texts(docs)
    assert texts == {"b": "Thái Bình xếp thứ 13/63 về SIPAS"}
    assert texts["b"] == normalize_text(decomposed)
    gz = tmp_path / "in.jsonl.gz"
    gz.write_bytes(gzip.compress(src.read_bytes(), mtime=0))
    assert audit.load_texts([{"doc_id": "a", "source": f"{gz}:1"}]) == {"a": "Hà Nội dẫn đầu PCI"}


def test_fact_key_follows_schema_scoring():
    base = {"doc_id": "d", "type": "rank", "province": "Hồ Chí Minh", "index": "PCI", "year": 2023,
            "rank": 27, "rank_total": 63}
    assert audit.fact_key(base) == audit.fact_key({**base, "province": "TP.HCM", "rank_total": None})
    assert audit.fact_key(base) != audit.fact_key({**base, "rank": 28})
    assert audit.fact_key(base) != audit.fact_key({**base, "doc_id": "other"})
    score = {"doc_id": "d", "type": "score", "province": "tỉnh Lào Cai", "index": "PCI", "year": 2022,
             "score": 66.304}
    assert audit.fact_key(score) == audit.fact_key({**score, "province": "Lào Cai", "score": 66.3})
    pct = {"doc_id": "d", "type": "percentage", "value": 96.55, "qualifier": "exact",
           "modality": "actual", "province": "Bắc Ninh", "metric": "x"}
    assert audit.fact_key(pct) == audit.fact_key({**pct, "province": "Việt Nam", "qualifier": "approx"})
    assert audit.fact_key(pct) != audit.fact_key({**pct, "modality": "target"})


def test_canonical_province_aliases():
    assert audit.canonical_province("TP. Hồ Chí Minh") == audit.canonical_province("Hồ Chí Minh")
    assert audit.canonical_province("BR-VT") == "bà rịa - vũng tàu" == audit.canonical_province("Bà Rịa-Vũng Tàu")
    assert audit.canonical_province("Tỉnh Thái Bình") == "thái bình"
    assert audit.canonical_province(None) is None


def test_filters_select_real_seed_facts(seeds_run):
    facts, _ = audit.load_run(seeds_run)
    facts[0]["confidence"] = 0.4   # Thái Bình SIPAS rank, made doubtful
    df = audit.facts_frame(facts)
    assert len(audit.filter_facts(df, type="rank")) == 10
    assert len(audit.filter_facts(df, type=["rank", "rank_change"])) == 18
    tb = audit.filter_facts(df, province="tỉnh Thái Bình", index="SIPAS", year=2022)
    assert sorted(tb["type"]) == ["rank", "rank_change"]
    assert list(tb["value"]) == ["13/63", "+27 bậc vs 2021"]
    low = audit.filter_facts(df, max_confidence=0.5)
    assert list(low["doc_id"]) == [DOC0] and list(low["value"]) == ["13/63"]
    assert len(audit.filter_facts(df, province="Lai Châu", type="percentage")) == 12


def test_labels_carry_the_values():
    rank = {"type": "rank", "province": "Thái Bình", "index": "SIPAS", "year": 2022, "rank": 13, "rank_total": 63}
    assert audit.fact_label(rank) == "rank · SIPAS · 2022 · Thái Bình · 13/63"
    pct = {"type": "percentage", "value": 96.55, "qualifier": "more_than", "modality": "target", "province": "Bắc Ninh"}
    assert audit.fact_label(pct) == "percentage · Bắc Ninh · >96.55% · (target)"
    tgt = {"type": "rank_target", "province": "Lai Châu", "index": "PCI", "rank_min": 50, "rank_max": 55, "year": None}
    assert audit.fact_label(tgt) == "rank_target · PCI · Lai Châu · top 50–55"


def test_render_document_highlights_each_evidence_with_type_colours(seeds_run):
    facts, docs = audit.load_run(seeds_run)
    texts = audit.load_texts(docs)
    doc_facts = [f for f in facts if f["doc_id"] == DOC0]
    out = audit.render_document(texts[DOC0], doc_facts, title=DOC0)
    marks = re.findall(r'<mark class="entity" style="background: ([^;]+);.*?>(.*?)</mark>', out, re.S)
    # 11 facts, but rank and rank_change share three sentences: 8 highlights
    assert len(marks) == 8
    first_bg, first_body = marks[0][0], marks[0][1]
    assert "Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS" in first_body
    assert "rank · SIPAS · 2022 · Thái Bình · 13/63 ‖ rank_change · SIPAS · 2022 · Thái Bình · +27 bậc vs 2021" in first_body
    assert audit.TYPE_COLORS["rank"] in first_bg and audit.TYPE_COLORS["rank_change"] in first_bg
    pct_bgs = [bg for bg, body in marks if "percentage ·" in body]
    assert pct_bgs and set(pct_bgs) == {audit.TYPE_COLORS["percentage"]}


def test_render_document_escapes_text_and_labels():
    text = "Tỉnh <b>X</b> đạt 50% mục tiêu"
    fact = {"type": "percentage", "value": 50.0, "qualifier": "exact", "modality": "actual",
            "province": "<script>", "char_start": 18, "char_end": 21}
    out = audit.render_document(text, [fact])
    assert "<b>" not in out and "<script>" not in out and "&lt;script&gt;" in out


def test_compare_marks_matches_misses_and_extras(seeds_run):
    gold = audit.load_gold([SEEDS])
    assert set(gold) == {"000_1958cf11339f40e9", "001_2581b9ef8843fc85", "002_50517a40501ff8a2",
                         "003_06bbde76ddf421ab", "004_73e069ef03a24f34"}
    g = gold[DOC0]["facts"]
    pred = [dict(f) for f in g if not (f["type"] == "rank" and f["index"] == "PCI")]  # miss PCI 28/63
    pred.append({**g[0], "rank": 31})                                            # wrong rank: extra
    pred.append({**g[0], "province": "tỉnh Thái Bình", "char_start": 0, "char_end": 5})  # same key again
    table = audit.compare(pred, g)
    counts = table["status"].value_counts().to_dict()
    distinct_gold = len({audit.fact_key(f) for f in g})   # the three 100% figures are one key
    assert counts == {"match": distinct_gold - 1, "miss": 1, "extra": 1}
    assert table.loc[table["status"] == "miss", "fact"].item() == "rank · PCI · 2022 · Thái Bình · 28/63"
    assert table.loc[table["status"] == "extra", "fact"].item() == "rank · SIPAS · 2022 · Thái Bình · 31/63"

    html = audit.render_comparison(gold[DOC0]["text"], pred, gold[DOC0]["text"], g, title=DOC0)
    assert f"{distinct_gold - 1} match · 1 miss · 1 extra" in html
    assert "✗ miss rank · PCI · 2022 · Thái Bình · 28/63" in html
    assert "✗ extra rank · SIPAS · 2022 · Thái Bình · 31/63" in html
    summary = audit.gold_summary(pred, gold)
    assert summary.set_index("doc_id").loc[DOC0].to_dict() == {"match": distinct_gold - 1, "miss": 1, "extra": 1}


def test_rank_series_votes_and_plot(seeds_run):
    facts, _ = audit.load_run(seeds_run)
    series = audit.rank_series(facts)
    th = series[(series["province"] == "Thanh Hóa") & (series["index"] == "PAR_INDEX")]
    assert th[["year", "rank"]].values.tolist() == [[2020, 29], [2021, 14]]  # the component rank has no year
    # two articles saying 28th and one saying 30th: the majority wins
    extra = [{"doc_id": f"x{i}", "type": "rank", "province": "Thái Bình", "index": "PCI", "year": 2022,
              "rank": r, "modality": "actual"} for i, r in enumerate([30, 28])]
    voted = audit.rank_series(facts + extra)
    row = voted[(voted["province"] == "Thái Bình") & (voted["index"] == "PCI")]
    assert row[["rank", "n"]].values.tolist() == [[28, 3]]
    fig = audit.plot_ranks(facts)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["PAPI", "PAR_INDEX", "PCI", "SIPAS"]
    par = fig.axes[1]
    assert par.yaxis_inverted()
    lines = {ln.get_label(): list(ln.get_ydata()) for ln in par.get_lines()}
    assert lines["Thanh Hóa"] == [29, 14] and lines["Thái Bình"] == [43]


def test_plot_ranks_without_ranks_is_a_note_not_an_error():
    fig = audit.plot_ranks([])
    assert "no national rank" in fig.axes[0].texts[0].get_text()


@pytest.mark.parametrize("missing", ["facts.jsonl", "documents.jsonl"])
def test_missing_files_read_as_empty(tmp_path, missing):
    (tmp_path / ({"facts.jsonl", "documents.jsonl"} - {missing}).pop()).write_text("")
    assert audit.load_run(tmp_path) == ([], [])


def test_mentions_of_a_seed_article_are_highlighted():
    text = normalize_text((SEEDS / "texts/000_1958cf11339f40e9.txt").read_text("utf-8"))
    kinds = {m.kind for m in audit.document_mentions(text)}
    assert {"province", "index", "year", "rank", "rank_change", "percentage"} <= kinds
    html = audit.render_mentions(text)
    assert "rank 13/63" in html and "index SIPAS" in html and "province Thái Bình" in html
