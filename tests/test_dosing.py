"""Units, BSA and dose checks on the pure core."""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmsrx import dosing
from lmsrx.errors import UsageError
from lmsrx.units import Quantity, UnitError, fmt, parse_quantity


@pytest.mark.parametrize("text, value, unit", [
    ("14 g/m2", 14, "g/m2"), ("900mg/m2", 900, "mg/m2"), ("25 g", 25, "g"), ("1620 mg", 1620, "mg"),
    ("15 mg/kg", 15, "mg/kg"), ("0.9 mg/m2", 0.9, "mg/m2"), ("500 mcg", 500, "mcg"), (" .5 mg ", 0.5, "mg"),
])
def test_parse_quantity(text, value, unit):
    assert parse_quantity(text) == Quantity(value, unit)


@pytest.mark.parametrize("text, words", [
    ("14", "cannot read"), ("g/m2", "cannot read"), ("14 gm/m2", "did you mean g/m2"), ("5 µg", "did you mean mcg"),
    ("1e3 mg", "cannot read"), ("nan mg", "cannot read"), ("inf mg", "cannot read"), ("-5 mg", "cannot read"),
    ("0 mg", "above 0"), ("1,000 mg", "cannot read"), ("14 G/M2", "unknown unit"), ("2000000 mg", "at most"),
    ("5 mg/m2/day", "unknown unit"),
])
def test_parse_quantity_errors(text, words):
    with pytest.raises(UnitError) as info:
        parse_quantity(text, ("mcg", "mg", "g", "mcg/m2", "mg/m2", "g/m2", "mg/kg"))
    assert words in str(info.value)


@pytest.mark.parametrize("value, text", [(12.0, "12"), (13.888888, "13.89"), (0.9, "0.9"), (0.5, "0.5"), (1620.0, "1620"),
                                         (0.25, "0.25"), (1.0, "1")])
def test_safe_number_printing(value, text):
    assert fmt(value) == text
    assert str(Quantity(value, "mg")) == f"{text} mg"


def test_bsa_formulas():
    m = dosing.body_surface_area(None, 170, 70, None)
    assert (m.value, m.formula) == (round(math.sqrt(170 * 70 / 3600), 2), "mosteller") == (1.82, "mosteller")
    d = dosing.body_surface_area(None, 170, 70, "dubois")
    assert d.value == round(0.007184 * 170 ** 0.725 * 70 ** 0.425, 2)
    assert dosing.body_surface_area(1.834, None, None, None).value == 1.83
    assert dosing.body_surface_area(None, None, 70, None) is None  # weight alone: no BSA, still used for mg/kg


@pytest.mark.parametrize("args, words", [
    ((float("nan"), None, None, None), "--bsa"), ((float("inf"), None, None, None), "--bsa"), ((0, None, None, None), "--bsa"),
    ((-1.8, None, None, None), "--bsa"), ((None, 170, None, None), "both --height and --weight"),
    ((None, 0, 70, None), "--height"), ((None, 170, -70, None), "--weight"), ((1.8, 170, 70, None), "not both"),
    ((None, 170, 70, "boyd"), "mosteller, dubois"), ((None, None, 70, "dubois"), "--formula needs"),
])
def test_bsa_input_errors(args, words):
    with pytest.raises(UsageError) as info:
        dosing.body_surface_area(*args)
    assert words in info.value.message


def run_check(kb, drug, planned, bsa=2.0, weight=None, over=None, cumulative=None):
    body = dosing.body_surface_area(bsa, None, None, None) if bsa else None
    return dosing.check(kb.find_drug(drug), body, weight, planned, over, cumulative)


# ifosfamide: soft 10 g/m2, hard 12 g/m2 per cycle; BSA 2.0 -> hard 24 g absolute
@pytest.mark.parametrize("planned, verdict", [
    ("12 g/m2", "warning"), ("12000 mg/m2", "warning"), ("24 g", "warning"), ("24000 mg", "warning"),
    ("12.01 g/m2", "exceeds"), ("12010 mg/m2", "exceeds"), ("24.02 g", "exceeds"), ("24020 mg", "exceeds"),
    ("11.99 g/m2", "warning"), ("23.98 g", "warning"),
    ("10 g/m2", "ok"), ("20 g", "ok"), ("9 g/m2", "ok"), ("10.01 g/m2", "warning"),
    ("14 g/m2", "exceeds"),
])
def test_ifosfamide_limits_in_every_unit_form(kb, planned, verdict):
    assert run_check(kb, "ifosfamide", planned).verdict == verdict


def test_issue_examples(kb):
    assert run_check(kb, "ifosfamide", "14 g/m2", bsa=1.8).verdict == "exceeds"
    r = run_check(kb, "ifosfamide", "25 g", bsa=1.8)
    assert r.verdict == "exceeds" and str(r.shown()["per_m2"]) == "13.89 g/m2"
    assert run_check(kb, "ifosfamide", "9 g/m2", bsa=1.8).verdict == "ok"


def test_likely_unit_slips_are_caught(kb):
    r = run_check(kb, "ifosfamide", "9 mg/m2")  # meant g/m2
    assert r.verdict == "warning" and any("check the unit" in c.basis for c in r.checks)
    r = run_check(kb, "pazopanib", "800 g", bsa=None)  # meant mg
    assert r.verdict == "exceeds" and any(c.rule == "plausibility" and c.result == "exceeds" for c in r.checks)
    r = run_check(kb, "gemcitabine", "900 g/m2")
    assert r.verdict == "exceeds"


def test_cumulative_anthracycline(kb):
    # doxorubicin: soft 300, hard 550 (and 400 only after cardiotoxic therapy or heart radiation), mg/m2
    at = run_check(kb, "doxorubicin", "75 mg/m2", cumulative="475 mg/m2")
    assert at.verdict == "warning" and at.cumulative["total_mg_per_m2"] == 550
    assert {c.rule: c.result for c in at.checks}["hard limit (cumulative)"] == "ok"
    above = run_check(kb, "doxorubicin", "75 mg/m2", cumulative="476 mg/m2")
    assert above.verdict == "exceeds"
    in_mg = run_check(kb, "doxorubicin", "150 mg", cumulative="952 mg")  # BSA 2: 75 + 476 mg/m2
    assert in_mg.verdict == "exceeds"
    below = run_check(kb, "doxorubicin", "75 mg/m2", cumulative="200 mg/m2")
    assert below.verdict == "ok"
    conditional = run_check(kb, "doxorubicin", "75 mg/m2", cumulative="350 mg/m2")
    c400 = next(c for c in conditional.checks if "heart" in c.rule)
    assert c400.result == "warning" and conditional.verdict == "warning"
    epi = run_check(kb, "epirubicin", "120 mg/m2", cumulative="800 mg/m2")
    assert epi.verdict == "exceeds"


def test_cumulative_without_prior_checks_this_dose_only(kb):
    r = run_check(kb, "doxorubicin", "75 mg/m2")
    assert r.cumulative["prior_given"] is False
    assert all("prior exposure not given" in c.value for c in r.checks if "cumulative" in c.rule)


def test_gemcitabine_rate(kb):
    r = run_check(kb, "gemcitabine", "900 mg/m2", over=90)
    assert r.rate["mg_per_m2_per_min"] == 10 and r.rate["fixed_dose_rate"]["matches"] is True
    label = next(c for c in r.checks if c.rule.startswith("soft limit (duration)"))
    assert label.result == "warning" and "60 minutes" in label.basis
    fast = run_check(kb, "gemcitabine", "1000 mg/m2", over=30)
    assert round(fast.rate["mg_per_m2_per_min"], 2) == 33.33 and fast.rate["fixed_dose_rate"]["matches"] is False
    assert fast.verdict == "ok"
    assert run_check(kb, "gemcitabine", "900 mg/m2", over=60).verdict == "ok"  # exactly at 60 min
    assert run_check(kb, "gemcitabine", "900 mg/m2", over=61).verdict == "warning"


def test_per_kg_and_flat_doses(kb):
    r = dosing.check(kb.find_drug("olaratumab"), None, 70, "15 mg/kg")
    assert str(r.shown()["absolute"]) == "1050 mg"
    assert any(c.rule == "status" and c.result == "warning" for c in r.checks)  # withdrawn is never silent
    with pytest.raises(UsageError):
        dosing.check(kb.find_drug("olaratumab"), None, None, "15 mg/kg")
    assert run_check(kb, "pazopanib", "800 mg", bsa=None).verdict == "ok"
    assert run_check(kb, "pazopanib", "1000 mg", bsa=None).verdict == "warning"


def test_planned_without_bsa_for_per_m2_is_noted(kb):
    r = run_check(kb, "trabectedin", "1.5 mg/m2", bsa=None)
    assert any("no BSA given" in n for n in r.notes) and r.verdict == "ok"


def test_over_without_planned_is_usage(kb):
    with pytest.raises(UsageError):
        run_check(kb, "gemcitabine", None, over=90)


DOSE_TEXT = st.one_of(st.text(max_size=15),
                      st.builds(lambda v, u: f"{v} {u}", st.floats(allow_nan=True, allow_infinity=True),
                                st.sampled_from(["mg", "g", "mcg", "mg/m2", "g/m2", "mg/kg", "kg", "ml"])))


@settings(max_examples=300, deadline=None)
@given(drug=st.sampled_from(["ifosfamide", "doxorubicin", "gemcitabine", "pazopanib", "trabectedin", "olaratumab", "nivolumab"]),
       planned=DOSE_TEXT, bsa=st.one_of(st.none(), st.floats()), weight=st.one_of(st.none(), st.floats()),
       over=st.one_of(st.none(), st.floats()), cumulative=st.one_of(st.none(), DOSE_TEXT))
def test_no_dose_input_crashes(kb, drug, planned, bsa, weight, over, cumulative):
    try:
        body = dosing.body_surface_area(bsa, None, None, None)
        r = dosing.check(kb.find_drug(drug), body, weight, planned, over, cumulative)
    except UsageError:
        return
    assert r.verdict in ("ok", "warning", "exceeds")


def _flags(r):
    # every flag except "far below every dose on record", which a higher dose rightly clears
    return {c.rule for c in r.checks if c.result in ("warning", "exceeds") and not c.basis.startswith("less than")}


@settings(max_examples=300, deadline=None)
@given(drug=st.sampled_from(["ifosfamide", "doxorubicin", "epirubicin", "gemcitabine", "pazopanib", "trabectedin", "eribulin"]),
       unit=st.sampled_from(["mg/m2", "mg", "g/m2", "g"]), a=st.floats(0.01, 50000), b=st.floats(0.01, 50000),
       cumulative=st.sampled_from([None, "100 mg/m2", "500 mg/m2"]))
def test_raising_a_dose_never_removes_a_flag(kb, drug, unit, a, b, cumulative):
    lo, hi = sorted((a, b))
    try:
        r_lo = run_check(kb, drug, f"{lo:.2f} {unit}", bsa=1.8, cumulative=cumulative)
        r_hi = run_check(kb, drug, f"{hi:.2f} {unit}", bsa=1.8, cumulative=cumulative)
    except UsageError:
        return
    assert _flags(r_lo) <= _flags(r_hi)
    order = {"ok": 0, "warning": 1, "exceeds": 2}
    assert order[r_hi.verdict] >= order[r_lo.verdict] or any(c.basis.startswith("less than") for c in r_lo.checks)
