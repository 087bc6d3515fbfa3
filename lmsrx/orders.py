"""A whole cycle's order, verified line by line, day by day, per cycle and against its regimen. Pure.

An order is a mapping (README, "lmsrx order")::

    id: bed-12 C3
    patient: {height_cm: 168, weight_kg: 71}      # or bsa_m2; optional formula, hepatic, cardiac_radiation
    regimen: gemcitabine-docetaxel                # optional
    cycle: 3                                      # optional
    cycle_days: 21                                # optional
    cumulative: {doxorubicin: 225 mg/m2}          # prior lifetime exposure; optional
    lines:
      - {drug: gemcitabine, dose: 900 mg/m2, days: [1, 8], over_min: 90}

Each line's ``dose`` is one administration; ``times`` the administrations a day
(default 1). Every problem in the document names its line.
"""
from __future__ import annotations

import re
from lmsrx.records import field, record
from typing import Any

from lmsrx import dosing, exposure, infusion, labelrules
from lmsrx.dosing import Body, Check, compare, forms, on_record, parse_dose, worst
from lmsrx import vocab
from lmsrx.errors import UsageError
from lmsrx.text import check_id
from lmsrx.units import Quantity, fmt

ORDER_KEYS = ("id", "patient", "regimen", "cycle", "cycle_days", "cumulative", "lines")
PATIENT_KEYS = ("height_cm", "weight_kg", "bsa_m2", "formula", "age", "hepatic", "child_pugh", "bilirubin", "ast", "alt", "alp",
                "crcl", "creatinine", "conditions", "cardiac_radiation")
LINE_KEYS = ("drug", "dose", "days", "times", "over_min", "route")
MAX_LINES = 50


@record(frozen=True)
class Line:
    number: int  # 1-based position in the order
    drug: Any
    dose: Quantity
    days: tuple[int, ...]
    times: int = 1
    over_min: float | None = None
    route: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"drug": self.drug.id, "dose": str(self.dose), "days": list(self.days), "times": self.times,
                "over_min": self.over_min, "route": self.route}


@record(frozen=True)
class Order:
    id: str | None
    body: Body
    lines: tuple[Line, ...]
    regimen: Any = None
    cycle: int | None = None
    cycle_days: int | None = None
    cumulative: tuple[str, ...] | None = None

    def inputs(self) -> dict[str, Any]:
        return {"id": self.id, "patient": self.body.inputs(), "regimen": self.regimen.id if self.regimen else None,
                "cycle": self.cycle, "cycle_days": self.cycle_days,
                "cumulative": dict(i.split("=", 1) for i in self.cumulative) if self.cumulative is not None else None,
                "lines": [ln.as_dict() for ln in self.lines]}


@record(frozen=True)
class Row:
    where: str  # "line 2", "day 1", "cycle", "regimen", "cumulative"
    drug: str | None
    check: Check


@record
class Sheet:
    order: Order
    rows: list[Row] = field(default_factory=list)
    cumulative: dict[str, Any] | None = None

    @property
    def verdict(self) -> str:
        return worst([r.check for r in self.rows])


# ------------------------------------------------------------------ reading an order
class _Where:
    """Line numbers of a parsed document (YAML gives them; JSON does not)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def of(self, node: Any, key: Any = None) -> str:
        line = None
        if key is not None and hasattr(node, "key_lines"):
            line = node.key_lines.get(key)
        elif key is not None and hasattr(node, "item_lines") and isinstance(key, int) and key < len(node.item_lines):
            line = node.item_lines[key]
        elif hasattr(node, "line"):
            line = node.line
        return f"{self.name}:{line}" if line else self.name

    def fail(self, node: Any, key: Any, message: str) -> UsageError:
        return UsageError(f"{self.of(node, key)}: {message}")


def _keys(node: Any, allowed: tuple[str, ...], what: str, w: _Where) -> None:
    if not isinstance(node, dict):
        raise w.fail(node, None, f"{what} must be a mapping of keys to values")
    for k in node:
        if k not in allowed:
            tip = vocab.did_you_mean(k, allowed, n=1, quote=True)
            raise w.fail(node, k, f"unknown key {str(k)[:60]!r} in {what}{tip}; valid keys: {', '.join(allowed)}")


def _int(node: Any, key: Any, lo: int, hi: int, w: _Where, what: str) -> int:
    value = node[key]
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise w.fail(node, key, f"{what} must be a whole number from {lo} to {hi}; got {_show(value)}")
    return value


def _num(node: Any, key: str, name: str, flag: str, unit: str, w: _Where) -> float | None:
    value = node.get(key)
    if value is None:
        return None
    try:
        return dosing.bounded(value, name, flag, unit)
    except UsageError as exc:
        raise w.fail(node, key, exc.message) from None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def from_mapping(raw: Any, kb: Any, name: str = "order") -> Order:
    w = _Where(name)
    _keys(raw, ORDER_KEYS, "the order", w)
    try:
        oid = check_id(raw.get("id"))  # the one id policy (lmsrx.text)
    except UsageError as exc:
        raise w.fail(raw, "id", exc.message) from None
    body = _patient(raw.get("patient"), raw, w)
    regimen = None
    if raw.get("regimen") is not None:
        if not isinstance(raw["regimen"], str):
            raise w.fail(raw, "regimen", "regimen must be a regimen id or name")
        regimen = _regimen(kb, raw["regimen"], raw, w)
    cycle = _int(raw, "cycle", 1, 200, w, "cycle") if raw.get("cycle") is not None else None
    cycle_days = _int(raw, "cycle_days", 1, 366, w, "cycle_days") if raw.get("cycle_days") is not None else None
    cumulative = _cumulative(raw.get("cumulative"), raw, kb, w)
    lines = raw.get("lines")
    if not isinstance(lines, list) or not lines:
        raise w.fail(raw, "lines" if "lines" in raw else None, "an order needs 'lines': a list of {drug, dose, days}")
    if len(lines) > MAX_LINES:
        raise w.fail(raw, "lines", f"{len(lines)} lines; the limit is {MAX_LINES}")
    parsed = tuple(_line(kb, lines, i, body, w) for i in range(len(lines)))
    for ln in parsed:
        if cycle_days is not None and ln.days[-1] > cycle_days:
            raise w.fail(lines, ln.number - 1, f"line {ln.number}: day {ln.days[-1]} is past the end of a {cycle_days}-day cycle")
    return Order(oid, body, parsed, regimen, cycle, cycle_days, cumulative)


def _patient(node: Any, parent: Any, w: _Where) -> Body:
    if node is None:
        raise w.fail(parent, None, "an order needs 'patient' (height_cm and weight_kg, or bsa_m2)")
    _keys(node, PATIENT_KEYS, "patient", w)
    from lmsrx import labelrules

    age = _int(node, "age", 0, 120, w, "age") if node.get("age") is not None else None
    names = {k: k for k in labelrules.KEYS}
    conditions = node.get("conditions") or []
    if isinstance(conditions, str):
        conditions = [conditions]
    if not isinstance(conditions, list) or any(c not in vocab.CONDITIONS for c in conditions):
        raise w.fail(node, "conditions", f"conditions is a list of: {', '.join(vocab.CONDITIONS)}")
    try:
        facts = labelrules.read({k: node.get(k) for k in labelrules.KEYS}, age=age, names=names,
                                conditions=vocab.conditions(conditions))
    except UsageError as exc:
        key = next((k for k in labelrules.KEYS if exc.message.startswith(k)), None)
        raise w.fail(node, key, exc.message) from None
    cardiac = node.get("cardiac_radiation")
    if cardiac is not None and not isinstance(cardiac, bool):
        raise w.fail(node, "cardiac_radiation", "cardiac_radiation must be true or false")
    formula = node.get("formula")
    if formula is not None and formula not in dosing.FORMULAS:
        raise w.fail(node, "formula", f"formula must be one of {', '.join(dosing.FORMULAS)}")
    bsa = _num(node, "bsa_m2", "bsa", "bsa_m2", "m2", w)
    height = _num(node, "height_cm", "height", "height_cm", "cm", w)
    weight = _num(node, "weight_kg", "weight", "weight_kg", "kg", w)
    try:
        return dosing.make_body(bsa, height, weight, formula, cardiac_risk=cardiac, facts=facts)
    except UsageError as exc:
        raise w.fail(node, None, exc.message.replace("--bsa", "bsa_m2").replace("--height", "height_cm")
                     .replace("--weight", "weight_kg").replace("--formula", "formula")) from None


def _regimen(kb: Any, text: str, node: Any, w: _Where) -> Any:
    key = text.strip().casefold()
    for reg in kb.regimens.values():
        if key in (reg.id, reg.name.casefold()):
            return reg
    tip = vocab.did_you_mean(key, sorted(kb.regimens))
    raise w.fail(node, "regimen", f"unknown regimen {text[:60]!r}{tip}")


def _cumulative(value: Any, node: Any, kb: Any, w: _Where) -> tuple[str, ...] | None:
    if value is None:
        return None
    if (type(value) is int and value == 0) or (isinstance(value, str) and value.strip().lower() in ("0", "none")):
        return ()
    if not isinstance(value, dict) or not value:
        raise w.fail(node, "cumulative", "cumulative is a mapping of agent to lifetime dose, e.g. {doxorubicin: 225 mg/m2}, or 0")
    items = []
    for agent, qty in value.items():
        if isinstance(qty, bool) or not isinstance(qty, (str, int, float)):
            raise w.fail(value, agent, f"cumulative {str(agent)[:40]!r}: write a dose such as '225 mg/m2' or 0")
        items.append(f"{agent}={qty}")
    try:
        exposure.parse(kb, items, None)
    except UsageError as exc:
        raise w.fail(node, "cumulative", exc.message) from None
    return tuple(items)


def _line(kb: Any, lines: list, i: int, body: Body, w: _Where) -> Line:
    node = lines[i]
    what = f"line {i + 1}"
    if not isinstance(node, dict):
        raise w.fail(lines, i, f"{what} must be a mapping such as {{drug: gemcitabine, dose: 900 mg/m2, days: [1, 8]}}")
    _keys(node, LINE_KEYS, what, w)
    for key in ("drug", "dose", "days"):
        if node.get(key) is None:
            raise w.fail(node, None, f"{what} has no {key!r}")
    if not isinstance(node["drug"], str):
        raise w.fail(node, "drug", f"{what}: drug must be a name")
    drug = kb.find_drug(node["drug"])
    if drug is None:
        tip = vocab.did_you_mean(node["drug"], kb.drug_names())
        raise w.fail(node, "drug", f"{what}: unknown drug {node['drug'][:60]!r}{tip}")
    try:
        dose = parse_dose(node["dose"], f"{what} dose")
    except UsageError as exc:
        raise w.fail(node, "dose", exc.message) from None
    if dose.per == "kg" and body.weight_kg is None:
        raise w.fail(node, "dose", f"{what}: {dose} is per kg; give the patient's weight_kg")
    days = node["days"]
    if isinstance(days, int) and not isinstance(days, bool):
        days = [days]
    if not isinstance(days, list) or not days or any(isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= 366 for d in days):
        raise w.fail(node, "days", f"{what}: days is a list of cycle days from 1 to 366, e.g. [1, 8]")
    if len(set(days)) != len(days):
        raise w.fail(node, "days", f"{what}: a day is listed twice")
    times = _int(node, "times", 1, 24, w, f"{what} times") if node.get("times") is not None else 1
    over = _num(node, "over_min", "over", f"{what} over_min", "min", w)
    route = node.get("route")
    if route is not None and (not isinstance(route, str) or route.strip().lower() not in dosing.ROUTES):
        raise w.fail(node, "route", f"{what}: route must be one of {', '.join(dosing.ROUTES)}")
    return Line(i + 1, drug, dose, tuple(sorted(days)), times, over, route.strip().lower() if route else None)


# ------------------------------------------------------------------ verifying it
def verify(kb: Any, order: Order) -> Sheet:
    sheet = Sheet(order)
    body = order.body
    add = sheet.rows.append
    seen: set[str] = set()
    for ln in order.lines:
        where = f"line {ln.number}"
        route, route_checks = dosing.resolve_route(ln.drug, ln.route)
        if ln.over_min is not None and route == "oral":
            raise UsageError(f"{where}: over_min is an infusion time; {ln.drug.name} is given orally")
        have = forms(ln.dose, body.bsa, body.weight_kg)
        first = ln.drug.id not in seen
        seen.add(ln.drug.id)
        combined = any(x.drug.id != ln.drug.id and x.drug.lms_status != "supportive" for x in order.lines)
        views = labelrules.adjusted(kb, ln.drug, body.facts, combined)
        rules = labelrules.dose_checks(kb, ln.drug, body.facts, [r for r, _ in views], combined) if first else []
        for c in (dosing.status_checks(ln.drug) + rules if first else []) + route_checks:
            add(Row(where, ln.drug.id, c))
        if not _relative(ln.drug):
            for c in dosing.compare_all(ln.drug, views, have, "administration", body, route):
                add(Row(where, ln.drug.id, c))
        timing = infusion.check(ln.drug, have, ln.over_min)[1] if ln.over_min is not None else infusion.time_not_given(ln.drug, route)
        for c in timing:
            add(Row(where, ln.drug.id, c))
    totals = _totals(order)
    for drug_id, by_day in totals.items():
        drug = kb.drugs[drug_id]
        combined = any(d != drug_id and kb.drugs[d].lms_status != "supportive" for d in totals)
        views = labelrules.adjusted(kb, drug, body.facts, combined)
        if _relative(drug):
            continue
        route = next((ln.route for ln in order.lines if ln.drug.id == drug_id and ln.route), None) or dosing._only_route(drug)
        daily_limit = any(lim.scope == "daily" for lim in drug.limits)
        several = {day: q for day, (q, n) in by_day.items() if n > 1 or daily_limit}
        for day, q in sorted(several.items()):
            for c in dosing.compare_all(drug, views, q, "day", body, route):
                add(Row(f"day {day}", drug_id, c))
        if not all(d.daily for d in drug.doses if d.fraction_of is None):
            cycle = _sum([q for q, _ in by_day.values()])
            for c in dosing.compare_all(drug, views, cycle, "cycle", body, route):
                add(Row("cycle", drug_id, c))
            for c in dict.fromkeys(c for seen in [v for _, v in views] or [drug] for c in _intensity(seen, cycle, order, body, route)):
                add(Row("cycle", drug_id, c))
    if order.cycle_days is None and any(d.cycle_days for ln in order.lines for d in ln.drug.doses):
        add(Row("cycle", None, Check("cycle length", "record", "warning", "not given", "cycle_days",
                                     "not verified: without the cycle length (cycle_days) how often the cycle repeats, "
                                     "and so the dose intensity, is not checked")))
    for c in _partners(kb, order, totals):
        add(c)
    for c in _duplication(kb, totals):
        add(c)
    if order.regimen is not None:
        for row in _regimen_checks(kb, order):
            add(row)
    planned = {}
    for drug_id, by_day in totals.items():
        cycle = _sum([q for q, _ in by_day.values()])
        planned[drug_id] = cycle.get("per_m2")
    anthra = {a: q for a, q in planned.items() if exposure.applicable(kb, [a])}
    if anthra:
        items = None if order.cumulative is None else list(order.cumulative)
        sheet.cumulative, checks = exposure.check(kb, anthra, items, body.bsa, body, "cycle")
        for c in checks:
            add(Row("cumulative", None, c))
        agents = (sheet.cumulative or {}).get("agents", {})
        if order.cycle is not None and order.cycle > 1 and (sheet.cumulative or {}).get("prior_given"):
            for a in anthra:
                if agents.get(a, {}).get("prior_mg_per_m2") == 0:
                    name = kb.drugs[a].name
                    add(Row("cumulative", a, Check("cycle and exposure", "context", "warning", f"cycle {order.cycle}",
                                                   f"prior {name}: none",
                                                   f"cycle {order.cycle} of a plan with {name}, yet no prior {name.lower()} "
                                                   "is given: is the cumulative exposure complete?", kb.drugs[a].cite)))
    return sheet


def _intensity(drug: Any, cycle: dict[str, Quantity], order: Order, body: Body, route: str | None) -> list[Check]:
    """Dose intensity: the cycle's total over its length, against the doses on record over theirs (10% rule)."""
    if order.cycle_days is None:
        return []
    rates = []
    for r in dosing.records_for(drug, "cycle", body, route):
        if r.dose.cycle_days:
            rates.append((r.high.base() / r.dose.cycle_days, r))
    if not rates:
        return [Check("dose intensity", "record", "warning", f"{order.cycle_days}-day cycle", "none on record",
                      f"not verified: no cycle length of {drug.name} is on record")]
    out = []
    for fam in sorted({dosing.family(r.high) for _, r in rates}):
        value = cycle.get(fam)
        group = [(x, r) for x, r in rates if dosing.family(r.high) == fam]
        if value is None:
            continue
        top, ref = max(group, key=lambda g: g[0])
        mine = value.base() / order.cycle_days
        unit = {"per_m2": "mg/m2", "absolute": "mg", "per_kg": "mg/kg"}[fam]
        shown = f"{value.to(ref.high.unit)} every {order.cycle_days} days"
        on_record = f"{ref.high} every {ref.dose.cycle_days} days ({fmt(top)} {unit} a day)"
        cites = ref.dose.cite + dosing.ROUNDING_CITE
        if mine > top * (1 + dosing.TOLERANCE + dosing.EPS):
            out.append(Check("dose intensity", "record", "exceeds", shown, on_record,
                             f"{fmt(mine / top)} times the highest dose intensity on record: the cycles come too close "
                             "together for this dose (more than the 10% rounding tolerance)", cites))
        else:
            out.append(Check("dose intensity", "record", "ok", shown, on_record,
                             "no more than the highest dose intensity on record (within 10%)", cites))
    return out


def _duplication(kb: Any, totals: dict) -> list[Row]:
    """Two drugs of one class in one cycle, combined by no regimen on record: therapeutic duplication."""
    rows = []
    by_class: dict[str, list[str]] = {}
    for d in totals:
        for cls in kb.classes_of(d):
            by_class.setdefault(cls, []).append(d)
    shared = {c for d in kb.drugs.values() for lim in d.limits for c in lim.counts if c in kb.classes}
    for cls, drugs in sorted(by_class.items()):
        if len(drugs) < 2:
            continue
        combined = any(set(drugs) <= set(r.drugs) for r in kb.regimens.values())
        names = ", ".join(kb.drugs[d].name for d in sorted(drugs))
        kind = kb.classes[cls].name or cls
        # two members of a class whose doses share a cumulative limit, combined by no regimen: exceeds
        result = "warning" if combined or cls not in shared else "exceeds"
        why = f"{names} are all {kind.lower()}" + (": a regimen on record combines them" if combined
                                                   else ": no regimen on record combines them (therapeutic duplication)")
        if cls in shared and not combined:
            why += "; their doses add up towards one cumulative limit"
        rows.append(Row("cycle", None, Check("same class twice", "record", result, names, "one of " + kind.lower(), why,
                                             tuple(dict.fromkeys(c for d in drugs for c in kb.drugs[d].cite)))))
    return rows


def _relative(drug: Any) -> bool:
    return bool(drug.doses) and all(d.fraction_of is not None for d in drug.doses)


def _totals(order: Order) -> dict[str, dict[int, tuple[dict[str, Quantity], int]]]:
    """Per drug and day: the total in every form, and how many administrations made it."""
    out: dict[str, dict[int, tuple[dict[str, Quantity], int]]] = {}
    body = order.body
    for ln in order.lines:
        have = forms(ln.dose, body.bsa, body.weight_kg)
        for day in ln.days:
            prev, n = out.setdefault(ln.drug.id, {}).get(day, ({}, 0))
            out[ln.drug.id][day] = (_sum([prev, _scale(have, ln.times)]) if n else _scale(have, ln.times), n + ln.times)
    return out


def _scale(have: dict[str, Quantity], k: int) -> dict[str, Quantity]:
    return {f: Quantity(q.value * k, q.unit) for f, q in have.items()}


def _sum(parts: list[dict[str, Quantity]]) -> dict[str, Quantity]:
    """Add doses form by form; a form missing from any part is dropped (cannot be summed)."""
    if not parts:
        return {}
    common = set(parts[0]).intersection(*parts[1:])
    return {f: Quantity(sum(p[f].base() for p in parts), parts[0][f].unit if all(p[f].unit == parts[0][f].unit for p in parts)
                        else {"per_m2": "mg/m2", "per_kg": "mg/kg"}.get(f, "mg")) for f in common}


def _partners(kb: Any, order: Order, totals: dict) -> list[Row]:
    """A drug dosed as a share of another (mesna with ifosfamide): present on every day of its partner, and enough."""
    rows = []
    for helper in kb.drugs.values():
        for rec in (d for d in helper.doses if d.fraction_of is not None):
            partner = rec.fraction_of
            need = rec.percent * (rec.times or 1)  # percent of the partner's day
            cite = rec.cite
            rule = f"{helper.name} with {kb.drugs[partner].name}"
            labelled = (f"the label gives {fmt(rec.percent)}% of the {kb.drugs[partner].name.lower()} dose (w/w)"
                        + (f" {rec.times} times a day, {fmt(need)}% of the day's dose" if (rec.times or 1) > 1 else ""))
            if partner not in totals:
                if helper.id in totals:
                    rows.append(Row("cycle", helper.id, Check(rule, "record", "warning", f"{helper.name} ordered", f"with {partner}",
                                                              f"not verified: {helper.name} is dosed as a share of {partner}, "
                                                              f"which this order does not contain", cite)))
                continue
            for day, (pq, _n) in sorted(totals[partner].items()):
                got = totals.get(helper.id, {}).get(day)
                if got is None:
                    rows.append(Row(f"day {day}", helper.id, Check(rule, "hard", "exceeds", "none",
                                                                   f"{fmt(need)}% of {partner} (w/w)",
                                                                   f"no {helper.name.lower()} on a day of {kb.drugs[partner].name.lower()}: {labelled}",
                                                                   cite)))
                    continue
                fam = next((f for f in ("per_m2", "absolute", "per_kg") if f in got[0] and f in pq), None)
                if fam is None:
                    rows.append(Row(f"day {day}", helper.id, Check(rule, "record", "warning", "not comparable", f"{fmt(need)}%",
                                                                   "not verified: the two doses need the same basis or a BSA", cite)))
                    continue
                share = got[0][fam].base() / pq[fam].base() * 100
                value = f"{fmt(share)}% ({got[0][fam]} for {pq[fam]})"
                if share < need * (1 - dosing.EPS):
                    rows.append(Row(f"day {day}", helper.id, Check(rule, "hard", "exceeds", value, f"at least {fmt(need)}% (w/w)",
                                                                   f"too little {helper.name.lower()}: {labelled}", cite)))
                elif share > need * (1 + dosing.TOLERANCE + dosing.EPS):
                    far = share > need * dosing.RATE_EXCEEDS * (1 + dosing.EPS)
                    rows.append(Row(f"day {day}", helper.id, Check(
                        rule, "record", "exceeds" if far else "warning", value, f"{fmt(need)}% (w/w)",
                        ("more than twice the labelled share: a unit slip? " if far else
                         "more than 10% above the labelled share (no higher dose on record: not verified): ") + labelled,
                        cite + dosing.ROUNDING_CITE)))
                else:
                    rows.append(Row(f"day {day}", helper.id, Check(rule, "record", "ok", value, f"at least {fmt(need)}% (w/w)",
                                                                   f"at least the labelled share: {labelled}", cite)))
    return rows


def _regimen_checks(kb: Any, order: Order) -> list[Row]:
    reg = order.regimen
    rows: list[Row] = []
    if reg.recommendation in ("withdrawn", "not-recommended"):
        rows.append(Row("regimen", None, Check("regimen status", "status", "exceeds" if reg.recommendation == "withdrawn" else "warning",
                                               reg.recommendation, "standard or option", f"{reg.name}: {reg.summary}", reg.cite)))
    ordered = {ln.drug.id for ln in order.lines if ln.drug.lms_status != "supportive"}
    for d in reg.drugs:
        if d not in ordered:
            rows.append(Row("regimen", d, Check("regimen drugs", "record", "warning", "missing", reg.name,
                                                f"{kb.drugs[d].name} is part of {reg.name} but not in this order: left out on purpose?",
                                                reg.cite)))
    for d in sorted(ordered - set(reg.drugs)):
        rows.append(Row("regimen", d, Check("regimen drugs", "record", "warning", kb.drugs[d].name, reg.name,
                                            f"{kb.drugs[d].name} is not part of {reg.name}", reg.cite)))
    schedules = {d: [x for x in kb.drugs[d].doses if reg.id in x.regimens] for d in reg.drugs}
    lengths = sorted({x.cycle_days for xs in schedules.values() for x in xs if x.cycle_days})
    continuous = all(x.daily for xs in schedules.values() for x in xs) and any(schedules.values())
    if order.cycle_days is None or continuous:
        pass  # continuous daily dosing has no cycle; a missing cycle length is reported once, for the order
    elif not lengths:
        rows.append(Row("regimen", None, Check("cycle length", "record", "warning", f"{order.cycle_days} days", "none on record",
                                               f"not verified: no cycle length of {reg.name} is on record", reg.cite)))
    else:
        ok = order.cycle_days in lengths
        rows.append(Row("regimen", None, Check("cycle length", "record", "ok" if ok else "warning", f"{order.cycle_days} days",
                                               ", ".join(f"{n} days" for n in lengths),
                                               "a cycle length on record" if ok else f"not a cycle length of {reg.name} on record",
                                               tuple(dict.fromkeys(c for xs in schedules.values() for x in xs for c in x.cite)))))
    for d, records in schedules.items():
        lines = [ln for ln in order.lines if ln.drug.id == d]
        if not lines:
            continue
        cites = tuple(dict.fromkeys(c for x in records for c in x.cite))
        if not records:
            rows.append(Row("regimen", d, Check("schedule", "record", "warning", _days(lines), "none on record",
                                                f"not verified: no schedule of {kb.drugs[d].name} in {reg.name} is on record", reg.cite)))
            continue
        days = tuple(sorted({day for ln in lines for day in ln.days}))
        known = [x.days for x in records if x.days]
        if all(x.daily for x in records):
            every_day = days == tuple(range(1, len(days) + 1))
            rows.append(Row("regimen", d, Check("schedule", "record", "ok" if every_day else "warning", _days(lines),
                                                "every day (continuous)",
                                                "continuous daily dosing, as on record" if every_day
                                                else "the record gives continuous daily dosing; these days skip some", cites)))
        elif not known:
            rows.append(Row("regimen", d, Check("schedule", "record", "warning", _days(lines), "days not on record",
                                                "not verified: the records give no days", cites)))
        else:
            ok = days in known
            rows.append(Row("regimen", d, Check("schedule", "record", "ok" if ok else "warning", _days(lines),
                                                " or ".join(_days_text(k) for k in dict.fromkeys(known)),
                                                "days on record for this regimen" if ok else f"days differ from every schedule of {reg.name} on record",
                                                cites)))
        amounts = [r for x in records if (r := on_record(x, "administration")) is not None]
        for ln in lines:
            fam = dosing.family(ln.dose)
            same = [r for r in amounts if dosing.family(r.high) == fam]
            if not same:
                continue
            hit = any(r.low.base() * (1 - dosing.TOLERANCE) <= ln.dose.base() <= r.high.base() * (1 + dosing.TOLERANCE) for r in same)
            text = " or ".join(dict.fromkeys(dosing._span(r.low, r.high) for r in same))
            rows.append(Row("regimen", d, Check("regimen dose", "record", "ok" if hit else "warning", str(ln.dose), text,
                                                f"the dose of {reg.name} on record" if hit else
                                                f"not the dose of {reg.name} on record (within 10%)", cites)))
    return rows


def _days(lines: list[Line]) -> str:
    return _days_text(tuple(sorted({d for ln in lines for d in ln.days})))


def _days_text(days: tuple[int, ...]) -> str:
    return ("day " if len(days) == 1 else "days ") + ", ".join(str(d) for d in days)
