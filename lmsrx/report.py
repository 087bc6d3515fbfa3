"""The tumour-board page and the side-by-side comparison, as data. Pure: no I/O, no Typer, no Rich.

:func:`board` turns an options answer into the page's content, in the page's order: the patient as
understood (and what was not given), the answer at a glance, a card per candidate (its figures are
the typed figures of :mod:`lmsrx.figures`, the same numbers as every other output), the
discrepancies that touch these options, the excluded options, numbered references and a footer.
:func:`compare` puts regimens, drugs or trials side by side. :mod:`lmsrx.page` renders either as
self-contained HTML; :mod:`lmsrx.views` as every other format.
"""
from __future__ import annotations

from typing import Any

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
    from lmsrx import cite

    out = []
    for n, ref_id in enumerate(order, start=1):
        ref = kb.references[ref_id]
        links = []
        if ref.pmid:
            links.append({"label": f"PMID {ref.pmid}", "url": f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/"})
        if ref.doi:
            links.append({"label": f"doi:{ref.doi}", "url": f"https://doi.org/{ref.doi}"})
        out.append({"n": n, "id": ref_id, "text": cite.full_text(ref), "links": links})
    return out


def _figures(ev: Any, regimen_id: str | None) -> list[dict[str, Any]]:
    from lmsrx import figures

    return [{**f, "text": figures.text(f)} for f in figures.evidence_figures(ev, regimen_id)]


def _patient(answer: Any) -> dict[str, Any]:
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
    """The tumour-board page for one patient, as data."""
    from lmsrx import figures, views
    from lmsrx.eligibility import tested

    number = Numbering()
    cards = []
    touched_drugs: list[str] = []
    touched_evidence: list[str] = []
    for a in answer.candidates:
        reg = a.regimen
        evidence = []
        for eid in reg.evidence:
            ev = kb.evidence[eid]
            own = tested(ev, reg)
            evidence.append({
                "id": ev.id, "head": views.evidence_head(ev), "lms_result": ev.lms_result,
                "label": figures.label(ev), "tested_this_regimen": own, "newer_than_source": ev.newer_than_source,
                "summary": ev.summary, "figures": _figures(ev, reg.id) if own else [], "refs": number(ev.cite),
            })
            touched_evidence.append(eid)
        touched_drugs += [d for d in reg.drugs if d not in touched_drugs]
        cards.append({
            "id": reg.id, "name": reg.name, "drugs": [kb.drugs[d].name for d in reg.drugs], "status": a.status,
            "why": a.why, "needs": a.needs, "strength": a.strength_label, "recommendation": reg.recommendation,
            "preferred": a.preferred, "newer_than_source": reg.newer_than_source, "approval": views.approval_text(kb, reg),
            "cautions": a.cautions, "components": list(reg.components), "evidence": evidence, "refs": number(reg.cite),
        })
    discrepancies = []
    for owner in [kb.drugs[d] for d in touched_drugs] + [kb.evidence[e] for e in dict.fromkeys(touched_evidence)]:
        for d in owner.discrepancies:
            discrepancies.append({"about": owner.name if hasattr(owner, "lms_status") else owner.title, "topic": d.topic,
                                  "source_says": d.source_says, "record_says": d.record_says, "refs": number(d.cite)})
    counts = {"eligible": sum(a.status == "eligible" for a in answer.candidates),
              "conditional": sum(a.status == "conditional" for a in answer.candidates), "excluded": len(answer.excluded)}
    return {
        "title": "LMS tumour board: treatment options" + (f" for {answer.patient.id}" if answer.patient.id else ""),
        "patient": _patient(answer),
        "glance": counts,
        "candidates": cards,
        "discrepancies": discrepancies,
        "excluded": [{"id": a.regimen.id, "name": a.regimen.name, "reasons": a.reasons} for a in answer.excluded],
        "references": reference_entries(kb, number.order),
        "footer": {"knowledge_version": kb.meta.version, "review_date": kb.meta.review_date, "sha256": kb.sha256,
                   "lmsrx_version": lmsrx_version, "generated": generated, "notice": NOTICE},
    }


# ------------------------------------------------------------------ compare
def resolve(kb: Any, names: list[str]) -> tuple[str, list[Any]]:
    """Each name as a regimen, a drug or a trial (ids, names or aliases); all of one kind."""
    from lmsrx import vocab
    from lmsrx.errors import UsageError

    kinds = []
    for name in names:
        key = name.strip().casefold()
        reg = next((r for r in kb.regimens.values() if key in (r.id, r.name.casefold())), None)
        drug = kb.find_drug(name)
        ev = kb.evidence.get(key)
        found = [(k, x) for k, x in (("regimens", reg), ("drugs", drug), ("trials", ev)) if x is not None]
        if not found:
            pool = [*kb.regimens, *kb.drug_names(), *kb.evidence]
            raise UsageError(f"{name[:60]!r} is no regimen, drug or trial{vocab.did_you_mean(name, pool)}")
        kinds.append(found)
    for kind in ("regimens", "drugs", "trials"):
        if all(any(k == kind for k, _ in f) for f in kinds):
            items = [next(x for k, x in f if k == kind) for f in kinds]
            if len({getattr(x, "id") for x in items}) != len(items):
                raise UsageError("compare the same thing twice? give different regimens, drugs or trials")
            return kind, items
    raise UsageError("compare things of one kind: regimens, drugs or trials, not a mix")


ENDPOINT_KEYS = (("median progression-free survival", "median PFS"), ("median overall survival", "median OS"),
                 ("objective response rate", "objective response"), ("response rate", "response"))


def _endpoint_key(name: str) -> str | None:
    low = name.lower()
    for key, label in ENDPOINT_KEYS:
        if low.startswith(key):
            return label
    return None


def _key_endpoints(kb: Any, reg: Any) -> dict[str, list[str]]:
    """This regimen's own-arm figures aligned by end point: {'median PFS': ['4.2 months (trabectedin vs ...) [publication]']}."""
    from lmsrx import figures
    from lmsrx.eligibility import tested

    out: dict[str, list[str]] = {}
    for eid in reg.evidence:
        ev = kb.evidence[eid]
        if not tested(ev, reg):
            continue
        for f in figures.evidence_figures(ev, reg.id):
            key = _endpoint_key(f["name"])
            if key and (any(v["own"] for v in f["values"]) or f["kind"] == "range"):
                out.setdefault(key, []).append(f"{ev.id}: {figures.text(f)}")
    return out


def compare(kb: Any, names: list[str]) -> dict[str, Any]:
    """Regimens, drugs or trials side by side, as rows of aligned fields."""
    from lmsrx import dosing, eligibility, figures, views

    kind, items = resolve(kb, names)
    rows: list[tuple[str, list[str]]] = []
    if kind == "regimens":
        def setting_line(r: Any) -> str:
            lines = [c for c in eligibility.criteria_of(kb, r) if c.test == "line"]
            span = "; ".join(("line " + (f"{c.min}+" if c.max is None else f"{c.min or 1}-{c.max}")) for c in lines)
            return ", ".join(r.settings) + (f"; {span}" if span else "")

        def per_cycle(r: Any) -> str:
            parts = []
            for d in r.drugs:
                recs = [x for x in kb.drugs[d].doses if r.id in x.regimens]
                spans = sorted({dosing._span(o.low, o.high) for x in recs if (o := dosing.on_record(x, "cycle"))})
                parts.append(f"{kb.drugs[d].name}: {' or '.join(spans) if spans else 'no schedule on record'}")
            return "\n".join(parts)

        endpoints = [_key_endpoints(kb, r) for r in items]
        keys = [label for _, label in ENDPOINT_KEYS if any(label in e for e in endpoints)]
        rows += [("name", [r.name for r in items]), ("drugs", [", ".join(kb.drugs[d].name for d in r.drugs) for r in items]),
                 ("setting and line", [setting_line(r) for r in items]),
                 ("recommendation", [r.recommendation + (" (newer than the source)" if r.newer_than_source else "") for r in items]),
                 ("strength for LMS", [eligibility.STRENGTH_LABELS[eligibility.strength(kb, r)] for r in items])]
        rows += [(key, ["\n".join(e.get(key, ["-"])) for e in endpoints]) for key in keys]
        rows += [("dose per cycle", [per_cycle(r) for r in items]),
                 ("main toxicities", [", ".join(dict.fromkeys(t.name for d in r.drugs for t in kb.drugs[d].toxicities)) or "-"
                                      for r in items]),
                 ("cautions", ["\n".join(c.text for c in eligibility.cautions_of(kb, r) if c.when == "always") or "-"
                               for r in items]),
                 ("approval", ["\n".join(views.approval_text(kb, r)) for r in items])]
    elif kind == "drugs":
        def std(d: Any) -> str:
            s = dosing.standard(d, dosing.Body())
            return f"{s['schedule']} [{', '.join(s['cite'])}]" if s else "no dose on record"

        rows += [("name", [d.name for d in items]), ("class", [", ".join(kb.classes_of(d.id)) or "-" for d in items]),
                 ("route", [", ".join(x.upper() for x in d.route) or "-" for d in items]),
                 ("status in LMS", [views.LMS_STATUS[d.lms_status] for d in items]), ("standard dose", [std(d) for d in items]),
                 ("limits", ["\n".join(f"{x.severity} {x.scope} {x.max}" for x in d.limits) or "-" for d in items]),
                 ("main toxicities", [", ".join(t.name for t in d.toxicities) or "-" for d in items]),
                 ("regimens", [", ".join(r.id for r in kb.regimens.values() if d.id in r.drugs) or "-" for d in items])]
    else:
        def aligned(ev: Any, key: str) -> str:
            got = [figures.text(f) for f in figures.evidence_figures(ev) if _endpoint_key(f["name"]) == key]
            return "\n".join(got) or "-"

        keys = [label for _, label in ENDPOINT_KEYS if any(_endpoint_key(ep.name) == label for ev in items for ep in ev.endpoints)]
        rows += [("title", [e.title for e in items]), ("design", [views.design_text(e.design) for e in items]),
                 ("population", [e.population or "-" for e in items]), ("arms", [" vs ".join(e.arms) or "-" for e in items]),
                 ("result for LMS", [figures.RESULT_TEXT[e.lms_result] or "supports" for e in items]),
                 ("newer than the source", ["yes" if e.newer_than_source else "no" for e in items])]
        rows += [(key, [aligned(e, key) for e in items]) for key in keys]
    ids = [x.id for x in items]
    return {"kind": kind, "ids": ids, "rows": [{"field": field, **dict(zip(ids, values))} for field, values in rows]}
