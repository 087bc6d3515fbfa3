"""The options answer: its one serialiser (compact JSON, built from parts computed once per regimen and per assessment), the compact form of a batch, csv/tsv rows, and the view for people."""
from __future__ import annotations

from typing import Any

from lmsrx.output.view import Section, View
from lmsrx.output.wording import approval_text, evidence_brief, evidence_data, key_figure


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
    from lmsrx.output.render import ENCODER
    from lmsrx.text import escape_json

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
    from lmsrx.output.render import ENCODER
    from lmsrx.text import escape_json

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
            from lmsrx.clinical.strength import key_evidence

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
