"""A whole cycle's order verified line by line, day by day, per cycle and against its regimen: the verification sheet. Pure."""
from __future__ import annotations

from typing import Any

from lmsrx.clinical import labelrules
from lmsrx.dosing import body as body_mod
from lmsrx.dosing import checks
from lmsrx.dosing import dose as dose_mod
from lmsrx.dosing import exposure, infusion
from lmsrx.dosing import labels as dose_labels
from lmsrx.dosing import onrecord
from lmsrx.dosing import regimen as regimen_mod
from lmsrx.dosing.body import Body, forms
from lmsrx.dosing.checks import Check
from lmsrx.errors import UsageError
from lmsrx.orders.order import Line, Order, Row, Sheet
from lmsrx.units import Quantity, days_text, fmt


def verify(kb: Any, order: Order) -> Sheet:
    sheet = Sheet(order)
    body = order.body
    add = sheet.rows.append
    seen: set[str] = set()
    schedule = regimen_mod.entries(kb, order.regimen, order.variant, order.cycle) if order.regimen is not None else []
    for ln in order.lines:
        where = f"line {ln.number}"
        drug = regimen_mod.bound(ln.drug, schedule)  # named a regimen: its schedule's doses only
        route, route_checks = dose_mod.resolve_route(drug, ln.route)
        if ln.over_min is not None and route in ("oral", "sc"):
            raise UsageError(f"{where}: over_min is an infusion time; {ln.drug.name} is given {'orally' if route == 'oral' else 'under the skin'}")
        have = forms(ln.dose, body.bsa, body.weight_kg)
        first = ln.drug.id not in seen
        seen.add(ln.drug.id)
        combined = any(x.drug.id != ln.drug.id and x.drug.lms_status != "supportive" for x in order.lines)
        views = labelrules.adjusted(kb, drug, body.facts, combined)
        rules = dose_labels.dose_checks(kb, drug, body.facts, [r for r, _ in views], combined) if first else []
        for c in (dose_mod.status_checks(drug) + rules if first else []) + route_checks:
            add(Row(where, ln.drug.id, c))
        if not _relative(drug):
            for c in dose_mod.compare_all(drug, views, have, "administration", body, route):
                add(Row(where, ln.drug.id, c))
        timing = infusion.check_rate(drug, have, ln.over_min)[1] if ln.over_min is not None else infusion.time_not_given(drug, route)
        for c in timing:
            add(Row(where, ln.drug.id, c))
    totals = _totals(order)
    for drug_id, by_day in totals.items():
        drug = regimen_mod.bound(kb.drugs[drug_id], schedule)
        combined = any(d != drug_id and kb.drugs[d].lms_status != "supportive" for d in totals)
        views = labelrules.adjusted(kb, drug, body.facts, combined)
        if _relative(drug):
            continue
        route = next((ln.route for ln in order.lines if ln.drug.id == drug_id and ln.route), None) or onrecord.only_route(drug)
        daily_limit = any(lim.scope == "daily" for lim in drug.limits)
        several = {day: q for day, (q, n) in by_day.items() if n > 1 or daily_limit}
        for day, q in sorted(several.items()):
            for c in dose_mod.compare_all(drug, views, q, "day", body, route):
                add(Row(f"day {day}", drug_id, c))
        if not all(d.daily for d in drug.doses if d.fraction_of is None):
            cycle = _sum([q for q, _ in by_day.values()])
            for c in dose_mod.compare_all(drug, views, cycle, "cycle", body, route):
                add(Row("cycle", drug_id, c))
            for c in dict.fromkeys(c for seen in [v for _, v in views] or [drug] for c in _intensity(seen, cycle, order, body, route)):
                add(Row("cycle", drug_id, c))
    if order.cycle_days is None and any(d.cycle_days for ln in order.lines for d in ln.drug.doses):
        add(Row("cycle", None, Check("cycle length", "record", "warning", "not given", "cycle_days",
                                     "not verified: without the cycle length (cycle_days) how often the cycle repeats, "
                                     "and so the dose intensity, is not checked")))
    for c in _partners(kb, order, totals):
        add(c)
    for c in _duplication(kb, totals):
        add(c)
    if order.regimen is not None:
        for row in _regimen_checks(kb, order, schedule):
            add(row)
    planned = {}
    for drug_id, by_day in totals.items():
        cycle = _sum([q for q, _ in by_day.values()])
        planned[drug_id] = cycle.get("per_m2")
    anthra = {a: q for a, q in planned.items() if exposure.applicable(kb, [a])}
    if anthra:
        items = None if order.cumulative is None else list(order.cumulative)
        sheet.cumulative, checks = exposure.check_cumulative(kb, anthra, items, body.bsa, body, "cycle")
        for c in checks:
            add(Row("cumulative", None, c))
        agents = (sheet.cumulative or {}).get("agents", {})
        if order.cycle is not None and order.cycle > 1 and (sheet.cumulative or {}).get("prior_given"):
            # with the regimen's schedule known, only an agent its earlier cycles gave should have a prior dose
            earlier = set().union(*(regimen_mod.given_before(v, order.cycle) for v in dict.fromkeys(e.variant for e in schedule))) \
                if schedule else None
            here = regimen_mod.given_in(schedule)
            for a in anthra:
                if earlier is not None and a not in earlier and a in here:
                    continue  # the plan's first cycle of this agent (SARC 005's cycle 5): none before is expected
                if agents.get(a, {}).get("prior_mg_per_m2") == 0:
                    name = kb.drugs[a].name
                    add(Row("cumulative", a, Check("cycle and exposure", "context", "warning", f"cycle {order.cycle}",
                                                   f"prior {name}: none",
                                                   f"cycle {order.cycle} of a plan with {name}, yet no prior {name.lower()} "
                                                   "is given: is the cumulative exposure complete?", kb.drugs[a].cite)))
    return sheet


def _intensity(drug: Any, cycle: dict[str, Quantity], order: Order, body: Body, route: str | None) -> list[Check]:
    """Dose intensity: the cycle's total over its length, against the doses on record over theirs (the rounding tolerance)."""
    if order.cycle_days is None:
        return []
    rates = []
    for r in onrecord.records_for(drug, "cycle", body, route):
        if r.dose.cycle_days:
            rates.append((r.high.base() / r.dose.cycle_days, r))
    if not rates:
        return [Check("dose intensity", "record", "warning", f"{order.cycle_days}-day cycle", "none on record",
                      f"not verified: no cycle length of {drug.name} is on record")]
    out = []
    for fam in sorted({body_mod.family(r.high) for _, r in rates}):
        value = cycle.get(fam)
        group = [(x, r) for x, r in rates if body_mod.family(r.high) == fam]
        if value is None:
            continue
        top, ref = max(group, key=lambda g: g[0])
        mine = value.base() / order.cycle_days
        unit = {"per_m2": "mg/m2", "absolute": "mg", "per_kg": "mg/kg"}[fam]
        shown = f"{value.to(ref.high.unit)} every {order.cycle_days} days"
        on_record = f"{ref.high} every {ref.dose.cycle_days} days ({fmt(top)} {unit} a day)"
        cites = ref.dose.cite + checks.ROUNDING_CITE
        if mine > top * (1 + checks.TOLERANCE + checks.EPS):
            out.append(Check("dose intensity", "record", "exceeds", shown, on_record,
                             f"{fmt(mine / top)} times the highest dose intensity on record: the cycles come too close "
                             f"together for this dose (more than the {checks.TOLERANCE_TEXT} rounding tolerance)", cites))
        else:
            out.append(Check("dose intensity", "record", "ok", shown, on_record,
                             f"no more than the highest dose intensity on record (within {checks.TOLERANCE_TEXT})", cites))
    return out


def _duplication(kb: Any, totals: dict) -> list[Row]:
    """Two drugs of one class in one cycle, combined by no regimen on record: therapeutic duplication."""
    rows = []
    by_class: dict[str, list[str]] = {}
    for d in totals:
        for cls in kb.classes_of(d):
            by_class.setdefault(cls, []).append(d)
    shared = {c for d in kb.drugs.values() for lim in d.limits for c in lim.counts if c in kb.classes}
    for cls, drugs in sorted(by_class.items()):
        if len(drugs) < 2:
            continue
        combined = any(set(drugs) <= set(r.drugs) for r in kb.regimens.values())
        names = ", ".join(kb.drugs[d].name for d in sorted(drugs))
        kind = kb.classes[cls].name or cls
        # two members of a class whose doses share a cumulative limit, combined by no regimen: exceeds
        result = "warning" if combined or cls not in shared else "exceeds"
        why = f"{names} are all {kind.lower()}" + (": a regimen on record combines them" if combined
                                                   else ": no regimen on record combines them (therapeutic duplication)")
        if cls in shared and not combined:
            why += "; their doses add up towards one cumulative limit"
        rows.append(Row("cycle", None, Check("same class twice", "record", result, names, "one of " + kind.lower(), why,
                                             tuple(dict.fromkeys(c for d in drugs for c in kb.drugs[d].cite)))))
    return rows


def _relative(drug: Any) -> bool:
    return bool(drug.doses) and all(d.fraction_of is not None for d in drug.doses)


def _totals(order: Order) -> dict[str, dict[int, tuple[dict[str, Quantity], int]]]:
    """Per drug and day: the total in every form, and how many administrations made it."""
    out: dict[str, dict[int, tuple[dict[str, Quantity], int]]] = {}
    body = order.body
    for ln in order.lines:
        have = forms(ln.dose, body.bsa, body.weight_kg)
        for day in ln.days:
            prev, n = out.setdefault(ln.drug.id, {}).get(day, ({}, 0))
            out[ln.drug.id][day] = (_sum([prev, _scale(have, ln.times)]) if n else _scale(have, ln.times), n + ln.times)
    return out


def _scale(have: dict[str, Quantity], k: int) -> dict[str, Quantity]:
    return {f: Quantity(q.value * k, q.unit) for f, q in have.items()}


def _sum(parts: list[dict[str, Quantity]]) -> dict[str, Quantity]:
    """Add doses form by form; a form missing from any part is dropped (cannot be summed)."""
    if not parts:
        return {}
    common = [f for f in parts[0] if all(f in p for p in parts[1:])]  # in the first part's order: never a set's
    return {f: Quantity(sum(p[f].base() for p in parts), parts[0][f].unit if all(p[f].unit == parts[0][f].unit for p in parts)
                        else {"per_m2": "mg/m2", "per_kg": "mg/kg"}.get(f, "mg")) for f in common}


def _partners(kb: Any, order: Order, totals: dict) -> list[Row]:
    """A drug dosed as a share of another (mesna with ifosfamide): present on every day of its partner, and enough."""
    rows = []
    for helper in kb.drugs.values():
        for rec in (d for d in helper.doses if d.fraction_of is not None):
            partner = rec.fraction_of
            need = rec.percent * (rec.times or 1)  # percent of the partner's day
            cite = rec.cite
            rule = f"{helper.name} with {kb.drugs[partner].name}"
            labelled = (f"the label gives {fmt(rec.percent)}% of the {kb.drugs[partner].name.lower()} dose (w/w)"
                        + (f" {rec.times} times a day, {fmt(need)}% of the day's dose" if (rec.times or 1) > 1 else ""))
            if partner not in totals:
                if helper.id in totals:
                    rows.append(Row("cycle", helper.id, Check(rule, "record", "warning", f"{helper.name} ordered", f"with {partner}",
                                                              f"not verified: {helper.name} is dosed as a share of {partner}, "
                                                              f"which this order does not contain", cite)))
                continue
            for day, (pq, _n) in sorted(totals[partner].items()):
                got = totals.get(helper.id, {}).get(day)
                if got is None:
                    rows.append(Row(f"day {day}", helper.id, Check(rule, "hard", "exceeds", "none",
                                                                   f"{fmt(need)}% of {partner} (w/w)",
                                                                   f"no {helper.name.lower()} on a day of {kb.drugs[partner].name.lower()}: {labelled}",
                                                                   cite)))
                    continue
                fam = next((f for f in ("per_m2", "absolute", "per_kg") if f in got[0] and f in pq), None)
                if fam is None:
                    rows.append(Row(f"day {day}", helper.id, Check(rule, "record", "warning", "not comparable", f"{fmt(need)}%",
                                                                   "not verified: the two doses need the same basis or a BSA", cite)))
                    continue
                share = got[0][fam].base() / pq[fam].base() * 100
                value = f"{fmt(share)}% ({got[0][fam]} for {pq[fam]})"
                if share < need * (1 - checks.EPS):
                    rows.append(Row(f"day {day}", helper.id, Check(rule, "hard", "exceeds", value, f"at least {fmt(need)}% (w/w)",
                                                                   f"too little {helper.name.lower()}: {labelled}", cite)))
                elif share > need * (1 + checks.TOLERANCE + checks.EPS):
                    far = share > need * checks.RATE_EXCEEDS * (1 + checks.EPS)
                    rows.append(Row(f"day {day}", helper.id, Check(
                        rule, "record", "exceeds" if far else "warning", value, f"{fmt(need)}% (w/w)",
                        ("more than twice the labelled share: a unit slip? " if far else
                         f"more than {checks.TOLERANCE_TEXT} above the labelled share (no higher dose on record: not verified): ") + labelled,
                        cite + checks.ROUNDING_CITE)))
                else:
                    rows.append(Row(f"day {day}", helper.id, Check(rule, "record", "ok", value, f"at least {fmt(need)}% (w/w)",
                                                                   f"at least the labelled share: {labelled}", cite)))
    return rows


def _regimen_checks(kb: Any, order: Order, schedule: list[Any]) -> list[Row]:
    """The order against the regimen it names: its status, its drugs, its cycle length and the days of each drug,
    from the regimen's schedule (of the variant named, else any variant). The doses themselves were checked
    against this schedule's records only (:func:`lmsrx.dosing.regimen.bound`)."""
    reg = order.regimen
    rows: list[Row] = []
    if reg.recommendation in ("withdrawn", "not-recommended"):
        rows.append(Row("regimen", None, Check("regimen status", "status", "exceeds" if reg.recommendation == "withdrawn" else "warning",
                                               reg.recommendation, "standard or option", f"{reg.name}: {reg.summary}", reg.cite)))
    if not schedule:
        why = reg.schedule.not_on_record if reg.schedule is not None and reg.schedule.not_on_record else "no schedule on record"
        rows.append(Row("regimen", None, Check("regimen schedule", "record", "warning", reg.name, "none on record",
                                               f"not verified against the regimen: {why}; each dose was checked against "
                                               "every dose on record of its drug", reg.schedule.cite if reg.schedule else reg.cite)))
    else:
        variants = list(dict.fromkeys(e.variant for e in schedule))
        rows.append(Row("regimen", None, Check("regimen schedule", "record", "ok", reg.name,
                                               " or ".join(v.name for v in variants),
                                               "each dose is checked against this regimen's schedule only",
                                               tuple(dict.fromkeys(c for v in variants for c in v.cite)))))
        for v in variants:
            if order.cycle is None:
                break
            try:
                regimen_mod.phase_of(v, order.cycle)
            except UsageError as exc:  # past the schedule's end: every phase was counted, and the sheet says why
                rows.append(Row("regimen", None, Check("regimen phase", "record", "warning", f"cycle {order.cycle}",
                                                       v.name, f"{exc.message}; the doses of every phase count as on record",
                                                       v.cite)))
        phased = [v for v in variants if len(v.phases) > 1]
        if phased and order.cycle is None:
            rows.append(Row("regimen", None, Check("regimen phase", "record", "warning", "cycle not given",
                                                   "; ".join(f"{v.name}: {len(v.phases)} phases" for v in phased),
                                                   "not verified against one phase: without the cycle number (cycle: N) "
                                                   "the doses of every phase count as on record",
                                                   tuple(dict.fromkeys(c for v in phased for c in v.cite)))))
    ordered = {ln.drug.id for ln in order.lines}
    scheduled = {e.drug for e in schedule}
    given_here = regimen_mod.given_in(schedule)  # the drugs of the phase the cycle falls in (or of every phase)
    for d in reg.drugs:
        if d not in ordered and (not schedule or d in given_here):
            rows.append(Row("regimen", d, Check("regimen drugs", "record", "warning", "missing", reg.name,
                                                f"{kb.drugs[d].name} is part of {reg.name} but not in this order: left out on purpose?",
                                                reg.cite)))
    if schedule:  # a drug of the regimen that its cycle's phase does not give: doxorubicin in cycle 2 of SARC 005
        here = " + ".join(kb.drugs[d].name for d in reg.drugs if d in given_here)
        for d in [d for d in reg.drugs if d in ordered and d not in given_here]:
            rows.append(Row("regimen", d, Check("regimen phase", "record", "warning", kb.drugs[d].name, here,
                                                f"cycle {order.cycle} of {reg.name} gives {here}; {kb.drugs[d].name} is given "
                                                "in another phase of its schedule: ordered in the wrong cycle?",
                                                tuple(dict.fromkeys(c for e in schedule for c in e.variant.cite)))))
    for d in sorted(ordered - set(reg.drugs) - scheduled):
        rows.append(Row("regimen", d, Check("regimen drugs", "record", "warning", kb.drugs[d].name, reg.name,
                                            f"{kb.drugs[d].name} is not part of {reg.name} or its schedule's support", reg.cite)))
    lengths = sorted({e.cycle_days for e in schedule if e.cycle_days})
    if order.cycle_days is not None and lengths:
        ok = order.cycle_days in lengths
        rows.append(Row("regimen", None, Check("cycle length", "record", "ok" if ok else "warning", f"{order.cycle_days} days",
                                               ", ".join(f"{n} days" for n in lengths),
                                               "a cycle length of this regimen on record" if ok
                                               else f"not a cycle length of {reg.name} on record",
                                               tuple(dict.fromkeys(c for e in schedule for c in e.variant.cite)))))
    for d in sorted(ordered & scheduled):
        lines = [ln for ln in order.lines if ln.drug.id == d]
        found = [e for e in schedule if e.drug == d]
        cites = tuple(dict.fromkeys(c for e in found for c in e.dose.cite))
        days = tuple(sorted({day for ln in lines for day in ln.days}))
        known = [e.days for e in found if e.days]
        daily = any(e.dose.daily for e in found)  # a phase of continuous daily dosing (alone, or after a lead-in)
        if not known and not daily:
            rows.append(Row("regimen", d, Check("schedule", "record", "warning", _days(lines), "days not on record",
                                                "not verified: the records give no days", cites)))
            continue
        listed = days in known
        continuous = daily and days == tuple(range(1, len(days) + 1))
        basis = ("days on record for this regimen" if listed else "continuous daily dosing, as on record" if continuous
                 else "the record gives continuous daily dosing; these days skip some" if not known
                 else f"days differ from every schedule of {reg.name} on record")
        rows.append(Row("regimen", d, Check("schedule", "record", "ok" if listed or continuous else "warning", _days(lines),
                                            " or ".join([days_text(k) for k in dict.fromkeys(known)]
                                                        + (["every day (continuous)"] if daily else [])),
                                            basis, cites)))
    return rows


def _days(lines: list[Line]) -> str:
    return days_text(tuple(sorted({d for ln in lines for d in ln.days})))


