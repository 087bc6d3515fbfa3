"""Docs that cannot drift: the README's commands match CI and the CLI."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (command,) = [l for l in ci.splitlines() if l.startswith("python3 -m venv .venv && ")]
    assert command in readme


def test_every_command_is_in_the_readme(run):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    out = run("--help").stdout
    commands = re.findall(r"^  (\w[\w-]*)\s{2,}", out, re.M)
    assert commands, out
    for name in commands:
        assert f"lmsrx {name}" in readme, name


def test_changelog_has_unreleased():
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_histology_help_matches_the_patient_vocabulary():
    from lmsrx.cli.params import HISTOLOGY_HELP
    from lmsrx.clinical.patient import SITE_HELP

    assert HISTOLOGY_HELP == "Site of the primary: " + "; ".join(f"{k} = {v}" for k, v in SITE_HELP.items()) + "."


def test_readme_python_examples_run():
    import doctest
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert blocks
    for block in blocks:
        test = doctest.DocTestParser().get_doctest(block, {}, "README", "README.md", 0)
        runner = doctest.DocTestRunner()
        runner.run(test)
        assert runner.failures == 0


def test_the_core_imports_neither_typer_nor_rich():
    import subprocess
    import sys

    code = ("import importlib, pkgutil, sys, lmsrx, lmsrx.api, lmsrx.batch\n"
            "for pkg in ('knowledge', 'clinical', 'dosing', 'orders', 'output'):\n"
            "    base = importlib.import_module('lmsrx.' + pkg)\n"
            "    for info in pkgutil.iter_modules(base.__path__):\n"
            "        importlib.import_module(base.__name__ + '.' + info.name)\n"
            "lmsrx.options({'line': 2}).to_dict(); lmsrx.dose('ifosfamide', '9 g/m2', bsa=1.8, per='cycle').to_dict()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich', 'click')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr
