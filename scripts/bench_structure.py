"""Time the document-structure reader alone: tables and outline contexts, per document.

    .venv/bin/python scripts/bench_structure.py FOLDER_OR_JSONL_GZ [...] [--limit N]

Why: the structure reader runs on every article that passes the prefilter, and the
plain news that holds no table must not pay for it. Prints the documents read, the
milliseconds per document of ``table_rows`` and of ``outline_context`` (best of 3
passes, after one warm-up pass), and how many table candidates and outline spans
were found. A benchmark prints figures; it asserts nothing.
"""
from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

from pipeline.core.normalize import normalize_text
from pipeline.core.structure.outline import outline_context
from pipeline.core.structure.tables import table_rows


def texts(paths: list[str], limit: int) -> list[str]:
    out: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            files = sorted(p.rglob("*.txt"))
            out += [normalize_text(f.read_text("utf-8", errors="replace")) for f in files]
        else:
            opener = gzip.open if p.suffix == ".gz" else open
            with opener(p, "rt", encoding="utf-8") as fh:
                for line in fh:
                    if len(out) >= limit:
                        break
                    out.append(normalize_text(json.loads(line).get("text") or ""))
    return out[:limit]


def best(fn, docs: list[str], passes: int = 3) -> float:
    times = []
    for _ in range(passes):
        start = time.perf_counter()
        for t in docs:
            fn(t)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--limit", type=int, default=2000)
    args = ap.parse_args()
    docs = texts(args.inputs, args.limit)
    tables = lambda t: table_rows(t, post_merger=False, era_total=63)
    for t in docs:  # warm-up: gazetteer, index matcher
        tables(t), outline_context(t)
    n_rows = sum(len(tables(t)) for t in docs)
    n_spans = sum(len(outline_context(t)) for t in docs)
    ms = lambda s: 1000 * s / max(1, len(docs))
    print(f"{len(docs)} documents, {sum(map(len, docs)) / max(1, len(docs)):.0f} characters each on average")
    print(f"table_rows       {ms(best(tables, docs)):.3f} ms/doc  ({n_rows} table candidates)")
    print(f"outline_context  {ms(best(outline_context, docs)):.3f} ms/doc  ({n_spans} outline spans)")


if __name__ == "__main__":
    main()
