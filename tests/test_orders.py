"""lmsrx order: whole-cycle verification, order-file errors with their line, NDJSON batches."""
import json

import pytest
from golden_util import check

from lmsrx.errors import UsageError
from lmsrx.orders import order as order_mod
from lmsrx.orders import verify as verify_mod

GEM_DOC = """\
id: bed-12 C3
patient: {height_cm: 168, weight_kg: 71}
regimen: gemcitabine-docetaxel
cycle: 3
cycle_days: 21
cumulative: {doxorubicin: 225 mg/m2}
lines:
  - {drug: gemcitabine, dose: 900 mg/m2, days: [1, 8], over_min: 90}
  - {drug: docetaxel, dose: 100 mg/m2, days: [8], over_min: 60, route: IV}
"""

NEOADJ = {
    "id": "neo-1", "patient": {"bsa_m2": 1.8}, "regimen": "neoadjuvant-epirubicin-ifosfamide", "cycle_days": 21,
    "cumulative": 0,
    "lines": [
        {"drug": "epirubicin", "dose": "60 mg/m2", "days": [1, 2]},
        {"drug": "ifosfamide", "dose": "3 g/m2", "days": [1, 2, 3]},
        {"drug": "mesna", "dose": "600 mg/m2", "days": [1, 2, 3], "times": 3},
    ],
}


def sheet(kb, doc):
    return verify_mod.verify(kb, order_mod.from_mapping(doc, kb))


def results(s, where=None, rule=None):
    return [r.check.result for r in s.rows if (where is None or r.where == where) and (rule is None or rule in r.check.rule)]


def test_standard_neoadjuvant_cycle_is_ok(kb):
    s = sheet(kb, NEOADJ)
    assert s.verdict == "ok", [(r.where, r.check.rule, r.check.result, r.check.basis) for r in s.rows if r.check.result != "ok"]
    assert "ok" in results(s, "day 1", "Mesna with Ifosfamide")
    cum = next(r.check for r in s.rows if r.where == "cumulative" and "hard" in r.check.rule and "Epirubicin" in r.check.rule)
    assert "this 120" in cum.value  # the anthracycline total after this cycle: 60 mg/m2 on days 1 and 2


def test_mesna_missing_or_short_exceeds(kb):
    no_mesna = {**NEOADJ, "lines": NEOADJ["lines"][:2]}
    assert sheet(kb, no_mesna).verdict == "exceeds"
    short = {**NEOADJ, "lines": [*NEOADJ["lines"][:2], {"drug": "mesna", "dose": "500 mg/m2", "days": [1, 2, 3], "times": 3}]}
    s = sheet(kb, short)  # 1500 of 3000 mg/m2 a day = 50%
    assert s.verdict == "exceeds" and "exceeds" in results(s, "day 1", "Mesna")
    partial = {**NEOADJ, "lines": [*NEOADJ["lines"][:2], {"drug": "mesna", "dose": "600 mg/m2", "days": [1, 2], "times": 3}]}
    assert results(sheet(kb, partial), "day 3", "Mesna") == ["exceeds"]  # ifosfamide on day 3 without mesna


def test_per_day_and_per_cycle_totals(kb):
    doubled = {**NEOADJ, "lines": [NEOADJ["lines"][0], {"drug": "ifosfamide", "dose": "3 g/m2", "days": [1, 2, 3], "times": 2},
                                   NEOADJ["lines"][2]]}
    s = sheet(kb, doubled)  # 6 g/m2 a day, 18 g/m2 a cycle
    assert "exceeds" in results(s, "day 1") and "exceeds" in results(s, "cycle", "hard limit (cycle)")
    epi = {**NEOADJ, "lines": [{"drug": "epirubicin", "dose": "120 mg/m2", "days": [1, 2]}, *NEOADJ["lines"][1:]]}
    assert "exceeds" in results(sheet(kb, epi), "line 1") and "exceeds" in results(sheet(kb, epi), "cycle")


def test_regimen_checks(kb):
    s = sheet(kb, {**NEOADJ, "regimen": "gemcitabine-docetaxel"})
    assert s.verdict == "exceeds" or "warning" in results(s, "regimen")
    drugs = {r.check.value for r in s.rows if r.check.rule == "regimen drugs"}
    assert {"missing", "Epirubicin", "Ifosfamide"} <= drugs
    wrong_days = {**NEOADJ, "lines": [{"drug": "epirubicin", "dose": "60 mg/m2", "days": [1, 8]}, *NEOADJ["lines"][1:]]}
    assert "warning" in results(sheet(kb, wrong_days), "regimen", "schedule")
    no_length = {k: v for k, v in NEOADJ.items() if k != "cycle_days"}
    assert results(sheet(kb, no_length), "cycle", "cycle length") == ["warning"]
    assert results(sheet(kb, {**NEOADJ, "cycle_days": 28}), "regimen", "cycle length") == ["warning"]
    status = sheet(kb, {**NEOADJ, "regimen": "neoadjuvant-histology-tailored"})
    assert results(status, "regimen", "regimen status") == ["warning"]


def test_dose_intensity(kb):
    every_14 = sheet(kb, {**NEOADJ, "cycle_days": 14})  # the 21-day regimen every 14 days
    assert "exceeds" in results(every_14, "cycle", "dose intensity")
    pld = {"patient": {"bsa_m2": 1.8}, "cycle_days": 14, "cumulative": 0,
           "lines": [{"drug": "pld", "dose": "50 mg/m2", "days": [1], "over_min": 60}]}
    assert sheet(kb, pld).verdict == "exceeds"
    assert sheet(kb, {**pld, "cycle_days": 28}).verdict == "ok"
    weekly = {"patient": {"bsa_m2": 1.8}, "cycle_days": 7,
              "lines": [{"drug": "trabectedin", "dose": "1.5 mg/m2", "days": [1], "over_min": 1440}]}
    assert sheet(kb, weekly).verdict == "exceeds"
    assert sheet(kb, {**weekly, "cycle_days": 21}).verdict == "ok"


def test_wrong_route_withdrawn_and_cumulative(kb):
    oral = {"patient": {"bsa_m2": 1.8}, "lines": [{"drug": "gemcitabine", "dose": "900 mg/m2", "days": [1, 8], "route": "oral"}]}
    assert sheet(kb, oral).verdict == "exceeds"
    withdrawn = {"patient": {"bsa_m2": 1.8, "weight_kg": 70},
                 "lines": [{"drug": "olaratumab", "dose": "15 mg/kg", "days": [1, 8]}]}
    assert sheet(kb, withdrawn).verdict == "exceeds"
    over = {"patient": {"bsa_m2": 1.8}, "cumulative": {"doxorubicin": "500 mg/m2"},
            "lines": [{"drug": "doxorubicin", "dose": "75 mg/m2", "days": [1]}]}
    assert sheet(kb, over).verdict == "exceeds"
    unknown = {"patient": {"bsa_m2": 1.8}, "lines": [{"drug": "doxorubicin", "dose": "75 mg/m2", "days": [1]}]}
    s = sheet(kb, unknown)
    assert s.verdict == "warning" and any("prior exposure not given" in r.check.value for r in s.rows)


@pytest.mark.parametrize("text, words", [
    ("patient: {bsa_m2: 1.8}\nlines:\n  - {drug: gemcitabine, dos: 900 mg/m2, days: [1]}\n", "order.yaml:3: unknown key 'dos'"),
    ("patient: {bsa_m2: 1.8}\nlines:\n  - {drug: gemcitabine, days: [1]}\n", "order.yaml:3: line 1 has no 'dose'"),
    ("patient: {bsa_m2: 1.8}\nlines:\n  - drug: gemcitabin\n    dose: 900 mg/m2\n    days: [1]\n",
     "order.yaml:3: line 1: unknown drug 'gemcitabin' (did you mean gemcitabine"),
    ("patient: {bsa_m2: 1.8}\nlines:\n  - {drug: gemcitabine, dose: 90 min, days: [1]}\n", "not a dose"),
    ("patient: {bsa_m2: 1.8}\nlines:\n  - {drug: gemcitabine, dose: 15 mg/kg, days: [1]}\n", "give the patient's weight_kg"),
    ("patient: {bsa_m2: 9}\nlines:\n  - {drug: gemcitabine, dose: 900 mg/m2, days: [1]}\n", "order.yaml:1: bsa_m2 must be"),
    ("patient: {bsa_m2: 1.8}\nlines:\n  - {drug: gemcitabine, dose: 900 mg/m2, days: [0]}\n", "order.yaml:3: line 1: days"),
    ("patient: {bsa_m2: 1.8}\nregimen: gem-doc\nlines:\n  - {drug: gemcitabine, dose: 900 mg/m2, days: [1]}\n",
     "order.yaml:2: unknown regimen"),
    ("patient: {bsa_m2: 1.8}\nlines: []\n", "order.yaml:2: an order needs 'lines'"),
    ("lines:\n  - {drug: gemcitabine, dose: 900 mg/m2, days: [1]}\n", "needs 'patient'"),
    ("patient: {bsa_m2: 1.8}\ncumulative: {doxorubicn: 100 mg/m2}\nlines:\n  - {drug: gemcitabine, dose: 900 mg/m2, days: [1]}\n",
     "order.yaml:2:"),
    ("patient: {bsa_m2: 1.8, hepatic: poor}\nlines:\n  - {drug: gemcitabine, dose: 900 mg/m2, days: [1]}\n", "hepatic must be"),
    ("patient: {bsa_m2: 1.8}\nlines:\n  - {drug: pazopanib, dose: 800 mg, days: [1], over_min: 30}\n", "given orally"),
])
def test_bad_orders_are_refused_with_their_line(run, tmp_path, text, words):
    path = tmp_path / "order.yaml"
    path.write_text(text, encoding="utf-8")
    r = run("order", str(path))
    assert r.exit_code == 2 and words in r.stderr.replace(str(tmp_path) + "/", ""), r.stderr
    assert "Traceback" not in r.stderr


def test_order_cli_golden_json_and_tsv(run, tmp_path):
    path = tmp_path / "cycle.yaml"
    path.write_text(GEM_DOC, encoding="utf-8")
    r = run("order", str(path), "--format", "json")
    assert r.exit_code == 0
    check("order_gem_doc.json", r.stdout.replace(str(tmp_path), "TMP"))
    r = run("order", str(path))
    assert r.exit_code == 0
    check("order_gem_doc.tsv", r.stdout)
    assert run("order", str(path), "--fail-on", "warning").exit_code == 3  # the label's 60-minute caution warns


def test_order_from_stdin_json(run):
    r = run("order", "-", "--format", "json", input=json.dumps(NEOADJ))
    assert r.exit_code == 0 and json.loads(r.stdout)["verdict"] == "ok"
    bad = {**NEOADJ, "lines": NEOADJ["lines"][:2]}
    assert run("order", "-", input=json.dumps(bad)).exit_code == 3


def test_order_batch_keeps_going_and_echoes_ids(run, tmp_path):
    good = json.dumps(NEOADJ)
    lines = [
        good.encode(),
        b"\xff\xfe not utf-8",
        b'{"id": 1e400, "patient": {"bsa_m2": 1.8}, "lines": []}',
        json.dumps({**NEOADJ, "id": "short-mesna", "lines": NEOADJ["lines"][:2]}).encode(),
        b'{"id": "\\ud800", "patient": {"bsa_m2": 1.8}}',
        b'{"id": "x", "patient": {"bsa_m2": 1e400}, "lines": [{"drug": "gemcitabine", "dose": "900 mg/m2", "days": [1]}]}',
        b'{"id": "' + b"9" * 5000 + b'"}',
        b"",
        b"[1, 2]",
        json.dumps({**NEOADJ, "id": 7}).encode(),
    ]
    path = tmp_path / "orders.ndjson"
    path.write_bytes(b"\n".join(lines) + b"\n")
    r = run("order", "--batch", str(path))
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["line"] for o in out] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]  # one output line per input line
    assert [o.get("verdict") or ("skipped" if "skipped" in o else "error") for o in out] == \
        ["ok", "error", "error", "exceeds", "error", "error", "error", "skipped", "error", "ok"]
    assert out[0]["id"] == "neo-1" and out[3]["id"] == "short-mesna" and out[9]["id"] == "7"
    assert r.exit_code == 3
    r = run("order", "--batch", str(path), "--format", "csv")
    assert r.stdout.splitlines()[0].startswith("order,where,drug,rule,result")
    assert run("order", "--batch", str(path), "--format", "json").exit_code == 2


def test_order_needs_one_input(run):
    assert run("order").exit_code == 2
    assert run("order", "a.yaml", "--batch", "b.ndjson").exit_code == 2
    assert run("order", "/nonexistent/order.yaml").exit_code == 2


def test_order_patient_bsa_from_height_weight_is_bounded(kb):
    with pytest.raises(UsageError):
        order_mod.from_mapping({"patient": {"height_cm": 250, "weight_kg": 350},
                             "lines": [{"drug": "gemcitabine", "dose": "900 mg/m2", "days": [1]}]}, kb)


def test_hostile_orders_are_refused_or_flagged(run, kb, tmp_path):
    dup = '{"patient": {"bsa_m2": 1.8}, "lines": [{"drug": "doxorubicin", "dose": "750 mg/m2", "days": [1], "dose": "75 mg/m2"}]}'
    r = run("order", "-", input=dup)
    assert r.exit_code == 2 and "duplicate key 'dose'" in r.stderr
    for bad_id in ("\ud800", "a\x1b[2Jb", "x\u202ey", "ok\nOrder y: OK"):
        with pytest.raises(UsageError):
            order_mod.from_mapping({"id": bad_id, "patient": {"bsa_m2": 1.8},
                                 "lines": [{"drug": "doxorubicin", "dose": "75 mg/m2", "days": [1]}]}, kb)
    past = {"patient": {"bsa_m2": 1.8}, "cycle_days": 28, "lines": [{"drug": "doxorubicin", "dose": "37.5 mg/m2", "days": [1, 29]}]}
    with pytest.raises(UsageError, match="past the end of a 28-day cycle"):
        order_mod.from_mapping(past, kb)
    for empty in (False, {}, 0.0):
        with pytest.raises(UsageError):
            order_mod.from_mapping({**NEOADJ, "cumulative": empty}, kb)


def test_two_anthracyclines_in_one_cycle_exceed(kb):
    doc = {"patient": {"bsa_m2": 1.8}, "cycle_days": 28, "cumulative": 0,
           "lines": [{"drug": "doxorubicin", "dose": "75 mg/m2", "days": [1]}, {"drug": "pld", "dose": "50 mg/m2", "days": [1]}]}
    assert "exceeds" in results(sheet(kb, doc), "cycle", "same class twice")
    with_trab = {"patient": {"bsa_m2": 1.8}, "cycle_days": 21, "cumulative": 0,
                 "lines": [{"drug": "doxorubicin", "dose": "60 mg/m2", "days": [1]},
                           {"drug": "trabectedin", "dose": "1.1 mg/m2", "days": [1], "over_min": 180}]}
    assert results(sheet(kb, with_trab), "cycle", "same class twice") == []


def test_mesna_far_above_its_share_and_cycle_number_without_exposure(kb):
    lots = {**NEOADJ, "lines": [*NEOADJ["lines"][:2], {"drug": "mesna", "dose": "100 g/m2", "days": [1, 2, 3], "times": 3}]}
    assert "exceeds" in results(sheet(kb, lots), "day 1", "Mesna")
    generous = {**NEOADJ, "lines": [*NEOADJ["lines"][:2], {"drug": "mesna", "dose": "720 mg/m2", "days": [1, 2, 3], "times": 3}]}
    assert results(sheet(kb, generous), "day 1", "Mesna") == ["warning"]  # 72%: above the label, not verified
    ninth = {**NEOADJ, "cycle": 9, "cumulative": 0}
    assert "warning" in results(sheet(kb, ninth), "cumulative", "cycle and exposure")


def test_absolute_doses_without_a_bsa_are_bounded(kb):
    doc = {"patient": {"weight_kg": 70}, "lines": [{"drug": "doxorubicin", "dose": "20 mg/kg", "days": [1]}]}
    assert sheet(kb, doc).verdict == "exceeds"  # 1400 mg is above 75 mg/m2 even at 3.5 m2


def test_order_batch_caps_line_length(run, tmp_path):
    path = tmp_path / "long.ndjson"
    good = json.dumps({**NEOADJ, "id": "after"})
    path.write_bytes(b"{" + b" " * 1_100_000 + b"}\n" + good.encode() + b"\n")
    out = [json.loads(line) for line in run("order", "--batch", str(path)).stdout.splitlines()]
    assert "longer than" in out[0]["error"]["message"] and out[1]["id"] == "after"


def test_a_drug_of_another_phase_is_not_missing_from_an_order(run, tmp_path):
    """A sequential schedule's later cycles give only that phase's drugs: no "left out on purpose?" for the others;
    a drug of the order's own phase that is left out is still named; without a cycle every phase counts."""
    def sheet(order: dict) -> str:
        path = tmp_path / "order.json"
        path.write_text(json.dumps(order), encoding="utf-8")
        return run("order", str(path), "--format", "tsv").stdout

    for regimen, variant, cycle, drug, dose, days, absent in (
            ("adjuvant-gemcitabine-docetaxel-uterine", "sarc-005", 5, "doxorubicin", "60 mg/m2", [1], "Gemcitabine"),
            ("doxorubicin-trabectedin", "lms-04", 7, "trabectedin", "1.1 mg/m2", [1], "Doxorubicin")):
        order = {"id": "later phase", "patient": {"bsa_m2": 1.8}, "regimen": regimen, "variant": variant, "cycle": cycle,
                 "cycle_days": 21, "lines": [{"drug": drug, "dose": dose, "days": days}]}
        assert "left out on purpose" not in sheet(order), regimen
        del order["cycle"]
        assert f"{absent} is part of" in sheet(order), regimen  # every phase counts without a cycle
    first = {"id": "first phase", "patient": {"bsa_m2": 1.8}, "regimen": "adjuvant-gemcitabine-docetaxel-uterine",
             "variant": "sarc-005", "cycle": 1, "cycle_days": 21,
             "lines": [{"drug": "gemcitabine", "dose": "900 mg/m2", "days": [1, 8], "over_min": 90}]}
    assert "Docetaxel is part of" in sheet(first) and "Doxorubicin is part of" not in sheet(first)


@pytest.mark.parametrize("regimen, variant, cycle, lines, stray", [
    ("adjuvant-gemcitabine-docetaxel-uterine", "sarc-005", 2, [("doxorubicin", "60 mg/m2", [1])], "Doxorubicin"),
    ("adjuvant-gemcitabine-docetaxel-uterine", "sarc-005", 5,
     [("doxorubicin", "60 mg/m2", [1]), ("gemcitabine", "900 mg/m2", [1])], "Gemcitabine"),
    ("doxorubicin-trabectedin", "lms-04", 7, [("trabectedin", "1.1 mg/m2", [1]), ("doxorubicin", "60 mg/m2", [1])],
     "Doxorubicin"),
])
def test_a_drug_of_another_phase_in_an_order_warns(run, tmp_path, regimen, variant, cycle, lines, stray):
    """The cycle's phase decides which of the regimen's drugs belong in the order: one from another phase warns
    (exit 3 with --fail-on warning), whatever else the order holds."""
    order = {"id": "stray", "patient": {"bsa_m2": 1.8}, "regimen": regimen, "variant": variant, "cycle": cycle,
             "cycle_days": 21, "cumulative": {"doxorubicin": 0},
             "lines": [{"drug": d, "dose": q, "days": days} for d, q, days in lines]}
    path = tmp_path / "order.json"
    path.write_text(json.dumps(order), encoding="utf-8")
    rows = [line.split("\t") for line in run("order", str(path), "--format", "tsv").stdout.splitlines()[1:]]
    phase = [r for r in rows if r[3] == "regimen phase"]
    assert [(r[2], r[4]) for r in phase] == [(stray.lower(), "warning")]
    assert "is given in another phase of its schedule" in phase[0][7]
    if stray == "Doxorubicin":  # an anthracycline out of its phase: the exposure question is still asked
        assert any(r[3] == "cycle and exposure" for r in rows)
    assert run("order", str(path), "--fail-on", "warning").exit_code == 3


def test_no_prior_exposure_is_expected_only_where_the_plan_has_not_given_the_agent_yet(run, tmp_path):
    """Cycle 5 of SARC 005 is its first doxorubicin cycle: 'none before' is what the plan expects. Cycle 6, or a
    cycle 5 with no regimen named (the plan unknown), still asks whether the cumulative exposure is complete."""
    def rows(**extra) -> str:
        order = {"id": "c", "patient": {"bsa_m2": 1.8}, "cycle_days": 21, "cumulative": {"doxorubicin": 0},
                 "lines": [{"drug": "doxorubicin", "dose": "60 mg/m2", "days": [1]}], **extra}
        path = tmp_path / "order.json"
        path.write_text(json.dumps(order), encoding="utf-8")
        return run("order", str(path), "--format", "tsv").stdout

    sarc = {"regimen": "adjuvant-gemcitabine-docetaxel-uterine", "variant": "sarc-005"}
    assert "cycle and exposure" not in rows(cycle=5, **sarc)
    assert "cycle and exposure" in rows(cycle=6, **sarc)
    assert "cycle and exposure" in rows(cycle=5)
    assert "cycle and exposure" in rows(cycle=2, regimen="doxorubicin-trabectedin", variant="lms-04")
