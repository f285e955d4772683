"""Command line: ``python -m pipeline extract PATH... [--out DIR]``, ``train``, ``eval``, ``panel``."""
from __future__ import annotations

import argparse
import math
import re
import signal
import sys
import threading
from typing import Sequence

from tqdm import tqdm

from pipeline.core import prefilter
from pipeline.batch.budget import DEFAULT_DOC_TIMEOUT
from pipeline.batch.ingest import DEFAULT_MAX_BYTES, DEFAULT_MAX_INPUT_BYTES
from pipeline.batch.manifest import OutputsInconsistent
from pipeline.batch.outdir import OutDirError, OutputLock, check_out_dir, clean_stale
from pipeline.batch.write import DocumentFailed, ResumeIndex

#: Exit status of ``extract``: all documents ok / --strict stopped / usage error / some documents failed.
EXIT_OK, EXIT_STRICT, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3
_SHOW_ERRORS = 10


def _extract(args: argparse.Namespace) -> int:
    # the extraction stack (underthesea, spaCy, the model) loads here, not for `panel` or `--help`
    from pipeline.batch.run import set_doc_timeout

    if args.scheduler and args.engine != "dask":
        print("error: --scheduler needs --engine dask", file=sys.stderr)
        return EXIT_USAGE
    try:  # a folder that cannot take the outputs, or would hide inputs, stops the run before any work
        check_out_dir(args.out, args.paths)
    except OutDirError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    prefilter.set_enabled(not args.no_prefilter and prefilter.env_enabled())
    from pipeline.core import classify

    classify.configure(rules_only=args.rules_only or None, threshold=args.threshold, model_path=args.model)
    try:
        classify.default_decider()  # a corrupted or tampered model stops the run here, before any output
    except classify.ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    set_doc_timeout(args.doc_timeout)
    try:
        lock = OutputLock(args.out).__enter__()
    except OutDirError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return _extract_locked(args)
    finally:
        lock.__exit__(None, None, None)


def _extract_locked(args: argparse.Namespace) -> int:
    from pipeline.batch.engines.local import iter_results
    from pipeline.batch.run import write_results

    """The run itself, while this process holds the output folder's lock."""
    try:
        resume = ResumeIndex.load(args.out) if args.resume else None
    except OutputsInconsistent as exc:
        print(f"error: --resume: {exc}", file=sys.stderr)
        return EXIT_USAGE
    removed = clean_stale(args.out)  # after --resume has read what a killed run finished
    if removed:
        print(f"removed {len(removed)} temporary file(s) left in {args.out} by an interrupted run", file=sys.stderr)
    errors: list[dict] = []

    def noting_errors(results):
        for res in results:
            if res.record["status"] != "ok" and len(errors) < _SHOW_ERRORS:
                errors.append(res.record)
            yield res

    dask = args.engine == "dask"
    inputs = iter(()) if dask else iter_results(args.paths, jobs=args.jobs or 1, max_bytes=args.max_bytes,
                                                 resume=resume, exclude=[args.out],
                                                 max_input_bytes=args.max_input_bytes)
    results = tqdm(noting_errors(inputs),
                   desc="documents", unit="doc", disable=args.quiet or dask or None, file=sys.stderr)
    try:
        with _sigterm_as_exit():
            counts = (_run_dask(args, resume, errors) if dask
                      else write_results(results, args.out, strict=args.strict))
    except DocumentFailed as exc:
        print(f"error: --strict: stopped at the first failed document, nothing written: {exc}", file=sys.stderr)
        return EXIT_STRICT
    finally:
        results.close()
        if resume is not None:
            resume.close()
    _summary(counts, args.out)
    if resume is not None:
        print(f"resumed: {resume.reused} unchanged documents reused from {args.out}"
              + (f" (with what {resume.journals} interrupted run(s) had finished)" if resume.journals else ""))
    if counts["status:error"]:
        for rec in errors:
            print(f"error: {rec['source']}: {rec['reason']}", file=sys.stderr)
        failed = counts["status:error"] + counts["summarised"]
        more = failed - len(errors)
        print(f"{failed} document(s) failed" + (f" ({more} more not shown)" if more else "")
              + f"; see the error lines of {args.out}/documents.jsonl", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _run_dask(args: argparse.Namespace, resume, errors: list[dict]):
    """``--engine dask``: partitions extracted on a Dask cluster, merged into the same two files."""
    from pipeline.batch.engines.dask_engine import PartitionsFailed, SchedulerUnreachable, run_dask

    with tqdm(desc="documents", unit="doc", disable=args.quiet or None, file=sys.stderr) as bar:
        try:
            report = run_dask(args.paths, args.out, scheduler=args.scheduler, n_workers=args.jobs or 2,
                              resume=resume, strict=args.strict, progress=bar,
                              max_bytes=args.max_bytes, exclude=[args.out],
                              max_input_bytes=args.max_input_bytes)
        except PartitionsFailed as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(EXIT_FAILED) from exc
        except SchedulerUnreachable as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(EXIT_USAGE) from exc
    errors.extend(report.errors[: max(0, _SHOW_ERRORS - len(errors))])
    print(report.summary(), file=sys.stderr)
    return report.counts


class _sigterm_as_exit:
    """Turn SIGTERM into SystemExit so the temporary output files are removed on ``kill``."""

    def __enter__(self):
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, self._exit)
        return self

    @staticmethod
    def _exit(signum, frame):
        raise SystemExit(128 + signum)

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)


def _byte_size(value: str) -> int:
    """``20000000``, ``20MB``, ``20M``, ``512KiB`` -> bytes (K, M, G = 1000^n; Ki, Mi, Gi = 1024^n)."""
    m = re.fullmatch(r"\s*(\d+)\s*(?:([kmg])(i?)b?|b)?\s*", value, re.I)
    if not m or int(m.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"not a positive size in bytes: {value!r} (e.g. 20000000, 20MB, 64MiB)")
    power = "kmg".index(m.group(2).lower()) + 1 if m.group(2) else 0
    return int(m.group(1)) * (1024 if m.group(3) else 1000) ** power


def _probability(value: str) -> float:
    """``--threshold``: a probability, 0 to 1 (NaN, infinities and out-of-range values are refused)."""
    try:
        p = float(value)
    except ValueError:
        p = math.nan
    if not 0.0 <= p <= 1.0:  # False for NaN too
        raise argparse.ArgumentTypeError(f"not a probability between 0 and 1: {value!r}")
    return p


def _seconds(value: str) -> float:
    """``--doc-timeout``: seconds, finite and >= 0 (0: no time budget)."""
    try:
        s = float(value)
    except ValueError:
        s = math.nan
    if not (math.isfinite(s) and s >= 0):
        raise argparse.ArgumentTypeError(f"not a number of seconds >= 0: {value!r}")
    return s


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a positive integer: {value!r}")
    return int(value)


def _summary(counts, out) -> None:
    hidden = counts["summarised"]  # failed documents standing in one summary error line each
    print(f"documents: {counts['documents'] + hidden}  ok: {counts['status:ok']}  "
          f"errors: {counts['status:error'] + hidden}")
    types = sorted((k.split(':', 1)[1], v) for k, v in counts.items() if k.startswith("type:"))
    print("facts: " + (", ".join(f"{t} {n}" for t, n in types) or "none")
          + f"  (total {sum(n for _, n in types)})")
    print(f"written: {out}/facts.jsonl, {out}/documents.jsonl")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline",
                                     description="Extract governance-index facts from Vietnamese articles.")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract facts from files or folders",
                        formatter_class=argparse.RawDescriptionHelpFormatter,
                        description="Read .txt, .html/.htm, .jsonl and .jsonl.gz articles (files or folders,\n"
                                    "recursively; - for standard input) and write DIR/facts.jsonl (one fact per\n"
                                    "line) and DIR/documents.jsonl (one line per input document, with its status;\n"
                                    "a document that cannot be read is an error line naming the file, the line\n"
                                    "for JSONL, and the reason). Both files are replaced atomically at the end.",
                        epilog="exit status:\n"
                               "  0  all documents were processed\n"
                               "  3  some documents failed (their error lines are in documents.jsonl; "
                               "the others were processed)\n"
                               "  1  --strict: stopped at the first failed document, nothing written\n"
                               "  2  bad command line, unusable --out or --model, or --out being written "
                               "by another run\n\n"
                               "doc_id: a file's name without suffix, or its relative path when two input "
                               "files share a name;\n"
                               "a JSONL record's \"id\", else FILE:LINE. Details: docs/INPUTS.md")
    ex.add_argument("paths", nargs="+", metavar="PATH",
                    help="input files or folders; - reads standard input (JSONL if it starts with {, else one text)")
    ex.add_argument("--out", default="outputs", metavar="DIR", help="output folder (default: outputs)")
    ex.add_argument("--strict", action="store_true",
                    help="stop at the first document that fails, write no output files, exit with status 1")
    ex.add_argument("--resume", action="store_true",
                    help="reuse the facts of documents already in DIR whose normalised text is unchanged "
                         "(same doc_id and sha256); extract only new or changed ones")
    ex.add_argument("--max-bytes", type=_byte_size, default=DEFAULT_MAX_BYTES, metavar="N",
                    help="largest single document (a .txt/.html file, one JSONL line, text on stdin); "
                         f"larger ones are error lines (default: {DEFAULT_MAX_BYTES:,}; accepts 20MB, 64MiB). "
                         "JSONL files themselves may be any size: they are streamed")
    ex.add_argument("--max-input-bytes", type=_byte_size, default=DEFAULT_MAX_INPUT_BYTES, metavar="N",
                    help="most bytes read from one JSONL input, after decompression (a gzip bomb stops here "
                         f"with an error line; default: {DEFAULT_MAX_INPUT_BYTES:,}; accepts 10GB)")
    ex.add_argument("--quiet", action="store_true", help="no progress bar")
    ex.add_argument("--jobs", type=_positive_int, default=None, metavar="N",
                    help="worker processes: --engine local uses N processes (default 1); --engine dask "
                         "starts a LocalCluster of N workers (default 2). Output is identical for any N")
    ex.add_argument("--engine", choices=("local", "dask"), default="local",
                    help="local: this machine (default); dask: dask.distributed, see docs/DASK.md")
    ex.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                    help="with --engine dask: an existing Dask scheduler instead of a LocalCluster")
    ex.add_argument("--no-prefilter", action="store_true",
                    help="send every sentence through the expensive stages (same facts, slower; "
                         "also PIPELINE_NO_PREFILTER=1)")
    ex.add_argument("--rules-only", action="store_true",
                    help="keep the rules' own pairing of each value, without the trained classifier")
    ex.add_argument("--threshold", type=_probability, default=None, metavar="P",
                    help="raw model probability a pairing needs to become a fact, 0 to 1 (default 0.5; higher = "
                         "fewer, surer facts). The output's confidence is that probability calibrated (README: Quality)")
    ex.add_argument("--doc-timeout", type=_seconds, default=DEFAULT_DOC_TIMEOUT, metavar="SECONDS",
                    help="time budget of one document; a document that takes longer becomes an error line "
                         f"naming the reason, and the run goes on (default {DEFAULT_DOC_TIMEOUT:g}; 0: none; "
                         "not enforced on Dask workers)")
    ex.add_argument("--model", default=None, metavar="FILE",
                    help="candidate model to use (default: pipeline/models/candidate_model.json)")
    ex.set_defaults(func=_extract)
    tr = sub.add_parser("train", help="train the candidate classifier from gold (and review decisions)",
                        description="Build every candidate pairing of the gold folders' documents, label it by the "
                                    "gold, fit the logistic regression and write the model (plain JSON, stamped "
                                    "with the training data's hash and the package versions).")
    tr.add_argument("--gold", nargs="+", required=True, metavar="FOLDER", help="gold folders")
    tr.add_argument("--decisions", metavar="FILE", help="review decisions (JSONL from the review page) as extra labels")
    tr.add_argument("--out", default=None, metavar="FILE", help="model file (default: pipeline/models/candidate_model.json)")
    tr.add_argument("--no-calibration", action="store_true",
                    help="write no calibration map: confidence is then the raw probability")
    tr.set_defaults(func=_train)
    ev = sub.add_parser("eval", help="score extraction against gold folders (SCHEMA.md scoring)",
                        description="Run the pipeline over each gold folder (texts/, docs.jsonl, gold.jsonl) and "
                                    "print per-type precision, recall, F1 and the micro figures, the "
                                    "cross-validation, the cross-set figure (--cross) and the calibration of "
                                    "confidence (reliability tables, ECE); writes DIR/eval.json.")
    ev.add_argument("--gold", nargs="+", required=True, metavar="FOLDER", help="gold folders")
    ev.add_argument("--out", default="outputs", metavar="DIR", help="where eval.json goes (default: outputs)")
    ev.add_argument("--no-ablation", action="store_true",
                    help="skip the cross-validated rules-only vs rules+classifier comparison (and the "
                         "out-of-fold calibration table)")
    ev.add_argument("--cross", nargs=2, default=None, metavar=("A", "B"),
                    help="two of the --gold folders: also train a classifier on A (+ the other --gold folders) "
                         "and score it on B, and the reverse, beside the rules alone")
    ev.set_defaults(func=_eval)
    pa = sub.add_parser("panel", help="build the province × index × year panel from facts.jsonl files",
                        description="Turn facts.jsonl files (or run folders) into DIR/panel.parquet, DIR/panel.csv, "
                                    "DIR/percentages.parquet and DIR/datapackage.json: one row per province, "
                                    "index, component, scope and year with rank, rank_total, score, their "
                                    "support, conflicts and arithmetic checks. Publication dates come from the "
                                    "documents.jsonl beside each facts.jsonl.",
                        epilog="exit status: 0 written; 3 written, but some input lines or files could not be "
                               "read (named on stderr); 2 no input could be read")
    pa.add_argument("facts", nargs="*", default=["outputs/facts.jsonl"], metavar="FACTS",
                    help="facts.jsonl files or run folders (default: outputs/facts.jsonl)")
    pa.add_argument("--out", default="outputs", metavar="DIR", help="output folder (default: outputs)")
    pa.set_defaults(func=_panel)
    return parser


def _panel(args: argparse.Namespace) -> int:
    from pipeline.tools import panel

    inputs = panel.load_inputs(args.facts)
    for message in inputs.warnings:
        print(f"warning: {message}", file=sys.stderr)
    for message in inputs.errors[:_SHOW_ERRORS]:
        print(f"error: {message}", file=sys.stderr)
    if len(inputs.errors) > _SHOW_ERRORS:
        print(f"... {len(inputs.errors) - _SHOW_ERRORS} more errors", file=sys.stderr)
    if not inputs.facts and inputs.errors:
        return EXIT_USAGE
    built = panel.build_panel(inputs.facts)
    written = panel.write_panel(built, args.out)
    print(panel.summary(built))
    print("written: " + ", ".join(str(p) for p in written))
    return EXIT_FAILED if inputs.errors else EXIT_OK


def _eval(args: argparse.Namespace) -> int:
    from pipeline.tools.report import run_eval

    if args.cross and not set(args.cross) <= set(args.gold):
        print(f"error: --cross {' '.join(args.cross)}: both folders must be among --gold", file=sys.stderr)
        return EXIT_USAGE
    run_eval(args.gold, args.out, ablation=not args.no_ablation, cross=args.cross)
    return 0


def _train(args: argparse.Namespace) -> int:
    from pipeline.core.classify import MODEL_PATH
    from pipeline.tools.train import train

    try:
        train(args.gold, args.out or MODEL_PATH, decisions=args.decisions, calibration=not args.no_calibration)
    except ValueError as exc:  # a bad decisions file names its line
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
