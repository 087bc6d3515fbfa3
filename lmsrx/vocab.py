"""The vocabulary, defined once: the model's types, the validator, the CLI's choices (listed in help,
completed in the shell, checked before any work) and the renderer all use these tuples. Pure and
cheap to import (no record classes, no YAML), so ``--help`` and completion can use it.
"""
from __future__ import annotations

from typing import Any

SETTINGS = ("adjuvant", "neoadjuvant", "metastatic")
SITES = ("uterine", "extremity", "trunk", "retroperitoneal", "other")
GRADES = ("low", "intermediate", "high")
DEPTHS = ("deep", "superficial")
MARGINS = ("negative", "positive")
BIOMARKERS = ("msi-h", "dmmr", "ntrk-fusion", "er-positive", "pr-positive",
              "mss", "pmmr", "ntrk-negative", "er-negative", "pr-negative")
CONDITIONS = ("cardiac", "renal", "hepatic", "cardiomyopathy", "heart-failure", "recent-mi", "severe-arrhythmia")
CARDIAC = ("cardiomyopathy", "heart-failure", "recent-mi", "severe-arrhythmia")  # each is a cardiac condition too
LMS_STATUSES = ("approved", "approved-sts", "tumour-agnostic", "off-label", "withdrawn", "not-recommended", "supportive",
                "unrecorded")
DRUG_CLASSES = ("anthracycline", "alkylating-agent", "tyrosine-kinase-inhibitor", "microtubule-inhibitor",
                "aromatase-inhibitor", "checkpoint-inhibitor", "anti-pdgfra-antibody", "ntrk-inhibitor", "uroprotector")
ROUTES = ("iv", "oral", "sc")
FORMULAS = ("mosteller", "dubois")
PER = ("administration", "day", "cycle")
HEPATIC = ("normal", "mild", "moderate", "severe")
FAIL_ON = ("exceeds", "warning")
FORMATS = ("table", "json", "ndjson", "csv", "tsv", "markdown")
COLORS = ("auto", "always", "never")
CITE_FORMATS = ("text", "bibtex", "ris", "csl-json")
STATUSES = ("eligible", "conditional", "excluded")  # an option's status
VERDICTS = ("met", "not met", "unknown")  # a criterion's (or a label rule's) verdict
MET, UNMET, UNKNOWN = VERDICTS
RESULTS = ("ok", "note", "warning", "exceeds")  # a dose check's result, mildest first


def conditions(given: list[str] | tuple[str, ...]) -> frozenset[str]:
    """The patient's conditions as given, with 'cardiac' for each named heart condition."""
    out = set(given)
    if out & set(CARDIAC):
        out.add("cardiac")
    return frozenset(out)


def choices(name: str, values: tuple[str, ...], repeatable: bool = False) -> Any:
    """A CLI choice (Typer lists it in help, completes it and hands the command the plain text): a ``Literal`` of the
    values, or for a repeatable option a str ``Enum`` named ``name`` (Typer reads a list of Enum members, not of
    Literal values). A Literal costs microseconds; an Enum class about 0.2 ms at every start."""
    if repeatable:
        from enum import Enum

        return Enum(name, {v: v for v in values}, type=str)
    from typing import Literal

    return Literal[values]


def did_you_mean(name: object, pool: list[str] | tuple[str, ...], n: int = 3, quote: bool = False) -> str:
    """The one suggestion helper: ' (did you mean a, b?)' for the closest names, or ''."""
    import difflib

    close = difflib.get_close_matches(str(name).strip().lower()[:100], list(pool), n=n, cutoff=0.6)
    if not close:
        return ""
    shown = ", ".join(repr(c) if quote else c for c in close)
    return f" (did you mean {shown}?)"
