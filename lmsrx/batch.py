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
                   "needs": [], "reasons": [f"line {number}: {exc.message}"], "why": [], "cautions": [], "evidence": []}
            yield LineResult(number, data, [row], code)
