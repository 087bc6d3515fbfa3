"""Body surface area and planned-dose checks against the doses on record. Pure: no I/O, no Typer, no Rich.

The rule (README, "The dose rule"; HOPA dose-rounding statement, ``hopa-dose-rounding-2018``):

1. a withdrawn drug ``exceeds`` whatever the dose; a drug marked not recommended warns;
2. a limit written in a source wins: above a hard one ``exceeds``, above a soft one warns;
3. more than 10% above the highest dose on record for the drug and basis (per
   administration, per day or per cycle) ``exceeds``, unless a hard written limit
   for that basis governs the upper side; above it but within 10% is ``ok`` (rounding);
4. more than 10% below the lowest dose on record warns (a reduction: say why);
5. nothing on record to compare with warns *not verified*; never ``ok``.

Every numeric input is bounded and validated before any arithmetic."""
from __future__ import annotations

from typing import Any

from lmsrx.clinical import labelrules
from lmsrx.dosing import exposure, infusion
from lmsrx.dosing import labels as dose_labels
from lmsrx.dosing.body import BOUNDS, BSA, Body, bounded, family, forms, needs_for, parse_dose
from lmsrx.dosing.checks import EPS, ROUNDING_CITE, TOLERANCE, TOLERANCE_TEXT, Check, worst
from lmsrx.dosing.onrecord import OnRecord, cites_of, on_record, only_route, records_for, span_text, statuses_of
from lmsrx.errors import UsageError
from lmsrx.knowledge.model import CONTEXT_TEXT
from lmsrx.records import field, record
from lmsrx.units import UNITS, Quantity, fmt
from lmsrx.vocab import PER, ROUTES

SCOPE_OF = {"administration": "per-dose", "day": "daily", "cycle": "per-cycle"}


@record
class DoseResult:
    drug: Any
    body: Body
    planned: Quantity | None
    per: str = "administration"
    route: str | None = None  # the route checked: as given, or the drug's only route
    route_given: str | None = None
    over_min: float | None = None
    cumulative_text: list[str] | None = None
    forms: dict[str, Quantity] = field(default_factory=dict)
    standard: dict[str, Any] | None = None
    rate: dict[str, Any] | None = None
    cumulative: dict[str, Any] | None = None
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def bsa(self) -> BSA | None:
        return self.body.bsa

    def shown(self) -> dict[str, Quantity]:
        """The planned dose's forms in the planned unit's scale (g stays g, mcg stays mcg)."""
        scale = self.planned.unit.split("/")[0] if self.planned else "mg"
        out = {}
        for key, q in self.forms.items():
            unit = {"per_m2": f"{scale}/m2", "absolute": scale}.get(key, "mg/kg")
            out[key] = q.to(unit) if unit in UNITS else q
        return out

    def inputs(self) -> dict[str, Any]:
        return {**self.body.inputs(), "planned": str(self.planned) if self.planned else None, "per": self.per,
                "route": self.route_given, "over_min": self.over_min, "cumulative": self.cumulative_text}

    @property
    def verdict(self) -> str:
        return "not checked" if self.planned is None else worst(self.checks)


def against_record(drug: Any, have: dict[str, Quantity], per: str, body: Body, route: str | None) -> list[Check]:
    """One planned amount (in every form the patient allows) against the written limits and the doses on record."""
    scope = SCOPE_OF[per]
    checks: list[Check] = []
    hard: Quantity | None = None  # a hard written limit for this basis governs the upper side
    for lim in (x for x in drug.limits if x.scope == scope):
        holds = True if lim.when is None else body.holds(lim.when)
        if holds is False:
            continue
        value = have.get(family(lim.max))
        rule = f"{lim.severity} limit ({per})" + (f", {CONTEXT_TEXT[lim.when]}" if lim.when else "")
        if value is None:
            checks.append(Check(rule, lim.severity, "warning", "not comparable", str(lim.max),
                                f"{lim.basis}; not verified: needs {needs_for(family(lim.max))}", lim.cite))
            continue
        above = value.base() > lim.max.base() * (1 + EPS)
        if holds is None:  # written for a circumstance lmsrx was not told about
            res = ("warning" if lim.severity == "hard" else "note") if above else "ok"
            why = f"only {CONTEXT_TEXT[lim.when]} (not given): {lim.basis}"
        else:
            res = ("exceeds" if lim.severity == "hard" else "warning") if above else "ok"
            why = lim.basis
            if lim.severity == "hard" and (hard is None or lim.max.base() < hard.base()):
                hard = lim.max
        checks.append(Check(rule, lim.severity, res, str(value.to(lim.max.unit)), f"{lim.max} per {per}", why, lim.cite))
    checks += _against_records(drug, have, per, body, route, hard)
    return checks


def compare_all(drug: Any, views: list[tuple[Any, Any]], have: dict[str, Quantity], per: str, body: Body,
                route: str | None) -> list[Check]:
    """:func:`compare` against the drug's own doses, or against each dose rule's (``views``: the rule and the drug
    as that rule doses it, from :func:`lmsrx.labelrules.adjusted`): every one is a ceiling; rows named by rule."""
    if not views:
        return against_record(drug, have, per, body, route)
    out: list[Check] = []
    for rule, seen in views:
        for c in against_record(seen, have, per, body, route):
            if c.rule.startswith("doses on record"):
                c = Check(f"{c.rule}, {rule.id}", c.severity, c.result, c.value, c.limit, c.basis, c.cite)
            out.append(c)
    return list(dict.fromkeys(out))  # a written limit is the same row whichever rule doses the drug


def _against_records(drug: Any, have: dict[str, Quantity], per: str, body: Body, route: str | None,
                     hard: Quantity | None) -> list[Check]:
    records = records_for(drug, per, body, route)
    rule = f"doses on record ({per})"
    if not records:
        return [Check(rule, "record", "warning", _any(have), "none", _nothing_on_record(drug, per, body, route))]
    by_family: dict[str, list[OnRecord]] = {}
    for r in records:
        by_family.setdefault(family(r.high), []).append(r)
    out = []
    for fam, group in sorted(by_family.items()):
        value = have.get(fam)
        hi = max((r.high for r in group), key=Quantity.base)
        lo = min((r.low for r in group), key=Quantity.base)
        span = f"{span_text(lo, hi)} per {per}"
        cites = cites_of(group)
        if value is None:
            out.append(_unbounded(have, fam, hi, per, span, cites))
            continue
        v = value.to(hi.unit)
        if value.base() > hi.base() * (1 + TOLERANCE + EPS):
            pct = f"{(value.base() / hi.base() - 1) * 100:.0f}"
            if hard is not None and family(hard) == fam and value.base() <= hard.base() * (1 + EPS):
                res, why = "warning", f"{pct}% above the highest dose on record ({hi}); within the written hard limit ({hard})"
            elif hard is not None and family(hard) == fam:
                res, why = "exceeds", f"{pct}% above the highest dose on record ({hi}) and above the written hard limit ({hard})"
            else:
                res, why = "exceeds", (f"{pct}% above the highest dose on record ({hi}): more than the {TOLERANCE_TEXT} rounding "
                                       "tolerance, so a different dose" + _elsewhere(drug, value, per, body, route))
            out.append(Check(rule, "record", res, str(v), span, why, cites + ROUNDING_CITE))
        elif value.base() > hi.base() * (1 + EPS):
            out.append(Check(rule, "record", "ok", str(v), span,
                             f"within the {TOLERANCE_TEXT} rounding tolerance of the highest dose on record ({hi})", cites + ROUNDING_CITE))
        elif value.base() < lo.base() * (1 - TOLERANCE - EPS):
            why = f"{_below(value.base() / lo.base())} below every dose on record (lowest {lo}): a reduction? say why"
            if value.base() * 3 < lo.base():
                why += "; or check the unit (mg or g?)"
            out.append(Check(rule, "record", "warning", str(v), span, why + _elsewhere(drug, value, per, body, route),
                             cites + ROUNDING_CITE))
        else:
            out.append(Check(rule, "record", "ok", str(v), span,
                             f"within the doses on record ({span}; {statuses_of(group)}){_matched(group, value)}", cites))
    return out


def _below(ratio: float) -> str:
    """How far below, as a share: never '100%' for a dose that is not zero (0.16 mg against 160 mg is 99.9% below)."""
    share = (1 - ratio) * 100
    if share < 99.5:
        return f"{share:.0f}%"
    return f"{min(round(share, 1), 99.9):.1f}%" if share < 99.95 else "more than 99.9%"


def _matched(group: list[OnRecord], value: Quantity) -> str:
    """Which records the dose matches (within the rounding tolerance): a dose is only as right as the schedule it
    belongs to, so the answer names it."""
    hits = [r for r in group if r.low.base() * (1 - TOLERANCE) - EPS <= value.base() <= r.high.base() * (1 + TOLERANCE) + EPS]
    if not hits:
        return "; between the records, matching none of them"
    names = [r.dose.context + (f", every {r.dose.cycle_days} days" if r.dose.cycle_days else "") for r in hits]
    return "; matches: " + "; ".join(dict.fromkeys(names))


def _unbounded(have: dict[str, Quantity], fam: str, hi: Quantity, per: str, span: str, cites: tuple[str, ...]) -> Check:
    """No BSA (or weight) to compare with: still stop a dose above the record at the largest body lmsrx accepts."""
    rule = f"doses on record ({per})"
    absolute = have.get("absolute")
    size = {"per_m2": BOUNDS["bsa"][1], "per_kg": BOUNDS["weight"][1]}.get(fam)
    if absolute is not None and size is not None and absolute.base() > hi.base() * size * (1 + TOLERANCE + EPS):
        body = f"{fmt(size)} {'m2' if fam == 'per_m2' else 'kg'}"
        return Check(rule, "record", "exceeds", str(absolute), f"{span}; at most {fmt(hi.base() * size)} mg even at {body}",
                     f"above the highest dose on record ({hi}) even for the largest body lmsrx accepts ({body})",
                     cites + ROUNDING_CITE)
    return Check(rule, "record", "warning", _any(have), span,
                 f"not verified: comparing with the doses on record needs {needs_for(fam)}", cites)


def other_scopes(drug: Any, per: str, timed: bool) -> list[Check]:
    """Written limits this check cannot apply (another basis, or a rate without a time): a note that says where."""
    out = []
    for lim in drug.limits:
        basis = {v: k for k, v in SCOPE_OF.items()}.get(lim.scope)
        if basis is not None and basis != per:
            out.append(Check(f"{lim.severity} limit ({basis})", lim.severity, "note", "not checked here", f"{lim.max} per {basis}",
                             f"applies to the {'total of a ' + basis if basis != 'administration' else 'single administration'}: "
                             f"check the {basis}'s total, or the whole cycle's order", lim.cite))
        elif lim.scope in ("rate", "duration") and not timed:
            out.append(Check(f"{lim.severity} limit ({lim.scope})", lim.severity, "note", "not checked here", str(lim.max),
                             f"{lim.basis}; the infusion time is not given, so it is not checked", lim.cite))
    return out


def relative_ceiling(kb: Any, drug: Any, have: dict[str, Quantity], body: Body) -> list[Check]:
    """A drug dosed as a share of another (mesna): above that share of the partner's highest dose on record, it exceeds."""
    out = []
    for rec in (d for d in drug.doses if d.fraction_of is not None):
        partner = kb.drugs[rec.fraction_of]
        tops: dict[str, Quantity] = {}
        for r in records_for(partner, "administration", body, None):
            fam = family(r.high)
            if fam not in tops or r.high.base() > tops[fam].base():
                tops[fam] = r.high
        for fam, hi in tops.items():
            value = have.get(fam)
            if value is not None and value.base() > hi.base() * rec.percent / 100 * (1 + TOLERANCE + EPS):
                ceiling = Quantity(hi.base() * rec.percent / 100, {"per_m2": "mg/m2", "per_kg": "mg/kg"}.get(fam, "mg"))
                out.append(Check(f"share of {partner.name.lower()}", "record", "exceeds", str(value.to(ceiling.unit)),
                                 f"{ceiling} ({fmt(rec.percent)}% of {hi})",
                                 f"more than {TOLERANCE_TEXT} above {fmt(rec.percent)}% of the highest {partner.name.lower()} dose on "
                                 "record per administration", rec.cite + ROUNDING_CITE))
    return out


def _any(have: dict[str, Quantity]) -> str:
    return str(next(iter(have.values()))) if have else "-"


def _nothing_on_record(drug: Any, per: str, body: Body, route: str | None) -> str:
    if any(d.fraction_of for d in drug.doses):
        d = next(d for d in drug.doses if d.fraction_of)
        return (f"not verified: {drug.name} is dosed as a share of the {d.fraction_of} dose ({d.schedule}); "
                "check it with its partner in a whole order (lmsrx order)")
    if not drug.doses:
        return f"not verified: no dose of {drug.name} is on record"
    if route is not None and records_for(drug, per, body, None) and not records_for(drug, per, body, route):
        return f"not verified: no {route.upper()} dose of {drug.name} per {per} is on record"
    others = [p for p in PER if p != per and records_for(drug, p, body, route)]
    hint = f"; it has doses per {' and per '.join(others)}" if others else ""
    return f"not verified: no dose of {drug.name} per {per} is on record{hint}"


def _elsewhere(drug: Any, value: Quantity, per: str, body: Body, route: str | None) -> str:
    """Like with like: say so when the amount matches the doses on record of another basis."""
    for other in PER:
        if other == per:
            continue
        for r in records_for(drug, other, body, route):
            if family(r.high) == family(value) and \
                    r.low.base() * (1 - TOLERANCE) <= value.base() <= r.high.base() * (1 + TOLERANCE):
                return f"; it matches a dose per {other} on record ({span_text(r.low, r.high)}): if that is what it is, check it per {other}"
    return ""


def resolve_route(drug: Any, route: str | None) -> tuple[str | None, list[Check]]:
    if route is None:
        return only_route(drug), []
    route = route.strip().lower()
    if route not in ROUTES:
        raise UsageError(f"invalid route {route!r}; choose from {', '.join(ROUTES)}")
    on_file = set(drug.route) | {d.route for d in drug.doses if d.route}
    if route not in on_file:
        return route, [Check("route", "route", "exceeds", route.upper(), ", ".join(sorted(r.upper() for r in on_file)) or "none",
                             f"{drug.name} is not given {route.upper()} in any record", drug.cite)]
    return route, [Check("route", "route", "ok", route.upper(), ", ".join(sorted(r.upper() for r in on_file)), "a route on record", drug.cite)]


def status_checks(drug: Any) -> list[Check]:
    if drug.lms_status == "withdrawn":
        when = next((a.date for a in drug.approvals if a.status == "withdrawn" and a.date), None)
        return [Check("status", "status", "exceeds", "withdrawn", "not withdrawn",
                      f"{drug.name} was withdrawn" + (f" (announced {when})" if when else "") + ": not to be given",
                      tuple(c for a in drug.approvals if a.status == "withdrawn" for c in a.cite) or drug.cite)]
    if drug.lms_status == "not-recommended":
        return [Check("status", "status", "warning", "not recommended", "-", f"{drug.name}: {drug.summary}", drug.cite)]
    return []


def check(drug: Any, body: Body, planned_text: str | None, per: str = "administration", over_min: Any = None,
          route: str | None = None, cumulative: list[str] | None = None, kb: Any = None) -> DoseResult:

    if per not in PER:
        raise UsageError(f"invalid --per {per!r}; choose from {', '.join(PER)}")
    over_min = bounded(over_min, "over", "--over", "min")
    planned = parse_dose(planned_text, "--planned") if planned_text is not None else None
    result = DoseResult(drug, body, planned, per=per, route_given=route, over_min=over_min, cumulative_text=cumulative)
    result.standard = standard(drug, body)
    if planned is None:
        if over_min is not None or cumulative is not None:
            raise UsageError("--over and --cumulative need --planned")
        return result
    if planned.per == "kg" and body.weight_kg is None:
        raise UsageError(f"{planned} is per kg: give --weight", hint="a BSA alone does not give a weight")
    result.route, route_checks = resolve_route(drug, route)
    if over_min is not None:
        if result.route == "oral":
            raise UsageError(f"--over is an infusion time; {drug.name} is given orally")
        if per != "administration":
            raise UsageError("--over is the time of one administration: use it with --per administration")
    result.forms = forms(planned, body.bsa, body.weight_kg)
    if planned.per == "m2" and body.bsa is None:
        result.notes.append("no BSA given: absolute amounts are not shown")
    views = labelrules.adjusted(kb, drug, body.facts) if kb is not None else []
    result.checks += status_checks(drug) + route_checks
    result.checks += dose_labels.dose_checks(kb, drug, body.facts, [r for r, _ in views], per=per) if kb is not None else []
    result.checks += compare_all(drug, views, result.forms, per, body, result.route)
    result.checks += other_scopes(drug, per, over_min is not None)
    if kb is not None and per == "administration":
        result.checks += relative_ceiling(kb, drug, result.forms, body)
    if over_min is not None:
        result.rate, rate_checks = infusion.check_rate(drug, result.forms, over_min)
        result.checks += rate_checks
    elif per == "administration":
        result.checks += infusion.time_not_given(drug, result.route)
    if kb is not None:
        planned_m2 = {drug.id: result.forms["per_m2"]} if "per_m2" in result.forms else {drug.id: None}
        result.cumulative, cum_checks = exposure.check_cumulative(kb, planned_m2, cumulative, body.bsa, body, per)
        result.checks += cum_checks
    return result


def standard(drug: Any, body: Body) -> dict[str, Any] | None:
    std = next((d for d in drug.doses if d.standard), None)
    if std is None:
        return None
    out: dict[str, Any] = {"context": std.context, "schedule": std.schedule, "cite": list(std.cite)}
    for per in PER:
        r = on_record(std, per)
        out[f"per_{per}"] = span_text(r.low, r.high) if r else None
        if r is not None and r.high.per is not None and "for_patient" not in out:
            hi = forms(r.high, body.bsa, body.weight_kg).get("absolute")
            lo = forms(r.low, body.bsa, body.weight_kg).get("absolute")
            if hi is not None and lo is not None:
                unit = "g" if hi.base() >= 10000 else "mg"
                text = span_text(lo.to(unit), hi.to(unit))
                out["for_patient"] = f"{text} per {per}"
    return out
