"""Check that a change keeps the output bytes: the current tree against a git revision.

    .venv/bin/python scripts/compare_outputs.py --base REV [--limit 2000] [--keep DIR]

Why: a refactoring must not change a single fact. This runs ``extract`` over the four
input sets a reviewer cares about (the bundled ``corpus/``, ``../shared/corpus/dev``,
``../shared/corpus/dev2`` and the first ``--limit`` articles of
``../shared/bench/vnnews.jsonl.gz``) once with the code of ``--base`` (checked out into a
temporary worktree) and once with the working tree, and compares ``facts.jsonl`` and
``documents.jsonl`` byte for byte. ``documents.jsonl`` names each input by its path, so
both runs read the same input paths. Exit status 1 on any difference.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ("facts.jsonl", "documents.jsonl")


def run_extract(code: Path, inputs: list[str], out: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(code)}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", *inputs, "--out", str(out), "--quiet"],
                          capture_output=True, text=True, cwd=code, env=env)
    if proc.returncode not in (0, 3):
        raise SystemExit(f"extract failed in {code} ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True, help="git revision whose output is the reference")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--limit", type=int, default=2000, help="bench articles (default 2000)")
    ap.add_argument("--keep", help="keep the outputs in this folder")
    args = ap.parse_args(argv)
    shared = Path(args.shared).resolve()
    work = Path(args.keep or tempfile.mkdtemp(prefix="compare-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = work / f"bench{args.limit}.jsonl"
    with gzip.open(shared / "bench" / "vnnews.jsonl.gz", "rt", encoding="utf-8") as src, bench.open("w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i >= args.limit:
                break
            dst.write(line)
    sets = {"corpus": [str(ROOT / "corpus")], "dev": [str(shared / "corpus" / "dev")],
            "dev2": [str(shared / "corpus" / "dev2")], f"bench{args.limit}": [str(bench)]}
    base_tree = work / "base-tree"
    if not base_tree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(base_tree), args.base], cwd=ROOT, check=True,
                       capture_output=True)
    failed = 0
    try:
        for name, inputs in sets.items():
            times = {}
            for side, code in (("base", base_tree), ("head", ROOT)):
                if side == "base" and args.keep and (work / side / name / FILES[1]).exists():
                    times[side] = 0.0  # the reference kept from an earlier run of the same --keep folder
                    continue
                times[side] = run_extract(code, inputs, work / side / name)
            for f in FILES:
                a, b = work / "base" / name / f, work / "head" / name / f
                same = a.read_bytes() == b.read_bytes()
                failed += not same
                lines = sum(1 for _ in b.open(encoding="utf-8"))
                print(f"{name:10} {f:16} {'IDENTICAL' if same else 'DIFFERENT'}  {lines:6} lines  "
                      f"sha256 {digest(a)} / {digest(b)}")
            print(f"{name:10} time base {times['base']:.1f} s, head {times['head']:.1f} s")
    finally:
        if not args.keep:
            subprocess.run(["git", "worktree", "remove", "--force", str(base_tree)], cwd=ROOT, capture_output=True)
    print("all identical" if not failed else f"{failed} file(s) differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
