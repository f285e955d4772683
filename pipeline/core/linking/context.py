"""What earlier sentences established, and how a province becomes a fact's fields.

:class:`DocContext` is the running state of one document (its own province, the
era, the running subject, index and year). :class:`Snapshot` is that state as a
sentence found it: the alternatives and the classifier's features read the
snapshot, never the live context, so what later sentences do cannot change them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import regex

from extractors.provinces import merged_unit

#: The nation as a subject: national averages and national percentages (SCHEMA.md).
VIETNAM = {"name": "Việt Nam", "code": None, "province_2025": "Việt Nam"}


@dataclass
class DocContext:
    """What earlier sentences established: the running subject, index and year."""

    main_province: dict | None
    era_total: int
    post_merger: bool
    subject: dict | None = None
    index: str | None = None
    year: int | None = None
    year_source: str | None = None  # how ``year`` was set: "index:PCI" ("PCI 2023") or "lead" ("Năm 2023, ...")
    edition_year: int | None = None  # first "PCI 2023"-style year of the document: a last resort
    last_rank: dict = field(default_factory=dict)  # (index, year) -> last rank given

    def enter_outline(self, heading: dict) -> None:
        """An outline item's inherited heading ({"province", "index", "year"}, from
        :func:`pipeline.core.structure.outline.outline_context`) is what the text above established."""
        if heading.get("province"):
            self.subject = dict(heading["province"])
        if heading.get("index"):
            self.index = heading["index"]
        if heading.get("year"):
            self.year, self.year_source = heading["year"], "outline"

    def snapshot(self) -> "Snapshot":
        return Snapshot(self.subject, self.main_province, self.index, self.year, self.edition_year,
                        self.year_source, self.post_merger)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The document context as it stood before a sentence (read-only)."""

    subject: dict | None
    main: dict | None
    index: str | None
    year: int | None
    edition: int | None
    year_source: str | None
    post_merger: bool


def province_fields(p: dict | None, post_merger: bool) -> dict[str, Any]:
    """A fact's province fields from a province record.

    In an article written after the 1 July 2025 merger, a unit that kept its name ("Gia Lai", "TP Hải
    Phòng", "TP Huế") is the merged unit (its 2025 code); an absorbed unit ("Bình Định") and one
    marked old ("Cần Thơ (cũ)") stay the 63-unit one.
    """
    if p is None:
        return {"province": None, "province_code": None, "province_2025": None}
    if post_merger and p.get("era") == "legacy" and not p.get("old") and p.get("province_2025"):
        new = merged_unit(p["name"], p["province_2025"])
        if new is not None:
            return {"province": new.name, "province_code": new.code, "province_2025": new.name}
    name = p["name"]
    if post_merger and p.get("province_2025") == "Huế" and name == "Thừa Thiên Huế":
        name = "Huế"
    return {"province": name, "province_code": p.get("code"), "province_2025": p.get("province_2025")}


def record_of(fields: dict[str, Any]) -> dict:
    """The province record behind a fact's fields (the running subject for the next sentences)."""
    return {"name": fields["province"], "code": fields.get("province_code"), "province_2025": fields.get("province_2025")}


#: "Năm 2023, …", "Trong năm 2023, …": a sentence that opens with the year it reports.
LEAD_YEAR = regex.compile(r"\s*(?:date\s+[\d-]+\s+)?(?:Trong\s+|Tính\s+đến\s+)?[Nn]ăm\s+(\d{4})\s*,")
