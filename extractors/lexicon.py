r"""The lexicon: every cue word of Vietnamese reporting, written once, as data.

Why: the same cues ("phấn đấu", "lần lượt", "cả nước", the verbs of a move up
or down) were spelled out again in the prefilter, the extractors, the linker and
the classifier's features, and kept in sync by hand. They now live in
``data/lexicon.json`` (one entry per cue, with an id, the lists it belongs to and
an example), loaded and validated once here, and every stage builds its patterns
from it: a new cue word is a one-line data change.

An entry is ``words`` (literal words; a space matches any run of spaces) or a
``regex`` fragment (for cues with inner structure). Validation on load: ids are
unique, every list an entry names is declared, every pattern compiles, and every
entry matches its own example.

>>> pattern("respectively")
'(?:lần\\s+lượt|tương\\s+ứng)'
>>> bool(compiled("goal_cue").search("Tỉnh phấn đấu đến năm 2025 đạt 90%"))
True
>>> list(groups("modality_feature"))[:3]
['phan_dau', 'muc_tieu', 'ke_hoach']
>>> sorted(phrases("hint_ordinal"))[:3]
['ba', 'bảy', 'bốn']
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import regex

__all__ = ["Entry", "LexiconError", "entries", "pattern", "compiled", "groups", "phrases"]


class LexiconError(ValueError):
    """``data/lexicon.json`` is malformed: the message names the entry and the reason."""


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    lists: tuple[str, ...]
    source: str          # the regex fragment this entry contributes
    words: str | None    # the literal words, when the entry is a plain phrase
    feature: str
    example: str


def _words_regex(words: str) -> str:
    return r"\s+".join(regex.escape(w) for w in words.split())


@lru_cache(maxsize=1)
def _load() -> tuple[Entry, ...]:
    raw = json.loads(resources.files("extractors").joinpath("data/lexicon.json").read_text("utf-8"))
    declared = set(raw.get("lists", {}))
    seen: set[str] = set()
    out: list[Entry] = []
    for i, e in enumerate(raw.get("entries", [])):
        eid = e.get("id")
        where = f"lexicon entry {i} ({eid!r})"
        if not eid or eid in seen:
            raise LexiconError(f"{where}: missing or duplicate id")
        seen.add(eid)
        lists = tuple(e.get("lists") or ())
        if not lists or set(lists) - declared:
            raise LexiconError(f"{where}: lists {sorted(set(lists) - declared) or lists} are not declared")
        if ("words" in e) == ("regex" in e):
            raise LexiconError(f"{where}: give exactly one of 'words' and 'regex'")
        source = _words_regex(e["words"]) if "words" in e else e["regex"]
        try:
            rx = regex.compile(source, regex.I)
        except regex.error as exc:
            raise LexiconError(f"{where}: pattern does not compile: {exc}") from None
        example = e.get("example")
        if not example or not rx.search(example):
            raise LexiconError(f"{where}: does not match its example {example!r}")
        out.append(Entry(eid, lists, source, e.get("words"), e.get("feature", eid), example))
    return tuple(out)


def entries(name: str) -> tuple[Entry, ...]:
    """The entries of list ``name``, in file order."""
    found = tuple(e for e in _load() if name in e.lists)
    if not found:
        raise LexiconError(f"lexicon list {name!r} has no entries")
    return found


def pattern(name: str) -> str:
    """One non-capturing alternation of the list's entries, in file order."""
    return "(?:" + "|".join(e.source for e in entries(name)) + ")"


@lru_cache(maxsize=None)
def compiled(name: str, flags: int = regex.I) -> regex.Pattern:
    """:func:`pattern` compiled (case-insensitive unless ``flags`` says otherwise)."""
    return regex.compile(pattern(name), flags)


def groups(name: str) -> dict[str, str]:
    """Feature name -> alternation of the list's entries with that feature, in order of first appearance."""
    out: dict[str, list[str]] = {}
    for e in entries(name):
        out.setdefault(e.feature, []).append(e.source)
    return {k: "|".join(v) for k, v in out.items()}


def phrases(name: str) -> tuple[str, ...]:
    """The literal words of the list's entries (entries given as ``words`` only), for prefix-tree scans."""
    return tuple(e.words for e in entries(name) if e.words is not None)
