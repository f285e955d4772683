"""Run the pipeline over inputs and write outputs/facts.jsonl and outputs/documents.jsonl."""
from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from pipeline.core.extract import extract_document
from pipeline.batch.ingest import DEFAULT_MAX_BYTES, iter_inputs
from pipeline.records import Document, DocumentError
from pipeline.batch.budget import DEFAULT_DOC_TIMEOUT, DocTimeout, time_budget
from pipeline.batch.manifest import commit_pair
from pipeline.batch.write import (DOCUMENTS, FACTS, FLUSH_EVERY, AtomicFile, DocumentFailed, ResumeIndex,
                                  content_sha256, dumps)

#: Document metadata copied into each ok record of documents.jsonl (see pipeline/batch/ingest.py).
DOC_META = ("url", "title", "date", "encoding")

#: This process's time budget per document in seconds (``--doc-timeout``; 0: none). Engines
#: pass it to their workers with the other settings (:func:`pipeline.batch.engines.settings`).
_BUDGET = {"doc_timeout": DEFAULT_DOC_TIMEOUT}


def set_doc_timeout(seconds: float) -> None:
    _BUDGET["doc_timeout"] = float(seconds)


def doc_timeout() -> float:
    return _BUDGET["doc_timeout"]


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
    from pipeline.core.resolve import main_province

    try:
        with time_budget(_BUDGET["doc_timeout"]):
            facts = [f.to_json() for f in extract_document(item)]
            for fact in facts:
                dumps(fact)  # strict JSON or no result: a NaN/inf must not reach facts.jsonl
            province = main_province(item)
    except DocTimeout as exc:
        return _failed(item, str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        return _failed(item, f"extraction failed: {type(exc).__name__}: {exc}")
    record = {"doc_id": item.doc_id, "source": item.source, "status": "ok", "reason": None,
              "n_facts": len(facts), "province": province,
              "sha256": content_sha256(item.text), **{k: item.meta.get(k) for k in DOC_META}}
    if item.meta.get("replaced_bytes"):  # stray bytes decoded as U+FFFD (ingest._decode); absent when none
        record["replaced_bytes"] = item.meta["replaced_bytes"]
    return DocResult(record, facts)


def _failed(item: Document, reason: str) -> DocResult:
    return DocResult({"doc_id": item.doc_id, "source": item.source, "status": "error",
                      "reason": reason, "n_facts": 0, "province": None})


def iter_results(paths: Sequence[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES,
                 resume: ResumeIndex | None = None, stdin=None, exclude=(), **input_options) -> Iterator[DocResult]:
    """Results in input order; with ``resume``, unchanged documents reuse their previous facts.

    ``input_options`` (``max_input_bytes``) go to ``iter_inputs``.
    """
    for item in iter_inputs(paths, max_bytes=max_bytes, stdin=stdin, exclude=exclude, **input_options):
        previous = resume.lookup(item) if resume is not None and isinstance(item, Document) else None
        yield DocResult(*previous) if previous else process(item)


def write_results(results: Iterable[DocResult], out_dir: str | Path, *, strict: bool = False,
                  flush_every: int = FLUSH_EVERY) -> Counter:
    """Stream results (in input order) into DIR/facts.jsonl and DIR/documents.jsonl; return summary counts.

    Both files are written under temporary names and renamed only when the
    stream is exhausted, so an interrupted run leaves the previous outputs
    whole; a manifest written last vouches for the pair (:mod:`pipeline.batch.manifest`).
    Every ``flush_every`` documents (and every few seconds) the temporaries are flushed:
    a run killed outright leaves what it finished for ``--resume``. ``strict``: raise
    :class:`~pipeline.batch.write.DocumentFailed` at the first error record, and write nothing.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts: Counter = Counter()
    tag = uuid.uuid4().hex[:12]
    last_flush = time.monotonic()
    with AtomicFile(out / FACTS, tag=tag) as facts_w, AtomicFile(out / DOCUMENTS, tag=tag) as docs_w:
        for res in results:
            if strict and res.record["status"] != "ok":
                raise DocumentFailed(res.record)
            for fact in res.facts:  # facts before their record (a journal is checked by fact counts anyway)
                facts_w.write_line(fact)
                counts[f"type:{fact['type']}"] += 1
            docs_w.write_line(res.record)
            counts["documents"] += 1
            counts[f"status:{res.record['status']}"] += 1
            if res.record.get("n_documents", 1) > 1:  # failed documents summarised in this one line
                counts["summarised"] += res.record["n_documents"] - 1
            if counts["documents"] % flush_every == 0 or time.monotonic() - last_flush > 5.0:
                facts_w.flush()
                docs_w.flush()
                last_flush = time.monotonic()
        commit_pair(out, [facts_w, docs_w])
    return counts
