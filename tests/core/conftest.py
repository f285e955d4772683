"""Helpers for the core tests: link real sentences the way extraction does."""
from __future__ import annotations

import pytest

from pipeline.core.linking import DocContext, link_sentence
from pipeline.core.mentions import sentence_mentions
from pipeline.core.segment import split_sentences


def link_text(text: str, main: dict | None = None, post_merger: bool = False):
    """(list of Links, one per sentence, and the document context after the last sentence)."""
    ctx = DocContext(main_province=main, era_total=34 if post_merger else 63, post_merger=post_merger)
    return [link_sentence(s, sentence_mentions(s), ctx) for s in split_sentences(text)], ctx


@pytest.fixture
def link():
    return link_text
