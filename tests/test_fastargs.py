"""The quick reader of everyday command lines (lmsrx.fastargs) reads exactly what the Typer app reads,
or leaves the call to it. (Every CLI test also checks this, through the ``run`` fixture.)"""
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import recorded_calls
from lmsrx import fastargs


def typer_calls(args):
    """The calls the Typer app makes for ``args`` (command bodies recorded, not run)."""
    from lmsrx import commands
    from lmsrx.cli import main

    commands.State.extra_kb, commands.State.no_pager = [], False
    with recorded_calls(execute=False) as calls, CliRunner().isolation():
        main(list(args))
    return calls


def test_the_shipped_description_is_the_typer_app():
    shipped = json.loads(open(fastargs.SPEC, encoding="utf-8").read())
    assert shipped == json.loads(json.dumps(fastargs.describe())), "stale: run python -m lmsrx.compiled"


@pytest.mark.parametrize("args", [
    ["options", "--line", "2", "--histology", "uterine", "--json"],
    ["--kb", "x.yaml", "--no-pager", "options", "--prior", "doxorubicin", "--prior=ifosfamide", "--size", "8.5"],
    ["dose", "ifosfamide", "--bsa", "1.8", "--planned", "9 g/m2", "--per", "cycle", "--no-cardiac-radiation"],
    ["drug", "-f", "json", "doxil"], ["kb", "info"], ["kb", "check", "a.yaml", "b.yaml"], ["compare", "a", "b", "c"],
    ["search", "liver", "toxicity", "--limit", "5"], ["order", "-"], ["options", "--batch", "-", "--compact"],
])
def test_everyday_calls_are_read_as_the_typer_app_reads_them(args):
    quick = fastargs.parse(args)
    assert quick is not None
    assert typer_calls(args) == [quick]


@pytest.mark.parametrize("args", [
    [], ["--help"], ["drug", "-h"], ["--version"], ["kb"], ["nosuch"], ["drug"], ["drug", "a", "b"],
    ["options", "--line", "0"], ["options", "--line", "11"], ["options", "--line", "+2"], ["options", "--line", "2.0"],
    ["options", "--size", "-5"], ["options", "--size", "1e3"], ["options", "--size", "nan"], ["options", "--size", "1."],
    ["options", "--histology", "Uterine"], ["options", "--line", "2", "--line", "3"], ["options", "--explain=1"],
    ["options", "--prior", "--line"], ["drug", "--", "ifosfamide"], ["drug", "-fjson", "x"], ["options", "--kb", "x"],
    ["drug", "x", "--json", "--json"], ["options", "--lin", "2"], ["--install-completion"], ["options", "--line"],
    ["dose", "x", "--cardiac-radiation", "--no-cardiac-radiation"], ["compare"], ["search"], ["drug", "-x"], ["kb info"], ["kb", "info check"],
])
def test_anything_unusual_is_left_to_the_typer_app(args):
    assert fastargs.parse(args) is None


_SPEC = json.loads(open(fastargs.SPEC, encoding="utf-8").read())
_WORDS = sorted({*_SPEC["commands"], *(w for c in _SPEC["commands"] for w in c.split()),
                 *(o for c in _SPEC["commands"].values() for o in c["options"]), *_SPEC["root"]["options"]})
_VALUES = sorted({v for c in _SPEC["commands"].values() for o in c["options"].values() for v in o.get("choices", [])}
                 | {"2", "0", "10", "11", "120", "121", "1.8", "007", "1.", ".5", "-5", "-", "--", "-h", "--json", "",
                    "x", "a b", "é", "+3", " 2", "٢", "1e3", "nan", "inf", "-fjson", "--format=json", "--line=2",
                    "--size=", "=", "9 g/m2", "doxorubicin", "TABLE"})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_WORDS + _VALUES), max_size=9))
def test_whatever_the_quick_reader_accepts_the_typer_app_calls_the_same(args):
    quick = fastargs.parse(args)
    if quick is not None:
        assert typer_calls(args) == [quick]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(_SPEC["commands"])), st.lists(st.sampled_from(_WORDS + _VALUES), max_size=8))
def test_the_same_after_a_command_name(command, rest):
    args = [*command.split(), *rest]
    quick = fastargs.parse(args)
    if quick is not None:
        assert typer_calls(args) == [quick]


def test_an_everyday_call_does_not_import_typer():
    code = ("import sys; sys.argv = ['lmsrx', 'drug', 'ifosfamide', '--format', 'json']\n"
            "from lmsrx.launch import entry\n"
            "try:\n    entry()\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
            "import gc\nassert gc.isenabled()  # off for the start-up only\n"
            "assert 'typer' not in sys.modules and 'rich' not in sys.modules and 'yaml' not in sys.modules, "
            "sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich', 'yaml'))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == "ifosfamide"


def test_a_completion_request_is_never_run_as_a_command():
    import os

    env = {**os.environ, "_LMSRX_COMPLETE": "complete_bash", "COMP_WORDS": "lmsrx options --prior dox", "COMP_CWORD": "3"}
    code = ("import sys; sys.argv = ['lmsrx', 'drug', 'ifosfamide', '--format', 'json']\n"
            "from lmsrx.launch import entry\nentry()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["doxil", "doxorubicin"]  # Typer's completion of --prior, not the drug card
