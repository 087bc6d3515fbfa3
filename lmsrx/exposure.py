"""Cumulative (lifetime) exposure: prior doses per agent against the cumulative limits they add up to. Pure.

No equivalence between anthracyclines is on record, so each cumulative limit
adds, as written, the mg/m2 of the agents it names (``counts``): doxorubicin's
limits count doxorubicin and liposomal doxorubicin; PLD's label counts every
anthracycline. Exposure that is not given is *not given*, never 0; once any
exposure is given, the agents listed are taken as the whole history.
"""
from __future__ import annotations

import math
import re
from typing import Any

from lmsrx.dosing import BSA, EPS, Body, Check, parse_dose
from lmsrx.errors import UsageError
from lmsrx.model import CONTEXT_TEXT
from lmsrx.units import Quantity, fmt

_ZERO = re.compile(r"\s*(?:0+(?:\.0*)?|none)\s*(?:mg/m2|g/m2|mcg/m2|mg|g|mcg)?\s*", re.IGNORECASE)
MAX_AGENTS = 20
UNIT_OF = {"administration": "administrations", "day": "days", "cycle": "cycles"}


def parse(kb: Any, items: list[str] | None, default_agent: str | None) -> dict[str, Quantity] | None:
    """``["300 mg/m2"]``, ``["doxorubicin=300 mg/m2", "pld=100 mg/m2"]`` or ``["0"]`` -> {drug id: quantity}."""
    if items is None:
        return None
    if len(items) > MAX_AGENTS:
        raise UsageError(f"--cumulative: at most {MAX_AGENTS} agents")
    out: dict[str, Quantity] = {}
    for item in items:
        if not isinstance(item, str):
            raise UsageError(f"--cumulative: expected 'AGENT=QTY' or 'QTY', got {item!r}")
        name, sep, qty = item.partition("=")
        if not sep:
            name, qty = default_agent or "", item
        drug = kb.find_drug(name) if name.strip() else None
        if drug is None:
            kb.lookup("drugs", name or "?", "drug in --cumulative")
        if drug.id in out:
            raise UsageError(f"--cumulative gives {drug.name} twice")
        out[drug.id] = Quantity(0.0, "mg/m2") if _ZERO.fullmatch(qty) else parse_dose(qty, f"--cumulative {drug.id}")
        if out[drug.id].per == "kg":
            raise UsageError("--cumulative: give lifetime exposure in mg/m2 or mg, not mg/kg")
    return out


def members(kb: Any, owner: Any, lim: Any) -> list[str]:
    """The drug ids whose doses add up towards a cumulative limit."""
    names = lim.counts or (owner.id,)
    return sorted({d.id for d in kb.drugs.values() if d.id in names or (d.drug_class and d.drug_class in names)})


def applicable(kb: Any, agents: list[str]) -> list[tuple[Any, Any]]:
    """(owner, limit) for every cumulative limit that a plan of these agents falls under: the agent's
    own limits, and any limit whose ``counts`` names the agent or its class (a class rule reaches
    every member of the class)."""
    return [(owner, lim) for owner in kb.drugs.values() for lim in owner.limits
            if lim.scope == "cumulative" and any(_falls_under(kb.drugs[a], owner, lim) for a in agents)]


def _falls_under(drug: Any, owner: Any, lim: Any) -> bool:
    return drug.id == owner.id or drug.id in lim.counts or (drug.drug_class is not None and drug.drug_class in lim.counts)


def _per_m2(q: Quantity | None, bsa: BSA | None) -> Quantity | None:
    if q is None:
        return None
    if q.per == "m2":
        return Quantity(q.base(), "mg/m2")
    if q.per is None and bsa is not None:
        return Quantity(q.base() / bsa.value, "mg/m2")
    return None


def check(kb: Any, planned: dict[str, Quantity | None], items: list[str] | None, bsa: BSA | None, body: Body,
          per: str) -> tuple[dict[str, Any] | None, list[Check]]:
    """``planned``: this plan's amount per agent in mg/m2 (None when it could not be put per m2)."""
    first = next(iter(planned), None)
    prior = parse(kb, items, first)
    limits = applicable(kb, list(planned))
    if not limits:
        if prior is None:
            return None, []
        return {"note": "no cumulative limit on record for " + ", ".join(kb.drugs[a].name for a in planned)}, []
    prior_m2 = {a: _per_m2(q, bsa) for a, q in (prior or {}).items()}
    info: dict[str, Any] = {
        "prior_given": prior is not None,
        "agents": {},
        "equivalence": "no equivalence between anthracyclines is on record: each limit adds the agents it names, as written",
        "limits": [],
    }
    agents = sorted(set(planned) | set(prior or {}))
    for a in agents:
        p, t = prior_m2.get(a) if prior is not None else None, planned.get(a)
        info["agents"][a] = {"prior_mg_per_m2": round(p.value, 4) if p else (0 if prior is not None and a not in prior else None),
                             "this_mg_per_m2": round(t.value, 4) if t else None}
    checks = []
    counted: set[str] = set()  # agents a limit names one by one (a class-wide sum is no equivalence)
    for owner, lim in limits:
        names = members(kb, owner, lim)
        if not any(c in {d.drug_class for d in kb.drugs.values()} for c in lim.counts):
            counted.update(names)
        checks.append(_one(kb, owner, lim, names, planned, prior, prior_m2, body, per, info))
    if body.cardiac_risk:
        covered = {a for owner, lim in limits if lim.when == "cardiac-risk" for a in members(kb, owner, lim)}
        for a in planned:
            if kb.drugs[a].drug_class == "anthracycline" and a not in covered:
                checks.append(Check("cardiac radiation", "context", "warning", "given", "none on record",
                                    f"not verified: no lower cumulative limit after cardiac radiation or cardiotoxic therapy "
                                    f"is on record for {kb.drugs[a].name}", kb.drugs[a].cite))
    if prior is not None:
        for a in sorted(set(prior) - counted):
            if prior[a].value > 0 and _same_class(kb, a, planned):
                checks.append(Check("cumulative exposure", "context", "warning", f"prior {kb.drugs[a].name} {prior[a]}", "-",
                                    f"not verified: no equivalence between {kb.drugs[a].name} and "
                                    f"{', '.join(kb.drugs[p].name for p in planned)} is on record, so no limit on record "
                                    "adds them up; weigh the combined anthracycline exposure", kb.drugs[a].cite))
    return info, checks


def _same_class(kb: Any, agent: str, planned: dict[str, Any]) -> bool:
    cls = kb.drugs[agent].drug_class
    return cls is not None and any(kb.drugs[p].drug_class == cls for p in planned)


def _one(kb: Any, owner: Any, lim: Any, names: list[str], planned: dict[str, Quantity | None],
         prior: dict[str, Quantity] | None, prior_m2: dict[str, Quantity | None], body: Body, per: str,
         info: dict[str, Any]) -> Check:
    bsa = body.bsa
    holds = True if lim.when is None else body.holds(lim.when)
    rule = f"{lim.severity} cumulative limit ({owner.name})" + (f", {CONTEXT_TEXT[lim.when]}" if lim.when else "")
    counts = "counts " + ", ".join(kb.drugs[n].name for n in names)
    basis = f"{lim.basis} [{counts}]"
    mine = [planned[a] for a in names if a in planned]
    if any(q is None for q in mine):
        return Check(rule, lim.severity, "warning", "not comparable", str(lim.max), f"{basis}; not verified: needs a BSA", lim.cite)
    this = sum(q.base() for q in mine)
    if holds is False:
        return Check(rule, lim.severity, "ok", f"{fmt(this)} mg/m2", str(lim.max), f"does not apply: not {CONTEXT_TEXT[lim.when]}", lim.cite)
    entry: dict[str, Any] = {"limit": str(lim.max), "severity": lim.severity, "owner": owner.id, "counts": names, "when": lim.when}
    info["limits"].append(entry)
    if prior is None:
        entry.update(total_mg_per_m2=None, more=None)
        above = this > (lim.max.base() if lim.max.per else lim.max.base() / bsa.value if bsa else float("inf")) * (1 + EPS)
        res = "exceeds" if above and lim.severity == "hard" and holds is True else "warning"
        return Check(rule, lim.severity, res, f"{fmt(this)} mg/m2 (this plan only; prior exposure not given)", str(lim.max),
                     f"{basis}; not verified: the lifetime exposure to each anthracycline is not given (0 if none)",
                     lim.cite)
    before = [prior_m2.get(a) for a in names if a in prior]
    if any(q is None for q in before):
        return Check(rule, lim.severity, "warning", "not comparable", str(lim.max),
                     f"{basis}; not verified: prior exposure in mg needs a BSA", lim.cite)
    done = sum(q.base() for q in before)
    total = done + this
    ceiling = lim.max.base()
    if lim.max.per is None:  # a lifetime total in mg: compare per m2 through the BSA
        if bsa is None:
            return Check(rule, lim.severity, "warning", "not comparable", str(lim.max),
                         f"{basis}; not verified: a limit in mg needs a BSA", lim.cite)
        ceiling = lim.max.base() / bsa.value
    above = total > ceiling * (1 + EPS)
    more = math.floor((ceiling - total) / this + EPS) if this > 0 and not above else (0 if above else None)
    entry.update(prior_mg_per_m2=round(done, 4), total_mg_per_m2=round(total, 4), more=more)
    if holds is None:
        res = ("warning" if lim.severity == "hard" else "note") if above else "ok"
        basis = f"only {CONTEXT_TEXT[lim.when]} (not given): {basis}"
    else:
        res = ("exceeds" if lim.severity == "hard" else "warning") if above else "ok"
    if more is not None and not above:
        basis += f"; {more} more {UNIT_OF.get(per, per + 's')} of this size fit under it"
    return Check(rule, lim.severity, res, f"prior {fmt(done)} + this {fmt(this)} = {fmt(total)} mg/m2", str(lim.max), basis, lim.cite)
