"""Shared values: several listed names hold one value together.

"Hà Giang và Lai Châu cùng xếp thứ 62", "Quảng Ninh, Hải Phòng và Đà Nẵng đều đạt trên
90 điểm": a list of names (commas, ``và``) followed by ``cùng``/``đều``/``đồng`` and the
value gives that value to every listed name. The per-value linking gives it to the
name nearest the value, the last of the list; :func:`extend` adds the others.
"""
from __future__ import annotations

from dataclasses import replace

import regex

from pipeline.core.linking import lists
from pipeline.records import Candidate

NAME = "shared"
#: Between the list's last name and its value: "cùng xếp", "đều đứng ở", "đồng hạng".
_TOGETHER = regex.compile(r"\s*(?:(?:cùng|đều|đồng)\s+)(?:nhau\s+)?(?:\p{Ll}+\s+){0,3}", regex.I)


def extend(scope, out: list[Candidate]) -> list[Candidate]:
    if len(scope.provinces) < 2 or not any(w in scope.text for w in ("cùng", "đều", "đồng")):
        return []
    new: list[Candidate] = []
    for c in out:
        if c.type not in ("rank", "score", "rank_change", "score_change") or not c.rule_choice or c.value is None:
            continue
        before = [p for p in scope.provinces if p.end <= c.value.start]
        if not before:
            continue
        last = max(before, key=lambda p: p.end)
        if last.attrs["name"] != c.fields.get("province") or not _TOGETHER.fullmatch(scope.between(last.end, c.value.start)):
            continue
        for p in lists.run_ending_with(scope, last, scope.provinces)[:-1]:
            fields = {**c.fields, **scope.province_fields(p.attrs)}
            new.append(replace(c, fields=fields, rule=c.rule + "+shared", construction=NAME,
                               features={**c.features, "shared": 1.0}, group=(), value=None))
    return new
