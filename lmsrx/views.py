"""Turn core results into :class:`~lmsrx.render.View` objects (JSON document, flat rows, human layout).

No formatting decisions beyond choosing fields: :mod:`lmsrx.render` does the printing.
"""
from __future__ import annotations

from typing import Any

from lmsrx.render import Section, View


def kb_info(kb: Any) -> View:
    meta = kb.meta
    counts = kb.counts()
    from lmsrx.files import builtin_files

    extra = kb.files[len(builtin_files()):]  # the built-in files come first (a user's "knowledge/x.yaml" is still extra)
    summary = kb.summary()  # kept with a compiled or cached base: describing it decodes no record
    by_origin, newest = summary["evidence_by_origin"], summary["newest_reference_year"]
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
        "evidence_by_origin": by_origin,
        "newest_reference_year": newest,
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
            Section("Evidence by origin", ["origin", "count", "records"],
                    [[k, str(len(v)), ", ".join(v)] for k, v in by_origin.items()],
                    note=f"The newest reference is from {newest}." if newest else None),
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


def evidence_head(ev: Any) -> str:
    """'ANNOUNCE ... (phase III randomised, N=509) [no benefit in LMS]'."""
    import re

    from lmsrx import figures

    title = re.sub(r"\s*\((?:randomised )?phase [^)]*\)$", "", ev.title)
    tag = figures.label(ev)
    return f"{title} ({design_text(ev.design)})" + (f" [{tag}]" if tag else "")


def evidence_brief(kb: Any, ev: Any, reg: Any = None) -> str:
    """The evidence with every figure of it, each arm labelled (this option's arm marked); a record
    that did not test the regimen shows no figures and says so."""
    from lmsrx import figures
    from lmsrx.eligibility import tested

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
    from lmsrx import cite, figures
    from lmsrx.eligibility import supports, tested

    own = tested(ev, reg)
    return {
        "id": ev.id, "title": ev.title, "design": design_text(ev.design), "lms_result": ev.lms_result,
        "favoured_arm": ev.arms[ev.favoured_arm] if ev.favoured_arm is not None else None,
        "tested_this_regimen": own, "counts_as_support": supports(ev, reg), "newer_than_source": ev.newer_than_source,
        "summary": ev.summary, "citation": cite.cites(kb, ev.cite),
        "endpoints": figures.evidence_figures(ev, reg.id) if own else [],
    }


SOURCE_DATE = "2020-10-07"  # the revision date of the primary source (StatPearls)


def approval_text(kb: Any, reg: Any) -> list[str]:
    out = [reg.guideline] if reg.guideline else []
    for drug_id in reg.drugs:
        drug = kb.drugs[drug_id]
        dated = [f"{'accelerated approval ' if a.status == 'accelerated-approval' else ''}{a.region} {a.date}"
                 + (" (newer than the source)" if a.date > SOURCE_DATE else "")
                 for a in drug.approvals if a.status in ("approved", "accelerated-approval") and a.date
                 and (a.evidence is not None or drug.lms_status == "tumour-agnostic")
                 and drug.lms_status in ("approved", "approved-sts", "tumour-agnostic")]
        out.append(f"{drug.name}: {LMS_STATUS[drug.lms_status]}" + (f" ({'; '.join(dated)})" if dated else ""))
    return out


# ------------------------------------------------------------------ options
def _criteria(a: Any) -> list[dict[str, Any]]:
    return [{"test": v.test, "verdict": v.status, "why": v.why, "detail": v.detail or None, "needs": v.needs}
            for v in a.verdicts]


def options_data(kb: Any, answer: Any, explain: bool = False) -> dict[str, Any]:
    def candidate(a: Any) -> dict[str, Any]:
        reg = a.regimen
        out = {
            "id": reg.id, "name": reg.name, "drugs": list(reg.drugs), "status": a.status, "needs": a.needs,
            "evidence": [evidence_data(kb, kb.evidence[e], reg) for e in reg.evidence],
            "cautions": list(a.cautions), "why": a.why,  # a copy: a batch shares assessments
            "strength": a.strength_label, "recommendation": reg.recommendation,
            "preferred": a.preferred, "newer_than_source": reg.newer_than_source,
            "approval": approval_text(kb, reg),
        }
        if explain:
            out["criteria"] = _criteria(a)
        return out

    def excluded(a: Any) -> dict[str, Any]:
        out = {"id": a.regimen.id, "name": a.regimen.name, "drugs": list(a.regimen.drugs), "reasons": a.reasons,
               "newer_than_source": a.regimen.newer_than_source}
        if explain:
            out["criteria"] = _criteria(a)
        return out

    return {
        "query": answer.patient.query(),
        "knowledge": {"version": kb.meta.version, "sha256": kb.sha256},
        "candidates": [candidate(a) for a in answer.candidates],
        "excluded": [excluded(a) for a in answer.excluded],
    }


def options_line(kb: Any, answer: Any, explain: bool = False, line: int | None = None) -> str:
    """``dumps(options_data(...))`` (one NDJSON line, with ``line`` first when given), fast: what does not
    change from patient to patient (each regimen's names, evidence cards, strength and approval) is
    serialised once, and each assessment's own part once per assessment (a batch shares assessments
    between patients). Escaping is per character, so the parts are escaped apart. Tests prove the text
    identical to ``dumps`` of the data."""
    from lmsrx.render import ENCODER, escape_json

    def enc(value: Any) -> str:
        return escape_json(ENCODER.encode(value))

    def static(a: Any) -> tuple[str, str, str, str]:
        reg = a.regimen
        return kb.memo(("options-json", reg.id), lambda: (
            "{" + f'"id":{enc(reg.id)},"name":{enc(reg.name)},"drugs":{enc(list(reg.drugs))},"status":',
            ',"evidence":' + enc([evidence_data(kb, kb.evidence[e], reg) for e in reg.evidence]),
            f',"strength":{enc(a.strength_label)},"recommendation":{enc(reg.recommendation)},"preferred":',
            f',"newer_than_source":{enc(reg.newer_than_source)},"approval":{enc(approval_text(kb, reg))}',
        ))

    def candidate(a: Any) -> tuple[str, ...]:
        parts = a.cache.get(("candidate-json", explain))
        if parts is None:
            head, evidence, middle, tail = static(a)
            parts = a.cache[("candidate-json", explain)] = (
                head, f'{enc(a.status)},"needs":{enc(a.needs)}', evidence,
                f',"cautions":{enc(a.cautions)},"why":{enc(a.why)}', middle, enc(a.preferred), tail,
                (f',"criteria":{enc(_criteria(a))}' if explain else "") + "}")
        return parts

    def excluded(a: Any) -> str:
        text = a.cache.get(("excluded-json", explain))
        if text is None:
            out = {"id": a.regimen.id, "name": a.regimen.name, "drugs": list(a.regimen.drugs), "reasons": a.reasons,
                   "newer_than_source": a.regimen.newer_than_source}
            if explain:
                out["criteria"] = _criteria(a)
            text = a.cache[("excluded-json", explain)] = enc(out)
        return text

    head = f'"line":{line},' if line is not None else ""
    knowledge = kb.memo("knowledge-json", lambda: enc({"version": kb.meta.version, "sha256": kb.sha256}))
    return "".join(("{", head, '"query":', enc(answer.patient.query()), ',"knowledge":', knowledge, ',"candidates":[',
                    ",".join("".join(candidate(a)) for a in answer.candidates), '],"excluded":[',
                    ",".join(excluded(a) for a in answer.excluded), "]}"))


def options_compact_line(answer: Any, line: int | None = None) -> str:
    """``dumps(options_compact(...))``, each assessment's part serialised once (a test proves it identical)."""
    from lmsrx.render import ENCODER, escape_json

    def part(a: Any, kind: str) -> str:
        text = a.cache.get(kind)
        if text is None:
            value = ({"id": a.regimen.id, "status": a.status, "strength": a.strength_label, "needs": a.needs,
                      "evidence": list(a.regimen.evidence)} if kind == "compact-candidate"
                     else {"id": a.regimen.id, "reasons": a.reasons})
            text = a.cache[kind] = escape_json(ENCODER.encode(value))
        return text

    head = f'"line":{line},' if line is not None else ""
    return "".join(("{", head, '"id":', escape_json(ENCODER.encode(answer.patient.id)), ',"candidates":[',
                    ",".join(part(a, "compact-candidate") for a in answer.candidates), '],"excluded":[',
                    ",".join(part(a, "compact-excluded") for a in answer.excluded), "]}"))


def options_compact(answer: Any, line: int | None = None) -> dict[str, Any]:
    """What a cohort needs per patient: each regimen's id, status, needs or reasons; evidence by id."""
    out: dict[str, Any] = {"line": line} if line is not None else {}
    out.update({
        "id": answer.patient.id,
        "candidates": [{"id": a.regimen.id, "status": a.status, "strength": a.strength_label, "needs": a.needs,
                        "evidence": list(a.regimen.evidence)} for a in answer.candidates],
        "excluded": [{"id": a.regimen.id, "reasons": a.reasons} for a in answer.excluded],
    })
    return out


def compact_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [{"patient": data["id"], "status": c["status"], "id": c["id"], "strength": c["strength"], "needs": c["needs"],
             "reasons": [], "evidence": c["evidence"]} for c in data["candidates"]]
    rows += [{"patient": data["id"], "status": "excluded", "id": x["id"], "strength": None, "needs": [], "reasons": x["reasons"],
              "evidence": []} for x in data["excluded"]]
    return rows


def options_rows(data: dict[str, Any], patient_column: bool = False) -> list[dict[str, Any]]:
    rows = []
    for item in [*data["candidates"], *({**e, "status": "excluded"} for e in data["excluded"])]:
        row: dict[str, Any] = {"patient": data["query"]["id"]} if patient_column else {}
        row.update({
            "status": item["status"], "id": item["id"], "name": item["name"], "drugs": item["drugs"],
            "strength": item.get("strength", ""), "needs": item.get("needs", []),
            "reasons": item.get("reasons", []), "why": item.get("why", []), "cautions": item.get("cautions", []),
            "evidence": [e["id"] for e in item.get("evidence", [])],
            "newer_than_source": item.get("newer_than_source", False)
            or any(e["newer_than_source"] for e in item.get("evidence", [])),
        })
        rows.append(row)
    return rows


def key_figure(kb: Any, reg: Any) -> str:
    """The one figure the compact table shows: the first figure of this regimen's key trial."""
    from lmsrx import figures
    from lmsrx.eligibility import key_evidence, tested

    for ev in key_evidence(kb, reg, 3):
        if ev.endpoints and tested(ev, reg):
            fig = figures.evidence_figures(ev, reg.id)
            own = [f for f in fig if any(v["own"] for v in f["values"])] or fig
            return f"{evidence_head(ev)}: {figures.text(own[0])}"
    return ""


def _compact(kb: Any, answer: Any) -> Section:
    rows = []
    for a in [*answer.candidates, *answer.excluded]:
        reg = a.regimen
        name = f"{a.status.upper()}\n{reg.name}\n{reg.id}" + ("\npreferred by the source" if a.preferred else "") \
            + ("\nnewer than the source" if reg.newer_than_source else "")
        if a.status == "excluded":
            rows.append([name, "-", "\n".join(a.reasons)])
            continue
        figure = key_figure(kb, reg)
        evidence = a.strength_label + (f"\n{figure}" if figure else "")
        what = ("needs: " + "; ".join(a.needs)) if a.status == "conditional" else ("\n".join(a.cautions) or "-")
        rows.append([name, evidence, what])
    return Section("Options", ["Option", "Evidence (strength; key figure)", "Needs, cautions or why not"], rows)


def options(kb: Any, answer: Any, explain: bool = False, long: bool = False) -> View:
    data = options_data(kb, answer, explain)
    eligible = [a for a in answer.candidates if a.status == "eligible"]
    conditional = [a for a in answer.candidates if a.status == "conditional"]
    summary = f"{len(eligible)} eligible, {len(conditional)} conditional, {len(answer.excluded)} excluded"

    def cand_rows(items: list) -> list[list[str]]:
        rows = []
        for a in items:
            reg = a.regimen
            from lmsrx.eligibility import key_evidence

            keys = key_evidence(kb, reg, 2)
            head = f"{reg.name}\n[{', '.join(reg.drugs)}]\n{reg.recommendation}; evidence: {a.strength_label}"
            if reg.newer_than_source:
                head += "\nnewer than the source"
            if a.preferred:
                head += f"\npreferred: {a.preferred}"
            if a.status == "conditional":
                head += "\nneeds: " + "; ".join(a.needs)
            rows.append([head, "\n".join(evidence_brief(kb, ev, reg) for ev in keys), "\n".join(approval_text(kb, reg)),
                         "\n".join(f"- {c}" for c in a.cautions) or "-"])
        return rows

    columns = ["Regimen", "Key evidence", "Approval / guideline", "Cautions"]
    sections = [_compact(kb, answer)] if not long else [
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
        data=data, rows=options_rows(data), sections=sections, lines=[summary],
        footer=(["--long shows every figure of the key trials, the approvals and the cautions in full."] if not long else [])
        + ["Order: a preference the source states first, then the strength of the evidence for LMS (approved on a "
                "randomised phase III, phase III, phase II, retrospective or early-phase, other; a negative or non-LMS "
                "result gives none), then name.",
                "Decision support only: check every option against the patient and current labels.",
                "Use --format json for citations and the full evidence of each option; --explain for every criterion."],
    )




# ------------------------------------------------------------------ drug and drugs
def to_json(obj: Any) -> Any:
    """A record as plain JSON: quantities as '12 g/m2' text, tuples as lists."""
    from lmsrx import records

    from lmsrx.units import Quantity

    if isinstance(obj, Quantity):
        return str(obj)
    if records.is_record(obj):
        return {f.metadata.get("key", f.name): to_json(getattr(obj, f.name)) for f in records.fields(obj) if f.name != "replace"}
    if isinstance(obj, (list, tuple)):
        return [to_json(x) for x in obj]
    return obj


def _cited(ids: tuple) -> str:
    return ", ".join(ids)


def _references(kb: Any, ids: set[str]) -> dict[str, str]:
    from lmsrx import cite

    return {i: cite.short(kb.references[i]) for i in sorted(ids)}


def _all_cites(obj: Any) -> set[str]:
    from lmsrx import records

    out: set[str] = set()
    if isinstance(obj, (list, tuple)):
        for x in obj:
            out |= _all_cites(x)
    elif records.is_record(obj):
        for f in records.fields(obj):
            v = getattr(obj, f.name)
            out |= set(v) if f.name == "cite" else _all_cites(v)
    return out


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
    data["references"] = _references(kb, _all_cites(d) | {c for r in rules for c in r.cite}
                                     | {c for x in data["classes"] for c in x["cite"]})
    names = ", ".join(d.brands) if d.brands else ""
    lines = [f"Status in LMS: {LMS_STATUS[d.lms_status]}"]
    lines += [f"Brands: {names}"] if names else []
    lines += [f"Also known as: {', '.join(d.aliases)}"] if d.aliases else []
    lines += [f"Class: {', '.join(_class_text(kb, c, d.id) for c in classes)}"] if classes else []
    lines += [f"Route: {', '.join(x.upper() for x in d.route)}"] if d.route else []
    lines += [f"Mechanism: {d.mechanism}"] if d.mechanism else []
    lines += [d.summary, f"Sources: {_cited(d.cite)}"]
    from lmsrx.dosing import on_record, _span
    from lmsrx.model import CONTEXT_TEXT

    dose_rows = []
    for x in d.doses:
        per = {p: on_record(x, p) for p in ("administration", "cycle")}
        cells = [(_span(r.low, r.high) + (" (computed)" if r.computed else "")) if r else "-" for r in per.values()]
        if x.fraction_of:
            cells[0] = f"{fmt_num(x.percent)}% of the {x.fraction_of} dose" + (f", {x.times} times a day" if x.times else "")
        context = x.context + (" (standard)" if x.standard else "") + (" [newer than the source]" if x.newer_than_source else "")
        schedule = x.schedule + (f" [{x.note}]" if x.note else "")
        dose_rows.append([context, *cells, schedule, x.status, _cited(x.cite)])
    sections = [
        Section("Status and approvals", ["Status", "Region", "What", "Date", "Source says", "Sources"],
                [[a.status, a.region, a.what + (f" ({a.note})" if a.note else ""), a.date or "-", a.source_says or "-", _cited(a.cite)]
                 for a in d.approvals], note=None if d.approvals else "No approval on record."),
        Section("Doses on record", ["Context", "Per administration", "Per cycle", "Schedule", "Status", "Sources"], dose_rows,
                note=None if d.doses else "No dose on record."),
        Section("Limits", ["Scope", "Severity", "Maximum", "Applies", "Why", "Sources"],
                [[x.scope, x.severity, str(x.max), CONTEXT_TEXT[x.when] if x.when else "always", x.basis, _cited(x.cite)] for x in d.limits],
                note=None if d.limits else "No limit on record."),
        Section("Label rules: organ function, age, contraindications, equivalence", ["Rule", "Topic", "When", "Says", "Sources"],
                [[r.id, r.topic, when_text(r), _rule_says(r), _cited(r.cite)] for r in rules],
                note=None if rules else "No label rule on record: organ-function and age checks are not verified."),
        Section("Toxicities", ["Toxicity", "Detail", "Sources"],
                [[t.name + (" (boxed warning)" if t.boxed else ""), t.detail or "-", _cited(t.cite)] for t in d.toxicities]),
        Section("Supportive care", ["Care", "Sources"], [[n.text, _cited(n.cite)] for n in d.supportive_care]),
        Section("Notes", ["Note", "Sources"], [[n.text, _cited(n.cite)] for n in d.notes]),
        Section("Source and checked record differ", ["Topic", "Source says", "Checked record says", "Sources"],
                [[x.topic, x.source_says, x.record_says, _cited(x.cite)] for x in d.discrepancies]),
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
    from lmsrx.labelrules import _what, sentence

    head = {"dose": _what(r), "ratio": f"1 mg = {fmt_num(r.ratio)} mg of {r.to}" if r.ratio is not None else ""}.get(r.action, r.action)
    return f"{head}: {sentence(r)}" if head else sentence(r)


def drugs(kb: Any, items: list) -> View:
    data = [{"id": d.id, "name": d.name, "class": ", ".join(kb.classes_of(d.id)) or None, "classes": list(kb.classes_of(d.id)),
             "status": d.lms_status, "brands": list(d.brands)} for d in items]
    return View(title=f"{len(items)} drugs", data=data, rows=[{k: v for k, v in x.items() if k != "classes"} for x in data],
                sections=[Section("Drugs", ["Id", "Name", "Class", "Status in LMS", "Brands"],
                                  [[d.id, d.name, ", ".join(kb.classes_of(d.id)) or "-", LMS_STATUS[d.lms_status], ", ".join(d.brands) or "-"]
                                   for d in items])],
                plain=[d.id for d in items])


# ------------------------------------------------------------------ dose
VERDICT_TEXT = {
    "ok": "OK: within the doses and limits on record, as checked below",
    "warning": "WARNING: see the checks below",
    "exceeds": "EXCEEDS: do not give as ordered",
    "not checked": "no planned dose given (--planned)",
}


def check_dicts(checks: list) -> list[dict[str, Any]]:
    return [{"rule": c.rule, "severity": c.severity, "result": c.result, "value": c.value, "limit": c.limit,
             "basis": c.basis, "cite": list(c.cite)} for c in checks]


def worst_first(items: list, result: Any = lambda c: c.result) -> list:
    """For people: the exceeding rows first, then warnings (stable otherwise); JSON keeps the order of the checks."""
    from lmsrx.vocab import RESULTS

    return sorted(items, key=lambda c: -RESULTS.index(result(c)))


def check_rows(checks: list) -> list[list[str]]:
    return [[c.result.upper(), c.rule, c.value, c.limit, c.basis, ", ".join(c.cite) or "-"] for c in worst_first(checks)]


CHECK_COLUMNS = ["Result", "Rule", "Ordered", "On record / limit", "Why", "Sources"]


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
        footer=["Dose rule: within 10% of a dose on record is routine rounding (HOPA 2018); a written limit wins. "
                "Decision support only: the prescriber and pharmacist check every order."],
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


def fmt_num(x: Any) -> str:
    from lmsrx.units import fmt

    return fmt(float(x)) if x is not None else "-"


# ------------------------------------------------------------------ trials, search, cite
def _arm_figures(ev: Any) -> list[tuple[str, str, list[tuple[str, float]]]]:
    """(end point, origin, [(arm, months)]) for median PFS/OS figures with one value per arm."""
    out = []
    for ep in ev.endpoints:
        name = ep.name.lower()
        if ep.unit == "months" and "median" in name and "survival" in name and ep.figure_kind == "arms" \
                and not ep.arm_order_unknown:
            out.append((ep.name, ep.origin, list(zip(ev.arms, ep.values))))
    return out


def plot_lines(ev: Any, width: int) -> list[str]:
    """Bars of the arms' median PFS/OS, side by side, in plain characters."""
    figures = _arm_figures(ev)
    if not figures:
        return ["(no median survival figures per arm to plot)"]
    import re

    top = max(v for _, _, pairs in figures for _, v in pairs) or 1
    figures = [(n, o, [(re.split(r"\s\d", a)[0] or a, v) for a, v in pairs]) for n, o, pairs in figures]
    label_w = min(32, max(len(a) for _, _, pairs in figures for a, _ in pairs))
    bar_w = max(10, width - label_w - 16)
    out = []
    for name, origin, pairs in figures:
        out.append(f"{name} [{origin}]")
        for arm, v in pairs:
            n = max(1, round(v / top * bar_w))
            label = arm if len(arm) <= label_w else arm[:label_w - 1] + "~"
            out.append(f"  {label:<{label_w}} {'#' * n} {fmt_num(v)} mo")
    return out


def trial(kb: Any, ev: Any, plot: bool = False, width: int = 80) -> View:
    from lmsrx import cite

    from lmsrx import figures

    refs = _references(kb, _all_cites(ev))
    figs = figures.evidence_figures(ev)
    data = to_json(ev)
    data["figures"] = figs
    data["references"] = {i: cite.full_text(kb.references[i]) for i in sorted(refs)}
    lines = [f"Design: {design_text(ev.design)}" + (f" ({ev.design.n_note})" if ev.design.n_note else ""),
             f"Settings: {', '.join(ev.settings)}"]
    lines += [f"Population: {ev.population}"] if ev.population else []
    lines += [f"Arms: {' | '.join(ev.arms)}"] if ev.arms else []
    lines += [ev.summary]
    lines += [f"Conclusion: {ev.conclusion}"] if ev.conclusion else []
    if ev.newer_than_source:
        lines.append("Newer than the primary source (2020).")
    if ev.lms_result != "supports":
        lines.append(f"Result for LMS: {figures.RESULT_TEXT[ev.lms_result]}.")
    sections = [
        Section("End points", ["End point", "Sources"],
                [[figures.text(f) + (f" ({f['note']})" if f["note"] else ""), ", ".join(f["cite"])] for f in figs]),
        Section("Findings", ["Finding"], [[f] for f in ev.findings]),
        Section("Source and checked record differ", ["Topic", "Source says", "Checked record says"],
                [[x.topic, x.source_says, x.record_says] for x in ev.discrepancies]),
        Section("References", ["Id", "Citation"], [[k, data["references"][k]] for k in sorted(refs)]),
    ]
    if ev.related:
        sections.append(Section("Related", ["Evidence", "Title"], [[r, kb.evidence[r].title] for r in ev.related]))
    if plot:
        sections.insert(0, Section("Median survival by arm (--plot)", ["Plot"], [["\n".join(plot_lines(ev, width - 4))]]))
    rows = [{"evidence": ev.id, "endpoint": ep.name, "kind": ep.figure_kind, "origin": ep.origin, "values": list(ep.values), "unit": ep.unit,
             "timepoint": ep.timepoint, "effect": ep.effect.measure if ep.effect else None,
             "effect_value": ep.effect.value if ep.effect else None, "ci": list(ep.effect.ci) if ep.effect else [],
             "p": ep.p, "cite": list(ep.cite)} for ep in ev.endpoints]
    return View(title=f"{ev.title} [{ev.id}]", data=data, rows=rows or [{"evidence": ev.id, "endpoint": None}],
                lines=lines, sections=[s for s in sections if s.rows])


def citations(kb: Any, ids: list[str]) -> View:
    """References ready for a document or a reference manager: text, BibTeX, RIS or CSL-JSON."""
    from lmsrx import cite

    chosen = [kb.references[r] for r in ids]
    documents = {fmt: "\n\n".join(make(r) for r in chosen)
                 for fmt, make in (("text", cite.full_text), ("bibtex", cite.bibtex), ("ris", cite.ris))}
    return View(title=f"{len(chosen)} references", data=[cite.csl(r) for r in chosen], documents=documents)


def trials(kb: Any, items: list, plot: bool = False, width: int = 80) -> View:
    data = [{"id": e.id, "title": e.title, "design": design_text(e.design), "settings": list(e.settings), "drugs": list(e.drugs)}
            for e in items]
    sections = [Section("Evidence", ["Id", "Title", "Design", "Drugs"],
                        [[e["id"], e["title"], e["design"], ", ".join(e["drugs"]) or "-"] for e in data])]
    if plot:
        drawn = [[e.id, "\n".join(plot_lines(e, width - 40))] for e in items if _arm_figures(e)]
        sections.append(Section("Median survival by arm (--plot)", ["Evidence", "Plot"], drawn,
                                note=None if drawn else "None of these records has median survival figures per arm."))
    return View(title=f"{len(items)} evidence records", data=data, rows=data, sections=sections,
                plain=[e.id for e in items])


def search(hits: list, query: str) -> View:
    data = [{"kind": h.kind, "id": h.id, "title": h.title, "score": h.score, "snippet": h.snippet} for h in hits]
    return View(title=f"{len(hits)} results for {query!r}", data=data, rows=data,
                sections=[Section("Results", ["Kind", "Id", "Title", "Score"], [[h.kind, h.id, h.title, str(h.score)] for h in hits])],
                plain=[f"{h.kind}\t{h.id}" for h in hits])


# ------------------------------------------------------------------ order
def order_data(sheet: Any) -> dict[str, Any]:
    o = sheet.order
    return {
        "id": o.id,
        "inputs": o.inputs(),
        "bsa": o.body.bsa.as_dict() if o.body.bsa else None,
        "regimen": o.regimen.id if o.regimen else None,
        "checks": [{"where": r.where, "drug": r.drug, **d} for r, d in zip(sheet.rows, check_dicts([r.check for r in sheet.rows]))],
        "cumulative": sheet.cumulative,
        "verdict": sheet.verdict,
    }


def order_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"order": data["id"], "where": c["where"], "drug": c["drug"], "rule": c["rule"], "result": c["result"],
             "value": c["value"], "limit": c["limit"], "basis": c["basis"], "cite": c["cite"], "verdict": data["verdict"]}
            for c in data["checks"]]


def order(kb: Any, sheet: Any) -> View:
    data = order_data(sheet)
    o = sheet.order
    lines = []
    if o.body.bsa:
        b = o.body.bsa
        how = "given" if b.formula == "given" else f"{b.formula}, height {fmt_num(b.height_cm)} cm, weight {fmt_num(b.weight_kg)} kg"
        lines.append(f"BSA: {fmt_num(b.value)} m2 ({how})")
    lines.append("Regimen: " + (o.regimen.name if o.regimen else "not named (no regimen checks)")
                 + (f"; cycle {o.cycle}" if o.cycle else "") + (f"; {o.cycle_days}-day cycle" if o.cycle_days else ""))
    for ln in o.lines:
        lines.append(f"Line {ln.number}: {ln.drug.name} {ln.dose}" + (f" x{ln.times} a day" if ln.times > 1 else "")
                     + f", {'day' if len(ln.days) == 1 else 'days'} {', '.join(map(str, ln.days))}"
                     + (f", over {fmt_num(ln.over_min)} min" if ln.over_min is not None else "")
                     + (f", {ln.route.upper()}" if ln.route else ""))
    if sheet.cumulative and sheet.cumulative.get("agents"):
        lines += cumulative_lines(kb, sheet.cumulative)
    rows = [[r.check.result.upper(), r.where, kb.drugs[r.drug].name if r.drug else "-", r.check.rule, r.check.value,
             r.check.limit, r.check.basis, ", ".join(r.check.cite) or "-"]
            for r in worst_first(sheet.rows, lambda r: r.check.result)]
    return View(
        title=f"Order {o.id or ''}: {VERDICT_TEXT[sheet.verdict]}".replace("Order :", "Order:"), data=data,
        rows=order_rows(data), lines=lines,
        sections=[Section("Verification sheet", ["Result", "Where", "Drug", *CHECK_COLUMNS[1:]], rows)],
        footer=["Dose rule: within 10% of a dose on record is routine rounding (HOPA 2018); a written limit wins. "
                "Decision support only: the prescriber and pharmacist check every order."],
    )


# ------------------------------------------------------------------ report and compare
def report(data: dict[str, Any]) -> View:
    """The tumour-board page: HTML through :mod:`lmsrx.page`, every other format from the same data."""
    from lmsrx import page

    p, g, f = data["patient"], data["glance"], data["footer"]
    sections = [
        Section("The patient as understood", ["Given", "Value"], [[k, v] for k, v in p["given"].items()],
                note="Not given (options that depend on it are conditional): " + (", ".join(p["not_given"]) or "none")),
        Section("At a glance", ["Eligible", "Conditional", "Excluded"],
                [[str(g["eligible"]), str(g["conditional"]), str(g["excluded"])]]),
    ]
    for c in data["candidates"]:
        rows = [["status", c["status"].upper() + (" (newer than the source)" if c["newer_than_source"] else "")],
                ["drugs", ", ".join(c["drugs"])], ["evidence for LMS", c["strength"]]]
        rows += [["preferred by the source", c["preferred"]]] if c["preferred"] else []
        rows += [["why", "\n".join(c["why"]) or "-"]] + ([["still needed", "\n".join(c["needs"])]] if c["needs"] else [])
        for ev in c["evidence"]:
            refs = " [" + ", ".join(map(str, ev["refs"])) + "]"
            text = "\n".join(fig["text"] for fig in ev["figures"]) if ev["tested_this_regimen"] else \
                "(did not test this regimen: its figures are not shown)"
            rows.append([ev["head"] + (f" [{ev['label']}]" if ev["label"] else "") + refs, text or ev["summary"]])
        rows += [["approval / guideline", "\n".join(c["approval"])], ["cautions", "\n".join(c["cautions"]) or "-"]]
        sections.append(Section(f"{c['name']} [{c['id']}]", ["", ""], rows))
    if data["discrepancies"]:
        sections.append(Section("Where the source and the checked records differ", ["About", "Topic", "The source says",
                                                                                     "The checked record says"],
                                [[d["about"], d["topic"], d["source_says"], d["record_says"]] for d in data["discrepancies"]]))
    sections.append(Section("Excluded", ["Option", "Why not"], [[x["name"], "; ".join(x["reasons"])] for x in data["excluded"]]))
    sections.append(Section("References", ["#", "Reference"],
                            [[str(r["n"]), r["text"] + "".join(f" {link['url']}" for link in r["links"])] for r in data["references"]]))
    footer = [f["notice"], f"Knowledge base {f['knowledge_version']} (reviewed {f['review_date']}; sha256 {f['sha256']}); "
              f"lmsrx {f['lmsrx_version']}; generated {f['generated']}"]
    rows = [{"status": c["status"], "id": c["id"], "name": c["name"], "strength": c["strength"], "needs": c["needs"]}
            for c in data["candidates"]]
    return View(title=data["title"], data=data, rows=rows, lines=[p["summary"]], sections=sections, footer=footer,
                documents={"html": page.board(data)})


def compare(kb: Any, data: dict[str, Any]) -> View:
    from lmsrx import __version__, page

    ids = data["ids"]
    footer = {"notice": "Decision support only.", "knowledge_version": kb.meta.version, "review_date": kb.meta.review_date,
              "sha256": kb.sha256, "lmsrx_version": __version__, "generated": "-"}
    return View(title=f"Compare {data['kind']}: {', '.join(ids)}", data=data, rows=data["rows"],
                sections=[Section("Side by side", ["", *ids], [[r["field"], *(r[i] for i in ids)] for r in data["rows"]])],
                documents={"html": page.compare(data, footer)})
