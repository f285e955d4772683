"""Local engine: one process, or ``--jobs N`` worker processes on this machine.

The parent reads the inputs (cheap) and the workers extract (expensive). Chunks of
consecutive documents go to a ``concurrent.futures.ProcessPoolExecutor`` and their
results are taken back in submission order, so the output is byte-identical to
``--jobs 1``; at most :data:`WINDOW_CHUNKS` x jobs chunks are in flight, so memory stays
flat on millions of articles.

Why not ``multiprocessing.Pool``: when a worker dies (``kill -9``, the OS killing it for
memory) ``Pool.imap`` waits forever for the lost task. The executor notices the dead
process and fails every pending task with ``BrokenProcessPool``; this engine then starts
a fresh pool, keeps the results that had come back, and retries the documents that had
not, one at a time, so that a document that kills its worker again is told apart from
its innocent neighbours: it becomes an error line naming the reason, and the run goes on.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from pipeline.batch.run import DocResult
from pipeline.batch.run import iter_results as iter_results_serial
from pipeline.batch.write import ResumeIndex
from pipeline.batch.engines import WorkItem, apply_settings, process_item, settings, warm_up, work_items

#: Documents per task sent to a worker. Measured on 2,000 news articles with 2 workers: 4
#: costs the parent 1.1 CPU-s, which it takes from the workers on a 2-core machine; 16
#: costs 0.7 CPU-s. Past 16 the parent saves little and the run's tail gets longer.
DEFAULT_CHUNKSIZE = 16
#: Chunks in flight per worker: enough to keep every worker busy while the parent writes.
WINDOW_CHUNKS = 4

#: Reason of the error line of a document whose worker died twice while extracting it.
WORKER_DIED = ("worker process died while extracting this document (killed by a signal, "
               "or by the system for lack of memory), also when retried alone")


def _init_worker(conf: dict[str, Any], ready: Any) -> None:
    """Worker start-up: the parent's settings, then models loaded once per process.

    Ctrl-C is left to the parent, which stops the pool; warm_up never raises.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(os.getppid())
    apply_settings(conf)
    warm_up()
    with ready.get_lock():
        ready.value += 1


def _exit_with_parent(parent: int) -> None:
    """End this worker when the run that started it is gone (``kill -9`` of the parent).

    Otherwise the worker waits forever for tasks on a queue that its siblings keep open.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _process_chunk(items: list[WorkItem]) -> list[DocResult]:
    return [process_item(item) for item in items]


def _lost(item: WorkItem) -> DocResult:
    if isinstance(item, DocResult):  # a reused result cannot kill a worker; keep it
        return item
    return DocResult({"doc_id": item.doc_id, "source": item.source, "status": "error",
                      "reason": WORKER_DIED, "n_facts": 0, "province": None})


class LocalEngine:
    """Run :func:`pipeline.batch.run.process` over inputs with ``jobs`` processes.

    Use as a context manager so the pool is started once and closed at the end::

        with LocalEngine(jobs=2) as engine:
            write_results(engine.results(work_items(paths)), out_dir)
    """

    def __init__(self, jobs: int = 1, chunksize: int = DEFAULT_CHUNKSIZE,
                 conf: dict[str, Any] | None = None, start_method: str | None = None) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be >= 1, got {jobs}")
        self.jobs = jobs
        self.chunksize = max(1, chunksize)
        self.conf = settings() if conf is None else conf
        self.start_method = start_method
        self._pool: ProcessPoolExecutor | None = None
        self._ctx: Any = None
        self._ready: Any = None
        self.restarts = 0  # pools replaced after a worker died
        self._generation = 0  # which pool a chunk was submitted to
        self._submit_lock = threading.Lock()

    def __enter__(self) -> "LocalEngine":
        if self.jobs > 1:
            self._ctx = mp.get_context(self.start_method)
            self._ready = self._ctx.Value("i", 0)
            self._pool = self._new_pool()
        else:
            apply_settings(self.conf)
        return self

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, mp_context=self._ctx, initializer=_init_worker,
                                   initargs=(self.conf, self._ready))

    def _stop_pool(self, *, wait: bool) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if not wait:  # interrupted: do not wait for the documents in flight
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)

    def __exit__(self, *exc: Any) -> None:
        self._stop_pool(wait=exc[0] is None)

    def wait_ready(self, timeout: float = 300.0) -> None:
        """Block until every worker has loaded its models (benchmarks time steady state)."""
        if self._pool is None:
            warm_up()
            return
        for fut in [self._pool.submit(int) for _ in range(self.jobs)]:  # workers start on demand
            fut.result()
        deadline = time.monotonic() + timeout
        while self._ready.value < self.jobs:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self._ready.value}/{self.jobs} workers ready after {timeout}s")
            time.sleep(0.01)

    def results(self, items: Iterable[WorkItem]) -> Iterator[DocResult]:
        """One DocResult per item (see :func:`pipeline.batch.engines.work_items`), in input order.

        A reader thread reads the inputs and submits chunks (at most ``WINDOW_CHUNKS x jobs``
        in flight); this thread takes the results back in order. Reading in a thread keeps
        results flowing while the input waits (a pipe on standard input that is still open).
        """
        if self._pool is None:
            for item in items:
                yield process_item(item)
            return
        slots = threading.Semaphore(WINDOW_CHUNKS * self.jobs)
        submitted: queue.Queue = queue.Queue()
        stop = threading.Event()

        def read() -> None:
            try:
                source = iter(items)
                while not stop.is_set():
                    chunk = list(islice(source, self.chunksize))
                    if not chunk:
                        break
                    while not slots.acquire(timeout=0.1):
                        if stop.is_set():
                            return
                    with self._submit_lock:
                        generation = self._generation
                        try:
                            fut: Future | None = self._pool.submit(_process_chunk, chunk)
                        except (BrokenProcessPool, RuntimeError):  # the pool broke: retried in order
                            fut = None
                    submitted.put((chunk, generation, fut))
            except BaseException as exc:  # noqa: BLE001 - an input error is raised in the caller's thread
                submitted.put(exc)
                return
            submitted.put(None)

        reader = threading.Thread(target=read, name="read-inputs", daemon=True)
        reader.start()
        try:
            while True:
                entry = submitted.get()
                if entry is None:
                    break
                if isinstance(entry, BaseException):
                    raise entry
                chunk, generation, fut = entry
                try:
                    if fut is None:
                        raise BrokenProcessPool("submitted to a broken pool")
                    done = fut.result()
                except BrokenProcessPool:
                    done = self._retry(chunk, generation)
                slots.release()
                yield from done
        finally:
            stop.set()

    def _retry(self, chunk: list[WorkItem], generation: int) -> list[DocResult]:
        """A worker died: retry the chunk's documents one at a time in a fresh pool.

        Holding the submit lock, so that no other chunk runs meanwhile: a document that
        kills its worker now is the one to blame, not a neighbour.
        """
        with self._submit_lock:
            if generation == self._generation:  # the pool this chunk went to broke: replace it
                self._replace_pool()
            return [self._alone(item) for item in chunk]

    def _replace_pool(self) -> None:
        self._stop_pool(wait=True)
        self._pool = self._new_pool()
        self._generation += 1
        self.restarts += 1

    def _alone(self, item: WorkItem, attempts: int = 2) -> DocResult:
        """``item`` extracted by itself; ``attempts`` worker deaths make it an error line.

        Two attempts: a chunk submitted just before this retry may still run beside it, and
        its death must not be blamed on this document.
        """
        for _ in range(attempts):
            try:
                return self._pool.submit(process_item, item).result()
            except BrokenProcessPool:
                self._replace_pool()
        return _lost(item)


def iter_results(paths: Sequence[str | Path], *, jobs: int = 1, resume: ResumeIndex | None = None,
                 chunksize: int = DEFAULT_CHUNKSIZE, **input_options: Any) -> Iterator[DocResult]:
    """:func:`pipeline.batch.run.iter_results` computed by ``jobs`` processes (same results, same order).

    ``input_options`` (``max_bytes``, ``stdin``, ``exclude``, ...) go to ``iter_inputs``.
    """
    if jobs == 1:
        yield from iter_results_serial(paths, resume=resume, **input_options)
        return
    with LocalEngine(jobs, chunksize) as engine:
        yield from engine.results(work_items(paths, resume=resume, **input_options))
