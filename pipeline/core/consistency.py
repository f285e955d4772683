"""Arithmetic between facts: do a change and the figures it links agree?

A ``rank_change`` of year Y against base year B ("tăng 4 bậc so với năm 2023")
states ``rank(B) - rank(Y) == delta`` (positive delta = moved up, to a smaller
rank number); a ``score_change`` states ``score(Y) - score(B) == delta``; a rank
can never exceed its ``rank_total``. Articles state these figures separately, so
the arithmetic either confirms them, contradicts them (one of them was read or
written wrongly), or implies a figure the article never states.

One module does this arithmetic for two callers, so they can never disagree:

* :func:`check_document` runs inside :func:`pipeline.core.extract.extract_document`
  over one article's facts; a fact contradicted by its own article gets the
  reasons in its ``inconsistent`` field (facts.jsonl);
* :mod:`pipeline.tools.panel` uses the same primitives across articles, on the
  value each panel cell keeps, to flag inconsistent cells and fill derived ones.

Everything here is a pure function over plain fact dicts (facts.jsonl records or
``{"type": ..., **fields, "char_start": ..., "char_end": ...}``).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Mapping, Sequence

from extractors.provinces import canonical_key

#: |stated score change - difference of stated scores| allowed: three figures, each rounded to 2 decimals.
SCORE_TOLERANCE = 0.015


# --------------------------------------------------------------------------- primitives

def rank_change_agrees(delta: int, rank_year: int, rank_base: int) -> bool:
    """Moving up ``delta`` places from ``rank_base`` lands on ``rank_year``.

    >>> rank_change_agrees(27, 13, 40), rank_change_agrees(-5, 12, 7), rank_change_agrees(4, 12, 20)
    (True, True, False)
    """
    return int(rank_base) - int(rank_year) == int(delta)


def score_change_agrees(delta: float, score_year: float, score_base: float) -> bool:
    """The score moved by ``delta`` points from ``score_base`` to ``score_year`` (up to rounding).

    >>> score_change_agrees(1.25, 66.5, 65.25), score_change_agrees(1.25, 66.5, 64.0)
    (True, False)
    """
    return abs((float(score_year) - float(score_base)) - float(delta)) <= SCORE_TOLERANCE


def change_agrees(change_type: str, delta: float, year_values: Iterable[float], base_values: Iterable[float]) -> bool:
    """Some figure stated for the year and some stated for the base year agree with the change.

    A year stated with two figures (a misread, a regional rank beside the national
    one) is a conflict, not an inconsistency, as long as one reading fits the change.

    >>> change_agrees("rank_change", 7, [46, 10], [53, 11]), change_agrees("rank_change", 7, [10], [11])
    (True, False)
    """
    agrees = rank_change_agrees if change_type == "rank_change" else score_change_agrees
    base_values = list(base_values)
    return any(agrees(delta, y, b) for y in year_values for b in base_values)


def implied_rank(delta: int, *, rank_year: int | None = None, rank_base: int | None = None) -> int:
    """The rank of the other year that a change and one stated rank imply.

    >>> implied_rank(27, rank_year=13), implied_rank(27, rank_base=40)
    (40, 13)
    """
    if rank_year is not None:
        return int(rank_year) + int(delta)
    if rank_base is None:
        raise ValueError("implied_rank needs rank_year or rank_base")
    return int(rank_base) - int(delta)


def implied_score(delta: float, *, score_year: float | None = None, score_base: float | None = None) -> float:
    """The score of the other year that a change and one stated score imply.

    Rounded to 4 decimals, the finest any index publishes (DTI: 0,5064), so float
    noise never makes two equal figures differ.

    >>> implied_score(1.25, score_year=66.5), implied_score(1.25, score_base=65.25)
    (65.25, 66.5)
    """
    if score_year is not None:
        return round(float(score_year) - float(delta), 4)
    if score_base is None:
        raise ValueError("implied_score needs score_year or score_base")
    return round(float(score_base) + float(delta), 4)


def possible_rank(rank: int, rank_total: int | None = None) -> bool:
    """A rank is a position 1..rank_total (any positive position when the total is unknown).

    >>> possible_rank(13, 63), possible_rank(70, 63), possible_rank(-3), possible_rank(5)
    (True, False, False, True)
    """
    return int(rank) >= 1 and (rank_total is None or int(rank) <= int(rank_total))


def possible_score(score: float) -> bool:
    """Index scores are never negative (PCI, PAPI, PAR INDEX, DTI: points or percent)."""
    return float(score) >= 0


# --------------------------------------------------------------------------- fact helpers

def span(fact: Mapping[str, Any]) -> str:
    """How a reason names another fact of the same article: ``char_start:char_end``."""
    return f"{fact.get('char_start')}:{fact.get('char_end')}"


def norm_label(text: Any) -> str:
    """A component or scope as compared: spaces collapsed, lower case, "" for none."""
    return " ".join(str(text).split()).lower() if text else ""


def series_key(fact: Mapping[str, Any]) -> tuple | None:
    """(province, index, component, scope) of an achieved figure, or None if it cannot be checked.

    Targets say nothing about what happened, and a figure without a province or an
    index cannot be lined up with another one.
    """
    if fact.get("modality", "actual") != "actual" or not fact.get("province") or not fact.get("index"):
        return None
    return (canonical_key(fact["province"]), fact["index"], norm_label(fact.get("component")), norm_label(fact.get("scope")))


def _signed(x: Any) -> str:
    return f"{x:+g}" if isinstance(x, (int, float)) else str(x)


def _fig(fact: Mapping[str, Any]) -> str:
    """``rank 12 (2023) at 10:40``: a stated figure, named for a reason string."""
    value = fact.get("rank") if fact["type"] == "rank" else fact.get("score")
    return f"{fact['type']} {value:g} ({fact.get('year')}) at {span(fact)}"


def _chg(fact: Mapping[str, Any]) -> str:
    return f"{fact['type']} {_signed(fact.get('delta'))} ({fact.get('year')} vs {fact.get('base_year')}) at {span(fact)}"


# --------------------------------------------------------------------------- one document

_KINDS = {  # change type -> (figure type, field, implied, possible)
    "rank_change": ("rank", "rank", implied_rank, possible_rank),
    "score_change": ("score", "score", implied_score, possible_score),
}


def check_document(facts: Sequence[Mapping[str, Any]]) -> dict[int, list[str]]:
    """Facts of one article contradicted by other facts of it: ``{position: [reasons]}``.

    * a rank above its ``rank_total``;
    * a change whose year and base-year figures are both stated and disagree with it
      (the change and both figures are flagged; a year stated twice with different
      figures is inconsistent only if no pair of them agrees with the change);
    * a change whose one stated figure implies an impossible other one (rank 0 or
      below, a negative score).

    Positions not in the result are consistent (or could not be checked).
    """
    out: dict[int, list[str]] = defaultdict(list)
    figures: dict[tuple, list[int]] = defaultdict(list)  # (type, series, year) -> positions
    for i, f in enumerate(facts):
        if f.get("type") == "rank" and f.get("rank") is not None and f.get("rank_total") is not None \
                and not possible_rank(f["rank"], f["rank_total"]):
            out[i].append(f"rank {f['rank']} > rank_total {f['rank_total']}")
        key = series_key(f)
        if key is not None and f.get("type") in ("rank", "score") and f.get("year") is not None \
                and f.get(f["type"]) is not None:
            figures[(f["type"], key, f["year"])].append(i)
    for i, f in enumerate(facts):
        kind = _KINDS.get(f.get("type"))
        key = series_key(f)
        if kind is None or key is None or f.get("delta") is None or f.get("year") is None or f.get("base_year") is None:
            continue
        ftype, field, implied, possible = kind
        year = figures.get((ftype, key, f["year"]), [])
        base = figures.get((ftype, key, f["base_year"]), [])
        if year and base:
            if change_agrees(f["type"], f["delta"], [facts[y][field] for y in year], [facts[b][field] for b in base]):
                continue
            others = [facts[j] for j in base + year]
            out[i].append(f"disagrees with {', '.join(_fig(o) for o in others)}")
            for j in base + year:
                rest = [facts[k] for k in base + year if k != j]
                out[j].append(f"disagrees with {_chg(f)}" + "".join(f" and {_fig(o)}" for o in rest))
            continue
        for j in year or base:
            g = facts[j]
            other = implied(f["delta"], **{f"{field}_year" if year else f"{field}_base": g[field]})
            other_year = f["base_year"] if year else f["year"]
            if not possible(other):  # the stated total is its own year's: the other year may have had another
                out[i].append(f"with {_fig(g)} implies {field} {other:g} in {other_year}")
                out[j].append(f"with {_chg(f)} implies {field} {other:g} in {other_year}")
    return {i: list(dict.fromkeys(r)) for i, r in sorted(out.items())}
