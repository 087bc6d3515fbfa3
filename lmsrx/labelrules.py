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
        """Impairment described (anything but a plain 'normal'): a rule of the drug should then cover it."""
        if topic == "hepatic":
            return self.given("hepatic") and not (self.hepatic == "normal" and all(
                getattr(self, m) is None for m in HEPATIC_MEASURES[1:]) and "hepatic" not in self.conditions)
        if topic == "renal":
            return self.given("renal")
        return False

    def describe(self, topic: str) -> str:
        """The facts of one topic, as given: ``bilirubin 2.1 mg/dL, Child-Pugh B``."""
        names = {"hepatic": HEPATIC_MEASURES, "renal": RENAL_MEASURES, "age": ("age_years",)}.get(topic, ())
        parts = [_show(m, getattr(self, m)) for m in names if getattr(self, m) is not None]
        if topic in ("hepatic", "renal") and topic in self.conditions:
            parts.append(f"{topic} condition")
        return ", ".join(parts) or "not given"

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
_ULN = re.compile(_NUMBER + r"\s*(?:x|×|\*)?\s*uln", re.IGNORECASE)
_MG_DL = re.compile(_NUMBER + r"\s*mg\s*/\s*dl", re.IGNORECASE)
_UMOL = re.compile(_NUMBER + r"\s*(?:umol|µmol|μmol|micromol(?:es)?)\s*/\s*l", re.IGNORECASE)
_ML_MIN = re.compile(_NUMBER + r"\s*(?:ml\s*/\s*min)?", re.IGNORECASE)
_PLAIN = re.compile(_NUMBER)


def _number(value: Any, key: str, what: str) -> float:
    """A finite number inside the measure's bounds, from a JSON/YAML number or the text of one."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise UsageError(f"{key}: {what}; got {_repr(value)}")
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
        raise UsageError(f"{key} must be above 0 and at most {fmt(hi)}; got {fmt(x) if math.isfinite(x) else x}")
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
        text = item.strip() if isinstance(item, str) else None
        if text is not None and (m := _ULN.fullmatch(text)):
            if uln is not None:
                raise UsageError(f"{key}: bilirubin x ULN given twice")
            uln = _bounded(float(m.group(1)), "bilirubin_uln", key)
            continue
        if text is not None and (m := _UMOL.fullmatch(text)):
            x = float(m.group(1)) / UMOL_PER_MG_DL["bilirubin"]
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
    if isinstance(value, str) and (m := _ULN.fullmatch(value.strip())):
        return _bounded(float(m.group(1)), measure, key)
    return _bounded(_number(value, key, f"{SHORT[measure]} as a multiple of the upper limit of normal ('2.5' or '2.5 x ULN')"),
                    measure, key)


def read_crcl(value: Any, key: str = "--crcl") -> float:
    if isinstance(value, str) and (m := _ML_MIN.fullmatch(value.strip())):
        return _bounded(float(m.group(1)), "crcl_ml_min", key)
    return _bounded(_number(value, key, "creatinine clearance in mL/min ('45' or '45 mL/min')"), "crcl_ml_min", key)


def read_creatinine(value: Any, key: str = "--creatinine") -> float:
    text = value.strip() if isinstance(value, str) else None
    if text is not None and (m := _UMOL.fullmatch(text)):
        return _bounded(float(m.group(1)) / UMOL_PER_MG_DL["creatinine"], "creatinine_mg_dl", key)
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
    return Facts(
        hepatic=hepatic, child_pugh=opt("child_pugh", read_child_pugh), bilirubin_mg_dl=mg, bilirubin_uln=uln,
        ast_uln=opt("ast", read_uln, "ast_uln"), alt_uln=opt("alt", read_uln, "alt_uln"), alp_uln=opt("alp", read_uln, "alp_uln"),
        crcl_ml_min=opt("crcl", read_crcl), creatinine_mg_dl=opt("creatinine", read_creatinine),
        age_years=age, conditions=frozenset(conditions))


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


def outcome(rule: Rule, facts: Facts) -> Outcome:
    """One rule for one patient."""
    if not rule.when:
        return Outcome(rule, "info")
    results = [holds(c, facts) for c in rule.when]
    if any(state == MET for state, _ in results):
        return Outcome(rule, MET)
    if rule.topic == "hepatic" and facts.hepatic is not None and (
            facts.hepatic == "normal" or any(c.hepatic for c in rule.when)):
        return Outcome(rule, UNMET)  # the label's category, as the user gave it, answers the rule
    if facts.hepatic is None and any(state == UNMET for state, _ in results):
        # the label's category is its own summary of the measures: once a measure the rule names decides an
        # alternative, an alternative that only names the category is not asked for
        results = [(state, ms) for (state, ms), c in zip(results, rule.when) if not (state == UNKNOWN and ms == ["hepatic"])]
    if all(state == UNMET for state, _ in results):
        return Outcome(rule, UNMET)
    needs = tuple(dict.fromkeys(m for state, ms in results if state == UNKNOWN for m in ms))
    return Outcome(rule, UNKNOWN, needs)


def outcomes(kb: Any, drug_id: str, facts: Facts, topics: tuple[str, ...] = ("hepatic", "renal", "age", "contraindication")
             ) -> list[Outcome]:
    """Every rule of these topics that reaches the drug, for this patient."""
    return [outcome(r, facts) for r in kb.rules_for(drug_id) if r.topic in topics]


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


def _ceiling(doses: tuple[Any, ...]) -> float:
    """A comparable size of a set of doses: the largest per administration (else per day, else per cycle)."""
    for name in ("amount", "per_day", "per_cycle"):
        found = [getattr(d, name).base() for d in doses if getattr(d, name) is not None]
        if found:
            return max(found)
    return math.inf


ORDER = {"hepatic": ("normal", "mild", "moderate", "severe"), "child_pugh": CHILD_PUGH}


def _worse(rule: Rule, facts: Facts) -> bool:
    """Whether the patient's hepatic category or Child-Pugh class is worse than every one a dose rule is written
    for (a worse impairment is at least as strict: that rule's dose is then a ceiling, lmsrx's reading)."""
    for measure, order in ORDER.items():
        value = getattr(facts, measure)
        named = [v for c in rule.when for v in getattr(c, measure)]
        if value is not None and named and order.index(value) > max(order.index(v) for v in named):
            return True
    return False


def adjusted(kb: Any, drug: Any, facts: Facts) -> tuple[Any, Rule | None]:
    """The drug as a dose check should see it for this patient: where a ``dose`` rule holds (hepatic or renal),
    a copy whose doses are the rule's (the strictest such rule, when several hold); where none holds but the
    patient's impairment is worse than one a dose rule is written for, that rule's doses (a ceiling); else the
    drug itself."""
    from lmsrx.records import replace

    found = [o for o in outcomes(kb, drug.id, facts, ("hepatic", "renal")) if o.rule.action == "dose"]
    met = [o.rule for o in found if o.state == MET] or [o.rule for o in found if o.state != MET and _worse(o.rule, facts)]
    if not met:
        return drug, None
    rule, doses = min(((r, rule_doses(r, drug)) for r in met), key=lambda item: _ceiling(item[1]))
    return replace(drug, doses=doses), rule


def dose_checks(kb: Any, drug: Any, facts: Facts, chosen: Rule | None) -> list[Any]:
    """What the label rules say of this drug for this patient, as dose-check rows (``chosen``: the dose rule
    whose doses the check compares with)."""
    from lmsrx.checks import Check

    out: list[Check] = []
    found = outcomes(kb, drug.id, facts)
    decided: set[str] = set()
    stopped = {o.rule.topic for o in found if o.state == MET and o.rule.action in STOP}
    dosed = {o.rule.topic: _ceiling(rule_doses(o.rule, drug)) for o in found if o.state == MET and o.rule.action == "dose"}
    for o in found:
        r = o.rule
        if o.state == UNKNOWN and r.topic in stopped:
            continue  # a rule of this topic already says do not give: the undecided ones are moot
        if o.state == UNKNOWN and r.action == "dose" and r.topic in dosed and _ceiling(rule_doses(r, drug)) >= dosed[r.topic]:
            continue  # a dose rule that holds is at least as strict as this undecided one
        if o.state == "info":
            out.append(Check(f"contraindication {r.id}", "rule", "note", "check before giving", "-", _tagged(r), r.cite))
            continue
        if not facts.given(r.topic) and r.topic != "contraindication":
            continue
        shown = facts.describe(r.topic) if r.topic != "contraindication" else ", ".join(sorted(facts.conditions))
        name = f"{r.topic} rule {r.id}"
        if o.state == MET:
            decided.add(r.topic)
            result, why = _met(r, chosen)
            out.append(Check(name, "rule", result, shown, _what(r), why, r.cite))
        elif o.state == UNKNOWN and (r.action in STOP or r.action == "dose"):
            decided.add(r.topic)
            out.append(Check(name, "rule", "warning", shown, _what(r),
                             f"not verified: needs {o.needs_text} to apply this rule: {_tagged(r)}", r.cite))
        elif o.state == UNKNOWN:
            out.append(Check(name, "rule", "note", shown, _what(r), f"may apply; needs {o.needs_text}: {_tagged(r)}", r.cite))
    if chosen is not None and outcome(chosen, facts).state != MET:
        decided.add(chosen.topic)
        out.append(Check(f"{chosen.topic} rule {chosen.id}", "rule", "warning", facts.describe(chosen.topic), _what(chosen),
                         f"not verified: no dose for {facts.describe(chosen.topic)} is on record; a worse impairment is at "
                         f"least as strict, so this rule's dose is the ceiling (lmsrx's reading): {_tagged(chosen)}", chosen.cite))
    for topic in ("hepatic", "renal"):
        # described, and no rule of the drug holds for it (nor waits for a measure): what the label says of this
        # patient was not seen, so the usual doses are compared with, not verified
        if facts.impaired(topic) and topic not in decided:
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


def _met(r: Rule, chosen: Rule | None) -> tuple[str, str]:
    """The result of a rule that holds, and why."""
    if r.action in STOP:
        return "exceeds", _tagged(r)
    if r.action in WARN:
        return "warning", ("not verified: " if r.action == "no-data" else "") + _tagged(r)
    if r.action == "dose":
        if r is chosen:
            return "note", f"the planned dose is compared with this rule's dose (below): {_tagged(r)}"
        return "note", f"a stricter dose rule holds too; compared with that one: {_tagged(r)}"
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
    for d in drug_ids:
        name = kb.drugs[d].name
        for o in outcomes(kb, d, facts):
            r = o.rule
            if o.state in ("info", UNMET) or (r.topic in ("hepatic", "renal") and not facts.given(r.topic)):
                continue
            if r.topic == "contraindication" and o.state != MET:
                continue
            told = facts.describe(r.topic) if r.topic != "contraindication" else ", ".join(sorted(facts.conditions))
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
    return verdicts, list(dict.fromkeys(notes))


def reaches(kb: Any, drug_ids: tuple[str, ...]) -> bool:
    """Whether any rule that patient facts decide reaches these drugs (else the facts are not read at all)."""
    return kb.memo(("rules-reach", drug_ids), lambda: any(r.when for d in drug_ids for r in kb.rules_for(d)))
