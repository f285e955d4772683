""""Respectively": names and values pair by their order.

"TP.HCM và Quảng Ninh lần lượt xếp thứ 2 và 3", "A, B và C, với các điểm số
tương ứng là x; y và z": when a sentence with a respectively cue (lexicon list
``respectively``) holds as many provinces on one side of the cue as values of
one kind after it, the i-th value belongs to the i-th province.

:func:`bind` returns those bindings (value start -> province record) before the
values are linked one by one; the per-value linker then takes the bound subject.
"""
from __future__ import annotations

from extractors import lexicon

NAME = "respectively"
_RESPECTIVELY = lexicon.compiled("respectively")


def bind(scope) -> dict[int, dict]:
    """Value start -> subject record, for the values a respectively-list distributes."""
    m = _RESPECTIVELY.search(scope.text)
    if not m:
        return {}
    out: dict[int, dict] = {}
    pos = scope.start + m.start()
    provs = sorted(scope.provinces, key=lambda p: p.start)
    for kind in ("rank", "score"):
        vals = sorted((v for v in scope.by_kind.get(kind, []) if v.start > pos), key=lambda v: v.start)
        before = [p for p in provs if p.end <= pos]
        after = [p for p in provs if p.start > pos]
        names = before[-len(vals):] if len(before) >= len(vals) and vals and not after else after
        if vals and len(names) == len(vals) and len(vals) > 1:
            for p, v in zip(names, vals):
                out[v.start] = p.attrs
    return out
