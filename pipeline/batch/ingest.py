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
error ``duplicate id X (first seen at SOURCE)``; the ids seen are kept as 64-bit
hashes (:mod:`pipeline.batch.seen_ids`), so memory stays a few bytes per document.

Hostile input costs what it is worth, never more (docs/INPUTS.md, "Hostile input"):
blank JSONL lines are skipped in bulk; one input may give at most ``max_input_bytes``
bytes (after decompression: a gzip bomb stops there with an error line); after
:data:`MAX_SAME_ERRORS` errors with the same reason in one input, the others are
counted into one summary error line; a record id longer than :data:`MAX_ID_CHARS`
characters is an error (it would be repeated on every fact line); ids and file
names that are not Unicode text (lone surrogates, undecodable bytes) are written
in an escaped form (``\\xfe``, ``\\ud800``) so that they stay distinct.
"""
from __future__ import annotations

import codecs
import gzip
import io
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

from pipeline.batch.seen_ids import SeenIds
from pipeline.core.normalize import normalize_text
from pipeline.records import Document, DocumentError

#: Largest single document (a text/HTML file, a JSONL line, plain-text stdin), in bytes.
DEFAULT_MAX_BYTES = 20_000_000
#: Most bytes one input (a JSON Lines file or stream, after decompression) may give: far above
#: any real dump we expect, and where a gzip bomb stops (``--max-input-bytes``).
DEFAULT_MAX_INPUT_BYTES = 10_000_000_000
#: Longest record id, in characters: an id is repeated on every fact line of its document.
MAX_ID_CHARS = 200
#: Errors with the same reason one input may write before the rest are summarised in one line.
MAX_SAME_ERRORS = 100

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
_BLANK = b" \t\r\n\x0b\x0c"
_HIGH_BYTES = bytes(range(0x80, 0x100))
_META_CHARSET = regex.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", regex.I)


class InputError(Exception):
    """Why one input could not become a Document (the message is the error line's reason)."""


class InputTooLarge(Exception):
    """An input gave more than ``--max-input-bytes`` bytes (after decompression)."""


@dataclass(frozen=True, slots=True)
class SummarisedErrors(DocumentError):
    """One error line standing for ``n_documents`` input documents that failed for the same reason.

    Written at the end of an input after its first :data:`MAX_SAME_ERRORS` errors of that
    reason, so 3 million ``{}`` lines give 101 error lines, and still count as 3 million
    failed documents (``n_documents`` in documents.jsonl).
    """

    n_documents: int = 1


def iter_inputs(paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES,
                stdin: IO[bytes] | None = None,
                exclude: Iterable[str | Path] = (),
                max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> Iterator[Document | DocumentError]:
    """Yield one Document or DocumentError per input document, in input order.

    Input order: the paths in the order given; inside a folder, files sorted by
    their relative path. Lazy: JSONL files are streamed and a document's text
    is read only when it is its turn. ``stdin`` (a binary stream) replaces
    ``sys.stdin.buffer`` for ``-``. Folders in ``exclude`` (the run's output
    folder) are not walked into, so a re-run never reads its own outputs.
    A :class:`SummarisedErrors` item stands for several failed documents.
    """
    entries = _plan(paths, _folder_keys(exclude))
    ids = _assign_ids(entries)
    seen = SeenIds()  # doc_id hash -> where the document that took it was (entry index, line)
    gold_meta: dict[Path, dict[str, dict]] = {}
    for index, (entry, file_id) in enumerate(zip(entries, ids)):
        if entry.error is not None:
            yield entry.error
            continue
        same = _SameErrors(file_id, entry.source)
        for item in _read_entry(entry, file_id, max_bytes, stdin, max_input_bytes):
            if entry.meta_file is not None and isinstance(item, Document):
                if entry.meta_file not in gold_meta:
                    gold_meta[entry.meta_file] = _read_gold_meta(entry.meta_file)
                extra = gold_meta[entry.meta_file].get(_stem(entry.path.name), {})
                item = Document(item.doc_id, item.text, item.source, {**item.meta, **extra})
            if isinstance(item, Document):
                first = seen.first_or_add(item.doc_id, _place(index, entry, item.source))
                if first is not None:
                    item = DocumentError(item.doc_id, item.source,
                                         f"duplicate id {item.doc_id} (first seen at {_place_source(entries, first)})")
            if isinstance(item, DocumentError) and same.hide(item):
                continue
            yield item
        yield from same.summaries()


_LINE_BITS = 38  # a place is (entry index << 38) | JSONL line: 275 billion lines, 33 million input files
_UNKNOWN_ENTRY = (1 << (63 - _LINE_BITS)) - 1


def _place(index: int, entry: "_Entry", source: str) -> int:
    """Entry index and JSONL line number of a source, packed in one integer (for SeenIds)."""
    lineno = 0
    if source != entry.source:
        tail = source.rpartition(":")[2]
        lineno = int(tail) if tail.isdigit() and int(tail) < (1 << _LINE_BITS) else 0
    return (min(index, _UNKNOWN_ENTRY) << _LINE_BITS) | lineno


def _place_source(entries: list["_Entry"], place: int) -> str:
    index, lineno = place >> _LINE_BITS, place & ((1 << _LINE_BITS) - 1)
    if index >= _UNKNOWN_ENTRY:
        return "an earlier input"
    entry = entries[index]
    return f"{entry.source}:{lineno}" if lineno else entry.source


class _SameErrors:
    """Per input: the first MAX_SAME_ERRORS errors of each reason are written, the others counted."""

    _MAX_REASONS = 10_000  # distinct reasons tracked per input (memory stays bounded)

    def __init__(self, file_id: str, source: str) -> None:
        self.file_id, self.source = file_id, source
        self.counts: dict[str, int] = {}
        self.hidden: dict[str, list] = {}  # reason -> [count, source of the first hidden one]

    def hide(self, error: DocumentError) -> bool:
        n = self.counts.get(error.reason)
        if n is None:
            if len(self.counts) < self._MAX_REASONS:
                self.counts[error.reason] = 1
            return False
        self.counts[error.reason] = n + 1
        if n < MAX_SAME_ERRORS:
            return False
        hidden = self.hidden.setdefault(error.reason, [0, error.source])
        hidden[0] += 1
        return True

    def summaries(self) -> Iterator[SummarisedErrors]:
        for reason, (n, first) in self.hidden.items():
            yield SummarisedErrors(self.file_id, self.source,
                                   f"{n:,} more lines of this input failed: {reason} "
                                   f"(from {first} on; only the first {MAX_SAME_ERRORS} are listed)", n)


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
    """The path as printable text; an undecodable file-name byte becomes ``\\xNN``.

    Replacing such bytes with U+FFFD made ``\\xfe.txt`` and ``\\xff.txt`` the same
    ``\ufffd.txt``, and the second file a "duplicate"; the escaped form keeps them
    apart and is the same on every run. ``pipeline.tools.audit`` reverses it to find the file.
    """
    return escape_surrogates(os.fsencode(path).decode("utf-8", "surrogateescape"))


def escape_surrogates(text: str) -> str:
    """Lone surrogates as visible escapes: ``\\xNN`` for an undecodable byte, else ``\\udNNN``.

    >>> escape_surrogates("a\\udcfe.txt"), escape_surrogates("Ti\\ud800tle")
    ('a\\\\xfe.txt', 'Ti\\\\ud800tle')
    """
    if not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: (f"\\x{ord(m.group()) - 0xDC00:02x}" if 0xDC80 <= ord(m.group()) <= 0xDCFF
                                     else f"\\u{ord(m.group()):04x}"), text)


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


def _read_entry(entry: _Entry, file_id: str, max_bytes: int, stdin: IO[bytes] | None,
                max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> Iterator[Document | DocumentError]:
    if entry.kind == "stdin":
        yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer, max_bytes, max_input_bytes)
    elif entry.kind == "jsonl":
        yield from _read_jsonl_file(entry, file_id, max_bytes, max_input_bytes)
    else:
        try:
            data = _read_bytes(entry.path, max_bytes)
            if entry.kind == "html":
                text, meta = _html_document(data, max_bytes)
            else:
                text, encoding, replaced = _decode(data)
                meta = _with_replaced({"url": None, "title": None, "date": None, "encoding": encoding}, replaced)
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
    """Decode a document's bytes: BOM, else UTF-8, else charset-normalizer's best guess.

    Returns ``(text, encoding)``; raises :class:`InputError` for binary data. See
    :func:`_decode`, which also says how many bytes were replaced.
    """
    text, encoding, _ = _decode(data)
    return text, encoding


def _utf8_replaced(data: bytes) -> tuple[str, int, int]:
    """``data`` as UTF-8 with each invalid stretch replaced by U+FFFD; bytes replaced; valid non-ASCII characters.

    Strict UTF-8 never yields surrogates, so under ``surrogateescape`` each one
    stands for exactly one invalid byte.
    """
    escaped = data.decode("utf-8", "surrogateescape")
    replaced = len(_SURROGATE.findall(escaped))
    multibyte = len(escaped) - len(data.translate(None, _HIGH_BYTES)) - replaced
    return data.decode("utf-8", "replace"), replaced, multibyte


def _mostly_utf8(replaced: int, multibyte: int, size: int) -> bool:
    """A few stray bytes in UTF-8 text, not text in another encoding.

    Text in a legacy code page (Windows-1258) or binary data has invalid UTF-8
    bytes everywhere and almost no valid multi-byte sequence; a real article with
    one stray 0xA0, or cut inside a character, has hundreds of valid Vietnamese
    letters per invalid byte.
    """
    return replaced * 4 <= multibyte or replaced * 1000 <= size


def _decode(data: bytes) -> tuple[str, str, int]:
    """Decode a document's bytes: ``(text, encoding, bytes replaced)``.

    Order: a BOM; strict UTF-8; UTF-8 with a few stray bytes replaced by U+FFFD
    (a lone 0xA0, an article cut inside a character: decode what decodes and
    keep the facts, instead of losing the article); charset-normalizer's best
    guess; UTF-8 with replacements if they are rare (at most 1 byte in 1000).
    Raises :class:`InputError` for binary data. Windows-1258 writes tone marks as
    combining characters, so its text only equals the UTF-8 original after NFC,
    which ``normalize_text`` applies.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "") + " (BOM)", 0
            except UnicodeDecodeError as exc:
                raise InputError(f"invalid {encoding} text at byte {exc.start} despite its BOM") from None
    replaced = 0
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text = encoding = None
    if text is None and b"\x00" not in data:
        lenient, n_bad, n_multi = _utf8_replaced(data)
        if n_bad * 4 <= n_multi:
            text, encoding, replaced = lenient, "utf-8", n_bad
    if text is None or b"\x00" in data:  # NULs: UTF-16/32 without BOM, or binary
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None and (text is None or best.encoding.startswith(("utf_16", "utf_32"))):
            text, encoding, replaced = str(best), best.encoding, 0
        elif text is None and b"\x00" not in data and n_bad * 1000 <= len(data):
            text, encoding, replaced = lenient, "utf-8", n_bad
        elif text is None:
            raise InputError("binary or undecodable content (no text encoding fits)")
    n_control = len(_CONTROL.findall(text[:100_000]))
    if n_control > max(2, len(text[:100_000]) // 100):
        raise InputError(f"binary content ({n_control} control characters), not text")
    return text, encoding, replaced


def _with_replaced(meta: dict, replaced: int) -> dict:
    """``replaced_bytes`` in the metadata only when some bytes were replaced (other records keep their bytes)."""
    if replaced:
        meta["replaced_bytes"] = replaced
    return meta


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
    replaced = 0
    if text is None:
        text, encoding, replaced = _decode(data)
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
    return doc.text, _with_replaced(meta, replaced)


def _clean_meta(rec: dict) -> dict:
    """url, title, date: strings or None; titles normalised like the text (NFC), since they are compared.

    A lone surrogate (``"Ti\\ud800tle"``, valid JSON but not Unicode text) becomes
    U+FFFD: left in, it failed the whole document when written as UTF-8.
    """
    meta = {k: (rec.get(k).strip() if isinstance(rec.get(k), str) and rec.get(k).strip() else None) for k in _META}
    for k, v in meta.items():
        if v is not None and _SURROGATE.search(v):
            meta[k] = _SURROGATE.sub("\ufffd", v)
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


def _read_jsonl_file(entry: _Entry, file_id: str, max_bytes: int,
                     max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> Iterator[Document | DocumentError]:
    path = entry.path
    gzipped = path.name.lower().endswith(".gz")
    try:
        fh = gzip.open(path, "rb") if gzipped else open(path, "rb")
    except OSError as exc:
        yield DocumentError(file_id, entry.source, _path_reason(path, exc))
        return
    with fh:
        yield from _read_jsonl(_LineReader(fh, max_bytes, max_input_bytes), entry.source, file_id, max_bytes,
                               gzipped=gzipped)


def _read_jsonl(reader: "_LineReader", source: str, file_id: str, max_bytes: int, *,
                gzipped: bool = False, first: Iterable[tuple[int, bytes | None]] = ()
                ) -> Iterator[Document | DocumentError]:
    """One item per non-blank line of a JSON Lines stream; read errors end the file with one error."""
    n_records = 0
    lines = iter(reader)
    pending = list(first)
    while True:
        try:
            lineno, line = pending.pop(0) if pending else next(lines)
        except StopIteration:
            break
        except InputTooLarge:
            where = reader.lineno + 1
            yield DocumentError(f"{file_id}:{where}", f"{source}:{where}",
                                f"input too large: more than --max-input-bytes {reader.max_input_bytes:,} bytes"
                                f"{' after decompression' if gzipped else ''}, after {n_records:,} records; "
                                "the rest is not read")
            return
        except (EOFError, OSError, zlib.error) as exc:
            where = reader.lineno + 1
            yield DocumentError(f"{file_id}:{where}", f"{source}:{where}", _stream_reason(exc, gzipped, n_records))
            return
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
        yield DocumentError(file_id, source,
                            "empty file: no JSON Lines records" if reader.lineno else "empty file (0 bytes)")


def _loads_or_none(line: bytes):
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
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


class _LineReader:
    """The non-blank lines of a binary stream as ``(line number, bytes)``; ``None`` for a line over ``max_bytes``.

    Runs of blank lines are skipped a buffer at a time (100 MB of newlines from a
    gzip bomb: a fraction of a second, where one ``readline`` per line took 89 s),
    but counted, so line numbers stay those of the file. A long line is skipped in
    bounded chunks, never held in memory; its first non-blank byte is kept in
    ``long_start`` (standard input is sniffed by it). More than ``max_input_bytes``
    bytes read raises :class:`InputTooLarge`. ``keep`` (standard input only, while
    sniffing) collects the bytes read, up to ``max_bytes + 1`` of them.
    """

    def __init__(self, fh: IO[bytes], max_bytes: int, max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> None:
        self.fh = fh if hasattr(fh, "peek") else io.BufferedReader(fh)
        self.max_bytes, self.max_input_bytes = max_bytes, max_input_bytes
        self.lineno = 0  # lines consumed so far, blank ones included
        self.consumed = 0  # bytes consumed so far
        self.long_start = b""
        self.keep: bytearray | None = None

    def _took(self, data: bytes) -> None:
        self.consumed += len(data)
        if self.keep is not None and len(self.keep) <= self.max_bytes:
            self.keep += data[: self.max_bytes + 1 - len(self.keep)]
        if self.consumed > self.max_input_bytes:
            raise InputTooLarge

    def __iter__(self) -> Iterator[tuple[int, bytes | None]]:
        fh = self.fh
        while True:
            head = fh.peek(1)
            # whole blank lines at the start of the buffer: up to the last newline before other text
            end = head.rfind(b"\n", 0, len(head) - len(head.lstrip(_BLANK))) + 1 if head[:1].isspace() else 0
            if end:
                self._took(fh.read(end))
                self.lineno += head.count(b"\n", 0, end)
                continue
            line = fh.readline(self.max_bytes + 1)
            if not line:
                return
            self._took(line)
            self.lineno += 1
            if len(line) > self.max_bytes and not line.endswith(b"\n"):
                stripped = line.lstrip(_BLANK)
                while True:  # skip the rest of the long line in bounded chunks
                    rest = fh.readline(1 << 20)
                    self._took(rest)
                    if not stripped:
                        stripped = rest.lstrip(_BLANK)
                    if not rest or rest.endswith(b"\n"):
                        break
                self.long_start = stripped[:1]
                yield self.lineno, None
            else:
                yield self.lineno, line


def _record(line: bytes, source: str, fallback_id: str) -> Document | DocumentError:
    """One JSONL line -> Document, or DocumentError saying what is wrong with it."""
    replaced = 0
    try:
        raw = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        lenient, replaced, multibyte = _utf8_replaced(line)
        if not _mostly_utf8(replaced, multibyte, len(line)):
            return DocumentError(fallback_id, source, f"invalid UTF-8 at byte {exc.start} (JSON Lines must be UTF-8)")
        raw = lenient  # a few stray bytes: replaced, counted in replaced_bytes
    try:
        rec = json.loads(raw)
    except json.JSONDecodeError as exc:
        return DocumentError(fallback_id, source, f"invalid JSON: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return DocumentError(fallback_id, source, "invalid JSON: nested too deeply")
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        return DocumentError(fallback_id, source, f"invalid JSON: {exc}")
    if not isinstance(rec, dict):
        return DocumentError(fallback_id, source, f"record is a JSON {type(rec).__name__}, not an object")
    raw_id = rec.get("id", rec.get("doc_id"))
    if raw_id is None or raw_id == "":
        doc_id = fallback_id
    elif isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool):
        if isinstance(raw_id, str) and len(raw_id) > MAX_ID_CHARS:
            return DocumentError(fallback_id, source, f"id too long: {len(raw_id):,} characters, more than "
                                                      f"{MAX_ID_CHARS} (it starts {json.dumps(raw_id[:40])})")
        doc_id = escape_surrogates(str(raw_id))  # a lone surrogate cannot be written as UTF-8
        if len(doc_id) > MAX_ID_CHARS:
            return DocumentError(fallback_id, source, f"id too long: more than {MAX_ID_CHARS} characters")
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
    return Document(doc_id, text, source, _with_replaced(meta, replaced))


def _read_stdin(fh: IO[bytes], max_bytes: int,
                max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> Iterator[Document | DocumentError]:
    """JSON Lines if the first non-blank character is ``{``, else one plain-text document.

    The first non-blank line decides, even when it is longer than ``max_bytes``
    (its first character is still seen): then it is one "record too large" error
    and the records after it are read, exactly as from a ``.jsonl`` file.
    """
    reader = _LineReader(fh, max_bytes, max_input_bytes)
    reader.keep = bytearray()  # a plain text keeps its leading blank lines: offsets count them
    first: tuple[int, bytes | None] | None = None
    lines = iter(reader)
    try:
        for lineno, line in lines:
            if line is None or line.lstrip(codecs.BOM_UTF8).strip():
                first = (lineno, line)
                break
    except InputTooLarge:
        pass  # only blank lines so far: empty, or too large as text (below)
    if first is not None:
        lineno, line = first
        start = reader.long_start if line is None else line.lstrip(codecs.BOM_UTF8).lstrip()[:1]
        if start == b"{":
            reader.keep = None
            yield from _read_jsonl(reader, "<stdin>", "stdin", max_bytes, first=[first])
            return
        if line is None:
            yield DocumentError("stdin", "<stdin>", f"standard input too large: a line is longer than "
                                                    f"--max-bytes {max_bytes:,} bytes")
            return
    data = bytes(reader.keep)
    reader.keep = None
    if len(data) <= max_bytes:
        data += reader.fh.read(max_bytes + 1 - len(data))
    try:
        if len(data) > max_bytes:
            raise InputError(f"standard input too large: more than --max-bytes {max_bytes:,} bytes")
        if not data:
            raise InputError("empty standard input")
        text, encoding, replaced = _decode(data)
        yield Document("stdin", _checked_text(text, "standard input"), "<stdin>",
                       _with_replaced({"url": None, "title": None, "date": None, "encoding": encoding}, replaced))
    except InputError as exc:
        yield DocumentError("stdin", "<stdin>", str(exc))
