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


@pytest.fixture(scope="session")
def kb():
    from lmsrx.knowledge import load as loader

    return loader.load()


@pytest.fixture
def run():
    """Run ``lmsrx.cli.console.main(argv)`` (the real entry point and its error mapping) with captured streams."""
    runner = CliRunner()

    def invoke(*args, input=None):
        from lmsrx.cli.console import main

        with runner.isolation(input=input) as (out, err, _):
            code = main(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
            stdout = out.getvalue().decode("utf-8", "replace")
            stderr = err.getvalue().decode("utf-8", "replace")
        return _Result(code, stdout, stderr)

    return invoke


class _Result:
    def __init__(self, code, stdout, stderr):
        self.exit_code = code
        self.stdout = stdout
        self.stderr = stderr
