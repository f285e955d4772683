"""Load-time benchmark of the review page: 1,000 documents, 20,000 facts, headless Chromium.

    .venv/bin/python scripts/bench_review.py [--docs 1000] [--facts-per-doc 20] [--runs 5] [--keep DIR]

Synthetic but real text: each document strings together real Vietnamese sentences of
the gold sets (corpus/seeds, ../shared/corpus/dev when present) — evidence sentences,
each bringing its gold facts with offsets recomputed in the new document, and other
sentences of the same articles as filler. The page is built with pipeline.tools.review and
opened in a fresh headless Chromium per run (system chromium + chromedriver via Selenium).

Load time = navigation start to the later of DOMContentLoaded end and the page's own
``review:list-rendered`` mark (set once the fact list's first rows are in the DOM).
Prints one line per run and the median; exits 1 if the median exceeds --max-ms.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.tools import audit, review  # noqa: E402

_SENT = regex.compile(r"[^\n.!?]+[.!?]?")


def corpus_material(gold_dirs):
    """(evidence groups, filler sentences) from real gold articles.

    A group is one evidence string with every gold fact that cites it; fillers are the
    articles' other sentences (40+ characters, no digit-free noise filter needed).
    """
    groups: dict[tuple, list[dict]] = defaultdict(list)
    fillers: list[str] = []
    for folder, doc in audit.load_gold(gold_dirs).items():
        text = doc["text"] or ""
        spans = []
        for f in doc["facts"]:
            ev = f.get("evidence")
            if ev and "\n" not in ev:
                groups[(folder, ev)].append(f)
                spans.append((f["char_start"], f["char_end"]))
        for m in _SENT.finditer(text):
            s = m.group().strip()
            if len(s) >= 40 and not any(a < m.end() and m.start() < b for a, b in spans):
                fillers.append(s)
    return [(ev, facts) for (_, ev), facts in sorted(groups.items())], sorted(set(fillers))


def synthesise(out: Path, n_docs: int, per_doc: int, gold_dirs, seed: int = 0) -> tuple[int, int]:
    """Write texts/, documents.jsonl and facts.jsonl of a synthetic run; returns (docs, facts)."""
    rng = random.Random(seed)
    groups, fillers = corpus_material(gold_dirs)
    if not groups or not fillers:
        raise SystemExit("no gold material found (corpus/seeds missing?)")
    (out / "texts").mkdir(parents=True, exist_ok=True)
    n_facts = 0
    with (out / "documents.jsonl").open("w", encoding="utf-8") as dw, \
            (out / "facts.jsonl").open("w", encoding="utf-8") as fw:
        for d in range(n_docs):
            doc_id = f"bench_{d:04d}"
            parts: list[str] = []
            pos = 0
            facts: list[dict] = []
            while len(facts) < per_doc:
                for _ in range(rng.randint(1, 3)):
                    s = rng.choice(fillers) + " "
                    parts.append(s)
                    pos += len(s)
                ev, gfacts = rng.choice(groups)
                for g in gfacts[: per_doc - len(facts)]:
                    rec = {k: v for k, v in g.items() if k not in ("doc_id", "char_start", "char_end")}
                    rec.update(doc_id=doc_id, char_start=pos, char_end=pos + len(ev),
                               confidence=round(rng.uniform(0.3, 1.0), 4), rule="bench")
                    facts.append(rec)
                parts.append(ev + "\n")
                pos += len(ev) + 1
            text = "".join(parts)
            path = out / "texts" / f"{doc_id}.txt"
            path.write_text(text, encoding="utf-8")
            for f in facts:
                assert text[f["char_start"]:f["char_end"]] == f["evidence"]
                fw.write(json.dumps(f, ensure_ascii=False) + "\n")
            dw.write(json.dumps({"doc_id": doc_id, "source": str(path), "status": "ok", "reason": None,
                                 "n_facts": len(facts), "province": None}, ensure_ascii=False) + "\n")
            n_facts += len(facts)
    return n_docs, n_facts


MEASURE = """
const nav = performance.getEntriesByType('navigation')[0];
const mark = performance.getEntriesByName('review:list-rendered')[0];
const fcp = performance.getEntriesByName('first-contentful-paint')[0];
const at = (n) => { const e = performance.getEntriesByName(n)[0]; return e ? e.startTime : null; };
return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, list: mark ? mark.startTime : null,
        fcp: fcp ? fcp.startTime : null, script: at('review:script-start'), parsed: at('review:data-parsed'), rows: document.querySelectorAll('#list .row').length,
        marks: document.querySelectorAll('#doc-text mark.ev').length,
        head: document.getElementById('list-head').textContent};
"""

CLICK = """
const t0 = performance.now();
const rows = document.querySelectorAll('#list .row');
rows[rows.length - 8].querySelector('.lbl').click();
const active = document.querySelectorAll('#doc-text mark.ev.active').length;
document.getElementById('list').scrollTop = 400000;
document.getElementById('list').dispatchEvent(new Event('scroll'));
return {click_ms: performance.now() - t0, active};
"""


def measure(page: Path, runs: int) -> list[dict]:
    from selenium.webdriver.support.ui import WebDriverWait

    results = []
    for _ in range(runs):
        driver = review.chromium_driver()
        try:
            driver.get(page.as_uri())
            WebDriverWait(driver, 60).until(
                lambda d: d.execute_script("return document.documentElement.dataset.ready === '1'"))
            r = driver.execute_script(MEASURE)
            r.update(driver.execute_script(CLICK))
            errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            r["errors"] = len(errors)
            r["ms"] = max(r["dcl"], r["list"] or 0)
            results.append(r)
        finally:
            driver.quit_all()
    return results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--facts-per-doc", type=int, default=20)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--max-ms", type=float, default=2000.0, help="fail if the median load exceeds this")
    ap.add_argument("--keep", metavar="DIR", help="build in DIR and keep it (default: a temp folder)")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.keep or tmp)
        n_docs, n_facts = synthesise(out, args.docs, args.facts_per_doc, audit.default_gold_dirs(ROOT))
        t0 = time.perf_counter()
        page = review.write_page(out, out / "review.html")
        build_s = time.perf_counter() - t0
        print(f"page: {n_docs} documents, {n_facts} facts, {page.stat().st_size / 1e6:.1f} MB, "
              f"built in {build_s:.1f} s")
        results = measure(page, args.runs)
        for i, r in enumerate(results, 1):
            print(f"run {i}: load {r['ms']:.0f} ms (DOMContentLoaded {r['dcl']:.0f} ms, fact list rendered "
                  f"{r['list']:.0f} ms; script start {r['script']:.0f}, data parsed {r['parsed']:.0f}; first paint {r['fcp'] or float('nan'):.0f} ms, load event "
                  f"{r['load']:.0f} ms); {r['rows']} rows in DOM, {r['marks']} highlights; "
                  f"click-to-evidence {r['click_ms']:.0f} ms; console errors {r['errors']}")
        med = statistics.median(r["ms"] for r in results)
        print(f"median load time: {med:.0f} ms over {len(results)} runs ({results[0]['head']})")
        if any(r["errors"] for r in results):
            print("console errors seen", file=sys.stderr)
            return 1
        return 0 if med <= args.max_ms else 1


if __name__ == "__main__":
    raise SystemExit(main())
