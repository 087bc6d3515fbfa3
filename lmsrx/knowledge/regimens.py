"""Regimen records: eligibility criteria, cautions, the source's preferences. Pure."""
from __future__ import annotations

import typing
from typing import Literal

from lmsrx import vocab
from lmsrx.knowledge.types import ONE, Biomarker, Cites, DrugRef, EvidenceRef, Grade, Ident, Setting, Site
from lmsrx.records import field, record


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
class ScheduleLine:
    """One drug of a phase: which of that drug's doses on record it gives (by the dose record's id). The dose
    record holds the amount, route, days and infusion time; ``days`` is given here only for a dose recorded as
    once every cycle with no day named (the cycle is counted from that dose: day 1)."""

    drug: DrugRef
    dose: Ident
    days: tuple[int, ...] = ()


@record(frozen=True)
class Support:
    """Support given with a regimen: a drug whose dose is on record (computed for the patient: ``dose`` names the
    record, ``days`` the cycle days when the record names none, ``with_drug`` the drug whose days a share of it
    follows, as mesna follows ifosfamide), or a statement only (``dose`` absent: G-CSF with no dose recorded,
    hydration, antiemetics)."""

    text: str
    cite: Cites = field(metadata=ONE)
    drug: DrugRef | None = None
    dose: Ident | None = None
    days: tuple[int, ...] = ()
    with_drug: DrugRef | None = None
    before_min: int | None = None

    def problems(self) -> list[tuple[str, str]]:
        if self.dose is not None and self.drug is None:
            return [("dose", "a support dose names its drug")]
        if self.days and self.with_drug is not None:
            return [("days", "support is given on its own days or on those of with_drug, not both")]
        return []


@record(frozen=True)
class Modification:
    """A dose change on record: the scheduled doses times ``percent`` / 100 ``when`` it applies."""

    percent: float
    when: str
    cite: Cites = field(metadata=ONE)


@record(frozen=True)
class Phase:
    """A run of cycles with the same drugs: ``cycles`` of ``cycle_days`` days (``cycles_text`` says it in words
    where the record gives no number; ``continuous`` for daily dosing with no cycle on record)."""

    lines: tuple[ScheduleLine, ...] = field(metadata=ONE)
    name: str | None = None
    cycle_days: int | None = None
    cycles: int | None = None
    cycles_text: str | None = None
    continuous: bool = False

    def problems(self) -> list[tuple[str, str]]:
        if self.continuous and self.cycle_days is not None:
            return [("continuous", "a continuous phase has no cycle length")]
        if self.cycle_days is not None and not 1 <= self.cycle_days <= 366:
            return [("cycle_days", "cycle_days must be 1 to 366")]
        late = [d for ln in self.lines for d in ln.days if self.cycle_days is not None and d > self.cycle_days]
        if late:
            return [("lines", f"day {max(late)} is past the end of the {self.cycle_days}-day cycle")]
        if self.cycles is not None and not 1 <= self.cycles <= 100:
            return [("cycles", "cycles must be 1 to 100")]
        return []


@record(frozen=True)
class Variant:
    """One schedule of a regimen as a record gives it (regimens given differently by different records have
    several, each named and cited)."""

    id: Ident
    name: str
    phases: tuple[Phase, ...] = field(metadata=ONE)
    cite: Cites = field(metadata=ONE)
    support: tuple[Support, ...] = ()
    modifications: tuple[Modification, ...] = ()
    newer_than_source: bool = False
    note: str | None = None


@record(frozen=True)
class Schedule:
    """How a regimen is given: its variants, or (``not_on_record``) why no dose of it is on record."""

    variants: tuple[Variant, ...] = ()
    not_on_record: str | None = None
    cite: Cites = ()

    def problems(self) -> list[tuple[str, str]]:
        if bool(self.variants) == bool(self.not_on_record):
            return [("variants", "a schedule gives its variants, or says why none is on record (not_on_record), not both")]
        if self.not_on_record and not self.cite:
            return [("cite", "say where the missing schedule was looked for (cite)")]
        ids = [v.id for v in self.variants]
        if len(set(ids)) != len(ids):
            return [("variants", "variant ids must differ")]
        return []


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
    schedule: Schedule | None = None
    guideline: str | None = None
    cautions: tuple[Caution, ...] = ()
    preferred: Preference | None = None
    newer_than_source: bool = False
    replace: bool = False
