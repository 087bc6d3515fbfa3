"""Drug records: approvals, the doses on record, written limits, toxicities. Pure."""
from __future__ import annotations

from typing import Literal

from lmsrx import vocab
from lmsrx.knowledge.types import ONE, Cites, Date, Discrepancy, DrugRef, EvidenceRef, Ident, Note
from lmsrx.records import field, record
from lmsrx.units import Quantity


@record(frozen=True)
class Approval:
    status: Literal["approved", "accelerated-approval", "withdrawn", "off-label", "not-approved"]
    region: Literal["US", "EU", "any"]
    what: str
    cite: Cites = field(metadata=ONE)
    date: Date | None = None
    source_says: str | None = None
    evidence: EvidenceRef | None = None
    note: str | None = None
    seen_once: bool = False  # seen on one page only: shown with that said


# A patient circumstance that some limits are written for (organ function and age are rules: Rule).
DoseContext = Literal["cardiac-risk"]


CONTEXT_TEXT = {
    "cardiac-risk": "after other cardiotoxic therapy (another anthracycline included) or radiation to the heart region",
}


Route = Literal[vocab.ROUTES]


@record(frozen=True)
class Dose:
    """One dose on record, in its context.

    ``amount`` is per administration (``low`` the bottom of a range); ``times`` the
    administrations a day; ``days`` the days of the cycle it is given on and
    ``cycle_days`` the cycle's length; ``daily: true`` for continuous daily oral
    dosing. Per-day and per-cycle totals are derived from these unless the record
    states them (``per_day``, ``per_cycle`` with ``per_cycle_low``). ``duration``
    (with ``duration_low``) is the infusion time; ``bolus`` a push. ``fraction_of``
    and ``percent`` describe a dose written relative to another drug's (mesna).
    """

    context: str
    schedule: str
    status: Literal["label", "trial", "regimen-library", "guidance", "source"]
    cite: Cites = field(metadata=ONE)
    id: Ident | None = None  # named by a regimen's schedule
    amount: Quantity | None = None
    low: Quantity | None = None
    times: int | None = None
    per_day: Quantity | None = None
    per_cycle: Quantity | None = None
    per_cycle_low: Quantity | None = None
    days: tuple[int, ...] = ()
    daily: bool = False
    cycle_days: int | None = None
    route: Route | None = None
    rate: Quantity | None = None
    duration: Quantity | None = None
    duration_low: Quantity | None = None
    bolus: bool = False
    fraction_of: DrugRef | None = None
    percent: float | None = None
    when: DoseContext | None = None
    standard: bool = False
    newer_than_source: bool = False
    seen_at: str | None = None
    note: str | None = None

    def problems(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for name in ("amount", "low", "per_day", "per_cycle", "per_cycle_low"):
            q = getattr(self, name)
            if q is not None and q.dimension != "mass":
                out.append((name, f"{name} must be a dose (mg, g, mg/m2 ...), not {q.unit}"))
        for name in ("duration", "duration_low"):
            q = getattr(self, name)
            if q is not None and q.dimension != "time":
                out.append((name, f"{name} must be a time (min or h), not {q.unit}"))
        if self.rate is not None and self.rate.dimension != "rate":
            out.append(("rate", f"rate must be a rate (mg/m2/min), not {self.rate.unit}"))
        for lo, hi in (("low", "amount"), ("per_cycle_low", "per_cycle"), ("duration_low", "duration")):
            a, b = getattr(self, lo), getattr(self, hi)
            if a is not None and (b is None or (a.dimension, a.per) != (b.dimension, b.per) or a.base() > b.base()):
                out.append((lo, f"{lo} needs {hi} in the same kind of unit, and may not be above it"))
        if any(not 1 <= d <= 366 for d in self.days) or list(self.days) != sorted(self.days):
            out.append(("days", "days are cycle days from 1, in increasing order"))
        if self.times is not None and not 1 <= self.times <= 24:
            out.append(("times", "times (administrations a day) must be 1 to 24"))
        if self.cycle_days is not None and not 1 <= self.cycle_days <= 366:
            out.append(("cycle_days", "cycle_days must be 1 to 366"))
        if self.daily and self.days:
            out.append(("daily", "a dose is either daily (continuous) or on listed days, not both"))
        if self.cycle_days is not None and any(d > self.cycle_days for d in self.days):
            out.append(("days", f"day {max(self.days)} is past the end of the {self.cycle_days}-day cycle"))
        if (self.fraction_of is None) != (self.percent is None):
            out.append(("percent", "fraction_of and percent go together"))
        elif self.percent is not None and not 0 < self.percent <= 1000:
            out.append(("percent", "percent must be above 0"))
        return out


@record(frozen=True)
class Limit:
    """A limit written in a source. ``counts`` (cumulative limits) names the drugs or
    classes whose doses add up towards it; by default the drug itself. ``in_terms_of``
    is the agent whose mg/m2 the limit is written in (by default the drug itself): the
    other agents it counts are converted with the equivalence ratios on record
    (rules of topic ``equivalence``), and an agent with no ratio is *not converted*."""

    scope: Literal["per-dose", "per-cycle", "daily", "cumulative", "rate", "duration"]
    severity: Literal["hard", "soft"]
    max: Quantity
    basis: str
    cite: Cites = field(metadata=ONE)
    when: DoseContext | None = None
    counts: tuple[str, ...] = ()
    in_terms_of: DrugRef | None = None
    status: Literal["label", "trial", "guidance", "source"] = "source"

    def problems(self) -> list[tuple[str, str]]:
        want = {"rate": "rate", "duration": "time"}.get(self.scope, "mass")
        if self.max.dimension != want:
            return [("max", f"a {self.scope} limit must be written as a {want}"
                            f"{' (min or h)' if want == 'time' else ' (mg/m2/min)' if want == 'rate' else ' (mg, g, mg/m2 ...)'}, not {self.max.unit}")]
        if (self.counts or self.in_terms_of) and self.scope != "cumulative":
            return [("counts", "counts and in_terms_of are for cumulative limits only")]
        if self.scope == "cumulative" and self.max.per == "kg":
            return [("max", "a cumulative limit is written per m2 or as a total (mg), not per kg")]
        return []


@record(frozen=True)
class Toxicity:
    name: str
    cite: Cites = field(metadata=ONE)
    detail: str | None = None
    boxed: bool = False


@record(frozen=True)
class Drug:
    id: Ident
    name: str
    lms_status: Literal[vocab.LMS_STATUSES]
    summary: str
    cite: Cites = field(metadata=ONE)
    mechanism: str | None = None
    route: tuple[Route, ...] = ()
    brands: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    approvals: tuple[Approval, ...] = ()
    doses: tuple[Dose, ...] = ()
    limits: tuple[Limit, ...] = ()
    toxicities: tuple[Toxicity, ...] = ()
    supportive_care: tuple[Note, ...] = ()
    notes: tuple[Note, ...] = ()
    discrepancies: tuple[Discrepancy, ...] = ()
    replace: bool = False

    def problems(self) -> list[tuple[str, str]]:
        out = []
        for soft in (lim for lim in self.limits if lim.severity == "soft"):
            for hard in self.limits:
                if hard.severity == "hard" and (hard.scope, hard.when) == (soft.scope, soft.when):
                    if (hard.max.dimension, hard.max.per) == (soft.max.dimension, soft.max.per) \
                            and soft.max.base() > hard.max.base():
                        out.append(("limits", f"soft limit {soft.max} is above hard limit {hard.max} ({soft.scope})"))
        for i, d in enumerate(self.doses):
            if d.route is not None and self.route and d.route not in self.route:
                out.append(("doses", f"dose {i + 1} ({d.context}): route {d.route} is not among the drug's routes"))
        if sum(1 for d in self.doses if d.standard) > 1:
            out.append(("doses", "at most one dose may be marked standard"))
        return out
