"""Command line: ``python -m pipeline extract PATH... [--out DIR]``."""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

from tqdm import tqdm

from .run import iter_results, write_results


def _extract(args: argparse.Namespace) -> int:
    results = tqdm(iter_results(args.paths), desc="documents", unit="doc",
                   disable=args.quiet or None, file=sys.stderr)
    counts = write_results(results, args.out)
    _summary(counts, args.out)
    return 1 if counts.get("status:error") and args.strict else 0


def _summary(counts, out) -> None:
    print(f"documents: {counts['documents']}  ok: {counts['status:ok']}  errors: {counts['status:error']}")
    types = sorted((k.split(':', 1)[1], v) for k, v in counts.items() if k.startswith("type:"))
    print("facts: " + (", ".join(f"{t} {n}" for t, n in types) or "none")
          + f"  (total {sum(n for _, n in types)})")
    print(f"written: {out}/facts.jsonl, {out}/documents.jsonl")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline",
                                     description="Extract governance-index facts from Vietnamese articles.")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract facts from files or folders",
                        description="Read .txt and .jsonl articles (files or folders, recursively) and "
                                    "write DIR/facts.jsonl (one fact per line) and DIR/documents.jsonl "
                                    "(one line per input document, with its status).")
    ex.add_argument("paths", nargs="+", metavar="PATH", help="input files or folders")
    ex.add_argument("--out", default="outputs", metavar="DIR", help="output folder (default: outputs)")
    ex.add_argument("--strict", action="store_true", help="exit with status 1 if any document failed")
    ex.add_argument("--quiet", action="store_true", help="no progress bar")
    ex.set_defaults(func=_extract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
