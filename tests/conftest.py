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
    from lmsrx import kb as kbmod

    return kbmod.load()


@pytest.fixture
def run():
    from lmsrx.cli import app, main  # noqa: F401

    runner = CliRunner()

    def invoke(*args, input=None):
        from lmsrx.cli import State, report
        from lmsrx.errors import LmsrxError

        State.extra_kb = []
        result = runner.invoke(app, list(args), input=input, catch_exceptions=True)
        if isinstance(result.exception, LmsrxError):
            import io
            import sys

            buf = io.StringIO()
            old, sys.stderr = sys.stderr, buf
            try:
                code = report(result.exception)
            finally:
                sys.stderr = old
            return _Result(code, result.stdout, buf.getvalue())
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return _Result(result.exit_code, result.stdout, result.stderr)

    return invoke


class _Result:
    def __init__(self, code, stdout, stderr):
        self.exit_code = code
        self.stdout = stdout
        self.stderr = stderr
