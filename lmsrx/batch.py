"""Batch evaluation: one NDJSON patient line in, one result out. Pure apart from the iteration.

A bad line becomes an in-band error object and the run goes on; the caller
keeps the worst exit code seen (2 usage > 1 nothing eligible > 0).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from lmsrx import eligibility, patient, views
from lmsrx.errors import ExitCode, LmsrxError


@dataclass
class LineResult:
    number: int
    data: dict[str, Any]
    rows: list[dict[str, Any]]
    exit_code: int


def evaluate(kb: Any, lines: Iterable[str], explain: bool = False) -> Iterator[LineResult]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        pid = None
        try:
            raw = patient.loads_json(text, f"line {number}")
            pid = raw.get("id") if isinstance(raw, dict) else None
            person = patient.from_mapping(raw, kb)
            data = views.options_data(kb, eligibility.assess(kb, person), explain)
            code = int(ExitCode.OK if data["candidates"] else ExitCode.NOTHING_ELIGIBLE)
            yield LineResult(number, data, views.options_rows(data, patient_column=True), code)
        except LmsrxError as exc:
            code = int(exc.exit_code)
            data = {"line": number, "id": pid, "error": {"exit_code": code, "message": exc.message}}
            row = {"patient": pid, "status": "error", "id": None, "name": None, "drugs": [], "strength": None,
                   "needs": [], "reasons": [f"line {number}: {exc.message}"], "why": [], "cautions": [], "evidence": [],
                   "newer_than_source": False}
            yield LineResult(number, data, [row], code)


MAX_LINE_BYTES = 1_048_576
TOO_LONG = b"\x00too long"  # stands for a line over MAX_LINE_BYTES (skipped unread)


def orders(kb: Any, lines: Iterable[bytes], fail_on: str = "exceeds") -> Iterator[LineResult]:
    """One NDJSON order a line: its verification sheet, or an in-band error; the run goes on."""
    from lmsrx import orders as orders_mod

    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        oid = None
        try:
            if raw is TOO_LONG:
                raise LmsrxError(f"line {number}: longer than {MAX_LINE_BYTES} bytes")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise LmsrxError(f"line {number}: not UTF-8 text") from None
            doc = patient.loads_json(text, f"line {number}")
            oid = _safe_id(doc.get("id")) if isinstance(doc, dict) else None
            if not isinstance(doc, dict):
                raise LmsrxError(f"line {number}: an order is a JSON object")
            sheet = orders_mod.verify(kb, orders_mod.from_mapping(doc, kb, f"line {number}"))
            data = {"line": number, **views.order_data(sheet)}
            bad = sheet.verdict == "exceeds" or (fail_on == "warning" and sheet.verdict == "warning")
            code = int(ExitCode.DOSE_LIMIT_EXCEEDED if bad else ExitCode.OK)
            yield LineResult(number, data, views.order_rows(data), code)
        except LmsrxError as exc:
            code = int(exc.exit_code)
            data = {"line": number, "id": oid, "error": {"exit_code": code, "message": exc.message}}
            row = {"order": oid, "where": f"line {number}", "drug": None, "rule": "error", "result": "error", "value": None,
                   "limit": None, "basis": exc.message, "cite": [], "verdict": "error"}
            yield LineResult(number, data, [row], code)


def _safe_id(value: Any) -> str | None:
    """An order id fit to echo: text or a whole number, no lone surrogates, at most 200 characters."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value) if not isinstance(value, int) or abs(value) < 10**15 else None
    if text is None:
        return None
    return text.encode("utf-8", "replace").decode("utf-8")[:200]
