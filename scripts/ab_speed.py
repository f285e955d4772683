"""A/B speed of `extract` between git revisions, interleaved so that they share the machine's mood.

    .venv/bin/python scripts/ab_speed.py --revs 02a3091 HEAD [--limit 5000] [--rounds 5]

Why: "no slower than before" is a claim about two versions of the code on the same
input and the same machine. This checks each revision out into a temporary worktree,
then runs ``python -m pipeline extract`` on the first ``--limit`` articles of
``../shared/bench/vnnews.jsonl.gz`` once per revision per round, revisions in turn, and
prints each run's wall time (including start-up), the median per revision and the
median of the round-by-round ratios against the first revision. Same interpreter and
packages for every revision (this project's .venv).
"""
from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--revs", nargs="+", required=True, help="git revisions; the first is the reference")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--limit", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="ab-speed-"))
    bench = work / "bench.jsonl"
    with gzip.open(Path(args.shared) / "bench" / "vnnews.jsonl.gz", "rt", encoding="utf-8") as src, \
            bench.open("w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i >= args.limit:
                break
            dst.write(line)
    trees = {}
    for rev in args.revs:
        tree = work / f"tree-{len(trees)}"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), rev], cwd=ROOT, check=True, capture_output=True)
        trees[rev] = tree
    times: dict[str, list[float]] = {rev: [] for rev in args.revs}
    try:
        for r in range(args.rounds):
            for rev, tree in trees.items():
                out = work / f"out-{r}-{len(times[rev])}-{rev.replace('/', '_')}"
                t0 = time.perf_counter()
                proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(bench), "--out", str(out), "--quiet"],
                                      cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)}, capture_output=True, text=True)
                dt = time.perf_counter() - t0
                if proc.returncode not in (0, 3):
                    raise SystemExit(f"{rev}: extract failed ({proc.returncode}): {proc.stderr[-2000:]}")
                times[rev].append(dt)
                print(f"round {r + 1} {rev:>12}: {dt:6.2f} s  ({args.limit / dt:5.0f} docs/s incl. start-up)", flush=True)
    finally:
        for tree in trees.values():
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)
    ref = args.revs[0]
    for rev in args.revs:
        ratios = [a / b for a, b in zip(times[rev], times[ref])]
        print(f"{rev:>12}: median {statistics.median(times[rev]):6.2f} s, best {min(times[rev]):6.2f} s; "
              f"time / {ref}: median of round ratios {statistics.median(ratios):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
