"""Typed records passed between stages: documents, mentions, facts.

Every offset in a record refers to ``Document.text``, the *normalised* text
(see :func:`pipeline.normalize.normalize_text`), so that
``doc.text[m.start:m.end] == m.text`` always holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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


@dataclass(frozen=True, slots=True)
class Mention:
    """A typed span found by an extractor.

    ``kind`` names the extractor family (``province``, ``index``, ``year``,
    ``rank``, ``rank_change``, ``score``, ``score_change``, ``percentage``,
    ``rank_target``, ``national``); ``attrs`` holds the parsed values.
    """

    kind: str
    start: int
    end: int
    text: str
    attrs: dict[str, Any] = field(default_factory=dict)
    rule: str = ""

    def shifted(self, offset: int) -> "Mention":
        return Mention(self.kind, self.start + offset, self.end + offset, self.text, self.attrs, self.rule)


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
