"""The patient of a dose check (Body): BSA, weight and organ facts; planned doses read with their units and put in every form the patient allows. Pure."""
from __future__ import annotations

import math
from typing import Any

from lmsrx.clinical.facts import Facts
from lmsrx.errors import UsageError
from lmsrx.records import record
from lmsrx.units import DOSE_UNITS, Quantity, UnitError, fmt, parse_quantity
from lmsrx.vocab import FORMULAS, HEPATIC

BOUNDS = {"bsa": (0.3, 3.5), "height": (30.0, 250.0), "weight": (1.0, 350.0), "over": (0.1, 10080.0)}


@record(frozen=True)
class BSA:
    value: float
    formula: str
    height_cm: float | None = None
    weight_kg: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"value_m2": self.value, "formula": self.formula, "height_cm": self.height_cm, "weight_kg": self.weight_kg}


@record(frozen=True)
class Body:
    """What a dose check knows of the patient. ``None`` is unknown, never 'no'."""

    bsa: BSA | None = None
    weight_kg: float | None = None
    facts: Facts = Facts()  # organ function and age, for the label rules (lmsrx.labelrules)
    cardiac_risk: bool | None = None  # prior cardiotoxic therapy or radiation to the heart region, as stated

    @property
    def hepatic(self) -> str | None:
        return self.facts.hepatic

    def holds(self, when: str) -> bool | None:
        """Whether a circumstance a limit is written for holds: True, False or None (unknown)."""
        if when == "cardiac-risk":
            return self.cardiac_risk
        return None  # pragma: no cover - the schema allows no other value

    def inputs(self) -> dict[str, Any]:
        b = self.bsa
        organ = {k: v for k, v in self.facts.as_dict().items() if k not in ("conditions", "age_years")}
        return {"bsa_m2": b.value if b and b.formula == "given" else None, "height_cm": b.height_cm if b else None,
                "weight_kg": self.weight_kg, "formula": b.formula if b and b.formula != "given" else None,
                "age": self.facts.age_years, "organ_function": organ, "cardiac_radiation": self.cardiac_risk}


def bounded(value: Any, name: str, flag: str, unit: str) -> float | None:
    if value is None:
        return None
    lo, hi = BOUNDS[name]
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    # an integer is compared as an integer: a 300-digit one is out of range, not an overflow
    inside = number and (lo <= value <= hi if isinstance(value, int) else math.isfinite(value) and lo <= value <= hi)
    if not inside:
        shown = repr(value)
        raise UsageError(f"{flag} must be a number from {fmt(lo)} to {fmt(hi)} {unit}; got "
                         f"{shown if len(shown) <= 40 else shown[:37] + '...'}")
    return float(value)


def body_surface_area(bsa: Any, height: Any, weight: Any, formula: str | None) -> BSA | None:
    """BSA from --bsa, or from height and weight (Mosteller by default), rounded to 0.01 m2 and bounded like --bsa."""
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
    value = round(value, 2)
    lo, hi = BOUNDS["bsa"]
    if not lo <= value <= hi:
        raise UsageError(f"height {fmt(height)} cm and weight {fmt(weight)} kg give a BSA of {fmt(value)} m2, "
                         f"outside {fmt(lo)}-{fmt(hi)} m2: check the figures")
    return BSA(value, formula, height, weight)


def make_body(bsa: Any = None, height: Any = None, weight: Any = None, formula: str | None = None,
              hepatic: str | None = None, cardiac_risk: bool | None = None, facts: Facts | None = None) -> Body:
    """The patient of a dose check; ``facts`` (organ function and age) from :func:`lmsrx.labelrules.read`, or
    ``hepatic`` alone."""
    body = body_surface_area(bsa, height, weight, formula)
    if facts is None:
        if hepatic is not None and hepatic not in HEPATIC:
            raise UsageError(f"invalid hepatic function {hepatic!r}; choose from {', '.join(HEPATIC)}")
        facts = Facts(hepatic=hepatic)
    if cardiac_risk is not None and not isinstance(cardiac_risk, bool):
        raise UsageError(f"cardiac radiation must be true or false; got {cardiac_risk!r}")
    kg = bounded(weight, "weight", "--weight", "kg") if weight is not None else None
    return Body(body, kg, facts, cardiac_risk)


def parse_dose(text: Any, flag: str) -> Quantity:
    try:
        q = parse_quantity(text, None)
    except UnitError as exc:
        raise UsageError(f"{flag}: {exc}") from None
    if q.unit not in DOSE_UNITS:
        raise UsageError(f"{flag}: {q} is a {q.dimension}, not a dose; write a dose such as '900 mg/m2', '1620 mg' or '15 mg/kg'")
    return q


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


def family(q: Quantity) -> str:
    return {None: "absolute", "m2": "per_m2", "kg": "per_kg"}[q.per]


def needs_for(fam: str) -> str:
    return {"per_m2": "a BSA (or height and weight)", "per_kg": "a weight"}.get(fam, "a BSA or weight")
