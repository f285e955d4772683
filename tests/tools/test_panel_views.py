"""The notebook's panel views: the conflicts and inconsistencies table with links to evidence, the province plot.

Facts come from written Vietnamese articles through `pipeline.extract_text`.
"""
from __future__ import annotations

from pipeline import extract_text
from pipeline.core.normalize import normalize_text
from pipeline.tools import panel_views

ARTICLES = {
    "qn1": "Năm 2023, tỉnh Quảng Ninh xếp thứ 3/63 tỉnh, thành phố về Chỉ số năng lực cạnh tranh cấp tỉnh (PCI).",
    "qn3": "Chỉ số PCI năm 2023 của Quảng Ninh xếp thứ 3/63, tiếp tục nằm trong nhóm dẫn đầu.",
    "qn4": "Năm 2023, Quảng Ninh xếp thứ 5/63 tỉnh, thành phố về chỉ số PCI.",
    "qn5": "Năm 2022, Quảng Ninh xếp thứ 4/63 về chỉ số PCI.",
    "dn1": "Năm 2022, tỉnh Đồng Nai xếp thứ 20/63 tỉnh, thành phố về Chỉ số PAPI.",
    "dn2": "Năm 2023, Đồng Nai xếp thứ 12/63 tỉnh, thành phố về Chỉ số PAPI, tăng 4 bậc so với năm 2022.",
}


def run():
    facts = [f for doc_id, text in ARTICLES.items() for f in extract_text(text, doc_id=doc_id)]
    texts = {doc_id: normalize_text(text) for doc_id, text in ARTICLES.items()}
    return facts, texts


def test_problems_table_lists_each_value_and_reason_with_linked_evidence():
    facts, texts = run()
    df = panel_views.panel_frame(facts)
    assert [(p["cell"], p["kind"], p["detail"]) for p in panel_views.problems(df)] == [
        ("Đồng Nai · PAPI · 2022", "inconsistent",
         "rank_change +4 (2023 vs 2022) disagrees with rank 20 in 2022 and rank 12 in 2023"),
        ("Đồng Nai · PAPI · 2023", "inconsistent",
         "rank_change +4 (2023 vs 2022) disagrees with rank 20 in 2022 and rank 12 in 2023"),
        ("Quảng Ninh · PCI · 2023", "conflict", "rank 3 (kept): 2 document(s)"),
        ("Quảng Ninh · PCI · 2023", "conflict", "rank 5: 1 document(s)"),
    ]
    page = panel_views.problems_html(df, texts, review="../outputs/review.html")
    assert page.startswith("<p>1 cells in conflict, 2 inconsistent</p>")
    assert ('<a href="../outputs/review.html#doc=qn4" target="_blank">qn4 [0:63]</a> '
            "“Năm 2023, Quảng Ninh xếp thứ 5/63 tỉnh, thành phố về chỉ số PCI”") in page
    assert page.count("<tr>") == 1 + 4


def test_province_plot_draws_every_index_from_the_panel():
    facts, _ = run()
    df = panel_views.panel_frame(facts)
    assert panel_views.busiest_province(df) == "Quảng Ninh"  # 2 ranks each: ties go by code point (Q < Đ)
    fig = panel_views.plot_province(df, "Đồng Nai")
    ax = fig.axes[0]
    assert ax.get_title() == "Đồng Nai: national rank by index"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["PAPI"]
    xs, ys = ax.lines[0].get_data()
    assert (list(xs), list(ys)) == ([2022, 2023], [20, 12])
    assert ax.yaxis_inverted()
