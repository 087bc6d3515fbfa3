"""Patient x Regimen -> verdicts. Pure: no I/O, no Typer, no Rich.

Each criterion is **met**, **not met** or **unknown** for a patient. A regimen is
*eligible* when all are met, *conditional* when none failed but some are unknown
(``needs`` says what would decide it), and *excluded* when any failed (every
failed criterion is listed). Two rules hold whatever the data says: a regimen
with a withdrawn drug, or one the knowledge base marks withdrawn or not
recommended, is never a candidate.

Drug classes are data (``classes:``): a class's criteria and cautions reach every
regimen holding a member (doxorubicin, epirubicin and pegylated liposomal
doxorubicin are anthracyclines) whether or not the regimen's record repeats them.
The label rules of the regimen's drugs (:mod:`lmsrx.labelrules`) apply too: a
contraindication or "do not give" that holds for the patient excludes; one the
patient's facts cannot decide makes the option conditional, naming what is needed
(organ-function rules are applied when the patient's organ function is described,
age rules always); other rules that hold become cautions."""
from __future__ import annotations

from typing import Any

from lmsrx.clinical import labelrules
from lmsrx.clinical.patient import Patient
from lmsrx.clinical.strength import OTHER, STRENGTH_LABELS, regimen_strength
from lmsrx.knowledge.model import Caution, Criterion, Regimen
from lmsrx.records import field, record
from lmsrx.vocab import MET, UNKNOWN, UNMET

STATPEARLS = ("statpearls-lms-2020",)


@record(frozen=True)
class Verdict:
    test: str
    status: str
    why: str
    detail: str = ""
    needs: str | None = None

    def sentence(self) -> str:
        return f"{self.why} ({self.detail})" if self.detail else self.why


@record
class Assessment:
    regimen: Regimen
    status: str  # eligible | conditional | excluded
    verdicts: list[Verdict]
    cautions: list[str] = field(default_factory=list)
    strength: int = OTHER
    preferred: str | None = None  # the source's stated preference, when it applies to this patient
    cache: dict = field(default_factory=dict, compare=False, repr=False)  # its serialised forms (lmsrx.views)

    @property
    def strength_label(self) -> str:
        return STRENGTH_LABELS[self.strength]

    @property
    def needs(self) -> list[str]:
        return list(dict.fromkeys(v.needs or v.why for v in self.verdicts if v.status == UNKNOWN))

    @property
    def reasons(self) -> list[str]:
        return [v.sentence() for v in self.verdicts if v.status == UNMET]

    @property
    def why(self) -> list[str]:
        return [v.sentence() for v in self.verdicts if v.status == MET]


@record
class Answer:
    patient: Patient
    candidates: list[Assessment]
    excluded: list[Assessment]


# The patient facts each criterion kind reads (tests/test_eligibility.py records every fact that
# assess_regimen reads and checks that it is among reads_of's).
READS: dict[str, tuple[str, ...]] = {
    "never": (), "setting": ("setting",), "line": ("line",), "site": ("histology",), "grade": ("grade",),
    "size-over": ("size_cm",), "size-at-least": ("size_cm",), "depth": ("depth",), "age": ("age",),
    "biomarker": ("biomarkers",), "anthracycline-eligible": ("anthracycline_ineligible",),
    "prior-none": ("setting", "line", "prior_known", "prior_drugs", "prior_classes"),
    "after-anthracycline": ("anthracycline_ineligible", "prior_drugs", "prior_classes_confirmed", "prior_known", "line"),
    "progressed-or-no-alternative": ("line",),
}


CAUTION_READS = {"depth-not": ("depth",), "age-outside": ("age",), "site-not-in": ("histology",), "prior": ("prior",),
                 "anthracycline-ineligible": ("anthracycline_ineligible", "prior_drugs", "prior_classes_confirmed")}


MEMO_LIMIT = 5_000  # assessments kept by a batch, then it starts again: memory stays flat (~30 MB at most)


def reads_of(kb: Any, reg: Regimen) -> tuple[str, ...]:
    """Every patient fact that :func:`assess_regimen` may read for this regimen: its assessment is the same
    for any two patients who agree on these."""
    names = {"exclude", "progressed_drugs", "prior_drugs"}  # the guards, and 'already received'
    if reg.preferred is not None:
        names.add("line")
    for c in criteria_of(kb, reg):
        names.update(READS[c.test])
    for c in cautions_of(kb, reg):
        if c.when != "always":  # every other caution first asks whether it is one of the patient's conditions
            names.update(("conditions", *CAUTION_READS.get(c.when, ())))
    if labelrules.reaches(kb, reg.drugs):
        names.add("facts")
    return tuple(sorted(names))


def assess(kb: Any, patient: Patient, memo: dict | None = None) -> Answer:
    """Every regimen for one patient. A batch passes ``memo``: a regimen's assessment is then shared by the
    patients who agree on the facts it reads (:func:`reads_of`), and is not to be changed by its users."""
    if memo is None:
        results = [assess_regimen(kb, reg, patient) for reg in kb.regimens.values()]
    else:
        plan = kb.memo("assess-plan", lambda: [_plan(kb, reg) for reg in kb.regimens.values()])
        every = kb.memo("assess-reads", lambda: tuple(sorted({name for _, names, _ in plan for name in names} | {"facts"})))
        whole = ("*", *[getattr(patient, name) for name in every])  # a patient who agrees on every fact read
        found = memo.get(whole)
        if found is not None:
            return Answer(patient, *found)
        results = []
        for reg, names, ruled in plan:
            # the label rules' findings stand in for the facts they read: patients of different ages or
            # conditions share an assessment whenever the rules say the same for them
            findings = labelrules.option_findings(kb, reg.drugs, patient.facts) if ruled else NO_FINDINGS
            key = (reg.id, *[getattr(patient, name) for name in names], _frozen(findings))
            one = memo.get(key)
            if one is None:
                one = _remember(memo, key, assess_regimen(kb, reg, patient, findings))
            results.append(one)
        answer = _ranked(patient, results)
        _remember(memo, whole, (answer.candidates, answer.excluded))
        return answer
    return _ranked(patient, results)


def _remember(memo: dict, key: Any, value: Any) -> Any:
    if len(memo) >= MEMO_LIMIT:  # bounded: a cohort of all-different patients must not grow it without end
        memo.clear()
    memo[key] = value
    return value


def _ranked(patient: Patient, results: list[Assessment]) -> Answer:
    order = lambda a: (a.preferred is None, a.strength, a.regimen.name.lower(), a.regimen.id)  # noqa: E731
    candidates = sorted((a for a in results if a.status != "excluded"), key=lambda a: (a.status != "eligible", *order(a)))
    excluded = sorted((a for a in results if a.status == "excluded"), key=order)
    return Answer(patient, candidates, excluded)


def classes_of(kb: Any, reg: Regimen) -> list[str]:
    return sorted({c for d in reg.drugs for c in kb.classes_of(d)})


def criteria_of(kb: Any, reg: Regimen) -> list[Criterion]:
    """The regimen's own criteria plus its drug classes' criteria that it does not already state."""
    out = list(reg.criteria)
    for cls in classes_of(kb, reg):
        for rule in kb.classes[cls].criteria:
            if not any(c.test == rule.test and set(c.values) == set(rule.values) for c in out):
                out.append(rule)
    return out


NO_FINDINGS: tuple[list, list] = ([], [])


def _plan(kb: Any, reg: Regimen) -> tuple[Regimen, tuple[str, ...], bool]:
    """A regimen, the patient facts its assessment reads apart from the label rules' (:func:`reads_of`), and whether
    label rules reach its drugs."""
    return reg, tuple(n for n in reads_of(kb, reg) if n != "facts"), labelrules.reaches(kb, reg.drugs)


def _frozen(findings: tuple[list, list]) -> tuple[tuple, tuple]:
    return tuple(findings[0]), tuple(findings[1])


def assess_regimen(kb: Any, reg: Regimen, p: Patient, findings: tuple[list, list] | None = None) -> Assessment:
    """One regimen for one patient (``findings``: the label rules' verdicts and notes, when already worked out)."""
    verdicts = [_guard_withdrawn(kb, reg), _guard_excluded(reg, p), _guard_progressed(kb, reg, p)]
    verdicts = [v for v in verdicts if v is not None]
    rules = kb.memo(("criteria", reg.id), lambda: criteria_of(kb, reg)) if hasattr(kb, "memo") else criteria_of(kb, reg)
    verdicts += [evaluate(c, p) for c in rules]
    if findings is None:
        findings = labelrules.option_findings(kb, reg.drugs, p.facts) if labelrules.reaches(kb, reg.drugs) else NO_FINDINGS
    found, notes = findings
    verdicts += [Verdict("label-rule", state, why, detail, needs) for state, why, detail, needs in found]
    if reg.recommendation in ("withdrawn", "not-recommended") and not any(v.status == UNMET for v in verdicts):
        verdicts.append(Verdict("never", UNMET, f"marked {reg.recommendation} in the knowledge base"))
    if any(v.status == UNMET for v in verdicts):
        status = "excluded"
    elif any(v.status == UNKNOWN for v in verdicts):
        status = "conditional"
    else:
        status = "eligible"
    preferred = None
    if reg.preferred is not None and p.line is not None and p.line in reg.preferred.lines:
        preferred = reg.preferred.text
    return Assessment(reg, status, verdicts, cautions(kb, reg, p) + notes, regimen_strength(kb, reg), preferred)


def _guard_withdrawn(kb: Any, reg: Regimen) -> Verdict | None:
    gone = [kb.drugs[d] for d in reg.drugs if kb.drugs[d].lms_status == "withdrawn"]
    if not gone:
        return None
    names = ", ".join(d.name for d in gone)
    dates = [a.date for d in gone for a in d.approvals if a.status == "withdrawn" and a.date]
    when = f" (withdrawal announced {dates[0]})" if dates else ""
    return Verdict("withdrawn", UNMET, f"{names} was withdrawn{when}; never a candidate")


def _guard_excluded(reg: Regimen, p: Patient) -> Verdict | None:
    hit = sorted(set(reg.drugs) & p.exclude)
    if not hit:
        return None
    return Verdict("exclude", UNMET, f"excluded on request ({', '.join(hit)})")


def _guard_progressed(kb: Any, reg: Regimen, p: Patient) -> Verdict | None:
    hit = [kb.drugs[d].name for d in reg.drugs if d in p.progressed_drugs]
    if not hit:
        return None
    return Verdict("progressed-on", UNMET, f"the disease progressed on {', '.join(hit)}; not offered again as if new")


def _prior_hit(values: tuple[str, ...], p: Patient, confirmed: bool = False) -> list[str]:
    """The drugs or classes among ``values`` given before; ``confirmed`` for a use that relaxes (a class membership
    seen once may not make an answer milder)."""
    classes = p.prior_classes_confirmed if confirmed else p.prior_classes
    return [v for v in values if v in p.prior_drugs or v in classes]


class _Say:
    """Builds a criterion's verdict: ``say(MET, detail)``, ``say(UNKNOWN, needs=...)``."""

    def __init__(self, c: Criterion) -> None:
        self.c = c

    def __call__(self, status: str, detail: str = "", needs: str | None = None) -> Verdict:
        return Verdict(self.c.test, status, self.c.why, detail, (self.c.needs or needs) if status == UNKNOWN else None)


def _never(c: Criterion, p: Patient, say: _Say) -> Verdict:
    return say(UNMET)


def _one_of(attr: str, needs: str, detail: str) -> Any:
    """A handler for 'the patient's <attr> is one of the criterion's values'."""
    def handler(c: Criterion, p: Patient, say: _Say) -> Verdict:
        value = getattr(p, attr)
        if value is None:
            return say(UNKNOWN, needs=needs)
        return say(MET if value in c.values else UNMET, detail.format(value))

    return handler


def _in_range(attr: str, needs: str, detail: str) -> Any:
    """A handler for 'the patient's <attr> lies within the criterion's min and max'."""
    def handler(c: Criterion, p: Patient, say: _Say) -> Verdict:
        value = getattr(p, attr)
        if value is None:
            return say(UNKNOWN, needs=needs)
        return say(MET if _within(value, c) else UNMET, detail.format(value))

    return handler


def _size(c: Criterion, p: Patient, say: _Say) -> Verdict:
    if p.size_cm is None:
        return say(UNKNOWN, needs="tumour size")
    from lmsrx.units import fmt

    big = c.over is not None and (p.size_cm > c.over if c.test == "size-over" else p.size_cm >= c.over)
    return say(MET if big else UNMET, f"{fmt(p.size_cm)} cm")


def _biomarker(c: Criterion, p: Patient, say: _Say) -> Verdict:
    present = [m for m in c.values if m in p.biomarkers]
    if present:
        return say(MET, ", ".join(present))
    negative = [m for m in c.negatives if m in p.biomarkers]
    if len(negative) == len(c.negatives):
        return say(UNMET, ", ".join(negative))
    known = f" (known: {', '.join(negative)})" if negative else ""
    return Verdict(c.test, UNKNOWN, c.why, "", (c.needs or "biomarker status") + known)


def _anthracycline_eligible(c: Criterion, p: Patient, say: _Say) -> Verdict:
    return say(UNMET, "the patient cannot have an anthracycline") if p.anthracycline_ineligible else say(MET)


def _prior_none(c: Criterion, p: Patient, say: _Say) -> Verdict:
    if c.min is not None and p.setting in ("adjuvant", "neoadjuvant"):
        return say(MET, f"{p.setting}: not a later line")
    if c.min is not None:
        if p.line is None:
            return Verdict(c.test, UNKNOWN, c.why, "", "line of therapy")
        if p.line < c.min:
            return say(MET, f"line {p.line}")
    if not p.prior_known:
        return say(UNKNOWN, needs="prior therapy")
    hit = _prior_hit(c.values, p)
    return say(UNMET, f"already given: {', '.join(hit)}") if hit else say(MET, "not given before")


def _after_anthracycline(c: Criterion, p: Patient, say: _Say) -> Verdict:
    # prior therapy means all prior systemic therapy, perioperative included
    if p.anthracycline_ineligible:
        return say(MET, "anthracycline-ineligible")
    if _prior_hit(("anthracycline",), p, confirmed=True):
        return say(MET, "prior anthracycline" + (" (before this line: perioperative)" if p.line == 1 else ""))
    if not p.prior_known:
        return say(UNKNOWN, needs="prior therapy, perioperative included")
    return say(UNMET, "no prior anthracycline")


def _progressed_or_no_alternative(c: Criterion, p: Patient, say: _Say) -> Verdict:
    if p.line is None:
        return Verdict(c.test, UNKNOWN, c.why, "", "line of therapy")
    if p.line >= 2:
        return say(MET, f"line {p.line}: progressed after prior treatment")
    return say(UNKNOWN, needs="progression after treatment or no satisfactory alternative")


# Every criterion kind of the model has its handler here (tests/test_eligibility.py checks it).
HANDLERS = {
    "never": _never,
    "setting": _one_of("setting", "setting (adjuvant, neoadjuvant or metastatic)", "the setting is {}"),
    "line": _in_range("line", "line of therapy", "line {}"),
    "site": _one_of("histology", "site of the primary tumour", "the primary is {}"),
    "grade": _one_of("grade", "tumour grade", "grade {}"),
    "size-over": _size, "size-at-least": _size,
    "depth": _one_of("depth", "tumour depth (deep or superficial)", "the tumour is {}"),
    "age": _in_range("age", "age", "aged {}"),
    "biomarker": _biomarker,
    "anthracycline-eligible": _anthracycline_eligible, "prior-none": _prior_none,
    "after-anthracycline": _after_anthracycline, "progressed-or-no-alternative": _progressed_or_no_alternative,
}


def evaluate(c: Criterion, p: Patient) -> Verdict:
    """One criterion for one patient: met, not met, or unknown with what is needed."""
    return HANDLERS[c.test](c, p, _Say(c))


def _within(value: int, c: Any) -> bool:
    return (c.min is None or value >= c.min) and (c.max is None or value <= c.max)


def cautions_of(kb: Any, reg: Regimen) -> list[Caution]:
    """The regimen's cautions plus its drug classes' cautions for a condition it does not already address."""
    out = list(reg.cautions)
    for cls in classes_of(kb, reg):
        for extra in kb.classes[cls].cautions:
            if not any(c.when == extra.when and cls in c.text.lower() for c in out):
                out.append(extra)
    return out


def cautions(kb: Any, reg: Regimen, p: Patient) -> list[str]:
    out = []
    for c in (kb.memo(("cautions", reg.id), lambda: cautions_of(kb, reg)) if hasattr(kb, "memo") else cautions_of(kb, reg)):
        if c.when == "always" or c.when in p.conditions:
            out.append(c.text)
        elif c.when == "depth-not":
            if p.depth is None:
                out.append(f"depth not given: {c.text}")
            elif p.depth not in c.values:
                out.append(f"{p.depth} tumour: {c.text}")
        elif c.when == "anthracycline-ineligible":
            if p.anthracycline_ineligible and not _prior_hit(("anthracycline",), p, confirmed=True):
                out.append(c.text)
        elif c.when == "age-outside":
            if p.age is None:
                out.append(f"age not given: {c.text}")
            elif (c.min is not None and p.age < c.min) or (c.max is not None and p.age > c.max):
                out.append(f"aged {p.age}: {c.text}")
        elif c.when == "prior":
            named = set(kb.drugs_named(c.values)) | set(c.values)
            hit = [kb.drugs[x].name.lower() if x in kb.drugs else x for x in p.prior if x in named]
            if hit:
                out.append(f"prior {', '.join(hit)}: {c.text}")
        elif c.when == "site-not-in":
            if p.histology is None:
                out.append(f"site not given: {c.text}")
            elif p.histology not in c.values:
                out.append(f"{p.histology} primary: {c.text}")
    again = sorted(set(reg.drugs) & (p.prior_drugs - p.progressed_drugs))
    if again:
        out.append(f"already received in an earlier line: {', '.join(again)}")
    return out
