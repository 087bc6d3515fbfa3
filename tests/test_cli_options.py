"""CLI: lmsrx options in every format, exit codes, patient files, batch."""
import json

import pytest
from golden_util import check

from lmsrx.output import render, table
from lmsrx.output import view as view_mod

QUERIES = {
    "options_line2_uterine": ["options", "--line", "2", "--histology", "uterine"],
    "options_line2_uterine_er_prior_dox": ["options", "--line", "2", "--histology", "uterine", "--biomarker", "er-positive",
                                           "--prior", "doxorubicin", "--condition", "cardiac"],
    "options_adjuvant_retroperitoneal": ["options", "--setting", "adjuvant", "--grade", "high", "--size", "7.5",
                                         "--histology", "retroperitoneal"],
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_golden_json(run, name):
    r = run(*QUERIES[name], "--format", "json")
    assert r.exit_code == 0, r.stderr
    check(f"{name}.json", r.stdout)


def test_golden_tsv_default_when_piped(run):
    r = run(*QUERIES["options_line2_uterine"])
    assert r.exit_code == 0
    check("options_line2_uterine.tsv", r.stdout)


def test_json_shape(run, kb):
    data = json.loads(run(*QUERIES["options_line2_uterine_er_prior_dox"], "--format", "json").stdout)
    assert set(data) == {"query", "knowledge", "candidates", "excluded"}
    assert data["knowledge"] == {"version": kb.meta.version, "sha256": kb.sha256}
    assert data["query"]["setting"] == "metastatic" and data["query"]["prior"] == ["doxorubicin"]
    for c in data["candidates"]:
        assert {"id", "name", "drugs", "status", "needs", "evidence", "cautions", "why"} <= set(c)
        assert c["status"] in ("eligible", "conditional") and c["evidence"]
        assert all({"id", "title", "design", "lms_result", "favoured_arm", "tested_this_regimen", "counts_as_support",
                    "newer_than_source", "congress", "grades", "summary", "citation", "endpoints"} == set(e) for e in c["evidence"])
    for e in data["excluded"]:
        assert set(e) == {"id", "name", "drugs", "reasons", "newer_than_source"} and e["reasons"]
    statuses = {c["id"]: c["status"] for c in data["candidates"]}
    assert statuses["letrozole"] == "eligible" and "doxorubicin" not in statuses
    dox = next(c for c in data["excluded"] if c["id"] == "doxorubicin")
    assert "already given" in dox["reasons"][0]


def test_csv_and_tsv_are_rectangular(run):
    import csv
    import io

    for fmt, delim in (("csv", ","), ("tsv", "\t")):
        out = run(*QUERIES["options_line2_uterine"], "--format", fmt).stdout
        rows = list(csv.reader(io.StringIO(out), delimiter=delim)) if fmt == "csv" else [l.split("\t") for l in out.splitlines()]
        assert rows[0][:3] == ["status", "id", "name"]
        assert len({len(r) for r in rows}) == 1 and len(rows) == 30


def test_ndjson_one_line(run):
    out = run(*QUERIES["options_line2_uterine"], "--format", "ndjson").stdout
    assert out.count("\n") == 1 and json.loads(out)["candidates"]


def test_table_and_markdown(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "240")
    table = run(*QUERIES["options_line2_uterine_er_prior_dox"], "--format", "table", "--long").stdout
    assert "LMS options: metastatic; line 2; uterine" in table
    assert "Eligible (" in table and "Conditional (" in table and "Excluded (" in table
    assert "4.2 vs dacarbazine 1.5 months" in table  # trabectedin figures whole, arms named
    monkeypatch.setenv("COLUMNS", "80")
    narrow = run(*QUERIES["options_line2_uterine_er_prior_dox"], "--format", "table", "--long").stdout
    assert "\u2026" not in narrow and max(len(l) for l in narrow.splitlines()) <= 80
    assert "\x1b[" not in table  # no colour when not asked
    md = run(*QUERIES["options_line2_uterine"], "--format", "markdown", "--long").stdout
    assert md.startswith("## LMS options") and "| Regimen | Key evidence |" in md


def test_compact_table_at_80_columns_keeps_ids_and_figures_whole(run, kb, monkeypatch):
    import re

    monkeypatch.setenv("COLUMNS", "80")
    out = run(*QUERIES["options_line2_uterine"], "--format", "table").stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80  # summary cells may end in an ellipsis: --long has them whole
    cells = [part.strip() for line in lines for part in re.split(r"[│┃]", line)]
    for reg in kb.regimens:  # every id is named whole, on one line, in its status line
        assert any(re.search(rf"(?<![\w-]){re.escape(reg)}(?![\w-])", line) for line in lines[:12]), reg
    assert "1.6 months" in out  # a number stays with its unit
    units = ("months", "month", "mg/m2", "%", "years")
    for upper, lower in zip(cells, cells[1:]):
        assert not (re.search(r"\d$", upper) and lower.split(" ")[0] in units), (upper, lower)
    assert "ELIGIBLE" in out and "CONDITIONAL" in out and "EXCLUDED" in out


def test_pager_only_on_a_terminal(monkeypatch):
    import io

    from lmsrx import api

    calls = []
    monkeypatch.setattr(table, "_page", lambda text, terminal, out: calls.append(len(text)))
    view = api.options({"line": 2}).view()
    render.render(view, "table", view_mod.Terminal(is_tty=False, width=80, pager=False), io.StringIO())
    assert calls == []
    render.render(view, "table", view_mod.Terminal(is_tty=True, width=80, height=20, pager=True), io.StringIO())
    assert len(calls) == 1
    render.render(view, "table", view_mod.Terminal(is_tty=True, width=80, height=20, pager=False), io.StringIO())  # --no-pager
    assert len(calls) == 1


def test_color_always_and_no_color(run, monkeypatch):
    assert "\x1b[" in run(*QUERIES["options_line2_uterine"], "--format", "table", "--color", "always").stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run(*QUERIES["options_line2_uterine"], "--format", "table").stdout


def test_explain_lists_every_criterion(run):
    data = json.loads(run(*QUERIES["options_line2_uterine"], "--explain", "--format", "json").stdout)
    letrozole = next(c for c in data["candidates"] if c["id"] == "letrozole")
    verdicts = {c["test"]: c["verdict"] for c in letrozole["criteria"]}
    assert verdicts == {"setting": "met", "line": "met", "site": "met", "biomarker": "unknown"}
    table = run(*QUERIES["options_line2_uterine"], "--explain", "--format", "table").stdout
    assert "Every criterion (--explain)" in table


def test_nothing_eligible_exits_1(run):
    r = run("options", "--setting", "adjuvant", "--grade", "low", "--size", "3", "--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data["candidates"] == [] and data["excluded"]


@pytest.mark.parametrize("args, words", [
    (["--histology", "lung"], "'lung' is not one of 'uterine', 'extremity'"),
    (["--line", "0"], "0"),
    (["--line", "x"], "x"),
    (["--size", "nan"], "above 0"),
    (["--size", "inf"], "above 0"),
    (["--size", "-2"], "above 0"),
    (["--biomarker", "er-positive", "--biomarker", "er-negative"], "contradictory"),
    (["--prior", "doxorubicn"], "did you mean doxorubicin"),
    (["--setting", "adjuvant", "--line", "2"], "contradicts"),
    (["--exclude", "aspirin"], "unknown drug"),
    (["--batch", "-", "--line", "2"], "do not combine"),
])
def test_usage_errors_exit_2(run, args, words):
    r = run("options", *args)
    assert r.exit_code == 2
    assert words in (r.stderr + r.stdout)
    assert "Traceback" not in r.stderr + r.stdout


def test_patient_file_yaml_json_and_stdin(run, tmp_path):
    y = tmp_path / "p.yaml"
    y.write_text("id: P1\nline: 2\nhistology: uterine\nbiomarkers: [er-positive]\nprior: [doxorubicin]\n", encoding="utf-8")
    j = tmp_path / "p.json"
    j.write_text(json.dumps({"id": "P1", "line": 2, "histology": "uterine", "biomarkers": ["er-positive"], "prior": ["doxorubicin"]}))
    a = json.loads(run("options", "--patient", str(y), "--format", "json").stdout)
    b = json.loads(run("options", "--patient", str(j), "--format", "json").stdout)
    c = json.loads(run("options", "--patient", "-", "--format", "json", input=j.read_text()).stdout)
    assert a == b == c and a["query"]["id"] == "P1"
    d = json.loads(run("options", "--patient", str(y), "--line", "1", "--format", "json").stdout)
    assert d["query"]["line"] == 1  # flags override the file


def test_patient_file_errors(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("line: 2\nline: 3\n", encoding="utf-8")
    r = run("options", "--patient", str(bad))
    assert r.exit_code == 2 and "duplicate key 'line'" in r.stderr
    r = run("options", "--patient", str(tmp_path / "missing.json"))
    assert r.exit_code == 2 and "cannot read" in r.stderr
    r = run("options", "--patient", "-", input='{"line": NaN}')
    assert r.exit_code == 2 and "not valid JSON" in r.stderr
    r = run("options", "--patient", "-", input='{"line": 2, "size_cm": 1e309}')  # too large for a float: not infinity
    assert r.exit_code == 2 and "1e309 is not a finite number" in r.stderr


def test_batch_in_order_with_in_band_errors(run):
    lines = [
        {"id": "a", "line": 2, "histology": "uterine", "biomarkers": ["er-positive"], "prior": ["doxorubicin"]},
        {"id": "b", "histology": "lung"},
        {"id": "c", "setting": "adjuvant", "grade": "low", "size_cm": 3},
    ]
    text = "\n".join(json.dumps(x) for x in lines) + "\n\nnot json\n"
    r = run("options", "--batch", "-", input=text)
    assert r.exit_code == 2  # the worst seen
    out = [json.loads(l) for l in r.stdout.splitlines()]
    assert [o.get("id") or o.get("query", {}).get("id") for o in out] == ["a", "b", "c", None, None]
    assert out[0]["candidates"] and out[0]["query"]["id"] == "a"
    assert out[1] == {"line": 2, "id": "b", "error": {"exit_code": 2, "message": "invalid histology 'lung'; valid choices: uterine, extremity, trunk, retroperitoneal, other"}}
    assert out[2]["candidates"] == []
    assert out[3] == {"line": 4, "skipped": "blank line"}  # one output line per input line
    assert out[4]["line"] == 5 and "not valid JSON" in out[4]["error"]["message"]


def test_batch_exit_1_when_worst_is_nothing_eligible(run):
    r = run("options", "--batch", "-", input='{"id": 1, "line": 1}\n{"id": 2, "setting": "adjuvant", "grade": "low"}\n')
    assert r.exit_code == 1


def test_batch_tsv_has_patient_column_and_one_header(run):
    r = run("options", "--batch", "-", "--format", "tsv", input='{"id": "a", "line": 1}\n{"id": "b", "line": 2}\n')
    lines = r.stdout.splitlines()
    assert lines[0].startswith("patient\tstatus\tid") and sum(l.startswith("patient\t") for l in lines) == 1
    assert len(lines) == 1 + 2 * 29
