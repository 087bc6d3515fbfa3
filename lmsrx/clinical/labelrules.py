"""Label rules for one patient: organ function, age and contraindications, as the knowledge base states them
(``rules:``, each cited). Pure: no I/O, no Typer, no Rich.

A rule lists alternatives (:class:`lmsrx.model.Condition`); each holds when all its measures hold. A rule is
**met**, **not met** or **unknown** for a patient: a measure the patient's facts do not give (or give only in
other terms, such as bilirubin as a multiple of the upper limit of normal where the label writes mg/dL) leaves
it unknown, and lmsrx says which measure is needed. The label's own category (``--hepatic moderate``) answers
a rule that names categories; ``normal`` answers every hepatic rule (no impairment) unless a measured value
meets it. A rule seen on one page only (``seen_once``) may make a check stricter, never milder."""
from __future__ import annotations

from typing import Any

from lmsrx.clinical.facts import CHILD_PUGH, HEPATIC_MEASURES, MEASURE_TEXT, RENAL_MEASURES, Facts
from lmsrx.knowledge.model import Condition, Rule, span_bounds
from lmsrx.records import fields, record
from lmsrx.units import fmt
from lmsrx.vocab import MET, UNKNOWN, UNMET

STOP = ("contraindicated", "do-not-give")


WARN = ("not-recommended", "caution", "no-data")


MEASURES = tuple(f.name for f in fields(Condition))  # read once: holds() runs for every rule, option and patient


def _in_span(x: float, text: str) -> bool:
    lo, lo_in, hi, hi_in = span_bounds(text)
    if lo is not None and (x < lo or (x == lo and not lo_in)):
        return False
    return not (hi is not None and (x > hi or (x == hi and not hi_in)))


def holds(cond: Condition, facts: Facts) -> tuple[str, list[str]]:
    """One alternative: met, not met or unknown, and the measures it lacks."""
    states, missing = [], []
    for name in MEASURES:
        spec = getattr(cond, name)
        if not spec:
            continue
        if name == "conditions":
            states.append(MET if set(spec) & facts.conditions else UNMET)  # a condition not given is taken as absent
            continue
        value = getattr(facts, name)
        if value is None:
            states.append(UNKNOWN)
            missing.append(name)
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
    return sum(1 for name in MEASURES if name not in ("hepatic", "conditions") and getattr(cond, name)
               and any(getattr(facts, m) is not None for m in ANALYTE.get(name, (name,))))


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


ACTION_TEXT = {"contraindicated": "contraindicated", "do-not-give": "do not give", "not-recommended": "not recommended",
               "caution": "caution", "no-data": "no data", "no-adjustment": "usual dose", "ratio": "ratio"}


def action_text(r: Rule) -> str:
    if r.action == "dose":
        if r.percent is not None:
            return f"{fmt(r.percent)}% of the usual dose"
        return " or ".join(d.schedule for d in r.doses)
    return ACTION_TEXT[r.action]


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


def as_strict(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
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


def option_findings(kb: Any, drug_ids: tuple[str, ...], facts: Facts) -> tuple[list[tuple[str, str, str, str | None]], list[str]]:
    """What the label rules of a regimen's drugs say for this patient: verdicts ``(state, why, detail, needs)``
    (a stop rule that holds excludes; one the facts cannot decide makes the option conditional) and caution
    lines. Organ-function rules are applied when the patient's organ function is described; age rules when the age
    is given (with no age, a rule that would exclude is said as a caution); informational contraindications are
    left to ``lmsrx drug``. A pure function of the drugs and the facts: kept for the patients of a batch who share
    them (bounded), since cohorts repeat ages and conditions far more than whole patients."""
    seen = kb.memo("option-findings", dict) if hasattr(kb, "memo") else {}
    key = (drug_ids, facts)
    found = seen.get(key)
    if found is None:
        if len(seen) >= FINDINGS_LIMIT:
            seen.clear()
        found = seen[key] = _option_findings(kb, drug_ids, facts)
    return found


FINDINGS_LIMIT = 20_000


def _option_findings(kb: Any, drug_ids: tuple[str, ...], facts: Facts) -> tuple[list[tuple[str, str, str, str | None]], list[str]]:
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
            if o.state in ("info", UNMET) or not rule_applies(r, facts):
                continue
            touched.add(r.topic)
            told = facts.describe(r.topic) if r.topic != "contraindication" else facts.describe_all()
            if o.state == MET:
                if r.action in STOP:
                    verdicts.append((UNMET, f"{name}: {sentence(r)}", told, None))
                elif r.action == "dose":
                    notes.append(f"{told}: {name}: the dose on record for this is {action_text(r)} ({sentence(r)})")
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
                notes.append(f"{facts.describe(r.topic)}: {name}: at least as impaired as {action_text(r)} is written for; that "
                             f"dose is the ceiling (lmsrx's reading, not verified): {sentence(r)}")
        for topic in ("hepatic", "renal"):
            if facts.impaired(topic) and topic not in touched:
                notes.append(f"{facts.describe(topic)}: {name}: no {topic} rule on record covers this (not verified)")
    return verdicts, list(dict.fromkeys(notes))


def rule_applies(rule: Rule, facts: Facts) -> bool:
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
