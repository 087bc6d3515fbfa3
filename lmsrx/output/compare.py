"""Regimens, drugs or trials side by side: their data and their view."""
from __future__ import annotations

from typing import Any

from lmsrx.clinical import eligibility, figures, strength
from lmsrx.dosing import body as body_mod
from lmsrx.dosing import dose as dose_mod
from lmsrx.output import page, wording
from lmsrx.output.view import Section, View


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
    from lmsrx.clinical import figures
    from lmsrx.clinical.strength import tested

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


def side_by_side(kb: Any, names: list[str]) -> dict[str, Any]:
    """Regimens, drugs or trials side by side, as rows of aligned fields."""

    kind, items = resolve(kb, names)
    rows: list[tuple[str, list[str]]] = []
    if kind == "regimens":
        def setting_line(r: Any) -> str:
            lines = [c for c in eligibility.criteria_of(kb, r) if c.test == "line"]
            span = "; ".join(("line " + (f"{c.min}+" if c.max is None else f"{c.min or 1}-{c.max}")) for c in lines)
            return ", ".join(r.settings) + (f"; {span}" if span else "")

        from lmsrx.output.regimens import schedule_text

        endpoints = [_key_endpoints(kb, r) for r in items]
        keys = [label for _, label in ENDPOINT_KEYS if any(label in e for e in endpoints)]
        rows += [("name", [r.name for r in items]), ("drugs", [", ".join(kb.drugs[d].name for d in r.drugs) for r in items]),
                 ("setting and line", [setting_line(r) for r in items]),
                 ("recommendation", [r.recommendation + (" (newer than the source)" if r.newer_than_source else "") for r in items]),
                 ("strength for LMS", [strength.STRENGTH_LABELS[strength.strength(kb, r)] for r in items])]
        rows += [(key, ["\n".join(e.get(key, ["-"])) for e in endpoints]) for key in keys]
        rows += [("schedule", ["\n".join(schedule_text(kb, r)) for r in items]),
                 ("main toxicities", [", ".join(dict.fromkeys(t.name for d in r.drugs for t in kb.drugs[d].toxicities)) or "-"
                                      for r in items]),
                 ("cautions", ["\n".join(c.text for c in eligibility.cautions_of(kb, r) if c.when == "always") or "-"
                               for r in items]),
                 ("approval", ["\n".join(wording.approval_text(kb, r)) for r in items])]
    elif kind == "drugs":
        def std(d: Any) -> str:
            s = dose_mod.standard(d, body_mod.Body())
            return f"{s['schedule']} [{', '.join(s['cite'])}]" if s else "no dose on record"

        rows += [("name", [d.name for d in items]), ("class", [", ".join(kb.classes_of(d.id)) or "-" for d in items]),
                 ("route", [", ".join(x.upper() for x in d.route) or "-" for d in items]),
                 ("status in LMS", [wording.LMS_STATUS[d.lms_status] for d in items]), ("standard dose", [std(d) for d in items]),
                 ("limits", ["\n".join(f"{x.severity} {x.scope} {x.max}" for x in d.limits) or "-" for d in items]),
                 ("main toxicities", [", ".join(t.name for t in d.toxicities) or "-" for d in items]),
                 ("regimens", [", ".join(r.id for r in kb.regimens.values() if d.id in r.drugs) or "-" for d in items])]
    else:
        def aligned(ev: Any, key: str) -> str:
            got = [figures.text(f) for f in figures.evidence_figures(ev) if _endpoint_key(f["name"]) == key]
            return "\n".join(got) or "-"

        keys = [label for _, label in ENDPOINT_KEYS if any(_endpoint_key(ep.name) == label for ev in items for ep in ev.endpoints)]
        rows += [("title", [e.title for e in items]), ("design", [wording.design_text(e.design) for e in items]),
                 ("population", [e.population or "-" for e in items]), ("arms", [" vs ".join(e.arms) or "-" for e in items]),
                 ("result for LMS", [figures.RESULT_TEXT[e.lms_result] or "supports" for e in items]),
                 ("newer than the source", ["yes" if e.newer_than_source else "no" for e in items]),
                 ("congress report", [f"yes ({e.congress}), not peer-reviewed" if e.congress else "no" for e in items]),
                 ("level of evidence", [wording.grades_text(e) or "none on record" for e in items])]
        rows += [(key, [aligned(e, key) for e in items]) for key in keys]
    ids = [x.id for x in items]
    return {"kind": kind, "ids": ids, "rows": [{"field": field, **dict(zip(ids, values))} for field, values in rows]}


def compare(kb: Any, data: dict[str, Any]) -> View:
    from lmsrx.version import __version__

    ids = data["ids"]
    footer = {"notice": "Decision support only.", "knowledge_version": kb.meta.version, "review_date": kb.meta.review_date,
              "sha256": kb.sha256, "lmsrx_version": __version__, "generated": "-"}
    return View(title=f"Compare {data['kind']}: {', '.join(ids)}", data=data, rows=data["rows"],
                sections=[Section("Side by side", ["", *ids], [[r["field"], *(r[i] for i in ids)] for r in data["rows"]])],
                documents={"html": page.compare_page(data, footer)})
