"""A regimen's schedule as data (for every answer that names a regimen) and the regimen card, with the cycle worked
out for a patient and written, on request, as an ``lmsrx order`` file."""
from __future__ import annotations

from typing import Any

from lmsrx.dosing import regimen as regimen_mod
from lmsrx.output.common import CHECK_COLUMNS, check_dicts, check_rows, reference_texts
from lmsrx.output.drugs import cumulative_lines
from lmsrx.output.view import Section, View
from lmsrx.units import Quantity, days_text, fmt


def _q(q: Quantity | None) -> str | None:
    return None if q is None else str(q)


def _span(low: Quantity | None, high: Quantity | None) -> str | None:
    if high is None:
        return None
    return str(high) if low is None else f"{fmt(low.to(high.unit).value)}-{high}"


def _when(days: tuple[int, ...], daily: bool, times: int) -> str:
    """Days and how often a day, the same in the card, the one-line schedule and the report: 'every day, twice a
    day', 'days 1-14'."""
    often = {1: "", 2: ", twice a day", 3: ", three times a day"}.get(times, f", {times} times a day")
    return _days(days, daily) + often


def _days(days: tuple[int, ...], daily: bool = False) -> str:
    if daily:
        return "every day"
    if not days:
        return "not on record"
    return days_text(days)


def _line_data(line: regimen_mod.PlanLine, cycle_days: int | None) -> dict[str, Any]:
    week = regimen_mod.intensity_per_week(line, cycle_days)
    low = regimen_mod.PlanLine(line.drug, line.role, line.text, line.cite, per_cycle=line.per_cycle_low) if line.per_cycle_low else None
    week_low = regimen_mod.intensity_per_week(low, cycle_days) if low else None
    return {
        "drug": line.drug.id if line.drug else None, "name": line.drug.name if line.drug else None, "role": line.role,
        "dose": _span(line.low, line.amount), "dose_record": line.dose.id if line.dose else None,
        "days": list(line.days), "daily": line.daily, "times_a_day": line.times, "route": line.route,
        "over_min": line.over_min, "before_min": line.before_min,
        "per_cycle": _span(line.per_cycle_low, line.per_cycle), "per_week": _span(week_low, week),
        "for_patient": {k: str(v) for k, v in line.for_patient.items()} or None,
        "missing": list(line.missing), "notes": list(line.notes), "text": line.text, "cite": list(line.cite),
    }


def schedule_data(kb: Any, reg: Any) -> dict[str, Any] | None:
    """Every variant of a regimen's schedule as data (no patient): what options, report, compare and the API carry."""
    sched = reg.schedule
    if sched is None:
        return None
    if sched.not_on_record:
        return {"not_on_record": sched.not_on_record, "cite": list(sched.cite), "variants": []}

    def phase(v: Any, number: int, ph: Any) -> dict[str, Any]:
        p = regimen_mod.plan(kb, reg, v.id, None, _first_cycle(v, number))
        return {"name": ph.name, "cycle_days": ph.cycle_days, "cycles": ph.cycles, "cycles_text": ph.cycles_text,
                "continuous": ph.continuous, "lines": [_line_data(ln, ph.cycle_days) for ln in p.lines]}

    return {"variants": [{
        "id": v.id, "name": v.name, "newer_than_source": v.newer_than_source, "note": v.note,
        "phases": [phase(v, n, ph) for n, ph in enumerate(v.phases, start=1)],
        "modifications": [{"percent": m.percent, "when": m.when, "cite": list(m.cite)} for m in v.modifications],
        "cite": list(v.cite)} for v in sched.variants]}


def _first_cycle(variant: Any, number: int) -> int | None:
    if number == 1:
        return None
    return 1 + sum(ph.cycles or 0 for ph in variant.phases[:number - 1])


def schedule_text(kb: Any, reg: Any) -> list[str]:
    """Each variant in one line of words (compare, report, the options table)."""
    data = schedule_data(kb, reg)
    if data is None:
        return [f"no schedule ({reg.recommendation})"]
    if data["not_on_record"] if "not_on_record" in data else False:
        return ["no dose on record: " + data["not_on_record"]]
    out = []
    for v in data["variants"]:
        parts = []
        for ph in v["phases"]:
            drugs = "; ".join(f"{ln['name']} {ln['dose'] or ln['per_cycle'] or 'dose not on record'} "
                              f"{_when(tuple(ln['days']), ln['daily'], ln['times_a_day'])}" for ln in ph["lines"]
                              if ln["role"] == "drug")
            cycle = "daily" if ph["continuous"] else f"every {ph['cycle_days']} days" if ph["cycle_days"] else "cycle length not on record"
            count = f", {ph['cycles']} cycle{'s' if ph['cycles'] != 1 else ''}" if ph["cycles"] else (f", {ph['cycles_text']}" if ph["cycles_text"] else "")
            parts.append(f"{drugs}; {cycle}{count}")
        out.append(f"{v['name']}: " + "; then ".join(parts))
    return out


def regimen(kb: Any, p: regimen_mod.Plan, days: int | None = None) -> View:
    """The regimen card; the cycle for the patient when a body was given; ``yaml`` when it can be written as an order."""
    reg, v = p.regimen, p.variant
    lines = [_line_data(ln, p.cycle_days) for ln in p.lines]
    data: dict[str, Any] = {
        "id": reg.id, "name": reg.name, "recommendation": reg.recommendation, "settings": list(reg.settings),
        "drugs": list(reg.drugs), "summary": reg.summary,
        "variant": {"id": v.id, "name": v.name, "newer_than_source": v.newer_than_source, "cite": list(v.cite)},
        "variants": [{"id": x.id, "name": x.name} for x in reg.schedule.variants],
        "phase": {"number": p.phase_number, "name": p.phase.name, "cycle_days": p.cycle_days, "cycles": p.phase.cycles,
                  "cycles_text": p.phase.cycles_text, "continuous": p.phase.continuous},
        "cycle": p.cycle, "patient": p.body.inputs() if p.body else None,
        "lines": lines,
        "modifications": [{"percent": m.percent, "when": m.when, "cite": list(m.cite)} for m in v.modifications],
        "notes": list(p.notes), "cumulative": p.cumulative, "checks": check_dicts(p.checks),
        "writable_as_order": not p.missing, "missing": p.missing,
        "evidence": list(reg.evidence), "references": reference_texts(kb, _cites(p)),
    }
    documents = {}
    if p.body is not None and not p.missing and (not p.phase.continuous or days):
        documents["yaml"] = order_yaml(regimen_mod.as_order(p, days, _cumulative_items(p)), _order_comments(p))
    cycle = "daily, no cycle on record" if p.phase.continuous else (
        f"every {p.cycle_days} days" if p.cycle_days else "cycle length not on record")
    count = f"; {p.phase.cycles} cycle{'s' if p.phase.cycles != 1 else ''}" if p.phase.cycles else (f"; {p.phase.cycles_text}" if p.phase.cycles_text else "")
    head = [f"{v.name}: {cycle}{count}" + (f" (phase {p.phase_number}: {p.phase.name})" if p.phase.name else ""),
            f"Setting: {', '.join(reg.settings)}; {reg.recommendation}"]
    if p.body is not None and p.body.bsa is not None:
        head.append(f"Patient: BSA {fmt(p.body.bsa.value)} m2 ({p.body.bsa.formula})" + (f", cycle {p.cycle}" if p.cycle else ""))
    if len(v.phases) > 1:  # the card shows one phase: name them all, so that no step of the schedule goes unseen
        head.append("Phases (--cycle N): " + "; ".join(
            f"{n} {ph.name or ''} (from cycle {_first_cycle(v, n) or 1})".replace("  ", " ")
            + (" - shown" if n == p.phase_number else "") for n, ph in enumerate(v.phases, start=1)))
    others = [x.id for x in reg.schedule.variants if x.id != v.id]
    if others:
        head.append("Other variants (--variant): " + ", ".join(others))
    rows = []
    for ln in p.lines:
        if ln.dose is None and ln.amount is None:
            continue
        week = regimen_mod.intensity_per_week(ln, p.cycle_days)
        mine = ln.for_patient.get("absolute")
        rows.append([ln.drug.name + (" (support)" if ln.role == "support" else ""), _span(ln.low, ln.amount) or "-",
                     _when(ln.days, ln.daily, ln.times),
                     (ln.route or "-").upper() + (f" over {fmt(ln.over_min)} min" if ln.over_min else "")
                     + (f", {ln.before_min} min before" if ln.before_min else ""),
                     _span(ln.per_cycle_low, ln.per_cycle) or "-", str(week) if week else "-",
                     f"{fmt(mine.value)} mg" if mine is not None else "-", "; ".join(ln.missing + ln.notes) or "-"])
    sections = [Section("Schedule", ["Drug", "Dose", "Days", "Route", "Per cycle", "Per week", "For this patient", "Notes"], rows)]
    support = [[ln.drug.name if ln.drug else "-", ln.text] for ln in p.lines if ln.role == "support"]
    if support:
        sections.append(Section("Support", ["Drug", "What the records say"], support))
    if v.modifications:
        sections.append(Section("Dose modifications on record", ["Dose", "When"],
                                [[f"{fmt(m.percent)}% of the scheduled doses", m.when] for m in v.modifications]))
    if p.checks:
        sections.append(Section("Cumulative anthracycline", CHECK_COLUMNS, check_rows(p.checks)))
    extra = cumulative_lines(kb, p.cumulative) if p.cumulative and p.cumulative.get("agents") else []
    footer = list(p.notes) + (["Not written as an order: " + "; ".join(p.missing)] if p.missing else [])
    if p.body is not None and not p.missing and p.phase.continuous and not days:
        footer.append("Taken every day with no cycle on record: give --days N to write N days as an order.")
    footer.append("Decision support only: the prescriber and pharmacist check every order.")
    return View(title=f"{reg.name} [{reg.id}]", data=data, rows=[{k: x[k] for k in ("drug", "role", "dose", "days", "route",
                                                                                      "per_cycle", "per_week")} for x in lines],
                sections=sections, lines=head + extra, footer=footer, documents=documents)


def _cites(p: regimen_mod.Plan) -> list[str]:
    return list(dict.fromkeys([*p.variant.cite, *(c for ln in p.lines for c in ln.cite),
                               *(c for m in p.variant.modifications for c in m.cite)]))


def _cumulative_items(p: regimen_mod.Plan) -> dict[str, str] | None:
    info = p.cumulative
    if not info or not info.get("prior_given"):
        return None
    return {a: f"{fmt(e['prior_mg_per_m2'])} mg/m2" for a, e in info["agents"].items() if e.get("prior_mg_per_m2") is not None}


def _order_comments(p: regimen_mod.Plan) -> list[str]:
    """What the order file cannot hold as lines: support with no dose on record, timing before a drug, conventions."""
    out = []
    for ln in p.lines:
        name = ln.drug.name if ln.drug else "support"
        if ln.role == "support" and (ln.dose is None or ln.before_min or ln.times > 1):
            out.append(f"{name}: {ln.text}")
        out += [f"{name}: {n}" for n in ln.notes]
    return out + list(p.notes)


def order_yaml(order: dict[str, Any], comments: list[str] = ()) -> str:
    """The cycle as an order file (YAML): what ``lmsrx order`` reads back; what it cannot hold, as comments."""
    import yaml

    from lmsrx.text import clean

    head = f"# written by lmsrx regimen {order['regimen']} --variant {order['variant']}: check every line before use\n"
    notes = "".join(f"# {clean(c).replace(chr(10), ' ')}\n" for c in comments)
    body = yaml.safe_dump(order, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100).rstrip("\n")
    return head + notes + body
