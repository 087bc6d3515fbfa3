"""Issue 22: knowledge current to 2026 - the NTRK approvals, the olaparib + temozolomide trials (the randomised one
negative, a congress report), NCI PDQ levels of evidence shown beside the study they grade, kb info by origin and year."""
import json
from pathlib import Path

import pytest

from lmsrx.clinical import eligibility
from lmsrx.clinical import patient as patient_mod
from lmsrx.clinical.strength import supports

NTRK = ("entrectinib", "larotrectinib", "repotrectinib")
README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _status(kb, **facts):
    answer = eligibility.assess(kb, patient_mod.from_mapping({k: list(v) if isinstance(v, tuple) else v
                                                              for k, v in facts.items()}, kb))
    return {a.regimen.id: a for a in [*answer.candidates, *answer.excluded]}


def test_three_ntrk_agents_are_eligible_each_with_its_approval(run):
    data = json.loads(run("options", "--line", "2", "--biomarker", "ntrk-fusion", "--prior", "doxorubicin",
                          "--format", "json").stdout)
    found = {c["id"]: c for c in data["candidates"] if c["id"] in NTRK}
    assert set(found) == set(NTRK) and all(c["status"] == "eligible" for c in found.values())
    assert "US 2019-08-15" in found["entrectinib"]["approval"][0]
    assert "(seen once)" in found["entrectinib"]["approval"][0]  # the 2023 label change: one page only
    assert "US 2025-04 (newer than the source)" in found["larotrectinib"]["approval"][0]
    assert "accelerated approval US 2024-06-13 (newer than the source)" in found["repotrectinib"]["approval"][0]


@pytest.mark.parametrize("facts", [
    {"line": 1}, {"line": 2}, {"line": 3, "prior": ("doxorubicin", "gemcitabine")},
    {"line": 2, "biomarkers": ("ntrk-fusion",)}, {"line": 1, "biomarkers": ("ntrk-fusion",)},
    {"line": 2, "biomarkers": ("ntrk-negative",)}, {"setting": "adjuvant", "grade": "high"},
    {"line": 2, "biomarkers": ("ntrk-fusion",), "histology": "uterine", "age": 40},
])
def test_the_ntrk_agents_follow_the_same_rules(kb, facts):
    """Larotrectinib and repotrectinib are decided as entrectinib is: conditional on NTRK status, excluded when
    negative, 'no satisfactory alternative' asked for in line 1."""
    found = _status(kb, **facts)
    statuses = {found[r].status for r in NTRK}
    assert len(statuses) == 1, {r: found[r].status for r in NTRK}
    needs = [sorted(found[r].needs) for r in NTRK]
    assert needs[0] == needs[1] == needs[2]


def test_ntrk_negative_excludes_and_unknown_is_conditional(kb):
    neg = _status(kb, line=2, biomarkers=("ntrk-negative",))
    unknown = _status(kb, line=2)
    for r in NTRK:
        assert neg[r].status == "excluded" and any("NTRK" in reason for reason in neg[r].reasons)
        assert unknown[r].status == "conditional" and "NTRK fusion status" in unknown[r].needs


def test_age_rules_come_from_the_records(run):
    young = run("dose", "repotrectinib", "--planned", "160 mg", "--age", "10", "--format", "json")
    assert "12" in young.stdout and "age" in young.stdout
    # larotrectinib: no minimum age in the indication seen, so no age rule
    lar = json.loads(run("drug", "larotrectinib", "--format", "json").stdout)
    assert not [r for r in lar.get("rules", []) if r.get("topic") == "age"]


def test_doses_only_where_a_checked_source_gives_them(run):
    ok = run("dose", "repotrectinib", "--planned", "160 mg", "--age", "40", "--format", "json")
    assert ok.exit_code == 0 and '"ok"' in ok.stdout
    over = run("dose", "repotrectinib", "--planned", "320 mg", "--age", "40")
    assert over.exit_code == 3
    lar = run("dose", "larotrectinib", "--planned", "100 mg", "--format", "tsv")
    assert "not verified" in lar.stdout and "\tok\t" not in lar.stdout.split("\n", 2)[2]


def test_larotrectinib_hepatic_rule_seen_once_never_ok(run):
    r = run("dose", "larotrectinib", "--planned", "100 mg", "--child-pugh", "B", "--format", "json")
    data = json.loads(r.stdout)
    text = json.dumps(data)
    assert "seen once" in text and "50%" in text
    assert data["verdict"] != "ok"


def test_olaparib_temozolomide_is_never_a_candidate(kb):
    for facts in ({"line": 2, "histology": "uterine", "prior": ("doxorubicin",)}, {"line": 3, "histology": "uterine"},
                  {"line": 2}, {"line": 1, "histology": "uterine"}):
        found = _status(kb, **facts)["olaparib-temozolomide"]
        assert found.status == "excluded"
        assert any("A092104" in reason for reason in found.reasons)


def test_the_negative_randomised_result_comes_first_and_never_supports(kb):
    reg = kb.regimens["olaparib-temozolomide"]
    assert reg.evidence[0] == "a092104"
    a092104, nci = kb.evidence["a092104"], kb.evidence["nci-10250"]
    assert a092104.lms_result == "negative" and a092104.design.randomised and a092104.congress
    assert nci.lms_result == "refuted"
    for regimen in kb.regimens.values():  # neither record gives any regimen strength (pazopanib, trabectedin included)
        assert not supports(a092104, regimen) and not supports(nci, regimen)


def test_a_congress_report_is_labelled_in_every_format(run):
    card = run("trial", "a092104", "--format", "table", "--no-pager").stdout
    assert "Congress report (2025 ASCO Annual Meeting): not peer-reviewed" in card
    assert "[congress report, as presented]" in card
    data = json.loads(run("trial", "a092104", "--format", "json").stdout)
    assert data["congress"] == "2025 ASCO Annual Meeting"
    assert {f["origin"] for f in data["figures"]} == {"congress"}
    options = json.loads(run("options", "--line", "2", "--histology", "uterine", "--format", "json").stdout)
    ev = next(e for c in options["excluded"] if c["id"] == "olaparib-temozolomide" for e in c.get("evidence", [])) \
        if any("evidence" in c for c in options["excluded"]) else None
    if ev is not None:
        assert ev["congress"]
    tsv = run("trial", "a092104", "--format", "tsv").stdout
    assert "\tcongress\t" in tsv


def test_pdq_levels_are_shown_beside_the_study_they_grade(run, kb):
    card = run("trial", "lms-04", "--format", "table", "--no-pager").stdout
    assert "NCI PDQ level of evidence A1 (overall survival), A1 (progression-free survival)" in card
    assert "not a recommendation" in card
    data = json.loads(run("trial", "lms-04", "--format", "json").stdout)
    assert [(g["system"], g["level"], g["source"]) for g in data["grades"]] == [("NCI PDQ", "A1", "pdq-sts-2025")] * 2
    assert all(set(g) == {"system", "level", "endpoint", "statement", "source"} for g in data["grades"])
    # the options answer carries the level with the study, as data and in words
    options = json.loads(run("options", "--line", "1", "--format", "json").stdout)
    lms04 = [e for c in options["candidates"] for e in c["evidence"] if e["id"] == "lms-04"]
    assert lms04 and all(e["grades"][0]["level"] == "A1" for e in lms04)
    long = run("options", "--line", "1", "--long", "--format", "markdown").stdout
    assert "(phase III randomised, N=150) \\[newer than the source\\] - NCI PDQ level of evidence A1 (overall survival), " \
           "A1 (progression-free survival)" in long


def test_levels_only_where_pdq_printed_one(kb):
    graded = {e.id: sorted(g.level for g in e.grades) for e in kb.evidence.values() if e.grades}
    assert graded == {
        "judson-2014-eortc-62012": ["A1"], "lms-04": ["A1", "A1"], "sarc002": ["B3"],
        "pdq-sequential-single-agents": ["C3"], "pdq-uterine-adjuvant-doxorubicin": ["A1"],
        "pdq-adjuvant-ipd-meta-analysis": ["B1"], "pdq-adjuvant-trial-meta-analysis": ["A1"],
        "pdq-eortc-pooled-adjuvant": ["A1"],
    }
    for e in kb.evidence.values():
        for g in e.grades:
            assert g.system == "NCI PDQ" and kb.references[g.source].id.startswith("pdq-")
    # trabectedin, eribulin, pazopanib, GeDDiS: PDQ printed no level, so none is shown
    for eid in ("trabectedin-vs-dacarbazine", "eribulin-vs-dacarbazine", "palette", "seddon-2017-geddis", "isg-sts-1001"):
        assert not kb.evidence[eid].grades


def test_trials_filter_by_grade(run):
    ids = run("trials", "--grade", "a1").stdout.split()
    assert ids == ["judson-2014-eortc-62012", "lms-04", "pdq-adjuvant-trial-meta-analysis", "pdq-eortc-pooled-adjuvant",
                   "pdq-uterine-adjuvant-doxorubicin"]
    assert run("trials", "--grade", "B3").stdout.split() == ["sarc002"]
    assert run("trials", "--grade", "A2").stdout == ""
    bad = run("trials", "--grade", "Z9")
    assert bad.exit_code == 2 and "A1" in bad.stderr


def test_kb_info_by_origin_and_year(run, kb):
    data = json.loads(run("kb", "info", "--format", "json").stdout)
    newer = sorted(e.id for e in kb.evidence.values() if e.newer_than_source)
    assert sorted(data["evidence_by_origin"]["newer than the source"]) == newer
    years = data["evidence_by_year"]
    assert set(years["2025"]) >= {"a092104", "larotrectinib-pooled"} and years["2023"] == ["nci-10250"]
    assert sorted(i for ids in years.values() for i in ids) == sorted(kb.evidence)
    assert list(years)[-1] == "year not on record" or all(y.isdigit() for y in years)


def test_readme_names_every_record_newer_than_the_source(kb):
    for ev in kb.evidence.values():
        if ev.newer_than_source:
            assert f"`{ev.id}`" in README, ev.id


def test_the_schedule_of_repotrectinib_round_trips(run, tmp_path):
    out = tmp_path / "c.yaml"
    assert run("regimen", "repotrectinib", "--bsa", "1.8", "-o", str(out)).exit_code == 0
    assert run("order", str(out)).exit_code == 0


def test_a_twice_daily_step_is_said_everywhere(run, tmp_path):
    """Repotrectinib: 160 mg once daily for 14 days, then twice daily: the second step shows in the one-line schedule
    (options, compare, report) and the card names every phase."""
    compare = run("compare", "repotrectinib", "entrectinib", "--format", "tsv").stdout
    assert "160 mg every day, twice a day" in compare and "160 mg days 1-14" in compare
    card = run("regimen", "repotrectinib", "--format", "table", "--no-pager").stdout
    assert "Phases (--cycle N): 1 first 14 days (from cycle 1) - shown; 2 from day 15 (from cycle 2)" in card
    out = tmp_path / "c2.yaml"
    assert run("regimen", "repotrectinib", "--cycle", "2", "--days", "7", "--bsa", "1.8", "-o", str(out)).exit_code == 0
    sheet = run("order", str(out), "--format", "tsv").stdout
    assert "days differ" not in sheet and "continuous daily dosing, as on record" in sheet


def test_what_no_record_says_is_not_said(kb, run):
    members = {m.drug for m in kb.classes["ntrk-inhibitor"].members}
    assert members == {"entrectinib"}  # no checked record names the class of larotrectinib or repotrectinib
    assert kb.evidence["a092104"].favoured_arm is None  # neither difference was significant: no arm is favoured
    data = json.loads(run("trial", "larotrectinib-pooled", "--format", "json").stdout)
    assert {f["origin"] for f in data["figures"]} == {"regulatory"}  # an approval record, not a journal paper


def test_an_order_is_checked_against_the_phase_of_its_cycle(run, tmp_path):
    """A doubled lead-in (160 mg twice daily in the first 14 days) is not made acceptable by the later phase's dose."""
    lead = {"id": "lead-in doubled", "patient": {"bsa_m2": 1.8}, "regimen": "repotrectinib", "variant": "label",
            "cycle": 1, "cycle_days": 14, "lines": [{"drug": "repotrectinib", "dose": "160 mg", "times": 2,
                                                       "days": list(range(1, 8))}]}
    path = tmp_path / "lead.json"
    path.write_text(json.dumps(lead), encoding="utf-8")
    assert run("order", str(path)).exit_code == 3
    for days in ("14", "28"):  # the later phase, as lmsrx writes it, passes
        out = tmp_path / f"c{days}.yaml"
        assert run("regimen", "repotrectinib", "--cycle", "2", "--days", days, "--bsa", "1.8", "-o", str(out)).exit_code == 0
        assert run("order", str(out)).exit_code == 0
    del lead["cycle"]  # no cycle: every phase counts, and the sheet says so
    path.write_text(json.dumps({**lead, "lines": [{**lead["lines"][0], "times": 1}]}), encoding="utf-8")
    sheet = run("order", str(path), "--format", "tsv").stdout
    assert "regimen phase" in sheet and "cycle not given" in sheet


def test_levels_read_as_text_in_csv_and_tsv(run):
    tsv = run("trials", "--grade", "B3", "--format", "tsv").stdout.splitlines()
    assert tsv[1].endswith("\tNCI PDQ level of evidence B3")
    csv_text = run("trial", "lms-04", "--format", "csv").stdout
    assert "NCI PDQ level of evidence A1 (overall survival)" in csv_text and "{" not in csv_text


def test_the_report_says_each_label_once(run):
    md = run("report", "--line", "2", "--histology", "uterine", "--prior", "doxorubicin", "--format", "markdown").stdout
    assert "\\[newer than the source\\] \\[newer than the source\\]" not in md
    assert "level of evidence C3 \\[background" not in md and "level of evidence C3 \\[newer" not in md


def test_a_knowledge_file_cannot_put_a_day_past_its_cycle_or_a_year_out_of_range(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("""references:
  x-ref: {kind: article, verified: partial, title: t, year: 99999}
drugs:
  our-drug:
    name: Our drug
    lms_status: unrecorded
    summary: s
    cite: [x-ref]
    doses:
      - {context: c, schedule: s, status: trial, cite: [x-ref], amount: 100 mg/m2, days: [1, 35], cycle_days: 28}
""", encoding="utf-8")
    r = run("kb", "check", str(bad))
    assert r.exit_code == 4
    assert "bad.yaml:2:" in r.stderr and "year 99999" in r.stderr
    assert "day 35 is past the end of the 28-day cycle" in r.stderr
