"""Batch evaluation: one NDJSON line in, one result line out, for every input line. Pure apart from the iteration.

Each line is decoded alone, so a bad line (not UTF-8, not JSON, too long, an invalid
patient or order) becomes an in-band error object and the run goes on; a blank
line yields ``{"line": N, "skipped": "blank line"}``. The caller keeps the worst
exit code seen.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from lmsrx import eligibility, patient, views
from lmsrx.errors import ExitCode, LmsrxError, UsageError

MAX_LINE_BYTES = 1_048_576
TOO_LONG = b"\x00too long"  # stands for a line over MAX_LINE_BYTES (skipped unread)


@dataclass
class LineResult:
    number: int
    data: dict[str, Any]
    rows: list[dict[str, Any]]
    exit_code: int


def _run(lines: Iterable[bytes | str], one: Callable[[dict[str, Any], int], LineResult],
         row: Callable[[int, str | None, str, str], dict[str, Any]]) -> Iterator[LineResult]:
    for number, raw in enumerate(lines, start=1):
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
            doc = patient.loads_json(text, f"line {number}")
            if not isinstance(doc, dict):
                raise UsageError(f"line {number}: expected a JSON object")
            yield one(doc, number)
        except LmsrxError as exc:
            code = int(exc.exit_code)
            pid = safe_id(doc.get("id")) if isinstance(doc, dict) else None
            data = {"line": number, "id": pid, "error": {"exit_code": code, "message": exc.message}}
            yield LineResult(number, data, [row(number, pid, "error", exc.message)], code)


def safe_id(value: Any) -> str | None:
    """The id of a bad line, echoed only if it is fit to echo (see :func:`lmsrx.patient.check_id`)."""
    try:
        return patient.check_id(value)
    except UsageError:
        return None


def _options_row(number: int, pid: str | None, status: str, message: str) -> dict[str, Any]:
    return {"patient": pid, "status": status, "id": None, "name": None, "drugs": [], "strength": None, "needs": [],
            "reasons": [f"line {number}: {message}"], "why": [], "cautions": [], "evidence": [], "newer_than_source": False}


def evaluate(kb: Any, lines: Iterable[bytes | str], explain: bool = False) -> Iterator[LineResult]:
    """``lmsrx options --batch``: one patient a line."""
    def one(doc: dict[str, Any], number: int) -> LineResult:
        person = patient.from_mapping(doc, kb)
        data = {"line": number, **views.options_data(kb, eligibility.assess(kb, person), explain)}
        code = int(ExitCode.OK if data["candidates"] else ExitCode.NOTHING_ELIGIBLE)
        return LineResult(number, data, views.options_rows(data, patient_column=True), code)

    return _run(lines, one, _options_row)


def _order_row(number: int, oid: str | None, status: str, message: str) -> dict[str, Any]:
    return {"order": oid, "where": f"line {number}", "drug": None, "rule": status, "result": status, "value": None,
            "limit": None, "basis": message, "cite": [], "verdict": status}


def orders(kb: Any, lines: Iterable[bytes | str], fail_on: str = "exceeds") -> Iterator[LineResult]:
    """``lmsrx order --batch``: one order a line, its verification sheet with the id echoed."""
    from lmsrx import orders as orders_mod

    def one(doc: dict[str, Any], number: int) -> LineResult:
        sheet = orders_mod.verify(kb, orders_mod.from_mapping(doc, kb, f"line {number}"))
        data = {"line": number, **views.order_data(sheet)}
        bad = sheet.verdict == "exceeds" or (fail_on == "warning" and sheet.verdict == "warning")
        return LineResult(number, data, views.order_rows(data), int(ExitCode.DOSE_LIMIT_EXCEEDED if bad else ExitCode.OK))

    return _run(lines, one, _order_row)
