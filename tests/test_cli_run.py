"""One reader (Typer), one map from outcomes to exit codes, an Environment that tests build directly."""
import io
import os
import subprocess
import sys

import pytest

from lmsrx.cli.console import main
from lmsrx.environment import Environment


def env(**kw):
    return Environment(stdin=io.BytesIO(kw.pop("stdin", b"")), stdout=io.StringIO(), stderr=io.StringIO(), **kw)


def test_an_environment_built_by_a_test():
    e = env(stdout_isatty=False, columns_env=90)
    assert main(["drug", "ifosfamide", "--format", "tsv"], e) == 0 and "ifosfamide" in e.stdout.getvalue()
    assert e.width() == 90 and not e.color("auto") and e.color("always")
    tty = Environment(stdout=io.StringIO(), stderr=io.StringIO(), stdout_isatty=True, columns=120)
    assert tty.width() == 120 and tty.color("auto") and not Environment(stdout_isatty=True, no_color=True).color("auto")


def test_root_options_before_or_after_the_command(tmp_path):
    extra = tmp_path / "x.yaml"
    extra.write_text("references:\n  my-ref: {kind: article, verified: partial, title: Mine}\n", encoding="utf-8")
    for args in (["--kb", str(extra), "--no-pager", "cite", "my-ref"], ["cite", "my-ref", "--kb", str(extra), "--no-pager"]):
        e = env()
        assert main(args, e) == 0, e.stderr.getvalue()
        assert "Mine" in e.stdout.getvalue() and e.no_pager


def test_stdin_from_the_environment():
    e = env(stdin=b'{"line": 2, "histology": "uterine"}')
    assert main(["options", "--patient", "-", "--format", "json"], e) == 0
    closed = Environment(stdin=None, stdout=io.StringIO(), stderr=io.StringIO())
    assert main(["options", "--batch", "-"], closed) == 2 and "standard input" in closed.stderr.getvalue()


def test_an_internal_error_is_one_line_unless_a_traceback_is_asked(monkeypatch):
    from lmsrx import api

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "drug", boom)
    e = env()
    assert main(["drug", "ifosfamide"], e) == 70
    assert "Traceback" not in e.stderr.getvalue() and "internal error (RuntimeError)" in e.stderr.getvalue()
    for args, debug in ((["--traceback", "drug", "ifosfamide"], False), (["drug", "ifosfamide"], True)):
        e = env(debug=debug)
        assert main(args, e) == 70 and "Traceback" in e.stderr.getvalue() and "boom" in e.stderr.getvalue()


@pytest.mark.parametrize("args", [["options", "--histology", "Uterine", "--line", "2"], ["options", "-fjson", "--line", "2"],
                                  ["options", "--format=TSV", "--line", "2"], ["dose", "doxorubicin", "--bsa", "+1.8",
                                                                               "--planned", "75 mg/m2"]])
def test_any_call_that_cannot_write_exits_74(args):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    quoted = " ".join(f"'{a}'" for a in args)
    done = subprocess.run(["bash", "-c", f"{sys.executable} -m lmsrx {quoted} >/dev/full; echo $? >&2"],
                          capture_output=True, text=True, check=False)
    assert done.stderr.strip().splitlines()[-1] == "74" and "Traceback" not in done.stderr, done.stderr


def test_a_reader_that_leaves_is_141_quietly(tmp_path):
    batch = tmp_path / "b.ndjson"
    batch.write_text('{"line": 2}\n' * 300, encoding="utf-8")
    shell = f"{sys.executable} -m lmsrx options --batch {batch} | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}} >&2"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, check=False)
    assert done.stderr.strip().splitlines() == ["141"], done.stderr


def test_usage_errors_from_typer_are_exit_2():
    e = env()
    assert main(["options", "--line", "99"], e) == 2 and "--line" in e.stderr.getvalue()
    e = env()
    assert main(["nosuch"], e) == 2
