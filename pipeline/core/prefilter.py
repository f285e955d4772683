"""Prefilter: a cheap test of whether a sentence *might* hold a fact.

Why: word segmentation, POS tagging and the classifier cost ~2 ms per sentence,
while one compiled regex costs microseconds, and in ordinary news fewer than one
sentence in ten can hold a governance-index fact. So extraction should send only
the sentences that pass :func:`might_hold_fact` through the expensive steps, and
skip a whole document when :func:`might_hold_facts` is false.

The filter is deliberately generous: it must never drop a sentence that holds a
fact (``tests/core/test_prefilter.py`` checks every gold evidence string).
A false positive only costs time; a false negative loses a fact.

How extraction uses it (the switch is built in, so callers need no ``if``)::

    from pipeline.core.prefilter import might_hold_fact, might_hold_facts

    if not might_hold_facts(doc.text):
        return []
    for sent in split_sentences(doc.text):
        if not might_hold_fact(sent.text):
            update_context(sent)   # only the cheap carry-over: subject province, index, year
            continue
        ...                        # spaCy matcher, word segmentation, POS, classifier

Context that carries from one sentence to the next (the running subject province, the
index, the year) must still be read from the skipped sentences, with the cheap extractors,
or a fact that relies on it would change.

The switch: ``--no-prefilter`` on the command line, or the environment variable
``PIPELINE_NO_PREFILTER=1``, or :func:`set_enabled` makes both functions return
``True`` for every input, so the prefilter's effect on the facts can be tested
(``make eval`` and the equivalence test must give the same figures either way).

>>> might_hold_fact("Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS.")
True
>>> might_hold_fact("Trận đấu diễn ra vào chiều qua trên sân Mỹ Đình.")
False
"""
from __future__ import annotations

import bisect
import os
import re

from extractors import lexicon
from extractors.trie import trie_pattern as _trie

#: The environment variable that turns the prefilter off (any of 1/true/yes/on).
ENV_DISABLE = "PIPELINE_NO_PREFILTER"

#: Words that make an adjacent number a rank, score, share or target (lexicon list ``hint_unit``).
UNITS = lexicon.phrases("hint_unit")
#: The same without "%": unit words, before a number or an ordinal ("vị trí thứ hai", "hạng nhất").
UNIT_WORDS = lexicon.phrases("hint_unit_word")
#: Ordinal words after a unit word: "vị trí thứ hai", "hạng nhất", "thứ năm là Quảng Ninh".
ORDINALS = lexicon.phrases("hint_ordinal")
#: Index acronyms (whole words at their end: "PCI", not "PCIe").
ACRONYMS = lexicon.phrases("hint_acronym")
#: Index names, rank words and list cues: any of them alone makes a sentence a candidate.
KEYWORDS = lexicon.phrases("hint_keyword")

_UNIT = _trie(UNITS)
#: The single compiled pattern, matched against the *lower-cased* text: a digit next to a
#: unit ("tăng 7 bậc", "65,5 điểm", "45%", "top 10", "thứ 13/63"), a move "từ 45 xuống 50",
#: a keyword, an index acronym, or a unit word before a number or an ordinal. Every branch
#: starts with a plain character, so ``re`` can skip ahead to the possible first characters;
#: lower-casing first and no IGNORECASE is ~3x faster than case-folding in the engine.
FACT_HINT = re.compile(
    rf"""
    \d\s*(?:{_UNIT}|(?:xuống|lên)\s*(?:{_UNIT}\s*)?\d)
  | {_trie(KEYWORDS)}
  | {_trie(ACRONYMS)}\b
  | {_trie(UNIT_WORDS)}\s*(?:\d|{_trie(ORDINALS)}\b)
    """,
    re.VERBOSE,
)


def env_enabled() -> bool:
    """The default: on unless ``PIPELINE_NO_PREFILTER`` is set to 1/true/yes/on."""
    return os.environ.get(ENV_DISABLE, "").strip().lower() not in {"1", "true", "yes", "on"}


_enabled: bool = env_enabled()


def enabled() -> bool:
    """Whether the prefilter is on in this process (engines forward it to their workers)."""
    return _enabled


def set_enabled(on: bool) -> None:
    """Turn the prefilter on or off in this process (``--no-prefilter`` calls this)."""
    global _enabled
    _enabled = bool(on)


def matches(text: str) -> bool:
    """The raw regex test, ignoring the switch (for tests and benchmarks)."""
    return FACT_HINT.search(text.lower()) is not None


def might_hold_fact(sentence: str) -> bool:
    """False only if ``sentence`` cannot hold a fact; always True when the prefilter is off."""
    return not _enabled or FACT_HINT.search(sentence.lower()) is not None


def might_hold_facts(text: str) -> bool:
    """Document level: False only if no sentence of ``text`` can hold a fact.

    The same pattern over the whole text, so it is true whenever any sentence passes
    :func:`might_hold_fact`; a document for which it is False can skip sentence splitting.
    """
    return not _enabled or FACT_HINT.search(text.lower()) is not None


class Hints:
    """The prefilter's verdicts for one document, from a single scan of its text.

    Why: testing every sentence again after the document test scans the passing documents
    twice. A sentence that contains a match of the document scan passes without a second
    look; one that no match touches fails; only a sentence that a match merely crosses into
    (rare) is tested on its own, so the verdicts are those of :func:`might_hold_fact`.

    >>> h = Hints("Trận đấu diễn ra chiều qua. Thái Bình xếp thứ 13/63 về chỉ số SIPAS.")
    >>> h.any(), h.sentence(0, 27, "Trận đấu diễn ra chiều qua."), h.end
    (True, False, 67)
    """

    __slots__ = ("spans", "end", "_all")

    def __init__(self, text: str) -> None:
        self._all = not _enabled
        lower = text.lower()
        if self._all or len(lower) != len(text):  # no scan, or offsets would drift: test each sentence
            self.spans: list[tuple[int, int]] = []
            self.end = len(text)
            if not self._all and FACT_HINT.search(lower) is None:
                self.end = 0
            return
        self.spans = [m.span() for m in FACT_HINT.finditer(lower)]
        self.end = max((e for _, e in self.spans), default=0)  # no sentence after this can pass

    def any(self) -> bool:
        """:func:`might_hold_facts` of the text."""
        return self._all or self.end > 0

    def sentence(self, start: int, end: int, text: str) -> bool:
        """:func:`might_hold_fact` of the sentence ``text`` at ``start:end`` of the document."""
        if self._all:
            return True
        if not self.spans:
            return self.end > 0 and might_hold_fact(text)
        i = bisect.bisect_right(self.spans, (start, -1))  # first match starting at or after start
        if i < len(self.spans) and self.spans[i][1] <= end:
            return True                                      # a match inside the sentence
        crossing = (i > 0 and self.spans[i - 1][1] > start) or (i < len(self.spans) and self.spans[i][0] < end)
        return crossing and might_hold_fact(text)
