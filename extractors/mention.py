"""The one type every extractor returns: a typed span of a sentence.

It lives here, at the bottom of the dependency graph, so that the extractors
import nothing from :mod:`pipeline`: the pipeline's stages and records build
on it, never the reverse.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Mention:
    """A typed span found by an extractor.

    ``kind`` names the extractor family (``province``, ``index``, ``year``,
    ``rank``, ``rank_change``, ``score``, ``score_change``, ``percentage``,
    ``rank_target``, ``subject``); ``attrs`` holds the parsed values. Offsets
    are absolute in the document's normalised text.
    """

    kind: str
    start: int
    end: int
    text: str
    attrs: dict[str, Any] = field(default_factory=dict)
    rule: str = ""

    def shifted(self, offset: int) -> "Mention":
        return Mention(self.kind, self.start + offset, self.end + offset, self.text, self.attrs, self.rule)
