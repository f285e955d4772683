"""Ingestion cost of the hostile inputs of issue 13 (item 13): prints figures, asserts nothing.

Builds in a temporary folder:
  * newlines: a .jsonl.gz of 100 MB of newlines (97 KB compressed);
  * empty:    a .jsonl.gz of 1.6 million ``{}`` lines (every line an error);
  * words:    a .jsonl.gz of N one-word records with 40-character ids;
and reads each through ``pipeline.batch.ingest.iter_inputs`` (no extraction), printing
the time, the items yielded, the error lines a run would write, and for "words" the
traced memory per document (tracemalloc, which slows the reading). Run it against
another checkout with ``PYTHONPATH=OTHER python scripts/bench_hostile.py`` to compare.

    .venv/bin/python scripts/bench_hostile.py [--words 300000]
"""
from __future__ import annotations

import argparse
import gzip
import tempfile
import time
import tracemalloc
from pathlib import Path

from pipeline.batch import ingest


def build(folder: Path, words: int) -> dict[str, Path]:
    paths = {"newlines": folder / "newlines.jsonl.gz", "empty": folder / "empty.jsonl.gz",
             "words": folder / "words.jsonl.gz"}
    with gzip.open(paths["newlines"], "wb", compresslevel=9) as fh:
        for _ in range(100):
            fh.write(b"\n" * 1_000_000)
    with gzip.open(paths["empty"], "wb", compresslevel=9) as fh:
        for _ in range(16):
            fh.write(b"{}\n" * 100_000)
    with gzip.open(paths["words"], "wb", compresslevel=6) as fh:
        for i in range(words):
            fh.write(b'{"id":"tin-tuc-chi-so-pci-nam-2022-%014d","text":"PCI"}\n' % i)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=300_000, help="one-word records in the memory input")
    args = parser.parse_args()
    print(f"ingest: {ingest.__file__}")
    with tempfile.TemporaryDirectory() as tmp:
        paths = build(Path(tmp), args.words)
        for name in ("newlines", "empty"):
            start = time.perf_counter()
            n_items = n_docs = 0
            for item in ingest.iter_inputs([paths[name]]):
                n_items += 1
                n_docs += getattr(item, "n_documents", 1)
            print(f"{name}: {paths[name].stat().st_size:,} bytes compressed -> {n_items:,} lines written "
                  f"for {n_docs:,} documents in {time.perf_counter() - start:.2f} s")
        tracemalloc.start()
        marks = {}
        quarter = max(1, args.words // 4)
        start = time.perf_counter()
        for k, _ in enumerate(ingest.iter_inputs([paths["words"]]), 1):
            if k in (quarter, args.words):
                marks[k] = tracemalloc.get_traced_memory()[0]
        elapsed = time.perf_counter() - start
        tracemalloc.stop()
        grown = marks[args.words] - marks[quarter]
        print(f"words: {args.words:,} one-word records in {elapsed:.1f} s (traced); memory grew "
              f"{grown / 1e6:.1f} MB from record {quarter:,} to {args.words:,}: "
              f"{grown / (args.words - quarter):.0f} bytes per document")


if __name__ == "__main__":
    main()
