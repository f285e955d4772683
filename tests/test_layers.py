"""The import graph of pipeline/ and extractors/: layers only import downwards, and nothing cycles.

Every ``import`` counts, also those inside functions (a cycle hidden in a function is still a
cycle). The layers, lowest first:

    extractors/            mention finders and the lexicon; import nothing from pipeline/
    pipeline/records.py    the shared types (Document, Candidate, Fact, fact_key)
    pipeline/core/         the extraction path (segment, mentions, linking, features, classify, extract)
    pipeline/batch/        input, output, engines
    pipeline/tools/        evaluate, train, review, audit, panel
    pipeline/cli.py, api.py, __init__.py, __main__.py   entry points
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {"extractors": 0, "pipeline.records": 1, "pipeline.core": 2, "pipeline.batch": 3, "pipeline.tools": 4,
          "pipeline": 5}


def modules() -> dict[str, Path]:
    out = {}
    for pkg in ("pipeline", "extractors"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Project modules ``name`` imports (a submodule when ``from pkg import sub`` names one)."""
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def layer(name: str) -> int:
    best = max((k for k in LAYERS if name == k or name.startswith(k + ".")), key=len)
    return LAYERS[best]


def test_the_graph_sees_function_level_imports():
    g = graph()
    assert "pipeline.core.classify" in g["pipeline.core.extract"]          # imported inside extract_document
    assert "pipeline.core.linking.scope" in g["pipeline.core.features"]
    assert "extractors.mention" in g["extractors.ranks"]


def test_extractors_import_nothing_from_pipeline():
    bad = {(a, b) for a, deps in graph().items() if a.startswith("extractors") for b in deps if b.startswith("pipeline")}
    assert bad == set()


def test_imports_only_go_down_the_layers():
    bad = sorted((a, b) for a, deps in graph().items() for b in deps if layer(b) > layer(a))
    assert bad == []


def test_no_import_cycles():
    g = graph()
    index, low, stack, on, cycles = {}, {}, [], set(), []

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(g[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    assert cycles == []


def test_cue_words_live_in_the_lexicon_only():
    """The issue's bar: these regex sources are data (extractors/data/lexicon.json), in no .py file."""
    for path in sorted(ROOT.rglob("*.py")):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        text = path.read_text("utf-8")
        for src in (r"lần\s+lượt", r"tương\s+ứng", r"phấn\s+đấu", r"cả\s+nước"):
            assert src not in text, (path, src)
