"""Output files: written atomically and deterministically, and read back for ``--resume``.

Each output is written to a hidden temporary file in the output folder and
renamed over the real name only when complete (``os.replace`` is atomic on
one file system), so an interrupted run leaves the previous outputs intact
and never a half-written file. Lines are compact JSON with keys in the
order the records give them and no timestamps, so re-running on the same
inputs gives the same bytes.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pipeline.records import Document

FACTS = "facts.jsonl"
DOCUMENTS = "documents.jsonl"


def content_sha256(text: str) -> str:
    """The resume key of a document: sha256 of its normalised text, as UTF-8."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def dumps(obj: Any) -> str:
    """One compact JSON line; falls back to ASCII escapes if a string cannot be UTF-8 (lone surrogate)."""
    line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(obj, ensure_ascii=True, separators=(",", ":"))
    return line


class AtomicFile:
    """A text file that appears under its name only once :meth:`commit` is called.

    Without a commit (an exception, Ctrl-C, ``--strict`` abort) the temporary
    file is deleted and any earlier file of that name is left untouched.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        self.tmp = Path(tmp)
        self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write_line(self, obj: Any) -> None:
        self._fh.write(dumps(obj))
        self._fh.write("\n")

    def commit(self) -> None:
        """Flush to disk, then rename over the target (readable like a normally created file)."""
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.tmp, 0o666 & ~umask)
        os.replace(self.tmp, self.path)
        _fsync_dir(self.path.parent)

    def discard(self) -> None:
        if not self._fh.closed:
            self._fh.close()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> "AtomicFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()  # a no-op after commit: the temporary name is gone


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every OS can open a folder)."""
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


class ResumeIndex:
    """Where each finished document of a previous run is in its documents.jsonl and facts.jsonl.

    Only byte offsets are kept in memory (not records or facts), so resuming
    a large run stays flat in memory; :meth:`lookup` reads one document's
    lines back when its normalised text is unchanged. The old files stay open,
    so they remain readable while the new outputs are renamed over them.
    """

    def __init__(self) -> None:
        self._docs_fh = self._facts_fh = None
        self._docs: dict[str, tuple[str, int, int]] = {}  # doc_id -> (sha256, offset, length)
        self._facts: dict[str, tuple[int, int, int] | None] = {}  # doc_id -> (offset, length, count)
        self.reused = 0  # lookups that found the document unchanged

    @classmethod
    def load(cls, out_dir: str | Path) -> "ResumeIndex":
        """Index the outputs in ``out_dir``; missing or unreadable files give an empty index."""
        index = cls()
        out = Path(out_dir)
        try:
            index._docs_fh = open(out / DOCUMENTS, "rb")
            index._facts_fh = open(out / FACTS, "rb")
        except OSError:
            index.close()
            return cls()
        offset = 0
        for line in index._docs_fh:
            rec = _loads(line)
            if (isinstance(rec, dict) and rec.get("status") == "ok" and isinstance(rec.get("sha256"), str)
                    and isinstance(rec.get("doc_id"), str) and rec["doc_id"] not in index._docs):
                index._docs[rec["doc_id"]] = (rec["sha256"], offset, len(line))
            offset += len(line)
        offset, previous = 0, None
        for line in index._facts_fh:
            rec = _loads(line)
            doc_id = rec.get("doc_id") if isinstance(rec, dict) else None
            if isinstance(doc_id, str):
                block = index._facts.get(doc_id)
                if doc_id not in index._facts:
                    index._facts[doc_id] = (offset, len(line), 1)
                elif block is not None and doc_id == previous:
                    index._facts[doc_id] = (block[0], block[1] + len(line), block[2] + 1)
                else:  # a document's facts are not contiguous: do not trust them
                    index._facts[doc_id] = None
            previous = doc_id
            offset += len(line)
        return index

    def __len__(self) -> int:
        return len(self._docs)

    def lookup(self, doc: Document) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        """The previous record and facts of ``doc`` if its text is unchanged, else None.

        The record gets the current ``source`` and metadata (the file may
        have moved); a fact count that disagrees with the record (outputs of
        an interrupted rename) means "re-extract".
        """
        entry = self._docs.get(doc.doc_id)
        if entry is None or entry[0] != content_sha256(doc.text):
            return None
        record = _loads(_read_at(self._docs_fh, entry[1], entry[2]))
        if not isinstance(record, dict):
            return None
        n_facts = record.get("n_facts")
        block = self._facts.get(doc.doc_id)
        if not n_facts:
            if doc.doc_id in self._facts:
                return None
            facts: list[dict[str, Any]] = []
        elif block is None or block[2] != n_facts:
            return None
        else:
            facts = [json.loads(x) for x in _read_at(self._facts_fh, block[0], block[1]).splitlines()]
        record["source"] = doc.source
        for key in ("url", "title", "date", "encoding"):
            if key in record:
                record[key] = doc.meta.get(key)
        self.reused += 1
        return record, facts

    def close(self) -> None:
        for fh in (self._docs_fh, self._facts_fh):
            if fh is not None:
                fh.close()


def _loads(line: bytes) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None


def _read_at(fh, offset: int, length: int) -> bytes:
    fh.seek(offset)
    return fh.read(length)


class DocumentFailed(Exception):
    """``--strict``: the first document that failed, which stops the run."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.record = record
        super().__init__(f"{record.get('source')}: {record.get('reason')} (doc_id {record.get('doc_id')})")
