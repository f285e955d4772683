"""The extraction stages for one document: segment -> mentions -> assemble -> decide -> facts.

Every stage is a small module; this one only wires them:

* :mod:`pipeline.segment` splits sentences (underthesea) with exact offsets;
* :mod:`pipeline.mentions` runs the extractors over each sentence;
* :mod:`pipeline.assemble` pairs values with subject, index and year;
* :mod:`pipeline.classify` keeps the candidates the trained model accepts
  (rules alone when no model is loaded) and sets ``confidence``;
* :mod:`pipeline.resolve` gives the article's province and era.
"""
from __future__ import annotations

import regex

from .assemble import Candidate, DocContext, assemble_sentence
from .mentions import sentence_mentions
from .prefilter import might_hold_fact, might_hold_facts
from .records import Document, Fact
from .resolve import is_post_merger, main_province_record
from .segment import split_sentences


_EDITION = regex.compile(
    r"(?:PCI|PAPI|PAR\s*INDEX|SIPAS|ICT\s*Index|DTI|PGI|DDCI)\)?\s*(?:cấp\s+tỉnh\s*)?(?:năm\s*)?((?:19|20)\d\d)(?![\d/])", regex.I)


def edition_year(text: str) -> int | None:
    """The first edition named in the article ("PCI 2023", "(DTI) năm 2024"): the year of last resort."""
    m = _EDITION.search(text)
    return int(m.group(1)) if m else None


def candidates(doc: Document) -> list[tuple[Candidate, object]]:
    """All candidate facts of ``doc`` with the sentence each comes from."""
    post = is_post_merger(doc)
    ctx = DocContext(main_province=main_province_record(doc), era_total=34 if post else 63, post_merger=post)
    ctx.edition_year = edition_year(doc.text)
    out = []
    if not might_hold_facts(doc.text):
        return []
    sentences = split_sentences(doc.text)
    for sent in sentences:
        # sentences the prefilter rejects still tell the next ones their subject, index and year
        mentions = sentence_mentions(sent, values=might_hold_fact(sent.text))
        for cand in assemble_sentence(sent, mentions, ctx):
            out.append((cand, sent))
    return out


def extract_document(doc: Document, *, decide=None) -> list[Fact]:
    """Facts of one document, deduplicated by scoring key, in text order."""
    from .classify import default_decider
    from .evaluate import fact_key

    decide = decide or default_decider()
    facts: list[Fact] = []
    seen: set = set()
    for cand, sent in candidates(doc):
        keep, confidence = decide(cand, sent)
        if not keep:
            continue
        fields = dict(cand.fields)
        record = {"type": cand.type, **fields}
        key = fact_key(record)
        evidence_key = (key, sent.start)
        if key in seen and evidence_key in seen:
            continue
        seen.add(key)
        seen.add(evidence_key)
        facts.append(Fact(doc.doc_id, cand.type, fields, sent.text, sent.start, sent.end, confidence, cand.rule))
    return facts
