"""Check that ``--engine dask`` writes byte-identical outputs to the local engine.

    .venv/bin/python scripts/check_dask_identical.py [--limit 2000] [--scheduler tcp://HOST:PORT] [--jobs 2]

Runs the command line twice per input set, ``extract`` (one process) and ``extract --engine dask``
(a 2-worker LocalCluster, or the given scheduler), and compares facts.jsonl and documents.jsonl
byte for byte. Input sets: the bundled corpus, and the first ``--limit`` articles of
../shared/bench/vnnews.jsonl.gz (kept gzip-compressed, as users would feed them).
Writes a summary to ``--out`` (default outputs/dask_check.json); exit status 1 on any difference.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
FILES = ("facts.jsonl", "documents.jsonl")


def extract(inputs: list[str], out: Path, extra: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", *inputs, "--out", str(out), "--quiet",
                           *extra], capture_output=True, text=True, cwd=ROOT, env=ENV)
    if proc.returncode not in (0, 3):  # 3: some documents are error lines, which must match too
        raise SystemExit(f"extract {' '.join(extra)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start, (proc.stdout + proc.stderr).strip()


def describe(folder: Path) -> dict[str, dict[str, object]]:
    out = {}
    for name in FILES:
        data = (folder / name).read_bytes()
        out[name] = {"lines": data.count(b"\n"), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return out


def check(name: str, inputs: list[str], dask_args: list[str], work: Path) -> dict[str, object]:
    local_out, dask_out = work / f"{name}-local", work / f"{name}-dask"
    local_s, _ = extract(inputs, local_out, [])
    dask_s, dask_log = extract(inputs, dask_out, ["--engine", "dask", *dask_args])
    a, b = describe(local_out), describe(dask_out)
    result = {"inputs": inputs, "identical": a == b, "local": a, "dask": b,
              "local_seconds": round(local_s, 1), "dask_seconds": round(dask_s, 1),
              "dask_report": [line for line in dask_log.splitlines() if line.startswith("dask:")]}
    status = "IDENTICAL" if result["identical"] else "DIFFERENT"
    print(f"{name}: {status}  documents {a['documents.jsonl']['lines']}, facts {a['facts.jsonl']['lines']}  "
          f"(local {local_s:.0f} s, dask {dask_s:.0f} s)")
    for name_, info in a.items():
        print(f"  {name_}: local {info['sha256'][:16]}  dask {b[name_]['sha256'][:16]}")
    for line in result["dask_report"]:
        print(f"  {line}")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", default=str(ROOT.parent / "shared" / "bench" / "vnnews.jsonl.gz"))
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--limit", type=int, default=2000, help="bench articles (default 2000)")
    ap.add_argument("--scheduler", help="tcp://HOST:PORT of a running cluster (default: a LocalCluster)")
    ap.add_argument("--jobs", type=int, default=2, help="LocalCluster workers (default 2)")
    ap.add_argument("--out", default=str(ROOT / "outputs" / "dask_check.json"))
    args = ap.parse_args(argv)
    dask_args = ["--scheduler", args.scheduler] if args.scheduler else ["--jobs", str(args.jobs)]
    results = {}
    with tempfile.TemporaryDirectory(prefix="dask-check-") as tmp:
        work = Path(tmp)
        results["bundled"] = check("bundled", [args.corpus], dask_args, work)
        bench = Path(args.bench)
        if bench.exists():
            sample = work / f"vnnews-{args.limit}.jsonl.gz"
            with gzip.open(bench, "rt", encoding="utf-8") as src, \
                    gzip.open(sample, "wt", encoding="utf-8") as dst:
                for i, line in enumerate(src):
                    if i >= args.limit:
                        break
                    dst.write(line)
            results[f"vnnews_{args.limit}"] = check(f"vnnews_{args.limit}", [str(sample)], dask_args, work)
        else:
            print(f"warning: {bench} not found, only the bundled corpus was checked", file=sys.stderr)
    ok = all(r["identical"] for r in results.values())
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"identical": ok, "engine_args": dask_args, "checks": results},
                              ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{'OK' if ok else 'FAILED'}: written {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
