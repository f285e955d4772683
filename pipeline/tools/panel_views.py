"""Views of the panel for people: the audit notebook's panel section and the review page's filter.

The notebook builds the panel of the run it audits (the same code as
``python -m pipeline panel``) and shows the cells that need a reader's eyes, the
conflicts between documents and the arithmetic inconsistencies, each with links
to its evidence; then one province's ranks over the years on every index. The
review page marks the facts involved so a reviewer can filter to them.
"""
from __future__ import annotations

import html
from collections import defaultdict
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import quote

from pipeline.tools import panel
from pipeline.tools.audit import rank_axes


def panel_frame(facts: Sequence[Mapping[str, Any]], documents: Sequence[Mapping[str, Any]] = ()):
    """The panel of one run (facts.jsonl and documents.jsonl records) as a DataFrame."""
    import pandas as pd

    tagged = panel.tag_facts(facts, documents)
    rows = panel.build_panel(tagged).rows
    return pd.DataFrame(rows, columns=[name for name, *_ in panel.PANEL_FIELDS])


def _refs_html(refs: Iterable[Mapping[str, Any]], texts: Mapping[str, str], review: str | None) -> str:
    parts = []
    for r in refs:
        label = f"{r['doc_id']} [{r['char_start']}:{r['char_end']}]"
        text = texts.get(r["doc_id"])
        quote_ = text[r["char_start"]:r["char_end"]] if text and r["char_start"] is not None else ""
        link = (f'<a href="{html.escape(review)}#doc={quote(r["doc_id"])}" target="_blank">{html.escape(label)}</a>'
                if review else html.escape(label))
        parts.append(f"{link}" + (f" “{html.escape(quote_)}”" if quote_ else ""))
    return "<br>".join(parts)


def problems(df) -> list[dict[str, Any]]:
    """One entry per conflict (a competing value) and per inconsistency of the panel, in panel order."""
    out = []
    for r in df.to_dict("records"):
        where = f"{r['province']} · {r['index']}" + (f" · {r['component']}" if r["component"] else "") \
            + (f" · {r['scope']}" if r["scope"] else "") + f" · {r['year']}"
        for c in r["competing"] if r["conflict"] else []:
            out.append({"cell": where, "kind": "conflict",
                        "detail": f"{c['field']} {c['value']:g}" + (" (kept)" if c["kept"] else "")
                                  + f": {c['n_docs']} document(s)", "facts": list(c["facts"])})
        for i in r["inconsistencies"] if r["inconsistent"] else []:
            out.append({"cell": where, "kind": "inconsistent", "detail": i["reason"], "facts": list(i["facts"])})
    return out


def problems_html(df, texts: Mapping[str, str] = {}, *, review: str | None = None, limit: int = 200) -> str:
    """The conflicts and inconsistencies as an HTML table; each fact links to the review page (``review``)."""
    items = problems(df)
    head = (f"<p>{sum(bool(x) for x in df['conflict'])} cells in conflict, "
            f"{sum(bool(x) for x in df['inconsistent'])} inconsistent</p>")
    if not items:
        return head + "<p>no conflict and no inconsistency</p>"
    rows = "".join(
        f"<tr><td>{html.escape(x['cell'])}</td><td>{x['kind']}</td><td>{html.escape(x['detail'])}</td>"
        f"<td style='text-align:left'>{_refs_html(x['facts'], texts, review)}</td></tr>" for x in items[:limit])
    more = f"<p>… {len(items) - limit} more</p>" if len(items) > limit else ""
    return (head + "<table class='panel-problems'><thead><tr><th>cell</th><th>kind</th><th>values / reason</th>"
            "<th>evidence</th></tr></thead><tbody>" + rows + "</tbody></table>" + more)


def busiest_province(df) -> str | None:
    """The province with most (index, year) ranks in the panel (ties: alphabetical)."""
    ranked = df[df["rank"].notna() & (df["component"] == "") & (df["scope"] == "")]
    if not len(ranked):
        return None
    counts = ranked.groupby("province").size()
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def plot_province(df, province: str | None = None):
    """One province's national ranks over the years, one line per index, from the panel.

    Filled markers are stated ranks, hollow ones derived from a change; a red ring
    marks a cell in conflict. Rank 1 is at the top.
    """
    import matplotlib.pyplot as plt

    province = province or busiest_province(df)
    part = df[(df["province"] == province) & df["rank"].notna() & (df["component"] == "") & (df["scope"] == "")] \
        if province else df.iloc[0:0]
    fig, ax = plt.subplots(figsize=(8, 4))
    if not len(part):
        ax.text(0.5, 0.5, "no national rank in the panel", ha="center", va="center")
        ax.set_axis_off()
        return fig
    for code, grp in part.groupby("index", sort=True):
        grp = grp.sort_values("year")
        line, = ax.plot(grp["year"], grp["rank"], marker="o", label=code)
        derived = grp[grp["rank_derived"]]
        ax.plot(derived["year"], derived["rank"], "o", mfc="white", color=line.get_color())
        clash = grp[grp["conflict"]]
        ax.plot(clash["year"], clash["rank"], "o", mfc="none", mec="red", ms=12)
    rank_axes(ax, f"{province}: national rank by index")
    fig.tight_layout()
    return fig


def fact_marks(facts: Sequence[Mapping[str, Any]]) -> list[str]:
    """Per fact: ``"c"`` in a conflict between documents, ``"i"`` in an arithmetic inconsistency, both, or ``""``.

    A panel reference names a span; the facts at it that take part are those of the
    field in question (a competing rank marks the rank facts there, not a score of
    the same sentence), and for an inconsistency the figures and changes of it. A
    fact its own article contradicts (``inconsistent`` in facts.jsonl) is ``"i"`` too.
    """
    rows = panel_frame(facts).to_dict("records")
    at: dict[tuple, list[int]] = defaultdict(list)
    for i, f in enumerate(facts):
        at[(f["doc_id"], f.get("char_start"), f.get("char_end"))].append(i)
    marks = [set("i") if f.get("inconsistent") else set() for f in facts]

    def mark(refs, types, flag, value=None):
        for r in refs:
            for i in at.get((r["doc_id"], r["char_start"], r["char_end"]), ()):
                f = facts[i]
                if f["type"] in types and (value is None or round(float(f.get(f["type"]) or 0), 4) == value):
                    marks[i].add(flag)

    for r in rows:
        for c in r["competing"] if r["conflict"] else []:
            mark(c["facts"], (c["field"],), "c", round(float(c["value"]), 4))
        for x in r["inconsistencies"] if r["inconsistent"] else []:
            kind = "score" if x["check"].startswith("score") else "rank"
            mark(x["facts"], (kind, f"{kind}_change"), "i")
    return ["".join(sorted(m)) for m in marks]
