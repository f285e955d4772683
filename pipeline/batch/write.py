"""Output files: written atomically and deterministically, and read back for ``--resume``.

Each output is written to a hidden temporary file in the output folder and
renamed over the real name only when complete (``os.replace`` is atomic on
one file system), so an interrupted run leaves the previous outputs intact
and never a half-written file. Lines are compact JSON with keys in the
order the records give them and no timestamps, so re-running on the same
inputs gives the same bytes.

The pair is committed by :func:`pipeline.batch.manifest.commit_pair`: a manifest written
last names both files' sha256, so a reader can tell a consistent pair from one left half
renamed by a killed run. While a run writes, its temporaries are flushed every
:data:`FLUSH_EVERY` documents; if the run is killed (``kill -9``, out of memory) they stay
behind as a journal that the next ``--resume`` reuses (:func:`journal_pairs`) and that any
next run in the folder cleans (:func:`stale_temporaries`).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from pipeline.batch.manifest import file_sha256, fsync_dir as _fsync_dir, verify
from pipeline.records import Document

FACTS = "facts.jsonl"
DOCUMENTS = "documents.jsonl"
#: Documents between two flushes of a run's temporaries (what a killed run leaves for ``--resume``).
FLUSH_EVERY = 100


def content_sha256(text: str) -> str:
    """The resume key of a document: sha256 of its normalised text, as UTF-8."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def dumps(obj: Any) -> str:
    """One compact, strict JSON line; falls back to ASCII escapes if a string cannot be UTF-8 (lone surrogate).

    Strict: NaN and infinities raise ``ValueError`` (``allow_nan=False``) instead of writing
    ``NaN``/``Infinity``, which no JSON reader accepts.
    """
    line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(obj, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return line


class AtomicFile:
    """A text file that appears under its name only once :meth:`commit` is called.

    Without a commit (an exception, Ctrl-C, ``--strict`` abort) the temporary
    file is deleted and any earlier file of that name is left untouched.
    ``tag`` is put in the temporary's name (``.facts.jsonl.TAG.xxxx.tmp``) so that the
    temporaries of one run can be paired after a crash (:func:`journal_pairs`).
    """

    def __init__(self, path: str | Path, *, tag: str | None = None) -> None:
        self.path = Path(path)
        prefix = f".{self.path.name}.{tag}." if tag else f".{self.path.name}."
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=prefix, suffix=".tmp")
        self.tmp = Path(tmp)
        self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        self.sha256: str | None = None
        self.size = 0

    def write_line(self, obj: Any) -> None:
        self._fh.write(dumps(obj))
        self._fh.write("\n")

    def flush(self) -> None:
        """Hand what is written to the OS, so it survives this process being killed."""
        self._fh.flush()

    def copy_from(self, path: str | Path) -> None:
        """Append the bytes of ``path``."""
        self._fh.flush()
        with open(path, "rb") as src:
            shutil.copyfileobj(src, self._fh.buffer, 1 << 20)
        self._fh.buffer.flush()

    def finish(self) -> str:
        """Flush to disk and close; returns the content's sha256 (the file keeps its temporary name)."""
        if self.sha256 is None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.tmp, 0o666 & ~umask)
            self.sha256, self.size = file_sha256(self.tmp), self.tmp.stat().st_size
        return self.sha256

    def rename(self) -> None:
        """Rename the finished temporary over the target (atomic on one file system)."""
        os.replace(self.tmp, self.path)

    def commit(self) -> None:
        """Flush to disk, then rename over the target (readable like a normally created file)."""
        self.finish()
        self.rename()
        _fsync_dir(self.path.parent)

    def discard(self) -> None:
        if not self._fh.closed:
            self._fh.close()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> "AtomicFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()  # a no-op after commit: the temporary name is gone


def stale_temporaries(out_dir: str | Path) -> list[Path]:
    """Temporaries a run writes in ``out_dir`` (output files being written, Dask part folders).

    Only meaningful while holding the folder's lock (:class:`pipeline.batch.outdir.OutputLock`):
    then no other run is writing, and whatever matches was left by a killed run.
    """
    out = Path(out_dir)
    if not out.is_dir():
        return []
    found = []
    for p in sorted(out.iterdir()):
        name = p.name
        if name.startswith((f".{FACTS}.", f".{DOCUMENTS}.", ".manifest.json.")) and name.endswith(".tmp"):
            found.append(p)
        elif name.startswith(".parts-") and p.is_dir():
            found.append(p)
    return found


def journal_pairs(out_dir: str | Path) -> list[tuple[Path, Path]]:
    """(documents, facts) temporaries of one killed run each, newest first: what it had finished."""
    by_tag: dict[str, dict[str, Path]] = {}
    for p in stale_temporaries(out_dir):
        for name in (FACTS, DOCUMENTS):
            head = f".{name}."
            if p.name.startswith(head) and p.name.endswith(".tmp") and p.is_file():
                tag = p.name[len(head):].split(".")[0]
                by_tag.setdefault(tag, {})[name] = p
    pairs = [(files[DOCUMENTS], files[FACTS]) for files in by_tag.values() if len(files) == 2]
    return sorted(pairs, key=lambda pair: (-pair[0].stat().st_mtime, pair[0].name))


class _RunFiles:
    """Where each finished document of one pair of files is: byte offsets only, never records."""

    def __init__(self, docs_fh, facts_fh) -> None:
        self.docs_fh, self.facts_fh = docs_fh, facts_fh
        self.docs: dict[str, tuple[str, int, int]] = {}  # doc_id -> (sha256, offset, length)
        self.facts: dict[str, tuple[int, int, int] | None] = {}  # doc_id -> (offset, length, count)
        offset = 0
        for line in docs_fh:
            rec = _loads(line)
            if (isinstance(rec, dict) and rec.get("status") == "ok" and isinstance(rec.get("sha256"), str)
                    and isinstance(rec.get("doc_id"), str) and rec["doc_id"] not in self.docs):
                self.docs[rec["doc_id"]] = (rec["sha256"], offset, len(line))
            offset += len(line)
        offset, previous = 0, None
        for line in facts_fh:
            rec = _loads(line)
            doc_id = rec.get("doc_id") if isinstance(rec, dict) else None
            if isinstance(doc_id, str):
                block = self.facts.get(doc_id)
                if doc_id not in self.facts:
                    self.facts[doc_id] = (offset, len(line), 1)
                elif block is not None and doc_id == previous:
                    self.facts[doc_id] = (block[0], block[1] + len(line), block[2] + 1)
                else:  # a document's facts are not contiguous: do not trust them
                    self.facts[doc_id] = None
            previous = doc_id
            offset += len(line)

    def lookup(self, doc: Document) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        entry = self.docs.get(doc.doc_id)
        if entry is None or entry[0] != content_sha256(doc.text):
            return None
        record = _loads(_read_at(self.docs_fh, entry[1], entry[2]))
        if not isinstance(record, dict):
            return None
        n_facts = record.get("n_facts")
        block = self.facts.get(doc.doc_id)
        if not n_facts:
            if doc.doc_id in self.facts:
                return None
            facts: list[dict[str, Any]] = []
        elif block is None or block[2] != n_facts:
            return None
        else:
            facts = [_loads(x) for x in _read_at(self.facts_fh, block[0], block[1]).splitlines()]
            if not all(isinstance(f, dict) for f in facts):
                return None
        return record, facts

    def close(self) -> None:
        for fh in (self.docs_fh, self.facts_fh):
            fh.close()


class ResumeIndex:
    """Where each finished document of a previous run is in its documents.jsonl and facts.jsonl.

    Only byte offsets are kept in memory (not records or facts), so resuming
    a large run stays flat in memory; :meth:`lookup` reads one document's
    lines back when its normalised text is unchanged. The old files stay open,
    so they remain readable while the new outputs are renamed over them.

    Besides the committed outputs (checked against their manifest first), the index reads
    the journals of killed runs (:func:`journal_pairs`): the documents a run had finished
    before ``kill -9`` are reused too. A document counts only when its record and all
    its facts were flushed (the fact count must match), so a torn journal only costs
    re-extraction.
    """

    def __init__(self) -> None:
        self._runs: list[_RunFiles] = []
        self.reused = 0  # lookups that found the document unchanged
        self.journals = 0  # killed runs' journals read

    @classmethod
    def load(cls, out_dir: str | Path, *, journals: bool = True) -> "ResumeIndex":
        """Index the outputs in ``out_dir`` (missing files give an empty index).

        Raises :class:`pipeline.batch.manifest.OutputsInconsistent` when the two files are
        not the pair one run wrote.
        """
        index = cls()
        out = Path(out_dir)
        verify(out)
        pairs = [(out / DOCUMENTS, out / FACTS)] + (journal_pairs(out) if journals else [])
        for n, (docs, facts) in enumerate(pairs):
            try:
                docs_fh = open(docs, "rb")
            except OSError:
                continue
            try:
                facts_fh = open(facts, "rb")
            except OSError:
                docs_fh.close()
                continue
            index._runs.append(_RunFiles(docs_fh, facts_fh))
            index.journals += n > 0
        return index

    def __len__(self) -> int:
        return len({d for run in self._runs for d in run.docs})

    def lookup(self, doc: Document) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        """The previous record and facts of ``doc`` if its text is unchanged, else None.

        The record gets the current ``source`` and metadata (the file may
        have moved); a fact count that disagrees with the record (outputs of
        an interrupted rename) means "re-extract".
        """
        for run in self._runs:
            found = run.lookup(doc)
            if found is not None:
                break
        else:
            return None
        record, facts = found
        record["source"] = doc.source
        for key in ("url", "title", "date", "encoding"):
            if key in record:
                record[key] = doc.meta.get(key)
        self.reused += 1
        return record, facts

    def close(self) -> None:
        for run in self._runs:
            run.close()
        self._runs = []


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
