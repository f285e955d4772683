"""Ingest: turn input paths into a stream of Documents (or DocumentErrors).

Minimal first version: ``.txt`` files and ``.jsonl`` files of ``{"id", "text"}``
records, from files or folders, recursively, in sorted order.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from .normalize import normalize_text
from .records import Document, DocumentError

SUFFIXES = (".txt", ".jsonl")


def _expand(paths: Iterable[str | Path]) -> Iterator[Path]:
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file() and q.suffix in SUFFIXES)
        else:
            yield p


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[Document | DocumentError]:
    """Yield one Document or DocumentError per input document, in input order."""
    for path in _expand(paths):
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as fh:
                for lineno, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    rec = json.loads(line)
                    doc_id = str(rec.get("id") or rec.get("doc_id") or f"{path.stem}:{lineno}")
                    yield Document(doc_id, normalize_text(rec["text"]), f"{path}:{lineno}",
                                   {k: rec.get(k) for k in ("url", "title", "date")})
        else:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                yield DocumentError(path.stem, str(path), f"cannot read: {exc}")
                continue
            if not text.strip():
                yield DocumentError(path.stem, str(path), "empty file")
                continue
            yield Document(path.stem, normalize_text(text), str(path), {})
