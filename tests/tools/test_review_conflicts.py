"""The review page's *Conflict* filter: facts in a conflict between documents or an arithmetic inconsistency.

Written Vietnamese articles through the real `extract`: two give Quảng Ninh's PCI rank
2023 as 3, one as 5 (a conflict); a PAPI change of +4 contradicts the ranks 20 and 12
two other articles state (an inconsistency); Long An's article is consistent.
"""
from __future__ import annotations

import json

import pytest

from pipeline import cli
from pipeline.tools import review

ARTICLES = [
    ("qn1", "Năm 2023, tỉnh Quảng Ninh xếp thứ 3/63 tỉnh, thành phố về Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)."),
    ("qn3", "Chỉ số PCI năm 2023 của Quảng Ninh xếp thứ 3/63, tiếp tục nằm trong nhóm dẫn đầu."),
    ("qn4", "Năm 2023, Quảng Ninh xếp thứ 5/63 tỉnh, thành phố về chỉ số PCI."),
    ("dn1", "Năm 2022, tỉnh Đồng Nai xếp thứ 20/63 tỉnh, thành phố về Chỉ số PAPI."),
    ("dn2", "Năm 2023, Đồng Nai xếp thứ 12/63 tỉnh, thành phố về Chỉ số PAPI, tăng 4 bậc so với năm 2022."),
    ("la1", "Năm 2024, tỉnh Long An xếp thứ 15/63 tỉnh, thành phố về chỉ số PCI, tăng 6 bậc so với năm 2023."),
]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("conflicts")
    src = tmp / "articles.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in ARTICLES),
                   encoding="utf-8")
    assert cli.main(["extract", str(src), "--out", str(tmp / "run"), "--quiet"]) == 0
    return review.write_page(tmp / "run", tmp / "run" / "review.html", roots=[tmp])


def embedded_facts(page):
    text = page.read_text("utf-8")
    start = text.index('<script type="application/json" id="review-data">') + len(
        '<script type="application/json" id="review-data">')
    data = json.loads(text[start:text.index("</script>", start)])
    cols, rows = data["facts"]["cols"], data["facts"]["rows"]
    return [dict(zip(cols, r)) for r in rows]


def test_marks_in_the_page_data(page):
    marks = {(f["doc_id"], f["type"]): f.get("_k") for f in embedded_facts(page)}
    assert marks == {
        ("qn1", "rank"): "c", ("qn3", "rank"): "c", ("qn4", "rank"): "c",
        ("dn1", "rank"): "i", ("dn2", "rank"): "i", ("dn2", "rank_change"): "i",
        ("la1", "rank"): None, ("la1", "rank_change"): None,
    }


def test_filter_in_the_browser(page, chromium):  # the fixture skips off CI without chromium
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver = chromium
    driver.get(page.as_uri())
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script("return document.documentElement.dataset.ready === '1'"))
    head = lambda: driver.find_element(By.ID, "list-head").text
    labels = lambda: [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#list .row .meta")]
    assert head() == "8 of 8 facts shown"
    choose = Select(driver.find_element(By.ID, "f-conflict"))
    choose.select_by_value("c")
    assert head() == "3 of 8 facts shown"
    assert sorted(m.split(" · ")[0] for m in labels()) == ["qn1", "qn3", "qn4"]
    choose.select_by_value("i")
    assert head() == "3 of 8 facts shown"
    assert sorted(m.split(" · ")[0] for m in labels()) == ["dn1", "dn2", "dn2"]
    choose.select_by_value("ci")
    assert head() == "6 of 8 facts shown"
    choose.select_by_value("")
    assert head() == "8 of 8 facts shown"
