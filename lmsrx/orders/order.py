"""A whole cycle's order, verified line by line, day by day, per cycle and against its regimen. Pure.

An order is a mapping (README, "lmsrx order")::

    id: bed-12 C3
    patient: {height_cm: 168, weight_kg: 71}      # or bsa_m2; optional formula, hepatic, cardiac_radiation
    regimen: gemcitabine-docetaxel                # optional: checks bound to its schedule
    variant: hensley                              # optional: one of the regimen's schedules
    cycle: 3                                      # optional
    cycle_days: 21                                # optional
    cumulative: {doxorubicin: 225 mg/m2}          # prior lifetime exposure; optional
    lines:
      - {drug: gemcitabine, dose: 900 mg/m2, days: [1, 8], over_min: 90}

Each line's ``dose`` is one administration; ``times`` the administrations a day
(default 1). Every problem in the document names its line."""
from __future__ import annotations

from typing import Any

from lmsrx import vocab
from lmsrx.clinical import facts as facts_mod
from lmsrx.dosing import body as body_mod
from lmsrx.dosing import exposure
from lmsrx.dosing.body import Body, parse_dose
from lmsrx.dosing.checks import Check, worst
from lmsrx.dosing.regimen import variant_of
from lmsrx.errors import UsageError
from lmsrx.records import field, record
from lmsrx.text import check_id
from lmsrx.units import Quantity

ORDER_KEYS = ("id", "patient", "regimen", "variant", "cycle", "cycle_days", "cumulative", "lines")


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
    variant: Any = None  # one of the regimen's schedules, when the order names it

    def inputs(self) -> dict[str, Any]:
        return {"id": self.id, "patient": self.body.inputs(), "regimen": self.regimen.id if self.regimen else None,
                "variant": self.variant.id if self.variant else None, "cycle": self.cycle, "cycle_days": self.cycle_days,
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
        return body_mod.bounded(value, name, flag, unit)
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
    body = _read_patient(raw.get("patient"), raw, w)
    regimen = None
    if raw.get("regimen") is not None:
        if not isinstance(raw["regimen"], str):
            raise w.fail(raw, "regimen", "regimen must be a regimen id or name")
        regimen = _regimen(kb, raw["regimen"], raw, w)
    variant = None
    if raw.get("variant") is not None:
        if regimen is None or not isinstance(raw["variant"], str):
            raise w.fail(raw, "variant", "variant names one of the schedules of the order's regimen (give 'regimen' too)")
        try:
            variant = variant_of(regimen, raw["variant"])
        except UsageError as exc:
            raise w.fail(raw, "variant", exc.message) from None
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
    return Order(oid, body, parsed, regimen, cycle, cycle_days, cumulative, variant)


def _read_patient(node: Any, parent: Any, w: _Where) -> Body:
    if node is None:
        raise w.fail(parent, None, "an order needs 'patient' (height_cm and weight_kg, or bsa_m2)")
    _keys(node, PATIENT_KEYS, "patient", w)

    age = _int(node, "age", 0, 120, w, "age") if node.get("age") is not None else None
    names = {k: k for k in facts_mod.KEYS}
    conditions = node.get("conditions") or []
    if isinstance(conditions, str):
        conditions = [conditions]
    if not isinstance(conditions, list) or any(c not in vocab.CONDITIONS for c in conditions):
        raise w.fail(node, "conditions", f"conditions is a list of: {', '.join(vocab.CONDITIONS)}")
    try:
        facts = facts_mod.read({k: node.get(k) for k in facts_mod.KEYS}, age=age, names=names,
                                conditions=vocab.conditions(conditions))
    except UsageError as exc:
        key = next((k for k in facts_mod.KEYS if exc.message.startswith(k)), None)
        raise w.fail(node, key, exc.message) from None
    cardiac = node.get("cardiac_radiation")
    if cardiac is not None and not isinstance(cardiac, bool):
        raise w.fail(node, "cardiac_radiation", "cardiac_radiation must be true or false")
    formula = node.get("formula")
    if formula is not None and formula not in vocab.FORMULAS:
        raise w.fail(node, "formula", f"formula must be one of {', '.join(vocab.FORMULAS)}")
    bsa = _num(node, "bsa_m2", "bsa", "bsa_m2", "m2", w)
    height = _num(node, "height_cm", "height", "height_cm", "cm", w)
    weight = _num(node, "weight_kg", "weight", "weight_kg", "kg", w)
    try:
        return body_mod.make_body(bsa, height, weight, formula, cardiac_risk=cardiac, facts=facts)
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
    if route is not None and (not isinstance(route, str) or route.strip().lower() not in vocab.ROUTES):
        raise w.fail(node, "route", f"{what}: route must be one of {', '.join(vocab.ROUTES)}")
    return Line(i + 1, drug, dose, tuple(sorted(days)), times, over, route.strip().lower() if route else None)
