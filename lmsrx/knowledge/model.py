"""The schema of the knowledge base, in one place: its record kinds (:data:`KINDS`), its metadata, and every record
class under one name (defined by kind in :mod:`~lmsrx.knowledge.types`, :mod:`~lmsrx.knowledge.drugs`,
:mod:`~lmsrx.knowledge.evidence`, :mod:`~lmsrx.knowledge.regimens` and :mod:`~lmsrx.knowledge.rules`). The record
classes' fields and type hints *are* the schema: :mod:`lmsrx.knowledge.schema` reads them to validate the YAML. Pure.
"""
from __future__ import annotations

from lmsrx.knowledge.drugs import CONTEXT_TEXT, Approval, Dose, DoseContext, Drug, Limit, Route, Toxicity
from lmsrx.knowledge.evidence import Design, Effect, Endpoint, Evidence
from lmsrx.knowledge.regimens import (
    Caution,
    Criterion,
    Modification,
    Phase,
    Preference,
    Regimen,
    Schedule,
    ScheduleLine,
    Support,
    Variant,
)
from lmsrx.knowledge.rules import (
    ChildPugh,
    Condition,
    DrugClass,
    HepaticClass,
    Member,
    Rule,
    Span,
    fields_of,
    span_bounds,
)
from lmsrx.knowledge.types import (
    ONE,
    Biomarker,
    Cites,
    ClassRef,
    Date,
    Discrepancy,
    DrugRef,
    EvidenceRef,
    Grade,
    Ident,
    Note,
    PatientCondition,
    Reference,
    ReferenceRef,
    RegimenRef,
    Setting,
    Site,
    key,
)
from lmsrx.records import field, record

__all__ = ["CONTEXT_TEXT", "KINDS", "ONE", "Approval", "Biomarker", "Caution", "ChildPugh", "Cites", "ClassRef", "Condition",
           "Criterion", "Date", "Design", "Discrepancy", "Dose", "DoseContext", "Drug", "DrugClass", "DrugRef", "Effect",
           "Endpoint", "Evidence", "EvidenceRef", "Grade", "HepaticClass", "Ident", "Limit", "Member", "Meta", "Modification", "Note",
           "PatientCondition", "Phase", "Preference", "Reference", "ReferenceRef", "Regimen", "RegimenRef", "Route", "Rule", "Schedule", "ScheduleLine",
           "Setting", "Site", "Span", "Support", "Toxicity", "Variant", "fields_of", "key", "span_bounds"]


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
