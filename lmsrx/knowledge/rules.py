"""Drug classes and label rules (organ function, age, contraindications, equivalence), as records. Pure."""
from __future__ import annotations

import functools
from typing import Literal

from lmsrx import vocab
from lmsrx.knowledge.drugs import Dose
from lmsrx.knowledge.regimens import Caution, Criterion
from lmsrx.knowledge.types import ONE, Cites, DrugRef, Ident, PatientCondition
from lmsrx.records import field, record


class Span(str):
    """A range of a measured value, as a label writes it: ``"> 5"``, ``">= 1.2"``, ``"< 8"``, ``"1.2-3"`` (both ends
    included) or comparisons joined by commas (``"> 3, <= 5"``). Parsed by :func:`span_bounds`."""


@functools.lru_cache(maxsize=512)  # a base holds a few dozen spans, read for every rule, option and patient
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
