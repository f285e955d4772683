"""Linking constructions: the ways Vietnamese reporting ties a value to its subject, index and year.

Each construction is a short module with a ``NAME`` and one entry point:

* binders, run before the values are linked, return ``{value start: subject}``
  (:mod:`.respectively`: "A và B lần lượt xếp thứ 2 và 3");
* the default, :mod:`.nearest`, links each value to its nearest plausible
  fillers (with :mod:`.parenthetical` for "(Sóc Trăng)"/"(2023)" after a value and
  :mod:`.coordination` for "các chỉ số PCI, PAPI và SIPAS");
* extenders, run after, add candidates the values imply
  (:mod:`.sequence`: "tiếp theo là A, B" continues the ranks; :mod:`.preceding`: "thứ 4,
  sau A, B và C"; :mod:`.shared`: "A và B cùng xếp thứ 62").

Every candidate names the construction that built it (``Candidate.construction``);
the classifier's features read that name and the slot cues, so a new
construction gets its features without new feature code. A new construction is
a module here, a line in :mod:`pipeline.core.linking`, and its cases in
``tests/cases/``.
"""
