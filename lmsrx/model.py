"""Typed records of the knowledge base. Pure: no I/O, no Typer, no Rich.

The field names and type hints here *are* the schema: :mod:`lmsrx.schema` reads
them to validate the YAML (unknown keys, enumerations, units, references).
A field whose YAML key differs from its Python name says so in ``metadata``.
"""
from __future__ import annotations

import typing
from lmsrx.records import field, record
from typing import Literal

from lmsrx import vocab
from lmsrx.units import Quantity


class Ident(str):
    """A lowercase id with hyphens: ``pegylated-liposomal-doxorubicin``."""


class Date(str):
    """An ISO date, possibly partial: ``2019``, ``2019-08`` or ``2019-08-15``."""


class DrugRef(Ident):
    kind = "drugs"


class EvidenceRef(Ident):
    kind = "evidence"


class ReferenceRef(Ident):
    kind = "references"


class RegimenRef(Ident):
    kind = "regimens"


Setting = Literal[vocab.SETTINGS]
Site = Literal[vocab.SITES]
Grade = Literal[vocab.GRADES]
Biomarker = Literal[vocab.BIOMARKERS]
PatientCondition = Literal[vocab.CONDITIONS]
Cites = tuple[ReferenceRef, ...]

ONE = {"min_items": 1}


def key(name: str, **extra: object) -> dict[str, object]:
    return {"key": name, **extra}


# ---------------------------------------------------------------- references
@record(frozen=True)
class Reference:
    id: Ident
    kind: Literal["article", "review", "regulatory", "label", "regimen-library", "trial-page", "guidance", "unidentified"]
    verified: Literal["yes", "partial", "no"]
    title: str | None = None
    authors: tuple[str, ...] = ()
    journal: str | None = None
    publisher: str | None = None
    year: int | None = None
    volume_pages: str | None = None
    pmid: int | None = None
    doi: str | None = None
    nct: tuple[str, ...] = ()
    date: Date | None = None
    seen_at: str | None = None
    topic: str | None = None
    note: str | None = None
    replace: bool = False


# ---------------------------------------------------------------- shared parts
@record(frozen=True)
class Discrepancy:
    """The source's figure beside the checked record's, both kept."""

    topic: str
    source_says: str
    record_says: str
    cite: Cites = field(metadata=ONE)


@record(frozen=True)
class Note:
    text: str
    cite: Cites = field(metadata=ONE)


# ---------------------------------------------------------------- drugs
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
    regimens: tuple[RegimenRef, ...] = ()
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


# ---------------------------------------------------------------- evidence
@record(frozen=True)
class Effect:
    measure: Literal["hazard-ratio", "ratio-as-reported", "fold-change"]
    value: float | None = None
    ci: tuple[float, ...] = ()

    def problems(self) -> list[tuple[str, str]]:
        if self.ci and (len(self.ci) != 2 or self.ci[0] > self.ci[1]):
            return [("ci", "a confidence interval is two numbers, low then high")]
        if self.value is not None and self.ci and not self.ci[0] <= self.value <= self.ci[1]:
            return [("ci", f"value {self.value} lies outside its interval")]
        return []


@record(frozen=True)
class Endpoint:
    """One reported figure, typed: ``kind`` says what its numbers are.

    * ``value``: one number, of the arm named in ``arm`` (or of the whole population);
    * ``range``: two numbers, the low and high ends of a reported range (never two arms);
    * ``arms``: one number per arm of the evidence record, in the order of its ``arms``
      (``arm_order_unknown`` when the record does not say which is which).

    ``cis`` holds a confidence interval per number; ``effect`` a ratio with its kind.
    """

    name: str
    origin: Literal["source", "publication"]
    cite: Cites = field(metadata=ONE)
    values: tuple[float, ...] = field(default=(), metadata={"repeats": True})
    kind: Literal["value", "range", "arms"] | None = None
    arm: str | None = None
    cis: tuple[tuple[float, ...], ...] = field(default=(), metadata={"repeats": True})
    unit: Literal["months", "percent", "years", "patients", "responses"] | None = None
    timepoint: str | None = None
    population: str | None = None
    effect: Effect | None = None
    p: str | None = None
    note: str | None = None
    arm_order_unknown: bool = False

    @property
    def figure_kind(self) -> str:
        if self.kind is not None:
            return self.kind
        return "value" if len(self.values) <= 1 else "arms"

    def problems(self) -> list[tuple[str, str]]:
        if self.values and self.unit is None:
            return [("unit", "figures need a unit")]
        if self.figure_kind == "range" and (len(self.values) != 2 or self.values[0] > self.values[1]):
            return [("values", "a range is two numbers, low then high")]
        if self.figure_kind == "value" and len(self.values) > 1:
            return [("values", "kind 'value' takes one number")]
        if self.arm is not None and self.figure_kind != "value":
            return [("arm", "'arm' names the arm of a single value; a comparison takes one value per arm")]
        if self.cis and (len(self.cis) != len(self.values) or any(len(c) != 2 or c[0] > c[1] for c in self.cis)):
            return [("cis", "one interval (low, high) per value")]
        return []


@record(frozen=True)
class Design:
    kind: Literal[
        "randomised-trial", "single-arm-trial", "trial", "pooled-analysis", "retrospective",
        "guideline", "narrative", "preclinical", "case-reports", "regulatory",
    ]
    phase: Literal["I", "I/II", "Ib/II", "II", "III"] | None = None
    randomised: bool = False
    patients: int | None = None
    n_note: str | None = None
    stopped_early: bool = False


@record(frozen=True)
class Evidence:
    id: Ident
    title: str
    summary: str
    design: Design
    settings: tuple[Setting, ...] = field(metadata=ONE)
    cite: Cites = field(metadata=ONE)
    drugs: tuple[DrugRef, ...] = ()
    population: str | None = None
    arms: tuple[str, ...] = ()
    arm_regimens: tuple[tuple[RegimenRef, ...], ...] = field(default=(), metadata={"repeats": True})
    lms_result: Literal["supports", "negative", "other-histology", "refuted", "background"] = "supports"
    # the arm (from 0) the trial's main result supports: the better arm; or the standard arm, when the experimental
    # arm failed to beat it on the primary end point. A regimen in another arm gains no strength from the trial.
    favoured_arm: int | None = None
    endpoints: tuple[Endpoint, ...] = ()
    findings: tuple[str, ...] = ()
    conclusion: str | None = None
    discrepancies: tuple[Discrepancy, ...] = ()
    related: tuple[EvidenceRef, ...] = ()
    newer_than_source: bool = False
    replace: bool = False

    def problems(self) -> list[tuple[str, str]]:
        out = []
        for ep in self.endpoints:
            if ep.figure_kind == "arms" and len(ep.values) != len(self.arms):
                out.append(("endpoints", f"{ep.name!r} has {len(ep.values)} figures for {len(self.arms)} arms"))
            if ep.arm is not None and ep.arm not in self.arms:
                out.append(("endpoints", f"{ep.name!r}: arm {ep.arm!r} is not one of the record's arms"))
        if self.favoured_arm is not None and self.favoured_arm >= len(self.arms):
            out.append(("favoured_arm", f"arm {self.favoured_arm} does not exist (arms count from 0)"))
        if self.arm_regimens and len(self.arm_regimens) != len(self.arms):
            out.append(("arm_regimens", "give the regimens of each arm, in the order of 'arms' ([] for an arm of none)"))
        return out


# ---------------------------------------------------------------- regimens
@record(frozen=True)
class Criterion:
    """One eligibility test. ``why`` says it in words; ``needs`` names what is missing when unknown."""

    test: Literal[
        "setting", "line", "site", "grade", "size-over", "size-at-least", "depth", "age", "biomarker",
        "prior-none", "anthracycline-eligible", "after-anthracycline", "progressed-or-no-alternative", "never",
    ]
    why: str
    values: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    over: float | None = None
    needs: str | None = None
    cite: Cites = ()


    def problems(self) -> list[tuple[str, str]]:
        allowed = _CRITERION_VALUES.get(self.test)
        bad = [v for v in (*self.values, *self.negatives) if allowed is not None and v not in allowed]
        if bad:
            return [("values", f"{', '.join(bad)} not valid for test {self.test!r}; expected: {', '.join(allowed)}")]
        if self.test == "biomarker" and len(self.negatives) != len(self.values):
            return [("negatives", "give one negative marker for each positive one, in the same order")]
        return []


_CRITERION_VALUES: dict[str, tuple[str, ...]] = {
    "setting": typing.get_args(Setting),
    "site": typing.get_args(Site),
    "grade": typing.get_args(Grade),
    "depth": vocab.DEPTHS,
    "biomarker": typing.get_args(Biomarker),
}


@record(frozen=True)
class Caution:
    """A warning shown with a candidate: always, for a patient condition, or outside the trials' sites."""

    when: Literal["always", "cardiac", "renal", "hepatic", "site-not-in", "depth-not", "age-outside", "anthracycline-ineligible",
                  "prior"]
    text: str
    cite: Cites = field(metadata=ONE)
    values: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None

    def problems(self) -> list[tuple[str, str]]:
        allowed = {"site-not-in": vocab.SITES, "depth-not": vocab.DEPTHS}.get(self.when)
        if allowed is not None and (not self.values or any(v not in allowed for v in self.values)):
            return [("values", f"{self.when} needs values from: {', '.join(allowed)}")]
        if self.when == "age-outside" and self.min is None and self.max is None:
            return [("min", "age-outside needs min and/or max (years)")]
        if self.when == "prior" and not self.values:
            return [("values", "prior needs values: the drugs or classes whose prior use the caution is about")]
        return []


@record(frozen=True)
class Preference:
    """A preference the source states (``anthracyclines are usually the first choice``): ranks first, cited."""

    text: str
    cite: Cites = field(metadata=ONE)
    lines: tuple[int, ...] = ()


@record(frozen=True)
class Regimen:
    id: Ident
    name: str
    drugs: tuple[DrugRef, ...] = field(metadata=ONE)
    family: Literal["anthracycline-based", "gemcitabine-based", "alkylating", "targeted", "hormonal",
                    "immunotherapy", "histology-tailored", "other"]
    settings: tuple[Setting, ...] = field(metadata=ONE)
    recommendation: Literal["standard", "option", "not-recommended", "withdrawn"]
    summary: str
    evidence: tuple[EvidenceRef, ...] = field(metadata=ONE)
    cite: Cites = field(metadata=ONE)
    criteria: tuple[Criterion, ...] = ()
    components: tuple[str, ...] = ()
    guideline: str | None = None
    cautions: tuple[Caution, ...] = ()
    preferred: Preference | None = None
    newer_than_source: bool = False
    replace: bool = False


# ---------------------------------------------------------------- classes and label rules
class ClassRef(Ident):
    kind = "classes"


class Span(str):
    """A range of a measured value, as a label writes it: ``"> 5"``, ``">= 1.2"``, ``"< 8"``, ``"1.2-3"`` (both ends
    included) or comparisons joined by commas (``"> 3, <= 5"``). Parsed by :func:`span_bounds`."""


def span_bounds(text: str) -> tuple[float | None, bool, float | None, bool]:
    """``(low, low_included, high, high_included)`` of a :class:`Span`; raises ValueError if it cannot be read."""
    import re

    number = r"([0-9]+(?:\.[0-9]+)?)"
    lo: float | None = None
    hi: float | None = None
    lo_in = hi_in = False
    if len(text) > 40:
        raise ValueError("a range is at most 40 characters")
    for part in text.split(","):
        part = part.strip()
        m = re.fullmatch(number + r"\s*-\s*" + number, part)
        if m:
            a, b = float(m.group(1)), float(m.group(2))
            if a > b:
                raise ValueError(f"{part!r}: the low end comes first")
            if lo is not None or hi is not None:
                raise ValueError(f"{text!r}: one low end and one high end at most")
            lo, lo_in, hi, hi_in = a, True, b, True
            continue
        m = re.fullmatch(r"(>=|<=|>|<)\s*" + number, part)
        if not m:
            raise ValueError(f"cannot read {part!r}: write '> 5', '>= 1.2', '< 8', '<= 3', '1.2-3' or '> 3, <= 5'")
        op, value = m.group(1), float(m.group(2))
        if (lo if op.startswith(">") else hi) is not None:
            raise ValueError(f"{text!r}: one low end and one high end at most")
        if op.startswith(">"):
            lo, lo_in = value, op == ">="
        else:
            hi, hi_in = value, op == "<="
    if any(x is not None and x > 1_000_000 for x in (lo, hi)):
        raise ValueError(f"{text!r}: a bound above 1000000")
    if hi is not None and (hi < 0 or (hi == 0 and not hi_in) or (hi == 0 and hi_in and lo is None)):
        raise ValueError(f"{text!r} contains no measurable value")
    if lo is not None and hi is not None and (lo > hi or (lo == hi and not (lo_in and hi_in))):
        raise ValueError(f"{text!r} contains no value")
    return lo, lo_in, hi, hi_in


ChildPugh = Literal["A", "B", "C"]
HepaticClass = Literal[vocab.HEPATIC]


@record(frozen=True)
class Condition:
    """When a rule applies: every measure named here must hold (the rule lists alternatives). Each measure is
    in the label's own terms; a patient fact in other terms does not answer it (lmsrx says which is needed)."""

    hepatic: tuple[HepaticClass, ...] = ()        # the label's own category (normal, mild, moderate, severe)
    child_pugh: tuple[ChildPugh, ...] = ()
    bilirubin_mg_dl: Span | None = None
    bilirubin_uln: Span | None = None              # times the upper limit of normal
    ast_uln: Span | None = None
    alt_uln: Span | None = None
    alp_uln: Span | None = None
    crcl_ml_min: Span | None = None
    creatinine_mg_dl: Span | None = None
    age_years: Span | None = None
    conditions: tuple[PatientCondition, ...] = ()        # a patient condition (cardiac, renal, hepatic) as stated

    def problems(self) -> list[tuple[str, str]]:
        if not any(getattr(self, f.name) for f in fields_of(Condition)):
            return [("hepatic", "a condition names at least one measure")]
        return []


@record(frozen=True)
class Rule:
    """One label rule, cited: what a label (or guidance) says to do for a drug, or every drug of a class,
    in a circumstance. ``when`` lists alternatives (any may hold); no ``when`` means the rule cannot be
    decided from patient facts and is shown as information (a contraindication to check).

    Actions: ``contraindicated`` and ``do-not-give`` stop (a dose ``exceeds``; an option is excluded);
    ``not-recommended``, ``caution`` and ``no-data`` warn (``no-data`` = *not verified*); ``dose`` gives the
    dose on record for the circumstance (``doses``, or ``percent`` of the usual dose), checked like any
    dose; ``no-adjustment`` keeps the usual doses; ``ratio`` (topic ``equivalence``) converts the drug's
    mg to doxorubicin's (``to``). A rule ``seen_once`` (one page only) may make a check stricter, never
    milder: lmsrx shows it and says so."""

    id: Ident
    applies_to: tuple[Ident, ...] = field(metadata=ONE)  # drugs or classes (a class rule reaches every member)
    topic: Literal["hepatic", "renal", "age", "contraindication", "equivalence"]
    action: Literal["contraindicated", "do-not-give", "not-recommended", "caution", "no-data", "dose", "no-adjustment",
                    "ratio"]
    text: str
    cite: Cites = field(metadata=ONE)
    when: tuple[Condition, ...] = ()
    status: Literal["label", "non-us-label", "publication", "guidance", "institution"] = "label"
    seen_once: bool = False
    newer_than_source: bool = False
    doses: tuple[Dose, ...] = ()
    percent: float | None = None
    ratio: float | None = None
    to: DrugRef | None = None
    combination: bool | None = None  # true: only when given with other drugs; false: only when given alone
    note: str | None = None
    replace: bool = False

    def problems(self) -> list[tuple[str, str]]:
        dose_action = self.action == "dose"
        if dose_action and (not self.doses) == (self.percent is None):
            return [("action", "a dose rule gives either doses or percent (a share of the usual dose)")]
        if not dose_action and (self.doses or self.percent is not None):
            return [("doses", "doses and percent go with action: dose")]
        if self.percent is not None and not 0 < self.percent < 100:
            return [("percent", "percent is a share of the usual dose, above 0 and below 100")]
        if (self.topic == "equivalence") != (self.action in ("ratio", "no-data") and self.to is not None):
            return [("topic", "an equivalence rule has action ratio (with ratio) or no-data, and 'to' (the reference agent)")]
        if (self.action == "ratio") != (self.ratio is not None):
            return [("ratio", "ratio goes with action: ratio")]
        if self.ratio is not None and not 0 < self.ratio <= 100:
            return [("ratio", "a ratio is above 0 (mg of the reference agent per mg of this one)")]
        if self.topic in ("hepatic", "renal", "age") and not self.when:
            return [("when", f"a {self.topic} rule says when it applies")]
        measures = {"hepatic": ("hepatic", "child_pugh", "bilirubin_mg_dl", "bilirubin_uln", "ast_uln", "alt_uln", "alp_uln"),
                    "renal": ("crcl_ml_min", "creatinine_mg_dl"), "age": ("age_years",)}.get(self.topic)
        for c in self.when if measures else ():
            other = [f.name for f in fields_of(Condition) if getattr(c, f.name) and f.name not in measures]
            if other:
                return [("when", f"a {self.topic} rule is decided by {', '.join(measures)}; not {', '.join(other)}")]
        return []


@record(frozen=True)
class Member:
    """A drug in a class, with the record that puts it there."""

    drug: DrugRef
    cite: Cites = field(metadata=ONE)
    seen_once: bool = False
    note: str | None = None


@record(frozen=True)
class DrugClass:
    """A class of drugs, cited, with the eligibility criteria and cautions that reach every regimen holding a
    member. An institution file adds members, criteria or cautions to a built-in class with ``extend: true``."""

    id: Ident
    name: str | None = None
    cite: Cites = ()
    members: tuple[Member, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    cautions: tuple[Caution, ...] = ()
    note: str | None = None
    extend: bool = False
    replace: bool = False

    def problems(self) -> list[tuple[str, str]]:
        if self.extend and (self.replace or self.name is not None):
            return [("extend", "extend adds to a class declared elsewhere: no name, and not with replace")]
        if not self.extend and (self.name is None or not self.cite):
            return [("name", "a class needs a name and cite (or extend: true, to add to one declared elsewhere)")]
        drugs = [m.drug for m in self.members]
        if len(set(drugs)) != len(drugs):
            return [("members", "a drug is listed twice")]
        return []


def fields_of(cls: type) -> tuple:
    from lmsrx.records import fields

    return fields(cls)


# ---------------------------------------------------------------- the whole base
@record(frozen=True)
class Meta:
    name: str
    version: str
    review_date: Date
    summary: str
    sources: tuple[str, ...] = field(metadata=ONE)


KINDS: dict[str, type] = {
    "references": Reference,
    "drugs": Drug,
    "evidence": Evidence,
    "regimens": Regimen,
    "classes": DrugClass,
    "rules": Rule,
}
