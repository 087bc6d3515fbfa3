"""Evidence records: design, arms, typed end points. Pure."""
from __future__ import annotations

from typing import Literal

from lmsrx.knowledge.types import (
    ONE,
    Cites,
    Discrepancy,
    DrugRef,
    EvidenceRef,
    Ident,
    LevelOfEvidence,
    RegimenRef,
    Setting,
)
from lmsrx.records import field, record


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
    origin: Literal["source", "publication", "congress", "regulatory"]
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
    phase: Literal["I", "I/II", "Ib/II", "II", "II/III", "III"] | None = None
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
    grades: tuple[LevelOfEvidence, ...] = ()
    # a result known only from a congress presentation (the meeting named): not peer-reviewed, figures as presented
    congress: str | None = None
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
