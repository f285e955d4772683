"""Lists of names: "Quảng Ninh, Hải Phòng và Long An", "Hà Nội (0,74 điểm) và Quảng Ninh".

Several constructions read a run of province names joined by commas or "và"
(enumerations, continuations, places around a rank, landmarks); the joint
between two listed names is written once, here.

>>> bool(NAME_JOIN.fullmatch(" (0,74 điểm) và tỉnh ")), bool(NAME_JOIN.fullmatch(" tăng 3 bậc, "))
(True, False)
"""
from __future__ import annotations

import regex

from extractors.mention import Mention

#: A type word before a name ("tỉnh", "thành phố", "TP"), for patterns that reach a name.
TYPE_WORD = r"(?:(?:tỉnh|thành\s+phố|TP\.?)\s*)?"
#: Between two listed names: a comma, "và" or "cùng", after a name's own figure in parentheses,
#: before a type word.
NAME_JOIN = regex.compile(r"\s*(?:\([^()]{0,40}\))?\s*(?:,|;|và|cùng)\s*(?:(?:và|cùng)\s+)?" + TYPE_WORD, regex.I)


def joined(scope, a: Mention, b: Mention) -> bool:
    """Whether names ``a`` and ``b`` (``a`` first) stand next to each other in one list."""
    return a.end <= b.start and NAME_JOIN.fullmatch(scope.between(a.end, b.start)) is not None


def run_ending_with(scope, last: Mention, names: list[Mention]) -> list[Mention]:
    """The list of ``names`` (sorted by position) that ends with ``last``, first name first."""
    run = [last]
    for p in sorted((q for q in names if q.end <= last.start), key=lambda q: -q.end):
        if not joined(scope, p, run[0]):
            break
        run.insert(0, p)
    return run


def name_runs(scope) -> list[list[Mention]]:
    """Every list of two names or more in the sentence, in text order."""
    runs: list[list[Mention]] = []
    for p in sorted(scope.provinces, key=lambda m: m.start):
        if runs and joined(scope, runs[-1][-1], p):
            runs[-1].append(p)
        else:
            runs.append([p])
    return [r for r in runs if len(r) > 1]
