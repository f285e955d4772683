"""Vietnamese governance-index fact extraction.

>>> from pipeline import extract_text
>>> [f["rank"] for f in extract_text("Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS.") if f["type"] == "rank"]
[13]
"""
from .api import extract_text

__all__ = ["extract_text"]
