"""Places next to a stated rank: "xếp thứ 4, sau Quảng Ninh, Hải Phòng và Long An", "trên Phú Thọ".

ANNOTATION.md: "X đứng thứ N, sau A, B và C" gives A, B, C the ranks before N in
listing order (N-3, N-2, N-1); "thứ hai, sau A" gives A rank 1. "đứng đầu, trên A (0,74
điểm) và B" gives A and B the places after N (lexicon list ``following``). The cue must
follow the rank value directly, and the names must be a
list (commas, ``và``) with nothing else between them; between the rank and the cue, in its
clause, only words such as "về chỉ số PCI" (no other province or value).

:func:`extend` returns the implied rank candidates, after the per-value linking.
"""
from __future__ import annotations

import regex

from extractors import lexicon

from pipeline.core.linking import lists
from pipeline.records import Candidate

NAME = "preceding"
#: Between the cue and the first name: at most a type word ("chỉ sau TP Đà Nẵng", "sau tỉnh Quảng Ninh").
_TYPE_WORD = regex.compile(r"\s*" + lists.TYPE_WORD, regex.I)
_BEFORE = lexicon.compiled("preceding")
_AFTER = lexicon.compiled("following")


def extend(scope, out: list[Candidate]) -> list[Candidate]:
    text, base = scope.text, scope.start
    new: list[Candidate] = []
    ranked = {c.fields.get("province") for c in out if c.type == "rank"}
    for c in out:
        if c.type != "rank" or not c.rule_choice or c.value is None or c.fields.get("modality") != "actual":
            continue
        _, clause_end = scope.clause(c.value.start)
        found = [(m, step) for rx, step in ((_BEFORE, -1), (_AFTER, 1))
                 if (m := rx.search(text, c.value.end - base, clause_end - base)) is not None]
        if not found:
            continue
        m, step = min(found, key=lambda t: t[0].start())
        if scope.values_between(c.value.end, base + m.start(), kinds=("rank", "score")) or any(
                c.value.end <= p.start < base + m.start() for p in scope.provinces):
            continue
        names = []
        pos = base + m.end()
        for p in sorted(scope.provinces, key=lambda p: p.start):
            if p.start < pos:
                continue
            gap = text[pos - base:p.start - base]
            if names and not lists.joined(scope, names[-1], p) or not names and not _TYPE_WORD.fullmatch(gap):
                break
            names.append(p)
            pos = p.end
        n = c.fields["rank"]
        total = c.fields.get("rank_total")
        ranks = [n - len(names) + i for i in range(len(names))] if step < 0 else [n + 1 + i for i in range(len(names))]
        if not names or ranks[0] < 1 or (total and ranks[-1] > total):
            continue
        for p, r in zip(names, ranks):
            f = {**scope.province_fields(p.attrs), "index": c.fields["index"], "year": c.fields["year"],
                 "rank": r, "rank_total": total, "modality": "actual"}
            if c.fields.get("scope"):
                f["scope"] = c.fields["scope"]  # "thứ 2 trong 6 tỉnh Bắc Trung Bộ, chỉ sau Hà Tĩnh": the same group
            if f["province"] in ranked or f["province"] == c.fields.get("province"):
                continue
            new.append(Candidate("rank", f, p.start, p.end, "rank:preceding",
                                 {"preceding": 1.0, **{k: 1.0 for k in c.features if k.startswith(("idx_", "year_"))}},
                                 construction=NAME))
    return new
