"""Run the pipeline over inputs and write outputs/facts.jsonl and outputs/documents.jsonl."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import jsonlines

from .extract import extract_document
from .ingest import iter_inputs
from .records import Document, DocumentError


@dataclass(slots=True)
class DocResult:
    """What one input document gives: its documents.jsonl record and its facts."""

    record: dict[str, Any]
    facts: list[dict[str, Any]] = field(default_factory=list)


def process(item: Document | DocumentError) -> DocResult:
    """Extract one document; a failure becomes an error record, never an exception."""
    if isinstance(item, DocumentError):
        return DocResult({"doc_id": item.doc_id, "source": item.source, "status": "error",
                          "reason": item.reason, "n_facts": 0, "province": None})
    try:
        facts = [f.to_json() for f in extract_document(item)]
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        return DocResult({"doc_id": item.doc_id, "source": item.source, "status": "error",
                          "reason": f"extraction failed: {type(exc).__name__}: {exc}",
                          "n_facts": 0, "province": None})
    from .resolve import main_province

    return DocResult({"doc_id": item.doc_id, "source": item.source, "status": "ok", "reason": None,
                      "n_facts": len(facts), "province": main_province(item)}, facts)


def iter_results(paths: Sequence[str | Path]) -> Iterator[DocResult]:
    for item in iter_inputs(paths):
        yield process(item)


def write_results(results: Iterable[DocResult], out_dir: str | Path) -> Counter:
    """Write both JSONL files; returns counts for the summary."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts: Counter = Counter()
    with jsonlines.open(out / "facts.jsonl", "w", compact=True, sort_keys=False) as facts_w, \
            jsonlines.open(out / "documents.jsonl", "w", compact=True) as docs_w:
        for res in results:
            docs_w.write(res.record)
            counts["documents"] += 1
            counts[f"status:{res.record['status']}"] += 1
            for fact in res.facts:
                facts_w.write(fact)
                counts[f"type:{fact['type']}"] += 1
    return counts
