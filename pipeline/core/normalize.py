"""Text normalisation: the one function that defines the text all offsets refer to.

Only changes that keep a published NFC text's offsets are applied after NFC,
so offsets computed by annotators on the NFC text stay valid:

* Unicode NFC (composes decomposed tone marks: ``o`` + U+0300 -> ``ò``);
* a leading BOM, zero-width characters and soft hyphens are removed;
* ``\\r\\n`` and ``\\r`` become ``\\n``;
* NBSP and the other Unicode space characters become a plain space.

>>> normalize_text("Kh\\u00e1nh Hoa\\u0300\\u00a0PCI\\r\\n")
'Khánh Hoà PCI\\n'
"""
from __future__ import annotations

import unicodedata

import regex

_DROP = regex.compile(r"[\ufeff\u200b\u200c\u200d\u2060\u00ad]")
_SPACES = regex.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def normalize_text(text: str) -> str:
    """Return the canonical form of ``text`` that every offset in the output refers to."""
    text = unicodedata.normalize("NFC", text)
    text = _DROP.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _SPACES.sub(" ", text)
