"""The patient description: validation and normalisation. Pure: no Typer, no Rich.

A patient comes from command-line flags, a YAML/JSON file or one NDJSON line;
all three go through :func:`from_mapping`, so the rules are the same.
"""
from __future__ import annotations

import math
from typing import Any

from lmsrx import vocab
from lmsrx.clinical.facts import Facts
from lmsrx.errors import UsageError
from lmsrx.records import field, record
from lmsrx.text import check_id
from lmsrx.vocab import BIOMARKERS, CONDITIONS, DEPTHS, GRADES, MARGINS, SETTINGS, SITES  # noqa: E402

MAX_LINE = 10
MAX_SIZE_CM = 100.0
KEYS = ("id", "setting", "line", "histology", "grade", "size_cm", "depth", "age", "margin", "biomarkers", "prior",
        "progressed_on", "conditions", "anthracycline_ineligible", "exclude",
        "hepatic", "child_pugh", "bilirubin", "ast", "alt", "alp", "crcl", "creatinine")
FACT_KEYS = KEYS[-8:]  # organ function, read by lmsrx.labelrules
MAX_AGE = 120
FACT_NAMES = {k: k for k in ("hepatic", "child_pugh", "bilirubin", "ast", "alt", "alp", "crcl", "creatinine")}
OPPOSITES = (("msi-h", "mss"), ("dmmr", "pmmr"), ("ntrk-fusion", "ntrk-negative"),
             ("er-positive", "er-negative"), ("pr-positive", "pr-negative"))

SITE_HELP = {
    "uterine": "primary in the uterus (uterine LMS)",
    "extremity": "primary in an arm or leg",
    "trunk": "primary in the trunk (chest or abdominal wall, back)",
    "retroperitoneal": "primary in the retroperitoneum",
    "other": "any other site (e.g. vascular, gastrointestinal, skin)",
}


@record(frozen=True)
class Patient:
    id: str | None = None
    setting: str | None = None
    line: int | None = None
    histology: str | None = None
    grade: str | None = None
    size_cm: float | None = None
    depth: str | None = None
    age: int | None = None
    margin: str | None = None
    biomarkers: frozenset[str] = frozenset()
    prior: tuple[str, ...] = ()          # as normalised: drug ids and class names, or ("none",)
    prior_drugs: frozenset[str] = frozenset()
    prior_classes: frozenset[str] = frozenset()
    prior_classes_confirmed: frozenset[str] = frozenset()  # by memberships not seen once (for what would relax)
    prior_known: bool = False
    progressed_on: tuple[str, ...] = ()  # drug ids and class names the disease progressed on
    progressed_drugs: frozenset[str] = frozenset()
    conditions: frozenset[str] = frozenset()
    anthracycline_ineligible: bool = False
    exclude: frozenset[str] = frozenset()
    facts: Facts = Facts()  # organ function, age and conditions, for the label rules
    setting_implied: bool = field(default=False, compare=False)

    def query(self) -> dict[str, Any]:
        """The normalised description, as echoed in every answer."""
        return {
            "id": self.id,
            "setting": self.setting,
            "line": self.line,
            "histology": self.histology,
            "grade": self.grade,
            "size_cm": self.size_cm,
            "depth": self.depth,
            "age": self.age,
            "margin": self.margin,
            "biomarkers": sorted(self.biomarkers),
            "prior": list(self.prior),
            "prior_known": self.prior_known,
            "progressed_on": list(self.progressed_on),
            "conditions": sorted(self.conditions),
            "anthracycline_ineligible": self.anthracycline_ineligible,
            "exclude": sorted(self.exclude),
            "organ_function": {k: v for k, v in self.facts.as_dict().items() if k not in ("age_years", "conditions")},
        }

    def summary(self) -> str:
        parts = []
        if self.id:
            parts.append(f"patient {self.id}")
        parts.append(self.setting or "setting not given")
        if self.setting == "metastatic":
            parts.append(f"line {self.line}" if self.line else "line not given")
        parts.append(self.histology or "site not given")
        for label, value in (("grade", self.grade), ("size", f"{_num(self.size_cm)} cm" if self.size_cm else None),
                             ("depth", self.depth), ("age", self.age), ("margin", self.margin)):
            if value:
                parts.append(f"{label} {value}")
        if self.biomarkers:
            parts.append(", ".join(sorted(self.biomarkers)))
        if self.prior_known:
            parts.append("prior: " + (", ".join(self.prior) if self.prior != ("none",) else "none"))
        if self.progressed_on:
            parts.append("progressed on: " + ", ".join(self.progressed_on))
        if self.anthracycline_ineligible:
            parts.append("anthracycline-ineligible")
        if self.conditions:
            parts.append("conditions: " + ", ".join(sorted(self.conditions)))
        for topic in ("hepatic", "renal"):
            told = self.facts.describe(topic)
            if told != "not given" and told != f"{topic} condition":
                parts.append(told)
        if self.exclude:
            parts.append("excluding " + ", ".join(sorted(self.exclude)))
        return "; ".join(parts)


def _num(x: float | None) -> str:
    from lmsrx.units import fmt

    return fmt(x) if x is not None else ""


def from_mapping(raw: Any, kb: Any) -> Patient:
    """Validate a patient description (keys as in ``KEYS``); raise UsageError listing what is wrong."""
    if not isinstance(raw, dict):
        raise UsageError("a patient description must be a mapping (object) with keys: " + ", ".join(KEYS))
    unknown = [k for k in raw if k not in KEYS]
    if unknown:
        tips = [f"{str(k)[:60]!r}" + vocab.did_you_mean(k, KEYS, n=1, quote=True)
                for k in unknown]
        raise UsageError(f"unknown patient key(s): {', '.join(tips)}; valid keys: {', '.join(KEYS)}")
    pid = check_id(raw.get("id"))  # the one id policy (lmsrx.text)
    setting = _choice(raw.get("setting"), SETTINGS, "setting")
    line = _line(raw.get("line"))
    histology = _choice(raw.get("histology"), SITES, "histology")
    grade = _choice(raw.get("grade"), GRADES, "grade")
    margin = _choice(raw.get("margin"), MARGINS, "margin")
    size = _size(raw.get("size_cm"))
    depth = _choice(raw.get("depth"), DEPTHS, "depth")
    age = _age(raw.get("age"))
    biomarkers = frozenset(_choices(raw.get("biomarkers"), BIOMARKERS, "biomarker"))
    conditions = vocab.conditions(_choices(raw.get("conditions"), CONDITIONS, "condition"))
    inel = raw.get("anthracycline_ineligible", False)
    if inel is None:
        inel = False
    if not isinstance(inel, bool):
        raise UsageError("anthracycline_ineligible must be true or false")
    for a, b in OPPOSITES:
        if a in biomarkers and b in biomarkers:
            raise UsageError(f"contradictory biomarkers: {a} and {b} cannot both be given")
    implied = False
    if line is not None:
        if setting in ("adjuvant", "neoadjuvant"):
            raise UsageError(f"--line describes metastatic or unresectable disease; it contradicts setting {setting!r}")
        if setting is None:
            setting, implied = "metastatic", True
    prior, drugs, classes, known = _prior(_strings(raw.get("prior"), "prior"), kb)
    progressed, progressed_order = _progressed(_strings(raw.get("progressed_on"), "progressed_on"), kb)
    progressed_drugs = frozenset(progressed_order)
    if progressed and prior == ("none",):
        raise UsageError("--prior none contradicts --progressed-on: the disease progressed on a prior treatment")
    if progressed and known:
        # progression on a drug means it was given: it belongs to the prior list
        missing = [d for d in progressed_order if d not in drugs]  # in order: never a set's order
        drugs = drugs | frozenset(missing)
        classes = classes | frozenset(c for d in missing for c in kb.classes_of(d))
        prior = tuple(dict.fromkeys([*prior, *missing]))
    elif progressed:
        prior, drugs, known = progressed_order, progressed_drugs, False
        classes = frozenset(c for d in progressed_drugs for c in kb.classes_of(d))
    if line is not None and line >= 2 and prior == ("none",):
        raise UsageError(f"line {line} means at least one earlier line of treatment; it contradicts prior 'none'",
                         hint="give the prior drugs (--prior doxorubicin), or leave --prior out if unknown")
    known_classes = drug_classes(kb)
    exclude = frozenset(d for name in _strings(raw.get("exclude"), "exclude")
                        for d in _drugs_named(name.lower(), kb, "exclude", known_classes))
    from lmsrx.clinical import facts

    facts = facts.read({k: raw.get(k) for k in FACT_KEYS}, age=age, conditions=conditions, names=FACT_NAMES)
    return Patient(
        id=pid, setting=setting, line=line, histology=histology, grade=grade,
        size_cm=size, depth=depth, age=age, margin=margin, progressed_on=progressed, progressed_drugs=progressed_drugs, biomarkers=biomarkers, prior=prior, prior_drugs=drugs,
        prior_classes=classes, prior_known=known, conditions=conditions,
        anthracycline_ineligible=inel, exclude=exclude, facts=facts, setting_implied=implied,
        prior_classes_confirmed=frozenset(c for d in drugs for c in kb.classes_of(d, confirmed=True))
        | frozenset(c for c in classes if c in prior),
    )


def _choice(value: Any, choices: tuple[str, ...], name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value.strip().lower() not in choices:
        raise UsageError(f"invalid {name} {value!r}; valid choices: {', '.join(choices)}")
    return value.strip().lower()


def _strings(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
        raise UsageError(f"{name} must be a list of names")
    return [v.strip() for v in value]


def _choices(value: Any, choices: tuple[str, ...], name: str) -> list[str]:
    return [_choice(v, choices, name) or "" for v in _strings(value, name + "s")]


def _line(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdecimal() and len(value.strip()) <= 3:
            value = int(value.strip())
        else:
            raise UsageError(f"invalid line {value!r}: a whole number from 1 to {MAX_LINE}")
    if not 1 <= value <= MAX_LINE:
        raise UsageError(f"invalid line {value}: a whole number from 1 to {MAX_LINE}")
    return value


def _age(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 3:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AGE:
        raise UsageError(f"invalid age {value!r}: whole years from 0 to {MAX_AGE}")
    return value


def _progressed(names: list[str], kb: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Drugs (or a class: every drug of it) the disease progressed on: the names as given, and the drugs in
    the order named (a class's in the knowledge base's order)."""
    classes = drug_classes(kb)
    out: list[str] = []
    drugs: list[str] = []
    for name in (n.lower() for n in names):
        if name == "none":
            raise UsageError("--progressed-on takes drugs or classes; leave it out if the disease progressed on none")
        named = _drugs_named(name, kb, "progressed-on", classes)
        out.append(name if name in classes else named[0])
        drugs.extend(named)
    return tuple(dict.fromkeys(out)), tuple(dict.fromkeys(drugs))


def _drugs_named(name: str, kb: Any, what: str, classes: set[str] | frozenset[str]) -> list[str]:
    """The drug ids a (lower-case) name stands for: every drug of a class, or the one drug it names."""
    if name in classes:
        return kb.members(name)
    return [_drug_id(name, kb, what, extra=sorted(classes))]


def _size(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise UsageError("size_cm must be a number of centimetres")
    try:
        size = float(value)
    except (TypeError, ValueError, OverflowError):
        raise UsageError(f"invalid size {value!r}: a number of centimetres above 0") from None
    if not math.isfinite(size) or size <= 0 or size > MAX_SIZE_CM:
        raise UsageError(f"invalid size {value!r}: a number of centimetres above 0 and at most {MAX_SIZE_CM:g}")
    return size


def drug_classes(kb: Any) -> set[str]:
    return set(kb.classes)


def _prior(names: list[str], kb: Any) -> tuple[tuple[str, ...], frozenset[str], frozenset[str], bool]:
    if not names:
        return (), frozenset(), frozenset(), False
    lowered = [n.lower() for n in names]
    if "none" in lowered:
        if len(lowered) > 1:
            raise UsageError("--prior none contradicts the other prior treatments given")
        return ("none",), frozenset(), frozenset(), True
    classes = drug_classes(kb)
    out: list[str] = []
    drugs: set[str] = set()
    cls: set[str] = set()
    for name in lowered:
        if name in classes:
            cls.add(name)
            out.append(name)
            continue
        drug_id = _drug_id(name, kb, "prior", extra=sorted(classes) + ["none"])
        drug = kb.drugs[drug_id]
        drugs.add(drug_id)
        cls.update(kb.classes_of(drug.id))
        out.append(drug_id)
    return tuple(dict.fromkeys(out)), frozenset(drugs), frozenset(cls), True


def _drug_id(name: str, kb: Any, what: str, extra: list[str] | None = None) -> str:
    drug = kb.find_drug(name)
    if drug is None:
        pool = kb.drug_names() + (extra or [])
        tip = vocab.did_you_mean(name, pool)
        raise UsageError(f"unknown drug {name!r} for {what}{tip}", hint="'lmsrx drugs' lists the known drugs")
    return drug.id
