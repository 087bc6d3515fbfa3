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
