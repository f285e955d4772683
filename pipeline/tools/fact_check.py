"""facts.jsonl read back for display, each line checked against ``pipeline/fact.schema.json``.

The review page embeds facts and builds its markup from them. A tampered or
corrupted facts.jsonl (a ``type`` holding markup, a string ``char_end``, a line
that is not JSON, ``NaN``) broke the build or ran script in the page. Here each
line must be a JSON object that the schema accepts, with finite numbers; the
others are left out and reported (file, line, reason), so the page shows what
it can and says how many facts it left out.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "fact.schema.json"


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


def fact_problem(rec: Any) -> str | None:
    """Why ``rec`` is not a valid fact record, or None: the schema's complaints, a field's own first.

    >>> fact_problem({"doc_id": "a", "type": "<img>"})[:32]
    "type: '<img>' is not one of ['ra"
    """
    validator = _validator()
    if validator.is_valid(rec):
        return None if _finite(rec) else "a number is not finite (NaN or Infinity)"
    errors = sorted(validator.iter_errors(rec), key=lambda e: (not e.absolute_path, list(map(str, e.absolute_path))))
    parts = []
    for error in errors[:3]:
        where = "/".join(str(p) for p in error.absolute_path)
        message = error.message if len(error.message) <= 120 else error.message[:120] + "…"
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts) + (f" (and {len(errors) - 3} more)" if len(errors) > 3 else "")


def valid_facts(facts: Sequence[Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """``(valid facts, problems)`` of facts already in memory; a problem reads ``fact N: reason``."""
    valid: list[dict[str, Any]] = []
    problems: list[str] = []
    for i, rec in enumerate(facts):
        problem = fact_problem(rec)
        if problem is None:
            valid.append(rec)
        else:
            problems.append(f"fact {i}: {problem}")
    return valid, problems


def read_facts(path: str | Path) -> tuple[list[dict[str, Any]], list[str]]:
    """``(valid facts, problems)`` of a facts.jsonl; a problem reads ``facts.jsonl:LINE: reason``.

    A missing file is an empty run. Blank lines are skipped.
    """
    path = Path(path)
    facts: list[dict[str, Any]] = []
    problems: list[str] = []
    for lineno, rec, error in json_lines(path):
        problem = error or fact_problem(rec)
        if problem is None:
            facts.append(rec)
        else:
            problems.append(f"{path.name}:{lineno}: {problem}")
    return facts, problems


def json_lines(path: str | Path):
    """``(line number, record, None)`` for each non-blank line of a JSONL file, or ``(line number,
    None, reason)`` when a line is not JSON; nothing when the file is missing. The run's files
    are read as bytes, so a stray byte is a reason, never an exception."""
    path = Path(path)
    if not path.exists():
        return
    with path.open("rb") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield lineno, json.loads(line), None
            except (ValueError, RecursionError) as exc:
                yield lineno, None, f"not JSON ({str(exc)[:100]})"
