"""Index-name mentions (PCI, PAPI, PAR INDEX, ...) and named components.

Matching is kept apart from the names: ``data/indices.json`` lists every
alias, and a spaCy ``PhraseMatcher`` on lower-cased tokens finds them, so
"Par Index", "PAR INDEX" and "chỉ số cải cách hành chính" all give
``PAR_INDEX``. Old and new tone-mark placement ("hoá"/"hóa") are both
registered. OCR damage such as ``PAP1`` is an alias like any other.

>>> [(m.text, m.attrs["index"]) for m in find_indices("Chỉ số PAP1 và Par Index năm 2022")]
[('PAP1', 'PAPI'), ('Par Index', 'PAR_INDEX')]
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Iterator

from .mention import Mention

from .trie import trie_pattern


def _tone_variants(text: str) -> set[str]:
    """Both tone-mark placements of every oa/oe/uy syllable (hóa/hoá, thủy/thuỷ)."""
    pairs = {
        "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
        "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
        "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
    }
    out = {text}
    for old, new in pairs.items():
        out |= {v.replace(old, new) for v in out} | {v.replace(new, old) for v in out}
    return out


@lru_cache(maxsize=1)
def _load():
    import spacy
    from spacy.matcher import PhraseMatcher

    data = _data()
    nlp = spacy.blank("xx")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for code, spec in data["indices"].items():
        for strength in ("strong", "weak", "components"):
            phrases = {v for alias in spec[strength] for v in _tone_variants(alias)}
            matcher.add(f"{code}|{strength}", [nlp.make_doc(p) for p in sorted(phrases)])
    matcher.add("NOT|not_index", [nlp.make_doc(p) for p in data["not_index"]])
    # An index match is a run of tokens whose lower-cased texts are an alias's, with at most
    # spaces between them: a sentence whose lower-cased text holds no alias that way cannot
    # match, so the tokenizer need not run at all (true of >99% of news sentences).
    phrases = {" ".join(t.lower_ for t in nlp.make_doc(v))
               for spec in data["indices"].values() for strength in ("strong", "weak", "components")
               for alias in spec[strength] for v in _tone_variants(alias)}
    gate = re.compile(trie_pattern(sorted(phrases)))  # stdlib re: fastest on literals
    return nlp, matcher, gate


def _data() -> dict:
    return json.loads(resources.files("extractors").joinpath("data/indices.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def acronym_pattern() -> str:
    r"""The indices' short names as one alternation, for "PCI 2023"-style editions.

    >>> acronym_pattern()
    '(?:PCI|PAPI|PAR\\s*INDEX|SIPAS|ICT\\s*Index|DTI|PGI|DDCI)'
    """
    names = [v for k, v in _data()["acronyms"].items() if not k.startswith("_")]
    return "(?:" + "|".join(r"\s*".join(re.escape(w) for w in n.split()) for n in names) + ")"


def mentions_an_index(text: str) -> bool:
    """Whether ``text`` holds any index alias at all (the gate :func:`find_indices` uses): a cheap
    test before reading a whole document's structure.

    >>> mentions_an_index("Bảng xếp hạng chỉ số PCI năm 2023"), mentions_an_index("Giá vàng hôm nay tăng")
    (True, False)
    """
    return _load()[2].search(text.lower()) is not None


def named_indices(text: str) -> set[str]:
    """The codes of the indices ``text`` names with a strong alias: the tokenizer runs only on the
    stretches around the gate's hits, so a long document costs one scan of its text.

    >>> sorted(named_indices("Tin tức. " * 500 + "Bảng xếp hạng PCI 2023 và chỉ số PAPI."))
    ['PAPI', 'PCI']
    """
    _, _, gate = _load()
    lower = text.lower()
    spans: list[list[int]] = []
    for m in gate.finditer(lower):
        lo, hi = max(0, m.start() - 40), min(len(text), m.end() + 40)
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = hi
        else:
            spans.append([lo, hi])
    return {m.attrs["index"] for lo, hi in spans for m in find_indices(text[lo:hi])
            if m.attrs["strength"] == "strong" and m.attrs["index"] != "OTHER"}


def find_indices(text: str, offset: int = 0) -> Iterator[Mention]:
    """Index and component mentions in ``text``, longest match first, no overlaps.

    ``attrs``: ``index`` (code), ``strength`` (strong | weak | component),
    ``component`` (the name as written, for components).
    """
    from spacy.util import filter_spans

    nlp, matcher, gate = _load()
    if not gate.search(text.lower()):
        return
    doc = nlp.make_doc(text)
    spans = [doc[s:e] for _, s, e in matcher(doc)]
    labels = {(doc[s:e].start, doc[s:e].end): nlp.vocab.strings[k] for k, s, e in matcher(doc)}
    for span in filter_spans(spans):
        code, strength = labels[(span.start, span.end)].split("|")
        if code == "NOT":
            continue
        start, end = span.start_char, span.end_char
        if not _bounded(text, start, end):
            continue
        attrs = {"index": code, "strength": "component" if strength == "components" else strength}
        if strength == "components":
            attrs["component"] = text[start:end]
        yield Mention("index", start + offset, end + offset, text[start:end], attrs, f"index:{strength}")


def _bounded(text: str, start: int, end: int) -> bool:
    """Whole words only: "PCI" must not match inside "PCIe" or "SPCI"."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum())
