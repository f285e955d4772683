r"""Phrase lists as one regular expression factored by common prefixes.

Why: ``re`` tries the branches of a flat alternation one by one at every position;
a prefix tree rejects a position after one or two characters, which makes a scan
for hundreds of phrases about as cheap as a scan for a few.

>>> trie_pattern(["chỉ số", "chỉ tiêu", "xếp thứ"])
'(?:chỉ\\s*(?:số|tiêu)|xếp\\s*thứ)'
"""
from __future__ import annotations

import re
from typing import Iterable


def trie_pattern(phrases: Iterable[str]) -> str:
    """One alternation matching exactly ``phrases``; a space in a phrase matches any spacing (``\\s*``)."""
    tree: dict = {}
    for phrase in phrases:
        node = tree
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [(r"\s*" if ch == " " else re.escape(ch)) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)
