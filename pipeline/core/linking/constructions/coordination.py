"""Coordinated indices: one value stated for several indices at once.

"dẫn đầu về các chỉ số PCI, PAR INDEX, SIPAS và PAPI": a first place (or a goal)
named with a list of indices joined by commas, "và", "cùng", "hoặc" holds for each
of them. :func:`coordinated` returns the index mentions coordinated with ``m``
(itself included), in text order, one per index.
"""
from __future__ import annotations

import regex

from extractors.mention import Mention

NAME = "coordination"
_JOIN = regex.compile(r"[\s(),]*(?:(?:và|cùng|hoặc)\s*)?[\s(),]*(?:chỉ\s+số\s*)?", regex.I)


def coordinated(scope, m: Mention) -> list[Mention]:
    strong = sorted((x for x in scope.indices if x.attrs["strength"] != "component"), key=lambda x: x.start)
    if m not in strong:
        return [m]
    i = strong.index(m)
    group = [m]
    for step in (-1, 1):
        j = i
        while 0 <= j + step < len(strong):
            a, b = (strong[j], strong[j + step]) if step == 1 else (strong[j + step], strong[j])
            if not _JOIN.fullmatch(scope.between(a.end, b.start)):
                break
            group.append(strong[j + step])
            j += step
    seen, out = set(), []
    for x in sorted(group, key=lambda x: x.start):
        if x.attrs["index"] not in seen:
            seen.add(x.attrs["index"])
            out.append(x)
    return out
