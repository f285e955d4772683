"""Placeholder until the extraction stages land (same session)."""
from __future__ import annotations

from .records import Document, Fact


def extract_document(doc: Document) -> list[Fact]:
    return []
