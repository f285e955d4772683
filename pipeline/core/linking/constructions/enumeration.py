"""Enumerations: a list of names and a list of values, paired in order without a cue word.

"Thanh Hóa, Điện Biên, Hà Tĩnh giữ vị trí thứ 5, 6, 7", "Quảng Ninh và Hải Phòng
đạt 72,95 và 70,61 điểm": when a run of provinces joined by commas or ``và`` is
followed, in the same clause and with no other province in between, by a run of
as many values of one kind joined the same way, the i-th value belongs to the
i-th name (ANNOTATION.md: enumerations); values listed first pair with the names after them
when a respectively cue follows the names or "là" joins the two lists ("vị trí thứ tư và thứ năm là
A và B"). With a cue ("lần lượt", "tương ứng")
:mod:`.respectively` binds first.
"""
from __future__ import annotations

import regex

from extractors import lexicon

from pipeline.core.linking import lists

NAME = "enumeration"
_VALUE_JOIN = regex.compile(r"\s*(?:,|;|và)\s*(?:và\s+)?(?:(?:thứ|vị\s+trí|hạng)\s+)?", regex.I)
_KINDS = ("rank", "score", "rank_change", "score_change")
_RESPECTIVELY = regex.compile(r"\s*(?:đã\s+|đều\s+)?" + lexicon.pattern("respectively"), regex.I)
#: "Hai vị trí thứ tư và thứ năm là Quảng Ninh và Thừa Thiên Huế": listed values, "là", as many names.
_COPULA = regex.compile(r"\s*(?:" + lexicon.pattern("respectively") + r"\s+)?(?:là|thuộc\s+về)\s+" + lists.TYPE_WORD, regex.I)


def _runs(items, text: str, base: int, join) -> list[list]:
    """Maximal runs of consecutive mentions whose gaps are list joints."""
    runs: list[list] = []
    for m in sorted(items, key=lambda m: m.start):
        if runs and join.fullmatch(text[runs[-1][-1].end - base:m.start - base]):
            runs[-1].append(m)
        else:
            runs.append([m])
    return [r for r in runs if len(r) > 1]


def bind(scope) -> dict[int, dict]:
    """Value start -> subject record for each value of an enumeration paired with a list of names."""
    text, base = scope.text, scope.start
    names = lists.name_runs(scope)
    out: dict[int, dict] = {}
    for kind in _KINDS:
        for values in _runs(scope.by_kind.get(kind, []), text, base, _VALUE_JOIN):
            first = values[0]
            before = [r for r in names if r[-1].end <= first.start]
            if not before:
                # "Với 0,5064 điểm và 0,4880 điểm, Ninh Bình và Thanh Hóa lần lượt …": values first, then
                # the names, then a respectively cue
                after = [r for r in names if r[0].start >= values[-1].end and len(r) == len(values)]
                if after and (_RESPECTIVELY.match(text, after[0][-1].end - base)
                              or _COPULA.fullmatch(text[values[-1].end - base:after[0][0].start - base])) and not any(
                        values[-1].end <= p.start < after[0][0].start for p in scope.provinces):
                    for p, v in zip(after[0], values):
                        out[v.start] = p.attrs
                continue
            run = before[-1]
            cs, _ = scope.clause(first.start)
            if run[0].start < cs or len(run) != len(values):
                continue
            if any(run[-1].end <= p.start < first.start for p in scope.provinces):
                continue
            for p, v in zip(run, values):
                out[v.start] = p.attrs
    return out
