"""Infusion time and rate against the times and rates on record, and written time or rate limits. Pure.

The rate of an infusion (dose / time) is compared with the fastest infusion on
record for the drug: more than :data:`~lmsrx.dosing.RATE_EXCEEDS` times as fast
``exceeds``, faster by more than the 10% tolerance warns; more than
:data:`~lmsrx.dosing.SLOW_WARNS` times the longest infusion on record warns; a
drug with a bolus on record has no lower bound on time; with no time on record
the rate is *not verified*.
"""
from __future__ import annotations

from typing import Any

from lmsrx.dosing.body import family, needs_for
from lmsrx.dosing.checks import EPS, RATE_EXCEEDS, SLOW_WARNS, TOLERANCE, Check
from lmsrx.units import Quantity, fmt


def time_not_given(drug: Any, route: str | None) -> list[Check]:
    """A note, when the records give infusion times, that the time was not checked."""
    timed = [d for d in drug.doses if d.duration is not None]
    if route == "oral" or not timed:
        return []
    spans = sorted({f"{x.duration_low.to('min').value:g}-{x.duration}" if x.duration_low else str(x.duration) for x in timed})
    return [Check("infusion time", "rate", "note", "not given", ", ".join(spans),
                  "the infusion time is not given, so it is not checked", timed[0].cite)]



def check_rate(drug: Any, have: dict[str, Quantity], minutes: float) -> tuple[dict[str, Any], list[Check]]:
    """The planned infusion against the infusion times and rates on record, and any written time or rate limit."""
    per_m2 = have.get("per_m2")
    rate = Quantity(per_m2.base() / minutes, "mg/m2/min") if per_m2 is not None else None
    info: dict[str, Any] = {"minutes": minutes, "mg_per_m2_per_min": round(rate.value, 4) if rate else None}
    checks: list[Check] = []
    for lim in drug.limits:
        if lim.scope == "duration":
            above = minutes > lim.max.to("min").value * (1 + EPS)
            checks.append(Check(f"{lim.severity} limit (infusion time)", lim.severity,
                                ("exceeds" if lim.severity == "hard" else "warning") if above else "ok",
                                f"{fmt(minutes)} min", str(lim.max), lim.basis, lim.cite))
        elif lim.scope == "rate":
            if rate is None:
                checks.append(Check(f"{lim.severity} limit (rate)", lim.severity, "warning", "not comparable", str(lim.max),
                                    f"{lim.basis}; not verified: needs a BSA", lim.cite))
            else:
                above = rate.base() > lim.max.base() * (1 + EPS)
                checks.append(Check(f"{lim.severity} limit (rate)", lim.severity,
                                    ("exceeds" if lim.severity == "hard" else "warning") if above else "ok",
                                    str(rate), str(lim.max), lim.basis, lim.cite))
    fixed = [d for d in drug.doses if d.rate is not None]
    if fixed and rate is not None:
        ref = fixed[0]
        same = abs(rate.value - ref.rate.value) <= 0.05 * ref.rate.value
        info["fixed_dose_rate"] = {"reference": str(ref.rate), "matches": same, "schedule": ref.schedule}
        checks.append(Check("fixed dose rate", "rate", "note", str(rate), str(ref.rate),
                            ("this is the fixed dose rate" if same else "this is not the fixed dose rate")
                            + f" of {ref.rate} ({ref.amount} over {ref.duration}) that the source prefers to the 30-minute infusion",
                            ref.cite))
    checks += _rate_on_record(drug, have, minutes)
    return info, checks


def _rate_on_record(drug: Any, have: dict[str, Quantity], minutes: float) -> list[Check]:
    timed = [d for d in drug.doses if d.duration is not None and d.fraction_of is None]
    cites = tuple(dict.fromkeys(c for d in timed for c in d.cite))
    out = []
    if timed:
        longest = max(d.duration.to("min").value for d in timed)
        shortest = min((d.duration_low or d.duration).to("min").value for d in timed)
        span = f"{fmt(shortest)}-{fmt(longest)} min" if shortest != longest else f"{fmt(longest)} min"
        if minutes > longest * SLOW_WARNS * (1 + EPS):
            out.append(Check("infusion time on record", "rate", "warning", f"{fmt(minutes)} min", span,
                             f"more than {fmt(SLOW_WARNS)} times the longest infusion on record", cites))
    if any(d.bolus for d in drug.doses if d.fraction_of is None):
        bolus = [d for d in drug.doses if d.bolus]
        out.append(Check("infusion rate on record", "rate", "ok", f"{fmt(minutes)} min", "bolus on record",
                         "a bolus is on record, so no infusion time is too short", tuple(c for d in bolus for c in d.cite)))
        return out
    rates = []
    for d in timed:
        if d.amount is None:
            continue
        rates.append((Quantity(d.amount.base() / (d.duration_low or d.duration).to("min").value,
                               {"m2": "mg/m2/min"}.get(d.amount.per, "mg/min") if d.amount.per != "kg" else "mg/kg/min"), d))
    fastest = None
    for q, d in rates:
        if have.get(family(d.amount)) is not None and (fastest is None or q.value > fastest[0].value):
            fastest = (q, d)
    if fastest is None:
        why = (f"not verified: no infusion time of {drug.name} is on record" if not timed
               else f"not verified: the infusion rates on record need {needs_for(family(rates[0][1].amount)) if rates else 'a dose'}")
        out.append(Check("infusion rate on record", "rate", "warning", f"{fmt(minutes)} min", "none", why, cites))
        return out
    q, d = fastest
    planned = have[family(d.amount)].base() / minutes
    ratio = planned / q.value
    shown = f"{fmt(planned)} {q.unit} ({fmt(minutes)} min)"
    ref = f"{fmt(q.value)} {q.unit} ({d.amount} over {fmt((d.duration_low or d.duration).to('min').value)} min)"
    if ratio > RATE_EXCEEDS * (1 + EPS):
        out.append(Check("infusion rate on record", "rate", "exceeds", shown, ref,
                         f"{fmt(ratio)} times the fastest infusion on record: far too fast", d.cite))
    elif ratio > 1 + TOLERANCE + EPS:
        out.append(Check("infusion rate on record", "rate", "warning", shown, ref,
                         f"{fmt(ratio)} times the fastest infusion on record: faster than any record", d.cite))
    else:
        out.append(Check("infusion rate on record", "rate", "ok", shown, ref, "no faster than the fastest infusion on record", d.cite))
    return out
