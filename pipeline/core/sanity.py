"""Value guard: a candidate whose numbers no article could mean is no fact.

Why one place: the extractors read digits faithfully, so "1" x 400 before "%"
parses to ``inf`` and a 20-digit rank parses to a 20-digit int. Such values
are not wrong readings to fix in a pattern but input no governance article
holds; dropping them here, once, on the extraction path (called from
:func:`pipeline.core.extract.extract_document`), keeps every extractor simple
and keeps ``Infinity``/``NaN`` (not JSON) out of ``facts.jsonl``.

The bounds are generous: they only refuse what cannot be a reading of a real
sentence (a percentage of 5,000 %, a rank of 1,000, a score of 10^6).
"""
from __future__ import annotations

import math
from numbers import Real
from typing import Any, Mapping

#: Largest percentage kept ("tăng 250%" exists; 1,000% does not in this domain).
MAX_PERCENT = 1000.0
#: Scores of every index are below 100 (PCI, PAPI ...) or 1,000 (DDCI variants); 10,000 is far off.
MAX_SCORE = 10_000.0
#: Ranks are among 63 (or 34) provinces, or a few hundred departments/districts for DDCI/SIPAS.
MAX_RANK = 200
#: A year an article about these indices can name.
YEARS = (1990, 2100)

_RANKS = ("rank", "rank_total", "rank_min", "rank_max")
_YEARS = ("year", "base_year")


def _finite(x: Any) -> bool:
    return isinstance(x, Real) and not isinstance(x, bool) and math.isfinite(x)


def plausible_fields(kind: str, fields: Mapping[str, Any]) -> bool:
    """True when every number of a ``kind`` fact's ``fields`` could be meant by an article."""
    for key, x in fields.items():
        if x is None or isinstance(x, (str, bool)):
            continue
        if not _finite(x):
            return False
        if key in _RANKS and not 1 <= x <= MAX_RANK:
            return False
        if key in _YEARS and not YEARS[0] <= x <= YEARS[1]:
            return False
        if key == "delta" and abs(x) > (MAX_RANK if kind == "rank_change" else MAX_SCORE):
            return False
        if key == "score" and not abs(x) < MAX_SCORE:
            return False
        if key == "value" and not abs(x) <= MAX_PERCENT:
            return False
    return True


def plausible(candidate: Any) -> bool:
    """Whether a :class:`~pipeline.records.Candidate` may become a fact (finite, bounded numbers)."""
    return plausible_fields(candidate.type, candidate.fields)
