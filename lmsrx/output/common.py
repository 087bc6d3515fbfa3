"""What several views share: records as JSON, citations by id, check rows for people, numbers the safe way."""
from __future__ import annotations

from typing import Any

from lmsrx.dosing.checks import TOLERANCE_TEXT


def to_json(obj: Any) -> Any:
    """A record as plain JSON: quantities as '12 g/m2' text, tuples as lists."""
    from lmsrx import records
    from lmsrx.units import Quantity

    if isinstance(obj, Quantity):
        return str(obj)
    if records.is_record(obj):
        return {f.metadata.get("key", f.name): to_json(getattr(obj, f.name)) for f in records.fields(obj) if f.name != "replace"}
    if isinstance(obj, (list, tuple)):
        return [to_json(x) for x in obj]
    return obj


def cited(ids: tuple) -> str:
    return ", ".join(ids)


def reference_texts(kb: Any, ids: set[str]) -> dict[str, str]:
    from lmsrx.output import cite

    return {i: cite.short(kb.references[i]) for i in sorted(ids)}


def all_cites(obj: Any) -> set[str]:
    from lmsrx import records

    out: set[str] = set()
    if isinstance(obj, (list, tuple)):
        for x in obj:
            out |= all_cites(x)
    elif records.is_record(obj):
        for f in records.fields(obj):
            v = getattr(obj, f.name)
            out |= set(v) if f.name == "cite" else all_cites(v)
    return out


VERDICT_TEXT = {
    "ok": "OK: within the doses and limits on record, as checked below",
    "warning": "WARNING: see the checks below",
    "exceeds": "EXCEEDS: do not give as ordered",
    "not checked": "no planned dose given (--planned)",
}


def check_dicts(checks: list) -> list[dict[str, Any]]:
    return [{"rule": c.rule, "severity": c.severity, "result": c.result, "value": c.value, "limit": c.limit,
             "basis": c.basis, "cite": list(c.cite)} for c in checks]


def worst_first(items: list, result: Any = lambda c: c.result) -> list:
    """For people: the exceeding rows first, then warnings (stable otherwise); JSON keeps the order of the checks."""
    from lmsrx.vocab import RESULTS

    return sorted(items, key=lambda c: -RESULTS.index(result(c)))


def check_rows(checks: list) -> list[list[str]]:
    return [[c.result.upper(), c.rule, c.value, c.limit, c.basis, ", ".join(c.cite) or "-"] for c in worst_first(checks)]


CHECK_COLUMNS = ["Result", "Rule", "Ordered", "On record / limit", "Why", "Sources"]


def fmt_num(x: Any) -> str:
    from lmsrx.units import fmt

    return fmt(float(x)) if x is not None else "-"


DOSE_RULE_NOTE = (f"Dose rule: within {TOLERANCE_TEXT} of a dose on record is routine rounding (HOPA 2018); a written limit "
                  "wins. Decision support only: the prescriber and pharmacist check every order.")
