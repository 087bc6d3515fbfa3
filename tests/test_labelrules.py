"""The label-rule engine, on rules built here (the built-in rules are tested in test_label_safety.py)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lmsrx.clinical import facts, labelrules
from lmsrx.clinical.facts import Facts
from lmsrx.dosing import labels as dose_labels
from lmsrx.errors import UsageError
from lmsrx.knowledge.model import Condition, Rule, span_bounds
from lmsrx.vocab import MET, UNKNOWN, UNMET


def rule(*when: Condition, action: str = "do-not-give", topic: str = "hepatic", **extra) -> Rule:
    return Rule(id="r", applies_to=("x",), topic=topic, action=action, text="t", cite=("c",), when=when, **extra)


@pytest.mark.parametrize("text, inside, outside", [
    ("> 5", [5.01, 9], [5, 4.99]),
    (">= 1.2", [1.2, 3], [1.19]),
    ("< 8", [7.99, 0.1], [8, 9]),
    ("<= 3", [3, 2.9], [3.01]),
    ("1.2-3", [1.2, 3, 2], [1.19, 3.01]),
    ("> 3, <= 5", [3.01, 5], [3, 5.01]),
    (">= 1.5, <= 3", [1.5, 3], [1.49, 3.01]),
])
def test_spans_at_and_just_past_their_ends(text, inside, outside):
    r = rule(Condition(bilirubin_mg_dl=text))
    for x in inside:
        assert labelrules.outcome(r, Facts(bilirubin_mg_dl=x)).state == MET, (text, x)
    for x in outside:
        assert labelrules.outcome(r, Facts(bilirubin_mg_dl=x)).state == UNMET, (text, x)


@pytest.mark.parametrize("text", ["", "5", "> x", "3-1", "> 5, < 5", "=> 3", "1e3", "> -1"])
def test_unreadable_spans_are_refused(text):
    with pytest.raises(ValueError):
        span_bounds(text)


def test_alternatives_any_and_measures_all():
    r = rule(Condition(ast_uln="> 1.5", alp_uln="> 2.5"), Condition(bilirubin_uln="> 1"))
    assert labelrules.outcome(r, Facts(ast_uln=2, alp_uln=3)).state == MET
    assert labelrules.outcome(r, Facts(ast_uln=2, alp_uln=2, bilirubin_uln=1)).state == UNMET
    unknown = labelrules.outcome(r, Facts(ast_uln=2))
    assert unknown.state == UNKNOWN and set(unknown.needs) == {"alp_uln", "bilirubin_uln"}
    assert "alkaline phosphatase" in unknown.needs_text


def test_a_measure_in_other_terms_does_not_answer_the_rule():
    r = rule(Condition(bilirubin_mg_dl="> 5"))
    found = labelrules.outcome(r, Facts(bilirubin_uln=4))
    assert found.state == UNKNOWN and found.needs == ("bilirubin_mg_dl",)


def test_the_labels_category_answers_a_rule_that_names_categories():
    r = rule(Condition(child_pugh=("C",)), Condition(bilirubin_mg_dl="> 5"), Condition(hepatic=("severe",)))
    assert labelrules.outcome(r, Facts(hepatic="severe")).state == MET
    assert labelrules.outcome(r, Facts(hepatic="moderate")).state == UNMET
    assert labelrules.outcome(r, Facts(hepatic="moderate", bilirubin_mg_dl=6)).state == MET  # a measure can only add
    assert labelrules.outcome(r, Facts(conditions=frozenset({"hepatic"}))).state == UNKNOWN


def test_normal_answers_every_hepatic_rule_unless_a_measure_meets_it():
    r = rule(Condition(bilirubin_uln="> 1"))
    assert labelrules.outcome(r, Facts(hepatic="normal")).state == UNMET
    assert labelrules.outcome(r, Facts(hepatic="normal", bilirubin_uln=1.2)).state == MET


def test_a_rule_without_when_is_information():
    r = Rule(id="r", applies_to=("x",), topic="contraindication", action="contraindicated", text="t", cite=("c",))
    assert labelrules.outcome(r, Facts()).state == "info"


def test_reading_bilirubin_in_each_unit():
    assert facts.read_bilirubin("2.1") == (2.1, None)
    assert facts.read_bilirubin("2.1 mg/dL") == (2.1, None)
    assert facts.read_bilirubin(["1.8 x ULN", "2 mg/dL"]) == (2.0, 1.8)
    assert facts.read_bilirubin("1.8xULN") == (None, 1.8)
    mg, _ = facts.read_bilirubin("85.5 umol/L")
    assert mg == pytest.approx(5.0)
    for bad in ("-1", "nan", "inf", "1e3", "2 mmol/L", True, ["1", "2"], ["1 x ULN", "2x ULN"], "0", "1" * 400):
        with pytest.raises(UsageError):
            facts.read_bilirubin(bad)


def test_reading_the_other_measures():
    read = facts.read({"hepatic": "Severe", "child_pugh": "b", "ast": "2.5 x ULN", "alt": 3, "alp": "2",
                            "crcl": "45 mL/min", "creatinine": "442 umol/L"}, age=70)
    assert (read.hepatic, read.child_pugh, read.ast_uln, read.alt_uln, read.alp_uln) == ("severe", "B", 2.5, 3.0, 2.0)
    assert read.crcl_ml_min == 45 and read.creatinine_mg_dl == pytest.approx(5.0) and read.age_years == 70
    for key, bad in (("child_pugh", "D"), ("crcl", 0), ("crcl", 10**9), ("ast", float("nan")), ("hepatic", "bad"),
                     ("creatinine", "1 g/L"), ("crcl", 1e400)):
        with pytest.raises(UsageError):
            facts.read({key: bad})


@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                 st.lists(st.text(max_size=10), max_size=3)))
def test_reading_any_value_never_crashes(value):
    for key in facts.KEYS:
        try:
            facts.read({key: value})
        except UsageError:
            pass


def test_seen_once_no_adjustment_never_makes_a_check_milder():
    r = rule(Condition(crcl_ml_min="30-89"), topic="renal", action="no-adjustment", seen_once=True)
    result, why = dose_labels.met_result(r)
    assert result == "warning" and why.startswith("not verified")
    confirmed = rule(Condition(crcl_ml_min="30-89"), topic="renal", action="no-adjustment")
    assert dose_labels.met_result(confirmed)[0] == "ok"


@pytest.mark.parametrize("action, result", [("contraindicated", "exceeds"), ("do-not-give", "exceeds"),
                                            ("not-recommended", "warning"), ("caution", "warning"), ("no-data", "warning")])
def test_what_each_action_does_when_it_holds(action, result):
    assert dose_labels.met_result(rule(Condition(hepatic=("severe",)), action=action))[0] == result


def test_no_data_is_never_ok():
    result, why = dose_labels.met_result(rule(Condition(hepatic=("severe",)), action="no-data"))
    assert result != "ok" and "not verified" in why
