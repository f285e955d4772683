"""The province × index × year panel (`python -m pipeline panel`).

Written articles go through the real pipeline (`extract`, then `panel`, both from the
command line) and the test asserts the exact rows; then the bars on the extraction of
the bundled corpus with ../shared/corpus/dev and dev2: every value traces back to facts
whose key matches it, conflicts are counted independently, pandas and DuckDB read the
Parquet file, datapackage.json validates, and the files are byte-identical run to run.
"""
from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from datetime import date
from pathlib import Path

import jsonschema
import pandas as pd
import pyarrow.parquet as pq
import pytest

from extractors.provinces import canonical_key
from pipeline import cli
from pipeline.core import consistency
from pipeline.tools import panel

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "corpus"

ARTICLES = [  # (id, date, text): three articles give Quảng Ninh's PCI rank 3, one gives 5; ...
    ("qn1", "2024-05-08", "Năm 2023, tỉnh Quảng Ninh xếp thứ 3/63 tỉnh, thành phố về Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)."),
    ("qn2", "2024-05-09", "Theo báo cáo PCI 2023 vừa công bố, Quảng Ninh đứng thứ 3 cả nước với 70,12 điểm."),
    ("qn3", "2024-06-01", "Chỉ số PCI năm 2023 của Quảng Ninh xếp thứ 3/63, tiếp tục nằm trong nhóm dẫn đầu."),
    ("qn4", "2024-05-10", "Năm 2023, Quảng Ninh xếp thứ 5/63 tỉnh, thành phố về chỉ số PCI."),
    # ... a change (+4) that contradicts the two stated ranks (20 -> 12 is +8) ...
    ("dn1", "2023-04-20", "Năm 2022, tỉnh Đồng Nai xếp thứ 20/63 tỉnh, thành phố về Chỉ số PAPI."),
    ("dn2", "2024-04-25", "Năm 2023, Đồng Nai xếp thứ 12/63 tỉnh, thành phố về Chỉ số PAPI, tăng 4 bậc so với năm 2022."),
    # ... and a change that implies a rank no article states (15 + 6 = 21 in 2023)
    ("la1", "2025-05-20", "Năm 2024, tỉnh Long An xếp thứ 15/63 tỉnh, thành phố về chỉ số PCI, tăng 6 bậc so với năm 2023."),
]


def ref(doc_id, start, end):
    return {"doc_id": doc_id, "char_start": start, "char_end": end}


def extract(inputs, out: Path) -> Path:
    assert cli.main(["extract", *map(str, inputs), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The written articles extracted and turned into a panel with the two commands."""
    tmp = tmp_path_factory.mktemp("written")
    src = tmp / "articles.jsonl"
    src.write_text("".join(json.dumps({"id": i, "date": d, "text": t}, ensure_ascii=False) + "\n"
                           for i, d, t in ARTICLES), encoding="utf-8")
    run = extract([src], tmp / "run")
    assert cli.main(["panel", str(run / "facts.jsonl"), "--out", str(tmp / "panel")]) == 0
    return tmp


def test_written_articles_give_the_exact_rows(written):
    table = pq.read_table(written / "panel" / "panel.parquet").to_pylist()  # nulls stay None, ints ints
    rows = {(r["index"], r["province"], r["year"]): r for r in table}
    assert list(rows) == [("PAPI", "Đồng Nai", 2022), ("PAPI", "Đồng Nai", 2023), ("PCI", "Long An", 2023),
                          ("PCI", "Long An", 2024), ("PCI", "Quảng Ninh", 2023)]
    assert [(r["component"], r["scope"]) for r in table] == [("", "")] * 5
    pick = lambda r, *names: {n: r[n] for n in names}

    # three articles against one: rank 3 kept, the 5 listed as competing with its document
    qn = rows[("PCI", "Quảng Ninh", 2023)]
    assert pick(qn, "province_code", "province_2025", "rank", "rank_total", "score", "rank_n_facts", "rank_n_docs",
                "rank_first_date", "rank_last_date", "conflict", "inconsistent", "rank_derived") == {
        "province_code": "22", "province_2025": "Quảng Ninh", "rank": 3, "rank_total": 63, "score": 70.12,
        "rank_n_facts": 3, "rank_n_docs": 3, "rank_first_date": date(2024, 5, 8),
        "rank_last_date": date(2024, 6, 1), "conflict": True, "inconsistent": False, "rank_derived": False}
    assert qn["rank_facts"] == [ref("qn1", 0, 99), ref("qn2", 0, 79), ref("qn3", 0, 80)]
    assert qn["score_facts"] == [ref("qn2", 0, 79)] and qn["score_n_docs"] == 1
    assert qn["competing"] == [
        {"field": "rank", "value": 3.0, "kept": True, "n_facts": 3, "n_docs": 3, "doc_ids": ["qn1", "qn2", "qn3"],
         "facts": [ref("qn1", 0, 99), ref("qn2", 0, 79), ref("qn3", 0, 80)]},
        {"field": "rank", "value": 5.0, "kept": False, "n_facts": 1, "n_docs": 1, "doc_ids": ["qn4"],
         "facts": [ref("qn4", 0, 63)]},
    ]

    # the change contradicts both stated ranks: both cells inconsistent, with the three facts
    reason = "rank_change +4 (2023 vs 2022) disagrees with rank 20 in 2022 and rank 12 in 2023"
    for year, rank in ((2022, 20), (2023, 12)):
        r = rows[("PAPI", "Đồng Nai", year)]
        assert (r["rank"], r["rank_total"], r["conflict"], r["inconsistent"], r["rank_derived"]) == (
            rank, 63, False, True, False)
        assert r["inconsistencies"] == [
            {"check": "rank_change", "reason": reason, "facts": [ref("dn1", 0, 68), ref("dn2", 0, 91)]}]

    # the change and the 2024 rank imply 2023's rank: derived, from that one sentence
    la = rows[("PCI", "Long An", 2023)]
    assert pick(la, "province_code", "rank", "rank_total", "score", "rank_derived", "rank_n_facts", "rank_n_docs",
                "rank_first_date", "conflict", "inconsistent") == {
        "province_code": "80", "rank": 21, "rank_total": None, "score": None, "rank_derived": True,
        "rank_n_facts": 1, "rank_n_docs": 1, "rank_first_date": date(2025, 5, 20), "conflict": False,
        "inconsistent": False}
    assert la["rank_facts"] == [ref("la1", 0, 94)]
    stated = rows[("PCI", "Long An", 2024)]
    assert (stated["rank"], stated["rank_derived"], stated["inconsistent"]) == (15, False, False)

    # the within-article check wrote nothing here: each article alone is consistent
    facts = [json.loads(line) for line in (written / "run" / "facts.jsonl").read_text("utf-8").splitlines()]
    assert len(facts) == 10 and not any("inconsistent" in f for f in facts)


def test_percentages_stay_out_of_the_panel_and_national_figures_are_rows(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "hp", "date": "2024-03-02", "text": (
        "Năm 2023, Hải Phòng xếp thứ 1/63 về chỉ số PCI. "
        "Tỷ lệ người dân hài lòng với dịch vụ công của thành phố đạt 92,5%. "
        "Năm 2023, điểm trung vị PCI của cả nước đạt 64,6 điểm.")}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    run = extract([src], tmp_path / "run")
    assert cli.main(["panel", str(run), "--out", str(tmp_path / "p")]) == 0
    pct = pd.read_parquet(tmp_path / "p" / "percentages.parquet")
    assert pct[["province", "value", "qualifier", "modality", "doc_id", "date"]].to_dict("records") == [
        {"province": "Hải Phòng", "value": 92.5, "qualifier": "exact", "modality": "actual", "doc_id": "hp",
         "date": date(2024, 3, 2)}]
    assert "92,5%" in pct["evidence"][0]
    rows = pq.read_table(tmp_path / "p" / "panel.parquet").to_pylist()
    assert [{k: r[k] for k in ("province", "province_code", "province_2025", "index", "year", "rank", "score")}
            for r in rows] == [
        {"province": "Hải Phòng", "province_code": "31", "province_2025": "Hải Phòng", "index": "PCI",
         "year": 2023, "rank": 1, "score": None},
        {"province": "Việt Nam", "province_code": None, "province_2025": "Việt Nam", "index": "PCI",
         "year": 2023, "rank": None, "score": 64.6},
    ]


def test_same_facts_in_any_order_give_byte_identical_files(written, tmp_path):
    lines = (written / "run" / "facts.jsonl").read_text("utf-8").splitlines(keepends=True)
    random.Random(7).shuffle(lines)
    shuffled = tmp_path / "shuffled"
    shuffled.mkdir()
    (shuffled / "facts.jsonl").write_text("".join(lines), encoding="utf-8")
    (shuffled / "documents.jsonl").write_bytes((written / "run" / "documents.jsonl").read_bytes())
    assert cli.main(["panel", str(written / "run"), "--out", str(tmp_path / "again")]) == 0
    assert cli.main(["panel", str(shuffled), "--out", str(tmp_path / "shuffled_out")]) == 0
    for name in ("panel.parquet", "panel.csv", "percentages.parquet", "datapackage.json"):
        first = (written / "panel" / name).read_bytes()
        assert first == (tmp_path / "again" / name).read_bytes(), name
        assert first == (tmp_path / "shuffled_out" / name).read_bytes(), name


def test_bad_lines_are_named_and_the_rest_is_built(written, tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    good = (written / "run" / "facts.jsonl").read_text("utf-8")
    (run / "facts.jsonl").write_text(good + "{not json\n", encoding="utf-8")
    (run / "documents.jsonl").write_bytes((written / "run" / "documents.jsonl").read_bytes())
    code = cli.main(["panel", str(run / "facts.jsonl"), str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "p")])
    err = capsys.readouterr().err
    assert code == cli.EXIT_FAILED
    assert f"error: {run / 'facts.jsonl'}:11: not JSON" in err
    assert f"error: {tmp_path / 'missing.jsonl'}: no such facts file" in err
    assert len(pd.read_parquet(tmp_path / "p" / "panel.parquet")) == 5
    # without documents.jsonl the facts still make the panel, without dates
    (run / "documents.jsonl").unlink()
    (run / "facts.jsonl").write_text(good, encoding="utf-8")
    assert cli.main(["panel", str(run), "--out", str(tmp_path / "q")]) == cli.EXIT_OK
    assert f"warning: {run / 'documents.jsonl'}: missing: the facts of {run / 'facts.jsonl'} have no publication dates" \
        in capsys.readouterr().err
    undated = pd.read_parquet(tmp_path / "q" / "panel.parquet")
    assert len(undated) == 5 and undated["rank_first_date"].isna().all()


# --------------------------------------------------------------------------- bars on the corpora

@pytest.fixture(scope="module")
def corpora_run(tmp_path_factory):
    """`make extract`'s command over corpus/, ../shared/corpus/dev and dev2 (those present), then `panel`."""
    out = tmp_path_factory.mktemp("corpora")
    inputs = [ROOT / "corpus"] + [SHARED / n for n in ("dev", "dev2") if (SHARED / n).is_dir()]
    extract(inputs, out)
    assert cli.main(["panel", str(out / "facts.jsonl"), "--out", str(out)]) == 0
    facts = [json.loads(line) for line in (out / "facts.jsonl").read_text("utf-8").splitlines()]
    return out, facts, len(inputs)


def cell(f):
    return (canonical_key(f["province"]), f["index"], consistency.norm_label(f.get("component")),
            consistency.norm_label(f.get("scope")), f["year"])


def row_cell(r):
    return (canonical_key(r["province"]), r["index"], consistency.norm_label(r["component"]),
            consistency.norm_label(r["scope"]), r["year"])


def figures(facts):
    """Achieved rank and score facts that can make a cell."""
    return [f for f in facts if f["type"] in ("rank", "score") and f.get("modality", "actual") == "actual"
            and f.get("province") and f.get("index") and f.get("year") is not None]


def test_corpora_every_value_traces_back_to_facts_whose_key_matches(corpora_run):
    out, facts, _ = corpora_run
    at: dict[tuple, list] = defaultdict(list)
    for f in facts:
        at[(f["doc_id"], f["char_start"], f["char_end"])].append(f)
    rows = pd.read_parquet(out / "panel.parquet").to_dict("records")
    assert len(rows) > 100 and sum(r["rank_derived"] for r in rows) > 0
    checked = 0
    for r in rows:
        for name in ("rank", "score"):
            if r[name] is None or r[name] != r[name]:  # absent (NaN in a float column)
                continue
            refs = [(x["doc_id"], x["char_start"], x["char_end"]) for x in r[f"{name}_facts"]]
            assert refs and r[f"{name}_n_facts"] == len(refs)
            there = [f for x in refs for f in at[x]]
            if not r[f"{name}_derived"]:
                for x in refs:  # every listed fact states this very value of this very cell
                    assert any(f["type"] == name and cell(f) == row_cell(r)
                               and round(float(f[name]), 2) == round(float(r[name]), 2) for f in at[x]), (r, x)
            else:  # a change of this series and a figure of its other year give the value
                change = f"{name}_change"
                ok = False
                for c in (f for f in there if f["type"] == change and cell(f)[:4] == row_cell(r)[:4]):
                    for g in (f for f in there if f["type"] == name and cell(f)[:4] == row_cell(r)[:4]):
                        if c["base_year"] == r["year"] and g["year"] == c["year"]:
                            v = (consistency.implied_rank(c["delta"], rank_year=g["rank"]) if name == "rank"
                                 else consistency.implied_score(c["delta"], score_year=g["score"]))
                        elif c["year"] == r["year"] and g["year"] == c["base_year"]:
                            v = (consistency.implied_rank(c["delta"], rank_base=g["rank"]) if name == "rank"
                                 else consistency.implied_score(c["delta"], score_base=g["score"]))
                        else:
                            continue
                        ok = ok or round(float(v), 2) == round(float(r[name]), 2)
                assert ok, r
            checked += 1
    assert checked >= len(rows)


def test_corpora_conflicting_cells_equal_groups_whose_facts_disagree(corpora_run):
    out, facts, _ = corpora_run
    values: dict[tuple, dict[str, set]] = defaultdict(lambda: {"rank": set(), "score": set()})
    for f in figures(facts):
        values[cell(f)][f["type"]].add(round(float(f[f["type"]]), 4))  # as stated (DTI: 4 decimals)
    disagree = {k for k, v in values.items() if len(v["rank"]) > 1 or len(v["score"]) > 1}
    rows = pd.read_parquet(out / "panel.parquet")
    conflicting = {row_cell(r) for r in rows[rows["conflict"]].to_dict("records")}
    assert len(disagree) > 5
    assert int(rows["conflict"].sum()) == len(disagree)
    assert conflicting == disagree


def test_corpora_pandas_and_duckdb_read_the_parquet(corpora_run):
    import duckdb

    out, facts, _ = corpora_run
    df = pd.read_parquet(out / "panel.parquet")
    n_cells = len({cell(f) for f in figures(facts)})
    only_derived = ((df["rank"].isna() | df["rank_derived"]) & (df["score"].isna() | df["score_derived"]))
    assert len(df) == n_cells + int(only_derived.sum())  # one row per stated cell, plus cells only derived
    assert len(df) == len(list(csv.reader((out / "panel.csv").open(encoding="utf-8")))) - 1
    # the README's query, run as it is written, from the output folder
    con = duckdb.connect()
    path = str(out / "panel.parquet").replace("'", "''")
    got = con.execute(f"SELECT province, year, rank, rank_n_docs, conflict FROM '{path}' "
                      "WHERE index = 'PCI' AND rank IS NOT NULL ORDER BY province, year").fetchall()
    want = (df[(df["index"] == "PCI") & df["rank"].notna()].sort_values(["province", "year"], kind="stable")
            [["province", "year", "rank", "rank_n_docs", "conflict"]])
    assert got == [(p, int(y), int(k), int(n), bool(c)) for p, y, k, n, c in want.itertuples(index=False)]
    assert con.execute(f"SELECT count(*) FROM '{path}' WHERE conflict").fetchone()[0] == int(df["conflict"].sum())
    pct = con.execute(f"SELECT count(*) FROM '{str(out / 'percentages.parquet')}'").fetchone()[0]
    assert pct == len(pd.read_parquet(out / "percentages.parquet")) > 0


#: The structure of a Frictionless Data Package with Table Schemas (the parts this project writes).
DATAPACKAGE_SCHEMA = {
    "type": "object", "required": ["name", "resources"],
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9._-]+$"},
        "profile": {"enum": ["tabular-data-package", "data-package"]},
        "resources": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["name", "path", "schema"],
            "properties": {
                "name": {"type": "string", "pattern": "^[a-z0-9._-]+$"},
                "path": {"type": "string", "not": {"pattern": "^(/|\\.\\.)"}},
                "profile": {"const": "tabular-data-resource"},
                "schema": {"type": "object", "required": ["fields"], "properties": {
                    "fields": {"type": "array", "minItems": 1, "items": {
                        "type": "object", "required": ["name", "type"],
                        "properties": {"name": {"type": "string"},
                                       "type": {"enum": ["string", "number", "integer", "boolean", "object",
                                                         "array", "date", "time", "datetime", "year", "any"]},
                                       "description": {"type": "string"},
                                       "missingValues": {"type": "array", "items": {"type": "string"}},
                                       "constraints": {"type": "object"}}}},
                    "primaryKey": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "missingValues": {"type": "array", "items": {"type": "string"}}}}}}},
    },
}

ARROW_TYPES = {"string": "string", "integer": "int64", "number": "double", "boolean": "bool", "date": "date32[day]"}


def csv_value(raw: str, field: dict, missing: list[str]):
    """A CSV cell read as Table Schema says: missing values (the field's own list first), then the type."""
    if raw in field.get("missingValues", missing):
        return None
    ttype = field["type"]
    return {"integer": int, "number": float, "boolean": lambda s: {"true": True, "false": False}[s],
            "date": date.fromisoformat, "array": json.loads, "string": str}[ttype](raw)


def test_corpora_datapackage_validates(corpora_run):
    out, _, _ = corpora_run
    package = json.loads((out / "datapackage.json").read_text("utf-8"))
    jsonschema.validate(package, DATAPACKAGE_SCHEMA)
    tables = {}
    assert [r["path"] for r in package["resources"]] == ["panel.csv", "panel.parquet", "percentages.parquet"]
    for res in package["resources"]:
        fields = res["schema"]["fields"]
        names = [f["name"] for f in fields]
        assert set(res["schema"]["primaryKey"]) <= set(names) and len(set(names)) == len(names)
        assert all(f.get("description") for f in fields)
        if res["format"] == "parquet":  # columns, order and types as declared
            schema = pq.read_schema(out / res["path"])
            assert schema.names == names
            for f in fields:
                t = str(schema.field(f["name"]).type)
                assert t.startswith("list<") if f["type"] == "array" else t == ARROW_TYPES[f["type"]], (f, t)
            table = pq.read_table(out / res["path"]).to_pylist()
        else:  # every CSV cell parses as its declared type
            with (out / res["path"]).open(encoding="utf-8", newline="") as fh:
                reader = csv.reader(fh)
                assert next(reader) == names
                missing = res["schema"].get("missingValues", [""])
                table = [{f["name"]: csv_value(v, f, missing) for f, v in zip(fields, line)} for line in reader]
        tables[res["name"]] = table
        key = res["schema"]["primaryKey"]
        keys = [tuple(row[k] for k in key) for row in table]
        assert all(v is not None for k in keys for v in k), res["name"]
        assert len(set(keys)) == len(keys), res["name"]
    assert tables["panel"] == tables["panel-parquet"]  # the CSV holds the same cells as the Parquet file


def test_readme_panel_snippet_runs_as_written(corpora_run, tmp_path, capsys, monkeypatch):
    """The README's pandas + DuckDB example, executed from a folder whose outputs/ is this run."""
    out, _, _ = corpora_run
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("## Panel"):readme.index("## Quality")]
    code = section[section.index("```python") + len("```python"):]
    code = code[:code.index("```")]
    assert "FROM 'outputs/panel.parquet'" in code and "pd.read_parquet" in code
    (tmp_path / "outputs").symlink_to(out, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    df = pd.read_parquet(out / "panel.parquet")
    pci = df[(df["index"] == "PCI") & (df["component"] == "") & (df["scope"] == "") & df["rank"].notna()]
    first = pci.sort_values(["province", "year"], kind="stable").iloc[0]
    assert first["province"] in printed and "rank_derived" in printed and "rank_n_docs" in printed


def fact(doc, start, type_, year, **fields):
    return {"doc_id": doc, "type": type_, "province": "Sơn La", "index": "PAPI", "year": year,
            "char_start": start, "char_end": start + 10, "confidence": 0.9, **fields}


def test_cell_logic_on_fact_records():
    rows = {(r["year"]): r for r in panel.build_panel([
        # 2021 read two ways (53 national, 11 regional without its scope): a conflict; +7 fits 53 -> 46
        fact("a", 0, "rank", 2021, rank=53), fact("b", 0, "rank", 2021, rank=11, confidence=0.6),
        fact("a", 20, "rank", 2022, rank=46), fact("a", 20, "rank_change", 2022, delta=7, base_year=2021),
        # two changes imply different ranks for 2020 (53 - 2 = 51; 53 + 1 = 54, twice): kept by documents, flagged
        fact("c", 0, "rank_change", 2021, delta=-2, base_year=2020),
        fact("d", 0, "rank_change", 2021, delta=1, base_year=2020),
        fact("e", 0, "rank_change", 2021, delta=1, base_year=2020),
        # a rank above its total
        fact("f", 0, "rank", 2023, rank=70, rank_total=63),
        # a target and a rank_target make no cell
        fact("g", 0, "rank", 2024, rank=1, modality="target"),
    ]).rows}
    assert sorted(rows) == [2020, 2021, 2022, 2023]
    assert (rows[2021]["rank"], rows[2021]["conflict"], rows[2021]["inconsistent"]) == (53, True, False)
    assert rows[2022]["inconsistent"] is False
    r = rows[2020]
    assert (r["rank"], r["rank_derived"], r["rank_n_docs"], r["inconsistent"]) == (54, True, 3, True)
    assert [x["doc_id"] for x in r["rank_facts"]] == ["a", "d", "e"]  # the 2021 rank and the two changes
    assert [(i["check"], i["reason"]) for i in r["inconsistencies"]] == [
        ("rank_derived", "changes imply different ranks: 54, 51")]
    assert [(i["check"], i["reason"]) for i in rows[2023]["inconsistencies"]] == [
        ("rank_total", "rank 70 > rank_total 63")]


def test_score_changes_derive_and_check_scores_as_stated():
    dti = lambda doc, year, type_, **kw: {**fact(doc, 0, type_, year, **kw), "province": "Ninh Bình", "index": "DTI"}
    rows = {r["year"]: r for r in panel.build_panel([
        dti("a", 2021, "score", score=0.5064), dti("a", 2021, "score_change", delta=0.105, base_year=2020),
        dti("b", 2022, "score", score=0.55), dti("b", 2022, "score_change", delta=0.01, base_year=2021),
    ]).rows}
    assert (rows[2020]["score"], rows[2020]["score_derived"]) == (0.4014, True)  # 0.5064 - 0.105, 4 decimals kept
    assert [x["doc_id"] for x in rows[2020]["score_facts"]] == ["a"]
    assert [i["reason"] for i in rows[2022]["inconsistencies"]] == [
        "score_change +0.01 (2022 vs 2021) disagrees with score 0.5064 in 2021 and score 0.55 in 2022"]


def test_parquet_metadata_holds_no_pandas_block_and_no_timestamp(written):
    for name in ("panel.parquet", "percentages.parquet"):
        meta = pq.read_metadata(written / "panel" / name)
        assert set(meta.metadata) == {b"ARROW:schema"}  # built from Arrow arrays: no pandas metadata
        assert meta.num_row_groups == 1 and meta.created_by.startswith("parquet-cpp-arrow")
