"""Label rules for one patient: organ function, age and contraindications, as the knowledge base states them
(``rules:``, each cited). Pure: no I/O, no Typer, no Rich.

A rule lists alternatives (:class:`lmsrx.model.Condition`); each holds when all its measures hold. A rule is
**met**, **not met** or **unknown** for a patient: a measure the patient's facts do not give (or give only in
other terms, such as bilirubin as a multiple of the upper limit of normal where the label writes mg/dL) leaves
it unknown, and lmsrx says which measure is needed. The label's own category (``--hepatic moderate``) answers
a rule that names categories; ``normal`` answers every hepatic rule (no impairment) unless a measured value
meets it. A rule seen on one page only (``seen_once``) may make a check stricter, never milder.
"""
from __future__ import annotations

import math
import re
from typing import Any

from lmsrx.errors import UsageError
from lmsrx.model import Condition, Rule, span_bounds
from lmsrx.records import fields, record
from lmsrx.units import fmt

MET, UNMET, UNKNOWN = "met", "not met", "unknown"
STOP = ("contraindicated", "do-not-give")
WARN = ("not-recommended", "caution", "no-data")
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


# ------------------------------------------------------------------ reading facts (flags, patient files, orders)
_NUMBER = r"([0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
_ULN = re.compile(_NUMBER + r"\s*(?:[x×*]\s*)?uln", re.IGNORECASE)
MAX_TEXT = 40  # a measured value is short; longer text is refused before any pattern reads it
_MG_DL = re.compile(_NUMBER + r"\s*mg\s*/\s*dl", re.IGNORECASE)
_UMOL = re.compile(_NUMBER + r"\s*(?:umol|µmol|μmol|micromol(?:es)?)\s*/\s*l", re.IGNORECASE)
_ML_MIN = re.compile(_NUMBER + r"\s*(?:ml\s*/\s*min)?", re.IGNORECASE)
_PLAIN = re.compile(_NUMBER)


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
        m = _PLAIN.fullmatch(value.strip())
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
        if text is not None and (m := _ULN.fullmatch(text)):
            if uln is not None:
                raise UsageError(f"{key}: bilirubin x ULN given twice")
            uln = _bounded(float(m.group(1)), "bilirubin_uln", key)
            continue
        if text is not None and (m := _UMOL.fullmatch(text)):
            x = round(float(m.group(1)) / UMOL_PER_MG_DL["bilirubin"], 2)  # the labels' precision: 20.5 umol/L is 1.2 mg/dL
        elif text is not None and (m := _MG_DL.fullmatch(text)):
            x = float(m.group(1))
        else:
            x = _number(item, key, what)
        if mg is not None:
            raise UsageError(f"{key}: bilirubin in mg/dL given twice")
        mg = _bounded(x, "bilirubin_mg_dl", key)
    return mg, uln


def read_uln(value: Any, measure: str, key: str) -> float:
    """A liver enzyme as a multiple of the upper limit of normal: ``2.5``, ``'2.5 x ULN'``."""
    if (text := _text(value, key)) is not None and (m := _ULN.fullmatch(text)):
        return _bounded(float(m.group(1)), measure, key)
    return _bounded(_number(value, key, f"{SHORT[measure]} as a multiple of the upper limit of normal ('2.5' or '2.5 x ULN')"),
                    measure, key)


def read_crcl(value: Any, key: str = "--crcl") -> float:
    if (text := _text(value, key)) is not None and (m := _ML_MIN.fullmatch(text)):
        return _bounded(float(m.group(1)), "crcl_ml_min", key)
    return _bounded(_number(value, key, "creatinine clearance in mL/min ('45' or '45 mL/min')"), "crcl_ml_min", key)


def read_creatinine(value: Any, key: str = "--creatinine") -> float:
    text = _text(value, key)
    if text is not None and (m := _UMOL.fullmatch(text)):
        return _bounded(round(float(m.group(1)) / UMOL_PER_MG_DL["creatinine"], 2), "creatinine_mg_dl", key)
    if text is not None and (m := _MG_DL.fullmatch(text)):
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


# ------------------------------------------------------------------ evaluating a rule
def _in_span(x: float, text: str) -> bool:
    lo, lo_in, hi, hi_in = span_bounds(text)
    if lo is not None and (x < lo or (x == lo and not lo_in)):
        return False
    return not (hi is not None and (x > hi or (x == hi and not hi_in)))


def holds(cond: Condition, facts: Facts) -> tuple[str, list[str]]:
    """One alternative: met, not met or unknown, and the measures it lacks."""
    states, missing = [], []
    for f in fields(Condition):
        spec = getattr(cond, f.name)
        if not spec:
            continue
        if f.name == "conditions":
            states.append(MET if set(spec) & facts.conditions else UNMET)  # a condition not given is taken as absent
            continue
        value = getattr(facts, f.name)
        if value is None:
            states.append(UNKNOWN)
            missing.append(f.name)
        elif isinstance(spec, tuple):
            states.append(MET if value in spec else UNMET)
        else:
            states.append(MET if _in_span(value, spec) else UNMET)
    if UNMET in states:
        return UNMET, []
    return (UNKNOWN, missing) if UNKNOWN in states else (MET, [])


@record(frozen=True)
class Outcome:
    rule: Rule
    state: str            # met | not met | unknown | info (a rule patient facts cannot decide)
    needs: tuple[str, ...] = ()

    @property
    def needs_text(self) -> str:
        return " or ".join(MEASURE_TEXT[m] for m in self.needs)


def outcome(rule: Rule, facts: Facts, combined: bool | None = None) -> Outcome:
    """One rule for one patient (``combined``: whether the drug is given with others; None = not known)."""
    if not rule.when:
        return Outcome(rule, "info")
    if rule.combination is not None and combined is not None and combined != rule.combination:
        return Outcome(rule, UNMET)  # written for the drug alone, or in combination, and this is the other case
    results = [holds(c, facts) for c in rule.when]
    if any(state == MET for state, _ in results):
        if rule.combination is not None and combined is None:
            return Outcome(rule, UNKNOWN, ("combination",))
        return Outcome(rule, MET)
    if rule.topic == "hepatic" and facts.hepatic is not None and (
            facts.hepatic == "normal" or any(c.hepatic for c in rule.when)):
        # the label's category, as the user gave it, answers the alternatives no measured value speaks to
        results = [(UNMET, []) if state == UNKNOWN and _told(c, facts) == 0 else (state, ms)
                   for (state, ms), c in zip(results, rule.when)]
    elif facts.hepatic is None and any(state == UNMET for state, _ in results):
        # the label's category is its own summary of the measures: once a measure the rule names decides an
        # alternative, an alternative that only names the category is not asked for
        results = [(state, ms) for (state, ms), c in zip(results, rule.when) if not (state == UNKNOWN and ms == ["hepatic"])]
    if all(state == UNMET for state, _ in results):
        return Outcome(rule, UNMET)
    needs = tuple(dict.fromkeys(m for state, ms in results if state == UNKNOWN for m in ms))
    return Outcome(rule, UNKNOWN, needs)


ANALYTE = {"bilirubin_mg_dl": ("bilirubin_mg_dl", "bilirubin_uln"), "bilirubin_uln": ("bilirubin_mg_dl", "bilirubin_uln")}


def _told(cond: Condition, facts: Facts) -> int:
    """How many of an alternative's measured values (not its category) the patient's facts speak to, in any unit
    (bilirubin given in mg/dL speaks to a rule written in x ULN: the category may not then answer it)."""
    return sum(1 for f in fields(Condition) if f.name not in ("hepatic", "conditions") and getattr(cond, f.name)
               and any(getattr(facts, m) is not None for m in ANALYTE.get(f.name, (f.name,))))


def outcomes(kb: Any, drug_id: str, facts: Facts, topics: tuple[str, ...] = ("hepatic", "renal", "age", "contraindication"),
             combined: bool | None = None) -> list[Outcome]:
    """Every rule of these topics that reaches the drug, for this patient."""
    return [outcome(r, facts, combined) for r in kb.rules_for(drug_id) if r.topic in topics]


def label(rule: Rule) -> str:
    """How a rule is named in a check: ``hepatic rule (label, seen once)``."""
    tags = [rule.status.replace("-", " ")] + (["seen once"] if rule.seen_once else []) \
        + (["newer than the source"] if rule.newer_than_source else [])
    return f"{rule.topic} rule ({', '.join(tags)})"


def sentence(rule: Rule) -> str:
    """The rule's text, with what a reader must know about its weight."""
    out = rule.text
    if rule.seen_once:
        out += " [seen once: used only to make a check stricter]"
    return out


# ------------------------------------------------------------------ dose checks
ACTION_TEXT = {"contraindicated": "contraindicated", "do-not-give": "do not give", "not-recommended": "not recommended",
               "caution": "caution", "no-data": "no data", "no-adjustment": "usual dose", "ratio": "ratio"}
TOPIC_FLAGS = {"hepatic": "the hepatic category, Child-Pugh class, bilirubin, AST, ALT or ALP",
               "renal": "the creatinine clearance or serum creatinine", "age": "the age"}


def _scaled(q: Any, share: float) -> Any:
    from lmsrx.units import Quantity

    return None if q is None else Quantity(q.value * share, q.unit)


def rule_doses(rule: Rule, drug: Any) -> tuple[Any, ...]:
    """The doses a ``dose`` rule gives: its own records, or ``percent`` of each usual dose on record."""
    from lmsrx.records import replace

    if rule.doses:
        return tuple(replace(d, cite=tuple(dict.fromkeys(d.cite + rule.cite))) for d in rule.doses)
    share = rule.percent / 100
    return tuple(replace(d, context=f"{fmt(rule.percent)}% of: {d.context}", schedule=f"{fmt(rule.percent)}% of {d.schedule}",
                         amount=_scaled(d.amount, share), low=_scaled(d.low, share), per_day=_scaled(d.per_day, share),
                         per_cycle=_scaled(d.per_cycle, share), per_cycle_low=_scaled(d.per_cycle_low, share),
                         standard=False, cite=tuple(dict.fromkeys(rule.cite + d.cite)))
                 for d in drug.doses if d.fraction_of is None)


def _ceilings(doses: tuple[Any, ...]) -> dict[tuple[str, str | None], float]:
    """The largest dose of a set per basis and unit family (per administration, else per day, else per cycle; absolute,
    per m2 or per kg): sets are compared only where the basis and family agree."""
    out: dict[tuple[str, str | None], float] = {}
    for name in ("amount", "per_day", "per_cycle"):
        for d in doses:
            q = getattr(d, name)
            if q is not None:
                key = (name, q.per)
                out[key] = max(out.get(key, 0.0), q.base())
    return out


def _as_strict(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Whether dose set ``a`` is at least as strict as ``b`` on every basis they share (and they share one)."""
    ca, cb = _ceilings(a), _ceilings(b)
    common = set(ca) & set(cb)
    return bool(common) and all(ca[k] <= cb[k] for k in common)


ORDER = {"hepatic": ("normal", "mild", "moderate", "severe"), "child_pugh": CHILD_PUGH}
WORSE_UP = ("bilirubin_mg_dl", "bilirubin_uln", "ast_uln", "alt_uln", "alp_uln", "creatinine_mg_dl")
WORSE_DOWN = ("crcl_ml_min",)


def _position(measure: str, value: Any, spec: Any) -> str:
    """Where a patient's value stands against one measure of an alternative: within, worse or better."""
    if measure in ORDER:
        order = ORDER[measure]
        if value in spec:
            return "within"
        return "worse" if order.index(value) > max(order.index(v) for v in spec) else "better"
    lo, lo_in, hi, hi_in = span_bounds(spec)
    below = lo is not None and (value < lo or (value == lo and not lo_in))
    above = hi is not None and (value > hi or (value == hi and not hi_in))
    if not (below or above):
        return "within"
    return "worse" if (above if measure in WORSE_UP else below) else "better"


def at_least(rule: Rule, facts: Facts) -> bool:
    """Whether the patient is at least as impaired as one of a rule's alternatives: every measure of it that the
    facts give is within its band or worse, at least one is given, and none is better (a measure not given could
    be anything). A dose rule's dose is then a ceiling for the patient (a worse impairment is at least as strict:
    lmsrx's reading), where no rule written for the patient's own case holds."""
    for cond in rule.when:
        found = [_position(f.name, getattr(facts, f.name), getattr(cond, f.name)) for f in fields(Condition)
                 if f.name in (*ORDER, *WORSE_UP, *WORSE_DOWN) and getattr(cond, f.name) and getattr(facts, f.name) is not None]
        if found and "better" not in found:
            return True
    return False


def adjusted(kb: Any, drug: Any, facts: Facts, combined: bool | None = None) -> list[tuple[Rule, Any]]:
    """The drug as a dose check should see it for this patient, once per dose rule that holds (hepatic or renal):
    a copy whose doses are the rule's. Each is a ceiling, so the planned dose is compared with every one (they may
    be written in different units). Where none holds but the patient is at least as impaired as a dose rule's
    circumstance (:func:`at_least`), that rule's doses are the ceiling. Empty: the drug's own doses apply."""
    from lmsrx.records import replace

    found = [o for o in outcomes(kb, drug.id, facts, ("hepatic", "renal"), combined) if o.rule.action == "dose"]
    met = [o.rule for o in found if o.state == MET] or [o.rule for o in found if o.state != MET and at_least(o.rule, facts)]
    return [(r, replace(drug, doses=rule_doses(r, drug))) for r in met]


def dose_checks(kb: Any, drug: Any, facts: Facts, chosen: list[Rule], combined: bool | None = None,
                per: str = "administration") -> list[Any]:
    """What the label rules say of this drug for this patient, as dose-check rows. ``chosen``: the dose rules whose
    doses the check compares with (:func:`adjusted`); ``combined``: whether the drug is given with others (None:
    not known, as for ``lmsrx dose``)."""
    from lmsrx.checks import Check

    out: list[Check] = []
    found = outcomes(kb, drug.id, facts, combined=combined)
    touched: set[str] = set()  # topics a rule decided or is waiting on: no "no rule covers this"
    stopped = {o.rule.topic for o in found if o.state == MET and o.rule.action in STOP}
    held = [o.rule for o in found if o.state == MET and o.rule.action == "dose"]
    ceilings = [r for r in chosen if r not in held]
    for o in found:
        r = o.rule
        if o.state == "info":
            out.append(Check(f"contraindication {r.id}", "rule", "note", "check before giving", "-", _tagged(r), r.cite))
            continue
        if o.state == UNMET or (r.topic != "age" and not _applies(r, facts)) or (r.topic == "age" and not facts.given("age")):
            continue
        touched.add(r.topic)
        if o.state == UNKNOWN and (r.topic in stopped or r in ceilings or (r.action == "dose" and any(
                h.topic == r.topic and _as_strict(rule_doses(h, drug), rule_doses(r, drug)) for h in held))):
            continue  # moot: a stop or an at-least-as-strict dose holds, or said below as the ceiling
        shown = facts.describe(r.topic) if r.topic != "contraindication" else facts.describe_all()
        name = f"{r.topic} rule {r.id}"
        if o.state == MET:
            result, why = _met(r)
            out.append(Check(name, "rule", result, shown, _what(r), why, r.cite))
            if r.action == "dose" and per == "administration":
                out += _interval(r, drug)
        elif o.needs == ("combination",):
            out.append(Check(name, "rule", "warning", shown, _what(r),
                             f"if {drug.name.lower()} is given {'with other drugs' if r.combination else 'alone'}: "
                             f"{_tagged(r)}", r.cite))
        elif r.action in STOP or r.action == "dose":
            out.append(Check(name, "rule", "warning", shown, _what(r),
                             f"not verified: needs {o.needs_text} to apply this rule: {_tagged(r)}", r.cite))
        else:
            out.append(Check(name, "rule", "note", shown, _what(r), f"may apply; needs {o.needs_text}: {_tagged(r)}", r.cite))
    for r in ceilings:
        touched.add(r.topic)
        out.append(Check(f"{r.topic} rule {r.id}", "rule", "warning", facts.describe(r.topic), _what(r),
                         f"not verified: this patient is at least as impaired as this rule is written for (a value beyond its "
                         f"band, or one not given), so its dose is the ceiling (lmsrx's reading): {_tagged(r)}", r.cite))
    for topic in ("hepatic", "renal"):
        # described, and no rule of the drug holds for it or waits on a measure: what the label says of this
        # patient was not seen, so the usual doses are compared with, not verified
        if facts.impaired(topic) and topic not in touched:
            out.append(Check(f"{topic} function", "rule", "warning", facts.describe(topic), "none on record",
                             f"not verified: no {topic} rule of {drug.name} on record covers this; compared with the usual doses"))
    for topic in ("hepatic", "renal", "age"):
        rules = [r for r in kb.rules_for(drug.id, topic) if r.action not in ("no-adjustment",)]
        if rules and not facts.given(topic):
            out.append(Check(f"{topic} rules", "rule", "note", "not given", f"{len(rules)} on record",
                             f"{'age' if topic == 'age' else topic + ' function'} not given: {drug.name} has {len(rules)} {topic} "
                             f"rule{'s' if len(rules) > 1 else ''} on record (see lmsrx drug {drug.id}); give {TOPIC_FLAGS[topic]} "
                             "to apply them"))
    return out


def _interval(rule: Rule, drug: Any) -> list[Any]:
    """A dose rule whose dose comes less often than once a day (letrozole every other day): a per-administration
    check cannot see the interval, so say it."""
    from lmsrx.checks import EPS, Check

    out = []
    for d in rule_doses(rule, drug):
        if d.amount is not None and d.per_day is not None and d.per_day.base() < d.amount.base() * (d.times or 1) * (1 - EPS):
            out.append(Check(f"{rule.topic} rule {rule.id}", "rule", "warning", "per administration", str(d.per_day) + " a day",
                             f"not verified: this dose comes less often than daily ({d.schedule}); check the interval, or "
                             "check the day's total with --per day", rule.cite))
    return out


def _tagged(r: Rule) -> str:
    tags = [{"non-us-label": "non-US label", "publication": "a publication", "guidance": "guidance",
             "institution": "institution rule"}.get(r.status, "")] + (["newer than the source"] if r.newer_than_source else [])
    tags = [t for t in tags if t]
    return sentence(r) + (f" ({', '.join(tags)})" if tags else "")


def _what(r: Rule) -> str:
    if r.action == "dose":
        if r.percent is not None:
            return f"{fmt(r.percent)}% of the usual dose"
        return " or ".join(d.schedule for d in r.doses)
    return ACTION_TEXT[r.action]


def _met(r: Rule) -> tuple[str, str]:
    """The result of a rule that holds, and why."""
    if r.action in STOP:
        return "exceeds", _tagged(r)
    if r.action in WARN:
        return "warning", ("not verified: " if r.action == "no-data" else "") + _tagged(r)
    if r.action == "dose":
        return "note", f"the planned dose is compared with this rule's dose (below): {_tagged(r)}"
    if r.seen_once:  # 'no adjustment' seen once may not make the check milder
        return "warning", f"not verified: {_tagged(r)}"
    return "ok", _tagged(r)


# ------------------------------------------------------------------ options
def option_findings(kb: Any, drug_ids: tuple[str, ...], facts: Facts) -> tuple[list[tuple[str, str, str, str | None]], list[str]]:
    """What the label rules of a regimen's drugs say for this patient: verdicts ``(state, why, detail, needs)``
    (a stop rule that holds excludes; one the facts cannot decide makes the option conditional) and caution
    lines. Organ-function rules are applied when the patient's organ function is described; age rules when the age
    is given (with no age, a rule that would exclude is said as a caution); informational contraindications are
    left to ``lmsrx drug``."""
    verdicts: list[tuple[str, str, str, str | None]] = []
    notes: list[str] = []
    supportive = {d for d in drug_ids if kb.drugs[d].lms_status == "supportive"}
    combined = len(set(drug_ids) - supportive) > 1
    for d in drug_ids:
        name = kb.drugs[d].name
        found = outcomes(kb, d, facts, combined=combined)
        touched = set()
        for o in found:
            r = o.rule
            if o.state in ("info", UNMET) or not _applies(r, facts):
                continue
            touched.add(r.topic)
            told = facts.describe(r.topic) if r.topic != "contraindication" else facts.describe_all()
            if o.state == MET:
                if r.action in STOP:
                    verdicts.append((UNMET, f"{name}: {sentence(r)}", told, None))
                elif r.action == "dose":
                    notes.append(f"{told}: {name}: the dose on record for this is {_what(r)} ({sentence(r)})")
                elif r.action in WARN or r.seen_once:
                    notes.append(f"{told}: {name}: {sentence(r)}")
            elif r.topic == "age":
                if r.action in STOP:  # a rule that would exclude: said; one that would only caution waits for the age
                    notes.append(f"age not given: {name}: {sentence(r)}")
            elif r.action in STOP:
                verdicts.append((UNKNOWN, f"{name}: {sentence(r)}", told, f"{o.needs_text} (for {name}'s {r.topic} rule)"))
            elif r.action == "dose":
                notes.append(f"{told}: {name}: needs {o.needs_text} to choose the dose on record: {sentence(r)}")
            elif r.action != "no-adjustment":
                notes.append(f"{told}: {name}: may apply (needs {o.needs_text}): {sentence(r)}")
        for r, _ in adjusted(kb, kb.drugs[d], facts, combined):
            if outcome(r, facts, combined).state != MET:
                touched.add(r.topic)
                notes.append(f"{facts.describe(r.topic)}: {name}: at least as impaired as {_what(r)} is written for; that "
                             f"dose is the ceiling (lmsrx's reading, not verified): {sentence(r)}")
        for topic in ("hepatic", "renal"):
            if facts.impaired(topic) and topic not in touched:
                notes.append(f"{facts.describe(topic)}: {name}: no {topic} rule on record covers this (not verified)")
    return verdicts, list(dict.fromkeys(notes))


def _applies(rule: Rule, facts: Facts) -> bool:
    """Whether a rule is applied to this patient at all: organ-function rules when that organ's function is described
    (a contraindication by the organs its measures name), age and condition rules always."""
    if rule.topic in ("hepatic", "renal"):
        return facts.given(rule.topic)
    organs = {("hepatic" if f.name in HEPATIC_MEASURES else "renal" if f.name in RENAL_MEASURES else "other")
              for c in rule.when for f in fields(c) if getattr(c, f.name)}
    return "other" in organs or any(facts.given(o) for o in organs)


def reaches(kb: Any, drug_ids: tuple[str, ...]) -> bool:
    """Whether any rule that patient facts decide reaches these drugs (else the facts are not read at all)."""
    return kb.memo(("rules-reach", drug_ids), lambda: any(r.when for d in drug_ids for r in kb.rules_for(d)))
