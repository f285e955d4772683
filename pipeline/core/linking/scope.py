"""The scope a construction links within: one sentence, its mentions, and what came before.

A :class:`Scope` is the public, read-only view of a sentence that every
construction (:mod:`.constructions`), the alternatives and the classifier's
features read: the mentions by kind, the context :class:`~.context.Snapshot`,
clause and segment bounds, and the subjects that constructions bound to values
(``bindings``). Only the linker itself touches the live
:class:`~.context.DocContext` (``ctx``).
"""
from __future__ import annotations

import regex

from extractors.mention import Mention

from pipeline.core.linking.clauses import CLAUSE_BREAK, SEGMENT_BREAK, Breaks
from pipeline.core.linking.context import DocContext, province_fields
from pipeline.core.segment import Sentence

#: "PCI 2023", "(PCI) năm 2022", "PAPI năm 2021": what may stand between an index and its edition year.
_EDITION_GAP = regex.compile(r"[\s()–-]*(?:\([^()]{0,10}\)\s*)?(?:cấp\s+tỉnh\s*)?(?:năm\s*)?", regex.I)
#: "về PCI (2023: 9)": a year that dates another place, not the index's edition.
_YEAR_OF_A_PLACE = regex.compile(r"\s*(?::|là)\s*(?:thứ\s+)?\d")
#: A sentence about the units before the 1 July 2025 merger.
_BEFORE_MERGER = regex.compile(r"trước\s+(?:khi\s+)?(?:sắp\s+xếp|sáp\s+nhập|hợp\s+nhất)", regex.I)
VALUE_KINDS = ("rank", "rank_change", "score", "score_change", "percentage", "rank_target")


class Scope:
    """One sentence's mentions, grouped by kind, with clause look-ups and the context before it."""

    def __init__(self, sent: Sentence, mentions: list[Mention], ctx: DocContext):
        self.s = sent
        self.text = sent.text
        self.start = sent.start
        self.ctx = ctx
        self.before = ctx.snapshot()  # the context before this sentence: what alternatives and features read
        self.post_merger = ctx.post_merger
        self.by_kind: dict[str, list[Mention]] = {}
        for m in mentions:
            self.by_kind.setdefault(m.kind, []).append(m)
        # a dateline's city ("Hà Nội (TTXVN 18/4/2024) …") says where the news was filed, not what it is about
        self.provinces = [p for p in self.by_kind.get("province", []) if not p.attrs.get("dateline")]
        self.indices = self.by_kind.get("index", [])
        strong = [m for m in self.indices if m.attrs["strength"] != "weak"]
        self.index_pool = strong or self.indices
        self.years = [y for y in self.by_kind.get("year", []) if y.attrs["role"] == "edition"]
        self.base_years = [y for y in self.by_kind.get("year", []) if y.attrs["role"].startswith("base")]
        self.subjects = self.by_kind.get("subject", [])
        self.bindings: dict[int, dict] = {}  # value start -> subject bound by a construction ("respectively")
        self._before_merger: bool | None = None  # a sentence about the 63 units (post-merger articles)
        self._clauses: Breaks | None = None
        self._segments: Breaks | None = None

    # -- text geometry -------------------------------------------------------------
    def clause(self, pos: int) -> tuple[int, int]:
        """Absolute bounds of the clause around absolute offset ``pos``."""
        if self._clauses is None:
            self._clauses = Breaks(self.text, CLAUSE_BREAK)
        lo, hi = self._clauses.bounds(pos - self.start)
        return self.start + lo, self.start + hi

    def segment(self, pos: int) -> tuple[int, int]:
        """Absolute bounds of the comma/parenthesis-delimited segment around absolute ``pos``."""
        if self._segments is None:
            self._segments = Breaks(self.text, SEGMENT_BREAK)
        lo, hi = self._segments.bounds(pos - self.start)
        return self.start + lo, self.start + hi

    def between(self, a: int, b: int) -> str:
        """The text between absolute offsets ``a`` and ``b`` (either order)."""
        lo, hi = sorted((a, b))
        return self.text[lo - self.start:hi - self.start]

    def values(self) -> list[Mention]:
        """Value mentions (ranks, changes, scores, percentages, targets), kind by kind."""
        return [m for k in ("rank", "score", "rank_change", "score_change", "percentage", "rank_target")
                for m in self.by_kind.get(k, [])]

    def values_between(self, a: int, b: int, kinds=("rank", "score")) -> bool:
        return any(a <= m.start < b for k in kinds for m in self.by_kind.get(k, []))

    def province_fields(self, p: dict | None) -> dict:
        """A fact's province fields; in a sentence about before the merger ("Trước sắp xếp, …",
        "trước sáp nhập", a rank out of 63) every unit is the 63-unit one."""
        if p is not None and self.post_merger:
            if self._before_merger is None:  # … or a ranking out of 63 ("xếp thứ 45/63 về PCI, đạt 60,1 điểm")
                self._before_merger = bool(_BEFORE_MERGER.search(self.text)) or any(
                    (m.attrs.get("total") or 0) > 34 for m in self.by_kind.get("rank", []))
            if self._before_merger:
                p = {**p, "old": True}
        return province_fields(p, self.post_merger)

    # -- years -----------------------------------------------------------------------
    def index_year(self, idx: Mention | None) -> int | None:
        """"PCI 2023", "(PCI) năm 2022", "PAPI năm 2021": the edition named right after the index."""
        if idx is None:
            return None
        for y in self.years:
            gap = self.text[idx.end - self.start:y.start - self.start]
            if 0 <= y.start - idx.end <= 22 and _EDITION_GAP.fullmatch(gap) and not _YEAR_OF_A_PLACE.match(
                    self.text, y.end - self.start):
                return y.attrs["year"]
        return None
