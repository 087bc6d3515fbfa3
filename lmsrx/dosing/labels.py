"""The label rules in a dose check: what each rule that reaches the drug says for this patient, as check rows. Pure."""
from __future__ import annotations

from typing import Any

from lmsrx.clinical.facts import Facts
from lmsrx.clinical.labelrules import STOP, WARN, action_text, as_strict, outcomes, rule_applies, rule_doses, sentence
from lmsrx.knowledge.model import Rule
from lmsrx.vocab import MET, UNKNOWN, UNMET

TOPIC_FLAGS = {"hepatic": "the hepatic category, Child-Pugh class, bilirubin, AST, ALT or ALP",
               "renal": "the creatinine clearance or serum creatinine", "age": "the age"}


def dose_checks(kb: Any, drug: Any, facts: Facts, chosen: list[Rule], combined: bool | None = None,
                per: str = "administration") -> list[Any]:
    """What the label rules say of this drug for this patient, as dose-check rows. ``chosen``: the dose rules whose
    doses the check compares with (:func:`adjusted`); ``combined``: whether the drug is given with others (None:
    not known, as for ``lmsrx dose``)."""
    from lmsrx.dosing.checks import Check

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
        if o.state == UNMET or (r.topic != "age" and not rule_applies(r, facts)) or (r.topic == "age" and not facts.given("age")):
            continue
        touched.add(r.topic)
        if o.state == UNKNOWN and (r.topic in stopped or r in ceilings or (r.action == "dose" and any(
                h.topic == r.topic and as_strict(rule_doses(h, drug), rule_doses(r, drug)) for h in held))):
            continue  # moot: a stop or an at-least-as-strict dose holds, or said below as the ceiling
        shown = facts.describe(r.topic) if r.topic != "contraindication" else facts.describe_all()
        name = f"{r.topic} rule {r.id}"
        if o.state == MET:
            result, why = met_result(r)
            out.append(Check(name, "rule", result, shown, action_text(r), why, r.cite))
            if r.action == "dose" and per == "administration":
                out += _interval(r, drug)
        elif o.needs == ("combination",):
            out.append(Check(name, "rule", "warning", shown, action_text(r),
                             f"if {drug.name.lower()} is given {'with other drugs' if r.combination else 'alone'}: "
                             f"{_tagged(r)}", r.cite))
        elif r.action in STOP or r.action == "dose":
            out.append(Check(name, "rule", "warning", shown, action_text(r),
                             f"not verified: needs {o.needs_text} to apply this rule: {_tagged(r)}", r.cite))
        else:
            out.append(Check(name, "rule", "note", shown, action_text(r), f"may apply; needs {o.needs_text}: {_tagged(r)}", r.cite))
    for r in ceilings:
        touched.add(r.topic)
        out.append(Check(f"{r.topic} rule {r.id}", "rule", "warning", facts.describe(r.topic), action_text(r),
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
    from lmsrx.dosing.checks import EPS, Check

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


def met_result(r: Rule) -> tuple[str, str]:
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
