"""Table-driven tests of the eligibility rules the source sets, on the pure core."""
import pytest

from lmsrx.clinical import eligibility
from lmsrx.clinical.patient import from_mapping
from lmsrx.errors import UsageError

M2 = {"line": 2}
UT2 = {"line": 2, "histology": "uterine"}

CASES = [
    # hormonal therapy: uterine only, ER/PR decides
    (UT2, "letrozole", "conditional", "ER/PR status"),
    ({**UT2, "biomarkers": ["er-positive"]}, "letrozole", "eligible", ""),
    ({**UT2, "biomarkers": ["pr-positive"]}, "anastrozole", "eligible", ""),
    ({**UT2, "biomarkers": ["er-negative", "pr-negative"]}, "exemestane", "excluded", "er-negative, pr-negative"),
    ({**UT2, "biomarkers": ["er-negative"]}, "letrozole", "conditional", "ER/PR status (known: er-negative)"),
    ({"line": 2, "histology": "extremity", "biomarkers": ["er-positive"]}, "letrozole", "excluded", "only for uterine LMS"),
    ({"line": 2, "biomarkers": ["er-positive"]}, "letrozole", "conditional", "site of the primary tumour"),
    ({"line": 1, "histology": "uterine", "biomarkers": ["er-positive"]}, "letrozole", "excluded", "second-line"),
    # biomarker-defined
    ({**M2, "biomarkers": ["msi-h"]}, "pembrolizumab", "eligible", ""),
    ({**M2, "biomarkers": ["dmmr"]}, "pembrolizumab", "eligible", ""),
    (M2, "pembrolizumab", "conditional", "MSI or mismatch-repair status"),
    ({**M2, "biomarkers": ["mss", "pmmr"]}, "pembrolizumab", "excluded", "no benefit in LMS"),
    ({**M2, "biomarkers": ["mss"]}, "pembrolizumab", "conditional", "(known: mss)"),
    ({"line": 1, "biomarkers": ["msi-h"]}, "pembrolizumab", "conditional", "no satisfactory alternative"),
    ({**M2, "biomarkers": ["ntrk-fusion"]}, "entrectinib", "eligible", ""),
    ({**M2, "biomarkers": ["ntrk-negative"]}, "entrectinib", "excluded", "NTRK gene fusion"),
    (M2, "entrectinib", "conditional", "NTRK fusion status"),
    ({**M2, "biomarkers": ["msi-h"]}, "nivolumab", "excluded", "no benefit in LMS"),
    # trabectedin and pazopanib
    ({"line": 1}, "trabectedin", "conditional", "prior therapy, perioperative included"),
    ({"line": 1, "prior": ["doxorubicin"]}, "trabectedin", "eligible", "perioperative"),  # adjuvant doxorubicin counts
    ({"line": 1, "prior": ["none"]}, "trabectedin", "excluded", "no prior anthracycline"),
    ({"line": 1, "anthracycline_ineligible": True}, "trabectedin", "eligible", ""),
    ({"line": 2, "prior": ["doxorubicin"]}, "trabectedin", "eligible", ""),
    ({"line": 2, "prior": ["anthracycline"]}, "trabectedin", "eligible", ""),
    ({"line": 2, "prior": ["gemcitabine"]}, "trabectedin", "excluded", "no prior anthracycline"),
    ({"line": 2}, "trabectedin", "conditional", "prior therapy"),
    ({"line": 1}, "pazopanib", "excluded", "after prior chemotherapy"),
    ({"line": 2}, "pazopanib", "eligible", ""),
    # second line follows the first
    ({"line": 2, "prior": ["doxorubicin"]}, "doxorubicin", "excluded", "already given: anthracycline"),
    ({"line": 2, "prior": ["doxorubicin"]}, "gemcitabine-docetaxel", "eligible", ""),
    ({"line": 2, "prior": ["gemcitabine"]}, "gemcitabine-docetaxel", "excluded", "already given: gemcitabine"),
    ({"line": 2, "prior": ["gemcitabine"]}, "doxorubicin", "eligible", ""),
    ({"line": 2, "prior": ["ifosfamide"]}, "doxorubicin", "eligible", ""),
    ({"line": 2}, "gemcitabine", "conditional", "was gemcitabine used"),
    ({"line": 1}, "doxorubicin", "eligible", ""),
    ({"line": 1}, "gemcitabine-docetaxel", "eligible", ""),
    ({"line": 1, "anthracycline_ineligible": True}, "doxorubicin", "excluded", "cannot have an anthracycline"),
    # never candidates
    ({"line": 1}, "olaratumab-doxorubicin", "excluded", "withdrawn"),
    ({"line": 1}, "high-dose-ifosfamide-stem-cell", "excluded", "no overall survival benefit"),
    # adjuvant
    ({"setting": "adjuvant", "grade": "high", "size_cm": 8, "histology": "extremity"}, "adjuvant-doxorubicin-ifosfamide", "eligible", ""),
    ({"setting": "adjuvant", "grade": "intermediate", "size_cm": 5.5, "histology": "trunk"}, "adjuvant-epirubicin-ifosfamide", "eligible", ""),
    ({"setting": "adjuvant", "grade": "low", "size_cm": 8}, "adjuvant-doxorubicin-ifosfamide", "excluded", "grade low"),
    ({"setting": "adjuvant", "grade": "high", "size_cm": 5}, "adjuvant-doxorubicin-ifosfamide", "excluded", "larger than 5 cm"),
    ({"setting": "adjuvant", "size_cm": 8}, "adjuvant-doxorubicin-ifosfamide", "conditional", "tumour grade"),
    ({"setting": "adjuvant", "grade": "high"}, "adjuvant-epirubicin-ifosfamide", "conditional", "tumour size"),
    ({"setting": "adjuvant", "grade": "high", "size_cm": 8}, "doxorubicin", "excluded", "the setting is adjuvant"),
    # neoadjuvant
    ({"setting": "neoadjuvant"}, "neoadjuvant-epirubicin-ifosfamide", "conditional", "tumour grade | tumour size"),
    ({"setting": "neoadjuvant", "grade": "high", "size_cm": 5, "depth": "deep", "histology": "extremity"},
     "neoadjuvant-epirubicin-ifosfamide", "eligible", "5 cm or more"),
    ({"setting": "neoadjuvant", "grade": "low", "size_cm": 2}, "neoadjuvant-epirubicin-ifosfamide", "excluded",
     "enrolled high-grade tumours only (grade low)"),
    ({"setting": "neoadjuvant"}, "neoadjuvant-histology-tailored", "excluded", "not recommended"),
    # exclusions on request
    ({"line": 1, "exclude": ["adriamycin"]}, "doxorubicin", "excluded", "excluded on request (doxorubicin)"),
    ({"line": 2, "exclude": ["yondelis"], "prior": ["doxorubicin"]}, "trabectedin", "excluded", "excluded on request (trabectedin)"),
    # unknowns are conditional, never silently eligible
    ({}, "doxorubicin", "conditional", "setting"),
    ({"setting": "metastatic"}, "pazopanib", "conditional", "line of therapy"),
    ({"setting": "metastatic"}, "doxorubicin", "conditional", "line of therapy"),
]


@pytest.mark.parametrize("desc, regimen, status, words", CASES, ids=[f"{c[1]}-{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_rule(kb, desc, regimen, status, words):
    p = from_mapping(desc, kb)
    a = eligibility.assess_regimen(kb, kb.regimens[regimen], p)
    assert a.status == status, (a.status, [v.sentence() for v in a.verdicts])
    text = {"eligible": " ".join(a.why), "conditional": " | ".join(a.needs), "excluded": " | ".join(a.reasons)}[status]
    assert words in text, text
    if status == "excluded":
        assert a.reasons
    if status == "conditional":
        assert a.needs
    if status == "eligible":
        assert not a.needs and not a.reasons


def cautions_of(kb, desc, regimen):
    return " | ".join(eligibility.assess_regimen(kb, kb.regimens[regimen], from_mapping(desc, kb)).cautions)


def test_cardiac_cautions(kb):
    assert "cardiotoxic" in cautions_of(kb, {"line": 1, "conditions": ["cardiac"]}, "doxorubicin")
    assert "cardiotoxic" not in cautions_of(kb, {"line": 1}, "doxorubicin")
    pld = cautions_of(kb, {"line": 2, "conditions": ["cardiac"]}, "pegylated-liposomal-doxorubicin")
    assert "lacks doxorubicin's cardiotoxicity" in pld and "11%" in pld


def test_hepatic_and_renal_cautions(kb):
    assert "0.9 mg/m2" in cautions_of(kb, {"line": 1, "anthracycline_ineligible": True, "conditions": ["hepatic"]}, "trabectedin")
    assert "nephrotoxic" in cautions_of(kb, {"line": 1, "conditions": ["renal"]}, "ifosfamide")


def test_adjuvant_outside_trial_sites_is_said(kb):
    desc = {"setting": "adjuvant", "grade": "high", "size_cm": 8, "histology": "retroperitoneal"}
    text = cautions_of(kb, desc, "adjuvant-doxorubicin-ifosfamide")
    assert "retroperitoneal primary: adjuvant chemotherapy was tested mainly in sarcoma of the limbs and trunk" in text
    assert "site not given" in cautions_of(kb, {"setting": "adjuvant"}, "adjuvant-epirubicin-ifosfamide")
    assert "primary:" not in cautions_of(kb, {**desc, "histology": "extremity"}, "adjuvant-doxorubicin-ifosfamide")


def test_already_received_is_a_caution(kb):
    assert "already received in an earlier line: ifosfamide" in cautions_of(kb, {"line": 2, "prior": ["ifosfamide"]}, "ifosfamide")


def test_order_is_by_evidence_strength_then_name(kb):
    answer = eligibility.assess(kb, from_mapping({"line": 2, "prior": ["doxorubicin"]}, kb))
    eligible = [a for a in answer.candidates if a.status == "eligible"]
    keys = [(a.strength, a.regimen.name.lower()) for a in eligible]
    assert keys == sorted(keys)
    assert [a.regimen.id for a in eligible[:2]] == ["pazopanib", "trabectedin"]
    assert all(a.status == "conditional" for a in answer.candidates[len(eligible):])


def test_checkpoint_inhibitors_and_withdrawn_never_candidates(kb):
    for desc in ({"line": 2, "biomarkers": ["msi-h"]}, {"line": 1}, {}):
        answer = eligibility.assess(kb, from_mapping(desc, kb))
        ids = {a.regimen.id for a in answer.candidates}
        assert "olaratumab-doxorubicin" not in ids and "nivolumab" not in ids


@pytest.mark.parametrize("desc, words", [
    ({"biomarkers": ["er-positive", "er-negative"]}, "contradictory biomarkers"),
    ({"biomarkers": ["msi-h", "mss"]}, "contradictory"),
    ({"setting": "adjuvant", "line": 2}, "contradicts setting"),
    ({"line": 0}, "from 1 to 10"),
    ({"line": 11}, "from 1 to 10"),
    ({"line": True}, "whole number"),
    ({"size_cm": 0}, "above 0"),
    ({"size_cm": -3}, "above 0"),
    ({"size_cm": float("nan")}, "above 0"),
    ({"size_cm": float("inf")}, "above 0"),
    ({"size_cm": "big"}, "centimetres"),
    ({"histology": "lung"}, "valid choices: uterine, extremity, trunk, retroperitoneal, other"),
    ({"grade": "3"}, "valid choices: low, intermediate, high"),
    ({"prior": ["doxorubicn"]}, "did you mean doxorubicin"),
    ({"prior": ["none", "doxorubicin"]}, "contradicts"),
    ({"exclude": ["aspirin"]}, "unknown drug 'aspirin'"),
    ({"colour": "red"}, "unknown patient key"),
    ({"biomarkers": ["her2"]}, "invalid biomarker"),
    ({"conditions": ["lung"]}, "invalid condition"),
    ({"anthracycline_ineligible": "yes"}, "true or false"),
])
def test_invalid_patient(kb, desc, words):
    with pytest.raises(UsageError) as info:
        from_mapping(desc, kb)
    assert words in info.value.message


def test_line_implies_metastatic(kb):
    p = from_mapping({"line": 3}, kb)
    assert p.setting == "metastatic" and p.setting_implied


def test_prior_resolves_aliases_and_classes(kb):
    p = from_mapping({"line": 2, "prior": ["Adriamycin", "DOXIL", "anthracycline"]}, kb)
    assert p.prior == ("doxorubicin", "pegylated-liposomal-doxorubicin", "anthracycline")
    assert p.prior_classes == {"anthracycline"} and p.prior_known


def test_every_criterion_kind_has_a_handler():
    import typing

    from lmsrx.knowledge.model import Criterion

    kinds = set(typing.get_args(typing.get_type_hints(Criterion)["test"]))
    assert kinds == set(eligibility.HANDLERS)
