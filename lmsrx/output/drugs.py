"""The views of drugs and of a dose check: the drug card, the list of drugs, the dose-check sheet."""
from __future__ import annotations

from typing import Any

from lmsrx.clinical.labelrules import action_text
from lmsrx.output.common import (
    CHECK_COLUMNS,
    DOSE_RULE_NOTE,
    VERDICT_TEXT,
    all_cites,
    check_dicts,
    check_rows,
    cited,
    fmt_num,
    reference_texts,
    to_json,
)
from lmsrx.output.view import Section, View
from lmsrx.output.wording import LMS_STATUS


def drug(kb: Any, d: Any) -> View:
    regimens = [r for r in kb.regimens.values() if d.id in r.drugs]
    evidence = [e for e in kb.evidence.values() if d.id in e.drugs]
    data = to_json(d)
    rules = kb.rules_for(d.id)
    classes = kb.classes_of(d.id)
    data["classes"] = [{"id": c, "name": kb.classes[c].name, **{k: v for k, v in to_json(m).items() if k != "drug"}}
                       for c in classes for m in kb.classes[c].members if m.drug == d.id]
    data["rules"] = [to_json(r) for r in rules]
    data["status_in_lms"] = LMS_STATUS[d.lms_status]
    data["regimens"] = [{"id": r.id, "name": r.name, "recommendation": r.recommendation} for r in regimens]
    data["evidence"] = [{"id": e.id, "title": e.title} for e in evidence]
    data["references"] = reference_texts(kb, all_cites(d) | {c for r in rules for c in r.cite}
                                     | {c for x in data["classes"] for c in x["cite"]})
    names = ", ".join(d.brands) if d.brands else ""
    lines = [f"Status in LMS: {LMS_STATUS[d.lms_status]}"]
    lines += [f"Brands: {names}"] if names else []
    lines += [f"Also known as: {', '.join(d.aliases)}"] if d.aliases else []
    lines += [f"Class: {', '.join(_class_text(kb, c, d.id) for c in classes)}"] if classes else []
    lines += [f"Route: {', '.join(x.upper() for x in d.route)}"] if d.route else []
    lines += [f"Mechanism: {d.mechanism}"] if d.mechanism else []
    lines += [d.summary, f"Sources: {cited(d.cite)}"]
    from lmsrx.dosing.onrecord import on_record, span_text
    from lmsrx.knowledge.model import CONTEXT_TEXT

    dose_rows = []
    for x in d.doses:
        per = {p: on_record(x, p) for p in ("administration", "cycle")}
        cells = [(span_text(r.low, r.high) + (" (computed)" if r.computed else "")) if r else "-" for r in per.values()]
        if x.fraction_of:
            cells[0] = f"{fmt_num(x.percent)}% of the {x.fraction_of} dose" + (f", {x.times} times a day" if x.times else "")
        context = x.context + (" (standard)" if x.standard else "") + (" [newer than the source]" if x.newer_than_source else "")
        schedule = x.schedule + (f" [{x.note}]" if x.note else "")
        dose_rows.append([context, *cells, schedule, x.status, cited(x.cite)])
    sections = [
        Section("Status and approvals", ["Status", "Region", "What", "Date", "Source says", "Sources"],
                [[a.status, a.region, a.what + (f" ({a.note})" if a.note else "") + (" [seen once]" if a.seen_once else ""), a.date or "-", a.source_says or "-", cited(a.cite)]
                 for a in d.approvals], note=None if d.approvals else "No approval on record."),
        Section("Doses on record", ["Context", "Per administration", "Per cycle", "Schedule", "Status", "Sources"], dose_rows,
                note=None if d.doses else "No dose on record."),
        Section("Limits", ["Scope", "Severity", "Maximum", "Applies", "Why", "Sources"],
                [[x.scope, x.severity, str(x.max), CONTEXT_TEXT[x.when] if x.when else "always", x.basis, cited(x.cite)] for x in d.limits],
                note=None if d.limits else "No limit on record."),
        Section("Label rules: organ function, age, contraindications, equivalence", ["Rule", "Topic", "When", "Says", "Sources"],
                [[r.id, r.topic, when_text(r), _rule_says(r), cited(r.cite)] for r in rules],
                note=None if rules else "No label rule on record: organ-function and age checks are not verified."),
        Section("Toxicities", ["Toxicity", "Detail", "Sources"],
                [[t.name + (" (boxed warning)" if t.boxed else ""), t.detail or "-", cited(t.cite)] for t in d.toxicities]),
        Section("Supportive care", ["Care", "Sources"], [[n.text, cited(n.cite)] for n in d.supportive_care]),
        Section("Notes", ["Note", "Sources"], [[n.text, cited(n.cite)] for n in d.notes]),
        Section("Source and checked record differ", ["Topic", "Source says", "Checked record says", "Sources"],
                [[x.topic, x.source_says, x.record_says, cited(x.cite)] for x in d.discrepancies]),
        Section("Regimens", ["Regimen", "Name", "Recommendation"], [[r.id, r.name, r.recommendation] for r in regimens]),
        Section("Evidence", ["Evidence", "Title"], [[e.id, e.title] for e in evidence]),
        Section("References", ["Id", "Citation"], [[k, v] for k, v in data["references"].items()]),
    ]
    sections = [s for s in sections if s.rows or s.note]
    rows = [{"section": "dose", "context": x.context, "value": x.schedule, "status": x.status, "cite": list(x.cite)} for x in d.doses]
    rows += [{"section": f"limit:{x.severity}", "context": f"{x.scope}" + (f" ({x.when})" if x.when else ""), "value": str(x.max),
              "status": x.status, "cite": list(x.cite)} for x in d.limits]
    rows += [{"section": "toxicity", "context": t.name, "value": t.detail or "", "status": "boxed" if t.boxed else "", "cite": list(t.cite)}
             for t in d.toxicities]
    rows += [{"section": "approval", "context": f"{a.status} {a.region}", "value": a.what, "status": a.date or "", "cite": list(a.cite)}
             for a in d.approvals]
    return View(title=f"{d.name} [{d.id}]", data=data, rows=rows, lines=lines, sections=sections,
                footer=["Decision support only: check doses against the current label and local protocols."])


def _class_text(kb: Any, cls: str, drug_id: str) -> str:
    member = next(m for m in kb.classes[cls].members if m.drug == drug_id)
    return cls + (" (seen once)" if member.seen_once else "")


def when_text(r: Any) -> str:
    """A rule's circumstance in words: ``Child-Pugh C; or bilirubin_mg_dl > 5``."""
    from lmsrx.records import fields

    if not r.when:
        return "check before giving"
    alts = []
    for c in r.when:
        parts = []
        for f in fields(c):
            v = getattr(c, f.name)
            if v:
                parts.append(f"{f.name.replace('_', ' ')} {'/'.join(v) if isinstance(v, tuple) else v}")
        alts.append(" and ".join(parts))
    return "; or ".join(alts)


def _rule_says(r: Any) -> str:
    from lmsrx.clinical.labelrules import sentence

    head = {"dose": action_text(r), "ratio": f"1 mg = {fmt_num(r.ratio)} mg of {r.to}" if r.ratio is not None else ""}.get(r.action, r.action)
    return f"{head}: {sentence(r)}" if head else sentence(r)


def drugs(kb: Any, items: list) -> View:
    data = [{"id": d.id, "name": d.name, "class": ", ".join(kb.classes_of(d.id)) or None, "classes": list(kb.classes_of(d.id)),
             "status": d.lms_status, "brands": list(d.brands)} for d in items]
    return View(title=f"{len(items)} drugs", data=data, rows=[{k: v for k, v in x.items() if k != "classes"} for x in data],
                sections=[Section("Drugs", ["Id", "Name", "Class", "Status in LMS", "Brands"],
                                  [[d.id, d.name, ", ".join(kb.classes_of(d.id)) or "-", LMS_STATUS[d.lms_status], ", ".join(d.brands) or "-"]
                                   for d in items])],
                plain=[d.id for d in items])


def dose(kb: Any, r: Any) -> View:
    d = r.drug
    data: dict[str, Any] = {
        "drug": d.id,
        "inputs": r.inputs(),
        "bsa": r.bsa.as_dict() if r.bsa else None,
        "standard": r.standard,
        "per": r.per,
        "route": r.route,
        "planned": {k: str(v) for k, v in r.shown().items()},
        "planned_values": {k: round(v.value, 4) for k, v in r.forms.items()},
        "rate": r.rate,
        "cumulative": r.cumulative,
        "checks": check_dicts(r.checks),
        "notes": r.notes,
        "verdict": r.verdict,
    }
    lines = []
    if r.bsa:
        how = "given" if r.bsa.formula == "given" else f"{r.bsa.formula}, height {fmt_num(r.bsa.height_cm)} cm, weight {fmt_num(r.bsa.weight_kg)} kg"
        lines.append(f"BSA: {fmt_num(r.bsa.value)} m2 ({how})")
    if r.standard:
        s = r.standard
        lines.append(f"Standard dose ({s['context']}): {s['schedule']}" + (f" = {s['for_patient']} for this patient" if s.get("for_patient") else ""))
    if r.planned:
        lines.append(f"Planned (per {r.per}): {r.planned} = " + ", ".join(str(v) for v in r.shown().values()))
    if r.rate:
        lines.append(f"Infusion: over {fmt_num(r.rate['minutes'])} min = {fmt_num(r.rate['mg_per_m2_per_min'])} mg/m2/min"
                     if r.rate.get("mg_per_m2_per_min") is not None else f"Infusion over {fmt_num(r.rate['minutes'])} min")
    if r.cumulative and r.cumulative.get("agents"):
        lines += cumulative_lines(kb, r.cumulative)
    lines += [f"Note: {n}" for n in r.notes]
    return View(
        title=f"{d.name} dose check: {VERDICT_TEXT[data['verdict']]}", data=data,
        rows=[{"drug": d.id, **{k: v for k, v in c.items() if k != "cite"}, "verdict": data["verdict"]} for c in data["checks"]]
        or [{"drug": d.id, "rule": None, "severity": None, "result": None, "value": None, "limit": None, "basis": None,
             "verdict": data["verdict"]}],
        lines=lines,
        sections=[Section("Checks", CHECK_COLUMNS, check_rows(r.checks))] if r.checks else [],
        footer=[DOSE_RULE_NOTE],
    )


def cumulative_lines(kb: Any, info: dict[str, Any]) -> list[str]:
    """Exposure per agent, the ratios on record and the doxorubicin-equivalent total, in words."""
    lines = []
    ref = info.get("equivalent_to")
    for agent, v in info["agents"].items():
        prior = "not given" if v["prior_mg_per_m2"] is None else f"{fmt_num(v['prior_mg_per_m2'])} mg/m2"
        text = f"Cumulative {kb.drugs[agent].name}: prior {prior}" \
            + (f", this {fmt_num(v['this_mg_per_m2'])} mg/m2" if v["this_mg_per_m2"] is not None else "")
        if ref and agent != ref:
            found = [f"{fmt_num(x['ratio'])} ({x['rule']}{', seen once' if x['seen_once'] else ''})" if x["ratio"] is not None
                     else f"no recommendation ({x['rule']})" for x in v["ratios"]]
            text += (f"; ratios to {kb.drugs[ref].name} on record: {'; '.join(found)}" if found
                     else f"; no ratio to {kb.drugs[ref].name} on record: not converted")
            if v.get("ratio_used") is not None:
                text += f"; used {fmt_num(v['ratio_used'])} (the most cautious)"
        lines.append(text)
    if ref and info.get("doxorubicin_equivalent_total_mg_per_m2") is not None:
        lines.append(f"{kb.drugs[ref].name}-equivalent total (prior and this): "
                     f"{fmt_num(info['doxorubicin_equivalent_total_mg_per_m2'])} mg/m2")
    lines.append(f"Note: {info['equivalence']}")
    return lines
