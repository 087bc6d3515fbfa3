"""The view of an order's verification sheet."""
from __future__ import annotations

from typing import Any

from lmsrx.output.common import CHECK_COLUMNS, DOSE_RULE_NOTE, VERDICT_TEXT, check_dicts, fmt_num, worst_first
from lmsrx.output.drugs import cumulative_lines
from lmsrx.output.view import Section, View


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
        footer=[DOSE_RULE_NOTE],
    )
