"""Run the pipeline over inputs and write outputs/facts.jsonl and outputs/documents.jsonl."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from pipeline.core.extract import extract_document
from pipeline.batch.ingest import DEFAULT_MAX_BYTES, iter_inputs
from pipeline.records import Document, DocumentError
from pipeline.batch.write import DOCUMENTS, FACTS, AtomicFile, DocumentFailed, ResumeIndex, content_sha256

#: Document metadata copied into each ok record of documents.jsonl (see pipeline/batch/ingest.py).
DOC_META = ("url", "title", "date", "encoding")


@dataclass(slots=True)
class DocResult:
    """What one input document gives: its documents.jsonl record and its facts."""

    record: dict[str, Any]
    facts: list[dict[str, Any]] = field(default_factory=list)


def process(item: Document | DocumentError) -> DocResult:
    """Extract one document; a failure becomes an error record, never an exception."""
    if isinstance(item, DocumentError):
        record = {"doc_id": item.doc_id, "source": item.source, "status": "error",
                  "reason": item.reason, "n_facts": 0, "province": None}
        if getattr(item, "n_documents", 1) != 1:  # one line for many failed documents (ingest.SummarisedErrors)
            record["n_documents"] = item.n_documents
        return DocResult(record)
    try:
        facts = [f.to_json() for f in extract_document(item)]
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        return DocResult({"doc_id": item.doc_id, "source": item.source, "status": "error",
                          "reason": f"extraction failed: {type(exc).__name__}: {exc}",
                          "n_facts": 0, "province": None})
    from pipeline.core.resolve import main_province

    record = {"doc_id": item.doc_id, "source": item.source, "status": "ok", "reason": None,
              "n_facts": len(facts), "province": main_province(item),
              "sha256": content_sha256(item.text), **{k: item.meta.get(k) for k in DOC_META}}
    if item.meta.get("replaced_bytes"):  # stray bytes decoded as U+FFFD (ingest._decode); absent when none
        record["replaced_bytes"] = item.meta["replaced_bytes"]
    return DocResult(record, facts)


def iter_results(paths: Sequence[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES,
                 resume: ResumeIndex | None = None, stdin=None, exclude=(), **input_options) -> Iterator[DocResult]:
    """Results in input order; with ``resume``, unchanged documents reuse their previous facts.

    ``input_options`` (``max_input_bytes``) go to ``iter_inputs``.
    """
    for item in iter_inputs(paths, max_bytes=max_bytes, stdin=stdin, exclude=exclude, **input_options):
        previous = resume.lookup(item) if resume is not None and isinstance(item, Document) else None
        yield DocResult(*previous) if previous else process(item)


def write_results(results: Iterable[DocResult], out_dir: str | Path, *, strict: bool = False) -> Counter:
    """Stream results (in input order) into DIR/facts.jsonl and DIR/documents.jsonl; return summary counts.

    Both files are written under temporary names and renamed only when the
    stream is exhausted, so an interrupted run leaves the previous outputs
    whole. ``strict``: raise :class:`~pipeline.batch.write.DocumentFailed` at the
    first error record, and write nothing.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts: Counter = Counter()
    with AtomicFile(out / FACTS) as facts_w, AtomicFile(out / DOCUMENTS) as docs_w:
        for res in results:
            if strict and res.record["status"] != "ok":
                raise DocumentFailed(res.record)
            docs_w.write_line(res.record)
            counts["documents"] += 1
            counts[f"status:{res.record['status']}"] += 1
            if res.record.get("n_documents", 1) > 1:  # failed documents summarised in this one line
                counts["summarised"] += res.record["n_documents"] - 1
            for fact in res.facts:
                facts_w.write_line(fact)
                counts[f"type:{fact['type']}"] += 1
        facts_w.commit()
        docs_w.commit()
    return counts
