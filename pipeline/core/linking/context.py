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

from extractors.indices import named_indices
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
    ranks_of: dict = field(default_factory=dict)  # (province, index, year) -> its last rank given
    value_year: int | None = None  # the year of the previous sentence's last figure ("Trong đó, …" reads it)
    #: the whole document, read only when a value finds no index or year anywhere else
    text: str = field(default="", repr=False)
    date_year: int | None = None
    names_index: bool | None = None  # whether the document names any index alias (None: not known yet)
    _document: dict = field(default_factory=dict, repr=False)

    def document_index(self) -> str | None:
        """The one index the whole document names, for values stated before it is named (a photo
        essay's captions "Vĩnh Long (66,1 điểm) đứng thứ 6" before "bảng xếp hạng PCI 2017"); None
        when the document names none or several."""
        if "index" not in self._document:
            codes = named_indices(self.text) if self.names_index is not False else set()
            self._document["index"] = codes.pop() if len(codes) == 1 else None
        return self._document["index"]

    def document_total(self) -> int | None:
        """How many provinces the article says were ranked ("xếp thứ 39/63", "PAPI 2023 của 61 tỉnh/thành
        phố"), the most said first: the place of "đứng cuối bảng" (ANNOTATION.md: rank N with a stated total)."""
        if "total" not in self._document:
            self._document["total"] = stated_total(self.text, self.post_merger)
        return self._document["total"]

    def document_year(self) -> int | None:
        """The latest year the document reports ("năm 2021 … còn năm 2022 …"), not after it was
        written and not a goal ("đến năm 2025", "giai đoạn 2021-2025"): the edition an article that
        never names one ("năm nay", "tiếp tục dẫn đầu") is about. A last resort after the running year."""
        if "year" not in self._document:
            years = [int(m.group(1)) for m in _REPORTED_YEAR.finditer(self.text)]
            years = [y for y in years if self.date_year is None or y <= self.date_year]
            self._document["year"] = max(years, default=None)
        return self._document["year"]

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


#: A stated number of ranked provinces: "39/63", "trong 63 tỉnh, thành phố", "của 61 tỉnh/thành phố".
_STATED_TOTAL = regex.compile(r"(?<![\d/.,])\d{1,2}\s*/\s*(?P<t>6[0-3]|34)(?![\d/.,]\d)|(?<![\d/.,])(?P<n>6[0-3]|34)\s+(?:tỉnh|địa\s+phương)")

def stated_total(text: str, post_merger: bool) -> int | None:
    """How many provinces ``text`` says a ranking holds ("xếp thứ 39/63", "của 61 tỉnh/thành phố"),
    the most said first; 34 only after the merger and 60–63 only before it.

    >>> stated_total("PAPI 2023 của 61 tỉnh/thành phố; Đắk Nông đứng cuối, Hà Nội thứ 12/61", False)
    61
    """
    said = [int(m.group("t") or m.group("n")) for m in _STATED_TOTAL.finditer(text)]
    said = [t for t in said if (t == 34) == post_merger]
    return max(set(said), key=lambda t: (said.count(t), -said.index(t))) if said else None


#: "năm 2022" as the time of a figure, not a goal or a period's end ("đến năm 2025", "2021-2025").
_REPORTED_YEAR = regex.compile(r"(?<!(?:đến|tới|giai\s+đoạn|kỳ|từ)\s+)(?<![-–/]\s*)[Nn]ăm\s+((?:19|20)\d\d)(?!\d|\s*[-–]\s*\d)")

#: "Năm 2023, …", "Trong năm 2023, …": a sentence that opens with the year it reports.
LEAD_YEAR = regex.compile(r"\s*(?:date\s+[\d-]+\s+)?(?:Trong\s+|Tính\s+đến\s+)?[Nn]ăm\s+(\d{4})\s*,")
