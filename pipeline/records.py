"""Typed records passed between stages: documents, mentions, facts.

Every offset in a record refers to ``Document.text``, the *normalised* text
(see :func:`pipeline.core.normalize.normalize_text`), so that
``doc.text[m.start:m.end] == m.text`` always holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extractors.mention import Mention

#: Fact types of SCHEMA.md, in output order.
FACT_TYPES = ("rank", "rank_change", "score", "score_change", "percentage", "rank_target")

#: Index codes of SCHEMA.md.
INDEX_CODES = ("PCI", "PAPI", "PAR_INDEX", "SIPAS", "ICT_INDEX", "DTI", "PGI", "DDCI")

#: The schema fields of each fact type, in the order they are written.
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "rank": ("province", "index", "year", "rank", "rank_total"),
    "rank_change": ("province", "index", "year", "delta", "base_year"),
    "score": ("province", "index", "year", "score"),
    "score_change": ("province", "index", "year", "delta", "base_year"),
    "percentage": ("value", "qualifier", "modality", "province", "metric"),
    "rank_target": ("province", "index", "rank_min", "rank_max", "year"),
}

#: Optional schema fields and our own provenance fields, written after the type's fields.
EXTRA_FIELDS = (
    "component", "scope", "modality", "province_code", "province_2025",
    "evidence", "char_start", "char_end", "confidence", "rule",
    "inconsistent",  # only on a fact its own article contradicts (pipeline.core.consistency)
)


@dataclass(frozen=True, slots=True)
class Document:
    """One input document after ingestion and normalisation."""

    doc_id: str
    text: str
    source: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DocumentError:
    """An input that could not become a :class:`Document`; it is reported, never dropped."""

    doc_id: str
    source: str
    reason: str


@dataclass
class Candidate:
    """One proposed fact before the decider: fields, value span, provenance and features.

    ``construction`` names the linking construction that produced the pairing
    (``nearest``, ``respectively``, ``sequence``, ...); ``features`` holds the
    cues that filled each slot (``subj_clause``, ``idx_ve_after``,
    ``year_explicit``, ...), and ``scope`` the sentence's read-only view
    (:class:`pipeline.core.linking.scope.Scope`): the classifier's features read
    these, never the linker's internals.
    """

    type: str
    fields: dict[str, Any]
    start: int
    end: int
    rule: str
    features: dict[str, float] = field(default_factory=dict)
    score: float = 1.0
    group: tuple = ()            # candidates of one group compete: at most one is kept
    rule_choice: bool = True     # the rules' own pairing (False: an alternative for the decider)
    value: Mention | None = None  # the value mention the candidate was built from
    construction: str = "nearest"  # the linking construction that built the pairing
    scope: Any = field(default=None, repr=False, compare=False)  # its sentence's linking Scope (read-only view)


@dataclass(slots=True)
class Fact:
    """One output fact: schema fields in ``fields``, evidence span, provenance."""

    doc_id: str
    type: str
    fields: dict[str, Any]
    evidence: str
    char_start: int
    char_end: int
    confidence: float = 1.0
    rule: str = ""

    def to_json(self) -> dict[str, Any]:
        """The JSONL record: doc_id, type, the type's fields, then extras, in a fixed order."""
        out: dict[str, Any] = {"doc_id": self.doc_id, "type": self.type}
        for name in TYPE_FIELDS[self.type]:
            out[name] = self.fields.get(name)
        extras = {
            **{k: v for k, v in self.fields.items() if k not in out},
            "evidence": self.evidence,
            "char_start": self.char_start,
            "char_end": self.char_end,
            "confidence": round(float(self.confidence), 4),
            "rule": self.rule,
        }
        for name in EXTRA_FIELDS:
            if name in extras and name not in out:
                out[name] = extras[name]
        if "modality" not in out:
            out["modality"] = self.fields.get("modality", "actual")
        return out


def _prov(name: Any) -> Any:
    from extractors.provinces import canonical_key

    return canonical_key(name) if name else None


def _r2(x: Any) -> Any:
    return None if x is None else round(float(x), 2)


def fact_key(f: dict[str, Any]) -> tuple:
    """The scoring key of a fact record (gold or output), by SCHEMA.md's rules.

    Extraction states a key once per sentence and scoring compares sets of keys,
    so both read it here.

    >>> fact_key({"type": "rank", "province": "TP.HCM", "index": "PCI", "year": 2023, "rank": 27})
    ('rank', 'hồ chí minh', 'PCI', 2023, 27)
    >>> fact_key({"type": "percentage", "value": 96.55, "modality": "actual"})
    ('percentage', 96.55, 'actual')
    """
    t = f["type"]
    if t == "rank":
        return (t, _prov(f.get("province")), f.get("index"), f.get("year"), f.get("rank"))
    if t == "rank_change":
        return (t, _prov(f.get("province")), f.get("index"), f.get("year"), int(f["delta"]) if f.get("delta") is not None else None)
    if t == "score":
        return (t, _prov(f.get("province")), f.get("index"), f.get("year"), _r2(f.get("score")))
    if t == "score_change":
        return (t, _prov(f.get("province")), f.get("index"), f.get("year"), _r2(f.get("delta")))
    if t == "percentage":
        return (t, _r2(f.get("value")), f.get("modality"))
    if t == "rank_target":
        return (t, _prov(f.get("province")), f.get("index"), f.get("rank_min"), f.get("rank_max"))
    raise ValueError(f"unknown fact type {t!r}")
