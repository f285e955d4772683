"""Vietnamese governance-index fact extraction.

>>> from pipeline import extract_text
>>> [f["rank"] for f in extract_text("Năm 2022, Thái Bình xếp thứ 13/63 tỉnh, thành phố về chỉ số SIPAS.") if f["type"] == "rank"]
[13]
"""


def extract_text(text, *, doc_id="text", date=None):
    """Facts of one article text (see :func:`pipeline.api.extract_text`)."""
    from pipeline.api import extract_text as _extract_text

    return _extract_text(text, doc_id=doc_id, date=date)


__all__ = ["extract_text"]
