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
    from lmsrx.cli import HISTOLOGY_HELP
    from lmsrx.patient import SITE_HELP

    assert HISTOLOGY_HELP == "Site of the primary: " + "; ".join(f"{k} = {v}" for k, v in SITE_HELP.items()) + "."
