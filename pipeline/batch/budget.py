"""A time budget per document: one pathological article must not stall a whole run.

Why a signal: results are written in input order, so a document that takes an hour
(a sentence of 4,000 figures, a regex that backtracks) holds back everything after it.
Extraction is pure CPU in C extensions (``regex``, underthesea) that no cooperative
check can interrupt, but a ``SIGALRM`` handler runs as soon as the C code returns to
Python or checks for signals (the ``regex`` module does, while matching), and it raises
:class:`DocTimeout` there. This works in the main thread of any process: the serial
path and every ``--jobs N`` worker. Elsewhere (Dask runs tasks in threads) the budget is
not enforced and the document runs to the end.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

#: Seconds one document may take by default (``--doc-timeout``); a news article takes ~0.05 s.
DEFAULT_DOC_TIMEOUT = 60.0


class DocTimeout(BaseException):
    """The document used up its time budget.

    A BaseException, so that no ``except Exception`` inside the stages can swallow it.
    """


def enforceable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`DocTimeout` in the body once ``seconds`` have passed (0 or None: no budget)."""
    if not seconds or not enforceable():
        yield
        return

    def expired(signum, frame):
        raise DocTimeout(f"time budget exceeded: extraction took more than {seconds:g} s (--doc-timeout)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
