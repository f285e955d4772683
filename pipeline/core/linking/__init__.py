"""Linking: pair each value mention of a sentence with its subject, index, year and base year.

:func:`link_sentence` runs the constructions (:mod:`.constructions`) over one
sentence's :class:`~.scope.Scope` in a fixed order — binders, then the default
per-value linking, then extenders — and carries the running subject, index and
year to the next sentence in the :class:`~.context.DocContext`.

It returns the rules' own pairings (``candidates``) and the pairings the rules
built and threw away (``dropped``); :mod:`pipeline.core.alternatives` proposes
the other pairings of each value, and :mod:`pipeline.core.classify` decides.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from extractors.mention import Mention

from pipeline.core.linking.constructions import enumeration, nearest, preceding, respectively, sequence, shared
from pipeline.core.linking.context import LEAD_YEAR, VIETNAM, DocContext, record_of
from pipeline.core.linking.scope import VALUE_KINDS, Scope
from pipeline.core.segment import Sentence
from pipeline.records import Candidate

__all__ = ["DocContext", "Links", "Scope", "link_sentence"]

#: Constructions that bind subjects to values before the per-value linking, in order.
BINDERS = (respectively, enumeration)
#: Constructions that add the candidates the linked values imply, in order.
EXTENDERS = (sequence, preceding, shared)


@dataclass
class Links:
    """What linking one sentence gives: its scope, the rules' pairings, and the ones they threw away."""

    scope: Scope
    candidates: list[Candidate]
    dropped: list[Candidate]


#: Subject cues meaning "what the text above established": inside an outline item, its heading.
_CARRIED = ("subj_carry", "subj_running", "subj_main", "subj_anaphora")


def link_sentence(sent: Sentence, mentions: list[Mention], ctx: DocContext, *, outline: bool = False) -> Links:
    """The rules' candidate facts of one sentence, in text order; updates ``ctx`` for the next sentence.

    ``outline``: the sentence is an item of an outline whose headings set ``ctx`` (see
    :meth:`DocContext.enter_outline`); pairings that take their subject from there are the
    ``outline`` construction's.
    """
    scope = Scope(sent, mentions, ctx)
    bound_by: dict[int, str] = {}
    values = sorted((m for m in mentions if m.kind in VALUE_KINDS), key=lambda m: m.start)
    for binder in BINDERS if len(values) > 1 else ():  # a list pairs two values or more
        for start, subject in binder.bind(scope).items():
            if start not in scope.bindings:
                scope.bindings[start], bound_by[start] = subject, binder.NAME
    out: list[Candidate] = []
    dropped: list[Candidate] = []
    for v in values:
        for i, c in enumerate(nearest.candidates_for(scope, v, dropped)):
            c.group, c.value = (v.start, c.type, i), v
            out.append(c)
    for c in out + dropped:
        if c.value is not None and c.value.start in bound_by:
            c.construction = bound_by[c.value.start]
    if outline:
        for c in out + dropped:
            if c.construction == nearest.NAME and any(k in c.features for k in _CARRIED):
                c.construction = "outline"
    for extender in EXTENDERS:
        out.extend(extender.extend(scope, out))
    for i, c in enumerate(out):
        if not c.group:
            c.group = (c.start, "sequence", i)
    _carry(scope, out, ctx)
    for c in out + dropped:
        c.scope = scope
    return Links(scope, out, dropped)


#: Between two listed indices: "PAR INDEX, SIPAS, PAPI, PCI và PGI năm 2024", "Chỉ số cải cách hành
#: chính (PAR INDEX) và Chỉ số SIPAS năm 2023".
_INDEX_JOIN = regex.compile(r"[\s(),;]*(?:(?:và|cùng)\s*)?[\s(]*(?:(?:chỉ\s+số|bộ\s+chỉ\s+số)\s+)?", regex.I)


def _listed_with(scope: Scope, last: Mention) -> list[Mention]:
    """The indices listed up to ``last``: a year written after the list is the edition of each."""
    run = [last]
    for m in sorted((m for m in scope.indices if m.end <= last.start), key=lambda m: -m.end):
        if not _INDEX_JOIN.fullmatch(scope.between(m.end, run[0].start)):
            break
        run.insert(0, m)
    return run


def _carry(scope: Scope, out: list[Candidate], ctx: DocContext) -> None:
    """What this sentence tells the next: the running subject, index and year."""
    named = [c for c in out if c.type in ("rank", "score", "rank_change") and c.fields.get("province") not in (None, "Việt Nam")]
    ctx.value_year = next((c.fields.get("year") for c in reversed(named) if c.rule_choice), None)
    if named:
        ctx.subject = record_of(named[-1].fields)
    elif scope.provinces:
        ctx.subject = scope.provinces[-1].attrs
    elif any(c.fields.get("province") == "Việt Nam" and "subj_national" in c.features for c in out):
        # the nation's own figures and no name: "DTI quốc gia đạt 0,7955. Trong đó, chính quyền số đạt
        # 0,7582, …"; "sản lượng cả nước đạt … (28,2%). Tổng diện tích … (100,1%)"
        ctx.subject = VIETNAM
    if scope.index_pool and any(m.attrs["strength"] == "strong" for m in scope.index_pool):
        ctx.index = [m for m in scope.index_pool if m.attrs["strength"] == "strong"][-1].attrs["index"]
    anchored = [(y, m) for y, m in ((scope.index_year(m), m) for m in scope.indices) if y is not None]
    lead = LEAD_YEAR.match(scope.text)
    if anchored:
        codes = ",".join(sorted({m.attrs["index"] for m in _listed_with(scope, anchored[-1][1])}))
        ctx.year, ctx.year_source = anchored[-1][0], f"index:{codes}"
        ctx.edition_year = ctx.edition_year or anchored[0][0]
    elif lead:
        ctx.year, ctx.year_source = int(lead.group(1)), "lead"
