"""Issue 8: class rules, trial populations, prior therapy and progression, ordering, status labels,
and typed figures rendered faithfully in every format (with a JSON Schema for the answer)."""
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmsrx.clinical import eligibility, figures, strength
from lmsrx.clinical.patient import from_mapping
from lmsrx.output import options as option_views

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "lmsrx" / "schemas" / "options.schema.json").read_text())


def assess(kb, **desc):
    return eligibility.assess(kb, from_mapping(desc, kb))


def by_id(answer):
    return {a.regimen.id: a for a in [*answer.candidates, *answer.excluded]}


# ------------------------------------------------------------------ class rules reach every member
def anthracycline_regimens(kb):
    members = set(kb.members("anthracycline"))
    assert {"doxorubicin", "epirubicin", "pegylated-liposomal-doxorubicin"} <= members
    return [r for r in kb.regimens.values() if set(r.drugs) & members]


@pytest.mark.parametrize("desc", [{"line": 1}, {"line": 2}, {"line": 2, "prior": ["gemcitabine"]}, {"setting": "adjuvant"},
                                  {"setting": "neoadjuvant", "grade": "high", "size_cm": 8}])
def test_anthracycline_ineligibility_reaches_every_anthracycline(kb, desc):
    found = by_id(assess(kb, **desc, anthracycline_ineligible=True))
    regs = anthracycline_regimens(kb)
    assert any("pegylated-liposomal-doxorubicin" in r.drugs for r in regs)
    for reg in regs:
        a = found[reg.id]
        assert a.status == "excluded" and any("cannot have an anthracycline" in r for r in a.reasons), reg.id


def test_prior_anthracycline_rule_reaches_every_anthracycline(kb):
    found = by_id(assess(kb, line=2, prior=["epirubicin"]))
    for reg in anthracycline_regimens(kb):
        assert found[reg.id].status == "excluded", reg.id
    pld = found["pegylated-liposomal-doxorubicin"]
    assert any("already given: anthracycline" in r for r in pld.reasons)


def test_cardiac_caution_reaches_every_anthracycline_and_shows_both_sides_for_pld(kb):
    found = by_id(assess(kb, line=2, prior=["gemcitabine"], conditions=["cardiac"]))
    for reg in anthracycline_regimens(kb):
        a = found[reg.id]
        if a.status != "excluded":
            assert any("cardio" in c for c in a.cautions), reg.id
    pld = found["pegylated-liposomal-doxorubicin"]
    assert pld.status == "eligible"
    text = " ".join(pld.cautions)
    assert "lacks doxorubicin's cardiotoxicity" in text and "450-550" in text


# ------------------------------------------------------------------ trial populations
@pytest.mark.parametrize("desc, status, words", [
    ({"grade": "low", "size_cm": 2}, "excluded", "high-grade tumours only"),
    ({"grade": "high", "size_cm": 4}, "excluded", "5 cm or more"),
    ({"grade": "intermediate", "size_cm": 8}, "excluded", "high-grade"),
    ({"grade": "high"}, "conditional", "tumour size"),
    ({"size_cm": 6}, "conditional", "tumour grade"),
    ({"grade": "high", "size_cm": 5, "depth": "deep", "histology": "trunk"}, "eligible", ""),
])
def test_neoadjuvant_trial_population(kb, desc, status, words):
    a = by_id(assess(kb, setting="neoadjuvant", **desc))["neoadjuvant-epirubicin-ifosfamide"]
    assert a.status == status
    text = " | ".join(a.reasons + a.needs)
    assert words in text


def test_population_cautions(kb):
    a = by_id(assess(kb, setting="neoadjuvant", grade="high", size_cm=8, depth="superficial"))["neoadjuvant-epirubicin-ifosfamide"]
    assert any(c.startswith("superficial tumour: ISG-STS 1001 enrolled deep tumours only") for c in a.cautions)
    a = by_id(assess(kb, setting="neoadjuvant", grade="high", size_cm=8))["neoadjuvant-epirubicin-ifosfamide"]
    assert any(c.startswith("depth not given") for c in a.cautions)
    old = by_id(assess(kb, setting="adjuvant", grade="high", size_cm=8, age=72))["adjuvant-epirubicin-ifosfamide"]
    assert any(c.startswith("aged 72: the Italian adjuvant trial enrolled patients aged 18 to 65") for c in old.cautions)
    fits = by_id(assess(kb, setting="adjuvant", grade="high", size_cm=8, age=50))["adjuvant-epirubicin-ifosfamide"]
    assert not any("aged" in c for c in fits.cautions)


# ------------------------------------------------------------------ prior therapy and progression
def test_perioperative_prior_counts_and_line_two_needs_a_prior(kb, run):
    assert by_id(assess(kb, line=1, prior=["doxorubicin"]))["trabectedin"].status == "eligible"
    assert by_id(assess(kb, line=1))["trabectedin"].status == "conditional"
    r = run("options", "--line", "2", "--prior", "none")
    assert r.exit_code == 2 and "contradicts prior 'none'" in r.stderr


def test_progression_excludes_a_received_drug_only_cautions(kb):
    progressed = by_id(assess(kb, line=2, progressed_on=["ifosfamide"], prior=["doxorubicin"]))["ifosfamide"]
    assert progressed.status == "excluded" and any("progressed on Ifosfamide" in r for r in progressed.reasons)
    received = by_id(assess(kb, line=2, prior=["doxorubicin", "ifosfamide"]))["ifosfamide"]
    assert received.status == "eligible" and any("already received" in c for c in received.cautions)
    cls = by_id(assess(kb, line=2, progressed_on=["anthracycline"]))
    assert all(cls[r.id].status == "excluded" for r in anthracycline_regimens(kb))


# ------------------------------------------------------------------ order and labels
def test_source_preference_ranks_first_then_lms_strength(kb):
    line1 = assess(kb, line=1)
    assert line1.candidates[0].regimen.id == "doxorubicin" and "first choice" in line1.candidates[0].preferred
    msi = by_id(assess(kb, line=2, biomarkers=["msi-h"]))
    assert msi["pembrolizumab"].strength_label == "other"  # SARC028: no responses in LMS gives no strength
    assert by_id(assess(kb, line=2))["eribulin"].strength_label == "other"  # benefit confined to liposarcoma
    assert by_id(assess(kb, line=2))["trabectedin"].strength_label == "approved on a randomised phase III"


def test_status_labels_only_as_recorded(run):
    data = json.loads(run("options", "--line", "1", "--format", "json").stdout)
    approval = {c["id"]: " ".join(c["approval"]) for c in data["candidates"]}
    assert "no approval on record in this knowledge base" in approval["doxorubicin"]
    assert "off-label" not in approval["gemcitabine-docetaxel"]
    assert "Dacarbazine: off-label in LMS" in approval["doxorubicin-dacarbazine"]


# ------------------------------------------------------------------ typed figures
def fig_texts(kb, evidence_id, regimen_id=None):
    return [figures.text(f) for f in figures.evidence_figures(kb.evidence[evidence_id], regimen_id)]


def test_figure_kinds_render_faithfully(kb):
    assert fig_texts(kb, "anthracycline-first-line")[0] == \
        "response rate (range reported in the literature): 12-24% (the range of reports, not a comparison) [source]"
    assert "7-70% (the range of reports" in fig_texts(kb, "hormone-receptors-ulms")[0]
    gem = fig_texts(kb, "sarc002", "gemcitabine")[0]
    assert gem == "objective response rate: gemcitabine + docetaxel 16% vs gemcitabine (this option) 8% [publication]"
    assert "median overall survival: 1 year with ifosfamide [source]" in fig_texts(kb, "ifosfamide-monotherapy")
    trab = fig_texts(kb, "trabectedin-vs-dacarbazine")
    assert "HR 0.55 (95% CI 0.44-0.70), P < 0.001 [publication]" in trab[1]
    assert "HR 0.35 (95% CI 0.26-0.48), P < 0.001 [source]" in fig_texts(kb, "palette")[0]  # '< .001' gains its zero
    assert "45% and 28% (which arm had which figure is not stated)" in fig_texts(kb, "isg-adjuvant")[0]
    assert any("12.2 (95% CI 10.1-15.6) vs doxorubicin 6.2 (95% CI 4.1-7.1) months" in t for t in fig_texts(kb, "lms-04"))


def test_a_regimen_shows_only_figures_of_trials_that_tested_it(run):
    data = json.loads(run("options", "--setting", "adjuvant", "--grade", "high", "--size", "8", "--histology", "extremity",
                          "--format", "json").stdout)
    dox_ifo = next(c for c in data["candidates"] if c["id"] == "adjuvant-doxorubicin-ifosfamide")
    isg = next(e for e in dox_ifo["evidence"] if e["id"] == "isg-adjuvant")
    assert isg["tested_this_regimen"] is False and isg["endpoints"] == []
    epi = next(c for c in data["candidates"] if c["id"] == "adjuvant-epirubicin-ifosfamide")
    names = [f["name"] for e in epi["evidence"] for f in e["endpoints"]]
    assert "local and distant relapse rate" in names and "overall survival" in names  # 7 years beside 4 years


def test_figures_in_every_format(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "240")
    args = ("options", "--line", "1")
    for fmt in ("table", "markdown"):
        out = run("trial", "anthracycline-first-line", "--format", fmt).stdout
        assert "12-24%" in out and "not a comparison" in out, fmt  # the table wraps cells
        assert "12% vs 24%" not in out and "12 vs 24" not in out
    for fmt in ("tsv", "csv"):
        assert run(*args, "--format", fmt).exit_code == 0
    data = json.loads(run(*args, "--format", "json").stdout)
    dox = next(c for c in data["candidates"] if c["id"] == "doxorubicin")
    rng = next(f for e in dox["evidence"] for f in e["endpoints"] if f["kind"] == "range")
    assert [v["arm"] for v in rng["values"]] == ["low", "high"] and [v["value"] for v in rng["values"]] == [12, 24]
    lms04 = next(e for e in dox["evidence"] if e["id"] == "lms-04")
    assert lms04["newer_than_source"] is True
    pfs = lms04["endpoints"][0]
    assert [(v["arm"], v["own"], v["value"]) for v in pfs["values"]] == [
        ("doxorubicin + trabectedin then trabectedin", False, 12.2), ("doxorubicin", True, 6.2)]
    assert pfs["effect"]["ci_text"] == ["0.29", "0.58"]


@pytest.mark.parametrize("args", [
    ("--line", "1"), ("--line", "2", "--histology", "uterine", "--explain"),
    ("--setting", "adjuvant", "--grade", "high", "--size", "8"), ("--setting", "neoadjuvant"),
    ("--line", "2", "--biomarker", "msi-h", "--prior", "doxorubicin", "--condition", "cardiac"),
])
def test_options_json_matches_the_published_schema(run, args):
    jsonschema.validate(json.loads(run("options", *args, "--format", "json").stdout), SCHEMA)


def test_batch_lines_match_the_schema(run):
    out = run("options", "--batch", "-", input='{"id": "a", "line": 1}\n{"id": "b", "setting": "neoadjuvant"}\n').stdout
    for line in out.splitlines():
        jsonschema.validate(json.loads(line), SCHEMA)


# ------------------------------------------------------------------ invariants
PATIENTS = st.fixed_dictionaries({}, optional={
    "setting": st.sampled_from(["adjuvant", "neoadjuvant", "metastatic"]),
    "line": st.integers(1, 4), "histology": st.sampled_from(["uterine", "extremity", "trunk", "retroperitoneal", "other"]),
    "grade": st.sampled_from(["low", "intermediate", "high"]), "size_cm": st.floats(0.5, 30),
    "depth": st.sampled_from(["deep", "superficial"]), "age": st.integers(10, 95),
    "biomarkers": st.lists(st.sampled_from(["msi-h", "ntrk-fusion", "er-positive", "mss"]), unique=True, max_size=2),
    "prior": st.lists(st.sampled_from(["doxorubicin", "gemcitabine", "anthracycline", "ifosfamide"]), unique=True, max_size=2),
    "progressed_on": st.lists(st.sampled_from(["pld", "trabectedin", "gemcitabine"]), unique=True, max_size=1),
    "anthracycline_ineligible": st.booleans(), "conditions": st.lists(st.sampled_from(["cardiac", "hepatic"]), unique=True),
})


def _valid(kb, desc):
    from lmsrx.errors import UsageError

    if desc.get("setting") in ("adjuvant", "neoadjuvant") and "line" in desc:
        desc.pop("line")
    try:
        return from_mapping(desc, kb)
    except UsageError:
        return None


@settings(max_examples=200, deadline=None)
@given(desc=PATIENTS)
def test_no_candidate_shows_a_figure_of_an_arm_not_its_own(kb, desc):

    p = _valid(kb, desc)
    if p is None:
        return
    data = option_views.options_data(kb, eligibility.assess(kb, p))
    for c in data["candidates"]:
        for e in c["evidence"]:
            if not e["tested_this_regimen"]:
                assert e["endpoints"] == []
            for f in e["endpoints"]:
                for v in f["values"]:
                    assert v["own"] == (c["id"] in v["regimens"])
                    if f["kind"] == "arms":
                        assert v["arm"]  # every number of a comparison names its arm
            if e["endpoints"]:
                arms = [v for f in e["endpoints"] for v in f["values"] if f["kind"] != "range"]
                assert not arms or any(c["id"] in v["regimens"] for v in arms) or all(not v["regimens"] for v in arms)


@settings(max_examples=200, deadline=None)
@given(desc=PATIENTS)
def test_an_anthracycline_is_never_offered_to_an_anthracycline_ineligible_patient(kb, desc):
    p = _valid(kb, {**desc, "anthracycline_ineligible": True})
    if p is None:
        return
    members = set(kb.members("anthracycline"))
    for a in eligibility.assess(kb, p).candidates:
        assert not set(a.regimen.drugs) & members, a.regimen.id


def test_a_losing_arm_gains_no_strength(kb, run):
    line2 = by_id(assess(kb, line=2, prior=["doxorubicin"]))
    # gemcitabine alone: nothing from SARC002 (the weaker arm), phase II from TAXOGEM (no arm favoured)
    assert line2["gemcitabine"].strength_label == "phase II"
    sarc = kb.evidence["sarc002"]
    assert not strength.supports(sarc, kb.regimens["gemcitabine"]) and strength.supports(sarc, kb.regimens["gemcitabine-docetaxel"])
    lms04 = kb.evidence["lms-04"]
    assert not strength.supports(lms04, kb.regimens["doxorubicin"])  # the control arm LMS-04 did not favour
    data = json.loads(run("options", "--line", "2", "--prior", "doxorubicin", "--format", "json").stdout)
    gem = next(c for c in data["candidates"] if c["id"] == "gemcitabine")
    sarc002 = next(e for e in gem["evidence"] if e["id"] == "sarc002")
    assert sarc002["tested_this_regimen"] and not sarc002["counts_as_support"]
    assert sarc002["favoured_arm"] == "gemcitabine + docetaxel"
    assert by_id(assess(kb, setting="adjuvant", grade="high", size_cm=8))["adjuvant-epirubicin-ifosfamide"].strength_label \
        == "randomised, phase not stated"
    assert kb.evidence["olaratumab-phase-2"].lms_result == "refuted"


def test_trabectedin_for_an_anthracycline_ineligible_patient_says_what_the_us_approval_covers(kb):
    a = by_id(assess(kb, line=1, anthracycline_ineligible=True))["trabectedin"]
    assert a.status == "eligible" and any("the US approval does not cover this patient" in c for c in a.cautions)
    after = by_id(assess(kb, line=2, prior=["doxorubicin"], conditions=["cardiac"]))["trabectedin"]
    assert not any("US approval" in c for c in after.cautions) and any("cardiomyopathy" in c for c in after.cautions)


def test_tumour_agnostic_approvals_are_dated(run):
    data = json.loads(run("options", "--line", "2", "--biomarker", "msi-h", "--prior", "doxorubicin", "--format", "json").stdout)
    pembro = next(c for c in data["candidates"] if c["id"] == "pembrolizumab")
    assert "accelerated approval US 2017-05-23" in pembro["approval"][0]
    assert "US 2023 (newer than the source)" in pembro["approval"][0]
