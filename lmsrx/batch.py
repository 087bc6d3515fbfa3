"""Batch evaluation: one NDJSON line in, one result line out, for every input line. Pure apart from the iteration.

Each line is decoded alone, so a bad line (not UTF-8, not JSON, too long, an invalid
patient or order) becomes an in-band error object and the run goes on; a blank
line yields ``{"line": N, "skipped": "blank line"}``. The caller keeps the worst
exit code seen.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from lmsrx.clinical import eligibility, patient
from lmsrx.errors import ExitCode, LmsrxError, UsageError, WorkerLost
from lmsrx.inputs import MAX_LINE_BYTES, TOO_LONG, loads_json
from lmsrx.orders import order as order_mod
from lmsrx.orders import verify as verify_mod
from lmsrx.output import options as option_views
from lmsrx.output import orders as order_views
from lmsrx.records import record
from lmsrx.text import check_id


@record
class LineResult:
    number: int
    data: dict[str, Any] | None  # None when ``text`` was made directly (the fast NDJSON path)
    rows: Any  # a list of rows, or a callable that makes them (rows are built only for csv/tsv)
    exit_code: int
    text: str | None = None

    def line(self) -> str:
        from lmsrx.output.render import dumps

        return self.text if self.text is not None else dumps(self.data)

    def table_rows(self) -> list[dict[str, Any]]:
        return self.rows() if callable(self.rows) else self.rows


def _run(lines: Iterable[bytes | str], one: Callable[[dict[str, Any], int], LineResult],
         row: Callable[[int, str | None, str, str], dict[str, Any]], start: int = 1) -> Iterator[LineResult]:
    for number, raw in enumerate(lines, start=start):
        if isinstance(raw, bytes) and raw is not TOO_LONG and not raw.strip() or isinstance(raw, str) and not raw.strip():
            yield LineResult(number, {"line": number, "skipped": "blank line"}, [row(number, None, "skipped", "blank line")], 0)
            continue
        doc: Any = None
        try:
            if raw is TOO_LONG:
                raise UsageError(f"line {number}: longer than {MAX_LINE_BYTES} bytes")
            try:
                text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            except UnicodeDecodeError:
                raise UsageError(f"line {number}: not UTF-8 text") from None
            doc = loads_json(text, f"line {number}")
            if not isinstance(doc, dict):
                raise UsageError(f"line {number}: expected a JSON object")
            yield one(doc, number)
        except LmsrxError as exc:
            code = int(exc.exit_code)
            pid = safe_id(doc.get("id")) if isinstance(doc, dict) else None
            data = {"line": number, "id": pid, "error": {"exit_code": code, "message": exc.message}}
            yield LineResult(number, data, [row(number, pid, "error", exc.message)], code)


def safe_id(value: Any) -> str | None:
    """The id of a bad line, echoed only if it is fit to echo (see :func:`lmsrx.text.check_id`)."""
    try:
        return check_id(value)
    except UsageError:
        return None


def _at(number: int, message: str) -> str:
    prefix = f"line {number}:"
    return message if message.startswith(prefix) else f"{prefix} {message}"


def _options_row(number: int, pid: str | None, status: str, message: str) -> dict[str, Any]:
    return {"patient": pid, "status": status, "id": None, "name": None, "drugs": [], "strength": None, "needs": [],
            "reasons": [_at(number, message)], "why": [], "cautions": [], "evidence": [], "newer_than_source": False}


def evaluate(kb: Any, lines: Iterable[bytes | str], explain: bool = False, compact: bool = False,
             start: int = 1) -> Iterator[LineResult]:
    """``lmsrx options --batch``: one patient a line (``compact``: ids, statuses, needs and reasons only)."""
    memo = kb.memo("batch-assessments", dict)  # assessments shared by patients who agree on what they read

    def one(doc: dict[str, Any], number: int) -> LineResult:
        answer = eligibility.assess(kb, patient.from_mapping(doc, kb), memo)
        code = int(ExitCode.OK if answer.candidates else ExitCode.NOTHING_ELIGIBLE)
        if compact:
            text = option_views.compact_json(answer, number)
            return LineResult(number, None, lambda: option_views.compact_rows(json.loads(text)), code, text=text)
        text = option_views.options_json(kb, answer, explain, number)
        return LineResult(number, None, lambda: option_views.options_rows(json.loads(text), patient_column=True), code,
                          text=text)

    return _run(lines, one, _compact_error_row if compact else _options_row, start)


def _compact_error_row(number: int, pid: str | None, status: str, message: str) -> dict[str, Any]:
    return {"patient": pid, "status": status, "id": None, "strength": None, "needs": [], "reasons": [_at(number, message)],
            "evidence": []}


def _order_row(number: int, oid: str | None, status: str, message: str) -> dict[str, Any]:
    return {"order": oid, "where": f"line {number}", "drug": None, "rule": status, "result": status, "value": None,
            "limit": None, "basis": message, "cite": [], "verdict": status}


def orders(kb: Any, lines: Iterable[bytes | str], fail_on: str = "exceeds") -> Iterator[LineResult]:
    """``lmsrx order --batch``: one order a line, its verification sheet with the id echoed."""

    def one(doc: dict[str, Any], number: int) -> LineResult:
        sheet = verify_mod.verify(kb, order_mod.from_mapping(doc, kb, f"line {number}"))
        data = {"line": number, **order_views.order_data(sheet)}
        bad = sheet.verdict == "exceeds" or (fail_on == "warning" and sheet.verdict == "warning")
        return LineResult(number, data, order_views.order_rows(data), int(ExitCode.DOSE_LIMIT_EXCEEDED if bad else ExitCode.OK))

    return _run(lines, one, _order_row)


_WORKER: dict[str, Any] = {}


def _worker_main(tasks: Any, answers: Any, kb: Any, explain: bool, compact: bool, fmt: str) -> None:
    """One ``--jobs`` worker (forked): chunks from its task queue, each answered on its own pipe, until ``None``."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to report (it stops the workers)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the main process ends its workers with SIGTERM: no inherited handler
    _WORKER.update(kb=kb, explain=explain, compact=compact, fmt=fmt)
    while (chunk := tasks.get()) is not None:
        answers.send(_work(chunk))


def _work(items: list[tuple[int, bytes, bool]]) -> list[tuple[str | None, list[dict[str, Any]] | None, int, int]]:
    """A chunk of lines in a worker process: each line's NDJSON text (or its csv/tsv rows) and exit code. (A line too
    long to read arrives as a flag: the :data:`TOO_LONG` marker is known by identity, which pickling loses.)"""
    out = []
    for number, raw, too_long in items:
        line = TOO_LONG if too_long else raw
        result = next(evaluate(_WORKER["kb"], [line], _WORKER["explain"], _WORKER["compact"], start=number))
        if _WORKER["fmt"] == "ndjson":
            out.append((result.line(), None, result.exit_code, number))
        else:
            out.append((None, result.table_rows(), result.exit_code, number))
    return out


CHUNK = 64  # lines a worker takes at a time
AHEAD = 2  # chunks in flight per worker: the bound on what waits in memory, whatever the reader's speed


def parallel(kb: Any, lines: Iterable[bytes], explain: bool, compact: bool, jobs: int, fmt: str) -> Iterator[LineResult]:
    """``--jobs N``: the same answers as :func:`evaluate`, in input order, from N processes (forked, so the knowledge
    base is shared, not reloaded). Chunk k goes to worker k mod N, which answers its chunks in order on a pipe of its
    own; at most N x AHEAD chunks are in flight, so a slow reader slows the workers and memory stays flat.

    A worker that dies closes its pipe: the main process sees the end of its answers (even in the middle of one) and
    stops the run (:class:`WorkerLost`, naming the last line answered). ``concurrent.futures`` is not used: its pool
    waits for ever when a worker is killed while writing an answer (CPython 3.11). On Ctrl-C or SIGTERM, or any error,
    the workers are stopped and reaped before the exception goes on."""
    import itertools
    import multiprocessing
    import signal
    import threading
    from collections import deque

    ctx = multiprocessing.get_context("fork")
    numbered = ((n, raw, raw is TOO_LONG) for n, raw in enumerate(lines, start=1))
    chunks = iter(lambda: [(n, b"" if flag else raw, flag) for n, raw, flag in itertools.islice(numbered, CHUNK)], [])
    workers = []  # (process, task queue, answer pipe)
    state = {"answered": 0, "finishing": False}

    def lost() -> WorkerLost:
        lines = (f"the lines after line {state['answered']} were not answered" if state["answered"]
                 else "no line was answered")
        return WorkerLost(f"a --jobs worker process stopped (killed?); {lines}")

    def on_child(signum: int, frame: Any) -> None:
        # a worker's death is noticed at once, even while the main process waits on standard input for more lines
        if not state["finishing"] and any(proc.exitcode is not None for proc, _, _ in workers):
            raise lost()

    watching = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGCHLD, on_child) if watching else None
    try:
        for _ in range(jobs):
            tasks = ctx.Queue()
            tasks.cancel_join_thread()  # never wait at exit for chunks a dead worker will not read
            reader, writer = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_worker_main, args=(tasks, writer, kb, explain, compact, fmt), daemon=True)
            proc.start()
            writer.close()  # the worker holds the only write end: its death is the end of its answers
            workers.append((proc, tasks, reader))
        in_flight: deque[int] = deque()  # the worker of each chunk sent, in input order
        for k, chunk in enumerate(itertools.islice(chunks, jobs * AHEAD)):
            workers[k % jobs][1].put(chunk)
            in_flight.append(k % jobs)
        while in_flight:
            w = in_flight.popleft()
            try:
                results = workers[w][2].recv()
            except (EOFError, OSError):
                raise lost() from None
            for text, rows, code, number in results:
                state["answered"] = number
                yield LineResult(number, None, rows if rows is not None else [], code, text=text)
            nxt = next(chunks, None)
            if nxt is not None:
                workers[w][1].put(nxt)
                in_flight.append(w)
        state["finishing"] = True
        for _, tasks, _ in workers:
            tasks.put(None)
        for proc, _, _ in workers:
            proc.join()
    finally:
        state["finishing"] = True
        for proc, tasks, reader in workers:
            if proc.is_alive():
                proc.terminate()
            proc.join()
            reader.close()
            tasks.close()
        if watching:
            signal.signal(signal.SIGCHLD, previous)
