"""The output folder: usable, not an input, written by one run at a time, no stale leftovers.

Why each check, before any work:

* an ``--out`` that is a file, read-only, or under ``/proc`` would fail only at the end of
  a long run, with a traceback: :func:`check_out_dir` says so in one line first;
* the output folder is never read as input (a re-run must not read its own outputs), so
  an ``--out`` that is, or lies inside, an input folder would silently drop every article
  it holds: that is refused, unless the folder holds nothing but the pipeline's outputs;
* two runs writing one folder would each rename their files over the other's:
  :class:`OutputLock` lets the second stop at once with a clear error;
* a run killed outright leaves its temporaries (hundreds of MB) behind: the next run,
  holding the lock and so sure that nobody writes them, removes them
  (:func:`clean_stale`), after ``--resume`` has read what they hold.
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable

from pipeline.batch.ingest import STDIN, SUFFIXES
from pipeline.batch.write import DOCUMENTS, FACTS, stale_temporaries

#: Lock file of a folder being written (removed when the run ends; a leftover is harmless).
LOCK = ".extract.lock"
#: Files the pipeline writes into an output folder (and the review page's download) that have an input's suffix.
OWN_OUTPUTS = frozenset({FACTS, DOCUMENTS, "review.html", "review-decisions.jsonl"})


class OutDirError(RuntimeError):
    """``--out`` cannot be used; the message is the one-line reason."""


class OutputBusy(OutDirError):
    """Another run holds the output folder's lock."""


def check_out_dir(out_dir: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """Create ``out_dir`` if needed and check a run can write there without losing an input."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutDirError(f"--out {out}: exists and is not a folder")
    existing = next((p for p in (out, *out.absolute().parents) if p.exists()), None)
    system = _special(existing) if existing is not None else None
    if system:
        raise OutDirError(f"--out {out}: is on a system file system ({system}), not a place for outputs")
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=out, prefix=".write-check-", suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutDirError(f"--out {out}: cannot write there: {exc.strerror or exc}") from None
    resolved = out.resolve()
    for arg in inputs:
        if str(arg) == STDIN or not Path(arg).is_dir():
            continue
        folder = Path(arg).resolve()
        if resolved != folder and folder not in resolved.parents:
            continue
        skipped = _input_files(out)
        if skipped:
            where = "is the input folder" if resolved == folder else "is inside the input folder"
            more = f" and {len(skipped) - 1} more" if len(skipped) > 1 else ""
            raise OutDirError(f"--out {out} {where} {arg}: the output folder is never read as input, so "
                              f"{skipped[0]}{more} would be skipped; choose another --out")
    return out


def _special(path: Path) -> str | None:
    """'proc', 'sysfs', ... when ``path`` is on a kernel's virtual file system (Linux)."""
    try:
        mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    real = str(path.resolve())
    best, kind = "", None
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3 and (real == parts[1] or real.startswith(parts[1].rstrip("/") + "/")):
            if len(parts[1]) > len(best):
                best, kind = parts[1], parts[2]
    return kind if kind in {"proc", "sysfs", "devtmpfs", "cgroup", "cgroup2", "debugfs", "securityfs"} else None


def _input_files(out: Path) -> list[str]:
    """Files under ``out`` that the input walk would read, but for the pipeline's own outputs."""
    found = []
    for root, dirs, files in os.walk(out):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".parts-"))
        for name in sorted(files):
            if name.lower().endswith(SUFFIXES) and not (Path(root) == out and name in OWN_OUTPUTS):
                found.append(str(Path(root) / name))
    return found


class OutputLock:
    """An exclusive ``fcntl`` lock on ``DIR/.extract.lock`` for the length of a run.

    A POSIX record lock (``lockf``), not ``flock``: it belongs to this process alone, so
    forked ``--jobs`` workers do not inherit it, and the kernel drops it when the process
    dies, even by ``kill -9`` (a leftover lock file is then harmless). POSIX locks do not
    exclude the process that holds them, so locks held here are also kept in a set.
    The lock file is removed on release. A run that finds the file replaced between its
    ``open`` and its lock (another run released and removed it meanwhile) opens it again,
    so two runs never hold locks on two different files of one name.
    """

    _held: set[tuple[int, int]] = set()  # (st_dev, st_ino) of the folders this process has locked

    def __init__(self, out_dir: str | Path) -> None:
        self.path = Path(out_dir) / LOCK
        self._fd: int | None = None

    def __enter__(self) -> "OutputLock":
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise OutDirError(f"--out {self.path.parent}: cannot create its lock file: "
                                  f"{exc.strerror or exc}") from None
            folder = os.stat(self.path.parent)
            try:
                if (folder.st_dev, folder.st_ino) in OutputLock._held:
                    raise BlockingIOError(errno.EWOULDBLOCK, "held by this process")
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = os.read(fd, 32).decode("ascii", "replace").strip()
                os.close(fd)
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise OutDirError(f"--out {self.path.parent}: cannot lock it: {exc.strerror}") from None
                raise OutputBusy(f"--out {self.path.parent}: another extract run (pid {holder or '?'}) is "
                                 "writing this folder; wait for it to end or choose another --out") from None
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd, self._key = fd, (folder.st_dev, folder.st_ino)
        OutputLock._held.add(self._key)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is None:
            return
        try:
            os.unlink(self.path)
        except OSError:
            pass
        os.close(self._fd)  # releases the lock
        self._fd = None
        OutputLock._held.discard(self._key)


def clean_stale(out_dir: str | Path) -> list[str]:
    """Remove what killed runs left in ``out_dir`` (call while holding its lock); the names removed."""
    removed = []
    for p in stale_temporaries(out_dir):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        removed.append(p.name)
    return removed
