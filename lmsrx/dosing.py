"""Body surface area, dose conversion and limit checks. Pure: no I/O, no Typer, no Rich.

Every numeric input is bounded and validated before any arithmetic. A planned
dose is converted to every form the patient's data allows (per m2, absolute,
per kg) and checked against every limit of the drug:

* ``exceeds``: above a hard limit, or implausibly high (more than
  :data:`PLAUSIBLE_FACTOR` times the highest dose on record: a likely mg/g slip);
* ``warning``: above a soft limit, above a hard limit that applies only in a
  stated circumstance, far below every dose on record, or a label caution;
* ``ok``: within every limit. Exactly at a limit is within it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from lmsrx.errors import UsageError
from lmsrx.units import DOSE_UNITS, UNITS, Quantity, UnitError, fmt, parse_quantity

BOUNDS = {"bsa": (0.3, 3.5), "height": (30.0, 250.0), "weight": (1.0, 350.0), "over": (1.0, 10080.0)}
PLAUSIBLE_FACTOR = 3.0
TOLERANCE = 1e-9
SEVERITY_ORDER = {"ok": 0, "note": 0, "warning": 1, "exceeds": 2}
FORMULAS = ("mosteller", "dubois")


@dataclass(frozen=True)
class BSA:
    value: float
    formula: str
    height_cm: float | None = None
    weight_kg: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"value_m2": self.value, "formula": self.formula, "height_cm": self.height_cm, "weight_kg": self.weight_kg}


@dataclass(frozen=True)
class Check:
    rule: str
    severity: str  # hard | soft | conditional | plausibility | caution
    result: str  # ok | warning | exceeds
    value: str
    limit: str
    basis: str
    cite: tuple[str, ...] = ()


@dataclass
class DoseResult:
    drug: Any
    bsa: BSA | None
    weight_kg: float | None
    planned: Quantity | None
    forms: dict[str, Quantity] = field(default_factory=dict)
    standard: dict[str, Any] | None = None
    rate: dict[str, Any] | None = None
    cumulative: dict[str, Any] | None = None
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    over_min: float | None = None
    cumulative_text: str | None = None

    def shown(self) -> dict[str, Quantity]:
        """The planned dose's forms in the planned unit's scale (g stays g, mcg stays mcg)."""
        scale = self.planned.unit.split("/")[0] if self.planned else "mg"
        out = {}
        for key, q in self.forms.items():
            unit = {"per_m2": f"{scale}/m2", "absolute": scale}.get(key, "mg/kg")
            out[key] = q.to(unit) if unit in UNITS else q
        return out

    def inputs(self) -> dict[str, Any]:
        b = self.bsa
        return {"bsa_m2": b.value if b and b.formula == "given" else None, "height_cm": b.height_cm if b else None,
                "weight_kg": self.weight_kg, "formula": b.formula if b and b.formula != "given" else None,
                "planned": str(self.planned) if self.planned else None, "over_min": self.over_min,
                "cumulative": self.cumulative_text}

    @property
    def verdict(self) -> str:
        if self.planned is None:
            return "not checked"
        worst = max((SEVERITY_ORDER[c.result] for c in self.checks), default=0)
        return {0: "ok", 1: "warning", 2: "exceeds"}[worst]


def bounded(value: float | None, name: str, flag: str, unit: str) -> float | None:
    if value is None:
        return None
    lo, hi = BOUNDS[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not lo <= value <= hi:
        raise UsageError(f"{flag} must be a number from {fmt(lo)} to {fmt(hi)} {unit}; got {value!r}")
    return float(value)


def body_surface_area(bsa: float | None, height: float | None, weight: float | None, formula: str | None) -> BSA | None:
    """BSA from --bsa, or from height and weight (Mosteller by default), rounded to 0.01 m2."""
    bsa = bounded(bsa, "bsa", "--bsa", "m2")
    height = bounded(height, "height", "--height", "cm")
    weight = bounded(weight, "weight", "--weight", "kg")
    if formula is not None and formula not in FORMULAS:
        raise UsageError(f"invalid --formula {formula!r}; choose from {', '.join(FORMULAS)}")
    if bsa is not None:
        if height is not None or formula is not None:
            raise UsageError("give either --bsa, or --height and --weight (with --formula), not both")
        return BSA(round(bsa, 2), "given", None, weight)
    if height is None:
        if formula is not None:
            raise UsageError("--formula needs --height and --weight")
        return None  # no BSA; a weight alone still serves mg/kg doses
    if weight is None:
        raise UsageError("BSA needs both --height and --weight (or give --bsa)")
    formula = formula or "mosteller"
    if formula == "mosteller":
        value = math.sqrt(height * weight / 3600.0)
    else:
        value = 0.007184 * height ** 0.725 * weight ** 0.425
    return BSA(round(value, 2), formula, height, weight)


def parse_dose(text: str, flag: str) -> Quantity:
    try:
        return parse_quantity(text, DOSE_UNITS)
    except UnitError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def forms(q: Quantity, bsa: BSA | None, weight: float | None) -> dict[str, Quantity]:
    """The same dose as absolute mg, mg/m2 and mg/kg, as far as the patient's data allows."""
    out: dict[str, Quantity] = {}
    mg = None
    if q.per is None:
        mg = q.base()
    elif q.per == "m2" and bsa is not None:
        mg = q.base() * bsa.value
    elif q.per == "kg" and weight is not None:
        mg = q.base() * weight
    if q.per == "m2":
        out["per_m2"] = Quantity(q.base(), "mg/m2")
    if q.per == "kg":
        out["per_kg"] = Quantity(q.base(), "mg/kg")
    if mg is not None:
        out["absolute"] = Quantity(mg, "mg")
        if bsa is not None and "per_m2" not in out:
            out["per_m2"] = Quantity(mg / bsa.value, "mg/m2")
        if weight is not None and "per_kg" not in out:
            out["per_kg"] = Quantity(mg / weight, "mg/kg")
    return out


def _family(q: Quantity) -> str:
    return {None: "absolute", "m2": "per_m2", "kg": "per_kg"}[q.per]


def _over(value: float, limit: float) -> bool:
    return value > limit * (1 + TOLERANCE)


def _dose_of(d: Any, basis: str) -> Quantity | None:
    return d.per_cycle if basis == "per-cycle" else d.amount


def check(drug: Any, bsa: BSA | None, weight: float | None, planned_text: str | None,
          over_min: float | None = None, cumulative_text: str | None = None) -> DoseResult:
    weight = bounded(weight, "weight", "--weight", "kg") if weight is not None else (bsa.weight_kg if bsa else None)
    over_min = bounded(over_min, "over", "--over", "min")
    planned = parse_dose(planned_text, "--planned") if planned_text is not None else None
    result = DoseResult(drug, bsa, weight, planned, over_min=over_min, cumulative_text=cumulative_text)
    result.standard = _standard(drug, bsa, weight)
    if planned is None:
        if over_min is not None or cumulative_text is not None:
            raise UsageError("--over and --cumulative need --planned")
        return result
    result.forms = forms(planned, bsa, weight)
    if planned.per == "m2" and bsa is None:
        result.notes.append("no BSA given: absolute amounts are not shown (give --bsa, or --height and --weight)")
    if planned.per == "kg" and weight is None:
        raise UsageError(f"{planned} is per kg: give --weight")
    std = next((d for d in drug.doses if d.standard), None)
    std_q = _dose_of(std, drug.planned_basis) if std else None
    if std_q is not None and std_q.per != planned.per:
        result.notes.append(f"{drug.name} is usually written {'per m2' if std_q.per == 'm2' else 'per kg' if std_q.per == 'kg' else 'as a flat amount'}"
                            f" ({std_q}); {planned} was converted")
    if drug.lms_status == "withdrawn":
        when = next((a.date for a in drug.approvals if a.status == "withdrawn" and a.date), None)
        result.checks.append(Check("status", "hard", "warning", drug.lms_status, "not withdrawn",
                                   f"{drug.name} was withdrawn" + (f" (announced {when})" if when else "") + "; it is never a candidate",
                                   tuple(c for a in drug.approvals if a.status == "withdrawn" for c in a.cite)))
    basis = drug.planned_basis
    for lim in drug.limits:
        if lim.scope == basis:
            result.checks.append(_limit_check(lim, result.forms, basis, bsa))
    result.checks += _plausibility(drug, result.forms, basis)
    if over_min is not None:
        result.rate, rate_checks = _rate(drug, result.forms, over_min)
        result.checks += rate_checks
    cumulative_limits = [lim for lim in drug.limits if lim.scope == "cumulative"]
    if cumulative_text is not None or cumulative_limits:
        result.cumulative, cum_checks = _cumulative(drug, cumulative_limits, result.forms, cumulative_text, bsa)
        result.checks += cum_checks
    if not result.checks:
        result.notes.append(f"no limit on record for {drug.name} in a form this dose can be compared with")
    return result


def _limit_check(lim: Any, have: dict[str, Quantity], basis: str, bsa: BSA | None) -> Check:
    fam = _family(lim.max)
    value = have.get(fam)
    limit_text = f"{lim.max} {basis}"
    if value is None:
        need = "--bsa (or --height and --weight)" if fam == "per_m2" else "--weight" if fam == "per_kg" else "--bsa"
        return Check(f"{lim.severity} limit ({lim.scope})", lim.severity, "warning", "not comparable",
                     limit_text, f"{lim.basis}; cannot compare without {need}", lim.cite)
    shown = value.to(lim.max.unit) if value.unit != lim.max.unit else value
    above = _over(value.base(), lim.max.base())
    if lim.when:
        # A limit for a stated circumstance lmsrx cannot know: a hard one warns, a soft one is a note.
        sev = "conditional"
        res = ("warning" if lim.severity == "hard" else "note") if above else "ok"
        basis_text = f"only {lim.when}: {lim.basis}"
        rule = f"{lim.severity} limit ({lim.scope}), {lim.when}"
    else:
        sev, res = lim.severity, ("ok" if not above else "exceeds" if lim.severity == "hard" else "warning")
        basis_text = lim.basis
        rule = f"{lim.severity} limit ({lim.scope})"
    return Check(rule, sev, res, str(shown), limit_text, basis_text, lim.cite)


def _plausibility(drug: Any, have: dict[str, Quantity], basis: str) -> list[Check]:
    """Compare with every dose on record in the same form: catches mg-for-g slips."""
    out = []
    recorded = [q for d in drug.doses if (q := _dose_of(d, basis)) is not None]
    by_family: dict[str, list[Quantity]] = {}
    for q in recorded:
        by_family.setdefault(_family(q), []).append(q)
    for fam, qs in sorted(by_family.items()):
        value = have.get(fam)
        if value is None:
            continue
        hi, lo = max(qs, key=Quantity.base), min(qs, key=Quantity.base)
        shown = value.to(hi.unit)
        if _over(value.base(), hi.base() * PLAUSIBLE_FACTOR):
            out.append(Check("plausibility", "plausibility", "exceeds", str(shown), f"{fmt(PLAUSIBLE_FACTOR)} x {hi}",
                             f"more than {fmt(PLAUSIBLE_FACTOR)} times the highest dose on record ({hi}): check the unit (mg or g?)"))
        elif value.base() * PLAUSIBLE_FACTOR < lo.base() * (1 - TOLERANCE):
            out.append(Check("plausibility", "plausibility", "warning", str(shown), f"{lo} / {fmt(PLAUSIBLE_FACTOR)}",
                             f"less than a third of the lowest dose on record ({lo}): check the unit (mg or g?)"))
        else:
            out.append(Check("plausibility", "plausibility", "ok", str(shown), f"{lo} to {hi}",
                             "within a plausible range of the doses on record"))
    return out


def _rate(drug: Any, have: dict[str, Quantity], minutes: float) -> tuple[dict[str, Any], list[Check]]:
    per_m2 = have.get("per_m2")
    rate = Quantity(per_m2.base() / minutes, "mg/m2/min") if per_m2 is not None else None
    info: dict[str, Any] = {"minutes": minutes, "mg_per_m2_per_min": round(rate.value, 4) if rate else None}
    checks = []
    fixed = [d for d in drug.doses if d.rate is not None]
    if fixed and rate is not None:
        ref = fixed[0]
        same = abs(rate.value - ref.rate.value) <= 0.05 * ref.rate.value
        info["fixed_dose_rate"] = {"reference": str(ref.rate), "matches": same, "schedule": ref.schedule}
        checks.append(Check("fixed dose rate", "caution", "ok", str(rate), str(ref.rate),
                            ("this is the fixed dose rate" if same else "this is not the fixed dose rate")
                            + f" of {ref.rate} ({ref.amount} over {ref.duration}) that the source prefers to the 30-minute infusion",
                            ref.cite))
    for lim in drug.limits:
        if lim.scope == "duration":
            mins = lim.max.value * (60 if lim.max.unit == "h" else 1)
            above = _over(minutes, mins)
            checks.append(Check(f"{lim.severity} limit (duration)", "caution" if lim.severity == "soft" else "hard",
                                ("warning" if lim.severity == "soft" else "exceeds") if above else "ok",
                                f"{fmt(minutes)} min", str(lim.max), lim.basis, lim.cite))
    return info, checks


def _cumulative(drug: Any, limits: list, have: dict[str, Quantity], text: str | None, bsa: BSA | None) -> tuple[dict[str, Any], list[Check]]:
    prior = parse_dose(text, "--cumulative") if text is not None else None
    info: dict[str, Any] = {"prior": str(prior) if prior else None}
    if not limits:
        return {**info, "note": f"no cumulative limit on record for {drug.name}"}, []
    planned_m2 = have.get("per_m2")
    prior_m2 = forms(prior, bsa, None).get("per_m2") if prior else Quantity(0.0, "mg/m2")
    if planned_m2 is None or prior_m2 is None:
        return {**info, "note": "cumulative limits are per m2: give --bsa (or --height and --weight)"}, [
            Check("cumulative limit", "hard", "warning", "not comparable", str(limits[0].max), "give --bsa to check the cumulative limits")]
    total = Quantity(planned_m2.base() + prior_m2.base(), "mg/m2")
    info.update({"prior_mg_per_m2": round(prior_m2.value, 4), "total_mg_per_m2": round(total.value, 4),
                 "prior_given": prior is not None})
    checks = [_limit_check(lim, {"per_m2": total}, "cumulative", bsa) for lim in limits]
    if prior is None:
        checks = [Check(c.rule, c.severity, c.result, c.value + " (this dose only: prior exposure not given)",
                        c.limit, c.basis, c.cite) for c in checks]
    return info, checks


def _standard(drug: Any, bsa: BSA | None, weight: float | None) -> dict[str, Any] | None:
    std = next((d for d in drug.doses if d.standard), None)
    if std is None:
        return None
    q = std.per_cycle if drug.planned_basis == "per-cycle" and std.per_cycle else std.amount or std.per_cycle
    out: dict[str, Any] = {"context": std.context, "schedule": std.schedule, "cite": list(std.cite),
                           "dose": str(q) if q else None, "low": str(std.low) if std.low else None}
    if q is not None:
        hi = forms(q, bsa, weight).get("absolute")
        lo = forms(std.low, bsa, weight).get("absolute") if std.low else None
        if hi is not None and q.per is not None:
            unit = "g" if hi.base() >= 10000 else "mg"
            out["for_patient"] = (f"{fmt(lo.to(unit).value)}-{fmt(hi.to(unit).value)} {unit}" if lo else str(hi.to(unit)))
    return out
