"""Ordered continuations: the next positions follow the last rank given.

"Quảng Ninh dẫn đầu … Các vị trí tiếp theo là Đà Nẵng, Bình Dương và Hải Phòng":
after a sequence cue (lexicon list ``sequence``), each province named that has no
rank of its own in the sentence takes the next position after the last rank
stated before the cue (in this sentence, else in earlier ones for the same index
and year); "theo thứ tự là: A, B, C" (lexicon list ``ordered_from_first``) starts
at the first place. A membership list ("tiếp theo là A, B nằm trong nhóm 10")
gives none. "Xếp sau Đà Nẵng (ở nhóm …) là TP HCM và Hà Nội", "Đứng sau Quảng Ninh
là Hải Phòng" name the place they follow: the names after "là" take the places
after that province's rank (stated in this sentence or an earlier one).

:func:`extend` returns the new rank candidates, after the per-value linking.
"""
from __future__ import annotations

import regex

from extractors import lexicon
from extractors.mention import Mention

from pipeline.core.linking import lists, slots
from pipeline.records import Candidate

NAME = "sequence"
_SEQUENCE = lexicon.compiled("sequence")
_FROM_FIRST = lexicon.compiled("ordered_from_first")
_RESPECTIVELY = lexicon.compiled("respectively")
_MEMBERSHIP_AFTER = regex.compile(r"^[^.;]{0,30}?\b(?:trong\s+nh+óm|nằm\s+trong|thuộc\s+nhóm|trong\s+top|trong\s+tốp)", regex.I)


#: Between a list of names and the cue that places them: "lần lượt chiếm hai", "đều giữ", "là".
_BEFORE_CUE = regex.compile(rf"\s*(?:{lexicon.pattern('respectively')}\s+|đều\s+)?(?:chiếm|giữ|đứng(?:\s+ở)?|xếp|là)?\s*(?:(?:hai|ba|bốn|năm|sáu|\d+)\s+)?", regex.I)


def _names_before(scope, cue_start: int) -> list:
    """The list of names that ends right before a sequence cue, in its clause."""
    cs, _ = scope.clause(cue_start)
    before = sorted((p for p in scope.provinces if cs <= p.start and p.end <= cue_start), key=lambda p: p.start)
    if not before or not _BEFORE_CUE.fullmatch(scope.between(before[-1].end, cue_start)):
        return []
    run = lists.run_ending_with(scope, before[-1], before)
    return run if len(run) > 1 else []


#: "Xếp sau Đà Nẵng", "Đứng ngay sau tỉnh Quảng Ninh": right before the province whose place is followed.
_AFTER_NAMED = regex.compile(r"(?:xếp|đứng|theo|nằm)\s+(?:ngay\s+)?sau\s+" + lists.TYPE_WORD + "$", regex.I)
#: From the followed province to the names that follow it: "ở nhóm các thành phố trực thuộc Trung ương là".
_THEN_LA = regex.compile(r"[^.;()\d]{0,80}?\s(?:" + lexicon.pattern("respectively") + r"\s+)?là\s+" + lists.TYPE_WORD + "$", regex.I)


def _after_named(scope, done: list[Candidate]) -> list[Candidate]:
    """"Xếp sau Đà Nẵng … là TP HCM và Hà Nội": the listed names follow the named province's rank."""
    text, base = scope.text, scope.start
    new: list[Candidate] = []
    provinces = sorted(scope.provinces, key=lambda p: p.start)
    for i, anchor in enumerate(provinces):
        if not _AFTER_NAMED.search(text[max(0, anchor.start - base - 25):anchor.start - base]):
            continue
        first = next((p for p in provinces[i + 1:] if _THEN_LA.fullmatch(scope.between(anchor.end, p.start))), None)
        if first is None or scope.values_between(anchor.end, first.start, kinds=("rank", "score", "rank_change")):
            continue
        names = [first] + [p for p in provinces if p.start > first.start]
        run = [names[0]]
        for p in names[1:]:
            if not lists.joined(scope, run[-1], p):
                break
            run.append(p)
        cue = Mention("rank", anchor.start, anchor.end, anchor.text)
        idx, ihow = slots.index_for(scope, cue)
        index = idx.attrs["index"] if idx is not None else scope.ctx.index
        year, yhow = slots.year_for(scope, cue, idx)
        name = anchor.attrs["name"]
        rank = next((c.fields["rank"] for c in done if c.type == "rank" and c.fields.get("province") == name
                     and c.fields.get("index") == index), None) or scope.ctx.ranks_of.get((name, index, year))
        if rank is None or index is None:
            continue
        for k, p in enumerate(run):
            f = {**scope.province_fields(p.attrs), "index": index, "year": year, "rank": rank + 1 + k,
                 "rank_total": None, "modality": "actual"}
            new.append(Candidate("rank", f, anchor.start, p.end, "rank:sequence",
                                 {"seq": 1.0, "seq_after_named": 1.0, f"idx_{ihow}": 1.0, f"year_{yhow}": 1.0},
                                 construction=NAME))
    return new


def extend(scope, out: list[Candidate]) -> list[Candidate]:
    if not scope.provinces:
        return []  # nothing to place (most sentences: skip the cue scan)
    text, base = scope.text, scope.start
    new: list[Candidate] = []
    cues = [(m, False) for m in _SEQUENCE.finditer(text)] + [(m, True) for m in _FROM_FIRST.finditer(text)]
    for m, from_first in sorted(cues, key=lambda t: t[0].start()):
        names = [p for p in sorted(scope.provinces, key=lambda p: p.start) if p.start >= base + m.end()]
        if not names:  # "A và B lần lượt chiếm hai vị trí tiếp theo": the names stand before the cue
            names = _names_before(scope, base + m.start())
            if names and from_first and not _RESPECTIVELY.search(scope.between(names[-1].end, base + m.end())):
                continue  # "A, B và C chiếm 3 vị trí đầu" is a membership; "… lần lượt đứng ở 3 vị trí đầu" an order
        if not names:
            continue
        tail = text[names[-1].end - base:]
        if _MEMBERSHIP_AFTER.match(tail):
            continue
        index = scope.ctx.index
        cue = Mention("rank", base + m.start(), base + m.end(), m.group())
        idx, ihow = slots.index_for(scope, cue)
        inside = [x for x in scope.index_pool if cue.start <= x.start < cue.end]  # "dẫn đầu PCI lần lượt là"
        if inside:
            idx, ihow = inside[0], "clause_before"
        if idx is not None:
            index = idx.attrs["index"]
        year, yhow = slots.year_for(scope, cue, idx)
        done = out + new
        ranked = {c.fields["province"] for c in done if c.type == "rank" and c.fields.get("year") == year}
        if from_first:  # "theo thứ tự là: A, B, C": the list itself starts at the first place
            last = 0
        else:
            last = max((c.fields["rank"] for c in done if c.type == "rank" and c.start < base + m.start()),
                       default=scope.ctx.last_rank.get((index, year)))
        if last is None or (not last and not from_first) or index is None:
            continue
        for i, p in enumerate(n for n in names if n.attrs["name"] not in ranked):
            f = {**scope.province_fields(p.attrs), "index": index, "year": year, "rank": last + 1 + i,
                 "rank_total": None, "modality": "actual"}
            new.append(Candidate("rank", f, base + m.start(), p.end, "rank:sequence",
                                 {"seq": 1.0, f"idx_{ihow}": 1.0, f"year_{yhow}": 1.0}, construction=NAME))
    if len(scope.provinces) > 1 and "sau" in text:
        new.extend(_after_named(scope, out + new))
    return new
