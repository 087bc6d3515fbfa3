"""The doses on record of a drug per administration, day or cycle, derived from each record's schedule. Pure."""
from __future__ import annotations

from typing import Any

from lmsrx.dosing.body import Body
from lmsrx.dosing.checks import EPS
from lmsrx.records import record
from lmsrx.units import Quantity, fmt


@record(frozen=True)
class OnRecord:
    dose: Any
    high: Quantity
    low: Quantity
    computed: bool


def on_record(dose: Any, per: str) -> OnRecord | None:
    """A record's dose per administration, day or cycle (derived from its schedule where not stated)."""
    if dose.fraction_of is not None:
        return None
    times = dose.times or 1
    if per == "administration":
        if dose.amount is None:
            return None
        return OnRecord(dose, dose.amount, dose.low or dose.amount, False)
    if per == "day":
        if dose.per_day is not None:
            return OnRecord(dose, dose.per_day, dose.per_day, False)
        if dose.amount is None:
            return None
        lo = dose.low or dose.amount
        return OnRecord(dose, _times(dose.amount, times), _times(lo, times), times > 1)
    if dose.per_cycle is not None:
        return OnRecord(dose, dose.per_cycle, dose.per_cycle_low or dose.per_cycle, False)
    if dose.amount is None or not dose.days:
        return None
    n = times * len(dose.days)
    return OnRecord(dose, _times(dose.amount, n), _times(dose.low or dose.amount, n), n > 1)


def _times(q: Quantity, n: int) -> Quantity:
    return Quantity(q.value * n, q.unit)


def records_for(drug: Any, per: str, body: Body, route: str | None) -> list[OnRecord]:
    """The doses on record to compare with (for a patient a dose rule covers, the drug passed in carries the
    rule's doses instead: :func:`adjusted`)."""
    usable = [d for d in drug.doses if route is None or (d.route or only_route(drug)) in (route, None)]
    return [r for d in usable if (r := on_record(d, per)) is not None]


def only_route(drug: Any) -> str | None:
    return drug.route[0] if len(drug.route) == 1 else None


def span_text(lo: Quantity, hi: Quantity) -> str:
    return str(hi) if abs(lo.base() - hi.base()) < EPS else f"{fmt(lo.to(hi.unit).value)}-{hi}"


def cites_of(records: list[OnRecord]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for r in records for c in r.dose.cite))


def statuses_of(records: list[OnRecord]) -> str:
    return ", ".join(sorted({r.dose.status for r in records}))
