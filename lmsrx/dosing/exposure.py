"""Cumulative (lifetime) exposure: prior doses per agent against the cumulative limits of the drug planned. Pure.

A drug's cumulative limit is written in one agent's mg/m2 (``in_terms_of``, by default the drug itself) and
counts the agents it names (``counts``: drugs or classes, e.g. every anthracycline, as the doxorubicin label
asks). Each counted agent's exposure is converted into the limit's terms with the equivalence ratios on
record (rules of topic ``equivalence``: mg of a reference agent per mg of the agent). Where the sources
disagree, the verdict takes the most cautious conversion (the one that counts the most) and the answer names
every ratio and its source. An agent with no ratio on record is added mg for mg, as the labels' instruction
to count prior doses of other anthracyclines reads, and the check is then *not verified* (a ratio could count
more or less): it can exceed, never be OK. Only the planned drug's own limits are checked: another drug's
limit is never applied to this dose.

Prior exposure to another agent a limit counts is "other cardiotoxic therapy" for a limit written for that
circumstance (doxorubicin's 400 mg/m2). Exposure that is not given is *not given*, never 0; once any
exposure is given, the agents listed are taken as the whole history.
"""
from __future__ import annotations

import math
import re
from typing import Any

from lmsrx.dosing.checks import EPS, Check
from lmsrx.errors import UsageError
from lmsrx.knowledge.model import CONTEXT_TEXT
from lmsrx.units import Quantity, fmt

_ZERO = r"(?i)\s*(?:0+(?:\.0*)?|none)\s*(?:mg/m2|g/m2|mcg/m2|mg|g|mcg)?\s*"
MAX_AGENTS = 20
UNIT_OF = {"administration": "administrations", "day": "days", "cycle": "cycles"}


def parse(kb: Any, items: list[str] | None, default_agent: str | None) -> dict[str, Quantity] | None:
    """``["300 mg/m2"]``, ``["doxorubicin=300 mg/m2", "pld=100 mg/m2"]`` or ``["0"]`` -> {drug id: quantity}."""
    from lmsrx.dosing.body import parse_dose

    if items is None:
        return None
    if len(items) > MAX_AGENTS:
        raise UsageError(f"--cumulative: at most {MAX_AGENTS} agents")
    out: dict[str, Quantity] = {}
    for item in items:
        if not isinstance(item, str):
            raise UsageError(f"--cumulative: expected 'AGENT=QTY' or 'QTY', got {item!r}")
        name, sep, qty = item.partition("=")
        if sep and not name.strip():
            raise UsageError(f"--cumulative {item[:40]!r}: name the agent before '=' (e.g. 'doxorubicin=300 mg/m2')")
        if not sep:
            name, qty = default_agent or "", item
        drug = kb.find_drug(name) if name.strip() else None
        if drug is None:
            kb.lookup("drugs", name or "?", "drug in --cumulative")
        if drug.id in out:
            raise UsageError(f"--cumulative gives {drug.name} twice")
        out[drug.id] = Quantity(0.0, "mg/m2") if re.fullmatch(_ZERO, qty) else parse_dose(qty, f"--cumulative {drug.id}")
        if out[drug.id].per == "kg":
            raise UsageError("--cumulative: give lifetime exposure in mg/m2 or mg, not mg/kg")
    return out


def naive(items: list[str] | None) -> bool:
    """``--cumulative 0`` (or an order's ``cumulative: 0``): no anthracycline of any kind before, every agent 0."""
    return items is not None and (not items or (len(items) == 1 and "=" not in items[0] and bool(re.fullmatch(_ZERO, items[0]))))


def members(kb: Any, owner: Any, lim: Any) -> list[str]:
    """The drug ids whose doses add up towards a cumulative limit (sorted)."""
    return sorted(kb.drugs_named(lim.counts or (owner.id,)))


def applicable(kb: Any, agents: list[str]) -> list[tuple[Any, Any]]:
    """(owner, limit) for every cumulative limit of the agents planned: each drug's own limits only."""
    return [(kb.drugs[a], lim) for a in agents for lim in kb.drugs[a].limits if lim.scope == "cumulative"]


# ------------------------------------------------------------------ equivalence
def ratios(kb: Any, agent: str) -> list[Any]:
    """The equivalence rules on record for an agent (ratios, and 'no recommendation' records)."""
    return [r for r in kb.rules_for(agent, "equivalence")]


def factors(kb: Any, agent: str, target: str) -> list[tuple[float, tuple[Any, ...]]]:
    """Every way the ratios on record convert mg of ``agent`` into mg of ``target``: (factor, rules used). An
    agent is 1 of itself; a ratio to the target converts directly; two ratios to one reference agent convert
    through it."""
    if agent == target:
        return [(1.0, ())]
    mine = [r for r in ratios(kb, agent) if r.ratio is not None]
    theirs = [r for r in ratios(kb, target) if r.ratio is not None]
    out = [(r.ratio, (r,)) for r in mine if r.to == target]
    out += [(1 / r.ratio, (r,)) for r in theirs if r.to == agent]
    out += [(a.ratio / b.ratio, (a, b)) for a in mine for b in theirs if a.to == b.to]
    return out


def cautious(kb: Any, agent: str, target: str) -> tuple[float, tuple[Any, ...]] | None:
    """The conversion that counts the most (None: no ratio on record). Ratios seen on one page only may make the
    count larger, never smaller: with no confirmed conversion, one made of seen-once ratios is used only where it
    counts at least mg for mg."""
    found = factors(kb, agent, target)
    if not found:
        return None
    best = max(found, key=lambda f: (f[0], [r.id for r in f[1]]))
    confirmed = [f for f in found if not any(r.seen_once for r in f[1])]
    if not confirmed and best[0] < 1.0:
        return None  # seen once, and it would count less: treated as no ratio (mg for mg, not verified)
    return best


def reference_agent(kb: Any) -> str | None:
    """The agent the equivalence ratios on record convert to (doxorubicin): the doxorubicin-equivalent total."""
    targets = sorted(r.to for r in kb.rules.values() if r.topic == "equivalence" and r.to)
    return max(targets, key=targets.count) if targets else None


def _ratio_data(kb: Any, agent: str) -> list[dict[str, Any]]:
    return [{"rule": r.id, "to": r.to, "ratio": r.ratio, "text": r.text, "seen_once": r.seen_once, "cite": list(r.cite)}
            for r in ratios(kb, agent)]


def _per_m2(q: Quantity | None, bsa: Any) -> Quantity | None:
    if q is None:
        return None
    if q.per == "m2":
        return Quantity(q.base(), "mg/m2")
    if q.per is None and bsa is not None:
        return Quantity(q.base() / bsa.value, "mg/m2")
    return None


# ------------------------------------------------------------------ the check
def check_cumulative(kb: Any, planned: dict[str, Quantity | None], items: list[str] | None, bsa: Any, body: Any,
          per: str) -> tuple[dict[str, Any] | None, list[Check]]:
    """``planned``: this plan's amount per agent in mg/m2 (None when it could not be put per m2)."""
    first = next(iter(planned), None)
    prior = parse(kb, items, first)
    if naive(items):
        prior = {a: Quantity(0.0, "mg/m2") for a in planned}  # none of any agent: the planned ones stated as 0 too
    limits = applicable(kb, list(planned))
    if not limits:
        if prior is None:
            return None, []
        return {"note": "no cumulative limit on record for " + ", ".join(kb.drugs[a].name for a in planned)}, []
    prior_m2 = {a: _per_m2(q, bsa) for a, q in (prior or {}).items()}
    ref = reference_agent(kb)
    info: dict[str, Any] = {"prior_given": prior is not None, "agents": {}, "equivalent_to": ref,
                            "equivalence": "each limit converts the agents it counts with the ratios on record; where sources "
                                           "differ the conversion that counts the most is used; an agent with no ratio on record is "
                                           "added mg for mg (not verified)",
                            "limits": []}
    agents = sorted(set(planned) | set(prior or {}))
    total_de: float | None = 0.0 if prior is not None and ref is not None else None
    for a in agents:
        p, t = prior_m2.get(a) if prior is not None else None, planned.get(a)
        known = (p is not None or prior is None or a not in prior) and (t is not None or a not in planned)
        amount = (p.value if p else 0.0) + (t.value if t else 0.0)
        entry: dict[str, Any] = {
            "prior_mg_per_m2": round(p.value, 4) if p else (0 if prior is not None and a not in prior else None),
            "this_mg_per_m2": round(t.value, 4) if t else None, "ratios": _ratio_data(kb, a)}
        if ref is not None:
            conv = cautious(kb, a, ref)
            entry["ratio_used"] = round(conv[0], 6) if conv else None
            entry["ratio_rules"] = [r.id for r in conv[1]] if conv else []
            de = amount * conv[0] if conv and known else None
            entry["doxorubicin_equivalent_mg_per_m2"] = round(de, 4) if de is not None else None
            if total_de is not None:
                total_de = None if de is None and amount > 0 else total_de + (de or 0.0)
        info["agents"][a] = entry
    if ref is not None:
        info["doxorubicin_equivalent_total_mg_per_m2"] = round(total_de, 4) if total_de is not None else None
    checks = [_one(kb, owner, lim, planned, prior, prior_m2, body, per, info) for owner, lim in limits]
    risky = _cardiac_risk(kb, limits, prior, body)
    for a in planned:
        covered = any(o.id == a and lim.when == "cardiac-risk" for o, lim in limits)
        if any(o.id == a for o, _ in limits) and not covered and risky.get(a):
            checks.append(Check("cardiac risk", "context", "warning", "given", "none on record",
                                f"not verified: no lower cumulative limit after cardiac radiation or other cardiotoxic therapy "
                                f"is on record for {kb.drugs[a].name}", kb.drugs[a].cite))
    counted = {m for owner, lim in limits for m in members(kb, owner, lim)}
    if prior is not None and not naive(items):
        for a in sorted(set(prior) - counted):
            if prior[a].value > 0:
                checks.append(Check("cumulative exposure", "context", "warning", f"prior {kb.drugs[a].name} {prior[a]}", "-",
                                    f"not verified: no cumulative limit of {', '.join(kb.drugs[p].name for p in planned)} on record "
                                    f"counts {kb.drugs[a].name}, so it is not in the totals; weigh it yourself", kb.drugs[a].cite))
    return info, checks


def _cardiac_risk(kb: Any, limits: list[tuple[Any, Any]], prior: dict[str, Quantity] | None, body: Any) -> dict[str, bool | None]:
    """Per planned drug: other cardiotoxic therapy given (True), said not to be (False) or unknown (None)."""
    out: dict[str, bool | None] = {}
    for owner, lim in limits:
        others = [a for a in members(kb, owner, lim) if a != owner.id and prior and prior.get(a) and prior[a].value > 0]
        out[owner.id] = True if others or body.cardiac_risk else out.get(owner.id, body.cardiac_risk)
    return out


def _holds(kb: Any, owner: Any, lim: Any, prior: dict[str, Quantity] | None, body: Any) -> tuple[bool | None, list[str]]:
    """Whether the circumstance a limit is written for holds, and the prior agents that make it hold."""
    if lim.when is None:
        return True, []
    others = [a for a in members(kb, owner, lim) if a != owner.id and prior and prior.get(a) and prior[a].value > 0]
    if others:
        return True, others
    return body.holds(lim.when), []


def _one(kb: Any, owner: Any, lim: Any, planned: dict[str, Quantity | None], prior: dict[str, Quantity] | None,
         prior_m2: dict[str, Quantity | None], body: Any, per: str, info: dict[str, Any]) -> Check:
    bsa = body.bsa
    names = members(kb, owner, lim)
    unit = lim.in_terms_of or owner.id
    holds, because = _holds(kb, owner, lim, prior, body)
    rule = f"{lim.severity} cumulative limit ({owner.name})" + (f", {CONTEXT_TEXT[lim.when]}" if lim.when else "")
    terms = "" if unit == owner.id else f", in {kb.drugs[unit].name} mg/m2"
    basis = f"{lim.basis} [counts {', '.join(kb.drugs[n].name for n in names)}{terms}]"
    if because:
        basis += f"; prior {', '.join(kb.drugs[a].name for a in because)} is other cardiotoxic therapy"

    def factor(a: str) -> tuple[float, tuple[Any, ...]] | None:
        return (1.0, ()) if a in (owner.id, unit) else cautious(kb, a, unit)

    ref = reference_agent(kb)
    # an agent with no ratio on record counts as the reference agent's mg (PLD's doses are written as doxorubicin
    # hydrochloride), converted as that agent would be: never less than mg for mg
    fallback = max(1.0, (cautious(kb, ref, unit) or (1.0, ()))[0]) if ref else 1.0
    mine = {a: planned[a] for a in names if a in planned}
    if any(q is None for q in mine.values()):
        return Check(rule, lim.severity, "warning", "not comparable", str(lim.max), f"{basis}; not verified: needs a BSA", lim.cite)
    this, lost_this = _add(mine, factor)
    this += sum(lost_this.values()) * fallback
    entry: dict[str, Any] = {"limit": str(lim.max), "severity": lim.severity, "owner": owner.id, "counts": names, "when": lim.when,
                             "in_terms_of": unit, "holds": holds,
                             "factors": {a: round((factor(a) or (fallback, ()))[0], 6) for a in names
                                         if a in planned or (prior and a in prior)}}
    ceiling = lim.max.base()
    if lim.max.per is None:  # a lifetime total in mg: compare per m2 through the BSA
        if bsa is None:
            return Check(rule, lim.severity, "warning", "not comparable", str(lim.max), f"{basis}; not verified: a limit in mg needs a BSA", lim.cite)
        ceiling = lim.max.base() / bsa.value
    if holds is False:
        return Check(rule, lim.severity, "ok", f"{fmt(this)} mg/m2", str(lim.max), f"does not apply: not {CONTEXT_TEXT[lim.when]}", lim.cite)
    info["limits"].append(entry)
    if prior is None:
        entry.update(total_mg_per_m2=None, more=None)
        above = this > ceiling * (1 + EPS)
        res = "exceeds" if above and lim.severity == "hard" and holds is True else "warning"
        return Check(rule, lim.severity, res, f"{fmt(this)} mg/m2 (this plan only; prior exposure not given)", str(lim.max),
                     f"{basis}; not verified: the lifetime exposure to each agent it counts is not given (0 if none)", lim.cite)
    before = {a: prior_m2.get(a) for a in names if a in prior}
    if any(q is None for q in before.values()):
        return Check(rule, lim.severity, "warning", "not comparable", str(lim.max), f"{basis}; not verified: prior exposure in mg needs a BSA", lim.cite)
    done, lost_prior = _add(before, factor)
    lost = {**lost_this, **lost_prior}
    done += sum(lost_prior.values()) * fallback
    total = done + this
    above = total > ceiling * (1 + EPS)
    at = lim.severity == "hard" and not above and total >= ceiling * (1 - EPS)
    more = math.floor((ceiling - total) / this + EPS) if this > 0 and not above else (0 if above else None)
    entry.update(prior_mg_per_m2=round(done, 4), total_mg_per_m2=round(total, 4), more=more,
                 not_converted={a: round(q, 4) for a, q in lost.items()})
    value = f"prior {fmt(done)} + this {fmt(this)} = {fmt(total)} mg/m2" + (f" (in {kb.drugs[unit].name} mg/m2)" if terms else "")
    if holds is None:
        res = ("warning" if lim.severity == "hard" else "note") if above else "ok"
        basis = f"only {CONTEXT_TEXT[lim.when]} (not given): {basis}"
    else:
        res = ("exceeds" if lim.severity == "hard" else "warning") if above else "ok"
    if at:
        basis += "; the total reaches the limit itself: no further dose fits"
    notes = []
    if lost:
        notes.append(f"no equivalence ratio on record converts {', '.join(f'{kb.drugs[a].name} ({fmt(q)} mg/m2)' for a, q in lost.items())}: "
                     f"counted as {kb.drugs[ref].name if ref else 'the same agent'}, mg for mg"
                     + (f", then x {fmt(fallback)} into {kb.drugs[unit].name}" if fallback != 1 else "")
                     + " (a ratio could count more or less)")
    unlisted = [a for a in mine if a not in prior]
    if unlisted:
        notes.append(f"prior {', '.join(kb.drugs[a].name.lower() for a in unlisted)} not given: counted as none")
    converted = [a for a in before if prior[a].per is None]
    if converted:
        notes.append(f"prior {', '.join(kb.drugs[a].name.lower() for a in converted)} given in mg: put per m2 with today's BSA")
    if notes and res in ("ok", "note"):
        res = "warning"
    if notes:
        basis += "; not verified: " + "; ".join(notes)
    if per == "administration" and not above and this > 0:
        basis, res = _cycle(owner, mine, done, this, ceiling, lim, basis, res, holds)
    if more is not None and not above and not notes:
        basis += f"; {more} more {UNIT_OF.get(per, per + 's')} of this size fit under it"
    used = [a for a in names if (mine.get(a) and mine[a].value) or (before.get(a) and before[a].value)]
    return Check(rule, lim.severity, res, value, str(lim.max), basis, lim.cite + _ratio_cites(used, factor))


def _cycle(owner: Any, mine: dict[str, Any], done: float, this: float, ceiling: float, lim: Any, basis: str, res: str,
           holds: bool | None) -> tuple[str, str]:
    """One administration checked, where the drug's schedules on record give it several times a cycle: say what a
    whole cycle of it would reach, and warn if that passes the limit (the cycle itself: ``--per cycle`` or an order)."""
    from lmsrx.dosing.checks import TOLERANCE

    q = mine.get(owner.id)
    if q is None:
        return basis, res
    counts = [(d.times or 1) * len(d.days) for d in owner.doses
              if d.amount is not None and d.amount.per == "m2" and d.days and d.fraction_of is None
              and d.amount.base() * (1 - TOLERANCE) <= q.base() <= d.amount.base() * (1 + TOLERANCE)]
    n = max(counts, default=1)
    if n <= 1:
        return basis, res
    reach = done + this * n
    basis += f"; a cycle on record gives this dose {n} times, reaching {fmt(reach)} mg/m2"
    if reach > ceiling * (1 + EPS) and res in ("ok", "note") and holds is not False:
        basis += ": above the limit (check the whole cycle with --per cycle or lmsrx order)"
        res = "warning"
    return basis, res


def _add(amounts: dict[str, Quantity | None], factor: Any) -> tuple[float, dict[str, float]]:
    """The converted sum of agents' mg/m2, and the agents (with their mg/m2) no ratio converts."""
    total, lost = 0.0, {}
    for a, q in amounts.items():
        if q is None or q.value == 0:
            continue
        f = factor(a)
        if f is None:
            lost[a] = q.base()
        else:
            total += q.base() * f[0]
    return total, lost


def _ratio_cites(names: list[str], factor: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for a in names if (f := factor(a)) for r in f[1] for c in r.cite))
