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

from pipeline.core import classify, prefilter
from pipeline.batch.ingest import iter_inputs
from pipeline.records import Document, DocumentError
from pipeline.batch import run
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
    """The per-run settings a worker needs to behave like this process: the prefilter switch,
    the decision settings (``--rules-only``, ``--threshold``, ``--model``: what
    :func:`pipeline.core.classify.config` holds, set from flags or the environment), the time
    budget per document, and every ``PIPELINE_*`` environment variable.

    Why explicit: a worker is a fresh process (spawned, or on another machine); flags the
    parent parsed never reach it otherwise, and it would silently decide with the defaults.
    """
    decide = classify.config()
    if decide.get("model_path"):  # the worker may run in another folder
        decide["model_path"] = os.path.abspath(decide["model_path"])
    return {"prefilter": prefilter.enabled(),
            "env": {k: v for k, v in sorted(os.environ.items()) if k.startswith("PIPELINE_")},
            "decide": decide, "doc_timeout": run.doc_timeout()}


def apply_settings(conf: dict[str, Any] | None) -> None:
    """Make this (worker) process use the parent's settings (every one, also back to a default)."""
    if conf is None:
        return
    env = conf.get("env", {})
    for key in [k for k in os.environ if k.startswith("PIPELINE_") and k not in env]:
        del os.environ[key]
    os.environ.update(env)
    prefilter.set_enabled(conf.get("prefilter", True))
    decide = conf.get("decide")
    if decide is not None:  # "" resets a model named by an earlier task of a long-lived worker
        classify.configure(rules_only=bool(decide["rules_only"]), threshold=float(decide["threshold"]),
                           model_path=decide["model_path"] or "")
    if "doc_timeout" in conf:
        run.set_doc_timeout(conf["doc_timeout"])


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
