"""Alternatives: the other plausible pairings of every value, for the classifier to weigh.

The rules pick one subject, index, year and modality per value. When a
sentence holds several ("vươn lên xếp thứ 3 cả nước về chỉ số PAPI (tăng 21
bậc ...) và thứ 14 cả nước về chỉ số PAR INDEX"), the other pairings are
proposed too, one slot changed at a time: every other province of the
sentence, the running subject, the article's province and the nation; every
other index of the sentence and the running one; every other edition year,
the running one and none; the other modality. All of them share the rule
pairing's ``group``: the classifier keeps at most one per group.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from pipeline.core.linking import Scope
from pipeline.core.linking.context import VIETNAM
from pipeline.records import Candidate

_MAX_PER_SLOT = 5


def expand(a: Scope, rule_cands: list[Candidate]) -> list[Candidate]:
    """The rule candidates, each followed by its single-slot alternatives."""
    b = a.before  # the context as the sentence found it
    subject, main, index, year, edition = b.subject, b.main, b.index, b.year, b.edition
    out: list[Candidate] = []
    for c in rule_cands:
        out.append(c)
        seen = {_signature(c)}
        for alt in _variants(a, c, subject, main, index, year, edition):
            sig = _signature(alt)
            if sig not in seen:
                seen.add(sig)
                out.append(alt)
    return out


def _signature(c: Candidate) -> tuple:
    f = c.fields
    return (f.get("province"), f.get("index"), f.get("year"), f.get("modality"))


def _variants(a, c, subject, main, index, year, edition):
    f = c.fields
    if c.type == "percentage":
        yield _with(c, modality="target" if f["modality"] == "actual" else "actual")
        return
    # subject
    options: list[dict] = []
    for p in sorted(a.provinces, key=lambda m: abs(m.start - c.start)):
        options.append(p.attrs)
    options += [o for o in (subject, main) if o]
    if c.type in ("score", "score_change"):
        options.append(VIETNAM)
    names = []
    for o in options:
        if o["name"] != f.get("province") and o["name"] not in names:
            names.append(o["name"])
            yield _with(c, **a.province_fields(o))
            if len(names) >= _MAX_PER_SLOT:
                break
    # index
    codes = []
    for m in sorted(a.indices, key=lambda m: abs(m.start - c.start)):
        code = m.attrs["index"]
        if code not in ("OTHER", f.get("index")) and code not in codes:
            codes.append(code)
    if index and index not in codes and index != f.get("index"):
        codes.append(index)
    for code in codes[:_MAX_PER_SLOT]:
        yield _with(c, index=code, component=None)
    # year
    years = [y.attrs["year"] for y in sorted(a.years, key=lambda m: abs(m.start - c.start))]
    years += [y for y in (year, edition, None)]
    tried = []
    for y in years:
        if y != f.get("year") and y not in tried and c.type != "rank_target":
            tried.append(y)
            changes: dict[str, Any] = {"year": y}
            if "base_year" in f and f.get("year") is not None and f.get("base_year") == f["year"] - 1:
                changes["base_year"] = y - 1 if y else None
            yield _with(c, **changes)
            if len(tried) >= _MAX_PER_SLOT:
                break


def _with(c: Candidate, **changes) -> Candidate:
    fields = {**c.fields, **changes}
    if changes.get("component", 1) is None:
        fields.pop("component", None)
    return replace(c, fields=fields, rule_choice=False, rule=c.rule + "+alt", features=dict(c.features))
