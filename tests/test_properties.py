"""Hypothesis: for any valid patient no crash, valid JSON, and the invariants hold; no input crashes the CLI."""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsrx.clinical import eligibility
from lmsrx.clinical.patient import BIOMARKERS, CONDITIONS, GRADES, MARGINS, SETTINGS, SITES, from_mapping
from lmsrx.errors import UsageError
from lmsrx.output import options as option_views

DRUG_NAMES = ["doxorubicin", "adriamycin", "gemcitabine", "trabectedin", "yondelis", "pld", "ifosfamide",
              "anthracycline", "pazopanib", "eribulin", "none", "dacarbazine", "olaratumab"]

patients = st.fixed_dictionaries({}, optional={
    "id": st.text(max_size=8),
    "setting": st.sampled_from(SETTINGS),
    "line": st.integers(1, 10),
    "histology": st.sampled_from(SITES),
    "grade": st.sampled_from(GRADES),
    "size_cm": st.floats(0.1, 100),
    "margin": st.sampled_from(MARGINS),
    "biomarkers": st.lists(st.sampled_from(BIOMARKERS), max_size=4, unique=True),
    "prior": st.lists(st.sampled_from(DRUG_NAMES), max_size=3, unique=True),
    "conditions": st.lists(st.sampled_from(CONDITIONS), max_size=3, unique=True),
    "anthracycline_ineligible": st.booleans(),
    "exclude": st.lists(st.sampled_from(DRUG_NAMES[:-3] + ["dacarbazine"]), max_size=2, unique=True).map(
        lambda xs: [x for x in xs if x not in ("anthracycline", "none")]),
})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(desc=patients)
def test_any_valid_patient(kb, desc):
    try:
        p = from_mapping(desc, kb)
    except UsageError:
        return  # contradictions are usage errors, by design
    answer = eligibility.assess(kb, p)
    data = json.loads(json.dumps(option_views.options_data(kb, answer, explain=True), allow_nan=False))
    assert len(data["candidates"]) + len(data["excluded"]) == len(kb.regimens)
    for c in data["candidates"]:
        drugs = [kb.drugs[d] for d in c["drugs"]]
        assert all(d.lms_status != "withdrawn" for d in drugs), c["id"]  # withdrawn never a candidate
        assert kb.regimens[c["id"]].recommendation not in ("withdrawn", "not-recommended")
        assert c["evidence"] and all(e["citation"] for e in c["evidence"])  # at least one citation
        assert (c["status"] == "conditional") == bool(c["needs"])
        if kb.regimens[c["id"]].family == "hormonal":
            assert p.histology in (None, "uterine")  # hormonal therapy never outside the uterus
        assert not set(c["drugs"]) & p.exclude
        if c["id"] == "pembrolizumab":
            assert not {"mss", "pmmr"} <= p.biomarkers
    for e in data["excluded"]:
        assert e["reasons"]


OPTION_VALUES = st.one_of(st.text(max_size=12), st.sampled_from(["nan", "inf", "-1", "0", "1e309", "2", "uterine", "er-positive"]))
FLAGS = ["--setting", "--line", "--histology", "--grade", "--size", "--margin", "--biomarker", "--prior",
         "--condition", "--exclude", "--format", "--color"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=st.lists(st.tuples(st.sampled_from(FLAGS), OPTION_VALUES), max_size=4))
def test_cli_never_crashes(run, args):
    flat = [x for pair in args for x in pair]
    r = run("options", *flat)
    assert r.exit_code in (0, 1, 2), (flat, r.exit_code, r.stderr)
    assert "Traceback" not in r.stderr


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_batch_line_never_crashes(run, text):
    r = run("options", "--batch", "-", input=text.replace("\r", "") + "\n")
    assert r.exit_code in (0, 1, 2)
    for line in r.stdout.splitlines():
        json.loads(line)
