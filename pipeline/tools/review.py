"""The one-file review page (``make review``) and the decisions it exports.

``python -m pipeline.tools.review --out outputs`` reads ``outputs/facts.jsonl``,
``outputs/documents.jsonl`` and the texts, and writes ``outputs/review.html``:
a self-contained page (inline CSS/JS, data embedded as JSON, no network) where a
reviewer reads each fact's evidence in its document and marks the fact correct
or wrong. The page downloads the decisions as JSONL (format: docs/REVIEW.md);
:func:`load_decisions` validates such a file so training can use it as labels.

Generation is deterministic: the same run gives byte-identical HTML.

The run's files are not trusted: each fact line is checked against the JSON
Schema (:mod:`pipeline.tools.fact_check`; invalid ones are left out, counted on
the page and listed on stderr), every value the page's script puts into markup
is escaped, and bidi controls are shown as ``[U+202E]`` markers
(:mod:`pipeline.tools.display`) without touching the embedded data.
"""
from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Mapping, Sequence

from pipeline.batch.manifest import OutputsInconsistent, verify
from pipeline.records import FACT_TYPES, TYPE_FIELDS
from pipeline.tools.audit import TYPE_COLORS, fact_label, find_root, load_texts
from pipeline.tools.display import neutralise
from pipeline.tools.fact_check import json_lines, read_facts, valid_facts
from pipeline.tools.panel_views import fact_marks

TEMPLATE = Path(__file__).with_name("templates") / "review.html"
DOWNLOAD_NAME = "review-decisions.jsonl"
DECISIONS = ("correct", "wrong")
#: Fields a correction may set besides the type's own fields.
CORRECTABLE_EXTRA = ("component", "scope", "modality")
#: The field whose corrected value goes in a decision's scalar ``corrected`` (none for
#: rank_target, whose range is two fields: its corrections live in ``corrected_fields``).
VALUE_FIELD: dict[str, str | None] = {"rank": "rank", "rank_change": "delta", "score": "score",
                                      "score_change": "delta", "percentage": "value", "rank_target": None}


def _utf16_offsets(text: str) -> list[int] | None:
    """Code-point -> UTF-16 offset table, or None when they coincide (no astral characters).

    Python offsets count code points, JavaScript strings count UTF-16 units; an emoji
    before a span would shift every highlight after it.
    """
    if all(ord(c) < 0x10000 for c in text):
        return None
    table, pos = [0], 0
    for c in text:
        pos += 2 if ord(c) >= 0x10000 else 1
        table.append(pos)
    return table


def _str(value: Any) -> str | None:
    """A documents.jsonl field as the page shows it: a string or null (never NaN, never an object)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str, allow_nan=True)


def page_data(facts: Sequence[Mapping[str, Any]], documents: Sequence[Mapping[str, Any]],
              texts: Mapping[str, str], *, invalid: int = 0) -> dict[str, Any]:
    """The JSON the page embeds: documents with their text, facts in document order.

    Evidence is dropped when the text at the offsets equals it (the page slices it
    back), which keeps 20,000 facts small; a fact whose offsets do not match keeps
    its evidence and is flagged ``_x`` so the reviewer sees it. ``facts`` must be
    schema-valid (:func:`pipeline.tools.fact_check.read_facts`); ``invalid`` is how
    many were left out, shown on the page.
    """
    docs: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for d in documents:
        if not isinstance(d, Mapping) or d.get("doc_id") is None:
            continue
        doc_id = _str(d["doc_id"])
        if doc_id in seen:
            continue
        seen[doc_id] = len(docs)
        docs.append({"id": doc_id, "source": _str(d.get("source")), "status": _str(d.get("status", "ok")),
                     "reason": _str(d.get("reason")), "province": _str(d.get("province")),
                     "title": _str(d.get("title")), "text": texts.get(doc_id)})
    for f in facts:  # facts of a document the run did not list still get a page entry
        if f["doc_id"] not in seen:
            seen[f["doc_id"]] = len(docs)
            docs.append({"id": f["doc_id"], "source": None, "status": "missing",
                         "reason": "not in documents.jsonl", "province": None, "title": None,
                         "text": texts.get(f["doc_id"])})
    order = sorted(range(len(facts)), key=lambda i: (  # an unchecked string char_start must not break the sort
        seen[facts[i]["doc_id"]], facts[i].get("char_start") if isinstance(facts[i].get("char_start"), int) else 0, i))
    tables: dict[str, list[int] | None] = {}
    out_facts = []
    for i in order:
        f = facts[i]
        text = docs[seen[f["doc_id"]]]["text"]
        rec = {k: v for k, v in f.items() if k != "evidence"}
        rec["_l"] = fact_label(f)
        s, e = f.get("char_start"), f.get("char_end")
        ok = (text is not None and isinstance(s, int) and isinstance(e, int)
              and 0 <= s < e <= len(text) and (f.get("evidence") is None or text[s:e] == f["evidence"]))
        if not ok:
            rec["_x"] = 1
            rec["evidence"] = f.get("evidence")
        else:
            if f["doc_id"] not in tables:
                tables[f["doc_id"]] = _utf16_offsets(text)
            table = tables[f["doc_id"]]
            if table is not None:
                rec["_u"] = [table[s], table[e]]
        out_facts.append(rec)
    data = {"types": list(FACT_TYPES), "fields": {t: list(v) for t, v in TYPE_FIELDS.items()},
            "value_field": VALUE_FIELD,
            "download_name": DOWNLOAD_NAME, "docs": docs, "facts": out_facts, "invalid": invalid}
    data["hash"] = hashlib.sha1(json.dumps(data, ensure_ascii=False, sort_keys=True)
                                .encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return data


def embed_json(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``</script>``, no ``<!--``.

    ``<``, ``>`` and ``&`` become ``\\u003c`` etc., which JSON.parse reads back unchanged.
    """
    s = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    s = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", s)  # valid JSON, and UTF-8 can hold it
    return (s.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def columnar(facts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Facts as ``{"cols": [...], "rows": [[...], ...]}``: the keys once, not 20,000 times.

    Halves the embedded facts and their parse time; an absent key becomes null, and the
    page drops nulls again except for the type's own schema fields.
    """
    cols: dict[str, None] = {}
    for f in facts:
        cols.update(dict.fromkeys(f))
    names = list(cols)
    return {"cols": names, "rows": [[f.get(k) for k in names] for f in facts]}


def build_page(facts: Sequence[Mapping[str, Any]], documents: Sequence[Mapping[str, Any]],
               texts: Mapping[str, str], *, title: str = "Fact review", invalid: int = 0,
               checked: bool = False, problems: list[str] | None = None) -> str:
    """The review page as one HTML string (template + embedded data).

    Facts the JSON Schema rejects are left out (``checked``: the caller already did
    that, as :func:`write_page` does); the page shows how many, ``invalid`` included,
    and ``problems`` (a list, if given) receives why.
    """
    if not checked:
        facts, found = valid_facts(facts)
        invalid += len(found)
        if problems is not None:
            problems.extend(found)
    template = TEMPLATE.read_text(encoding="utf-8")
    css = "\n".join(f".t-{t} {{ background: {c}; }}" for t, c in TYPE_COLORS.items())
    values = {"TITLE": html.escape(neutralise(title)), "TYPE_CSS": css,
              "DATA": embed_json(_compact(page_data(facts, documents, texts, invalid=invalid)))}
    # one pass, so text inside the data can never be taken for a placeholder
    return re.sub(r"__(TITLE|TYPE_CSS|DATA)__", lambda m: values[m.group(1)], template)


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "facts": columnar(with_conflict_marks(data["facts"]))}


def with_conflict_marks(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Facts in a conflict between documents get ``_k: "c"``, in an arithmetic inconsistency ``"i"``.

    The page's *Conflict* filter reads it (:func:`pipeline.tools.panel_views.fact_marks`).
    """
    for f, mark in zip(facts, fact_marks(facts)):
        if mark:
            f["_k"] = mark
    return facts


def load_checked_run(out_dir: str | Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """``(valid facts, documents, problems)`` of a run: facts checked against the schema,
    documents.jsonl lines that are not JSON objects skipped (and named in ``problems``).
    Raises :class:`~pipeline.batch.manifest.OutputsInconsistent` when the two files are not
    the pair one run wrote (their run manifest says otherwise)."""
    out_dir = Path(out_dir)
    verify(out_dir)
    facts, problems = read_facts(out_dir / "facts.jsonl")
    documents: list[dict[str, Any]] = []
    for lineno, rec, _ in json_lines(out_dir / "documents.jsonl"):
        if isinstance(rec, dict) and isinstance(rec.get("doc_id"), str):
            documents.append(rec)
        else:
            problems.append(f"documents.jsonl:{lineno}: not a document record")
    return facts, documents, problems


def write_page(out_dir: str | Path, output: str | Path | None = None, *,
               roots: Sequence[str | Path] = (), title: str | None = None) -> Path:
    """Build the page for the run in ``out_dir``; returns the path written.

    Invalid lines of the run (see :func:`load_checked_run`) are left out; the page
    shows how many facts that was.
    """
    return _write_page(out_dir, output, roots=roots, title=title)[0]


def _write_page(out_dir: str | Path, output: str | Path | None = None, *, roots: Sequence[str | Path] = (),
                title: str | None = None) -> tuple[Path, int, int, list[str]]:
    """:func:`write_page`, also returning the numbers of documents and facts shown and the problems."""
    out_dir = Path(out_dir)
    facts, documents, problems = load_checked_run(out_dir)
    texts = load_texts(documents, roots=[*roots, out_dir.resolve().parent])
    invalid = sum(p.startswith("facts.jsonl:") for p in problems)
    page = build_page(facts, documents, texts, title=title or "Fact review", invalid=invalid, checked=True)
    path = Path(output) if output else out_dir / "review.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path, len(documents), len(facts), problems


# --------------------------------------------------------------------------- decisions

def _check_decision(rec: Any, where: str) -> dict[str, Any]:
    if not isinstance(rec, dict):
        raise ValueError(f"{where}: a decision is a JSON object")
    ftype = rec.get("type")
    if ftype not in TYPE_FIELDS:
        raise ValueError(f"{where}: unknown type {ftype!r}")
    if not isinstance(rec.get("doc_id"), str) or not rec["doc_id"]:
        raise ValueError(f"{where}: doc_id must be a non-empty string")
    missing = [n for n in TYPE_FIELDS[ftype] if n not in rec]
    if missing:
        raise ValueError(f"{where}: missing field(s) {', '.join(missing)} for type {ftype}")
    s, e = rec.get("char_start"), rec.get("char_end")
    if not (isinstance(s, int) and isinstance(e, int)) or isinstance(s, bool) or not 0 <= s <= e:
        raise ValueError(f"{where}: char_start/char_end must be integers with 0 <= start <= end")
    if rec.get("decision") not in DECISIONS:
        raise ValueError(f"{where}: decision must be 'correct' or 'wrong', not {rec.get('decision')!r}")
    corrected, fields = rec.get("corrected"), rec.get("corrected_fields")
    if (corrected is not None or fields is not None) and rec["decision"] != "wrong":
        raise ValueError(f"{where}: only a 'wrong' decision can carry a corrected value")
    if fields is not None:
        if not isinstance(fields, dict) or not fields:
            raise ValueError(f"{where}: corrected_fields must be null or a non-empty object of field: value")
        allowed = set(TYPE_FIELDS[ftype]) | set(CORRECTABLE_EXTRA)
        bad = sorted(set(fields) - allowed)
        if bad:
            raise ValueError(f"{where}: corrected field(s) {', '.join(bad)} not valid for type {ftype}")
    vf = VALUE_FIELD[ftype]
    if corrected is not None:
        if vf is None:
            raise ValueError(f"{where}: {ftype} has no single value: put rank_min/rank_max in corrected_fields")
        if isinstance(corrected, (dict, list, bool)):
            raise ValueError(f"{where}: corrected is the corrected {vf} (a number or string), or null")
        if fields is not None and vf in fields and fields[vf] != corrected:
            raise ValueError(f"{where}: corrected and corrected_fields.{vf} disagree")
    elif fields is not None and fields.get(vf) is not None:
        raise ValueError(f"{where}: corrected_fields sets {vf}, so corrected must be that value")
    for name in ("reviewer", "timestamp"):
        if rec.get(name) is not None and not isinstance(rec[name], str):
            raise ValueError(f"{where}: {name} must be a string or null")
    out = dict(rec)
    out.setdefault("corrected", None)
    if out.get("corrected_fields") is None:
        out["corrected_fields"] = {vf: corrected} if corrected is not None else None
    out.setdefault("reviewer", None)
    out.setdefault("timestamp", None)
    return out


def load_decisions(path: str | Path) -> list[dict[str, Any]]:
    """Validated decisions of a review download, in file order.

    Raises ``ValueError`` naming the line of the first invalid record, so a bad
    label file stops training instead of being half-read. Blank lines are skipped.
    A later decision by the same reviewer on the same fact (same doc_id, type, fields
    and offsets) replaces the earlier one, so files appended across sessions read as
    the reviewer's last word; different reviewers' decisions are all kept.
    """
    path = Path(path)
    by_fact: dict[tuple, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{where}: not JSON: {exc}") from None
            rec = _check_decision(rec, where)
            ident = (rec["reviewer"], rec["doc_id"], rec["type"], rec["char_start"], rec["char_end"],
                     *(json.dumps(rec[n], sort_keys=True) for n in TYPE_FIELDS[rec["type"]]))
            by_fact.pop(ident, None)
            by_fact[ident] = rec
    return list(by_fact.values())


# --------------------------------------------------------------------------- screenshots

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars")


def chromium_driver(download_dir: str | Path | None = None, *, size: tuple[int, int] = (1400, 900),
                    chromium: str | None = None, chromedriver: str | None = None):
    """A Selenium-driven headless Debian chromium with a fresh profile and browser-log capture.

    Used by the browser tests and scripts/bench_review.py (Selenium is a dev dependency).
    The driver is the system's chromedriver, so Selenium never tries to download one.
    ``driver.quit_all()`` quits and removes the profile.
    """
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium or shutil.which("chromium") or "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        opts.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="review-chromium-")
    opts.add_argument(f"--user-data-dir={profile}")
    opts.add_argument(f"--window-size={size[0]},{size[1]}")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if download_dir:
        opts.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                               "download.prompt_for_download": False})
    service = Service(chromedriver or shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=opts, service=service)
    if download_dir:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": str(download_dir)})

    def quit_all() -> None:
        try:
            driver.quit()
        finally:
            shutil.rmtree(profile, ignore_errors=True)

    driver.quit_all = quit_all
    return driver


def screenshot(page: str | Path, png: str | Path, *, size: tuple[int, int] = (1400, 900),
               fragment: str = "", chromium: str = "chromium") -> Path:
    """PNG of a local HTML page through headless Chromium's ``--screenshot`` (no driver needed)."""
    png = Path(png).resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    url = Path(page).resolve().as_uri() + fragment
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                        f"--window-size={size[0]},{size[1]}", "--virtual-time-budget=3000",
                        f"--screenshot={png}", url],
                       check=True, capture_output=True, timeout=120)
    return png


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.tools.review",
                                     description="Write the self-contained review page of a run.")
    parser.add_argument("--out", default="outputs", metavar="DIR",
                        help="run folder with facts.jsonl and documents.jsonl (default: outputs)")
    parser.add_argument("--output", metavar="HTML", help="page to write (default: DIR/review.html)")
    parser.add_argument("--title", default=None, help="page title")
    parser.add_argument("--screenshot", metavar="PNG", help="also save a screenshot (needs chromium)")
    parser.add_argument("--fact", type=int, default=None,
                        help="fact to select in the screenshot (its position on the page)")
    args = parser.parse_args(argv)
    if not (Path(args.out) / "facts.jsonl").exists():
        print(f"no {args.out}/facts.jsonl: run `make extract` first", file=sys.stderr)
        return 2
    try:
        path, n_docs, n_facts, problems = _write_page(args.out, args.output, roots=[find_root()], title=args.title)
    except OutputsInconsistent as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for problem in problems[:10]:
        print(f"left out: {args.out}/{problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} invalid line(s) of {args.out} left out of the page"
              + (f" ({len(problems) - 10} more not shown)" if len(problems) > 10 else ""), file=sys.stderr)
    print(f"written: {path} ({n_docs} documents, {n_facts} facts, "
          f"{path.stat().st_size / 1e6:.1f} MB)")
    if args.screenshot:
        frag = f"#fact={args.fact}" if args.fact is not None else ""
        print(f"screenshot: {screenshot(path, args.screenshot, fragment=frag)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
