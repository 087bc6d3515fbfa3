"""The id, date and reference types of the knowledge base's records, and the records every kind shares (references, notes, discrepancies). Pure: no I/O."""
from __future__ import annotations

from typing import Literal

from lmsrx import vocab
from lmsrx.records import field, record


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


class ClassRef(Ident):
    kind = "classes"


Setting = Literal[vocab.SETTINGS]


Site = Literal[vocab.SITES]


Grade = Literal[vocab.GRADES]


Biomarker = Literal[vocab.BIOMARKERS]


PatientCondition = Literal[vocab.CONDITIONS]


Cites = tuple[ReferenceRef, ...]


ONE = {"min_items": 1}


def key(name: str, **extra: object) -> dict[str, object]:
    return {"key": name, **extra}


@record(frozen=True)
class Reference:
    id: Ident
    kind: Literal["article", "review", "regulatory", "label", "regimen-library", "trial-page", "guidance", "unidentified",
                  "congress-report"]
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

    def problems(self) -> list[tuple[str, str]]:
        out = []
        if self.year is not None and not 1800 <= self.year <= 2100:
            out.append(("year", f"year {self.year} is not a publication year (1800 to 2100)"))
        if self.date is not None and not 1800 <= int(self.date[:4]) <= 2100:
            out.append(("date", f"date {self.date} is not a publication date (years 1800 to 2100)"))
        return out


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


def is_level(text: str) -> bool:
    """A level of evidence as NCI PDQ prints them: a letter A-D and a digit 1-3 (``A1``)."""
    import re

    return re.fullmatch(r"[A-D][1-3]", text) is not None


@record(frozen=True)
class LevelOfEvidence:
    """A level of evidence a named system printed beside a statement about this study ("NCI PDQ level of evidence
    A1"). It grades the study (design and end point), not a recommendation: never shown as a guideline grade."""

    system: Literal["NCI PDQ"]
    level: str
    statement: str
    source: ReferenceRef
    endpoint: str | None = None  # the end point the level is printed for, where the system prints one per end point

    def problems(self) -> list[tuple[str, str]]:
        if not is_level(self.level):
            return [("level", f"{self.level!r} is not a level as PDQ prints them (a letter A-D and a digit 1-3, e.g. A1)")]
        return []
