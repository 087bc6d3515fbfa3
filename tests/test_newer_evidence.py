"""Issue 13: the newer trials, with their figures on the right arms (numbers typed from the source records)."""
import pytest

from lmsrx.clinical import eligibility, strength
from lmsrx.clinical.patient import from_mapping

# (evidence id, end point name starts with, origin, values in the order of the record's arms)
FIGURES = [
    ("judson-2014-eortc-62012", "median overall survival", (14.3, 12.8)),
    ("judson-2014-eortc-62012", "median progression-free survival", (7.4, 4.6)),
    ("lms-04", "median progression-free survival", (12.2, 6.2)),
    ("lms-04", "median overall survival", (33, 24)),
    ("hensley-2018-gog0277-adjuvant-ulms", "restricted mean overall survival", (34.3, 46.4)),
    ("hensley-2018-gog0277-adjuvant-ulms", "recurrences", (8, 8)),
    ("hensley-2018-gog0277-adjuvant-ulms", "deaths", (5, 1)),
]


@pytest.mark.parametrize("eid, name, values", FIGURES, ids=[f"{f[0]}:{f[1]}" for f in FIGURES])
def test_new_records_carry_their_figures_on_the_right_arms(kb, eid, name, values):
    ev = kb.evidence[eid]
    assert ev.newer_than_source
    found = [ep for ep in ev.endpoints if ep.name.startswith(name) and tuple(ep.values) == values]
    assert found, [(ep.name, ep.values) for ep in ev.endpoints]


@pytest.mark.parametrize("eid", ["judson-2014-eortc-62012", "seddon-2017-geddis", "pautier-2012-taxogem",
                                 "dambrosio-2020-lms-anthracycline-combinations", "hensley-2018-gog0277-adjuvant-ulms",
                                 "hensley-gog250-bevacizumab-ulms", "hensley-2013-sarc005-adjuvant-ulms", "pautier-2015-lms-02",
                                 "blay-2019-eribulin-lms-subgroup", "lms-04"])
def test_every_newer_record_is_encoded_and_marked(kb, eid):
    ev = kb.evidence[eid]
    assert ev.newer_than_source and ev.summary.startswith("Newer than the source")
    assert any(eid in r.evidence for r in kb.regimens.values()), "linked to the regimens it concerns"


def test_negative_records_count_as_no_support(kb):
    assert kb.evidence["hensley-2018-gog0277-adjuvant-ulms"].lms_result == "negative"
    assert kb.evidence["blay-2019-eribulin-lms-subgroup"].lms_result == "negative"
    reg = kb.regimens["adjuvant-gemcitabine-docetaxel-uterine"]
    assert reg.newer_than_source and strength.strength(kb, reg) == strength.OTHER


def test_line_one_puts_doxorubicin_options_with_phase_three_evidence_above_those_without(kb):
    answer = eligibility.assess(kb, from_mapping({"line": 1, "histology": "uterine", "prior": ["none"]}, kb))
    order = [a.regimen.id for a in answer.candidates]
    assert order[0] == "doxorubicin"  # the source's preference, now with phase III evidence
    strong = [a for a in answer.candidates if set(a.regimen.drugs) & {"doxorubicin"} and a.strength <= 1]
    weak = [a for a in answer.candidates if set(a.regimen.drugs) & {"doxorubicin"} and a.strength > 1]
    assert strong and all(order.index(s.regimen.id) < order.index(w.regimen.id) for s in strong for w in weak
                          if s.status == w.status)
    assert by_strength(answer, "doxorubicin") == "phase III"


def by_strength(answer, rid):
    return next(a.strength_label for a in answer.candidates if a.regimen.id == rid)


def test_adjuvant_uterine_patients_see_gog_0277(kb):
    answer = eligibility.assess(kb, from_mapping({"setting": "adjuvant", "histology": "uterine", "grade": "high",
                                                  "size_cm": 8}, kb))
    reg = next(a for a in [*answer.candidates, *answer.excluded] if a.regimen.id == "adjuvant-gemcitabine-docetaxel-uterine")
    assert "hensley-2018-gog0277-adjuvant-ulms" in reg.regimen.evidence
    assert any("GOG 0277" in c for c in reg.cautions) or reg.status == "excluded"
