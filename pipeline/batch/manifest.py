"""The run manifest: proof that ``facts.jsonl`` and ``documents.jsonl`` were written together.

Why: the two outputs are renamed one after the other, so a run killed between the two
renames (or a second run, or a hand edit) can leave facts of one run beside documents of
another. Both files look fine alone; only their pairing is wrong, and every reader
(``--resume``, the review page, the notebook) would then join the wrong records.

How: :func:`commit_pair` writes ``manifest.json`` twice, each time atomically. First a
*pending* manifest naming the new files' sha256 (and the previous pair's, still on disk),
then the two renames, then the *complete* manifest. Whatever instant a kill hits, the
files on disk match one of the pairs the manifest names or the readers' :func:`verify`
says so. A folder without a manifest (outputs of an older version, or made by hand) is
accepted as it is. The manifest holds no timestamps: the same inputs give the same bytes.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Sequence

MANIFEST = "manifest.json"
FORMAT = "vn-facts-run-manifest/1"
#: The files a manifest vouches for, in commit order.
PAIR = ("facts.jsonl", "documents.jsonl")


class OutputsInconsistent(ValueError):
    """The output folder's files are not the pair one run wrote (a mismatch with ``manifest.json``)."""


def commit_pair(out_dir: str | Path, files: Sequence[Any]) -> None:
    """Rename finished :class:`~pipeline.batch.write.AtomicFile` temporaries over their names, manifest last."""
    out = Path(out_dir)
    new = {f.path.name: {"sha256": f.finish(), "bytes": f.size} for f in files}
    old = _read(out)
    previous = old.get("files") if isinstance(old, dict) and old.get("complete") is True else None
    _write(out, {"format": FORMAT, "complete": False, "files": new, "previous": previous})
    for f in files:
        f.rename()
    fsync_dir(out)
    _write(out, {"format": FORMAT, "complete": True, "files": new})


def verify(out_dir: str | Path) -> None:
    """Raise :class:`OutputsInconsistent` unless the folder's pair matches its manifest (if it has one)."""
    out = Path(out_dir)
    if not (out / MANIFEST).exists() or not any((out / n).exists() for n in PAIR):
        return  # no manifest (older outputs, made by hand), or no outputs left to mix up
    man = _read(out)
    if not isinstance(man, dict) or man.get("format") != FORMAT or not isinstance(man.get("files"), dict):
        raise OutputsInconsistent(f"{out / MANIFEST}: unreadable run manifest; re-run extract into {out}")
    pairs = [p for p in (man["files"], man.get("previous")) if isinstance(p, dict)]
    actual: dict[str, str | None] = {}

    def digest(name: str) -> str | None:
        if name not in actual:
            path = out / name
            actual[name] = file_sha256(path) if path.is_file() else None
        return actual[name]

    for pair in pairs:
        if all(isinstance(pair.get(n), dict) and _size(out / n) == pair[n].get("bytes")
               and digest(n) == pair[n].get("sha256") for n in PAIR):
            return
    state = "was interrupted while renaming them" if man.get("complete") is False else "wrote other files"
    raise OutputsInconsistent(
        f"{out}: facts.jsonl and documents.jsonl are not the pair one run wrote (their sha256 differ from "
        f"{MANIFEST}: the run that wrote them {state}, or a file was replaced or edited); "
        f"re-run extract into {out} without --resume")


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (best effort: not every OS can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _read(out: Path) -> Any:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(out: Path, body: dict[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{MANIFEST}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(json.dumps(body, sort_keys=True, indent=1) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out / MANIFEST)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
