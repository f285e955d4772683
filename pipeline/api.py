"""The small Python API: one call from a text to its facts."""
from __future__ import annotations

from typing import Any

from pipeline.core.extract import extract_document
from pipeline.core.normalize import normalize_text
from pipeline.records import Document


def extract_text(text: str, *, doc_id: str = "text", date: str | None = None) -> list[dict[str, Any]]:
    """Extract the facts of one article; offsets refer to ``normalize_text(text)``."""
    doc = Document(doc_id, normalize_text(text), "<text>", {"date": date})
    return [f.to_json() for f in extract_document(doc)]
