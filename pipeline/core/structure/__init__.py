"""Document structure: tables and outlines, read as structure rather than as sentences.

Why a reader of its own: a table row ("| Quảng Ninh | 71,25 | 1 |") or an outline item
("a) PAR INDEX: Đạt 89,13%, hạng 22/63") states its facts through the document's layout:
the header names the columns, the title names the index and year, the heading names the
subject. A sentence linker that reads one sentence at a time cannot see that layout.

* :mod:`pipeline.core.structure.cells` splits lines into cells, the shapes scrapers produce;
* :mod:`pipeline.core.structure.tables` finds ranking and profile tables and turns each row
  into rank and score candidates;
* :mod:`pipeline.core.structure.outline` gives every span of an outline the subject, index
  and year its headings establish.
"""
