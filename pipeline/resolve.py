"""Resolve: the article's own province, relative years."""
from __future__ import annotations

from .records import Document


def main_province(doc: Document) -> str | None:
    return None
