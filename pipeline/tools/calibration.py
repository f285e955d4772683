"""Is ``confidence`` honest? Fit the calibration map, and measure calibration.

A fact's ``confidence`` should be the chance that it is right: of the facts
given about 0.8, about 8 in 10 should be in the gold. The logistic regression's
raw probability is not: it is fitted on the documents it then scores, and text
unlike its training gold fools it more than it admits. Two tools answer this:

* :func:`fit_isotonic` fits the monotone map from raw probability to observed
  accuracy (isotonic regression, scikit-learn) on *out-of-fold* predictions:
  each probability comes from a model that never saw its document, so the map
  learns how the model errs on text it has not read. The map is returned as
  plain breakpoints (:class:`pipeline.core.classify.Calibration`), rounded so
  the same data gives a byte-identical model file.
* :func:`reliability` and :func:`expected_calibration_error` bin predictions by
  confidence (ten equal-width bins) and compare each bin's mean confidence with
  its accuracy; the expected calibration error (ECE) is the mean gap weighted by
  the bins' sizes. :func:`format_reliability` prints the table ``make eval`` shows.
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

from pipeline.core.classify import Calibration

#: Number of equal-width confidence bins of the reliability table and the ECE.
BINS = 10
#: Decimals kept of the breakpoints: enough to reproduce the map, few enough to be byte-stable.
DECIMALS = 6


def fit_isotonic(probabilities: Sequence[float], outcomes: Sequence[int]) -> Calibration:
    """The non-decreasing map from probability to the rate of being right, as breakpoints.

    Deterministic: isotonic regression has one solution (pool adjacent violators), and the
    inputs are sorted here (probability, then outcome) so the order they came in does not matter.
    """
    from sklearn.isotonic import IsotonicRegression

    if len(probabilities) != len(outcomes) or not probabilities:
        raise ValueError(f"calibration needs as many outcomes as probabilities, at least one "
                         f"(got {len(probabilities)} and {len(outcomes)})")
    pairs = sorted(zip((float(p) for p in probabilities), (int(o) for o in outcomes)))
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
    iso.fit([p for p, _ in pairs], [o for _, o in pairs])
    xs: list[float] = []
    ys: list[float] = []
    for x, y in zip(iso.X_thresholds_, iso.y_thresholds_):
        x, y = round(float(x), DECIMALS), round(float(y), DECIMALS)
        if xs and x <= xs[-1]:  # two thresholds equal after rounding: keep the later (higher) value
            ys[-1] = max(ys[-1], y)
            continue
        xs.append(x)
        ys.append(max(y, ys[-1]) if ys else y)
    return Calibration(xs, ys)


def _bin(confidence: float, bins: int) -> int:
    # round first: 0.7 * 10 is 7.000000000000001 but 0.29 * 100 is 28.999999999999996
    return min(bins - 1, max(0, math.floor(round(confidence * bins, 9))))


def _bin_sums(confidences: Iterable[float], outcomes: Iterable[int], bins: int) -> dict[int, list]:
    """bin -> [count, sum of confidence, count right]."""
    sums: dict[int, list] = {}
    for c, o in zip(confidences, outcomes):
        s = sums.setdefault(_bin(c, bins), [0, 0.0, 0])
        s[0] += 1
        s[1] += c
        s[2] += int(o)
    return sums


def reliability(confidences: Iterable[float], outcomes: Iterable[int], bins: int = BINS) -> list[dict]:
    """Per non-empty bin [lo, hi): count, mean confidence, accuracy (the last bin includes 1.0)."""
    return [{"lo": round(b / bins, 4), "hi": round((b + 1) / bins, 4), "count": n,
             "mean_confidence": round(total / n, 4), "accuracy": round(right / n, 4)}
            for b, (n, total, right) in sorted(_bin_sums(confidences, outcomes, bins).items())]


def expected_calibration_error(confidences: Sequence[float], outcomes: Sequence[int], bins: int = BINS) -> float:
    """Sum over bins of (bin size / all) x |accuracy - mean confidence|; 0.0 for no predictions."""
    if not len(confidences):
        return 0.0
    # count x |accuracy - mean confidence| = |right - sum of confidence|
    gap = sum(abs(right - total) for _, total, right in _bin_sums(confidences, outcomes, bins).values())
    return round(gap / len(confidences), 4)


def calibration_report(confidences: Sequence[float], outcomes: Sequence[int]) -> dict:
    """The reliability table and the ECE of one set of predictions (for eval.json)."""
    return {"predictions": len(confidences), "accuracy": round(sum(outcomes) / len(outcomes), 4) if outcomes else 0.0,
            "ece": expected_calibration_error(confidences, outcomes), "bins": reliability(confidences, outcomes)}


def format_reliability(before: dict, after: dict, title: str) -> str:
    """Two reliability tables side by side: raw probability, calibrated confidence."""
    lines = [title, f"{'bin':>11} | {'raw: n':>6} {'mean p':>7} {'right':>6} | {'calibrated: n':>13} {'mean c':>7} {'right':>6}"]
    by_lo = {}
    for side, rep in (("before", before), ("after", after)):
        for b in rep["bins"]:
            by_lo.setdefault(b["lo"], {})[side] = b
    for lo in sorted(by_lo):
        cells = []
        for side, width in (("before", 6), ("after", 13)):
            b = by_lo[lo].get(side)
            cells.append(f"{b['count']:>{width}} {b['mean_confidence']:>7.3f} {b['accuracy']:>6.3f}" if b
                         else f"{'':>{width}} {'':>7} {'':>6}")
        lines.append(f"{lo:4.1f} – {lo + 1 / BINS:4.1f} | {cells[0]} | {cells[1]}")
    lines.append(f"{'ECE':>11} | {before['ece']:>21.4f} | {after['ece']:>28.4f}   "
                 f"({before['predictions']} facts, {before['accuracy']:.3f} right)")
    return "\n".join(lines)
