"""Decide stage: which candidate pairing of each value is a real fact, and how sure we are.

Two deciders share one interface, ``decide(group) -> [(candidate, confidence)]``
over the competing pairings of one value:

* :class:`RulesDecider` keeps the rules' own pairing, with a confidence from
  how it was linked;
* :class:`ModelDecider` scores every pairing with the trained logistic
  regression (:mod:`pipeline.tools.train`) and keeps the most probable one if its
  raw probability reaches the threshold; the fact's ``confidence`` is that
  probability passed through the model's calibration map.

Why two numbers: the regression's probability ranks pairings well but is
over-confident on text unlike its training gold (facts it gave 0.8-0.9 on
unseen passages were right 67 % of the time). ``make train`` therefore fits a
monotone map (isotonic regression) from the probability to how often such a
choice is right, on out-of-fold predictions (document-grouped cross-validation:
each probability comes from a model that never saw that document), and stores
it as breakpoints in the model file. ``confidence`` is the mapped value, so 0.8
means "right about 8 times in 10". The decision threshold (``--threshold``,
``PIPELINE_THRESHOLD``) stays on the *raw* probability: calibration changes what
``confidence`` says, never which facts are kept, and since the map is monotone a
higher threshold still keeps fewer, surer facts. To keep facts above a given
confidence, filter the output on ``confidence``.

The model file is plain JSON (weights, feature names, calibration breakpoints,
metadata): loading it never unpickles or executes anything. A content hash
inside the file (over the weights, the intercept and the calibration) is
checked on load, so a corrupted or hand-edited file is refused with a clear
message instead of silently changing the output. Format ``/1`` files (no
calibration) still load; their ``confidence`` is the raw probability.
"""
from __future__ import annotations

import bisect
import hashlib
import json
import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from pipeline.records import Candidate

FORMAT_V1 = "vn-facts-candidate-model/1"
#: Format of a model with a calibration map (``calibration`` inside the hashed body).
FORMAT_V2 = "vn-facts-candidate-model/2"
MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "candidate_model.json"
#: Default probability a pairing needs to become a fact (``--threshold``, ``PIPELINE_THRESHOLD``).
DEFAULT_THRESHOLD = 0.5

_SURE = {"subj_clause": 0.95, "subj_after": 0.9, "subj_list": 0.9, "subj_sentence": 0.8, "subj_anaphora": 0.85,
         "subj_running": 0.8, "subj_national": 0.85, "subj_clause_after": 0.75, "subj_carry": 0.7, "subj_main": 0.65,
         "seq": 0.8, "preceding": 0.75, "pct": 0.9}


class ModelError(ValueError):
    """The model file cannot be used (missing, corrupted, tampered, wrong format)."""


def rule_confidence(cand: Candidate) -> float:
    return max((_SURE[k] for k in cand.features if k in _SURE), default=0.7)


class RulesDecider:
    """The rules alone: keep each group's rule pairing."""

    wants_alternatives = False

    def __call__(self, group: list[Candidate]) -> list[tuple[Candidate, float]]:
        return [(c, rule_confidence(c)) for c in group if c.rule_choice]


class Calibration:
    """A monotone map from the model's probability to the observed rate of being right.

    Stored as breakpoints ``x`` (strictly increasing probabilities) and ``y``
    (non-decreasing rates in [0, 1]); between breakpoints the map is linear, outside
    them it is flat (the isotonic regression's own prediction rule, reproduced here
    so applying it needs neither scikit-learn nor numpy).
    """

    def __init__(self, x: list[float], y: list[float]):
        self.x = list(x)
        self.y = list(y)

    def __call__(self, p: float) -> float:
        x, y = self.x, self.y
        if p <= x[0]:
            return y[0]
        if p >= x[-1]:
            return y[-1]
        i = bisect.bisect_right(x, p)  # x[i - 1] <= p < x[i]
        x0, x1, y0, y1 = x[i - 1], x[i], y[i - 1], y[i]
        return y0 + (y1 - y0) * (p - x0) / (x1 - x0)

    def to_json(self) -> dict[str, Any]:
        return {"method": "isotonic", "x": self.x, "y": self.y}

    @classmethod
    def from_json(cls, obj: Any, path: Path) -> "Calibration":
        """Validated breakpoints, or :class:`ModelError` naming the file and what is wrong."""
        try:
            x = [float(v) for v in obj["x"]]
            y = [float(v) for v in obj["y"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{path}: calibration is malformed ({exc!r})") from None
        if not x or len(x) != len(y):
            raise ModelError(f"{path}: calibration needs as many breakpoints x as values y, at least one "
                             f"(got {len(x)} and {len(y)})")
        if not all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in x + y):
            raise ModelError(f"{path}: calibration breakpoints must be numbers in [0, 1]")
        if any(b <= a for a, b in zip(x, x[1:])) or any(b < a for a, b in zip(y, y[1:])):
            raise ModelError(f"{path}: calibration is not monotone (x must increase strictly, y must not decrease)")
        return cls(x, y)


class CandidateModel:
    """A logistic regression over named features, stored as JSON weights (and a calibration map)."""

    def __init__(self, weights: dict[str, float], intercept: float, meta: dict[str, Any],
                 calibration: Calibration | None = None):
        self.weights = weights
        self.intercept = intercept
        self.meta = meta
        self.calibration = calibration

    def probability(self, features: dict[str, float]) -> float:
        z = self.intercept + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def confidence(self, probability: float) -> float:
        """What a fact chosen with this raw ``probability`` reports: the calibrated rate, if the model has a map."""
        return self.calibration(probability) if self.calibration is not None else probability

    def contributions(self, features: dict[str, float]) -> list[tuple[str, float]]:
        """(feature, weight x value), largest effect first: what drove a decision."""
        items = [(k, self.weights.get(k, 0.0) * v) for k, v in features.items() if self.weights.get(k)]
        return sorted(items, key=lambda kv: -abs(kv[1]))

    # -- persistence ------------------------------------------------------------
    def to_json(self) -> str:
        body = {"weights": dict(sorted(self.weights.items())), "intercept": self.intercept}
        if self.calibration is not None:
            body["calibration"] = self.calibration.to_json()
        doc = {**self.meta, "format": FORMAT_V2 if self.calibration is not None else FORMAT_V1, **body,
               "sha256": _digest(body)}
        return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def load(cls, path: str | Path = MODEL_PATH) -> "CandidateModel":
        """Read and verify a model file; anything unusable is a :class:`ModelError` naming the reason.

        Why so strict: ``--model`` takes any path, and a model decides every fact. A NaN weight
        makes every pairing p = 1.0, a string weight is a file edited by hand, ``/dev/zero``
        never ends and deeply nested brackets overflow the parser: each is refused before use.
        """
        path = Path(path)
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_MODEL_BYTES + 1)
        except FileNotFoundError:
            raise ModelError(f"{path}: model file not found (run `make train`)") from None
        except IsADirectoryError:
            raise ModelError(f"{path}: is a folder, not a model file") from None
        except OSError as exc:
            raise ModelError(f"{path}: cannot read the model file: {exc.strerror or exc}") from None
        if len(data) > MAX_MODEL_BYTES:
            raise ModelError(f"{path}: not a candidate model (larger than {MAX_MODEL_BYTES:,} bytes)")
        try:
            doc = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
            raise ModelError(f"{path}: model file is corrupted ({reason}); refusing to use it") from None
        if not isinstance(doc, dict) or doc.get("format") not in (FORMAT_V1, FORMAT_V2):
            raise ModelError(f"{path}: not a candidate model (format {doc.get('format') if isinstance(doc, dict) else None!r})")
        weights, intercept = doc.get("weights"), doc.get("intercept")
        if not isinstance(weights, dict):
            raise ModelError(f"{path}: model weights are malformed (weights must be an object of numbers)")
        for name, value in [*weights.items(), ("intercept", intercept)]:
            if not _finite_number(value):
                raise ModelError(f"{path}: model weights are malformed ({name!r} is {value!r}, "
                                 "not a finite number)")
        body = {"weights": weights, "intercept": intercept}
        if "calibration" in doc:
            body["calibration"] = doc["calibration"]
            points = doc["calibration"] if isinstance(doc["calibration"], dict) else {}
            for key in ("x", "y"):
                values = points.get(key)
                if not isinstance(values, list) or not all(_finite_number(v) for v in values):
                    raise ModelError(f"{path}: calibration is malformed ({key!r} must be a list of finite numbers)")
        if doc.get("sha256") != _digest(body):
            raise ModelError(f"{path}: content hash mismatch: the file was modified after training; "
                             "refusing to use it (re-run `make train`)")
        calibration = Calibration.from_json(doc["calibration"], path) if "calibration" in doc else None
        meta = {k: v for k, v in doc.items() if k not in ("weights", "intercept", "sha256", "calibration")}
        return cls({str(k): float(v) for k, v in weights.items()}, float(intercept), meta, calibration)


#: Largest model file read (the shipped one is ~20 KB; a model has one weight per feature).
MAX_MODEL_BYTES = 5_000_000


def _finite_number(value: Any) -> bool:
    """An int or float that is not a bool, NaN or infinite (JSON's NaN/Infinity are refused)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an int of hundreds of digits
        return False


def _digest(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


class ModelDecider:
    """The trained model picks among each value's pairings."""

    wants_alternatives = True

    def __init__(self, model: CandidateModel, threshold: float = DEFAULT_THRESHOLD, *, pos: bool = True):
        self.model = model
        self.threshold = threshold
        self.pos = pos

    def scored(self, group: list[Candidate]) -> list[tuple[Candidate, float, dict[str, float]]]:
        from pipeline.core.features import candidate_features

        rule = next((c for c in group if c.rule_choice), None)
        out = []
        for c in group:
            feats = candidate_features(c, rule, pos=self.pos)
            out.append((c, self.model.probability(feats), feats))
        return out

    def __call__(self, group: list[Candidate]) -> list[tuple[Candidate, float]]:
        scored = self.scored(group)
        best = max(scored, key=lambda t: t[1], default=None)
        if best is None or best[1] < self.threshold:  # the threshold is on the raw probability
            return []
        return [(best[0], self.model.confidence(best[1]))]


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float) -> CandidateModel:
    return CandidateModel.load(path)


#: This process's decision settings (``configure``; engines pass them to their workers).
_CONFIG: dict[str, Any] = {
    "rules_only": os.environ.get("PIPELINE_RULES_ONLY", "").lower() in {"1", "true", "yes", "on"},
    "threshold": float(os.environ.get("PIPELINE_THRESHOLD", DEFAULT_THRESHOLD)),
    "model_path": os.environ.get("PIPELINE_MODEL") or None,
}


def configure(*, rules_only: bool | None = None, threshold: float | None = None, model_path: str | None = None) -> None:
    """Set how this process decides (``--rules-only``, ``--threshold``, ``--model``)."""
    for k, v in (("rules_only", rules_only), ("threshold", threshold), ("model_path", model_path)):
        if v is not None:
            _CONFIG[k] = v


def config() -> dict[str, Any]:
    return dict(_CONFIG)


def default_decider():
    """The model decider when the shipped model is there, else (or with ``rules_only``) the rules.

    Environment: ``PIPELINE_RULES_ONLY=1``, ``PIPELINE_THRESHOLD=0.6``, ``PIPELINE_MODEL=path``.
    A model file that exists (or was named) but does not verify raises :class:`ModelError`:
    never a silent fallback.
    """
    if _CONFIG["rules_only"]:
        return RulesDecider()
    path = _CONFIG["model_path"] or _MODEL_PATH_STR
    try:  # one stat per document: a model retrained while the process runs is picked up
        mtime = os.stat(path).st_mtime
    except OSError:
        if not _CONFIG["model_path"]:
            return RulesDecider()
        mtime = 0.0  # a named model that is missing: load() says so
    return _model_decider(path, mtime, _CONFIG["threshold"])


_MODEL_PATH_STR = str(MODEL_PATH)


@lru_cache(maxsize=4)
def _model_decider(path: str, mtime: float, threshold: float) -> ModelDecider:
    return ModelDecider(_load_cached(path, mtime), threshold)


def explain(group: Iterable[Candidate], model: CandidateModel, top: int = 8) -> list[dict[str, Any]]:
    """For a reviewer: each pairing's probability and the features that drove it."""
    decider = ModelDecider(model)
    return [{"fields": c.fields, "rule_choice": c.rule_choice, "probability": round(p, 4),
             "confidence": round(model.confidence(p), 4),
             "top_features": [(k, round(w, 3)) for k, w in model.contributions(f)[:top]]}
            for c, p, f in decider.scored(list(group))]
