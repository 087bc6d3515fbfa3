"""What is known of a patient's organ function and age (Facts), read from flags, patient files and orders, each value bounded and in the label's own terms. Pure."""
from __future__ import annotations

import math
import re
from typing import Any

from lmsrx.errors import UsageError
from lmsrx.records import fields, record
from lmsrx.units import fmt

HEPATIC_MEASURES = ("hepatic", "child_pugh", "bilirubin_mg_dl", "bilirubin_uln", "ast_uln", "alt_uln", "alp_uln")


RENAL_MEASURES = ("crcl_ml_min", "creatinine_mg_dl")


MEASURE_TEXT = {
    "hepatic": "the hepatic impairment category (--hepatic)",
    "child_pugh": "the Child-Pugh class (--child-pugh)",
    "bilirubin_mg_dl": "bilirubin in mg/dL (--bilirubin '2 mg/dL')",
    "bilirubin_uln": "bilirubin as a multiple of the upper limit of normal (--bilirubin '1.8 x ULN')",
    "ast_uln": "AST as a multiple of the upper limit of normal (--ast)",
    "alt_uln": "ALT as a multiple of the upper limit of normal (--alt)",
    "alp_uln": "alkaline phosphatase as a multiple of the upper limit of normal (--alp)",
    "crcl_ml_min": "creatinine clearance in mL/min (--crcl)",
    "creatinine_mg_dl": "serum creatinine in mg/dL (--creatinine)",
    "age_years": "age in years (--age)",
    "conditions": "the patient's conditions (--condition)",
    "combination": "whether it is given alone or in combination",
}


SHORT = {"hepatic": "hepatic", "child_pugh": "Child-Pugh", "bilirubin_mg_dl": "bilirubin", "bilirubin_uln": "bilirubin",
         "ast_uln": "AST", "alt_uln": "ALT", "alp_uln": "ALP", "crcl_ml_min": "CrCl", "creatinine_mg_dl": "creatinine",
         "age_years": "age", "conditions": "condition"}


# Unit conversions read off the sources' own paired figures: bilirubin "1.2-3 mg/dL [20.5-51.3 micromoles/L]" and
# creatinine "> 5 mg/dL [> 442 micromoles/L]" (label-doxorubicin-us, Medscape summaries).
UMOL_PER_MG_DL = {"bilirubin": 17.1, "creatinine": 88.4}


BOUNDS = {"bilirubin_mg_dl": 60.0, "bilirubin_uln": 60.0, "ast_uln": 500.0, "alt_uln": 500.0, "alp_uln": 500.0,
          "crcl_ml_min": 300.0, "creatinine_mg_dl": 30.0}


CHILD_PUGH = ("A", "B", "C")


NORMAL_CRCL = 90.0  # mL/min: see Facts.impaired


@record(frozen=True)
class Facts:
    """What is known of the patient's organ function and age. ``None`` is unknown, never normal."""

    hepatic: str | None = None
    child_pugh: str | None = None
    bilirubin_mg_dl: float | None = None
    bilirubin_uln: float | None = None
    ast_uln: float | None = None
    alt_uln: float | None = None
    alp_uln: float | None = None
    crcl_ml_min: float | None = None
    creatinine_mg_dl: float | None = None
    age_years: int | None = None
    conditions: frozenset[str] = frozenset()

    def given(self, topic: str) -> bool:
        """Whether the patient's facts say anything about this topic (a rule of it is then applied)."""
        if topic == "hepatic":
            return "hepatic" in self.conditions or any(getattr(self, m) is not None for m in HEPATIC_MEASURES)
        if topic == "renal":
            return "renal" in self.conditions or any(getattr(self, m) is not None for m in RENAL_MEASURES)
        if topic == "age":
            return self.age_years is not None
        return True

    def impaired(self, topic: str) -> bool:
        """Impairment described, so a rule of the drug should cover it: a category other than normal, a Child-Pugh
        class, a value in mg/dL (no upper limit of normal is known for it), a value above the upper limit of normal,
        a creatinine clearance below 90 mL/min (the lowest band that a rule on record calls normal: trabectedin's
        renal summary puts mild impairment at 30-89), or the condition alone."""
        if topic == "hepatic":
            return (topic in self.conditions or self.hepatic in ("mild", "moderate", "severe") or self.child_pugh is not None
                    or self.bilirubin_mg_dl is not None or any((getattr(self, m) or 0) > 1 for m in HEPATIC_MEASURES[3:]))
        if topic == "renal":
            return topic in self.conditions or self.creatinine_mg_dl is not None or (
                self.crcl_ml_min is not None and self.crcl_ml_min < NORMAL_CRCL)
        return False

    def describe(self, topic: str) -> str:
        """The facts of one topic, as given: ``bilirubin 2.1 mg/dL, Child-Pugh B``."""
        names = {"hepatic": HEPATIC_MEASURES, "renal": RENAL_MEASURES, "age": ("age_years",)}.get(topic, ())
        parts = [_show(m, getattr(self, m)) for m in names if getattr(self, m) is not None]
        if topic in ("hepatic", "renal") and topic in self.conditions:
            parts.append(f"{topic} condition")
        return ", ".join(parts) or "not given"

    def describe_all(self) -> str:
        """Every fact given, for a rule that names several kinds (a contraindication)."""
        parts = [self.describe(t) for t in ("hepatic", "renal")] + sorted(self.conditions - {"hepatic", "renal"})
        return ", ".join(p for p in parts if p != "not given") or "not given"

    def as_dict(self) -> dict[str, Any]:
        return {f.name: (sorted(self.conditions) if f.name == "conditions" else getattr(self, f.name)) for f in fields(self)}


def _show(measure: str, value: Any) -> str:
    if measure == "hepatic":
        return f"{value} hepatic impairment" if value != "normal" else "hepatic function normal"
    if measure == "child_pugh":
        return f"Child-Pugh {value}"
    if measure.endswith("_uln"):
        return f"{SHORT[measure]} {fmt(value)} x ULN"
    if measure == "crcl_ml_min":
        return f"CrCl {fmt(value)} mL/min"
    if measure == "age_years":
        return f"aged {value}"
    return f"{SHORT[measure]} {fmt(value)} mg/dL"


_NUMBER = r"([0-9]+(?:\.[0-9]+)?|\.[0-9]+)"


_ULN = "(?i)" + _NUMBER + r"\s*(?:[x×*]\s*)?uln"


MAX_TEXT = 40  # a measured value is short; longer text is refused before any pattern reads it


_MG_DL = "(?i)" + _NUMBER + r"\s*mg\s*/\s*dl"


_UMOL = "(?i)" + _NUMBER + r"\s*(?:umol|µmol|μmol|micromol(?:es)?)\s*/\s*l"


_ML_MIN = "(?i)" + _NUMBER + r"\s*(?:ml\s*/\s*min)?"


_PLAIN = _NUMBER


def _text(value: Any, key: str) -> str | None:
    """The value as stripped text (None if it is not text), refused when too long to be a measurement."""
    if not isinstance(value, str):
        return None
    if len(value) > MAX_TEXT:
        raise UsageError(f"{key}: a value of {len(value)} characters is not a measurement")
    return value.strip()


def _number(value: Any, key: str, what: str) -> float:
    """A finite number inside the measure's bounds, from a JSON/YAML number or the text of one."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise UsageError(f"{key}: {what}; got {_repr(value)}")
    _text(value, key)
    if isinstance(value, str):
        m = re.fullmatch(_PLAIN, value.strip())
        if not m:
            raise UsageError(f"{key}: {what}; got {_repr(value)}")
        value = float(m.group(1))
    if isinstance(value, int) and abs(value) > 10**6:
        raise UsageError(f"{key}: {what}; got a number too large")
    return float(value)


def _bounded(x: float, measure: str, key: str) -> float:
    hi = BOUNDS[measure]
    if not math.isfinite(x) or not 0 < x <= hi:
        shown = repr(x) if math.isfinite(x) and x < 1e15 else "a number out of range"
        raise UsageError(f"{key} must be above 0 and at most {fmt(hi)}; got {shown}")
    return x


def _repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def read_bilirubin(values: Any, key: str = "--bilirubin") -> tuple[float | None, float | None]:
    """Bilirubin as mg/dL (``2.1``, ``'2.1 mg/dL'``), µmol/L (``'36 umol/L'``) or a multiple of the upper limit of
    normal (``'1.8 x ULN'``); once in each kind (mg/dL and x ULN) at most."""
    items = values if isinstance(values, (list, tuple)) else [values]
    mg = uln = None
    what = "bilirubin in mg/dL ('2.1' or '2.1 mg/dL'), umol/L ('36 umol/L') or x ULN ('1.8 x ULN')"
    if len(items) > 2:
        raise UsageError(f"{key}: at most two values, one in mg/dL (or umol/L) and one x ULN")
    for item in items:
        text = _text(item, key)
        if text is not None and (m := re.fullmatch(_ULN, text)):
            if uln is not None:
                raise UsageError(f"{key}: bilirubin x ULN given twice")
            uln = _bounded(float(m.group(1)), "bilirubin_uln", key)
            continue
        if text is not None and (m := re.fullmatch(_UMOL, text)):
            x = round(float(m.group(1)) / UMOL_PER_MG_DL["bilirubin"], 2)  # the labels' precision: 20.5 umol/L is 1.2 mg/dL
        elif text is not None and (m := re.fullmatch(_MG_DL, text)):
            x = float(m.group(1))
        else:
            x = _number(item, key, what)
        if mg is not None:
            raise UsageError(f"{key}: bilirubin in mg/dL given twice")
        mg = _bounded(x, "bilirubin_mg_dl", key)
    return mg, uln


def read_uln(value: Any, measure: str, key: str) -> float:
    """A liver enzyme as a multiple of the upper limit of normal: ``2.5``, ``'2.5 x ULN'``."""
    if (text := _text(value, key)) is not None and (m := re.fullmatch(_ULN, text)):
        return _bounded(float(m.group(1)), measure, key)
    return _bounded(_number(value, key, f"{SHORT[measure]} as a multiple of the upper limit of normal ('2.5' or '2.5 x ULN')"),
                    measure, key)


def read_crcl(value: Any, key: str = "--crcl") -> float:
    if (text := _text(value, key)) is not None and (m := re.fullmatch(_ML_MIN, text)):
        return _bounded(float(m.group(1)), "crcl_ml_min", key)
    return _bounded(_number(value, key, "creatinine clearance in mL/min ('45' or '45 mL/min')"), "crcl_ml_min", key)


def read_creatinine(value: Any, key: str = "--creatinine") -> float:
    text = _text(value, key)
    if text is not None and (m := re.fullmatch(_UMOL, text)):
        return _bounded(round(float(m.group(1)) / UMOL_PER_MG_DL["creatinine"], 2), "creatinine_mg_dl", key)
    if text is not None and (m := re.fullmatch(_MG_DL, text)):
        return _bounded(float(m.group(1)), "creatinine_mg_dl", key)
    return _bounded(_number(value, key, "serum creatinine in mg/dL ('1.1' or '1.1 mg/dL') or umol/L ('97 umol/L')"),
                    "creatinine_mg_dl", key)


def read_child_pugh(value: Any, key: str = "--child-pugh") -> str:
    if not isinstance(value, str) or value.strip().upper() not in CHILD_PUGH:
        raise UsageError(f"{key} must be A, B or C; got {_repr(value)}")
    return value.strip().upper()


# The keys of a patient or order file, and the flags, for each fact.
KEYS = {"hepatic": "--hepatic", "child_pugh": "--child-pugh", "bilirubin": "--bilirubin", "ast": "--ast", "alt": "--alt",
        "alp": "--alp", "crcl": "--crcl", "creatinine": "--creatinine"}


def read(raw: dict[str, Any], *, age: int | None = None, conditions: frozenset[str] = frozenset(),
         names: dict[str, str] | None = None) -> Facts:
    """Facts from a mapping with the keys of :data:`KEYS` (values as flags or file values give them); ``names``
    says how each key is called in messages (default: the flag)."""
    from lmsrx.vocab import HEPATIC

    def name(k: str) -> str:
        return (names or KEYS).get(k, k)

    hepatic = raw.get("hepatic")
    if hepatic is not None:
        if not isinstance(hepatic, str) or hepatic.strip().lower() not in HEPATIC:
            raise UsageError(f"{name('hepatic')} must be one of {', '.join(HEPATIC)}; got {_repr(hepatic)}")
        hepatic = hepatic.strip().lower()
    mg = uln = None
    if raw.get("bilirubin") is not None:
        mg, uln = read_bilirubin(raw["bilirubin"], name("bilirubin"))

    def opt(key: str, reader: Any, *extra: Any) -> Any:
        return reader(raw[key], *extra, name(key)) if raw.get(key) is not None else None

    facts = Facts(
        hepatic=hepatic, child_pugh=opt("child_pugh", read_child_pugh), bilirubin_mg_dl=mg, bilirubin_uln=uln,
        ast_uln=opt("ast", read_uln, "ast_uln"), alt_uln=opt("alt", read_uln, "alt_uln"), alp_uln=opt("alp", read_uln, "alp_uln"),
        crcl_ml_min=opt("crcl", read_crcl), creatinine_mg_dl=opt("creatinine", read_creatinine),
        age_years=age, conditions=frozenset(conditions))
    if facts.hepatic == "normal":
        odd = [m for m in HEPATIC_MEASURES[3:] if (getattr(facts, m) or 0) > 1]
        odd += ["child_pugh"] if facts.child_pugh else []
        odd += ["the hepatic condition"] if "hepatic" in facts.conditions else []
        if odd:
            raise UsageError(f"{name('hepatic')} normal contradicts {', '.join(SHORT.get(m, m) for m in odd)}: "
                             "give the measured values alone, or a category that agrees with them")
    return facts
