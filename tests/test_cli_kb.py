"""CLI: version, kb check, kb info, --kb, exit codes, no tracebacks, lazy imports."""
import json
import subprocess
import sys

from lmsrx import __version__


def test_version(run, kb):
    r = run("--version")
    assert r.exit_code == 0
    assert r.stdout == f"lmsrx {__version__} (knowledge base {kb.meta.version})\n"


def test_kb_check_ok(run, kb):
    r = run("kb", "check", "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["ok"] is True and data["counts"] == kb.counts() and data["sha256"] == kb.sha256


def test_kb_check_reports_every_problem_with_file_line_and_exit_4(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("drugs:\n  x:\n    name: X\n    lms_status: maybe\n    colour: red\n", encoding="utf-8")
    r = run("kb", "check", str(bad))
    assert r.exit_code == 4
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert f"{bad}:2: drugs.x: missing required key 'summary'" in lines
    assert f"{bad}:4: drugs.x.lms_status: 'maybe' is not one of: approved, approved-sts, tumour-agnostic, off-label, withdrawn, not-recommended, supportive, unrecorded" in lines
    assert any(l.startswith(f"{bad}:5: ") and "unknown key 'colour'" in l for l in lines)
    assert lines[-1].startswith("lmsrx: invalid knowledge base: ")
    assert "Traceback" not in r.stderr


def test_global_kb_option_applies_to_any_command(run, tmp_path):
    extra = tmp_path / "inst.yaml"
    extra.write_text("drugs:\n  ifosfamide:\n    name: X\n    lms_status: off-label\n    summary: s\n    cite: [statpearls-lms-2020]\n", encoding="utf-8")
    r = run("--kb", str(extra), "kb", "info", "--format", "json")
    assert r.exit_code == 4
    assert f"{extra}:2: drugs.ifosfamide already exists in the built-in base (knowledge/drugs.yaml:" in r.stderr


def test_missing_kb_path_is_usage_error(run, tmp_path):
    r = run("--kb", str(tmp_path / "missing.yaml"), "kb", "info")
    assert r.exit_code == 2 and "no such knowledge file" in r.stderr


def test_kb_info_formats(run, kb):
    r = run("kb", "info", "--format", "json")
    data = json.loads(r.stdout)
    assert data["version"] == kb.meta.version and data["review_date"] == kb.meta.review_date
    assert data["counts"] == {"references": 129, "drugs": 29, "evidence": 54, "regimens": 29, "classes": 11, "rules": 80}
    tsv = run("kb", "info").stdout.splitlines()  # not a terminal: tsv by default
    assert tsv[0] == "key\tvalue" and tsv[2] == f"version\t{kb.meta.version}"
    table = run("kb", "info", "--format", "table").stdout
    assert kb.meta.version in table and "Sources" in table
    md = run("kb", "info", "--format", "markdown").stdout
    assert md.startswith("## ")


def test_bad_format_is_usage_error(run):
    r = run("kb", "info", "--format", "yaml")
    assert r.exit_code == 2 and "'yaml' is not one of 'table', 'json'" in r.stderr


def test_help_has_examples_and_no_markup_loss(run):
    r = run("--help")
    assert r.exit_code == 0 and "Examples:" in r.stdout and "lmsrx kb info" in r.stdout
    assert run("-h").exit_code == 0


def _python(*args, env=None):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=60)


def test_python_m_lmsrx_and_no_rich_import_for_pipes():
    code = ("import sys; sys.argv=['lmsrx','kb','info','--format','json'];"
            "from lmsrx.cli import main\ntry:\n    main()\nexcept SystemExit: pass\n"
            "sys.stderr.write('RICH' if any(m == 'rich' or m.startswith('rich.') for m in sys.modules) else 'NORICH')")
    r = _python("-c", code)
    assert r.stderr.endswith("NORICH"), r.stderr
    assert json.loads(r.stdout)["counts"]["drugs"] == 29
    r = _python("-m", "lmsrx", "--version")
    assert r.returncode == 0 and r.stdout.startswith("lmsrx ")


def test_console_script_raises_the_collector_threshold_and_the_api_leaves_it():
    """The entry point's one start-up setting (see lmsrx.cli.entry), kept to the end; importing the API changes nothing."""
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: sys.stderr.write(f'{gc.get_threshold()[0]} {gc.get_freeze_count() > 0} '))\n"
            "sys.argv = ['lmsrx', '--version']\nfrom lmsrx.cli import entry\nentry()\n")
    r = _python("-c", code)
    assert r.returncode == 0 and r.stdout.startswith("lmsrx ")
    assert r.stderr.endswith("100000 True "), r.stderr  # and what is alive at the end is frozen before shutdown
    dangerous = "import sys; sys.argv = ['lmsrx', 'dose', 'docetaxel', '--bsa', '1.8', '--planned', '200 mg/m2']\n"
    r = _python("-c", dangerous + "from lmsrx.cli import entry\nentry()\n")
    assert r.returncode == 3 and "exceeds" in r.stdout.lower(), (r.returncode, r.stdout)  # the status and the answer kept
    assert _python("-c", "import gc, lmsrx.api; print(gc.get_threshold()[0])").stdout.strip() == "700"  # the API: untouched
    old_script = "import sys; sys.argv = ['lmsrx', '--version']\nfrom lmsrx.cli.console import entry\nentry()\n"
    r = _python("-c", old_script)  # what a console script made before lmsrx.cli.entry names
    assert r.returncode == 0 and r.stdout.startswith("lmsrx ")


def test_help_imports_neither_rich_nor_yaml():
    code = ("import sys; sys.argv=['lmsrx','--help']\nfrom lmsrx.cli import main\ntry:\n    main()\nexcept SystemExit: pass\n"
            "sys.stderr.write(','.join(sorted(m for m in ('rich','yaml','pydantic') if m in sys.modules)) or 'NONE')")
    r = _python("-c", code)
    assert r.stderr.endswith("NONE"), r.stderr
