"""Dask engine: the same pipeline on dask.distributed, byte-identical to the local engine.

Why the client reads the inputs: ``iter_inputs`` has run-wide rules (a doc_id depends on
the other files' names, a repeated id becomes an error line, a gold folder's
``docs.jsonl`` gives its texts their metadata), so only one reader over all inputs gives
the local engine's exact documents. Reading is cheap (~7,000 articles/s); extraction is
the expensive part, and that is what the workers do.

The plan:

1. the client streams ``iter_inputs(paths)`` and cuts it into partitions of consecutive
   records (at most ``partition_size`` documents and ``partition_bytes`` of text each);
2. each partition is one task (``retries=`` on failure); its worker loads the models once
   per process (:func:`pipeline.batch.engines.warm_up`, a module-level cache) and writes the
   partition's own part files with :func:`pipeline.batch.run.write_results`, into a folder the
   client sees (shared file system) or returns their bytes to the client, which writes them;
3. the parts are concatenated in partition order into ``facts.jsonl`` and
   ``documents.jsonl`` (atomically); the document count is checked against the input count,
   so no document is lost or doubled.

At most ``4 x workers`` partitions are in flight, so the client's memory stays flat.
"""
from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from pipeline.batch.manifest import commit_pair
from pipeline.batch.run import DocResult, write_results
from pipeline.batch.write import DOCUMENTS, FACTS, AtomicFile, DocumentFailed, ResumeIndex
from pipeline.batch.engines import WorkItem, apply_settings, process_item, settings, warm_up, work_items

#: Documents per partition: a few seconds of extraction, so scheduling overhead is noise
#: and a retry repeats little work.
DEFAULT_PARTITION_SIZE = 256
#: Text per partition, so a partition of very long documents stays a small message.
DEFAULT_PARTITION_BYTES = 8_000_000
#: Topic of the worker events that report a failed partition attempt.
FAILURE_TOPIC = "vnfacts-partition-failed"
_SHOW_ERRORS = 10


@dataclass
class DaskReport:
    """What a Dask run did: counts as :func:`write_results` gives them, and how it went."""

    counts: Counter = field(default_factory=Counter)
    partitions: int = 0
    documents: int = 0
    parts_via: str = ""  # "shared" (workers wrote the parts) or "return" (the client did)
    scheduler: str = ""
    failed_attempts: list[dict[str, Any]] = field(default_factory=list)  # retried or not
    failed_partitions: list[dict[str, Any]] = field(default_factory=list)  # after all retries
    errors: list[dict[str, Any]] = field(default_factory=list)  # first error lines of documents.jsonl

    def summary(self) -> str:
        retried = sorted({a["partition"] for a in self.failed_attempts})
        return (f"dask: {self.partitions} partitions on {self.scheduler} (parts {self.parts_via}); "
                f"{len(self.failed_attempts)} failed attempt(s)"
                + (f", retried partitions {retried}" if retried else "")
                + f"; {self.documents} documents in, {self.counts['documents']} out")


class SchedulerUnreachable(RuntimeError):
    """``--scheduler`` names no running Dask scheduler."""


class PartitionsFailed(RuntimeError):
    """Some partitions failed after all retries: no output was written."""

    def __init__(self, report: DaskReport) -> None:
        self.report = report
        lines = [f"partition {p['partition']} (documents {p['first']}..{p['last']}): {p['error']}"
                 for p in report.failed_partitions]
        super().__init__(f"{len(lines)} partition(s) failed after retries; nothing written:\n  "
                         + "\n  ".join(lines))


# ----------------------------------------------------------------------------- worker side


def run_partition(index: int, items: list[WorkItem], conf: dict[str, Any], run_id: str,
                  parts_dir: str | None, fault: dict[str, Any] | None = None) -> dict[str, Any]:
    """Extract one partition and write its part files (in ``parts_dir``, or return their bytes).

    Each attempt writes into its own folder, and the client merges only the folder named
    by the successful attempt, so a retried partition can never be merged twice.
    """
    try:
        apply_settings(conf)
        warm_up()
        if fault is not None and fault["partition"] == index:
            _inject_fault(fault)
        results = (process_item(item) for item in items)
        if parts_dir is not None:
            part = Path(parts_dir) / f"part-{index:06d}-{uuid.uuid4().hex[:8]}"
            counts = write_results(results, part)
            return {"index": index, "dir": str(part), "counts": dict(counts)}
        with tempfile.TemporaryDirectory(prefix="vnfacts-part-") as tmp:
            counts = write_results(results, tmp)
            files = {p.name: p.read_bytes() for p in sorted(Path(tmp).glob("*.jsonl"))}
        return {"index": index, "files": files, "counts": dict(counts)}
    except Exception as exc:
        _report_failure(run_id, index, exc)
        raise


def _inject_fault(fault: dict[str, Any]) -> None:
    """Test hook: fail the first ``times`` attempts of one partition (markers in a shared folder)."""
    marks = Path(fault["dir"])
    done = len(list(marks.glob(f"attempt-{fault['partition']}-*")))
    if done < fault.get("times", 1):
        (marks / f"attempt-{fault['partition']}-{uuid.uuid4().hex}").touch()
        raise RuntimeError(f"injected failure of partition {fault['partition']} (attempt {done + 1})")


def _report_failure(run_id: str, index: int, exc: Exception) -> None:
    try:
        from distributed import get_worker

        worker = get_worker()
        worker.log_event(FAILURE_TOPIC, {"run": run_id, "partition": index, "worker": worker.address,
                                         "error": f"{type(exc).__name__}: {exc}"[:500]})
    except Exception:  # noqa: BLE001 - reporting must never hide the real error
        pass


def _sees_token(path: str, token: str) -> bool:
    try:
        return Path(path).read_text(encoding="utf-8") == token
    except OSError:
        return False


def code_fingerprint() -> str:
    """sha256 of the code, data and model that decide the output, to check workers run the same."""
    import extractors
    from pipeline.core.classify import MODEL_PATH

    files: list[tuple[str, Path]] = []
    for root in (Path(__file__).resolve().parents[2], Path(extractors.__file__).parent):  # pipeline/, extractors/
        files += [(str(p.relative_to(root.parent)), p) for p in root.rglob("*")
                  if p.suffix in {".py", ".json", ".tsv", ".txt"} and "__pycache__" not in p.parts]
    if Path(MODEL_PATH).is_file():
        files.append(("model", Path(MODEL_PATH)))
    digest = hashlib.sha256()
    for name, path in sorted(files):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


# ----------------------------------------------------------------------------- client side


def _partitions(items: Iterable[WorkItem], size: int, max_bytes: int) -> Iterator[list[WorkItem]]:
    batch: list[WorkItem] = []
    text_bytes = 0
    for item in items:
        n = len(item.text) if hasattr(item, "text") else 0
        if batch and (len(batch) >= size or text_bytes + n > max_bytes):
            yield batch
            batch, text_bytes = [], 0
        batch.append(item)
        text_bytes += n
    if batch:
        yield batch


def _source(item: WorkItem) -> str:
    if isinstance(item, DocResult):
        return str(item.record.get("source"))
    return str(item.source)


def _connect(scheduler: str | None, n_workers: int):
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="20s"), None
        except OSError as exc:
            raise SchedulerUnreachable(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    # the scheduler runs in this process: keep its INFO chatter out of the command's output
    logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                           dashboard_address=":0", silence_logs=logging.ERROR)
    return Client(cluster), cluster


def _check_workers(client, remote: bool, parts_root: Path, token: str) -> str:
    """Fail early if a worker runs other code; decide whether workers can write the parts."""
    if not remote:
        return "shared"  # a LocalCluster runs on this machine, with this code
    ours = code_fingerprint()
    theirs = client.run(code_fingerprint)
    wrong = sorted(addr for addr, fp in theirs.items() if fp != ours)
    if wrong:
        raise RuntimeError(f"workers {wrong} run a different version of the pipeline than this client; "
                           "install the same version on every worker (docs/DASK.md)")
    token_file = parts_root / "token"
    token_file.write_text(token, encoding="utf-8")
    seen = client.run(_sees_token, str(token_file.resolve()), token)
    return "shared" if seen and all(seen.values()) else "return"


def run_dask(paths: Sequence[str | Path], out_dir: str | Path, *, scheduler: str | None = None,
             n_workers: int = 2, partition_size: int = DEFAULT_PARTITION_SIZE,
             partition_bytes: int = DEFAULT_PARTITION_BYTES, retries: int = 2,
             resume: ResumeIndex | None = None, strict: bool = False, progress: Any = None,
             parts_via: str | None = None, fault: dict[str, Any] | None = None,
             **input_options: Any) -> DaskReport:
    """Run the pipeline on Dask and write ``out_dir``/facts.jsonl and documents.jsonl.

    ``scheduler``: ``tcp://HOST:PORT`` of a running cluster, or None for a LocalCluster of
    ``n_workers`` single-threaded processes. ``progress``: a tqdm-like object updated with
    documents done. ``input_options`` (``max_bytes``, ``stdin``, ``exclude``, ...) go to
    ``iter_inputs``, which runs here on the client. ``parts_via``: force "shared" or "return" (default: detect).
    ``fault``: test hook, see :func:`_inject_fault`. Raises :class:`PartitionsFailed` if a
    partition still fails after ``retries`` retries (nothing is written then), and
    :class:`~pipeline.batch.write.DocumentFailed` with ``strict`` at the first failed document.
    """
    from distributed import as_completed

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    run_id = uuid.uuid4().hex[:12]
    parts_root = out / f".parts-{run_id}"
    report = DaskReport(scheduler=scheduler or f"LocalCluster({n_workers} workers)")
    client = cluster = None
    try:
        parts_root.mkdir()
        client, cluster = _connect(scheduler, n_workers)
        report.parts_via = parts_via or _check_workers(client, bool(scheduler), parts_root, run_id)
        n_live = max(1, len(client.nthreads()))
        in_flight = 4 * n_live
        conf = settings()
        target = str(parts_root.resolve()) if report.parts_via == "shared" else None
        batches = enumerate(_partitions(work_items(paths, resume=resume, **input_options),
                                        partition_size, partition_bytes))
        spans: dict[str, dict[str, Any]] = {}
        done: dict[int, dict[str, Any]] = {}
        pending = as_completed()

        def submit_next() -> bool:
            nxt = next(batches, None)
            if nxt is None:
                return False
            index, batch = nxt
            key = f"vnfacts-{run_id}-part-{index:06d}"
            fut = client.submit(run_partition, index, batch, conf, run_id, target, fault,
                                key=key, retries=retries, pure=False)
            spans[fut.key] = {"partition": index, "n": len(batch),
                              "first": _source(batch[0]), "last": _source(batch[-1])}
            report.partitions += 1
            report.documents += len(batch)
            pending.add(fut)
            return True

        for _ in range(in_flight):
            if not submit_next():
                break
        for fut in pending:
            span = spans[fut.key]
            if fut.status == "error":
                exc = fut.exception()
                report.failed_partitions.append({**span, "error": f"{type(exc).__name__}: {exc}"})
            else:
                res = fut.result()
                done[res["index"]] = _keep_part(res, parts_root)
                if progress is not None:
                    progress.update(span["n"])
            fut.release()
            submit_next()
        report.failed_attempts = sorted(
            (msg for _, msg in client.get_events(FAILURE_TOPIC) if msg.get("run") == run_id),
            key=lambda m: (m["partition"], m["error"]))
        if report.failed_partitions:
            report.failed_partitions.sort(key=lambda p: p["partition"])
            raise PartitionsFailed(report)
        _merge(done, report, out, strict)
        return report
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        shutil.rmtree(parts_root, ignore_errors=True)


def _keep_part(res: dict[str, Any], parts_root: Path) -> dict[str, Any]:
    """A finished partition as a folder of part files on the client's disk."""
    if "files" in res:
        part = parts_root / f"part-{res['index']:06d}-returned"
        part.mkdir()
        for name, data in res["files"].items():
            (part / name).write_bytes(data)
        return {"dir": str(part), "counts": res["counts"]}
    return {"dir": res["dir"], "counts": res["counts"]}


def _merge(done: dict[int, dict[str, Any]], report: DaskReport, out: Path, strict: bool) -> None:
    """Concatenate the part files in partition order, after checking nothing is lost or doubled."""
    if sorted(done) != list(range(report.partitions)):
        raise RuntimeError(f"partitions missing from the merge: {sorted(set(range(report.partitions)) - set(done))}")
    counts: Counter = Counter()
    for index in range(report.partitions):
        counts.update(done[index]["counts"])
    if counts["documents"] != report.documents:
        raise RuntimeError(f"{report.documents} documents went in but the parts hold {counts['documents']}")
    dirs = [Path(done[i]["dir"]) for i in range(report.partitions)]
    for part in dirs:  # the first error lines, for the summary (and --strict)
        for line in _error_lines(part / DOCUMENTS, _SHOW_ERRORS - len(report.errors)):
            report.errors.append(line)
        if len(report.errors) >= _SHOW_ERRORS:
            break
    if strict and report.errors:
        raise DocumentFailed(report.errors[0])
    # facts first, then documents, as write_results commits them; the manifest last
    with AtomicFile(out / FACTS) as facts_w, AtomicFile(out / DOCUMENTS) as docs_w:
        for target in (facts_w, docs_w):
            for part in dirs:
                if (part / target.path.name).exists():
                    target.copy_from(part / target.path.name)
        commit_pair(out, [facts_w, docs_w])
    report.counts = counts


def _error_lines(path: Path, limit: int) -> Iterator[dict[str, Any]]:
    import json

    if limit <= 0:
        return
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if '"status":"error"' in line:
                yield json.loads(line)
                limit -= 1
                if limit <= 0:
                    return
