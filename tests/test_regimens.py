"""Regimen schedules as data (issue 19): the card, the cycle computed for a patient and written as an order that
`lmsrx order` verifies, checks bound to the regimen's own schedule, support drugs, and --kb regimens."""
import json

import pytest
import yaml

from lmsrx.dosing import regimen as regimen_mod
from lmsrx.knowledge import load as loader

KB = loader.load()
VARIANTS = [(r.id, v.id) for r in KB.regimens.values() if r.schedule is not None for v in r.schedule.variants]
CONTINUOUS = {r.id for r in KB.regimens.values() if r.schedule is not None
              for v in r.schedule.variants for ph in v.phases if ph.continuous}


def test_every_regimen_that_can_be_offered_has_a_schedule():
    for reg in KB.regimens.values():
        if reg.recommendation in ("withdrawn", "not-recommended"):
            continue
        assert reg.schedule is not None, reg.id
        assert reg.schedule.variants or (reg.schedule.not_on_record and reg.schedule.cite), reg.id


@pytest.mark.parametrize(("regimen", "variant"), VARIANTS)
def test_the_cycle_written_is_the_order_that_verifies(run, tmp_path, regimen, variant):
    """Every variant the records give completely round-trips with exit 0; one they leave incomplete is refused,
    naming what is missing."""
    path = tmp_path / "cycle.yaml"
    extra = ["--days", "28"] if regimen in CONTINUOUS else []
    r = run("regimen", regimen, "--variant", variant, "--bsa", "1.8", "-o", str(path), *extra)
    p = regimen_mod.plan(KB, KB.regimens[regimen], variant, None)
    if p.missing:
        assert r.exit_code == 2 and "not written as an order" in r.stderr and not path.exists(), r.stderr
        return
    assert r.exit_code == 0, r.stderr
    order = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert order["regimen"] == regimen and order["variant"] == variant
    checked = run("order", str(path), "--format", "json")
    assert checked.exit_code == 0, checked.stdout
    assert json.loads(checked.stdout)["verdict"] in ("ok", "warning")


@pytest.mark.parametrize(("regimen", "variant"), [(r, v) for r, v in VARIANTS if r not in CONTINUOUS])
def test_changing_any_line_by_more_than_the_tolerance_exceeds(run, tmp_path, regimen, variant):
    p = regimen_mod.plan(KB, KB.regimens[regimen], variant, None)
    if p.missing:
        return
    path = tmp_path / "cycle.yaml"
    assert run("regimen", regimen, "--variant", variant, "--bsa", "1.8", "-o", str(path)).exit_code == 0
    order = yaml.safe_load(path.read_text(encoding="utf-8"))
    for i, line in enumerate(order["lines"]):
        if line["drug"] == "mesna":
            continue  # a share of ifosfamide: more of it is not an overdose
        changed = json.loads(json.dumps(order))
        value, unit = changed["lines"][i]["dose"].split(" ", 1)
        changed["lines"][i]["dose"] = f"{float(value) * 1.15:g} {unit}"
        path.write_text(yaml.safe_dump(changed), encoding="utf-8")
        r = run("order", str(path), "--format", "tsv")
        assert r.exit_code == 3, (line, r.stdout)


def test_a_dose_is_judged_by_its_own_regimen_only(run, tmp_path):
    """Gemcitabine 900 mg/m2 on days 1, 8 and 15 of a 21-day gemcitabine + docetaxel cycle: 2,700 mg/m2 a cycle is
    not excused by another regimen's 1,800 mg/m2 every 14 days."""
    path = tmp_path / "o.yaml"
    path.write_text("patient: {bsa_m2: 1.8}\nregimen: gemcitabine-docetaxel\ncycle_days: 21\nlines:\n"
                    "  - {drug: gemcitabine, dose: 900 mg/m2, days: [1, 8, 15], over_min: 90}\n"
                    "  - {drug: docetaxel, dose: 75 mg/m2, days: [8]}\n", encoding="utf-8")
    r = run("order", str(path), "--format", "json")
    assert r.exit_code == 3
    rows = json.loads(r.stdout)["checks"]
    cycle = [x for x in rows if x["where"] == "cycle" and x["drug"] == "gemcitabine" and x["result"] == "exceeds"]
    assert cycle and "1800 mg/m2" in cycle[0]["limit"]
    assert any(x["rule"] == "schedule" and x["result"] == "warning" for x in rows)
    alone = run("dose", "gemcitabine", "--bsa", "1.8", "--planned", "2700 mg/m2", "--per", "cycle", "--regimen",
                "gemcitabine-docetaxel")
    assert alone.exit_code == 3


def test_a_dose_without_a_regimen_names_the_records_it_matches(run):
    r = run("dose", "gemcitabine", "--bsa", "1.8", "--planned", "1800 mg/m2", "--per", "cycle", "--format", "json")
    basis = next(c["basis"] for c in json.loads(r.stdout)["checks"] if c["rule"] == "doses on record (cycle)")
    assert "matches:" in basis and "ISG-STS 1001" in basis and "every 14 days" in basis


def test_a_label_correct_trabectedin_order_with_its_premedication(run, tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("patient: {bsa_m2: 1.8}\nregimen: trabectedin\ncycle_days: 21\nlines:\n"
                    "  - {drug: trabectedin, dose: 1.5 mg/m2, days: [1], over_min: 1440}\n"
                    "  - {drug: dexamethasone, dose: 20 mg, days: [1], route: iv}\n", encoding="utf-8")
    r = run("order", str(path), "--format", "json")
    assert r.exit_code == 0, r.stdout
    assert not any(x["rule"] == "regimen drugs" for x in json.loads(r.stdout)["checks"])


def test_a_drug_of_another_regimen_is_named(run, tmp_path):
    path = tmp_path / "o.yaml"
    path.write_text("patient: {bsa_m2: 1.8}\nregimen: trabectedin\nlines:\n"
                    "  - {drug: trabectedin, dose: 1.5 mg/m2, days: [1], over_min: 1440}\n"
                    "  - {drug: gemcitabine, dose: 900 mg/m2, days: [1]}\n", encoding="utf-8")
    rows = json.loads(run("order", str(path), "--format", "json").stdout)["checks"]
    assert any(x["rule"] == "regimen drugs" and "not part of Trabectedin" in x["basis"] for x in rows)


def test_order_regimen_option_and_variant(run, tmp_path):
    path = tmp_path / "o.yaml"
    path.write_text("patient: {bsa_m2: 1.8}\ncycle_days: 21\nlines:\n"
                    "  - {drug: gemcitabine, dose: 675 mg/m2, days: [1, 8]}\n"
                    "  - {drug: docetaxel, dose: 75 mg/m2, days: [8]}\n", encoding="utf-8")
    assert run("order", str(path), "--regimen", "gemcitabine-docetaxel").exit_code == 0
    named = json.loads(run("order", str(path), "--regimen", "trabectedin", "--format", "json").stdout)["checks"]
    assert {x["drug"] for x in named if x["rule"] == "regimen drugs"} == {"trabectedin", "gemcitabine", "docetaxel"}
    text = path.read_text(encoding="utf-8").replace("cycle_days", "regimen: gemcitabine-docetaxel\nvariant: hensley\ncycle_days")
    path.write_text(text, encoding="utf-8")
    rows = json.loads(run("order", str(path), "--format", "json").stdout)["checks"]
    assert any(x["rule"].startswith("doses on record") and x["result"] == "warning" and x["drug"] == "gemcitabine" for x in rows)
    assert run("order", str(path), "--regimen", "trabectedin").exit_code == 2
    bad = path.read_text(encoding="utf-8").replace("variant: hensley", "variant: nope")
    path.write_text(bad, encoding="utf-8")
    r = run("order", str(path))
    assert r.exit_code == 2 and "variant" in r.stderr and "hensley" in r.stderr


def test_the_card_for_a_patient(run):
    data = json.loads(run("regimen", "gemcitabine-docetaxel", "--bsa", "1.8", "--format", "json").stdout)
    gem = data["lines"][0]
    assert (gem["drug"], gem["dose"], gem["days"], gem["per_cycle"], gem["per_week"]) == \
           ("gemcitabine", "900 mg/m2", [1, 8], "1800 mg/m2", "600 mg/m2")
    assert gem["for_patient"]["absolute"] == "1620 mg" and data["writable_as_order"] is True
    assert data["modifications"] == [{"percent": 75.0, "when": "after pelvic radiation", "cite": ["gem-doc-lms-regimen-article"]}]
    assert {v["id"] for v in data["variants"]} == {"hensley", "docetaxel-75", "geddis", "taxogem"}


def test_a_sequential_schedule_and_the_running_anthracycline_total(run):
    r = run("regimen", "adjuvant-gemcitabine-docetaxel-uterine", "--bsa", "1.8", "--cycle", "5",
            "--cumulative", "doxorubicin=240 mg/m2", "--format", "json")
    data = json.loads(r.stdout)
    assert data["phase"]["name"] == "doxorubicin" and [x["drug"] for x in data["lines"]] == ["doxorubicin"]
    assert data["cumulative"]["doxorubicin_equivalent_total_mg_per_m2"] == 300
    assert run("regimen", "adjuvant-gemcitabine-docetaxel-uterine", "--cycle", "9").exit_code == 2
    over = run("regimen", "doxorubicin", "--variant", "geddis", "--bsa", "1.8", "--cumulative", "doxorubicin=500 mg/m2")
    assert over.exit_code == 3


def test_what_the_records_leave_out_is_said(run):
    r = run("regimen", "doxorubicin", "--bsa", "1.8", "--format", "yaml")
    assert r.exit_code == 2 and "a range on record" in r.stderr
    r = run("regimen", "gemcitabine-dacarbazine")
    assert r.exit_code == 2 and "no dose of" in r.stderr
    r = run("regimen", "nivolumab")
    assert r.exit_code == 2 and "never offered" in r.stderr
    r = run("regimen", "pazopanib", "--bsa", "1.8", "--format", "yaml")
    assert r.exit_code == 2 and "--days" in r.stderr
    assert run("regimen", "gemcitabine-docetaxel", "--format", "yaml").exit_code == 2  # no patient


def test_compare_shows_schedules_from_data(run):
    rows = {r["field"]: r for r in json.loads(run("compare", "trabectedin", "pazopanib", "eribulin", "--json").stdout)["rows"]}
    assert "Pazopanib 800 mg every day" in rows["schedule"]["pazopanib"]
    assert "Eribulin 1.4 mg/m2 days 1, 8; every 21 days" in rows["schedule"]["eribulin"]
    assert "2.46" not in rows["schedule"]["eribulin"]


def test_options_carry_the_schedule(run):
    data = json.loads(run("options", "--line", "2", "--histology", "uterine", "--format", "json").stdout)
    tra = next(c for c in data["candidates"] if c["id"] == "trabectedin")
    sup = [x for x in tra["schedule"]["variants"][0]["phases"][0]["lines"] if x["role"] == "support"]
    assert any(x["drug"] == "dexamethasone" and x["dose"] == "20 mg" for x in sup)


def test_an_institution_regimen_with_its_schedule(run, tmp_path):
    path = tmp_path / "inst.yaml"
    path.write_text("""\
references:
  our-protocol: {kind: guidance, verified: partial, title: Our protocol}
drugs:
  our-drug:
    name: Ourdrug
    route: [iv]
    lms_status: off-label
    summary: s
    cite: [our-protocol]
    doses:
      - {context: our protocol, id: ours, amount: 10 mg/m2, days: [1, 15], cycle_days: 28, schedule: s, status: guidance, cite: [our-protocol]}
regimens:
  our-regimen:
    name: Our regimen
    drugs: [our-drug]
    family: other
    settings: [metastatic]
    recommendation: option
    summary: s
    schedule:
      variants:
        - id: ours
          name: our protocol
          phases:
            - {lines: [{drug: our-drug, dose: ours}], cycle_days: 28}
          cite: [our-protocol]
    evidence: [second-line-options]
    cite: [our-protocol]
""", encoding="utf-8")
    out = tmp_path / "c.yaml"
    assert run("--kb", str(path), "regimen", "our-regimen", "--bsa", "2", "-o", str(out)).exit_code == 0
    assert run("--kb", str(path), "order", str(out)).exit_code == 0
    broken = path.read_text(encoding="utf-8").replace("dose: ours}", "dose: theirs}")
    path.write_text(broken, encoding="utf-8")
    r = run("--kb", str(path), "kb", "info")
    assert r.exit_code == 4 and "inst.yaml:" in r.stderr and "no dose on record with id 'theirs'" in r.stderr
    missing = broken.replace("    schedule:\n", "    old_schedule:\n")
    path.write_text(missing, encoding="utf-8")
    assert run("--kb", str(path), "kb", "info").exit_code == 4


def test_regimen_ids_complete():
    from lmsrx.knowledge.names import completions

    assert "gemcitabine-docetaxel" in completions("regimens", "gem")


def test_a_cycle_past_the_end_of_the_schedule_is_named(run, tmp_path):
    """LMS-02 gives 6 cycles: an order for cycle 99 is checked against every phase, and the sheet says why."""
    path = tmp_path / "o.json"
    path.write_text(json.dumps({"patient": {"bsa_m2": 1.8}, "regimen": "doxorubicin-trabectedin", "variant": "lms-02",
                                "cycle": 99, "cycle_days": 21,
                                "lines": [{"drug": "doxorubicin", "dose": "60 mg/m2", "days": [1]},
                                          {"drug": "trabectedin", "dose": "1.1 mg/m2", "days": [1]}]}), encoding="utf-8")
    sheet = run("order", str(path), "--format", "tsv").stdout
    assert "cycle 99 is past the end of this schedule (6 cycles on record)" in sheet
