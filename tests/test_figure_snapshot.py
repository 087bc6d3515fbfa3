"""Every figure of the knowledge base, held in a reviewed snapshot (tests/data/figures.json).

The project may not read ../shared/sources/ in its tests, so the check that no figure stands in none
of the source files is done by review: each figure in the snapshot was checked against the source
files when it was added (see CHANGELOG and the issue notes). This test makes any new or changed
figure fail until the snapshot is updated, so no figure enters the knowledge base unreviewed:
regenerate with LMSRX_REGEN_FIGURES=1 and review the diff against the sources.
"""
import json
import os
from pathlib import Path

SNAPSHOT = Path(__file__).parent / "data" / "figures.json"


def current(kb):
    out = {}
    for eid, ev in sorted(kb.evidence.items()):
        rows = [{"name": ep.name, "origin": ep.origin, "values": [float(v) for v in ep.values],
                 "cis": [[float(x) for x in c] for c in ep.cis],
                 "effect": None if ep.effect is None else {
                     "value": None if ep.effect.value is None else float(ep.effect.value), "ci": [float(x) for x in ep.effect.ci]},
                 "p": ep.p, "cite": list(ep.cite)} for ep in ev.endpoints]
        if rows:
            out[eid] = rows
    return out


def test_every_figure_is_in_the_reviewed_snapshot(kb):
    now = current(kb)
    if os.environ.get("LMSRX_REGEN_FIGURES"):
        SNAPSHOT.write_text(json.dumps(now, indent=1, sort_keys=True), encoding="utf-8")
    assert now == json.loads(SNAPSHOT.read_text(encoding="utf-8")), "a figure changed: review it against the sources"


def test_every_figure_cites_a_checked_record(kb):
    for eid, rows in current(kb).items():
        for row in rows:
            assert row["cite"] and all(c in kb.references for c in row["cite"]), (eid, row["name"])
            origin_ok = (row["origin"] == "source" and "statpearls-lms-2020" in row["cite"] or row["origin"] == "publication"
                         or row["origin"] == "regulatory" and all(kb.references[c].kind in ("regulatory", "label")
                                                                  for c in row["cite"])
                         or row["origin"] == "congress" and any(kb.references[c].kind == "congress-report" or
                                                                "abstract" in (kb.references[c].note or "") for c in row["cite"]))
            assert origin_ok, (eid, row["name"], "a figure of the source cites the source")
