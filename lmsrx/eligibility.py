"""Patient x Regimen -> verdicts. Pure: no I/O, no Typer, no Rich.

Each criterion is **met**, **not met** or **unknown** for a patient. A regimen is
*eligible* when all are met, *conditional* when none failed but some are unknown
(``needs`` says what would decide it), and *excluded* when any failed (every
failed criterion is listed). Two rules hold whatever the data says: a regimen
with a withdrawn drug, or one the knowledge base marks withdrawn or not
recommended, is never a candidate.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lmsrx.model import Criterion, Regimen
from lmsrx.patient import Patient

MET, UNMET, UNKNOWN = "met", "not met", "unknown"
STRENGTH_LABELS = ("approved on a randomised phase III", "phase III", "phase II", "retrospective or early-phase", "other")


@dataclass(frozen=True)
class Verdict:
    test: str
    status: str
    why: str
    detail: str = ""
    needs: str | None = None

    def sentence(self) -> str:
        return f"{self.why} ({self.detail})" if self.detail else self.why


@dataclass
class Assessment:
    regimen: Regimen
    status: str  # eligible | conditional | excluded
    verdicts: list[Verdict]
    cautions: list[str] = field(default_factory=list)
    strength: int = 4

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


@dataclass
class Answer:
    patient: Patient
    candidates: list[Assessment]
    excluded: list[Assessment]


def assess(kb: Any, patient: Patient) -> Answer:
    results = [assess_regimen(kb, reg, patient) for reg in kb.regimens.values()]
    order = lambda a: (a.strength, a.regimen.name.lower(), a.regimen.id)  # noqa: E731
    candidates = sorted((a for a in results if a.status != "excluded"), key=lambda a: (a.status != "eligible", *order(a)))
    excluded = sorted((a for a in results if a.status == "excluded"), key=order)
    return Answer(patient, candidates, excluded)


def assess_regimen(kb: Any, reg: Regimen, p: Patient) -> Assessment:
    verdicts = [_guard_withdrawn(kb, reg), _guard_excluded(reg, p)]
    verdicts = [v for v in verdicts if v is not None]
    verdicts += [evaluate(c, p) for c in reg.criteria]
    if reg.recommendation in ("withdrawn", "not-recommended") and not any(v.status == UNMET for v in verdicts):
        verdicts.append(Verdict("never", UNMET, f"marked {reg.recommendation} in the knowledge base"))
    if any(v.status == UNMET for v in verdicts):
        status = "excluded"
    elif any(v.status == UNKNOWN for v in verdicts):
        status = "conditional"
    else:
        status = "eligible"
    return Assessment(reg, status, verdicts, cautions(kb, reg, p), strength(kb, reg))


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
    return Verdict("exclude", UNMET, f"excluded on request (--exclude {', '.join(hit)})")


def _prior_hit(values: tuple[str, ...], p: Patient) -> list[str]:
    return [v for v in values if v in p.prior_drugs or v in p.prior_classes]


def evaluate(c: Criterion, p: Patient) -> Verdict:
    """One criterion for one patient."""
    t = c.test

    def v(status: str, detail: str = "", needs: str | None = None) -> Verdict:
        return Verdict(t, status, c.why, detail, needs if status == UNKNOWN else None)

    if t == "never":
        return v(UNMET)
    if t == "setting":
        if p.setting is None:
            return v(UNKNOWN, needs=c.needs or "setting (adjuvant, neoadjuvant or metastatic)")
        return v(MET if p.setting in c.values else UNMET, f"the setting is {p.setting}")
    if t == "line":
        if p.line is None:
            return v(UNKNOWN, needs=c.needs or "line of therapy")
        ok = (c.min is None or p.line >= c.min) and (c.max is None or p.line <= c.max)
        return v(MET if ok else UNMET, f"line {p.line}")
    if t in ("site", "grade"):
        value = p.histology if t == "site" else p.grade
        if value is None:
            return v(UNKNOWN, needs=c.needs or ("site of the primary tumour" if t == "site" else "tumour grade"))
        return v(MET if value in c.values else UNMET, f"the primary is {value}" if t == "site" else f"grade {value}")
    if t == "size-over":
        if p.size_cm is None:
            return v(UNKNOWN, needs=c.needs or "tumour size")
        from lmsrx.units import fmt

        return v(MET if c.over is not None and p.size_cm > c.over else UNMET, f"{fmt(p.size_cm)} cm")
    if t == "biomarker":
        present = [m for m in c.values if m in p.biomarkers]
        if present:
            return v(MET, ", ".join(present))
        negative = [m for m in c.negatives if m in p.biomarkers]
        if len(negative) == len(c.negatives):
            return v(UNMET, ", ".join(negative))
        known = f" (known: {', '.join(negative)})" if negative else ""
        return v(UNKNOWN, needs=(c.needs or "biomarker status") + known)
    if t == "anthracycline-eligible":
        return v(UNMET, "the patient cannot have an anthracycline") if p.anthracycline_ineligible else v(MET)
    if t == "prior-none":
        if c.min is not None:
            if p.line is None:
                return v(UNKNOWN, needs="line of therapy")
            if p.line < c.min:
                return v(MET, f"line {p.line}")
        if not p.prior_known:
            return v(UNKNOWN, needs=c.needs or "prior therapy")
        hit = _prior_hit(c.values, p)
        return v(UNMET, f"already given: {', '.join(hit)}") if hit else v(MET, "not given before")
    if t == "after-anthracycline":
        if p.anthracycline_ineligible:
            return v(MET, "anthracycline-ineligible")
        if p.line is None:
            return v(UNKNOWN, needs="line of therapy")
        if p.line < 2:
            return v(UNMET, "first line and not anthracycline-ineligible")
        if not p.prior_known:
            return v(UNKNOWN, needs=c.needs or "prior therapy")
        hit = _prior_hit(("anthracycline",), p)
        return v(MET, "prior anthracycline") if hit else v(UNMET, "no prior anthracycline")
    if t == "progressed-or-no-alternative":
        if p.line is None:
            return v(UNKNOWN, needs="line of therapy")
        if p.line >= 2:
            return v(MET, f"line {p.line}: progressed after prior treatment")
        return v(UNKNOWN, needs=c.needs or "progression after treatment or no satisfactory alternative")
    raise ValueError(f"unknown criterion test {t!r}")  # pragma: no cover - the schema forbids it


def cautions(kb: Any, reg: Regimen, p: Patient) -> list[str]:
    out = []
    for c in reg.cautions:
        if c.when == "always" or c.when in p.conditions:
            out.append(c.text)
        elif c.when == "site-not-in":
            if p.histology is None:
                out.append(f"site not given: {c.text}")
            elif p.histology not in c.values:
                out.append(f"{p.histology} primary: {c.text}")
    again = sorted(set(reg.drugs) & p.prior_drugs)
    if again:
        out.append(f"already received in an earlier line: {', '.join(again)}")
    return out


def evidence_rank(kb: Any, reg: Regimen, ev: Any) -> int:
    """0 approved (for LMS) on this randomised phase III, 1 phase III, 2 phase II, 3 retrospective or early-phase, 4 other."""
    d = ev.design
    approved_on = any(a.evidence == ev.id and a.status in ("approved", "accelerated-approval")
                      for drug in reg.drugs if kb.drugs[drug].lms_status in ("approved", "approved-sts")
                      for a in kb.drugs[drug].approvals)
    if d.phase == "III" and d.randomised and approved_on:
        return 0
    if d.phase == "III":
        return 1
    if d.phase in ("II", "Ib/II", "I/II") or (d.kind == "randomised-trial" and d.phase is None):
        return 2
    if d.kind in ("retrospective", "pooled-analysis", "single-arm-trial", "trial"):
        return 3
    return 4


def strength(kb: Any, reg: Regimen) -> int:
    """The regimen's best evidence rank (see :func:`evidence_rank`)."""
    return min(evidence_rank(kb, reg, kb.evidence[e]) for e in reg.evidence)


def key_evidence(kb: Any, reg: Regimen) -> Any:
    """The strongest evidence record that has figures (else the strongest)."""
    ranked = sorted(reg.evidence, key=lambda e: (not kb.evidence[e].endpoints, evidence_rank(kb, reg, kb.evidence[e]),
                                                 not kb.evidence[e].design.randomised))
    return kb.evidence[ranked[0]]
