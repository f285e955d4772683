"""Ingest: turn input paths into a stream of Documents or DocumentErrors, never dropping one.

Every input document becomes exactly one item of :func:`iter_inputs`: a
:class:`~pipeline.records.Document` whose ``text`` is ``normalize_text`` of the
decoded input (all output offsets refer to it), or a
:class:`~pipeline.records.DocumentError` naming the file (``path`` or
``path:lineno``) and the reason, so the run can report it instead of losing it.

Inputs (see docs/INPUTS.md):

* ``.txt`` files, one document each, in any encoding charset-normalizer detects
  (UTF-8 with or without BOM, UTF-16/32 with BOM or not, Windows-1258, ...);
* ``.html`` / ``.htm`` pages: main text by trafilatura, with title, date, URL;
* ``.jsonl`` / ``.jsonl.gz``: one ``{"id", "text", "url"?, "title"?, "date"?}``
  record per line, streamed (a file may be larger than memory);
* folders, recursively (files with other suffixes are ignored). A gold-set
  folder (SCHEMA.md: ``docs.jsonl`` beside ``texts/``) gives its
  ``texts/*.txt`` with url, title and date from ``docs.jsonl``; its
  ``docs.jsonl`` and ``gold.jsonl`` are annotations, not inputs;
* ``-``: standard input, JSON Lines if its first non-blank character is ``{``,
  otherwise one plain-text document with id ``stdin``.

A single document (a text or HTML file, one JSONL line, plain-text stdin) may
be at most ``max_bytes`` bytes (default :data:`DEFAULT_MAX_BYTES`); larger ones
become errors without being read into memory.

doc_id: a file's stem (``a/b/x.txt`` -> ``x``); when two input files share a
stem, each of them gets its path relative to their common folder without the
suffix (``2023/x``, ``2024/x``), or with it if that still collides (``x.txt``,
``x.html``). JSONL records use their ``id`` (or ``doc_id``) field, else
``<file id>:<lineno>``. A second document with an id already seen becomes the
error ``duplicate id X (first seen at SOURCE)``.
"""
from __future__ import annotations

import codecs
import gzip
import json
import logging
import os
import stat
import sys
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator

import regex

from pipeline.core.normalize import normalize_text
from pipeline.records import Document, DocumentError

#: Largest single document (a text/HTML file, a JSONL line, plain-text stdin), in bytes.
DEFAULT_MAX_BYTES = 20_000_000

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl.gz", ".jsonl")
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES
STDIN = "-"

_META = ("url", "title", "date")
_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0/C1 controls other than tab, newlines, form feed: a text with many of them is not text.
_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_SURROGATE = regex.compile(r"[\ud800-\udfff]")
_META_CHARSET = regex.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", regex.I)


class InputError(Exception):
    """Why one input could not become a Document (the message is the error line's reason)."""


def iter_inputs(paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES,
                stdin: IO[bytes] | None = None,
                exclude: Iterable[str | Path] = ()) -> Iterator[Document | DocumentError]:
    """Yield one Document or DocumentError per input document, in input order.

    Input order: the paths in the order given; inside a folder, files sorted by
    their relative path. Lazy: JSONL files are streamed and a document's text
    is read only when it is its turn. ``stdin`` (a binary stream) replaces
    ``sys.stdin.buffer`` for ``-``. Folders in ``exclude`` (the run's output
    folder) are not walked into, so a re-run never reads its own outputs.
    """
    entries = _plan(paths, _folder_keys(exclude))
    ids = _assign_ids(entries)
    seen: dict[str, str] = {}  # doc_id -> source of the document that took it
    gold_meta: dict[Path, dict[str, dict]] = {}
    for entry, file_id in zip(entries, ids):
        if entry.error is not None:
            yield entry.error
            continue
        for item in _read_entry(entry, file_id, max_bytes, stdin):
            if entry.meta_file is not None and isinstance(item, Document):
                if entry.meta_file not in gold_meta:
                    gold_meta[entry.meta_file] = _read_gold_meta(entry.meta_file)
                extra = gold_meta[entry.meta_file].get(_stem(entry.path.name), {})
                item = Document(item.doc_id, item.text, item.source, {**item.meta, **extra})
            if isinstance(item, Document):
                first = seen.get(item.doc_id)
                if first is not None:
                    item = DocumentError(item.doc_id, item.source,
                                         f"duplicate id {item.doc_id} (first seen at {first})")
                else:
                    seen[item.doc_id] = item.source
            yield item


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True, slots=True)
class _Entry:
    """One input file (or stdin, or an unreadable path) in input order."""

    path: Path | None  # None for stdin
    source: str  # the path as the user will recognise it
    kind: str  # "text" | "html" | "jsonl" | "stdin" | "error"
    error: DocumentError | None = None
    meta_file: Path | None = None  # the gold set's docs.jsonl, for its texts/*.txt


def _kind(name: str) -> str | None:
    low = name.lower()
    if low.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if low.endswith(HTML_SUFFIXES):
        return "html"
    if low.endswith(TEXT_SUFFIXES):
        return "text"
    return None


def _stem(name: str) -> str:
    low = name.lower()
    for suffix in SUFFIXES:
        if low.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return Path(name).stem or name


def _show(path: str | Path) -> str:
    """The path as printable text (undecodable file-name bytes become U+FFFD)."""
    return os.fsencode(path).decode("utf-8", "replace")


def _folder_keys(folders: Iterable[str | Path]) -> frozenset[tuple[int, int]]:
    keys = set()
    for folder in folders:
        try:
            st = os.stat(folder)
        except OSError:
            continue
        keys.add((st.st_dev, st.st_ino))
    return frozenset(keys)


def _plan(paths: Iterable[str | Path], exclude: frozenset[tuple[int, int]] = frozenset()) -> list[_Entry]:
    """Expand the arguments into entries; only paths are listed here, nothing is read."""
    entries: list[_Entry] = []
    for arg in paths:
        if str(arg) == STDIN:
            entries.append(_Entry(None, "<stdin>", "stdin"))
            continue
        path = Path(arg)
        try:
            st = path.stat()
        except OSError as exc:
            entries.append(_error_entry(path, _path_reason(path, exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            entries.extend(_walk(path, exclude))
        else:  # a named file is read whatever its suffix (FIFOs too: `<(zcat x.gz)`)
            entries.append(_Entry(path, _show(path), _kind(path.name) or "text"))
    return entries


def _error_entry(path: Path, reason: str) -> _Entry:
    return _Entry(path, _show(path), "error", DocumentError(_stem(_show(path.name or path)), _show(path), reason))


def _path_reason(path: Path, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "cannot read: broken symbolic link" if path.is_symlink() else "cannot read: no such file or directory"
    if isinstance(exc, PermissionError):
        return "cannot read: permission denied"
    return f"cannot read: {exc.strerror or exc}"


def _walk(root: Path, exclude: frozenset[tuple[int, int]] = frozenset()) -> list[_Entry]:
    """Supported files under ``root`` (symlinks followed), sorted by relative path.

    A folder reached again through a symbolic link is reported as an error
    (a loop if it is one of its own ancestors) instead of being read twice.
    """
    found: list[tuple[str, _Entry]] = []
    visited: dict[tuple[int, int], str] = {}

    def visit(folder: Path, rel: str, ancestors: frozenset[tuple[int, int]], meta_file: Path | None) -> None:
        try:
            st = folder.stat()
        except OSError as exc:
            found.append((rel, _error_entry(folder, _path_reason(folder, exc))))
            return
        key = (st.st_dev, st.st_ino)
        if key in exclude:
            return
        if key in visited:
            reason = (f"directory loop: {_show(folder)} leads back to {visited[key]}, not followed" if key in ancestors
                      else f"folder already read as {visited[key]}, not read twice")
            found.append((rel, _error_entry(folder, reason)))
            return
        visited[key] = _show(folder)
        try:
            with os.scandir(folder) as it:
                children = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            found.append((rel, _error_entry(folder, _path_reason(folder, exc))))
            return
        names = {c.name for c in children}
        gold_set = "docs.jsonl" in names and "texts" in names and (folder / "texts").is_dir()
        for child in children:
            if gold_set and child.name in ("docs.jsonl", "gold.jsonl"):
                continue
            child_path = folder / child.name
            child_rel = f"{rel}/{child.name}" if rel else child.name
            try:
                is_dir = child.is_dir()  # follows symlinks
                is_file = child.is_file()
            except OSError as exc:
                found.append((child_rel, _error_entry(child_path, _path_reason(child_path, exc))))
                continue
            if is_dir:
                texts_meta = folder / "docs.jsonl" if gold_set and child.name == "texts" else None
                visit(child_path, child_rel, ancestors | {key}, texts_meta)
            elif _kind(child.name) is None:
                continue
            elif is_file:
                kind = _kind(child.name)
                found.append((child_rel, _Entry(child_path, _show(child_path), kind,
                                                meta_file=meta_file if kind == "text" else None)))
            elif child.is_symlink() and not os.path.exists(child_path):
                found.append((child_rel, _error_entry(child_path, "cannot read: broken symbolic link")))

    visit(root, "", frozenset(), None)
    found.sort(key=lambda pair: pair[0])
    return [entry for _, entry in found]


def _assign_ids(entries: list[_Entry]) -> list[str]:
    """File ids: the stem, or the path relative to the colliding files' common folder.

    Document files (text, HTML) and JSONL files are two separate namespaces,
    so ``x.txt`` keeps the id ``x`` beside an ``x.jsonl``.
    """
    ids = ["stdin" if e.kind == "stdin" else _stem(_show(e.path.name)) if e.path else "" for e in entries]
    groups: dict[tuple[bool, str], list[int]] = defaultdict(list)
    for i, e in enumerate(entries):
        if e.path is not None and e.kind != "error":
            groups[(e.kind == "jsonl", ids[i])].append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        absolute = [os.path.abspath(entries[i].path) for i in members]
        base = os.path.commonpath([os.path.dirname(a) for a in absolute])
        rels = [Path(os.path.relpath(a, base)).as_posix() for a in absolute]
        short = [_show(r[: len(r) - len(Path(r).name)] + _stem(Path(r).name)) for r in rels]
        clash = Counter(short)
        for i, s, r in zip(members, short, rels):
            ids[i] = s if clash[s] == 1 else _show(r)
    return ids


# --------------------------------------------------------------------------- reading


def _read_gold_meta(path: Path) -> dict[str, dict]:
    """doc_id -> {url, title, date} from a gold set's docs.jsonl (small; bad lines are skipped)."""
    out: dict[str, dict] = {}
    try:
        with open(path, "rb") as fh:
            for line in fh:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if isinstance(rec, dict) and isinstance(rec.get("doc_id"), str):
                    out[rec["doc_id"]] = _clean_meta(rec)
    except OSError:
        pass
    return out


def _read_entry(entry: _Entry, file_id: str, max_bytes: int,
                stdin: IO[bytes] | None) -> Iterator[Document | DocumentError]:
    if entry.kind == "stdin":
        yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer, max_bytes)
    elif entry.kind == "jsonl":
        yield from _read_jsonl_file(entry, file_id, max_bytes)
    else:
        try:
            data = _read_bytes(entry.path, max_bytes)
            if entry.kind == "html":
                text, meta = _html_document(data, max_bytes)
            else:
                text, encoding = decode_bytes(data)
                meta = {"url": None, "title": None, "date": None, "encoding": encoding}
            yield Document(file_id, _checked_text(text, "file"), entry.source, meta)
        except InputError as exc:
            yield DocumentError(file_id, entry.source, str(exc))


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing (without reading) one larger than ``max_bytes``."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if stat.S_ISDIR(st.st_mode):
                raise InputError("is a directory")
            if stat.S_ISREG(st.st_mode) and st.st_size > max_bytes:
                raise InputError(f"file too large: {st.st_size:,} bytes > --max-bytes {max_bytes:,}")
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(_path_reason(path, exc)) from None
    if len(data) > max_bytes:
        raise InputError(f"file too large: more than --max-bytes {max_bytes:,} bytes")
    if not data:
        raise InputError("empty file (0 bytes)")
    return data


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a document's bytes: BOM, else strict UTF-8, else charset-normalizer's best guess.

    Returns ``(text, encoding)``; raises :class:`InputError` for binary data.
    Windows-1258 writes tone marks as combining characters, so its text only
    equals the UTF-8 original after NFC, which ``normalize_text`` applies.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "") + " (BOM)"
            except UnicodeDecodeError as exc:
                raise InputError(f"invalid {encoding} text at byte {exc.start} despite its BOM") from None
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text = encoding = None
    if text is None or b"\x00" in data:  # NULs: UTF-16/32 without BOM, or binary
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None and (text is None or best.encoding.startswith(("utf_16", "utf_32"))):
            text, encoding = str(best), best.encoding
        elif text is None:
            raise InputError("binary or undecodable content (no text encoding fits)")
    n_control = len(_CONTROL.findall(text[:100_000]))
    if n_control > max(2, len(text[:100_000]) // 100):
        raise InputError(f"binary content ({n_control} control characters), not text")
    return text, encoding


def _checked_text(text: str, what: str) -> str:
    """Normalise; refuse text that is empty or cannot be written as UTF-8."""
    bad = _SURROGATE.search(text)
    if bad:
        raise InputError(f"text contains an unpaired surrogate U+{ord(bad.group()):04X} at character {bad.start()}")
    text = normalize_text(text)
    if not text.strip():
        raise InputError(f"empty {what} (only whitespace)" if text else f"empty {what}")
    return text


def _html_document(data: bytes, max_bytes: int) -> tuple[str, dict]:
    """Main text and metadata of an HTML page (trafilatura), decoded by its declared charset first."""
    text = encoding = None
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        try:
            name = declared.group(1).decode("ascii")
            text, encoding = data.decode(name), codecs.lookup(name).name
            if text.startswith("\ufeff"):
                text = text[1:]
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text, encoding = decode_bytes(data)
    import trafilatura

    _quiet_trafilatura()
    try:
        doc = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False,
                                          include_tables=True, config=_trafilatura_config(max_bytes))
    except Exception as exc:  # noqa: BLE001 - a broken page is one error line, not a crash
        raise InputError(f"HTML extraction failed: {type(exc).__name__}: {exc}") from None
    if doc is None or not (doc.text or "").strip():
        raise InputError("no main text found in the HTML page")
    meta = _clean_meta({"url": doc.url, "title": doc.title, "date": doc.date})
    meta["encoding"] = encoding
    return doc.text, meta


def _clean_meta(rec: dict) -> dict:
    """url, title, date: strings or None; titles normalised like the text (NFC), since they are compared."""
    meta = {k: (rec.get(k).strip() if isinstance(rec.get(k), str) and rec.get(k).strip() else None) for k in _META}
    if meta["title"]:
        meta["title"] = normalize_text(meta["title"]).strip() or None
    return meta


_TRAFILATURA_CONFIG: dict[int, object] = {}


def _quiet_trafilatura() -> None:
    """trafilatura logs a warning for pages it gives up on; our error line already says so."""
    for name in ("trafilatura", "htmldate"):
        log = logging.getLogger(name)
        if log.level == logging.NOTSET:
            log.setLevel(logging.ERROR)


def _trafilatura_config(max_bytes: int):
    """trafilatura's config with its own size cap raised to ours (else it drops big pages silently)."""
    if max_bytes not in _TRAFILATURA_CONFIG:
        from trafilatura.settings import use_config

        cfg = use_config()
        cfg.set("DEFAULT", "MAX_FILE_SIZE", str(max(max_bytes, 1)))
        _TRAFILATURA_CONFIG[max_bytes] = cfg
    return _TRAFILATURA_CONFIG[max_bytes]


# --------------------------------------------------------------------------- JSON Lines


def _read_jsonl_file(entry: _Entry, file_id: str, max_bytes: int) -> Iterator[Document | DocumentError]:
    path = entry.path
    gzipped = path.name.lower().endswith(".gz")
    try:
        fh = gzip.open(path, "rb") if gzipped else open(path, "rb")
    except OSError as exc:
        yield DocumentError(file_id, entry.source, _path_reason(path, exc))
        return
    with fh:
        yield from _read_jsonl(fh, entry.source, file_id, max_bytes, gzipped=gzipped)


def _read_jsonl(fh: IO[bytes], source: str, file_id: str, max_bytes: int, *,
                gzipped: bool = False, first: list[bytes] = ()) -> Iterator[Document | DocumentError]:
    """One item per non-blank line of a JSON Lines stream; read errors end the file with one error."""
    lineno = 0
    n_records = 0
    lines = _lines(fh, max_bytes, first)
    while True:
        try:
            line = next(lines)
        except StopIteration:
            break
        except (EOFError, OSError, zlib.error) as exc:
            where = f"{source}:{lineno + 1}"
            yield DocumentError(f"{file_id}:{lineno + 1}", where, _stream_reason(exc, gzipped, n_records))
            return
        lineno += 1
        if line is None:
            yield DocumentError(f"{file_id}:{lineno}", f"{source}:{lineno}",
                                f"record too large: line longer than --max-bytes {max_bytes:,} bytes")
            n_records += 1
            continue
        if lineno == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8):]
        if not line.strip():
            continue
        if n_records == 0:
            if line.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                yield DocumentError(file_id, source, "JSON Lines must be UTF-8, this file is UTF-16 "
                                                     "(convert it: iconv -f UTF-16 -t UTF-8)")
                return
            if b"\x00" in line:
                yield DocumentError(file_id, source, "binary content, not JSON Lines")
                return
            if line.lstrip().startswith(b"[") and _loads_or_none(line) is None:
                yield DocumentError(file_id, source, "a JSON array spread over lines, not JSON Lines "
                                                     "(one object per line)")
                return
        n_records += 1
        yield _record(line, f"{source}:{lineno}", f"{file_id}:{lineno}")
    if n_records == 0:
        yield DocumentError(file_id, source, "empty file: no JSON Lines records" if lineno else "empty file (0 bytes)")


def _loads_or_none(line: bytes):
    try:
        return json.loads(line)
    except ValueError:
        return None


def _stream_reason(exc: BaseException, gzipped: bool, n_records: int) -> str:
    after = f" after {n_records} record{'s' if n_records != 1 else ''}"
    if isinstance(exc, EOFError):
        return f"truncated gzip file: compressed data ends early{after}; the rest is lost"
    if isinstance(exc, gzip.BadGzipFile):
        return f"not a gzip file ({exc})"
    if isinstance(exc, zlib.error):
        return f"corrupt gzip data{after}: {exc}"
    return f"read error{after}: {getattr(exc, 'strerror', None) or exc}"


def _lines(fh: IO[bytes], max_bytes: int, first: Iterable[bytes] = ()) -> Iterator[bytes | None]:
    """Lines of a binary stream (after ``first``, already read), ``None`` for one over ``max_bytes``.

    A long line is skipped in bounded chunks, never held in memory.
    """
    yield from first
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # skip the rest of the long line in bounded chunks
                rest = fh.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
        else:
            yield line


def _record(line: bytes, source: str, fallback_id: str) -> Document | DocumentError:
    """One JSONL line -> Document, or DocumentError saying what is wrong with it."""
    try:
        raw = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return DocumentError(fallback_id, source, f"invalid UTF-8 at byte {exc.start} (JSON Lines must be UTF-8)")
    try:
        rec = json.loads(raw)
    except json.JSONDecodeError as exc:
        return DocumentError(fallback_id, source, f"invalid JSON: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return DocumentError(fallback_id, source, "invalid JSON: nested too deeply")
    if not isinstance(rec, dict):
        return DocumentError(fallback_id, source, f"record is a JSON {type(rec).__name__}, not an object")
    raw_id = rec.get("id", rec.get("doc_id"))
    if raw_id is None or raw_id == "":
        doc_id = fallback_id
    elif isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool):
        doc_id = str(raw_id)
    else:
        return DocumentError(fallback_id, source, f"invalid id {json.dumps(raw_id)[:60]}: must be a string or integer")
    text = rec.get("text")
    if text is None:
        return DocumentError(doc_id, source, "record has no text" + ("" if "text" in rec else " field"))
    if not isinstance(text, str):
        return DocumentError(doc_id, source, f"record text is a JSON {type(text).__name__}, not a string")
    try:
        text = _checked_text(text, "text")
    except InputError as exc:
        return DocumentError(doc_id, source, str(exc))
    meta = _clean_meta(rec)
    meta["encoding"] = "utf-8"
    return Document(doc_id, text, source, meta)


def _read_stdin(fh: IO[bytes], max_bytes: int) -> Iterator[Document | DocumentError]:
    """JSON Lines if the first non-blank line starts with ``{``, else one plain-text document."""
    head: list[bytes] = []
    for line in _lines(fh, max_bytes):
        if line is None:
            yield DocumentError("stdin", "<stdin>", f"standard input too large: a line is longer than "
                                                    f"--max-bytes {max_bytes:,} bytes")
            return
        head.append(line)
        if line.lstrip(codecs.BOM_UTF8).strip():
            break
    if head and head[-1].lstrip(codecs.BOM_UTF8).lstrip().startswith(b"{"):
        yield from _read_jsonl(fh, "<stdin>", "stdin", max_bytes, first=head)
        return
    data = b"".join(head)
    data += fh.read(max_bytes + 1 - len(data))
    try:
        if len(data) > max_bytes:
            raise InputError(f"standard input too large: more than --max-bytes {max_bytes:,} bytes")
        if not data:
            raise InputError("empty standard input")
        text, encoding = decode_bytes(data)
        yield Document("stdin", _checked_text(text, "standard input"), "<stdin>",
                       {"url": None, "title": None, "date": None, "encoding": encoding})
    except InputError as exc:
        yield DocumentError("stdin", "<stdin>", str(exc))
