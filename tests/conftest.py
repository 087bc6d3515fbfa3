import contextlib
import sys

import pytest
from typer.testing import CliRunner

ENV_VARS = ("FORCE_COLOR", "NO_COLOR", "COLUMNS", "LINES", "CI", "GITHUB_ACTIONS", "TERM", "PY_COLORS", "CLICOLOR_FORCE")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """Tests see no colour or width settings from the machine or CI."""
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LMSRX_CACHE_DIR", "")  # --kb extras validated every time (tests/test_kbcache.py turns it on)


@pytest.fixture(scope="session")
def kb():
    from lmsrx import kb as kbmod

    return kbmod.load()


@pytest.fixture
def run():
    """Run ``lmsrx.cli.main(argv)`` (the real entry point and its error mapping) with captured streams.

    Every call also checks the quick reader of the console script (:mod:`lmsrx.fastargs`): when it accepts
    the command line, the Typer app must have made exactly the call it reads."""
    runner = CliRunner()

    def invoke(*args, input=None):
        from lmsrx import commands, fastargs
        from lmsrx.cli import main

        commands.State.extra_kb, commands.State.no_pager = [], False
        with recorded_calls() as calls, runner.isolation(input=input) as (out, err, _):
            code = main(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
            stdout = out.getvalue().decode("utf-8", "replace")
            stderr = err.getvalue().decode("utf-8", "replace")
        quick = fastargs.parse(list(args))
        if quick is not None:
            assert calls == [quick], f"lmsrx.fastargs reads {args} otherwise than the Typer app"
        return _Result(code, stdout, stderr)

    return invoke


@contextlib.contextmanager
def recorded_calls(execute=True):
    """Record each call of a command body as (command, keyword arguments, root options), as fastargs.parse
    gives them; ``execute=False`` records without running the command."""
    from lmsrx import commands

    calls, originals = [], dict(commands.COMMANDS)

    def recorder(name, function):
        def record(**kwargs):
            root = {"kb": list(commands.State.extra_kb) or None, "no_pager": commands.State.no_pager}
            calls.append((name, dict(kwargs), root))
            return function(**kwargs) if execute else 0
        return record

    commands.COMMANDS.update({name: recorder(name, function) for name, function in originals.items()})
    try:
        yield calls
    finally:
        commands.COMMANDS.update(originals)


class _Result:
    def __init__(self, code, stdout, stderr):
        self.exit_code = code
        self.stdout = stdout
        self.stderr = stderr
