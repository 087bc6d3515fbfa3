"""How the knowledge is said in words, the same in every output: status in LMS, a trial's design and head line, an evidence card, approvals, the key figure of a regimen. Pure."""
from __future__ import annotations

from typing import Any

from lmsrx.clinical import figures
from lmsrx.output import cite

LMS_STATUS = {
    "approved": "approved for LMS", "approved-sts": "approved for soft-tissue sarcoma",
    "tumour-agnostic": "tumour-agnostic approval", "off-label": "off-label in LMS",
    "withdrawn": "withdrawn", "not-recommended": "not recommended in LMS", "supportive": "supportive care",
    "unrecorded": "no approval on record in this knowledge base",
}


def design_text(d: Any) -> str:
    words = []
    if d.phase:
        words.append(f"phase {d.phase}")
    words.append({"randomised-trial": "randomised", "single-arm-trial": "single-arm", "pooled-analysis": "pooled analysis",
                  "case-reports": "case reports"}.get(d.kind, d.kind))
    if d.kind != "randomised-trial" and d.randomised:
        words.append("randomised")
    text = " ".join(words)
    if d.patients:
        text += f", N={d.patients}"
    if d.stopped_early:
        text += ", stopped early"
    return text


def grade_text(g: Any) -> str:
    """'NCI PDQ level of evidence A1 (overall survival)': a level printed beside the study, never a guideline grade."""
    return f"{g.system} level of evidence {g.level}" + (f" ({g.endpoint})" if g.endpoint else "")


def grades_text(ev: Any) -> str:
    """Every level printed for one study, the system named once: 'NCI PDQ level of evidence A1 (overall survival),
    A1 (progression-free survival)'; '' where none was printed."""
    by_system: dict[str, list[str]] = {}
    for g in ev.grades:
        by_system.setdefault(g.system, []).append(g.level + (f" ({g.endpoint})" if g.endpoint else ""))
    return "; ".join(f"{system} level of evidence {', '.join(levels)}" for system, levels in by_system.items())


def grades_data(ev: Any) -> list[dict[str, Any]]:
    """The levels as data: ``[{system, level, endpoint, statement, source}]`` (JSON, NDJSON, the report)."""
    return [{"system": g.system, "level": g.level, "endpoint": g.endpoint, "statement": g.statement, "source": g.source}
            for g in ev.grades]


def evidence_head(ev: Any) -> str:
    """'ANNOUNCE ... (phase III randomised, N=509) [no benefit in LMS]', then any level of evidence printed for it
    ('- NCI PDQ level of evidence A1')."""
    import re

    from lmsrx.clinical import figures

    title = re.sub(r"\s*\((?:randomised )?phase [^)]*\)$", "", ev.title)
    tag = figures.label(ev)
    grades = grades_text(ev)
    return f"{title} ({design_text(ev.design)})" + (f" [{tag}]" if tag else "") + (f" - {grades}" if grades else "")


def evidence_brief(kb: Any, ev: Any, reg: Any = None) -> str:
    """The evidence with every figure of it, each arm labelled (this option's arm marked); a record
    that did not test the regimen shows no figures and says so."""
    from lmsrx.clinical.strength import tested

    lines = [evidence_head(ev)]
    if reg is not None and not tested(ev, reg):
        if ev.endpoints:
            arms = " vs ".join(ev.arms) or ", ".join(ev.drugs)
            lines.append(f"(did not test this regimen: {arms}; its figures are not shown here)")
        else:
            lines.append(ev.summary)
        return "\n".join(lines)
    if reg is not None and ev.favoured_arm is not None and reg.id not in ev.arm_regimens[ev.favoured_arm]:
        lines.append(f"(the trial favoured the other arm: {ev.arms[ev.favoured_arm]})")
    lines += [figures.text(f) for f in figures.evidence_figures(ev, reg.id if reg is not None else None)]
    if not ev.endpoints:
        lines.append(ev.conclusion or ev.summary)
    return "\n".join(lines)


def evidence_data(kb: Any, ev: Any, reg: Any) -> dict[str, Any]:
    """One evidence record as a candidate carries it: its end points as typed data (own arm marked)."""
    from lmsrx.clinical.strength import supports, tested

    own = tested(ev, reg)
    return {
        "id": ev.id, "title": ev.title, "design": design_text(ev.design), "lms_result": ev.lms_result,
        "favoured_arm": ev.arms[ev.favoured_arm] if ev.favoured_arm is not None else None,
        "tested_this_regimen": own, "counts_as_support": supports(ev, reg), "newer_than_source": ev.newer_than_source,
        "congress": ev.congress, "grades": grades_data(ev), "summary": ev.summary, "citation": cite.cites(kb, ev.cite),
        "endpoints": figures.evidence_figures(ev, reg.id) if own else [],
    }


SOURCE_DATE = "2020-10-07"  # the revision date of the primary source (StatPearls)


def approval_text(kb: Any, reg: Any) -> list[str]:
    out = [reg.guideline] if reg.guideline else []
    for drug_id in reg.drugs:
        drug = kb.drugs[drug_id]
        dated = [f"{'accelerated approval ' if a.status == 'accelerated-approval' else ''}{a.region} {a.date}"
                 + (" (newer than the source)" if a.date > SOURCE_DATE else "") + (" (seen once)" if a.seen_once else "")
                 for a in drug.approvals if a.status in ("approved", "accelerated-approval") and a.date
                 and (a.evidence is not None or drug.lms_status == "tumour-agnostic")
                 and drug.lms_status in ("approved", "approved-sts", "tumour-agnostic")]
        out.append(f"{drug.name}: {LMS_STATUS[drug.lms_status]}" + (f" ({'; '.join(dated)})" if dated else ""))
    return out


def _key(kb: Any, reg: Any) -> tuple[Any, dict[str, Any]] | None:
    """The key trial of a regimen and its first end point's figure, for this regimen's arm; where the source gives
    less than a checked publication for that end point (no effect size), the publication's figure."""
    from lmsrx.clinical.strength import key_evidence, tested

    for ev in key_evidence(kb, reg, 3):
        if ev.endpoints and tested(ev, reg):
            figs = figures.evidence_figures(ev, reg.id)
            own = [f for f in figs if any(v["own"] for v in f["values"])] or figs
            first = [f for f in own if f["name"] == own[0]["name"]]
            fuller = [f for f in first if not (f["effect"] and f["effect"]["value"] is None)]
            return ev, (fuller or first)[0]
    return None


def key_figure(kb: Any, reg: Any) -> str:
    """The one figure the options table shows: the first end point of this regimen's key trial."""
    found = _key(kb, reg)
    return f"{evidence_head(found[0])}: {figures.text(found[1])}" if found else ""


SHORT_NAMES = (("median progression-free survival", "median PFS"), ("progression-free survival", "PFS"),
               ("median overall survival", "median OS"), ("overall survival", "OS"), ("objective response rate", "ORR"),
               ("response rate", "response"))


def short_figure(kb: Any, reg: Any) -> str:
    """The key figure in a few words for the summary table, with its origin: 'median PFS: trabectedin 4.2 vs
    dacarbazine 1.5 months; HR 0.55 [publication]' (confidence intervals and P values: --long)."""
    found = _key(kb, reg)
    if not found:
        return "no figure on record"
    fig = dict(found[1])
    fig["values"] = [{**v, "ci": None} for v in fig["values"]]
    fig["p"] = None
    if fig["effect"]:
        fig["effect"] = {**fig["effect"], "ci_text": None}
    fig["population"] = fig["timepoint"] = None
    text = figures.text(fig)
    for long, short in SHORT_NAMES:
        text = text.replace(long, short)
    return text.replace(" (this option)", "")
