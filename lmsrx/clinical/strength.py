"""The strength of the evidence for a regimen in LMS: which records tested it, which support it, and its best rank. Pure."""
from __future__ import annotations

from typing import Any

from lmsrx.knowledge.model import Regimen

STRENGTH_LABELS = ("approved on a randomised phase III", "phase III", "phase II", "randomised, phase not stated",
                   "retrospective or early-phase", "other")


OTHER = len(STRENGTH_LABELS) - 1


def evidence_rank(kb: Any, reg: Regimen, ev: Any) -> int:
    """0 approved (for LMS) on this randomised phase III, 1 phase III, 2 phase II, 3 randomised with no phase
    stated, 4 retrospective or early-phase, 5 other (see :data:`STRENGTH_LABELS`)."""
    d = ev.design
    approved_on = any(a.evidence == ev.id and a.status in ("approved", "accelerated-approval")
                      for drug in reg.drugs if kb.drugs[drug].lms_status in ("approved", "approved-sts")
                      for a in kb.drugs[drug].approvals)
    if d.phase == "III" and d.randomised and approved_on:
        return 0
    if d.phase == "III":
        return 1
    if d.phase in ("II", "II/III", "Ib/II", "I/II"):
        return 2
    if d.kind == "randomised-trial":
        return 3
    if d.kind in ("retrospective", "pooled-analysis", "single-arm-trial", "trial"):
        return 4
    return OTHER


def tested(ev: Any, reg: Regimen) -> bool:
    """Whether an evidence record tested this regimen: one of its arms is the regimen (records
    without arm links count for the regimen whose drugs they are about)."""
    if ev.arm_regimens:
        return any(reg.id in arm for arm in ev.arm_regimens)
    return bool(ev.drugs) and set(ev.drugs) == set(reg.drugs)


def supports(ev: Any, reg: Regimen) -> bool:
    """Evidence that gives the regimen strength for LMS: it tested the regimen, its result supports it in
    LMS, and where the trial favoured one arm, that arm is this regimen (a losing arm gains nothing)."""
    if ev.lms_result != "supports":
        return False
    if ev.drugs == () and not ev.arm_regimens:
        return True  # a statement of the source about the option (narrative, guideline): the lowest rank
    if not tested(ev, reg):
        return False
    return ev.favoured_arm is None or reg.id in ev.arm_regimens[ev.favoured_arm]


def strength(kb: Any, reg: Regimen) -> int:
    """The regimen's best rank among the evidence that supports it in LMS (see :func:`evidence_rank`);
    a negative result, or a benefit confined to another histology, gives no strength."""
    return min((evidence_rank(kb, reg, kb.evidence[e]) for e in reg.evidence if supports(kb.evidence[e], reg)), default=OTHER)


def regimen_strength(kb: Any, reg: Regimen) -> int:
    """:func:`strength`, computed once per regimen where the base keeps a memo."""
    return kb.memo(("strength", reg.id), lambda: strength(kb, reg)) if hasattr(kb, "memo") else strength(kb, reg)


def key_evidence(kb: Any, reg: Regimen, n: int = 1) -> list[Any]:
    """The strongest supporting evidence first, then the records with figures of this regimen, at most ``n``."""
    ranked = [kb.evidence[e] for e in sorted(
        reg.evidence, key=lambda e: (not supports(kb.evidence[e], reg),
                                     not (kb.evidence[e].endpoints and tested(kb.evidence[e], reg)),
                                     evidence_rank(kb, reg, kb.evidence[e]), not kb.evidence[e].design.randomised))]
    return ranked[:n]
