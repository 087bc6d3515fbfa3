"""Domain errors and the exit-code table.

Each expected failure carries its exit code here; :func:`lmsrx.cli.application.run` is the one place that turns an
outcome into the process's exit status.
"""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    NOTHING_ELIGIBLE = 1
    USAGE = 2
    DOSE_LIMIT_EXCEEDED = 3
    INVALID_KNOWLEDGE = 4
    INTERNAL = 70  # a bug: a one-line message, never a traceback
    OUTPUT_ERROR = 74  # stdout closed or full (EX_IOERR)
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    BROKEN_PIPE = 141  # the reader stopped reading (128 + SIGPIPE): the answer was not fully delivered
    TERMINATED = 143  # SIGTERM (128 + SIGTERM)


def options_status(candidates: int) -> ExitCode:
    """``options``: 0 with at least one candidate (eligible or conditional), 1 with none."""
    return ExitCode.OK if candidates else ExitCode.NOTHING_ELIGIBLE


def dose_status(verdict: str, fail_on: str = "exceeds") -> ExitCode:
    """``dose`` and ``order``: 3 when the verdict is ``exceeds``, or ``warning`` with ``fail_on='warning'``."""
    bad = verdict == "exceeds" or (fail_on == "warning" and verdict == "warning")
    return ExitCode.DOSE_LIMIT_EXCEEDED if bad else ExitCode.OK


class OutputClosed(Exception):
    """Writing to stdout failed: the reader went away (broken pipe) or the device is full or closed.

    Deliberately not an ``OSError``: Click turns a broken-pipe ``OSError`` into exit 1, which would
    read as "nothing eligible"; this reaches :func:`lmsrx.cli.application.run` instead."""

    def __init__(self, code: ExitCode, why: str) -> None:
        super().__init__(why)
        self.code = code
        self.why = why


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM, raised by lmsrx's own signal handler so that Click does not turn it into exit 1."""

    def __init__(self, signum: int = 2) -> None:
        super().__init__(signum)
        self.signum = signum


class LmsrxError(Exception):
    """An expected failure with a message for people and an exit code."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(LmsrxError):
    exit_code = ExitCode.USAGE


class WorkerLost(LmsrxError):
    """A ``--jobs`` worker process died (killed from outside): the run stops, saying which lines were not answered."""

    exit_code = ExitCode.INTERNAL


class Problem:
    """One problem in a knowledge file, reported as ``path:line: message``."""

    __slots__ = ("path", "line", "message")

    def __init__(self, path: str, line: int, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Problem({str(self)!r})"


class KnowledgeError(LmsrxError):
    """The knowledge base (built-in or extra) is invalid: every problem at once."""

    exit_code = ExitCode.INVALID_KNOWLEDGE

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.message))
        n = len(self.problems)
        super().__init__(f"invalid knowledge base: {n} problem{'s' if n != 1 else ''}")
