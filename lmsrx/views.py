"""Turn core results into :class:`~lmsrx.render.View` objects (JSON document, flat rows, human layout).

No formatting decisions beyond choosing fields: :mod:`lmsrx.render` does the printing.
"""
from __future__ import annotations

from typing import Any

from lmsrx.render import Section, View


def kb_info(kb: Any) -> View:
    meta = kb.meta
    counts = kb.counts()
    extra = [f for f in kb.files if not f.startswith("knowledge/")]
    data = {
        "name": meta.name,
        "version": meta.version,
        "review_date": meta.review_date,
        "sha256": kb.sha256,
        "counts": counts,
        "files": kb.files,
        "extra_files": extra,
        "sources": list(meta.sources),
        "summary": meta.summary,
    }
    rows = [{"key": k, "value": v} for k, v in (
        ("name", meta.name), ("version", meta.version), ("review_date", meta.review_date),
        ("sha256", kb.sha256), *((f"count_{k}", n) for k, n in counts.items()),
        ("extra_files", extra),
    )]
    return View(
        title=f"{meta.name} {meta.version} (reviewed {meta.review_date})",
        data=data,
        rows=rows,
        lines=[meta.summary],
        sections=[
            Section("Contents", ["records", "count"], [[k, str(n)] for k, n in counts.items()]),
            Section("Sources", ["source"], [[s] for s in meta.sources]),
            Section("Files", ["file"], [[f] for f in kb.files]),
        ],
        footer=[f"sha256 {kb.sha256}"],
    )


def kb_check(kb: Any) -> View:
    counts = kb.counts()
    text = ", ".join(f"{n} {k}" for k, n in counts.items())
    data = {"ok": True, "version": kb.meta.version, "sha256": kb.sha256, "counts": counts, "files": kb.files}
    return View(
        title=f"knowledge base OK: {text}",
        data=data,
        rows=[{"ok": True, "version": kb.meta.version, "sha256": kb.sha256, **counts}],
        lines=[f"{len(kb.files)} files checked; sha256 {kb.sha256}"],
    )


# ------------------------------------------------------------------ shared formatting of knowledge
LMS_STATUS = {
    "approved": "approved for LMS", "approved-sts": "approved for soft-tissue sarcoma",
    "tumour-agnostic": "tumour-agnostic approval", "off-label": "off-label in LMS",
    "withdrawn": "withdrawn", "not-recommended": "not recommended in LMS",
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


def endpoint_text(ep: Any, arms: tuple = ()) -> str:
    from lmsrx.units import fmt

    unit = {"percent": "%", "months": " months", "years": " years", "patients": " patients", "responses": " responses"}.get(ep.unit or "", "")
    parts = [ep.name]
    if ep.values:
        vals = [f"{fmt(v)}{unit if unit == '%' else ''}" for v in ep.values]
        parts.append(" vs ".join(vals) + ("" if unit == "%" else unit))
    if ep.timepoint:
        parts.append(f"at {ep.timepoint}")
    text = " ".join(parts)
    stats = []
    if ep.effect:
        label = {"hazard-ratio": "HR", "ratio-as-reported": "ratio (as reported)", "fold-change": "fold"}[ep.effect.measure]
        s = f"{label} {fmt(ep.effect.value)}" if ep.effect.value is not None else f"{label} not given"
        if ep.effect.ci:
            s += f" (95% CI {fmt(ep.effect.ci[0])}-{fmt(ep.effect.ci[1])})"
        stats.append(s)
    if ep.p:
        stats.append(f"P {ep.p}" if ep.p[:1] in "<>=" else f"P = {ep.p}")
    if stats:
        text += "; " + ", ".join(stats)
    if ep.arm_order_unknown:
        text += " (arm order not stated)"
    return f"{text} [{ep.origin}]"


def evidence_brief(kb: Any, ev: Any, max_endpoints: int = 2) -> str:
    import re

    title = re.sub(r"\s*\((?:randomised )?phase [^)]*\)$", "", ev.title)
    lines = [f"{title} ({design_text(ev.design)})"]
    eps = list(ev.endpoints)
    eps.sort(key=lambda e: e.origin != "source")
    lines += [endpoint_text(e) for e in eps[:max_endpoints]]
    if not ev.endpoints and ev.conclusion:
        lines.append(ev.conclusion)
    return "\n".join(lines)


def approval_text(kb: Any, reg: Any) -> list[str]:
    out = [reg.guideline] if reg.guideline else []
    for drug_id in reg.drugs:
        drug = kb.drugs[drug_id]
        dated = [f"{a.region} {a.date}" for a in drug.approvals if a.status in ("approved", "accelerated-approval") and a.date
                 and a.evidence is not None and drug.lms_status in ("approved", "approved-sts", "tumour-agnostic")]
        out.append(f"{drug.name}: {LMS_STATUS[drug.lms_status]}" + (f" ({'; '.join(dated)})" if dated else ""))
    return out


# ------------------------------------------------------------------ options
def _criteria(a: Any) -> list[dict[str, Any]]:
    return [{"test": v.test, "verdict": v.status, "why": v.why, "detail": v.detail or None, "needs": v.needs}
            for v in a.verdicts]


def options_data(kb: Any, answer: Any, explain: bool = False) -> dict[str, Any]:
    from lmsrx import cite
    from lmsrx.eligibility import STRENGTH_LABELS

    def candidate(a: Any) -> dict[str, Any]:
        reg = a.regimen
        out = {
            "id": reg.id, "name": reg.name, "drugs": list(reg.drugs), "status": a.status, "needs": a.needs,
            "evidence": [{"id": e, "summary": kb.evidence[e].summary, "citation": cite.cites(kb, kb.evidence[e].cite)}
                         for e in reg.evidence],
            "cautions": a.cautions, "why": a.why,
            "strength": STRENGTH_LABELS[a.strength], "recommendation": reg.recommendation,
            "approval": approval_text(kb, reg),
        }
        if explain:
            out["criteria"] = _criteria(a)
        return out

    def excluded(a: Any) -> dict[str, Any]:
        out = {"id": a.regimen.id, "name": a.regimen.name, "drugs": list(a.regimen.drugs), "reasons": a.reasons}
        if explain:
            out["criteria"] = _criteria(a)
        return out

    return {
        "query": answer.patient.query(),
        "knowledge": {"version": kb.meta.version, "sha256": kb.sha256},
        "candidates": [candidate(a) for a in answer.candidates],
        "excluded": [excluded(a) for a in answer.excluded],
    }


def options_rows(data: dict[str, Any], patient_column: bool = False) -> list[dict[str, Any]]:
    rows = []
    for item in [*data["candidates"], *({**e, "status": "excluded"} for e in data["excluded"])]:
        row: dict[str, Any] = {"patient": data["query"]["id"]} if patient_column else {}
        row.update({
            "status": item["status"], "id": item["id"], "name": item["name"], "drugs": item["drugs"],
            "strength": item.get("strength", ""), "needs": item.get("needs", []),
            "reasons": item.get("reasons", []), "why": item.get("why", []), "cautions": item.get("cautions", []),
            "evidence": [e["id"] for e in item.get("evidence", [])],
        })
        rows.append(row)
    return rows


def options(kb: Any, answer: Any, explain: bool = False) -> View:
    data = options_data(kb, answer, explain)
    eligible = [a for a in answer.candidates if a.status == "eligible"]
    conditional = [a for a in answer.candidates if a.status == "conditional"]

    def cand_rows(items: list) -> list[list[str]]:
        rows = []
        for a in items:
            reg = a.regimen
            from lmsrx.eligibility import key_evidence

            first = key_evidence(kb, reg)
            head = f"{reg.name}\n[{', '.join(reg.drugs)}]\n{reg.recommendation}; evidence: {_strength(a)}"
            if a.status == "conditional":
                head += "\nneeds: " + "; ".join(a.needs)
            rows.append([head, evidence_brief(kb, first), "\n".join(approval_text(kb, reg)),
                         "\n".join(f"- {c}" for c in a.cautions) or "-"])
        return rows

    columns = ["Regimen", "Key evidence", "Approval / guideline", "Cautions"]
    sections = [
        Section(f"Eligible ({len(eligible)})", columns, cand_rows(eligible),
                note=None if eligible else "No option has every criterion met."),
        Section(f"Conditional ({len(conditional)}): decided by the information listed under 'needs'", columns,
                cand_rows(conditional), note=None if conditional else "None."),
        Section(f"Excluded ({len(answer.excluded)})", ["Regimen", "Why not"],
                [[a.regimen.name, "\n".join(a.reasons)] for a in answer.excluded]),
    ]
    if explain:
        rows = [[a.regimen.id, v.test, v.status, v.sentence() + (f" - needs {v.needs}" if v.needs else "")]
                for a in [*answer.candidates, *answer.excluded] for v in a.verdicts]
        sections.append(Section("Every criterion (--explain)", ["Regimen", "Test", "Verdict", "Detail"], rows))
    return View(
        title=f"LMS options: {answer.patient.summary()} (knowledge {kb.meta.version})",
        data=data, rows=options_rows(data), sections=sections,
        footer=["Evidence strength orders the list: approved on a randomised phase III, phase III, phase II, other.",
                "Decision support only: check every option against the patient and current labels.",
                "Use --format json for citations and the full evidence of each option; --explain for every criterion."],
    )


def _strength(a: Any) -> str:
    from lmsrx.eligibility import STRENGTH_LABELS

    return STRENGTH_LABELS[a.strength]
