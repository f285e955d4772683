"""Segment: split a document into sentences with exact offsets (underthesea).

Word segmentation happens later and only where it helps: the classifier's
features POS-tag (and so word-segment) the few sentences that can hold a fact.

Lines are split first: a line break ends a sentence unless the next line
starts in lower case or with a digit (hard-wrapped paragraphs in scraped
pages). Each block is then split by underthesea's sentence tokenizer and the
pieces are located back in the text, so offsets are exact.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import regex
from underthesea import sent_tokenize

# A line break that ends a block: the next line starts with neither a lower-case letter nor a digit.
_BLOCK_BREAK = regex.compile(r"\n\s*(?=[^\p{Ll}\d\s])|\n\s*\n")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(text: str, until: int | None = None) -> list[Sentence]:
    """Sentences of ``text`` with offsets such that ``text[s.start:s.end] == s.text``.

    ``until``: stop after the block (paragraph) that holds offset ``until - 1``; the
    sentences before are the same as without it (extraction needs nothing after the
    last place a fact can be).

    >>> [s.text for s in split_sentences("Năm 2022 tăng 7 bậc. Chỉ số PCI\\nxếp thứ 28/63.\\nTiêu đề")]
    ['Năm 2022 tăng 7 bậc.', 'Chỉ số PCI\\nxếp thứ 28/63.', 'Tiêu đề']
    """
    out: list[Sentence] = []
    pos = 0
    limit = len(text) if until is None else until
    for m in chain(_BLOCK_BREAK.finditer(text), [None]):
        if pos >= limit:
            break
        end = m.start() if m else len(text)
        _split_block(text, pos, end, out)
        pos = m.end() if m else len(text)
    return out


def _split_block(text: str, start: int, end: int, out: list[Sentence]) -> None:
    block = text[start:end]
    if not block.strip():
        return
    cursor = 0
    for piece in sent_tokenize(block):
        piece = piece.strip()
        if not piece:
            continue
        idx = block.find(piece, cursor)
        if idx < 0:  # tokenizer changed the text: fall back to the rest of the block
            rest = block[cursor:].strip()
            if rest:
                idx = block.find(rest, cursor)
                out.append(Sentence(start + idx, start + idx + len(rest), rest))
            return
        out.append(Sentence(start + idx, start + idx + len(piece), piece))
        cursor = idx + len(piece)
    rest = block[cursor:].strip()
    if rest:
        idx = block.find(rest, cursor)
        out.append(Sentence(start + idx, start + idx + len(rest), rest))
