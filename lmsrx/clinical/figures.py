"""Typed figures: an end point's numbers as data and as one line of text, the same in every output. Pure.

A figure keeps its kind (:class:`lmsrx.model.Endpoint`): a single value belongs to
its arm or population; a range is the low and high ends of reports, never a
comparison; a comparison names each arm's number. Reported precision is kept
(``0.70`` stays ``0.70``), ``P < .001`` gains its leading zero, and a unit agrees
with its number (``1 year``).
"""
from __future__ import annotations

import re
from typing import Any

from lmsrx.units import num

UNITS = {"months": ("month", "months"), "years": ("year", "years"), "patients": ("patient", "patients"),
         "responses": ("response", "responses")}
MEASURES = {"hazard-ratio": "HR", "ratio-as-reported": "ratio (as reported)", "fold-change": "fold"}
RESULT_TEXT = {"negative": "no benefit in LMS", "other-histology": "benefit confined to another histology",
               "refuted": "not confirmed by a later trial", "background": "background", "supports": ""}


# how a figure's origin is said (others: as named)
ORIGIN_TEXT = {"congress": "congress report, as presented", "regulatory": "regulatory record"}


def p_text(p: str | None) -> str | None:
    if not p:
        return None
    p = re.sub(r"(?<![0-9])\.([0-9])", r"0.\1", p.strip())
    return f"P {p}" if p[:1] in "<>=≤≥" else f"P = {p}"


def _unit(unit: str | None, values: list[float]) -> str:
    if unit == "percent":
        return "%"
    if unit in UNITS:
        one, many = UNITS[unit]
        return " " + (one if values and all(float(v) == 1 for v in values) else many)
    return ""


def _value(value: float, unit: str | None) -> str:
    return num(value) + ("%" if unit == "percent" else "")


def figure(ev: Any, ep: Any, regimen_id: str | None = None) -> dict[str, Any]:
    """One end point of one evidence record as data; ``own`` marks the arm that is ``regimen_id``."""
    kind = ep.figure_kind
    values = []
    for i, v in enumerate(ep.values):
        if kind == "arms":
            label = ev.arms[i]
            regs = list(ev.arm_regimens[i]) if ev.arm_regimens else []
        elif kind == "value":
            label = ep.arm or (ev.arms[0] if len(ev.arms) == 1 else None)
            idx = ev.arms.index(label) if label in ev.arms else None
            regs = list(ev.arm_regimens[idx]) if ev.arm_regimens and idx is not None else []
        else:
            label, regs = ("low", "high")[i], []
        ci = list(ep.cis[i]) if ep.cis else None
        values.append({"arm": label, "regimens": regs, "own": bool(regimen_id and regimen_id in regs),
                       "value": float(v), "text": num(v), "ci": [float(x) for x in ci] if ci else None,
                       "ci_text": [num(x) for x in ci] if ci else None})
    effect = None
    if ep.effect is not None:
        e = ep.effect
        effect = {"measure": e.measure, "label": MEASURES[e.measure], "value": float(e.value) if e.value is not None else None,
                  "text": num(e.value) if e.value is not None else None,
                  "ci": [float(x) for x in e.ci] if e.ci else None, "ci_text": [num(x) for x in e.ci] if e.ci else None}
    return {
        "name": ep.name, "kind": kind, "unit": ep.unit, "values": values, "effect": effect,
        "p": ep.p, "timepoint": ep.timepoint, "population": ep.population, "origin": ep.origin,
        "arm_order_unknown": ep.arm_order_unknown, "note": ep.note, "cite": list(ep.cite),
    }


def text(fig: dict[str, Any]) -> str:
    """One line: 'median progression-free survival: trabectedin 4.2 vs dacarbazine 1.5 months; HR 0.55 (95% CI 0.44-0.70), P < 0.001'."""
    unit = fig["unit"]
    vals = fig["values"]
    nums = [v["value"] for v in vals]
    body = ""
    if fig["kind"] == "range" and len(vals) == 2:
        body = f"{vals[0]['text']}-{vals[1]['text']}{_unit(unit, nums)} (the range of reports, not a comparison)"
    elif fig["kind"] == "arms" and vals:
        if fig["arm_order_unknown"]:
            body = " and ".join(_value(v["value"], unit) if unit == "percent" else v["text"] for v in vals)
            body += ("" if unit == "percent" else _unit(unit, nums)) + " (which arm had which figure is not stated)"
        else:
            parts = []
            for v in vals:
                label = v["arm"] + (" (this option)" if v["own"] else "")
                figure_text = v["text"] + ("%" if unit == "percent" else "")
                if v["ci"]:
                    figure_text += f" (95% CI {v['ci_text'][0]}-{v['ci_text'][1]})"
                parts.append(f"{label} {figure_text}")
            body = " vs ".join(parts) + ("" if unit == "percent" else _unit(unit, nums))
    elif vals:
        v = vals[0]
        body = v["text"] + _unit(unit, nums)
        if v["ci"]:
            body += f" (95% CI {v['ci_text'][0]}-{v['ci_text'][1]})"
        if v["arm"]:
            body += f" with {v['arm']}" + (" (this option)" if v["own"] else "")
    stats = []
    e = fig["effect"]
    if e:
        s = f"{e['label']} {e['text']}" if e["text"] is not None else f"{e['label']} not given"
        if e["ci_text"]:
            s += f" (95% CI {e['ci_text'][0]}-{e['ci_text'][1]})"
        stats.append(s)
    if fig["p"]:
        stats.append(p_text(fig["p"]))
    where = [x for x in (fig["population"], f"at {fig['timepoint']}" if fig["timepoint"] else None) if x]
    out = fig["name"] + (f" ({'; '.join(where)})" if where else "") + (f": {body}" if body else "")
    if stats:
        out += ("; " if body else ": ") + ", ".join(stats)
    return out + f" [{ORIGIN_TEXT.get(fig['origin'], fig['origin'])}]"


def evidence_figures(ev: Any, regimen_id: str | None = None) -> list[dict[str, Any]]:
    return [figure(ev, ep, regimen_id) for ep in ev.endpoints]


def label(ev: Any) -> str:
    """What kind of support a record is, in words, for labels: 'no benefit in LMS', 'newer than the source'."""
    words = [w for w in (RESULT_TEXT[ev.lms_result], "newer than the source" if ev.newer_than_source else "",
                         f"congress report ({ev.congress}), not peer-reviewed" if ev.congress else "") if w]
    return "; ".join(words)
