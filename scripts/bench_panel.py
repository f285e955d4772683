"""Time of ``python -m pipeline panel`` on 20,000 facts (the issue's bar: under 10 s on this machine).

    .venv/bin/python scripts/bench_panel.py [--facts N] [--source FACTS.jsonl] [--runs 3] [--keep DIR]

The facts are real: the extraction of corpus/ with ../shared/corpus/dev and dev2 (run
here unless --source names a facts.jsonl with its documents.jsonl beside it),
replicated until N facts, each copy with its own doc_ids (and documents.jsonl lines:
hash and date), its years shifted by 0-7 and its provinces rotated among the
provinces the facts name, so the panel has many cells, repeats, conflicts and
changes to check, as a large run would. Each run times the command as a user types
it (a fresh interpreter: imports, reading, building, writing the four files) and
prints it; then the median, and one in-process run split into read, build and write.
Exits 1 if the median is over --max-s.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "corpus"


def real_facts(source: Path | None, tmp: Path) -> tuple[list[dict], dict[str, dict]]:
    if source is None:
        inputs = [ROOT / "corpus"] + [SHARED / n for n in ("dev", "dev2") if (SHARED / n).is_dir()]
        subprocess.run([sys.executable, "-m", "pipeline", "extract", *map(str, inputs), "--out", str(tmp / "src"),
                        "--quiet"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        source = tmp / "src" / "facts.jsonl"
    facts = [json.loads(line) for line in source.read_text("utf-8").splitlines() if line.strip()]
    docs = {}
    doc_path = source.with_name("documents.jsonl")
    if doc_path.is_file():
        docs = {d["doc_id"]: d for d in map(json.loads, doc_path.read_text("utf-8").splitlines()) if d}
    return facts, docs


def synthesise(facts: list[dict], docs: dict[str, dict], n: int) -> tuple[list[dict], list[dict]]:
    """``n`` facts from copies of ``facts``: copy k renames documents, shifts years, rotates provinces."""
    units = sorted({(f["province"], f.get("province_code"), f.get("province_2025"))
                    for f in facts if f.get("province") and f["province"] != "Việt Nam"})
    where = {u[0]: i for i, u in enumerate(units)}
    out, out_docs, k = [], [], 0
    while len(out) < n:
        seen_docs = set()
        for f in facts:
            if len(out) >= n:
                break
            g = dict(f)
            g["doc_id"] = f"{f['doc_id']}~{k}"
            for name in ("year", "base_year"):
                if isinstance(g.get(name), int):
                    g[name] += k % 8
            if g.get("province") in where and k:
                g["province"], g["province_code"], g["province_2025"] = units[(where[g["province"]] + k) % len(units)]
            out.append(g)
            if g["doc_id"] not in seen_docs:
                seen_docs.add(g["doc_id"])
                d = docs.get(f["doc_id"], {})
                date = d.get("date") or f"20{20 + k % 6}-0{1 + k % 9}-1{k % 10}"
                out_docs.append({"doc_id": g["doc_id"], "status": "ok", "date": date,
                                 "sha256": hashlib.sha256(g["doc_id"].encode()).hexdigest()})
        k += 1
    return out, out_docs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--facts", type=int, default=20_000)
    ap.add_argument("--source", type=Path, help="a facts.jsonl to replicate (default: extract the corpora here)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--max-s", type=float, default=10.0)
    ap.add_argument("--keep", type=Path, help="keep the synthetic run and the panel in this folder")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as t:
        tmp = args.keep or Path(t)
        tmp.mkdir(parents=True, exist_ok=True)
        facts, docs = real_facts(args.source, tmp)
        many, many_docs = synthesise(facts, docs, args.facts)
        run = tmp / "run"
        run.mkdir(exist_ok=True)
        (run / "facts.jsonl").write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in many), "utf-8")
        (run / "documents.jsonl").write_text("".join(json.dumps(d) + "\n" for d in many_docs), "utf-8")
        print(f"{len(many)} facts ({len(facts)} real ones replicated), {len(many_docs)} documents")
        times = []
        for i in range(args.runs):
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "pipeline", "panel", str(run / "facts.jsonl"),
                                   "--out", str(tmp / "panel")], cwd=ROOT, check=True, capture_output=True,
                                  text=True)
            times.append(time.perf_counter() - start)
            print(f"run {i + 1}: {times[-1]:.2f} s  {done.stdout.splitlines()[0]}")
        median = statistics.median(times)
        print(f"median: {median:.2f} s for {len(many)} facts (bar: < {args.max_s:g} s)")
        # where the time goes, in this process (the command also imports the CLI's extraction stack)
        from pipeline.tools import panel

        t0 = time.perf_counter()
        inputs = panel.load_inputs([run / "facts.jsonl"])
        t1 = time.perf_counter()
        built = panel.build_panel(inputs.facts)
        t2 = time.perf_counter()
        panel.write_panel(built, tmp / "panel_in_process")
        t3 = time.perf_counter()
        print(f"in process: read {t1 - t0:.2f} s, build {t2 - t1:.2f} s, write {t3 - t2:.2f} s")
    return 0 if median < args.max_s else 1


if __name__ == "__main__":
    raise SystemExit(main())
