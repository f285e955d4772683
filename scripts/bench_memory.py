#!/usr/bin/env python3
"""Peak memory and time of ``python -m pipeline extract`` on a ~500 MB JSONL input.

Why: ingestion streams JSONL and the writer streams its outputs, so the
pipeline's memory must not grow with the corpus (target: peak RSS < 1 GB on
500 MB). This builds the input in a temporary folder by repeating the records
of /work/shared/bench/vnnews.jsonl.gz (real Vietnamese news; not
redistributable, so it is never copied into the repo) with new ids, runs the
CLI in a subprocess and reports its peak RSS (ru_maxrss, as
``getrusage(RUSAGE_CHILDREN)`` gives it: the largest single process, not a sum
over worker processes) and wall time.

    .venv/bin/python scripts/bench_memory.py                 # 500 MB, as `make bench-memory`
    .venv/bin/python scripts/bench_memory.py --size-mb 50    # quicker look
    .venv/bin/python scripts/bench_memory.py -- --resume     # extra arguments for `extract`

With ``--compare-mb N`` it first runs on N MB too: the two peaks side by side
show whether memory is flat (same peak) or grows with the input.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = Path(os.environ.get("SHARED", REPO.parent / "shared")) / "bench" / "vnnews.jsonl.gz"
TARGET_MB = 1024


def build_input(source: Path, dest: Path, size_bytes: int) -> int:
    """Write ``dest`` by cycling over ``source`` (new id per repetition) until it reaches ``size_bytes``."""
    n = 0
    written = 0
    with open(dest, "w", encoding="utf-8") as out:
        for rep in range(10_000):
            with gzip.open(source, "rt", encoding="utf-8") as fh:
                for line in fh:
                    rec = json.loads(line)
                    row = json.dumps({"id": f"{rec['id']}-r{rep}", "text": rec["text"], "title": rec.get("title")},
                                     ensure_ascii=False) + "\n"
                    out.write(row)
                    written += len(row.encode("utf-8"))
                    n += 1
                    if written >= size_bytes:
                        return n
    return n


def count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(buf.count(b"\n") for buf in iter(lambda: fh.read(1 << 20), b""))


def run_cli(input_path: Path, out_dir: Path, extra: list[str]) -> dict:
    """Run the CLI in a fresh child and measure that child alone.

    ``os.wait4`` gives the child's own ru_maxrss (with its waited-for
    children), so a second run is not masked by the first; for the first
    run it equals ``getrusage(RUSAGE_CHILDREN).ru_maxrss``, also reported.
    """
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(input_path), "--out", str(out_dir),
                                 "--quiet", *extra], cwd=REPO, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    children_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return {"exit": proc.returncode, "seconds": round(seconds, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "rusage_children_max_mb": round(children_kib / 1024, 1),
            "stdout": stdout.strip(), "stderr_tail": stderr.strip()[-2000:]}


def bench(size_mb: float, source: Path, work: Path, extra: list[str]) -> dict:
    input_path = work / f"bench_{size_mb:g}mb.jsonl"
    t0 = time.perf_counter()
    n_docs = build_input(source, input_path, int(size_mb * 1_000_000))
    built = time.perf_counter() - t0
    out_dir = work / f"out_{size_mb:g}mb"
    result = run_cli(input_path, out_dir, extra)
    result.update(input_mb=round(input_path.stat().st_size / 1_000_000, 1), input_docs=n_docs,
                  build_seconds=round(built, 1))
    if (out_dir / "documents.jsonl").exists():
        result["documents_lines"] = count_lines(out_dir / "documents.jsonl")
        result["facts_lines"] = count_lines(out_dir / "facts.jsonl")
    input_path.unlink()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=500, help="input size in MB (default: 500)")
    parser.add_argument("--compare-mb", type=float, default=None, help="also run on this size first")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help=f"records to repeat ({DEFAULT_SOURCE})")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build the input (default: a temp dir)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("extra", nargs="*", help="extra arguments for `pipeline extract` (after --)")
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"error: {args.source} not found (set SHARED or --source)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="bench_memory_", dir=args.workdir))
    try:
        results = []
        for size in ([args.compare_mb] if args.compare_mb else []) + [args.size_mb]:
            res = bench(size, args.source, work, args.extra)
            results.append(res)
            if not args.json:
                print(f"input {res['input_mb']} MB, {res['input_docs']:,} docs -> exit {res['exit']}, "
                      f"{res.get('documents_lines', 0):,} document lines, {res.get('facts_lines', 0):,} facts, "
                      f"{res['seconds']} s, peak RSS {res['peak_rss_mb']} MB "
                      f"({'under' if res['peak_rss_mb'] < TARGET_MB else 'OVER'} the {TARGET_MB} MB target)")
                if res["exit"] not in (0, 3):
                    print(res["stderr_tail"], file=sys.stderr)
        if args.json:
            print(json.dumps(results, ensure_ascii=False, indent=1))
        worst = max(r["peak_rss_mb"] for r in results)
        return 0 if worst < TARGET_MB and all(r["exit"] in (0, 3) for r in results) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
