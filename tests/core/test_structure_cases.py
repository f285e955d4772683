"""What the structure cases say beyond ``tests/test_cases.py``.

``tests/test_cases.py`` runs every case of ``tests/cases/tables.jsonl`` and
``outlines.jsonl`` end to end (the whole set of facts, ``known_gap`` as strict
expected failures). Here: the readings each case names as wrong (``absent``) are never
produced, even in a case with a known gap, and each outline case's ``contexts`` (the
subject, index and year :func:`outline_context` must give the span holding a quoted
piece of text) hold.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import extract_text
from pipeline.core.normalize import normalize_text
from pipeline.core.structure.outline import outline_context
from pipeline.records import fact_key

CASES = Path(__file__).resolve().parents[1] / "cases"


def _load(name: str) -> list[dict]:
    with (CASES / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.mark.parametrize("case", [c for c in _load("tables.jsonl") + _load("outlines.jsonl") if c.get("absent")],
                         ids=lambda c: c["id"])
def test_absent_readings_are_never_produced(case):
    got = {fact_key(f) for f in extract_text(case["text"], date=case.get("date"))}
    assert [f for f in case["absent"] if fact_key(f) in got] == []


def test_table_cases_cover_every_shape_and_distractors():
    ids = {c["id"] for c in _load("tables.jsonl")}
    assert sum(i.startswith("distractor_") for i in ids) >= 4
    assert {c["id"] for c in _load("tables.jsonl") if not c["expected"]} <= {i for i in ids if i.startswith("distractor_")}


@pytest.mark.parametrize("case", _load("outlines.jsonl"), ids=lambda c: c["id"])
def test_outline_context_case(case):
    text = normalize_text(case["text"])
    spans = outline_context(text)
    for want in case["contexts"]:
        at = text.index(want["at"])
        holding = [c for s, e, c in spans if s <= at < e]
        assert holding, f"{case['id']}: no outline span holds {want['at']!r}"
        ctx = holding[0]
        assert (ctx["province"] or {}).get("name") == want["province"], (want, ctx)
        assert ctx["index"] == want["index"], (want, ctx)
        assert ctx["year"] == want["year"], (want, ctx)
