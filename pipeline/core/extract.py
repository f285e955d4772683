"""The extraction stages for one document: segment -> mentions -> assemble -> decide -> facts.

Every stage is a small module; this one only wires them:

* :mod:`pipeline.core.segment` splits sentences (underthesea) with exact offsets;
* :mod:`pipeline.core.prefilter` lets only sentences that can hold a fact through
  the value extractors and the classifier;
* :mod:`pipeline.core.mentions` runs the extractors over each sentence;
* :mod:`pipeline.core.assemble` pairs values with subject, index and year
  (and :mod:`pipeline.core.alternatives` proposes the other pairings);
* :mod:`pipeline.core.classify` keeps, per value, the pairing the trained model
  accepts (the rules' own pairing when no model is used) and sets ``confidence``;
* :mod:`pipeline.core.resolve` gives the article's province and era.
"""
from __future__ import annotations

from bisect import bisect_right
from itertools import groupby

import regex

from extractors.indices import acronym_pattern, mentions_an_index
from extractors.provinces import document_shadow

from pipeline.core.alternatives import expand
from pipeline.core.consistency import check_document
from pipeline.core.linking import DocContext, link_sentence
from pipeline.core.mentions import sentence_mentions
from pipeline.core.prefilter import Hints
from pipeline.records import FACT_TYPES, Candidate, Document, Fact, fact_key
from pipeline.core.resolve import document_date, is_post_merger, main_province_record
from pipeline.core.sanity import plausible
from pipeline.core.segment import split_sentences
from pipeline.core.structure.outline import OutlineIndex, outline_context
from pipeline.core.structure.tables import TABLE_CONFIDENCE, table_rows

#: Value mentions (ranks, scores, percentages, ...) considered per sentence: a sentence with more
#: keeps its first ones. No real article states 100 figures in one sentence; a run of thousands
#: ("1, 1, 1, ...", a table flattened without full stops) would only cost time.
MAX_VALUES_PER_SENTENCE = 100

_EDITION = regex.compile(
    acronym_pattern() + r"\)?\s*(?:cấp\s+tỉnh\s*)?(?:năm\s*)?((?:19|20)\d\d)(?![\d/])", regex.I)


def edition_year(text: str) -> int | None:
    """The first edition named in the article ("PCI 2023", "(DTI) năm 2024"): the year of last resort."""
    m = _EDITION.search(text)
    return int(m.group(1)) if m else None


def candidates(doc: Document, *, alternatives: bool = False) -> list[tuple[Candidate, object]]:
    """All candidate facts of ``doc`` with the sentence each comes from, in text order."""
    hints = Hints(doc.text)  # one prefilter scan: the document, then each sentence
    if not hints.any():
        return []
    post = is_post_merger(doc)
    date = document_date(doc)
    ctx = DocContext(main_province=main_province_record(doc), era_total=34 if post else 63, post_merger=post,
                     text=doc.text, date_year=date[0] if date is not None else None)
    ctx.edition_year = first_edition = edition_year(doc.text)
    out = []
    shadow = document_shadow(doc.text)  # computed for the article's province just above
    sentences = split_sentences(doc.text, until=hints.end)
    passing = [hints.sentence(s.start, s.end, s.text) for s in sentences]
    last = max((i for i, ok in enumerate(passing) if ok), default=-1)
    # tables and outlines name their index in a title, header or item: a document naming none has none to read
    structured = "\n" in doc.text and mentions_an_index(doc.text)
    if "\n" in doc.text:
        ctx.names_index = structured  # known already: DocContext.document_index need not scan again
    outline = OutlineIndex(outline_context(doc.text) if structured else [])
    for sent, ok in zip(sentences[:last + 1], passing):  # nothing after the last passing sentence can hold a fact
        # sentences the prefilter rejects still tell the next ones their subject, index and year
        mentions = sentence_mentions(sent, values=ok, doc_shadow=shadow)
        if len(mentions) > MAX_VALUES_PER_SENTENCE:
            mentions = _first_values(mentions, MAX_VALUES_PER_SENTENCE)
        heading = outline.at(sent.start)
        if heading is not None:  # "1. Đối với tỉnh X: a) PAR INDEX: …": the headings above name what the item is about
            ctx.enter_outline(heading)
        links = link_sentence(sent, mentions, ctx, outline=heading is not None)
        cands = expand(links.scope, links.candidates) + expand(links.scope, links.dropped) if alternatives else links.candidates
        out.extend((cand, sent) for cand in cands)
    rows = [] if not structured else table_rows(doc.text, post_merger=post, era_total=ctx.era_total, default_year=first_edition,
                      main_province=ctx.main_province)
    return _with_table_rows(out, rows) if rows else out


def _with_table_rows(out: list, rows: list) -> list:
    """Table-row candidates (:mod:`pipeline.core.structure.tables`) slotted in text order.

    A table row is read by its columns: the sentence path's readings of a value inside a
    row that gave table facts are dropped ("Xếp hạng\n1 Đà Nẵng 70,12 2" is no rank 1 of
    Đà Nẵng: the 1 is the row number); its percentages stay (SCHEMA.md: every percentage figure is a
    fact). The other pairs keep their order.
    """
    spans = sorted({(s.start, s.end) for _, s in rows})
    starts = [a for a, _ in spans]

    def in_row(c) -> bool:
        k = bisect_right(starts, c.end - 1) - 1  # the last row starting before the value ends
        return k >= 0 and spans[k][1] > c.start

    out = [(c, s) for c, s in out if c.type == "percentage" or not in_row(c)]  # a row's "90,61%" stays a percentage
    merged, i = [], 0
    for cand, sent in out:
        while i < len(rows) and rows[i][1].start < sent.start:
            merged.append(rows[i])
            i += 1
        merged.append((cand, sent))
    return merged + rows[i:]


def extract_document(doc: Document, *, decide=None) -> list[Fact]:
    """Facts of one document in text order; a key is stated once per sentence (percentages: once per figure)."""
    from pipeline.core.classify import default_decider

    decide = decide or default_decider()
    pairs = candidates(doc, alternatives=decide.wants_alternatives)
    facts: list[Fact] = []
    seen: set = set()
    for _, group in groupby(pairs, key=lambda p: (p[1].start, p[0].group)):
        group = list(group)
        sent = group[0][1]
        cands = [c for c, _ in group if plausible(c)]  # absurd values (inf, 400 digits) are no fact
        # a table row's reading is the structure's, not the sentence classifier's (it never saw tables)
        decided = [(c, TABLE_CONFIDENCE) for c in cands] if cands and cands[0].rule == "table_row" else decide(cands)
        for cand, confidence in decided:
            # a statement repeated in another sentence is kept (its own evidence); one sentence states a key once
            key = (fact_key({"type": cand.type, **cand.fields}), sent.start,
                   cand.start if cand.type == "percentage" else None)
            if key in seen:
                continue
            seen.add(key)
            rule = f"{cand.rule}|model" if decide.wants_alternatives and cand.rule != "table_row" else cand.rule
            start, end = evidence_span(cand, sent)
            facts.append(Fact(doc.doc_id, cand.type, dict(cand.fields), doc.text[start:end], start, end,
                              confidence, rule))
    # a fact its own article contradicts says so (field absent otherwise: other lines keep their bytes)
    for i, reasons in check_document([{"type": f.type, **f.fields, "char_start": f.char_start,
                                       "char_end": f.char_end} for f in facts]).items():
        facts[i].fields["inconsistent"] = reasons
    return facts


def _first_values(mentions: list, limit: int) -> list:
    """Every context mention, and only the first ``limit`` value mentions (mentions stay sorted)."""
    kept, n = [], 0
    for m in mentions:
        if m.kind in FACT_TYPES:
            n += 1
            if n > limit:
                continue
        kept.append(m)
    return kept


_TRIM = " \t\n,;:–-"


def evidence_span(cand: Candidate, sent) -> tuple[int, int]:
    """The clause that states the fact, widened to the index and subject it names in the sentence.

    "Năm 2022, Thái Bình xếp thứ 13/63 ... về chỉ số SIPAS, tăng 27 bậc so với năm 2021; chỉ số
    PAR INDEX xếp thứ 43/63 ..." gives each index's facts their own clause, not the whole sentence.
    """
    a = cand.scope
    if a is None:  # no sentence around it: a table row (pipeline.core.structure), its own evidence
        return sent.start, sent.end
    lo, hi = a.clause(cand.start)
    hi = max(hi, cand.end)
    if a is not None:
        near = lambda ms: min(ms, key=lambda m: abs(m.start - cand.start)) if ms else None
        idx = near([m for m in a.indices if m.attrs["index"] == cand.fields.get("index")])
        prov = near([m for m in a.provinces if m.attrs["name"] == cand.fields.get("province")])
        for m in (idx, prov):
            if m is not None and abs(m.start - cand.start) <= 200:
                lo, hi = min(lo, m.start), max(hi, m.end)
    text = sent.text
    while lo < hi and text[lo - sent.start] in _TRIM:
        lo += 1
    while hi > lo and text[hi - 1 - sent.start] in _TRIM + ".":
        hi -= 1
    if hi - lo < 8:  # nothing sensible left: the whole sentence
        return sent.start, sent.end
    return lo, hi
