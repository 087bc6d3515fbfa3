"""Rendering hazards: Rich markup in data, terminal escapes, spreadsheet formulas, NaN."""
import csv
import io

import pytest

from lmsrx.output.render import render
from lmsrx.output.view import Section, Terminal, View

HOSTILE = "[/trials] [link=http://evil.example]click[/link] [bold]x[/bold] :pill: =HYPERLINK(\"x\")"


def test_kb_text_is_never_rich_markup(run, tmp_path):
    extra = tmp_path / "inst.yaml"
    extra.write_text(
        "drugs:\n  testdrug:\n    name: Testdrug\n    lms_status: off-label\n"
        f"    summary: '{HOSTILE}'\n    cite: [statpearls-lms-2020]\n", encoding="utf-8")
    r = run("--kb", str(extra), "drug", "testdrug", "--format", "table", "--color", "always")
    assert r.exit_code == 0, r.stderr
    flat = " ".join(r.stdout.replace("\x1b", "").split())
    for piece in ("[/trials]", "[link=http://evil.example]click[/link]", "[bold]x[/bold]", ":pill:"):
        assert piece in flat, piece
    assert "\x1b]8;" not in r.stdout  # no live hyperlink


def test_escape_sequences_in_data_are_made_visible():
    out = io.StringIO()
    view = View(title="t\x1b]52;c;AAAA\x07", data={}, sections=[Section("s", ["c"], [["a\x1b[2Jb"]])])
    render(view, "table", Terminal(is_tty=True, width=80, color=False), out)
    assert "\x1b" not in out.getvalue() and "\\x1b" in out.getvalue()


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_csv_formulas_neutralised(cell):
    out = io.StringIO()
    render(View(title="t", data={}, rows=[{"a": cell, "n": -1.5}]), "csv", Terminal(), out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1][0] == "'" + cell and rows[1][1] == "-1.5"  # numbers stay numbers


def test_tsv_escapes_tabs_and_newlines():
    out = io.StringIO()
    render(View(title="t", data={}, rows=[{"a": "x\ty\nz"}]), "tsv", Terminal(), out)
    assert out.getvalue() == "a\nx\\ty\\nz\n"


def test_json_refuses_nan():
    with pytest.raises(ValueError):
        render(View(title="t", data={"x": float("nan")}), "json", Terminal(), io.StringIO())


def test_force_color_and_no_color():
    from lmsrx.environment import Environment

    def wanted(choice, tty, **environ):
        return Environment.from_os(stdout=io.StringIO(), environ=environ).__class__(
            **{**Environment.from_os(stdout=io.StringIO(), environ=environ).__dict__, "stdout_isatty": tty}).color(choice)

    assert wanted("auto", True) and not wanted("auto", False)
    assert wanted("auto", False, FORCE_COLOR="1")
    assert not wanted("auto", True, NO_COLOR="1", FORCE_COLOR="1") and wanted("always", False, NO_COLOR="1")
    assert wanted("auto", True, NO_COLOR="")  # an empty NO_COLOR counts as unset


def test_tsv_and_csv_neutralise_formulas_and_escapes():
    from lmsrx.output.render import _csv_safe, _tsv_safe, dumps

    assert _tsv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _tsv_safe(" =1+1") == "' =1+1"
    assert _tsv_safe("a\x1b[2Jb\u202e") == "a\\x1b[2Jb\\u202e"
    assert _csv_safe("x\r=1+1") == "x\n=1+1" and _csv_safe(-3) == -3
    assert dumps({"a": "x\u202e\x85"}) == '{"a":"x\\u202e\\u0085"}'


def test_yaml_escapes_of_control_characters_are_refused():
    from lmsrx.knowledge.yamlsafe import load_yaml

    for text in ('a: "\\e[2J"\n', 'a: "\\x07"\n', 'a: "\\u202e"\n', "a: \"\\x9b\"\n"):
        value, problems = load_yaml(text.encode(), "x.yaml")
        assert value is None and "x.yaml:1" in str(problems[0]), text
