"""notebooks/audit.ipynb runs top to bottom headless (nbclient, this interpreter's ipykernel).

Once on the seed gold written as a run (so every section has something to show and
the numbers are known), once on a real extraction of the bundled corpus, as
`make extract` produces it.
"""
from __future__ import annotations

import subprocess
import sys

from pipeline.tools import audit

ROOT = audit.find_root(__file__)
NOTEBOOK = ROOT / "notebooks" / "audit.ipynb"


def outputs_of(nb, marker: str) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" and marker in c.source for o in c.outputs]


def text_of(outputs) -> str:
    parts = []
    for o in outputs:
        parts.append(o.get("text", ""))
        parts.extend(str(v) for v in o.get("data", {}).values())
    return "\n".join(parts)


def assert_no_errors(nb):
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors


def test_notebook_on_seed_gold(seeds_run):
    nb = audit.execute_notebook(NOTEBOOK, env={"AUDIT_OUT": str(seeds_run),
                                               "AUDIT_GOLD": str(ROOT / "corpus" / "seeds")})
    assert_no_errors(nb)
    head = text_of(outputs_of(nb, "audit.load_run("))
    assert "5 documents (5 ok), 56 facts, 5 texts loaded, 5 documents with gold" in head
    assert "56 of 56 facts" in text_of(outputs_of(nb, "audit.filter_facts("))
    # the default document is the one with most facts: Thanh Hóa's, 19 facts
    doc = text_of(outputs_of(nb, "audit.render_document("))
    assert "001_2581b9ef8843fc85 — 19 facts" in doc
    assert doc.count('<mark class="entity"') >= 10
    assert "rank_target · PCI · 2025 · Thanh Hóa · top 1–10" in doc
    gold = text_of(outputs_of(nb, "audit.gold_summary("))
    assert "'match': 50, 'miss': 0, 'extra': 0" in gold   # 56 gold lines, 50 distinct keys
    side = text_of(outputs_of(nb, "audit.render_comparison("))
    assert "Extracted" in side and "Gold" in side and "✓ rank" in side
    plots = [o for o in outputs_of(nb, "audit.plot_ranks(") if "image/png" in o.get("data", {})]
    assert len(plots) == 1
    # the panel section: the gold agrees with itself; 7 cells come from changes alone
    problems = text_of(outputs_of(nb, "panel_views.problems_html("))
    assert "panel: 16 rows, 0 in conflict, 0 inconsistent, 7 with a derived value" in problems
    assert "no conflict and no inconsistency" in problems
    province = outputs_of(nb, "panel_views.plot_province(")
    assert "Thanh Hóa: 7 ranks (3 derived) on PAPI, PAR_INDEX, SIPAS" in text_of(province)
    assert len([o for o in province if "image/png" in o.get("data", {})]) == 1


def test_notebook_on_real_extraction(tmp_path):
    """What CI and a fresh clone do: `make extract` (same command), then run the notebook."""
    out = tmp_path / "outputs"
    # the Makefile's own recipe, with this interpreter and without its install step
    subprocess.run(["make", "-s", "extract", f"OUT={out}", f"PY={sys.executable}", "STAMP="],
                   cwd=ROOT, check=True, capture_output=True, timeout=900)
    facts, docs = audit.load_run(out)
    assert docs, "extraction wrote no documents"
    nb = audit.execute_notebook(NOTEBOOK, env={"AUDIT_OUT": str(out)})
    assert_no_errors(nb)
    head = text_of(outputs_of(nb, "audit.load_run("))
    assert f"{len(docs)} documents" in head and f"{len(facts)} facts" in head
    assert outputs_of(nb, "audit.render_document(")
    if facts:  # the document with most facts is shown with its highlights
        assert '<mark class="entity"' in text_of(outputs_of(nb, "audit.render_document("))
    assert "panel: " in text_of(outputs_of(nb, "panel_views.problems_html("))
    assert [o for o in outputs_of(nb, "panel_views.plot_province(") if "image/png" in o.get("data", {})]
