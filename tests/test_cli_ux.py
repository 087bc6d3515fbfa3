"""The command line for people: values complete, --json everywhere, help keeps examples whole,
the worst rows first, Markdown paragraphs, trials --plot."""
import json

import pytest
import typer.main

from lmsrx.cli import app

COMMAND = typer.main.get_command(app)


def _param(path, name):
    cmd = COMMAND
    for part in path:
        cmd = cmd.commands[part]
    ctx = cmd.make_context(cmd.name, [], resilient_parsing=True)
    param = next(p for p in cmd.params if p.name == name)
    return param, ctx


def complete(path, name, incomplete):
    param, ctx = _param(path, name)
    return [item.value for item in param.shell_complete(ctx, incomplete)]


@pytest.mark.parametrize("path, name, incomplete, want", [
    (["options"], "histology", "ut", "uterine"), (["options"], "grade", "h", "high"), (["options"], "setting", "neo", "neoadjuvant"),
    (["options"], "biomarker", "msi", "msi-h"), (["options"], "condition", "ca", "cardiac"), (["options"], "depth", "d", "deep"),
    (["options"], "prior", "anthra", "anthracycline"), (["options"], "prior", "no", "none"), (["options"], "prior", "doxo", "doxorubicin"),
    (["options"], "exclude", "yond", "yondelis"), (["options"], "progressed_on", "gem", "gemcitabine"),
    (["options"], "fmt", "js", "json"), (["options"], "color", "ne", "never"),
    (["dose"], "drug", "ifos", "ifosfamide"), (["dose"], "per", "cy", "cycle"), (["dose"], "hepatic", "mod", "moderate"),
    (["dose"], "route", "or", "oral"), (["dose"], "formula", "du", "dubois"), (["dose"], "fail_on", "w", "warning"),
    (["order"], "fail_on", "ex", "exceeds"), (["drug"], "name", "dox", "doxil"), (["drugs"], "drug_class", "anth", "anthracycline"),
    (["drugs"], "status", "with", "withdrawn"), (["trial"], "trial_id", "pal", "palette"), (["trials"], "drug", "paz", "pazopanib"),
    (["cite"], "ref_id", "demetri", "demetri-2016-trabectedin"), (["cite"], "fmt", "bib", "bibtex"), (["kb", "info"], "fmt", "md", None),
])
def test_values_complete(path, name, incomplete, want):
    got = complete(path, name, incomplete)
    assert (want in got) if want else got == [], got
    assert not any(" " in g for g in got)  # nothing the shell would insert unquoted


def test_json_is_format_json_everywhere(run):
    for args in (["drug", "pld"], ["options", "--line", "1"], ["kb", "info"], ["trial", "palette"]):
        assert json.loads(run(*args, "--json").stdout)
    r = run("dose", "ifosfamide", "--bsa", "1.8", "--planned", "14 g/m2", "--json")
    assert r.exit_code == 3 and json.loads(r.stdout)["verdict"] == "exceeds"


def test_help_keeps_examples_whole_at_any_width(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    out = run("dose", "--help").stdout
    assert 'lmsrx dose doxorubicin --bsa 1.9 --planned "75 mg/m2" --cumulative "doxorubicin=450 mg/m2"' in out
    assert run("-h").exit_code == 0 and "lmsrx options --line 2 --histology uterine --prior doxorubicin" in run("-h").stdout


def test_the_worst_rows_come_first_for_people_json_keeps_order(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    args = ("dose", "gemcitabine", "--bsa", "1.8", "--planned", "900 mg/m2", "--over", "10")
    table = run(*args, "--format", "table").stdout
    body = table[table.index("Checks"):]
    assert body.index("EXCEEDS") < body.index("OK")
    checks = json.loads(run(*args, "--json").stdout)["checks"]
    results = [c["result"] for c in checks]
    assert results[-1] == "exceeds" and results.index("ok") < results.index("exceeds")  # the order of the checks


def test_markdown_lines_are_paragraphs_and_cells_keep_breaks(run):
    md = run("dose", "ifosfamide", "--bsa", "1.8", "--planned", "9 g/m2", "--per", "cycle", "--format", "markdown").stdout
    assert "BSA: 1.8 m2 (given)\n\nStandard dose" in md
    md = run("options", "--line", "1", "--format", "markdown", "--long").stdout
    assert "<br>" in md


def test_trials_plot(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    out = run("trials", "--drug", "trabectedin", "--plot", "--format", "table").stdout
    assert "Median survival by arm" in out and "trabectedin" in out and "#" in out


def test_a_zero_given_is_checked_not_dropped(run):
    r = run("options", "--line", "2", "--size", "0", "--json")
    assert r.exit_code == 2 and "size" in r.stderr


def test_empty_search_and_long_batch_are_usage_errors(run, tmp_path):
    assert run("search", "  ").exit_code == 2
    batch = tmp_path / "p.ndjson"
    batch.write_text('{"line": 2}\n', encoding="utf-8")
    r = run("options", "--batch", str(batch), "--long")
    assert r.exit_code == 2 and "--long" in r.stderr


def test_an_unwritable_output_file_is_exit_74(run, tmp_path):
    r = run("report", "--line", "2", "-o", str(tmp_path / "missing" / "board.html"))
    assert r.exit_code == 74 and "cannot write" in r.stderr and "Traceback" not in r.stderr


def test_exclude_takes_a_class_and_reaches_every_member(run, kb):
    data = json.loads(run("options", "--line", "2", "--exclude", "anthracycline", "--json").stdout)
    anthracyclines = set(kb.members("anthracycline"))
    assert "pegylated-liposomal-doxorubicin" in anthracyclines
    for c in data["candidates"]:
        assert not anthracyclines & set(c["drugs"]), c["id"]
    assert any("excluded on request" in r for c in data["excluded"] for r in c["reasons"])


def test_a_batch_error_row_names_its_line_once(run, tmp_path):
    batch = tmp_path / "p.ndjson"
    batch.write_text('{"line": 2}\nnot json\n', encoding="utf-8")
    last = json.loads(run("options", "--batch", str(batch)).stdout.splitlines()[-1])
    assert last["error"]["message"].count("line 2:") == 1
    csv_last = run("options", "--batch", str(batch), "--format", "csv").stdout.splitlines()[-1]
    assert ",error," in csv_last and csv_last.count("line 2:") == 1


def test_the_same_kb_path_twice_is_loaded_once(run, tmp_path):
    overlay = tmp_path / "extra.yaml"
    overlay.write_text("references:\n  extra-ref: {kind: article, verified: partial, title: An extra record}\n", encoding="utf-8")
    r = run("--kb", str(overlay), "--kb", str(overlay), "drugs", "--json")
    assert r.exit_code == 0, r.stderr


def test_output_does_not_depend_on_the_hash_seed(tmp_path):
    """Nothing is printed in a set's order: the same call gives the same bytes under any PYTHONHASHSEED."""
    import json
    import os
    import subprocess
    import sys

    cohort = tmp_path / "cohort.ndjson"
    cohort.write_text("\n".join(json.dumps(p) for p in [
        {"setting": "adjuvant", "prior": ["gemcitabine"], "progressed_on": ["anthracycline"]},
        {"line": 2, "progressed_on": ["anthracycline", "gemcitabine"], "exclude": ["anthracycline"]},
        {"line": 3, "prior": ["doxorubicin", "trabectedin"], "biomarkers": ["er-positive", "msi-h"],
         "conditions": ["cardiac", "hepatic", "renal"]},
    ]) + "\n", encoding="utf-8")
    calls = [["options", "--batch", str(cohort), "--explain"], ["options", "--batch", str(cohort), "--format", "csv"],
             ["options", "--line", "2", "--progressed-on", "anthracycline", "--format", "json", "--explain"],
             ["report", "--line", "2", "--prior", "anthracycline", "--condition", "cardiac", "--condition", "hepatic"],
             ["drug", "doxorubicin", "--format", "json"], ["compare", "trabectedin", "pazopanib", "--format", "json"],
             ["trials", "--format", "json"], ["kb", "info", "--format", "json"], ["search", "anthracycline", "--format", "json"]]
    code = "import sys; from lmsrx.cli import main; sys.exit(main(sys.argv[1:]))"
    for args in calls:
        outs = {subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                               env={**os.environ, "PYTHONHASHSEED": seed, "LMSRX_REPORT_DATE": "2026-01-01"}).stdout
                for seed in ("1", "2", "3")}
        assert len(outs) == 1, args
