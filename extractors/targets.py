"""Rank goals: ``phấn đấu ... nằm trong nhóm 10 tỉnh dẫn đầu`` (1-10), ``nhóm 45-50``, ``top 3``.

Only a group *as a goal* is a target; the assembler keeps a candidate when
the clause carries a goal cue (:data:`TARGET_CUE`).

>>> [(m.attrs["rank_min"], m.attrs["rank_max"]) for m in find_targets("nằm trong nhóm 10 tỉnh, thành phố dẫn đầu; Chỉ số PAR INDEX nằm trong nhóm 45-50")]
[(1, 10), (45, 50)]
>>> [(m.attrs["rank_min"], m.attrs["rank_max"]) for m in find_targets("phấn đấu top 3 địa phương dẫn đầu cả nước, hướng tới mục tiêu vào top 3")]
[(1, 3), (1, 3)]
"""
from __future__ import annotations

from typing import Iterator

import regex

from . import lexicon
from .mention import Mention

_GROUP = regex.compile(
    r"""(?:nhóm|top|tốp|tóp)\s+(?P<a>\d{1,2})(?:\s*[-–]\s*(?P<b>\d{1,2}))?(?!\s*(?:/|%|tiêu|chỉ|nội|lĩnh|trụ|nhiệm|mục|bộ|vùng|nhóm))""",
    regex.VERBOSE | regex.I)

#: Words that make a statement a goal rather than a result.
TARGET_CUE = lexicon.compiled("goal_cue")


def find_targets(text: str, offset: int = 0) -> Iterator[Mention]:
    """``attrs = {rank_min, rank_max}``: ``nhóm N`` -> 1..N, ``nhóm A-B`` -> A..B."""
    for m in _GROUP.finditer(text):
        a, b = int(m.group("a")), m.group("b")
        lo, hi = (a, int(b)) if b else (1, a)
        if hi < lo or hi > 63:
            continue
        yield Mention("rank_target", m.start() + offset, m.end() + offset, m.group(),
                      {"rank_min": lo, "rank_max": hi}, "rank_target")
