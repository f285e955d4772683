"""Which document ids a run has already seen, in a few bytes per id whatever the id's length.

Duplicate detection must remember every id of the run. Keeping the ids themselves
(a dict of id -> source) cost ~200 bytes per document, and an attacker's long ids
far more; millions of one-word records then grow the process without limit. Here
an id is kept as a 64-bit BLAKE2b hash in an open-addressing table of two flat
``array('q')`` columns (hash, where-first-seen): 16 bytes per slot, at most 3/4
full, so 21-43 bytes per id, independent of the id's length.

The price is a hash collision: two different ids with the same 64-bit hash would
be reported as a duplicate. Among n ids that happens with probability about
n^2 / 2^65: 3e-6 for ten million ids. The error line names where the first one
was seen, so such a false duplicate is visible, never silent.
"""
from __future__ import annotations

import hashlib
from array import array

_EMPTY = 0
_MAX_LOAD = 0.75


def id_hash(doc_id: str) -> int:
    """The 64-bit key of an id (never 0, which marks an empty slot)."""
    digest = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True) or 1


class SeenIds:
    """A set of ids, each with one integer saying where it was first seen.

    >>> seen = SeenIds()
    >>> seen.add("000_1958cf11339f40e9", 7)
    >>> seen.get("000_1958cf11339f40e9"), seen.get("other"), len(seen)
    (7, None, 1)
    """

    def __init__(self, capacity: int = 1024) -> None:
        size = 1
        while size < capacity:
            size *= 2
        self._keys = array("q", bytes(8 * size))
        self._values = array("q", bytes(8 * size))
        self._mask = size - 1
        self._n = 0

    def __len__(self) -> int:
        return self._n

    @property
    def nbytes(self) -> int:
        """Bytes held by the table (both columns)."""
        return (len(self._keys) + len(self._values)) * 8

    def _slot(self, key: int) -> int:
        i = key & self._mask
        keys = self._keys
        while keys[i] != _EMPTY and keys[i] != key:
            i = (i + 1) & self._mask
        return i

    def get(self, doc_id: str) -> int | None:
        """Where ``doc_id`` was first seen, or None if it was not."""
        key = id_hash(doc_id)
        i = self._slot(key)
        return self._values[i] if self._keys[i] == key else None

    def add(self, doc_id: str, where: int) -> None:
        """Remember ``doc_id`` (first seen at ``where``); an id already present keeps its first place."""
        self.first_or_add(doc_id, where)

    def first_or_add(self, doc_id: str, where: int) -> int | None:
        """Where ``doc_id`` was first seen; if it was not, remember it at ``where`` and return None.

        One hash and one probe per document, the ingestion's duplicate check.
        """
        key = id_hash(doc_id)
        i = self._slot(key)
        if self._keys[i] == key:
            return self._values[i]
        self._keys[i] = key
        self._values[i] = where
        self._n += 1
        if self._n > _MAX_LOAD * len(self._keys):
            self._grow()
        return None

    def _grow(self) -> None:
        old_keys, old_values = self._keys, self._values
        size = 2 * len(old_keys)
        self._keys = array("q", bytes(8 * size))
        self._values = array("q", bytes(8 * size))
        self._mask = size - 1
        for key, value in zip(old_keys, old_values):
            if key != _EMPTY:
                i = self._slot(key)
                self._keys[i] = key
                self._values[i] = value
