"""Construction cases as data (tests/cases/*.jsonl), run end to end through the real pipeline.

Each case states the whole set of facts a text holds; see tests/cases/README.md.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import extract_text
from pipeline.records import fact_key

CASES = Path(__file__).with_name("cases")


def _load():
    out = []
    for path in sorted(CASES.glob("*.jsonl")):
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            case = json.loads(line)
            marks = [pytest.mark.xfail(reason=case["known_gap"], strict=True)] if case.get("known_gap") else []
            out.append(pytest.param(case, id=f"{path.stem}:{case['id']}", marks=marks))
    return out


def test_case_files_are_well_formed():
    ids = set()
    for path in sorted(CASES.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            case = json.loads(line)
            assert {"id", "source", "text", "expected"} <= set(case), (path.name, case.get("id"))
            assert (path.stem, case["id"]) not in ids
            ids.add((path.stem, case["id"]))
            for fact in case["expected"]:
                fact_key(fact)  # a known type with its key fields
    assert len(ids) >= 20


@pytest.mark.parametrize("case", _load())
def test_case(case):
    facts = extract_text(case["text"], date=case.get("date"))
    got = {fact_key(f): f for f in facts}
    want = {fact_key({"modality": "actual", **f}): f for f in case["expected"]}
    missing = [want[k] for k in want if k not in got]
    extra = [{k: got[key].get(k) for k in ("type", "province", "index", "year", "rank", "score", "delta", "value", "modality")
              if got[key].get(k) is not None} for key in got if key not in want]
    assert not missing and not extra, f"missing {missing}; extra {extra}"
    for key, fact in want.items():
        for field, value in fact.items():
            assert got[key].get(field, "actual" if field == "modality" else None) == value, (field, fact, got[key])
