"""CLI: drug, drugs, dose, trial, trials, search, cite and completion."""
import json
import os
import subprocess
import sys

import pytest
from golden_util import check


def test_golden_drug_ifosfamide(run):
    r = run("drug", "ifosfamide", "--format", "json")
    assert r.exit_code == 0
    check("drug_ifosfamide.json", r.stdout)


def test_golden_dose_check(run):
    r = run("dose", "ifosfamide", "--bsa", "1.8", "--planned", "25 g", "--per", "cycle", "--format", "json")
    assert r.exit_code == 3
    check("dose_ifosfamide_25g.json", r.stdout)


def test_golden_dose_tsv(run):
    r = run("dose", "gemcitabine", "--height", "170", "--weight", "70", "--planned", "900 mg/m2", "--over", "90")
    assert r.exit_code == 0
    check("dose_gemcitabine_fdr.tsv", r.stdout)


@pytest.mark.parametrize("name, want", [
    ("doxil", "pegylated-liposomal-doxorubicin"), ("CAELYX", "pegylated-liposomal-doxorubicin"), ("pld", "pegylated-liposomal-doxorubicin"),
    ("Yondelis", "trabectedin"), ("votrient", "pazopanib"), ("ROZLYTREK", "entrectinib"), ("lartruvo", "olaratumab"),
])
def test_drug_names_resolve(run, name, want):
    r = run("drug", name, "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["id"] == want


def test_unknown_drug_suggests(run):
    r = run("drug", "ifosfamid")
    assert r.exit_code == 2 and "did you mean ifosfamide" in r.stderr
    r = run("dose", "doxorubicn", "--bsa", "1.8")
    assert r.exit_code == 2 and "did you mean doxorubicin" in r.stderr


def test_drug_shows_withdrawn_and_discrepancies(run):
    data = json.loads(run("drug", "olaratumab", "--format", "json").stdout)
    assert data["lms_status"] == "withdrawn"
    assert [a["date"] for a in data["approvals"]] == ["2016-10-19", "2019-04-25"]
    assert data["approvals"][0]["source_says"] == "June 2016"
    table = run("drug", "olaratumab", "--format", "table").stdout
    assert "withdrawn" in table and "June 2016" in table


def test_drug_ifosfamide_table_names_the_limits(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    out = run("drug", "ifosfamide", "--format", "table").stdout
    for words in ("12 g/m2", "hard", "9-10 g/m2 per cycle", "Mesna", "hemorrhagic cystitis", "enzymes are saturated",
                  "6 g/m2 (computed)", "newer"):
        assert words in out, words


def test_drugs_listing(run):
    r = run("drugs")
    assert r.exit_code == 0 and "ifosfamide\n" in r.stdout and "\t" not in r.stdout  # one id per line when piped
    assert run("drugs", "--class", "anthracycline").stdout.split() == ["daunorubicin", "doxorubicin", "epirubicin", "idarubicin",
                                                                        "pegylated-liposomal-doxorubicin"]
    assert run("drugs", "--status", "withdrawn").stdout.split() == ["olaratumab"]
    assert run("drugs", "--class", "steroid").exit_code == 2
    data = json.loads(run("drugs", "--format", "json").stdout)
    assert run("drugs", "--status", "supportive").stdout.split() == ["dexamethasone", "g-csf", "lenograstim", "mesna", "pegfilgrastim"]
    assert len(data) == 29 and {"id", "name", "class", "classes", "status", "brands"} == set(data[0])
    assert run("drugs", "--class", "alkylating-agent").stdout.split() == ["dacarbazine", "ifosfamide", "trabectedin"]
    assert "did you mean 'anthracycline'" in run("drugs", "--class", "anthracyclin").stderr.replace('"', "'") or \
        "anthracycline" in run("drugs", "--class", "anthracyclin").stderr


@pytest.mark.parametrize("args, code", [
    (["ifosfamide", "--bsa", "1.8", "--planned", "14 g/m2"], 3),
    (["ifosfamide", "--bsa", "1.8", "--planned", "14 g/m2", "--per", "cycle"], 3),
    (["ifosfamide", "--bsa", "1.8", "--planned", "25 g", "--per", "cycle"], 3),
    (["ifosfamide", "--bsa", "1.8", "--planned", "9 g/m2", "--per", "cycle"], 0),
    (["ifosfamide", "--bsa", "1.8", "--planned", "9 g/m2"], 3),  # one administration of a cycle's total
    (["ifosfamide", "--bsa", "1.8", "--planned", "3 g/m2"], 0),
    (["ifosfamide", "--bsa", "1.8", "--planned", "12 g/m2", "--per", "cycle"], 0),
    (["ifosfamide", "--bsa", "1.8", "--planned", "12 g/m2", "--per", "cycle", "--fail-on", "warning"], 3),
    (["ifosfamide", "--bsa", "1.8", "--planned", "9 g/m2", "--per", "cycle", "--fail-on", "warning"], 0),
    (["ifosfamide", "--bsa", "1.8", "--planned", "9 g/m2", "--per", "week"], 2),
    (["ifosfamide", "--bsa", "1.8", "--planned", "9 g/m2", "--fail-on", "never"], 2),
    (["gemcitabine", "--bsa", "1.8", "--planned", "90 min"], 2),
    (["gemcitabine", "--bsa", "1.8", "--planned", "900 mg/m2", "--over", "1"], 3),
    (["gemcitabine", "--bsa", "1.8", "--planned", "900 mg/m2", "--route", "oral"], 3),
    (["pazopanib", "--planned", "800 mg", "--hepatic", "moderate"], 3),
    (["pazopanib", "--planned", "800 mg", "--hepatic", "poor"], 2),
    (["doxorubicin", "--bsa", "1.8", "--planned", "75 mg/m2", "--cumulative", "doxorubicin=350 mg/m2", "--cardiac-radiation"], 3),
    (["doxorubicin", "--bsa", "1.8", "--planned", "75 mg/m2", "--cumulative", "doxorubicin=350 mg/m2", "--no-cardiac-radiation"], 0),
    (["pld", "--bsa", "1.8", "--planned", "50 mg/m2", "--cumulative", "doxorubicin=520 mg/m2"], 3),
    (["olaratumab", "--bsa", "1.8", "--planned", "1000 mg"], 3),
    (["docetaxel", "--bsa", "1.8", "--planned", "200 mg/m2"], 3),
    (["ifosfamide", "--bsa", "nan", "--planned", "9 g/m2"], 2),
    (["ifosfamide", "--bsa", "inf", "--planned", "9 g/m2"], 2),
    (["ifosfamide", "--bsa", "0", "--planned", "9 g/m2"], 2),
    (["ifosfamide", "--bsa", "-1.8", "--planned", "9 g/m2"], 2),
    (["ifosfamide", "--bsa", "1.8", "--planned", "9 gm/m2"], 2),
    (["ifosfamide", "--bsa", "1.8", "--planned", "nine g/m2"], 2),
    (["ifosfamide", "--bsa", "1.8", "--planned", "0 g/m2"], 2),
    (["ifosfamide", "--bsa", "1.8", "--height", "170", "--planned", "9 g/m2"], 2),
    (["gemcitabine", "--bsa", "1.8", "--planned", "900 mg/m2", "--over", "0"], 2),
    (["doxorubicin", "--bsa", "1.8", "--planned", "75 mg/m2", "--cumulative", "500 mg/m2"], 3),
    (["doxorubicin", "--bsa", "1.8", "--planned", "75 mg/m2", "--cumulative", "lots"], 2),
])
def test_dose_exit_codes(run, args, code):
    r = run("dose", *args)
    assert r.exit_code == code, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr


def test_dose_json_carries_inputs_formula_values_checks_and_verdict(run):
    data = json.loads(run("dose", "ifosfamide", "--height", "170", "--weight", "70", "--formula", "dubois",
                          "--planned", "9 g/m2", "--per", "cycle", "--format", "json").stdout)
    organ = dict.fromkeys(("hepatic", "child_pugh", "bilirubin_mg_dl", "bilirubin_uln", "ast_uln", "alt_uln", "alp_uln",
                           "crcl_ml_min", "creatinine_mg_dl"))
    assert data["inputs"] == {"bsa_m2": None, "height_cm": 170.0, "weight_kg": 70.0, "formula": "dubois", "age": None,
                              "organ_function": organ, "cardiac_radiation": None, "planned": "9 g/m2", "per": "cycle",
                              "route": None, "over_min": None, "cumulative": None}
    assert data["bsa"]["formula"] == "dubois" and data["bsa"]["value_m2"] == 1.81
    assert data["planned"]["absolute"] == "16.29 g"
    assert all({"rule", "severity", "result", "value", "limit", "basis", "cite"} == set(c) for c in data["checks"])
    assert data["verdict"] == "ok"


def test_dose_gates_a_shell_pipeline(tmp_path):
    exe = [sys.executable, "-m", "lmsrx"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    ok = subprocess.run(exe + ["dose", "ifosfamide", "--bsa", "1.8", "--planned", "9 g/m2", "--per", "cycle"], capture_output=True, env=env)
    bad = subprocess.run(exe + ["dose", "ifosfamide", "--bsa", "1.8", "--planned", "14 g/m2"], capture_output=True, env=env)
    assert (ok.returncode, bad.returncode) == (0, 3)


def test_trial_card(run):
    data = json.loads(run("trial", "palette", "--format", "json").stdout)
    assert data["design"]["patients"] == 369 and data["arms"] == ["pazopanib", "placebo"]
    hrs = {(e["origin"], e["effect"]["value"]) for e in data["endpoints"] if e["effect"] and e["name"] == "median progression-free survival"}
    assert hrs == {("source", 0.35), ("publication", 0.31)}
    assert "PMID: 22595799" in data["references"]["palette"]
    r = run("trial", "pallete")
    assert r.exit_code == 2 and "did you mean palette" in r.stderr


def test_trial_plot(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    out = run("trial", "trabectedin-vs-dacarbazine", "--plot", "--format", "table").stdout
    assert "Median survival by arm (--plot)" in out and "4.2 mo" in out and "1.5 mo" in out and "#" in out
    assert "no median survival figures" in run("trial", "nccn-adjuvant-2019", "--plot", "--format", "table").stdout


def test_trials_filters(run):
    ids = run("trials", "--drug", "votrient").stdout.split()
    assert ids == ["anti-angiogenic-agents", "palette"]
    ids = run("trials", "--setting", "adjuvant").stdout.split()
    assert "isg-adjuvant" in ids and "palette" not in ids
    assert run("trials", "--setting", "palliative").exit_code == 2


def test_search(run):
    data = json.loads(run("search", "hand-foot", "--format", "json").stdout)
    assert data and data[0]["id"] in ("pegylated-liposomal-doxorubicin", "pld-eortc")
    data = json.loads(run("search", "olaratumab", "withdrawn", "--format", "json").stdout)
    assert {"olaratumab", "olaratumab-doxorubicin"} <= {h["id"] for h in data}
    assert json.loads(run("search", "zzzz", "--format", "json").stdout) == []


@pytest.mark.parametrize("fmt, words", [
    ("text", "Demetri GD, von Mehren M, Jones RL, et al. Efficacy and Safety"),
    ("bibtex", "@article{demetri-2016-trabectedin,"),
    ("ris", "TY  - JOUR"),
])
def test_cite_formats(run, fmt, words):
    r = run("cite", "demetri-2016-trabectedin", "--format", fmt)
    assert r.exit_code == 0 and words in r.stdout


def test_cite_csl_json_and_partial_records(run):
    items = json.loads(run("cite", "palette", "--format", "csl-json").stdout)
    assert items[0]["PMID"] == "22595799" and items[0]["page"] == "1879-1886" and items[0]["volume"] == "379"
    partial = json.loads(run("cite", "lms-04-2024-os", "--format", "csl-json").stdout)[0]
    assert partial["note"].startswith("verified: partial") and "incomplete (et al." in partial["note"]
    assert all("literal" not in a and a["family"] != "et al." for a in partial["author"])  # "et al." is nobody
    assert "pages" not in run("cite", "pautier-2015-lms-02", "--format", "bibtex").stdout  # pages were not seen
    evidence = run("cite", "trabectedin-vs-dacarbazine").stdout
    assert evidence.count("\n\n") == 2  # its three references
    assert run("cite", "nobody-2000").exit_code == 2
    assert run("cite", "palette", "--format", "docx").exit_code == 2


def test_completion_is_fast_path_and_correct():
    env = {**os.environ, "_LMSRX_COMPLETE": "complete_bash", "_TYPER_COMPLETE_ARGS": "lmsrx drug yon",
           "COMP_WORDS": "lmsrx drug yon", "COMP_CWORD": "2", "PYTHONPATH": os.pathsep.join(sys.path)}
    code = "import sys; sys.argv=['lmsrx']\nfrom lmsrx.cli import main\ntry:\n    main()\nexcept SystemExit: pass\n" \
           "sys.stderr.write('KB' if 'lmsrx.schema' in sys.modules else 'NOKB')"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert r.stdout.split() == ["yondelis"]
    assert r.stderr.endswith("NOKB")  # completion does not validate the whole knowledge base


@pytest.mark.parametrize("ref, fmt, golden", [
    ("statpearls-lms-2020", "bibtex", "cite_statpearls.bib"),  # the editor is an editor, not an author
    ("palette", "ris", "cite_palette.ris"),  # "et al." survives as a note that the list is incomplete
    ("garcia-del-muro-2011-gem-dtic", "csl-json", "cite_garcia.json"),  # no title seen: a placeholder says so
])
def test_citation_exports_exact(run, ref, fmt, golden):
    r = run("cite", ref, "--format", fmt)
    assert r.exit_code == 0
    check(golden, r.stdout)


def test_citation_people_and_titles(run):
    bib = run("cite", "palette", "--format", "bibtex").stdout
    assert "author = {van der Graaf, W. T. and Blay, J. Y. and Chawla, S. P. and others}" in bib  # both initials kept
    csl = json.loads(run("cite", "palette", "--format", "csl-json").stdout)[0]
    assert csl["author"][-1] == {"family": "Chawla", "given": "S. P."} and "incomplete (et al." in csl["note"]
    assert "[title not verified]" in run("cite", "mosteller-1987", "--format", "ris").stdout


def test_cite_all(run):
    bib = run("cite", "--all", "--format", "bibtex").stdout
    assert bib.count("@") >= 100 and "@article{palette," in bib
    assert run("cite").exit_code == 2 and run("cite", "palette", "--all").exit_code == 2
