"""The tumour-board page: its data (options ranked, key figures, references numbered once) and its view."""
from __future__ import annotations

from typing import Any

from lmsrx.clinical import figures
from lmsrx.output import page, wording
from lmsrx.output.options import options_data
from lmsrx.output.regimens import schedule_text
from lmsrx.output.view import Section, View

NOTICE = ("Decision support for clinicians, built from the knowledge base named below; it does not replace clinical "
          "judgement, the current labels or local protocols.")


PATIENT_FIELDS = {"setting": "setting", "line": "line of therapy", "histology": "site of the primary", "grade": "grade",
                  "size_cm": "size (cm)", "depth": "depth", "age": "age", "margin": "margin", "biomarkers": "biomarkers",
                  "prior": "prior systemic therapy", "progressed_on": "progressed on", "conditions": "conditions"}


class Numbering:
    """References numbered in the order they are first cited."""

    def __init__(self) -> None:
        self.order: list[str] = []

    def __call__(self, ids: Any) -> list[int]:
        out = []
        for ref in ids:
            if ref not in self.order:
                self.order.append(ref)
            out.append(self.order.index(ref) + 1)
        return sorted(set(out))


def reference_entries(kb: Any, order: list[str]) -> list[dict[str, Any]]:
    from lmsrx.output import cite

    out = []
    for n, ref_id in enumerate(order, start=1):
        ref = kb.references[ref_id]
        links = []
        if ref.pmid:
            links.append({"label": f"PMID {ref.pmid}", "url": f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/"})
        if ref.doi:
            links.append({"label": f"doi:{ref.doi}", "url": f"https://doi.org/{ref.doi}"})
        out.append({"n": n, "id": ref_id, "text": cite.full_text(ref, linked=True), "links": links})
    return out


def _patient_summary(answer: Any) -> dict[str, Any]:
    q = answer.patient.query()
    given, missing = {}, []
    for key, label in PATIENT_FIELDS.items():
        value = q.get(key)
        if value in (None, [], ()) or (key == "prior" and not q.get("prior_known")):
            if key not in ("margin", "progressed_on", "conditions"):
                missing.append(label)
            continue
        given[label] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    if q.get("anthracycline_ineligible"):
        given["anthracyclines"] = "not possible"
    if q.get("exclude"):
        given["excluded on request"] = ", ".join(q["exclude"])
    return {"id": q.get("id"), "summary": answer.patient.summary(), "given": given, "not_given": missing}


def board(kb: Any, answer: Any, generated: str, lmsrx_version: str) -> dict[str, Any]:
    """The tumour-board page for one patient, as data: the options answer (:func:`options_data`, the one
    serialiser) with each option's evidence worded for the page and its references numbered once."""
    number = Numbering()
    cards = []
    touched_drugs: list[str] = []
    touched_evidence: list[str] = []
    answered = options_data(kb, answer)
    for a, c in zip(answer.candidates, answered["candidates"]):
        reg = a.regimen
        evidence = []
        for e in c["evidence"]:
            ev = kb.evidence[e["id"]]
            evidence.append({
                "id": e["id"], "head": wording.evidence_head(ev), "lms_result": e["lms_result"], "label": figures.label(ev),
                "tested_this_regimen": e["tested_this_regimen"], "newer_than_source": e["newer_than_source"],
                "summary": e["summary"], "figures": [{**f, "text": figures.text(f)} for f in e["endpoints"]],
                "refs": number(ev.cite),
            })
            touched_evidence.append(e["id"])
        touched_drugs += [d for d in reg.drugs if d not in touched_drugs]
        cards.append({
            "id": c["id"], "name": c["name"], "drugs": [kb.drugs[d].name for d in reg.drugs], "status": c["status"],
            "why": c["why"], "needs": c["needs"], "strength": c["strength"], "recommendation": c["recommendation"],
            "preferred": c["preferred"], "newer_than_source": c["newer_than_source"], "approval": c["approval"],
            "cautions": c["cautions"], "schedule": schedule_text(kb, reg), "evidence": evidence, "refs": number(reg.cite),
        })
    discrepancies = []
    seen = set()
    for owner in [kb.drugs[d] for d in touched_drugs] + [kb.evidence[e] for e in dict.fromkeys(touched_evidence)]:
        for d in owner.discrepancies:
            if (d.topic, d.source_says, d.record_says) in seen:
                continue  # the same difference recorded on a drug and on its trial: shown once
            seen.add((d.topic, d.source_says, d.record_says))
            discrepancies.append({"about": owner.name if hasattr(owner, "lms_status") else owner.title, "topic": d.topic,
                                  "source_says": d.source_says, "record_says": d.record_says, "refs": number(d.cite)})
    counts = {"eligible": sum(a.status == "eligible" for a in answer.candidates),
              "conditional": sum(a.status == "conditional" for a in answer.candidates), "excluded": len(answer.excluded)}
    return {
        "title": "LMS tumour board: treatment options" + (f" for {answer.patient.id}" if answer.patient.id else ""),
        "patient": _patient_summary(answer),
        "glance": counts,
        "candidates": cards,
        "discrepancies": discrepancies,
        "excluded": [{"id": x["id"], "name": x["name"], "reasons": x["reasons"]} for x in answered["excluded"]],
        "references": reference_entries(kb, number.order),
        "footer": {"knowledge_version": kb.meta.version, "review_date": kb.meta.review_date, "sha256": kb.sha256,
                   "lmsrx_version": lmsrx_version, "generated": generated, "notice": NOTICE},
    }


def report(data: dict[str, Any]) -> View:
    """The tumour-board page: HTML through :mod:`lmsrx.page`, every other format from the same data."""

    p, g, f = data["patient"], data["glance"], data["footer"]
    sections = [
        Section("The patient as understood", ["Given", "Value"], [[k, v] for k, v in p["given"].items()],
                note="Not given (options that depend on it are conditional): " + (", ".join(p["not_given"]) or "none")),
        Section("At a glance", ["Eligible", "Conditional", "Excluded"],
                [[str(g["eligible"]), str(g["conditional"]), str(g["excluded"])]]),
    ]
    for c in data["candidates"]:
        rows = [["status", c["status"].upper() + (" (newer than the source)" if c["newer_than_source"] else "")],
                ["drugs", ", ".join(c["drugs"])], ["schedule", "\n".join(c["schedule"]) or "-"],
                ["evidence for LMS", c["strength"]]]
        rows += [["preferred by the source", c["preferred"]]] if c["preferred"] else []
        rows += [["why", "\n".join(c["why"]) or "-"]] + ([["still needed", "\n".join(c["needs"])]] if c["needs"] else [])
        for ev in c["evidence"]:
            refs = " [" + ", ".join(map(str, ev["refs"])) + "]"
            text = "\n".join(fig["text"] for fig in ev["figures"]) if ev["tested_this_regimen"] else \
                "(did not test this regimen: its figures are not shown)"
            rows.append([ev["head"] + refs, text or ev["summary"]])  # the head carries its label once
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
