"""Engines: the same per-document pipeline run in one process, N processes, or on Dask.

Every engine produces output byte-identical to ``--jobs 1``: documents come back in
input order and are written by :func:`pipeline.batch.run.write_results`. Worker processes
load models once (:func:`warm_up`) and get the parent's settings (:func:`settings`)
explicitly, because environment variables do not reach the workers of a remote cluster.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator, Sequence, Union

from pipeline.core import prefilter
from pipeline.batch.ingest import iter_inputs
from pipeline.records import Document, DocumentError
from pipeline.batch.run import DocResult, process
from pipeline.batch.write import ResumeIndex

#: What the reader hands to the workers: an input to extract, or a result already known
#: (an unchanged document reused by ``--resume``), passed through so order is kept.
WorkItem = Union[Document, DocumentError, DocResult]

_WARM = False

#: A short real sentence that exercises every stage, so lazy models load at start-up.
WARM_UP_TEXT = ("Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS, "
                "tăng 27 bậc so với năm 2021. Chỉ số PCI đạt 65,5 điểm.")


def settings() -> dict[str, Any]:
    """The per-run settings a worker needs to behave like this process: the prefilter switch
    and every ``PIPELINE_*`` environment variable (e.g. ``PIPELINE_THRESHOLD``)."""
    return {"prefilter": prefilter.enabled(),
            "env": {k: v for k, v in sorted(os.environ.items()) if k.startswith("PIPELINE_")}}


def apply_settings(conf: dict[str, Any] | None) -> None:
    """Make this (worker) process use the parent's settings."""
    if conf is None:
        return
    env = conf.get("env", {})
    for key in [k for k in os.environ if k.startswith("PIPELINE_") and k not in env]:
        del os.environ[key]
    os.environ.update(env)
    prefilter.set_enabled(conf.get("prefilter", True))


def work_items(paths: Sequence[str | Path], *, resume: ResumeIndex | None = None,
               **input_options: Any) -> Iterator[WorkItem]:
    """The inputs in order, as :func:`pipeline.batch.run.iter_results` sees them (same resume rule).

    ``input_options`` (``max_bytes``, ``stdin``, ``exclude``, ...) go to ``iter_inputs``.
    """
    for item in iter_inputs(paths, **input_options):
        previous = resume.lookup(item) if resume is not None and isinstance(item, Document) else None
        yield DocResult(*previous) if previous else item


def process_item(item: WorkItem) -> DocResult:
    """:func:`pipeline.batch.run.process`, passing through results that are already known."""
    return item if isinstance(item, DocResult) else process(item)


def warm_up() -> None:
    """Load models once per process by running one document through the pipeline.

    Going through :func:`pipeline.batch.run.process` loads whatever the extractor loads lazily
    (underthesea's sentence splitter and POS tagger, spaCy, the classifier), without naming them here.
    """
    global _WARM
    if _WARM:
        return
    _WARM = True
    try:
        process(Document("warm-up", WARM_UP_TEXT, "<warm-up>", {}))
    except Exception:  # noqa: BLE001 - a broken model then fails each document, as in one process
        pass
