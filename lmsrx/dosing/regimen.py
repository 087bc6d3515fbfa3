"""A regimen's schedule worked out: each line of a variant and phase with its dose on record, totals per cycle and
per week, the amounts for a patient, and the cycle as an ``lmsrx order`` mapping. Pure.

Nothing is invented: a line the records leave incomplete (a range, no days, only a total per cycle) is shown as
recorded and named in ``missing``; such a cycle is not written as an order. Nothing is rounded: amounts for the
patient are the dose on record times the BSA or weight."""
from __future__ import annotations

from typing import Any

from lmsrx.dosing import exposure
from lmsrx.dosing.body import Body, forms
from lmsrx.errors import UsageError
from lmsrx.records import field, record
from lmsrx.units import Quantity, fmt
from lmsrx.vocab import did_you_mean


@record
class PlanLine:
    """One drug or support line of the cycle."""

    drug: Any
    role: str  # "drug" or "support"
    text: str
    cite: tuple[str, ...]
    dose: Any = None  # the dose record
    amount: Quantity | None = None  # per administration, as on record (or a share of another line's)
    low: Quantity | None = None  # the bottom of a range on record
    days: tuple[int, ...] = ()
    daily: bool = False
    times: int = 1
    route: str | None = None
    over_min: float | None = None
    before_min: int | None = None
    per_cycle: Quantity | None = None
    per_cycle_low: Quantity | None = None
    for_patient: dict[str, Quantity] = field(default_factory=dict)  # per administration, in every form the body allows
    missing: list[str] = field(default_factory=list)  # what the records leave out: the cycle is not written as an order
    notes: list[str] = field(default_factory=list)  # what is a convention or a choice, said beside the line

    @property
    def writable(self) -> bool:
        return self.amount is not None and not self.missing


@record
class Plan:
    """One cycle of one variant for a patient (or for no patient: the schedule alone)."""

    regimen: Any
    variant: Any
    phase: Any
    phase_number: int
    cycle: int | None
    body: Body | None
    lines: list[PlanLine]
    cycle_days: int | None
    cumulative: dict[str, Any] | None = None
    checks: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [f"{ln.drug.name if ln.drug else 'support'}: {m}" for ln in self.lines if ln.dose is not None for m in ln.missing]


def variant_of(reg: Any, variant_id: str | None) -> Any:
    """The variant asked for (by id), or the regimen's first; a usage error naming the choices otherwise."""
    if reg.schedule is None:
        raise UsageError(f"{reg.name} has no schedule on record ({reg.recommendation}: never offered)")
    if not reg.schedule.variants:
        raise UsageError(f"no dose of {reg.name} is on record: {reg.schedule.not_on_record}")
    if variant_id is None:
        return reg.schedule.variants[0]
    key = variant_id.strip().lower()
    for v in reg.schedule.variants:
        if v.id == key:
            return v
    ids = [v.id for v in reg.schedule.variants]
    raise UsageError(f"{reg.name} has no variant {variant_id[:40]!r}{did_you_mean(key, ids)}; variants: {', '.join(ids)}")


def phase_of(variant: Any, cycle: int | None) -> tuple[int, Any]:
    """The phase a cycle number falls in (cycle 5 of 4 + 4 is the second phase's first); the first with no number."""
    if cycle is None:
        return 1, variant.phases[0]
    start = 1
    for number, ph in enumerate(variant.phases, start=1):
        if ph.cycles is None or cycle < start + ph.cycles or number == len(variant.phases):
            if ph.cycles is not None and number == len(variant.phases) and cycle >= start + ph.cycles:
                total = start + ph.cycles - 1
                raise UsageError(f"cycle {cycle} is past the end of this schedule ({total} cycles on record)")
            return number, ph
        start += ph.cycles
    return len(variant.phases), variant.phases[-1]  # pragma: no cover - the loop always returns


def given_in(schedule: list[Entry]) -> set[str]:
    """The drugs these schedule entries give, support aside: those of the phase a cycle falls in, when the entries
    were taken for a cycle (:func:`entries`)."""
    return {e.drug for e in schedule if not e.support}


def cycles_before(variant: Any, cycle: int) -> list[tuple[Any, int]]:
    """Each phase the cycles before ``cycle`` fall in, with how many of them it gave (cycle 6 of SARC 005: four of
    gemcitabine + docetaxel, then one of doxorubicin)."""
    out, start = [], 1
    for ph in variant.phases:
        if start >= cycle:
            break
        n = cycle - start if ph.cycles is None else min(cycle - start, ph.cycles)
        out.append((ph, n))
        if ph.cycles is None:
            break
        start += ph.cycles
    return out


def given_before(variant: Any, cycle: int) -> set[str]:
    """The drugs the cycles before ``cycle`` of this schedule give (cycle 5 of SARC 005 follows four cycles of
    gemcitabine + docetaxel: no doxorubicin yet)."""
    return {ln.drug for ph, _ in cycles_before(variant, cycle) for ln in ph.lines}


def plan(kb: Any, reg: Any, variant_id: str | None = None, body: Body | None = None, cycle: int | None = None,
         cumulative: list[str] | None = None) -> Plan:
    """One cycle of a regimen's variant, worked out for ``body`` when given; with ``cumulative`` (the lifetime
    exposure before this cycle, as ``lmsrx dose`` takes it) the running anthracycline total after it."""
    variant = variant_of(reg, variant_id)
    number, ph = phase_of(variant, cycle)
    lines = [_drug_line(kb, ln, ph, body) for ln in ph.lines]
    by_drug = {ln.drug.id: ln for ln in lines}
    for sup in variant.support:
        if sup.with_drug is not None and sup.with_drug not in by_drug:
            continue  # support for a drug of another phase (mesna in a phase without ifosfamide)
        lines.append(_support_line(kb, sup, by_drug, body))
    notes = [variant.note] if variant.note else []
    out = Plan(reg, variant, ph, number, cycle, body, lines, ph.cycle_days, notes=notes)
    anthracyclines = {ln.drug.id: ln.per_cycle for ln in lines if ln.role == "drug" and exposure.applicable(kb, [ln.drug.id])}
    if anthracyclines and (cumulative is not None or cycle is not None):
        planned = {a: (q.to("mg/m2") if q is not None and q.per == "m2" else None) for a, q in anthracyclines.items()}
        out.cumulative, out.checks = exposure.check_cumulative(kb, planned, cumulative, body.bsa if body else None, body or Body(),
                                                               "cycle")
        if cycle is not None and cycle > 1:
            out.notes.append(_earlier(kb, variant, cycle))
    return out


def _earlier(kb: Any, variant: Any, cycle: int) -> str:
    """What the earlier cycles of this plan gave of each anthracycline, if they were given as written."""
    totals: dict[str, float] = {}
    for ph, n in cycles_before(variant, cycle):
        for ln in ph.lines:
            dose = next(d for d in kb.drugs[ln.drug].doses if d.id == ln.dose)
            if exposure.applicable(kb, [ln.drug]) and dose.amount is not None and dose.amount.per == "m2" and dose.low is None:
                per_cycle = dose.per_cycle.to("mg/m2").value if dose.per_cycle else dose.amount.to("mg/m2").value * max(1, len(dose.days or ln.days))
                totals[ln.drug] = totals.get(ln.drug, 0.0) + per_cycle * n
    if not totals:
        return f"cycles 1-{cycle - 1} of this plan gave no anthracycline on record as one dose"
    given = ", ".join(f"{kb.drugs[a].name.lower()} {fmt(v)} mg/m2" for a, v in totals.items())
    return (f"cycles 1-{cycle - 1} of this plan, if given as written: {given}; --cumulative is the lifetime exposure "
            "before this cycle (earlier cycles included)")


def _drug_line(kb: Any, ln: Any, ph: Any, body: Body | None) -> PlanLine:
    drug = kb.drugs[ln.drug]
    dose = next(d for d in drug.doses if d.id == ln.dose)
    days = dose.days or ln.days
    either = dose.bolus and dose.duration is not None  # "bolus or a 72-hour infusion": the record leaves the choice
    out = PlanLine(drug, "drug", dose.schedule, dose.cite, dose=dose, amount=dose.amount, low=dose.low, days=days,
                   daily=dose.daily, times=dose.times or 1, route=dose.route or _only_route(drug),
                   over_min=_minutes(dose.duration) if dose.duration_low is None and not either else None,
                   per_cycle=dose.per_cycle, per_cycle_low=dose.per_cycle_low)
    if either:
        out.notes.append(f"a bolus or an infusion over {dose.duration}: the record gives both, choose")
    if ln.days and not dose.days:
        out.notes.append(f"day {', '.join(map(str, ln.days))}: the record gives one dose a cycle, and a cycle is counted "
                         "from its dose (not on record)")
    if dose.amount is None:
        out.missing.append("only the total per cycle is on record" if dose.per_cycle else "no dose per administration on record")
    elif dose.low is not None:
        out.missing.append(f"a range on record ({fmt(dose.low.value)}-{dose.amount}): choose the dose")
    if not days and not dose.daily:
        out.missing.append("the days of the cycle are not on record")
    if dose.amount is not None and (days or dose.daily):
        n = (len(days) if days else (ph.cycle_days or 0)) * out.times
        if n and out.per_cycle is None and not dose.daily:
            out.per_cycle = Quantity(dose.amount.value * n, dose.amount.unit)
            out.per_cycle_low = Quantity(dose.low.value * n, dose.low.unit) if dose.low is not None else None
    if body is not None and dose.amount is not None:
        out.for_patient = forms(dose.amount, body.bsa, body.weight_kg)
    return out


def _support_line(kb: Any, sup: Any, by_drug: dict[str, PlanLine], body: Body | None) -> PlanLine:
    drug = kb.drugs.get(sup.drug) if sup.drug else None
    if drug is None or sup.dose is None:
        return PlanLine(drug, "support", sup.text, sup.cite)
    dose = next(d for d in drug.doses if d.id == sup.dose)
    follows = by_drug.get(sup.with_drug) if sup.with_drug else None
    days = sup.days or dose.days or (follows.days if follows else ())
    amount = dose.amount
    out = PlanLine(drug, "support", sup.text, sup.cite, dose=dose, days=days, times=dose.times or 1,
                   route=dose.route or _only_route(drug), over_min=_minutes(dose.duration), before_min=sup.before_min)
    if dose.fraction_of is not None:  # mesna: a share of each administration of the drug it follows
        partner = by_drug.get(dose.fraction_of)
        if partner is None or partner.amount is None or partner.low is not None:
            out.missing.append(f"its dose is a share of {dose.fraction_of}'s, which is not on record as one dose")
        else:
            share = Quantity(partner.amount.value * dose.percent / 100, partner.amount.unit)
            amount = share.to("mg/m2") if share.per == "m2" else share.to("mg/kg") if share.per == "kg" else share.to("mg")
    out.amount = amount
    if amount is None and not out.missing:
        out.missing.append("no dose on record")
    if not days:
        out.missing.append("the days it is given are not on record")
    if body is not None and amount is not None:
        out.for_patient = forms(amount, body.bsa, body.weight_kg)
    return out


def _minutes(q: Quantity | None) -> float | None:
    return None if q is None else q.base()  # time's base unit is the minute


def _only_route(drug: Any) -> str | None:
    return drug.route[0] if len(drug.route) == 1 else None


def intensity_per_week(line: PlanLine, cycle_days: int | None) -> Quantity | None:
    """The cycle's total of a line over its length, per week (dose intensity)."""
    if line.per_cycle is None or not cycle_days:
        return None
    return Quantity(line.per_cycle.value * 7 / cycle_days, line.per_cycle.unit)


def as_order(p: Plan, continuous_days: int | None = None, cumulative: dict[str, str] | None = None) -> dict[str, Any]:
    """The cycle in the ``lmsrx order`` file format. Continuous daily dosing has no cycle on record: the period
    to write is ``continuous_days``. A usage error names every line the records leave incomplete."""
    if p.body is None or (p.body.bsa is None and p.body.weight_kg is None):
        raise UsageError("give the patient's --bsa (or --height and --weight) to write the cycle as an order")
    missing = p.missing
    if missing:
        raise UsageError(f"{p.regimen.name}, {p.variant.name}: the records leave this cycle incomplete, so it is not "
                         f"written as an order: " + "; ".join(missing))
    continuous = p.phase.continuous
    if continuous and not continuous_days:
        raise UsageError(f"{p.regimen.name} is taken every day with no cycle on record: give --days N for the period to write")
    patient: dict[str, Any] = {}
    bsa = p.body.bsa
    if bsa is not None and bsa.formula == "given":
        patient["bsa_m2"] = float(bsa.value)
    elif bsa is not None:
        patient.update({"height_cm": float(bsa.height_cm), "weight_kg": float(bsa.weight_kg), "formula": str(bsa.formula)})
    if p.body.weight_kg is not None and "weight_kg" not in patient:
        patient["weight_kg"] = float(p.body.weight_kg)
    out: dict[str, Any] = {"id": f"{p.regimen.id} {p.variant.id} cycle {p.cycle or 1}", "patient": patient,
                           "regimen": str(p.regimen.id), "variant": str(p.variant.id), "cycle": p.cycle or 1}
    if p.cycle_days:
        out["cycle_days"] = p.cycle_days
    if cumulative:
        out["cumulative"] = {str(k): str(v) for k, v in cumulative.items()}
    lines = []
    for ln in p.lines:
        if ln.dose is None:
            continue  # a statement: no dose to order
        days = list(range(1, continuous_days + 1)) if ln.daily else list(ln.days)
        item: dict[str, Any] = {"drug": str(ln.drug.id), "dose": str(ln.amount), "days": days}
        if ln.times > 1:
            item["times"] = ln.times
        if ln.over_min is not None and ln.route not in ("oral", "sc"):
            item["over_min"] = float(ln.over_min) if ln.over_min != int(ln.over_min) else int(ln.over_min)
        if ln.route:
            item["route"] = str(ln.route)
        lines.append(item)
    out["lines"] = lines
    return out


@record(frozen=True)
class Entry:
    """One dose of a regimen's schedule: which drug, which dose record, on which days, in which phase and variant."""

    drug: str
    dose: Any
    days: tuple[int, ...]
    cycle_days: int | None
    variant: Any
    support: bool = False


def entries(kb: Any, reg: Any, variant: Any = None, cycle: int | None = None) -> list[Entry]:
    """Every dose of the regimen's schedule (of one variant when given; of the phase the cycle falls in when a cycle is
    given): what an order naming the regimen is checked against, and nothing else. Without a cycle, every phase
    counts (a lead-in dose and the dose after it are then both on record: the order check says so)."""
    out: list[Entry] = []
    if reg.schedule is None:
        return out
    for v in reg.schedule.variants:
        if variant is not None and v.id != variant.id:
            continue
        phases = v.phases
        if cycle is not None:
            try:
                phases = (phase_of(v, cycle)[1],)
            except UsageError:
                phases = v.phases  # past the end of the schedule: every phase counts (the order check says so)
        for ph in phases:
            days_of = {}
            for ln in ph.lines:
                dose = next(d for d in kb.drugs[ln.drug].doses if d.id == ln.dose)
                days_of[ln.drug] = dose.days or ln.days
                out.append(Entry(ln.drug, dose, dose.days or ln.days, ph.cycle_days, v))
            for sup in v.support:
                if sup.drug is None or sup.dose is None:
                    continue
                dose = next(d for d in kb.drugs[sup.drug].doses if d.id == sup.dose)
                days = sup.days or dose.days or days_of.get(sup.with_drug or "", ())
                out.append(Entry(sup.drug, dose, days, ph.cycle_days, v, support=True))
    return list(dict.fromkeys(out))


def bound(drug: Any, found: list[Entry]) -> Any:
    """The drug as the regimen gives it: only the dose records of its schedule count as doses on record."""
    from lmsrx.records import replace

    doses = tuple(dict.fromkeys(e.dose for e in found if e.drug == drug.id))
    return replace(drug, doses=doses) if doses else drug
