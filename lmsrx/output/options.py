"""The options answer: its one serialiser (:func:`options_json`, compact JSON built from parts computed once
per regimen and per assessment) and the compact form of a batch (:func:`compact_json`); everything else (the
JSON document, csv/tsv rows, the tables for people) is built from those, and only for the format asked."""
from __future__ import annotations

import json
from typing import Any

from lmsrx.clinical.strength import key_evidence
from lmsrx.output.regimens import schedule_data
from lmsrx.output.render import ENCODER
from lmsrx.output.view import Section, View
from lmsrx.output.wording import approval_text, evidence_brief, evidence_data, short_figure
from lmsrx.text import escape_json


def _criteria(a: Any) -> list[dict[str, Any]]:
    return [{"test": v.test, "verdict": v.status, "why": v.why, "detail": v.detail or None, "needs": v.needs}
            for v in a.verdicts]


def _enc(value: Any) -> str:
    return escape_json(ENCODER.encode(value))


def options_json(kb: Any, answer: Any, explain: bool = False, line: int | None = None) -> str:
    """The options answer as compact JSON (one NDJSON line, with ``line`` first when given): the one
    serialiser of an options answer, for JSON, NDJSON, batch, report and the API alike. What does not change
    from patient to patient (each regimen's names, evidence cards, strength and approval) is serialised once,
    and each assessment's own part once per assessment (a batch shares assessments between patients).
    Escaping is per character, so the parts are escaped apart."""
    enc = _enc

    def static(a: Any) -> tuple[str, str, str, str]:
        reg = a.regimen
        return kb.memo(("options-json", reg.id), lambda: (
            "{" + f'"id":{enc(reg.id)},"name":{enc(reg.name)},"drugs":{enc(list(reg.drugs))},"status":',
            ',"evidence":' + enc([evidence_data(kb, kb.evidence[e], reg) for e in reg.evidence]),
            f',"strength":{enc(a.strength_label)},"recommendation":{enc(reg.recommendation)},"preferred":',
            f',"newer_than_source":{enc(reg.newer_than_source)},"approval":{enc(approval_text(kb, reg))}'
            f',"schedule":{enc(schedule_data(kb, reg))}',
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
    parts = ["{", head, '"query":', enc(answer.patient.query()), ',"knowledge":', knowledge, ',"candidates":[']
    for i, a in enumerate(answer.candidates):  # one join over every part: an answer is 100 KB or more, and each
        if i:                                  # joined copy of that size costs more than the joining itself
            parts.append(",")
        parts.extend(candidate(a))
    parts += ('],"excluded":[', ",".join(excluded(a) for a in answer.excluded), "]}")
    return "".join(parts)


def options_data(kb: Any, answer: Any, explain: bool = False, line: int | None = None) -> dict[str, Any]:
    """The options answer as data: exactly :func:`options_json`, read back."""
    return json.loads(options_json(kb, answer, explain, line))


def compact_json(answer: Any, line: int | None = None) -> str:
    """What a cohort needs per patient (``--compact``): each regimen's id, status, strength, needs or reasons,
    and its evidence by id; each assessment's part serialised once."""

    def part(a: Any, kind: str) -> str:
        text = a.cache.get(kind)
        if text is None:
            value = ({"id": a.regimen.id, "status": a.status, "strength": a.strength_label, "needs": a.needs,
                      "evidence": list(a.regimen.evidence)} if kind == "compact-candidate"
                     else {"id": a.regimen.id, "reasons": a.reasons})
            text = a.cache[kind] = _enc(value)
        return text

    head = f'"line":{line},' if line is not None else ""
    return "".join(("{", head, '"id":', _enc(answer.patient.id), ',"candidates":[',
                    ",".join(part(a, "compact-candidate") for a in answer.candidates), '],"excluded":[',
                    ",".join(part(a, "compact-excluded") for a in answer.excluded), "]}"))


def compact_data(answer: Any, line: int | None = None) -> dict[str, Any]:
    """:func:`compact_json`, read back."""
    return json.loads(compact_json(answer, line))


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


SHORT_STRENGTH = {"approved on a randomised phase III": "phase III, approved", "randomised, phase not stated": "randomised"}
# "retrospective or early-phase" said as the design of the record that gives the strength
SHORT_DESIGN = {"retrospective": "retrospective", "pooled-analysis": "pooled analysis", "single-arm-trial": "single-arm",
                "trial": "trial"}


def _short_strength(kb: Any, a: Any) -> str:
    if a.strength_label != "retrospective or early-phase":
        return SHORT_STRENGTH.get(a.strength_label, a.strength_label)
    from lmsrx.clinical.strength import key_evidence

    keys = key_evidence(kb, a.regimen, 1)
    return SHORT_DESIGN.get(keys[0].design.kind, "early-phase") if keys else "early-phase"


def _compact(kb: Any, answer: Any, with_excluded: bool = False) -> list[Section]:
    """The first screen: each status a short table, a row per regimen, each cell at most two lines (the excluded
    options are named on the EXCLUDED line; their reasons with --long, or ``with_excluded``)."""
    def row(a: Any) -> list[str]:
        reg = a.regimen
        name = reg.name + (" (preferred)" if a.preferred else "") + (" [newer]" if reg.newer_than_source else "")
        if a.status == "excluded":
            return [name, "; ".join(a.reasons)]
        evidence = f"{_short_strength(kb, a)}: {short_figure(kb, reg)}"
        return [name, evidence, "; ".join(a.needs)] if a.status == "conditional" else [name, evidence]

    out = []
    for status, items, columns in (
            ("Eligible", [a for a in answer.candidates if a.status == "eligible"], ["Evidence: key figure"]),
            ("Conditional", [a for a in answer.candidates if a.status == "conditional"], ["Evidence: key figure", "Needs"]),
            ("Excluded", list(answer.excluded) if with_excluded else [], ["Why not"])):
        if items:  # the status heads the first column: the table is its own heading
            out.append(Section("", [f"{status} ({len(items)})", *columns], [row(a) for a in items], max_lines=2))
    return out


def status_lines(answer: Any) -> list[str]:
    """One line per status naming every option, by id: the whole answer at a glance."""
    groups = (("ELIGIBLE", [a for a in answer.candidates if a.status == "eligible"]),
              ("CONDITIONAL", [a for a in answer.candidates if a.status == "conditional"]), ("EXCLUDED", answer.excluded))
    return [f"{label} ({len(items)}): {', '.join(a.regimen.id for a in items) or '-'}" for label, items in groups]


def options(kb: Any, answer: Any, explain: bool = False, long: bool = False) -> View:
    def data() -> dict[str, Any]:
        return options_data(kb, answer, explain)

    eligible = [a for a in answer.candidates if a.status == "eligible"]
    conditional = [a for a in answer.candidates if a.status == "conditional"]

    def cand_rows(items: list) -> list[list[str]]:
        rows = []
        for a in items:
            reg = a.regimen
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

    def sections() -> list[Section]:
        columns = ["Regimen", "Key evidence", "Approval / guideline", "Cautions"]
        out = _compact(kb, answer) if not long else [
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
            out.append(Section("Every criterion (--explain)", ["Regimen", "Test", "Verdict", "Detail"], rows))
        return out

    view = View(
        title=f"LMS options: {answer.patient.summary()}",
        data=data, rows=lambda: options_rows(view.data), sections=sections, lines=status_lines(answer),
        footer=(["--long: why not, cautions, every figure; --explain: each criterion."] if not long else [])
        + [f"Ordered by the source's preference, then evidence for LMS. Knowledge {kb.meta.version}.",
           "Decision support only: check each option against the patient and the labels."],
    )
    return view
