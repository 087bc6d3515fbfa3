"""The views of the evidence: a trial card (with its bar chart), the list of trials, search results and citations."""
from __future__ import annotations

from typing import Any

from lmsrx.clinical.figures import ORIGIN_TEXT
from lmsrx.output import cite
from lmsrx.output.common import all_cites, fmt_num, reference_texts, to_json
from lmsrx.output.view import Section, View
from lmsrx.output.wording import design_text, grade_text, grades_data, grades_text


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
        out.append(f"{name} [{ORIGIN_TEXT.get(origin, origin)}]")
        for arm, v in pairs:
            n = max(1, round(v / top * bar_w))
            label = arm if len(arm) <= label_w else arm[:label_w - 1] + "~"
            out.append(f"  {label:<{label_w}} {'#' * n} {fmt_num(v)} mo")
    return out


def trial(kb: Any, ev: Any, plot: bool = False, width: int = 80) -> View:
    from lmsrx.clinical import figures
    from lmsrx.output import cite


    refs = reference_texts(kb, all_cites(ev))
    figs = figures.evidence_figures(ev)
    data = to_json(ev)
    data["figures"] = figs
    data["references"] = {i: cite.full_text(kb.references[i]) for i in sorted(refs)}
    lines = [f"Design: {design_text(ev.design)}" + (f" ({ev.design.n_note})" if ev.design.n_note else ""),
             f"Settings: {', '.join(ev.settings)}"]
    if ev.congress:
        lines.append(f"Congress report ({ev.congress}): not peer-reviewed; its figures are as presented.")
    if ev.grades:
        lines.append(f"{grades_text(ev)} (grades the study, not a recommendation).")
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
        Section("Levels of evidence", ["Level", "Statement", "Source"],
                [[grade_text(g), g.statement, g.source] for g in ev.grades],
                note="A level grades the study it is printed beside (its design and end point), not a recommendation."),
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
             "p": ep.p, "cite": list(ep.cite), "levels": grades_text(ev), "congress": ev.congress} for ep in ev.endpoints]
    return View(title=f"{ev.title} [{ev.id}]", data=data, rows=rows or [{"evidence": ev.id, "endpoint": None, "levels": grades_text(ev), "congress": ev.congress}],
                lines=lines, sections=[s for s in sections if s.rows])


def citations(kb: Any, ids: list[str]) -> View:
    """References ready for a document or a reference manager: text, BibTeX, RIS or CSL-JSON."""

    chosen = [kb.references[r] for r in ids]
    documents = {fmt: "\n\n".join(make(r) for r in chosen)
                 for fmt, make in (("text", cite.full_text), ("bibtex", cite.bibtex), ("ris", cite.ris))}
    return View(title=f"{len(chosen)} references", data=[cite.csl(r) for r in chosen], documents=documents)


def trials(kb: Any, items: list, plot: bool = False, width: int = 80) -> View:
    data = [{"id": e.id, "title": e.title, "design": design_text(e.design), "settings": list(e.settings), "drugs": list(e.drugs),
             "grades": grades_data(e)} for e in items]
    rows = [{**d, "grades": "; ".join(grade_text(g) for g in e.grades)} for e, d in zip(items, data)]  # csv/tsv: text
    sections = [Section("Evidence", ["Id", "Title", "Design", "Drugs"] + (["Level"] if any(e.grades for e in items) else []),
                        [[e.id, e.title, d["design"], ", ".join(e.drugs) or "-"]
                         + ([", ".join(sorted({g.level for g in e.grades})) or "-"] if any(x.grades for x in items) else [])
                         for e, d in zip(items, data)],
                        note="Level: NCI PDQ level of evidence printed beside the study (it grades the study, not a "
                             "recommendation)." if any(e.grades for e in items) else None)]
    if plot:
        drawn = [[e.id, "\n".join(plot_lines(e, width - 40))] for e in items if _arm_figures(e)]
        sections.append(Section("Median survival by arm (--plot)", ["Evidence", "Plot"], drawn,
                                note=None if drawn else "None of these records has median survival figures per arm."))
    return View(title=f"{len(items)} evidence records", data=data, rows=rows, sections=sections,
                plain=[e.id for e in items])


def search(hits: list, query: str) -> View:
    data = [{"kind": h.kind, "id": h.id, "title": h.title, "score": h.score, "snippet": h.snippet} for h in hits]
    return View(title=f"{len(hits)} results for {query!r}", data=data, rows=data,
                sections=[Section("Results", ["Kind", "Id", "Title", "Score"], [[h.kind, h.id, h.title, str(h.score)] for h in hits])],
                plain=[f"{h.kind}\t{h.id}" for h in hits])
