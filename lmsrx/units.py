"""Quantities with units: strict parsing, conversion and safe printing. Pure."""
from __future__ import annotations

import math
import re

from lmsrx.records import record

# unit -> (dimension, factor to the dimension's base unit, per what)
# Mass units convert to mg; "per" is None (absolute), "m2" (per BSA) or "kg" (per weight).
UNITS: dict[str, tuple[str, float, str | None]] = {
    "mcg": ("mass", 0.001, None),
    "mg": ("mass", 1.0, None),
    "g": ("mass", 1000.0, None),
    "mcg/m2": ("mass", 0.001, "m2"),
    "mg/m2": ("mass", 1.0, "m2"),
    "g/m2": ("mass", 1000.0, "m2"),
    "mg/kg": ("mass", 1.0, "kg"),
    "mg/m2/min": ("rate", 1.0, "m2"),
    "min": ("time", 1.0, None),
    "h": ("time", 60.0, None),
    "m2": ("area", 1.0, None),
    "cm": ("length", 1.0, None),
    "kg": ("weight", 1.0, None),
}
DOSE_UNITS = ("mcg", "mg", "g", "mcg/m2", "mg/m2", "g/m2", "mg/kg")

_HINTS = {
    "µg": "mcg", "μg": "mcg", "ug": "mcg", "gm": "g", "gm/m2": "g/m2", "mg/m²": "mg/m2",
    "g/m²": "g/m2", "gm/m^2": "g/m2", "g/m^2": "g/m2", "mg/m^2": "mg/m2", "mg/m2/day": None,
}
_QTY = r"\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*([A-Za-zµμ][A-Za-zµμ²^/0-9]*)\s*"  # compiled (and cached) by re on first use

MAX_VALUE = 1_000_000.0


class LFloat(float):
    """A float that remembers how it was written, so that 0.70 prints as 0.70 (reported precision)."""

    text: str

    def __new__(cls, text: str) -> LFloat:
        obj = super().__new__(cls, text)
        obj.text = text.lstrip("+")
        return obj

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return (LFloat, (self.text,))  # pickled as its text (the knowledge base's artefact)



class UnitError(ValueError):
    """A quantity that cannot be read."""


@record(frozen=True)
class Quantity:
    value: float
    unit: str

    @property
    def dimension(self) -> str:
        return UNITS[self.unit][0]

    @property
    def per(self) -> str | None:
        return UNITS[self.unit][2]

    def base(self) -> float:
        """The value in the dimension's base unit (mg for mass)."""
        return self.value * UNITS[self.unit][1]

    def to(self, unit: str) -> Quantity:
        dim, factor, per = UNITS[unit]
        if (dim, per) != (self.dimension, self.per):
            raise UnitError(f"cannot convert {self} to {unit}")
        return Quantity(self.base() / factor, unit)

    def __str__(self) -> str:
        return f"{fmt(self.value)} {self.unit}"


def parse_quantity(text: str, allowed: tuple[str, ...] | None = None) -> Quantity:
    """Read ``"14 g/m2"``: a plain positive decimal number, a space if you like, a known unit.

    No signs, exponents, commas, NaN or infinity; the unit is case-sensitive.
    """
    if not isinstance(text, str):
        raise UnitError(f"expected a quantity such as '9 g/m2', got {text!r}")
    m = re.fullmatch(_QTY, text)
    if not m:
        raise UnitError(f"cannot read {text!r} as a quantity: write a number and a unit, e.g. '9 g/m2' or '1620 mg'")
    number, unit = m.groups()
    if unit not in UNITS or (allowed is not None and unit not in allowed):
        choices = ", ".join(allowed or UNITS)
        hint = _HINTS.get(unit)
        extra = f" (did you mean {hint}?)" if hint else ""
        raise UnitError(f"unknown unit {unit!r} in {text!r}{extra}; valid units: {choices}")
    value = float(number)
    if not math.isfinite(value) or value <= 0 or value > MAX_VALUE:
        raise UnitError(f"{text!r}: the amount must be above 0 and at most {fmt(MAX_VALUE)}")
    return Quantity(value, unit)


def fmt(value: float) -> str:
    """Print a number the safe way: no trailing zero, always a leading zero."""
    if value == 0:
        return "0"
    digits = 2 if abs(value) >= 1 else 3
    if abs(value) < 0.0005:  # never "0" for a value that is not zero: two significant digits (0.0001 mg/m2)
        digits = min(12, 1 - math.floor(math.log10(abs(value))))
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return f"{value:.2g}" if text in ("0", "-0", "") else text


def num(value: float) -> str:
    """A reported figure as written in the knowledge base (0.70 stays 0.70, .001 gains its 0); else :func:`fmt`."""
    text = getattr(value, "text", None)
    if text is None or "e" in text.lower():
        return fmt(value)
    return "0" + text if text.startswith(".") else text


def days_text(days: tuple[int, ...]) -> str:
    """Cycle days in words, the same everywhere: 'day 1', 'days 1, 8', 'days 1-14' (a run of three or more days is a
    range; two days stay a list)."""
    runs: list[list[int]] = []
    for d in days:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = [f"{r[0]}-{r[-1]}" if len(r) >= 3 else ", ".join(map(str, r)) for r in runs]
    return ("day " if len(days) == 1 else "days ") + ", ".join(parts)
