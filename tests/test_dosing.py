"""Units, BSA and dose checks on the pure core."""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmsrx.dosing import body as body_mod
from lmsrx.dosing import checks
from lmsrx.dosing import dose as dose_mod
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
                                         (0.25, "0.25"), (1.0, "1"), (0.0001, "0.0001"), (0.00012345, "0.00012"),
                                         (1e-8, "0.00000001"), (1e-13, "1e-13"), (0.0, "0")])
def test_safe_number_printing(value, text):
    assert fmt(value) == text
    assert str(Quantity(value, "mg")) == f"{text} mg"


def test_bsa_formulas():
    m = body_mod.body_surface_area(None, 170, 70, None)
    assert (m.value, m.formula) == (round(math.sqrt(170 * 70 / 3600), 2), "mosteller") == (1.82, "mosteller")
    d = body_mod.body_surface_area(None, 170, 70, "dubois")
    assert d.value == round(0.007184 * 170 ** 0.725 * 70 ** 0.425, 2)
    assert body_mod.body_surface_area(1.834, None, None, None).value == 1.83
    assert body_mod.body_surface_area(None, None, 70, None) is None  # weight alone: no BSA, still used for mg/kg


@pytest.mark.parametrize("args, words", [
    ((float("nan"), None, None, None), "--bsa"), ((float("inf"), None, None, None), "--bsa"), ((0, None, None, None), "--bsa"),
    ((-1.8, None, None, None), "--bsa"), ((None, 170, None, None), "both --height and --weight"),
    ((None, 0, 70, None), "--height"), ((None, 170, -70, None), "--weight"), ((1.8, 170, 70, None), "not both"),
    ((None, 170, 70, "boyd"), "mosteller, dubois"), ((None, None, 70, "dubois"), "--formula needs"),
])
def test_bsa_input_errors(args, words):
    with pytest.raises(UsageError) as info:
        body_mod.body_surface_area(*args)
    assert words in info.value.message


def run_check(kb, drug, planned, bsa=2.0, weight=None, over=None, cumulative=None, per="administration",
              route=None, hepatic=None, cardiac=None):
    body = body_mod.make_body(bsa, None, weight, None, hepatic, cardiac)
    items = [cumulative] if isinstance(cumulative, str) else cumulative
    return dose_mod.check(kb.find_drug(drug), body, planned, per, over, route, items, kb)


# ifosfamide per cycle: doses on record 6-10 g/m2; soft limit 10, hard limit 12 g/m2 (the written limit
# governs the upper side, so 11-12 g/m2 warns rather than exceeding by the 10% rule). BSA 2.0 -> 24 g.
@pytest.mark.parametrize("planned, verdict", [
    ("12 g/m2", "warning"), ("12000 mg/m2", "warning"), ("24 g", "warning"), ("24000 mg", "warning"),
    ("12.01 g/m2", "exceeds"), ("12010 mg/m2", "exceeds"), ("24.02 g", "exceeds"), ("24020 mg", "exceeds"),
    ("11.99 g/m2", "warning"), ("23.98 g", "warning"),
    ("10 g/m2", "ok"), ("20 g", "ok"), ("9 g/m2", "ok"), ("10.01 g/m2", "warning"),
    ("14 g/m2", "exceeds"), ("5.4 g/m2", "ok"), ("5.39 g/m2", "warning"),
])
def test_ifosfamide_per_cycle_in_every_unit_form(kb, planned, verdict):
    assert run_check(kb, "ifosfamide", planned, per="cycle").verdict == verdict


def test_issue_examples(kb):
    assert run_check(kb, "ifosfamide", "14 g/m2", bsa=1.8).verdict == "exceeds"
    r = run_check(kb, "ifosfamide", "25 g", bsa=1.8, per="cycle")
    assert r.verdict == "exceeds" and str(r.shown()["per_m2"]) == "13.89 g/m2"
    assert run_check(kb, "ifosfamide", "9 g/m2", bsa=1.8, per="cycle").verdict == "ok"
    for drug, planned in [("docetaxel", "200 mg/m2"), ("pegylated-liposomal-doxorubicin", "100 mg/m2"),
                          ("dacarbazine", "2400 mg/m2"), ("doxorubicin", "225 mg/m2"), ("olaratumab", "1000 mg")]:
        assert run_check(kb, drug, planned, bsa=1.8, cumulative="0").verdict == "exceeds", drug
    assert run_check(kb, "epirubicin", "300 mg/m2", bsa=1.8, per="cycle", cumulative="0").verdict == "exceeds"
    assert run_check(kb, "gemcitabine", "900 mg/m2", bsa=1.8, over=1).verdict == "exceeds"


def test_ten_percent_rounding_tolerance(kb):
    # doxorubicin doses on record per administration: 25-75 mg/m2
    ok = run_check(kb, "doxorubicin", "82.5 mg/m2", cumulative="0")
    assert ok.verdict == "ok" and any("rounding tolerance" in c.basis for c in ok.checks)
    assert run_check(kb, "doxorubicin", "82.6 mg/m2", cumulative="0").verdict == "exceeds"
    low = run_check(kb, "doxorubicin", "22 mg/m2", cumulative="0")
    assert low.verdict == "warning" and any("a reduction? say why" in c.basis for c in low.checks)
    assert run_check(kb, "doxorubicin", "22.5 mg/m2", cumulative="0").verdict == "ok"
    within = run_check(kb, "doxorubicin", "75 mg/m2", cumulative="0")
    text = next(c.basis for c in within.checks if c.rule.startswith("doses on record"))
    assert text.startswith("within the doses on record (25-75 mg/m2 per administration")


def test_like_is_compared_with_like(kb):
    r = run_check(kb, "ifosfamide", "9 g/m2")  # a cycle total entered as one administration
    assert r.verdict == "exceeds" and any("check it per cycle" in c.basis for c in r.checks)
    r = run_check(kb, "ifosfamide", "3 g/m2", per="cycle")  # a day's dose entered as the cycle total
    assert r.verdict == "warning" and any("per administration on record" in c.basis for c in r.checks)
    assert run_check(kb, "ifosfamide", "9 g/m2", per="day").verdict == "exceeds"
    assert run_check(kb, "gemcitabine", "1800 mg/m2", per="cycle").verdict == "ok"  # 900 on days 1 and 8
    assert run_check(kb, "pazopanib", "800 mg", bsa=None, per="cycle").verdict == "warning"  # continuous: no cycle total
    nv = next(c for c in run_check(kb, "pazopanib", "800 mg", bsa=None, per="cycle").checks if c.rule.startswith("doses"))
    assert "not verified" in nv.basis


def test_likely_unit_slips_are_caught(kb):
    r = run_check(kb, "ifosfamide", "9 mg/m2", per="cycle")  # meant g/m2
    assert r.verdict == "warning" and any("check the unit" in c.basis for c in r.checks)
    assert run_check(kb, "pazopanib", "800 g", bsa=None).verdict == "exceeds"
    assert run_check(kb, "gemcitabine", "900 g/m2").verdict == "exceeds"
    assert run_check(kb, "eribulin", "1.4 mg", bsa=1.8).verdict == "warning"  # 0.78 mg/m2: below the record
    assert run_check(kb, "eribulin", "1.4 g/m2").verdict == "exceeds"


def test_nothing_to_compare_is_not_verified_never_ok(kb):
    r = run_check(kb, "trabectedin", "1.5 mg/m2", bsa=None)
    assert r.verdict == "ok" and any("no BSA given" in n for n in r.notes)  # per m2 against per m2 needs no BSA
    r = run_check(kb, "trabectedin", "2.7 mg", bsa=None)
    assert r.verdict == "warning" and any("not verified" in c.basis for c in r.checks)
    r = run_check(kb, "nivolumab", "240 mg", bsa=None)
    assert r.verdict == "warning" and any("not verified" in c.basis for c in r.checks)
    r = run_check(kb, "mesna", "240 mg/m2")
    assert r.verdict == "warning" and any("lmsrx order" in c.basis for c in r.checks)


def test_withdrawn_exceeds_and_not_recommended_warns(kb):
    r = run_check(kb, "olaratumab", "15 mg/kg", bsa=None, weight=70)
    assert str(r.shown()["absolute"]) == "1050 mg"
    assert r.verdict == "exceeds" and any(c.rule == "status" and c.result == "exceeds" for c in r.checks)
    with pytest.raises(UsageError):
        run_check(kb, "olaratumab", "15 mg/kg", bsa=None)
    assert any(c.rule == "status" and c.result == "warning" for c in run_check(kb, "nivolumab", "240 mg", bsa=None).checks)


def test_route(kb):
    assert run_check(kb, "pazopanib", "800 mg", bsa=None, route="iv").verdict == "exceeds"
    assert run_check(kb, "doxorubicin", "75 mg/m2", route="oral", cumulative="0").verdict == "exceeds"
    assert run_check(kb, "pazopanib", "800 mg", bsa=None, route="oral").verdict == "ok"
    with pytest.raises(UsageError):
        run_check(kb, "pazopanib", "800 mg", bsa=None, route="intrathecal")


def test_hepatic_context(kb):
    assert run_check(kb, "trabectedin", "1.5 mg/m2", hepatic="moderate").verdict == "exceeds"
    assert run_check(kb, "trabectedin", "0.9 mg/m2", hepatic="moderate").verdict == "ok"
    assert run_check(kb, "pazopanib", "800 mg", bsa=None, hepatic="moderate").verdict == "exceeds"
    assert run_check(kb, "pazopanib", "200 mg", bsa=None, hepatic="moderate").verdict == "ok"
    unknown = run_check(kb, "trabectedin", "1.5 mg/m2")
    assert unknown.verdict == "ok" and any(c.result == "note" and "hepatic function not given" in c.basis for c in unknown.checks)
    # severe impairment: the label says do not give, whatever the dose (rule trabectedin-hepatic-severe)
    for dose in ("1.5 mg/m2", "0.9 mg/m2", "0.3 mg/m2"):
        severe = run_check(kb, "trabectedin", dose, hepatic="severe")
        assert severe.verdict == "exceeds" and any(c.rule == "hepatic rule trabectedin-hepatic-severe" and c.result == "exceeds"
                                                   for c in severe.checks)
    assert run_check(kb, "trabectedin", "1.5 mg/m2", hepatic="normal").verdict == "ok"
    # no dose on record for severe pazopanib: the moderate dose is the ceiling (a worse impairment is at least as strict)
    pazopanib = run_check(kb, "pazopanib", "800 mg", bsa=None, hepatic="severe")
    assert pazopanib.verdict == "exceeds" and any("at least as impaired" in c.basis for c in pazopanib.checks)


def test_cumulative_anthracycline(kb):
    # doxorubicin: soft 300, hard 550 (400 after cardiotoxic therapy or heart radiation), counting doxorubicin + PLD
    at = run_check(kb, "doxorubicin", "75 mg/m2", cumulative="475 mg/m2")
    assert at.verdict == "warning"
    assert {c.rule: c.result for c in at.checks}["hard cumulative limit (Doxorubicin)"] == "ok"
    assert run_check(kb, "doxorubicin", "75 mg/m2", cumulative="476 mg/m2").verdict == "exceeds"
    assert run_check(kb, "doxorubicin", "150 mg", cumulative="952 mg").verdict == "exceeds"  # BSA 2: 75 + 476 mg/m2
    assert run_check(kb, "doxorubicin", "75 mg/m2", cumulative="doxorubicin=200 mg/m2").verdict == "ok"
    radiation = run_check(kb, "doxorubicin", "75 mg/m2", cumulative="350 mg/m2", cardiac=True)
    assert radiation.verdict == "exceeds"
    unknown = run_check(kb, "doxorubicin", "75 mg/m2", cumulative="350 mg/m2")
    c400 = next(c for c in unknown.checks if "heart" in c.rule)
    assert c400.result == "warning" and unknown.verdict == "warning"
    assert run_check(kb, "doxorubicin", "75 mg/m2", cumulative="350 mg/m2", cardiac=False).verdict == "warning"  # soft 300
    assert run_check(kb, "epirubicin", "120 mg/m2", per="cycle", cumulative="800 mg/m2").verdict == "exceeds"


def test_pld_is_an_anthracycline_and_counts_with_doxorubicin(kb):
    both = run_check(kb, "pld", "50 mg/m2", cumulative=["doxorubicin=480 mg/m2"])
    assert both.verdict == "warning"  # 530 mg/m2 of anthracycline, in doxorubicin terms: past PLD's 450
    soft = next(c for c in both.checks if c.rule.startswith("soft cumulative limit (Pegylated"))
    assert soft.result == "warning" and "530" in soft.value
    assert not any("(Doxorubicin)" in c.rule for c in both.checks)  # only the planned drug's own limits
    over = run_check(kb, "doxorubicin", "75 mg/m2", cumulative=["pld=500 mg/m2"])
    hard = next(c for c in over.checks if c.rule == "hard cumulative limit (Doxorubicin)")
    assert hard.result == "exceeds" and "mg for mg" in hard.basis  # no ratio for PLD: counted as doxorubicin, mg for mg
    within = run_check(kb, "doxorubicin", "75 mg/m2", cumulative=["pld=100 mg/m2", "doxorubicin=0"])
    assert {c.rule: c.result for c in within.checks}["hard cumulative limit (Doxorubicin)"] == "warning"  # never ok unconverted
    other = run_check(kb, "doxorubicin", "75 mg/m2", cumulative=["epirubicin=300 mg/m2", "doxorubicin=0"])
    assert other.cumulative["agents"]["epirubicin"]["ratio_used"] == 1.0  # the most cautious of 0.8 and 1 on record
    assert {c.rule: c.result for c in other.checks}["hard cumulative limit (Doxorubicin)"] == "ok"


def test_cumulative_not_given_is_not_verified_and_zero_is_naive(kb):
    r = run_check(kb, "doxorubicin", "75 mg/m2")
    assert r.cumulative["prior_given"] is False and r.verdict == "warning"
    assert all("prior exposure not given" in c.value for c in r.checks if "cumulative" in c.rule)
    naive = run_check(kb, "doxorubicin", "75 mg/m2", cumulative="0")
    assert naive.verdict == "ok"
    more = next(c for c in naive.checks if c.rule == "hard cumulative limit (Doxorubicin)")
    assert "6 more administrations of this size fit under it" in more.basis  # 75 + 6 x 75 = 525 <= 550
    with pytest.raises(UsageError):
        run_check(kb, "doxorubicin", "75 mg/m2", cumulative=["doxorubicin=1 mg/m2", "adriamycin=2 mg/m2"])
    with pytest.raises(UsageError):
        run_check(kb, "doxorubicin", "75 mg/m2", cumulative=["unknown-drug=1 mg/m2"])


def test_gemcitabine_rate_and_infusion_time(kb):
    r = run_check(kb, "gemcitabine", "900 mg/m2", over=90)
    assert r.rate["mg_per_m2_per_min"] == 10 and r.rate["fixed_dose_rate"]["matches"] is True
    label = next(c for c in r.checks if c.rule.startswith("soft limit (infusion time)"))
    assert label.result == "warning" and "60 minutes" in label.basis
    fast = run_check(kb, "gemcitabine", "1000 mg/m2", over=30)
    assert round(fast.rate["mg_per_m2_per_min"], 2) == 33.33 and fast.rate["fixed_dose_rate"]["matches"] is False
    assert fast.verdict == "ok"
    assert run_check(kb, "gemcitabine", "900 mg/m2", over=60).verdict == "ok"  # exactly at 60 min
    assert run_check(kb, "gemcitabine", "900 mg/m2", over=61).verdict == "warning"
    assert run_check(kb, "gemcitabine", "900 mg/m2", over=10).verdict == "exceeds"  # 2.7x the fastest on record
    assert run_check(kb, "gemcitabine", "900 mg/m2", over=20).verdict == "warning"  # 1.35x
    assert run_check(kb, "trabectedin", "1.5 mg/m2", over=60).verdict == "exceeds"
    assert run_check(kb, "trabectedin", "1.5 mg/m2", over=1440).verdict == "ok"
    assert run_check(kb, "doxorubicin", "75 mg/m2", over=5, cumulative="0").verdict == "ok"  # a bolus is on record
    with pytest.raises(UsageError):
        run_check(kb, "pazopanib", "800 mg", bsa=None, over=30)


def test_over_without_planned_is_usage(kb):
    with pytest.raises(UsageError):
        run_check(kb, "gemcitabine", None, over=90)


def test_wrong_kind_of_quantity_is_usage(kb):
    for planned in ("90 min", "2 h", "1.8 m2", "10 mg/m2/min"):
        with pytest.raises(UsageError) as info:
            run_check(kb, "gemcitabine", planned)
        assert "not a dose" in info.value.message or "unknown unit" in info.value.message


def test_bsa_from_height_and_weight_is_bounded(kb):
    with pytest.raises(UsageError):
        body_mod.make_body(None, 250, 350, None)  # 4.93 m2
    with pytest.raises(UsageError):
        body_mod.make_body(None, 30, 1, None)  # 0.09 m2


DOSE_TEXT = st.one_of(st.text(max_size=15),
                      st.builds(lambda v, u: f"{v} {u}", st.floats(allow_nan=True, allow_infinity=True),
                                st.sampled_from(["mg", "g", "mcg", "mg/m2", "g/m2", "mg/kg", "kg", "ml", "min"])))


@settings(max_examples=300, deadline=None)
@given(drug=st.sampled_from(["ifosfamide", "doxorubicin", "gemcitabine", "pazopanib", "trabectedin", "olaratumab", "nivolumab", "mesna"]),
       planned=DOSE_TEXT, bsa=st.one_of(st.none(), st.floats()), weight=st.one_of(st.none(), st.floats()),
       over=st.one_of(st.none(), st.floats()), cumulative=st.one_of(st.none(), DOSE_TEXT),
       per=st.sampled_from(["administration", "day", "cycle", "week"]), hepatic=st.sampled_from([None, "moderate", "bad"]))
def test_no_dose_input_crashes(kb, drug, planned, bsa, weight, over, cumulative, per, hepatic):
    try:
        body = body_mod.make_body(bsa, None, weight, None, hepatic)
        r = dose_mod.check(kb.find_drug(drug), body, planned, per, over, None, [cumulative] if cumulative else None, kb)
    except UsageError:
        return
    assert r.verdict in ("ok", "warning", "exceeds")


RANK = {"ok": 0, "warning": 1, "exceeds": 2}


def _upper_verdict(r):
    """The verdict without the 'below every dose on record' warnings, which a higher dose rightly clears."""
    return checks.worst([c for c in r.checks if "below every dose" not in c.basis])


@settings(max_examples=300, deadline=None)
@given(drug=st.sampled_from(["ifosfamide", "doxorubicin", "epirubicin", "gemcitabine", "pazopanib", "trabectedin", "eribulin", "docetaxel"]),
       unit=st.sampled_from(["mg/m2", "mg", "g/m2", "g"]), a=st.floats(0.01, 50000), b=st.floats(0.01, 50000),
       per=st.sampled_from(["administration", "day", "cycle"]),
       cumulative=st.sampled_from([None, "0", "100 mg/m2", "500 mg/m2"]))
def test_raising_a_dose_never_lowers_the_verdict(kb, drug, unit, a, b, per, cumulative):
    lo, hi = sorted((a, b))
    try:
        r_lo = run_check(kb, drug, f"{lo:.2f} {unit}", bsa=1.8, cumulative=cumulative, per=per)
        r_hi = run_check(kb, drug, f"{hi:.2f} {unit}", bsa=1.8, cumulative=cumulative, per=per)
    except UsageError:
        return
    assert RANK[_upper_verdict(r_hi)] >= RANK[_upper_verdict(r_lo)]


@settings(max_examples=300, deadline=None)
@given(drug=st.sampled_from(["ifosfamide", "doxorubicin", "epirubicin", "gemcitabine", "dacarbazine", "trabectedin", "eribulin", "docetaxel"]),
       mg_per_m2=st.floats(0.05, 20000), bsa=st.floats(1.0, 2.6), per=st.sampled_from(["administration", "day", "cycle"]),
       cumulative=st.sampled_from([None, "0", "300 mg/m2"]))
def test_another_unit_form_never_changes_the_verdict(kb, drug, mg_per_m2, bsa, per, cumulative):
    bsa = round(bsa, 2)
    forms = [f"{mg_per_m2:.6f} mg/m2", f"{mg_per_m2 / 1000:.9f} g/m2", f"{mg_per_m2 * bsa:.6f} mg", f"{mg_per_m2 * bsa / 1000:.9f} g"]
    verdicts = set()
    for text in forms:
        try:
            verdicts.add(run_check(kb, drug, text, bsa=bsa, cumulative=cumulative, per=per).verdict)
        except UsageError:
            return
    assert len(verdicts) == 1, (forms, verdicts)


@pytest.mark.parametrize("planned, says", [("160 mcg", "99.9% below"), ("1 mcg", "more than 99.9% below"),
                                           ("16 mg", "90% below"), ("0.8 mg", "99.5% below")])
def test_a_dose_far_below_the_record_is_never_said_to_be_100_percent_below(kb, planned, says):
    checks = run_check(kb, "repotrectinib", planned).checks
    text = next(c.basis for c in checks if c.rule.startswith("doses on record"))
    assert text.startswith(says + " every dose on record (lowest 160 mg)") and "100%" not in text
