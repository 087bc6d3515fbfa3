"""Knowledge base: validation into typed records, extra files, integrity and content."""
import textwrap

import pytest

from lmsrx.errors import KnowledgeError, UsageError
from lmsrx.knowledge import load as loader
from lmsrx.knowledge import yamlsafe


def write(tmp_path, text, name="extra.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(p)


def problems_of(*paths):
    with pytest.raises(KnowledgeError) as info:
        loader.load(list(paths))
    return [str(p) for p in info.value.problems]


DRUG = """\
drugs:
  testdrug:
    name: Testdrug
    lms_status: off-label
    summary: A drug for tests.
    cite: [statpearls-lms-2020]
"""


def test_builtin_loads(kb):
    assert kb.counts() == {"references": 129, "drugs": 29, "evidence": 54, "regimens": 29, "classes": 11, "rules": 80}
    assert len(kb.sha256) == 64
    assert kb.meta.version and kb.meta.review_date


def test_extra_file_adds_a_drug(tmp_path):
    base = loader.load()
    k = loader.load([write(tmp_path, DRUG)])
    assert "testdrug" in k.drugs and k.origin[("drugs", "testdrug")].endswith("extra.yaml")
    assert k.sha256 != base.sha256


@pytest.mark.parametrize(
    "yaml_text, line, words",
    [
        (DRUG + "    colour: red\n", 7, "unknown key 'colour'"),
        (DRUG.replace("off-label", "maybe"), 4, "'maybe' is not one of"),
        (DRUG.replace("    summary: A drug for tests.\n", ""), 2, "missing required key 'summary'"),
        (DRUG.replace("statpearls-lms-2020", "nobody-1999"), 6, "unknown reference 'nobody-1999'"),
        (DRUG + "    doses:\n      - {context: x, schedule: daily, status: label, cite: [statpearls-lms-2020], amount: 12 gm/m2}\n", 8, "did you mean g/m2"),
        (DRUG + "    doses:\n      - {context: x, schedule: daily, status: label, cite: [statpearls-lms-2020], amount: 12}\n", 8, "with its unit"),
        (DRUG + "    route: [iv, iv]\n", 7, "repeats"),
        (DRUG.replace("testdrug:", "Test_Drug:"), 2, "not a valid id"),
        (DRUG + "    aliases: [pld]\n", 2, "already used by drug"),
        (DRUG + "    approvals:\n      - {status: approved, region: US, what: x, date: \"2019-13-01\", cite: [statpearls-lms-2020]}\n", 8, "not a date"),
        (DRUG + "    limits:\n"
                "      - {scope: per-cycle, severity: hard, max: 10 g/m2, basis: b, cite: [statpearls-lms-2020]}\n"
                "      - {scope: per-cycle, severity: soft, max: 11 g/m2, basis: b, cite: [statpearls-lms-2020]}\n",
         7, "soft limit 11 g/m2 is above hard limit 10 g/m2"),
    ],
)
def test_schema_problem_named_with_line(tmp_path, yaml_text, line, words):
    found = problems_of(write(tmp_path, yaml_text))
    assert any(p.startswith(f"{tmp_path}/extra.yaml:{line}: ") and words in p for p in found), found


def test_valid_absolute_quantity_is_accepted(tmp_path):
    k = loader.load([write(tmp_path, DRUG + "    doses:\n      - {context: x, schedule: daily, status: label, cite: [statpearls-lms-2020], amount: 12 g}\n")])
    assert str(k.drugs["testdrug"].doses[0].amount) == "12 g"


def test_regimen_cross_references_resolve(tmp_path):
    text = """\
    regimens:
      r1:
        name: R1
        drugs: [ifosfamide, unobtainium]
        family: other
        settings: [metastatic]
        recommendation: option
        summary: s
        evidence: [no-such-trial]
        cite: [statpearls-lms-2020]
    """
    found = problems_of(write(tmp_path, text))
    assert any(":4: " in p and "unknown drug 'unobtainium'" in p for p in found), found
    assert any(":9: " in p and "unknown evidence 'no-such-trial'" in p for p in found), found


def test_every_problem_reported_at_once_across_files(tmp_path):
    a = write(tmp_path, DRUG.replace("off-label", "maybe"), "a.yaml")
    b = write(tmp_path, "drugs:\n  x: [1]\n", "b.yaml")
    c = write(tmp_path, "a: 1\na: 2\n", "c.yaml")
    found = problems_of(a, b, c)
    files = {p.split(":")[0].rsplit("/", 1)[-1] for p in found}
    assert files == {"a.yaml", "b.yaml", "c.yaml"}, found


def test_extra_may_not_silently_replace_builtin(tmp_path):
    text = DRUG.replace("testdrug:", "ifosfamide:").replace("Testdrug", "Ifosfamide X")
    found = problems_of(write(tmp_path, text))
    assert any(":2: " in p and "already exists in the built-in base (knowledge/drugs.yaml:" in p and "replace: true" in p for p in found)


def test_extra_replaces_builtin_when_declared(tmp_path):
    text = DRUG.replace("testdrug:", "nivolumab:").replace("Testdrug", "Nivolumab X") + "    replace: true\n"
    k = loader.load([write(tmp_path, text)])
    assert k.drugs["nivolumab"].name == "Nivolumab X"
    assert k.origin[("drugs", "nivolumab")].endswith("extra.yaml")


def test_a_replaced_drug_keeps_the_doses_its_regimens_name(tmp_path):
    text = DRUG.replace("testdrug:", "ifosfamide:").replace("Testdrug", "Ifosfamide X") + "    replace: true\n"
    found = problems_of(write(tmp_path, text))
    assert any("ifosfamide has no dose on record with id 'frustaci-2001'" in p and "comes from" in p and "extra.yaml" in p
               for p in found), found


def test_replace_without_builtin_is_refused(tmp_path):
    found = problems_of(write(tmp_path, DRUG + "    replace: true\n"))
    assert any("no built-in entry 'testdrug'" in p for p in found)


def test_extra_may_not_declare_knowledge_meta(tmp_path):
    found = problems_of(write(tmp_path, "knowledge:\n  name: x\n"))
    assert any(":1: " in p and "only the built-in base" in p for p in found)


def test_unknown_top_level_key(tmp_path):
    found = problems_of(write(tmp_path, "medicines: {}\n"))
    assert any(":1: " in p and "unknown top-level key 'medicines'" in p for p in found)


def test_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError):
        loader.load([str(tmp_path / "nope.yaml")])


def test_folder_of_extras(tmp_path):
    d = tmp_path / "inst"
    d.mkdir()
    write(d, DRUG, "one.yaml")
    k = loader.load([str(d)])
    assert "testdrug" in k.drugs


# ------------------------------------------------------------------ integrity of the built-in base
def test_every_drug_and_regimen_cites_a_reference(kb):
    for record in [*kb.drugs.values(), *kb.regimens.values(), *kb.evidence.values()]:
        assert record.cite, record.id
        assert all(c in kb.references for c in record.cite)


def test_every_reference_is_used(kb):
    from lmsrx import records

    used = set()

    def walk(obj):
        if isinstance(obj, (list, tuple)):
            for x in obj:
                walk(x)
        elif records.is_record(obj):
            for f in records.fields(obj):
                v = getattr(obj, f.name)
                if f.name == "cite":
                    used.update(v)
                else:
                    walk(v)

    for rec in [*kb.drugs.values(), *kb.regimens.values(), *kb.evidence.values(), *kb.classes.values(), *kb.rules.values()]:
        walk(rec)
    from lmsrx.dosing.checks import ROUNDING_CITE

    cited_by_code = {"mosteller-1987", "dubois-1916", *ROUNDING_CITE}  # BSA formulas and the dose rule
    unused = set(kb.references) - used - {"high-dose-ifosfamide-stem-cell"} - cited_by_code
    assert not unused, unused


def test_regimen_links_resolve(kb):
    for reg in kb.regimens.values():
        assert all(d in kb.drugs for d in reg.drugs)
        assert all(e in kb.evidence for e in reg.evidence)


def test_names_resolve_case_insensitively(kb):
    for name, want in [("doxil", "pegylated-liposomal-doxorubicin"), ("CAELYX", "pegylated-liposomal-doxorubicin"),
                       ("pld", "pegylated-liposomal-doxorubicin"), ("Yondelis", "trabectedin"),
                       ("votrient", "pazopanib"), ("halaven", "eribulin"), ("rozlytrek", "entrectinib"),
                       ("lartruvo", "olaratumab"), ("keytruda", "pembrolizumab"), ("Ifosfamide", "ifosfamide")]:
        assert kb.find_drug(name).id == want, name
    assert kb.find_drug("aspirin") is None


# ------------------------------------------------------------------ content: the source's figures on the right records
def endpoint(kb, ev, name, origin):
    return [e for e in kb.evidence[ev].endpoints if e.name == name and e.origin == origin]


def test_trabectedin_figures(kb):
    (src,) = endpoint(kb, "trabectedin-vs-dacarbazine", "median progression-free survival", "source")
    assert src.values == (4.2, 1.5) and src.effect.ci == (0.44, 0.70) and src.effect.value is None and src.p == "< 0.01"
    (pub,) = endpoint(kb, "trabectedin-vs-dacarbazine", "median progression-free survival", "publication")
    assert pub.effect.value == 0.55 and pub.p == "< 0.001"
    (sd,) = endpoint(kb, "trabectedin-vs-dacarbazine", "duration of stable disease", "source")
    assert sd.values == (6.01, 4.17)
    (cb,) = endpoint(kb, "trabectedin-vs-dacarbazine", "clinical benefit rate", "source")
    assert cb.values == (34, 19) and cb.effect.measure == "ratio-as-reported" and cb.effect.value == 2.3
    assert cb.effect.ci == (1.45, 3.7)


def test_pazopanib_figures_both_kept(kb):
    src = endpoint(kb, "palette", "median progression-free survival", "source")[0]
    pub = endpoint(kb, "palette", "median progression-free survival", "publication")[0]
    assert src.values == pub.values == (4.6, 1.6)
    assert (src.effect.value, src.effect.ci) == (0.35, (0.26, 0.48))
    assert (pub.effect.value, pub.effect.ci) == (0.31, (0.24, 0.40))
    dose = kb.drugs["pazopanib"].doses[0]
    assert str(dose.amount) == "800 mg" and dose.standard


def test_ifosfamide_limits(kb):
    limits = {(l.severity, l.scope): str(l.max) for l in kb.drugs["ifosfamide"].limits}
    assert limits == {("soft", "per-cycle"): "10 g/m2", ("hard", "per-cycle"): "12 g/m2"}
    tox = {t.name for t in kb.drugs["ifosfamide"].toxicities}
    assert tox == {"hemorrhagic cystitis", "myelotoxicity", "nephrotoxicity", "neurotoxicity"}
    assert "Mesna" in kb.drugs["ifosfamide"].supportive_care[0].text
    ep = {e.name: e.values for e in kb.evidence["ifosfamide-monotherapy"].endpoints if e.origin == "source"}
    assert ep["response rate"] == (25,) and ep["median overall survival"] == (1,)


def test_adjuvant_and_neoadjuvant_figures(kb):
    isg = {(e.name, e.timepoint): e.values for e in kb.evidence["isg-adjuvant"].endpoints if e.origin == "source"}
    assert isg[("distant metastasis recurrence rate", None)] == (45, 28)
    assert isg[("overall survival", "4 years")] == (69, 50)
    assert isg[("local and distant relapse rate", "7 years")] == (44, 45)
    assert "category 2B" in kb.evidence["nccn-adjuvant-2019"].summary and "4.2019" in kb.evidence["nccn-adjuvant-2019"].title
    assert kb.evidence["isg-neoadjuvant-252"].design.patients == 252
    assert kb.evidence["isg-neoadjuvant-252"].discrepancies
    tailored = {e.name: e.values for e in kb.evidence["isg-sts-1001"].endpoints if e.origin == "source"}
    assert tailored == {"disease-free survival": (62, 38), "overall survival": (89, 64)}
    assert kb.evidence["isg-sts-1001"].design.stopped_early


def test_discrepancies_kept_both_ways(kb):
    ent = kb.drugs["entrectinib"]
    assert ent.approvals[0].date == "2019-08-15" and ent.approvals[0].source_says == "April 2019"
    assert ent.brands == ("ROZLYTREK",) and any(d.source_says == "ROZYLTREK" for d in ent.discrepancies)
    ola = kb.drugs["olaratumab"]
    assert ola.lms_status == "withdrawn"
    assert [a.date for a in ola.approvals] == ["2016-10-19", "2019-04-25"]
    assert ola.approvals[0].source_says == "June 2016"
    assert kb.drugs["eribulin"].lms_status == "off-label" and kb.drugs["eribulin"].discrepancies


def test_hormonal_and_biomarker_figures(kb):
    hr = {e.name: e.values for e in kb.evidence["hormone-receptors-ulms"].endpoints}
    assert hr["oestrogen-receptor positive (range)"] == (7, 70)
    assert hr["progesterone-receptor positive (range)"] == (17, 60)
    ai = kb.evidence["aromatase-inhibitors-ulms"].endpoints[0]
    assert ai.values == (9, 12)
    assert kb.drugs["pembrolizumab"].approvals[0].date == "2017-05-23"
    assert kb.evidence["entrectinib-integrated"].endpoints[0].values == (57,)
    assert "150 sites" in kb.evidence["entrectinib-integrated"].summary


def test_first_line_figures(kb):
    assert kb.evidence["anthracycline-first-line"].endpoints[0].values == (12, 24)
    gem = kb.drugs["gemcitabine"]
    assert any(d.rate and str(d.rate) == "10 mg/m2/min" and str(d.amount) == "900 mg/m2" for d in gem.doses)
    assert any(str(l.max) == "60 min" for l in gem.limits)
    assert kb.evidence["high-dose-ifosfamide-stem-cell"].conclusion.startswith("No overall survival benefit")
    dtic = {e.name: e.values for e in kb.evidence["doxorubicin-dacarbazine"].endpoints}
    assert dtic["response rate"] == (30,)
    assert kb.evidence["gemcitabine-dacarbazine"].endpoints[0].values == (49,)


def test_builtin_base_loads_the_same_with_the_pure_python_parser(kb, monkeypatch):
    """PyYAML without libyaml must read the built-in base too, and give the same records."""
    import yaml


    monkeypatch.setattr(yamlsafe, "_Loader", yaml.SafeLoader)
    pure = loader.load()
    assert pure.sha256 == kb.sha256 and pure.drugs == kb.drugs and pure.regimens == kb.regimens
    assert pure.evidence == kb.evidence
