"""Mentions stage: run every extractor family over one sentence.

Index matching (spaCy) only runs on sentences that contain an index keyword
at all; the cheap check cannot change what the matcher finds, it only skips
sentences where it could find nothing.
"""
from __future__ import annotations

import regex

from extractors import lexicon
from extractors.changes import find_changes
from extractors.indices import find_indices
from extractors.percentages import find_percentages
from extractors.provinces import find_provinces
from extractors.ranks import find_ranks
from extractors.scores import find_scores
from extractors.subjects import find_subjects
from extractors.targets import find_targets
from extractors.years import find_years

from pipeline.records import Mention
from pipeline.core.segment import Sentence

_HAS_DIGIT = regex.compile(r"\d")
_VALUE_WORD = lexicon.compiled("value_word")
_BOILERPLATE = regex.compile(r"^\s*(?:[\d.,]+\s+lượt\s+xem|lượt\s+xem\s*:|số\s+lượt\s+xem|đang\s+online|hôm\s+nay\s*:|đã\s+truy\s+cập|bình\s+luận|chia\s+sẻ|tags?\s*:)", regex.I)


def sentence_mentions(sent: Sentence, *, values: bool = True, doc_shadow: str | None = None) -> list[Mention]:
    """All mentions of ``sent`` in absolute offsets, sorted by start.

    ``values=False`` keeps only the context mentions (provinces, subject cues,
    indices, years): what a sentence that cannot hold a fact still tells the next.
    ``doc_shadow``: the document's :func:`extractors.provinces.document_shadow`, if known.
    """
    text, off = sent.text, sent.start
    if _BOILERPLATE.match(text):
        return []
    out: list[Mention] = []
    out += find_provinces(text, off, shadow=doc_shadow[sent.start:sent.end] if doc_shadow is not None else None)
    out += find_indices(text, off)
    out += find_years(text, off)
    if values and (_HAS_DIGIT.search(text) or _VALUE_WORD.search(text)):
        out += find_subjects(text, off)  # subject cues only serve this sentence's values
        out += find_ranks(text, off)
        out += find_changes(text, off)
        out += find_scores(text, off)
        out += find_percentages(text, off)
        out += find_targets(text, off)
    out.sort(key=lambda m: (m.start, -m.end))
    return out
