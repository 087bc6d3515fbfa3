"""The lmsrx command line: parse options, call the core, render, map errors to exit codes.

Nothing heavy is imported at module level: the knowledge base, YAML and Rich are
loaded only by the commands that need them, so ``--help`` and tab completion stay fast.
"""
from __future__ import annotations

import os
import shutil
import sys
from typing import Any, List, Optional

import typer

from lmsrx import __version__
from lmsrx.errors import ExitCode, KnowledgeError, LmsrxError, UsageError

HELP = """Treatment options and dosing rules for leiomyosarcoma (LMS), with their evidence.

Decision support for clinicians; not a substitute for clinical judgement.

Examples:

  lmsrx kb info

  lmsrx kb check my-institution.yaml

  lmsrx --kb my-institution.yaml kb info --format json
"""

app = typer.Typer(
    help=HELP, rich_markup_mode=None, pretty_exceptions_enable=False, no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
kb_app = typer.Typer(help="Check and describe the knowledge base.", rich_markup_mode=None, no_args_is_help=True,
                     context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(kb_app, name="kb")


class State:
    extra_kb: list[str] = []


def _version(value: bool) -> None:
    if value:
        from lmsrx import kb

        typer.echo(f"lmsrx {__version__} (knowledge base {kb.builtin_version()})")
        raise typer.Exit()


@app.callback()
def _root(
    kb: Optional[List[str]] = typer.Option(
        None, "--kb", metavar="PATH",
        help="Add an institution's knowledge file or folder to the built-in base (repeatable). "
             "An entry may replace a built-in one only if it says 'replace: true'."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the lmsrx and knowledge base versions and exit."),
) -> None:
    State.extra_kb = list(kb or [])


# ------------------------------------------------------------------ shared output options
FORMAT_HELP = "Output format: table, json, ndjson, csv, tsv or markdown. Default: table on a terminal, tsv otherwise."
COLOR_HELP = "Colour: auto (a terminal and no NO_COLOR), always or never."


def _terminal(color: str) -> Any:
    from lmsrx.render import Terminal

    is_tty = sys.stdout.isatty()
    width = shutil.get_terminal_size((80, 24)).columns if is_tty else int(os.environ.get("COLUMNS", "0") or 0) or 100
    from lmsrx.render import color_wanted

    return Terminal(is_tty=is_tty, width=max(40, min(width, 240)), color=color_wanted(color, is_tty))


def _check_choice(value: Optional[str], choices: tuple[str, ...], name: str) -> Optional[str]:
    if value is not None and value not in choices:
        raise UsageError(f"invalid value for {name}: {value!r}; choose from {', '.join(choices)}")
    return value


def emit(view: Any, fmt: Optional[str], color: str) -> None:
    from lmsrx.render import FORMATS, default_format, render

    _check_choice(fmt, FORMATS, "--format")
    _check_choice(color, ("auto", "always", "never"), "--color")
    terminal = _terminal(color)
    render(view, fmt or default_format(terminal), terminal, sys.stdout)


def load_kb(extra: Optional[List[str]] = None) -> Any:
    from lmsrx import kb

    return kb.load([*State.extra_kb, *(extra or [])])


# ------------------------------------------------------------------ kb
@kb_app.command("check")
def kb_check(
    paths: Optional[List[str]] = typer.Argument(None, metavar="[PATH]...", help="Extra knowledge files or folders to validate with the built-in base."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    color: str = typer.Option("auto", "--color", help=COLOR_HELP),
) -> None:
    """Validate the built-in knowledge base plus extra files; exit 4 listing every problem as file:line."""
    from lmsrx import views

    emit(views.kb_check(load_kb(paths)), fmt, color)


@kb_app.command("info")
def kb_info(
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    color: str = typer.Option("auto", "--color", help=COLOR_HELP),
) -> None:
    """Version, review date, record counts, sha256 of the content, and sources."""
    from lmsrx import views

    emit(views.kb_info(load_kb()), fmt, color)


# ------------------------------------------------------------------ entry point and exit codes
def report(exc: LmsrxError) -> int:
    """The one place that turns an expected error into a message on stderr and an exit code."""
    err = sys.stderr
    if isinstance(exc, KnowledgeError):
        for problem in exc.problems:
            err.write(f"{problem}\n")
        err.write(f"lmsrx: {exc.message}\n")
    else:
        err.write(f"lmsrx: error: {exc.message}\n")
    if exc.hint:
        err.write(f"lmsrx: {exc.hint}\n")
    return int(exc.exit_code)


def main(argv: Optional[List[str]] = None) -> None:
    try:
        app(args=argv, prog_name="lmsrx", standalone_mode=True)
    except LmsrxError as exc:
        sys.exit(report(exc))
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(int(ExitCode.OK))
    except KeyboardInterrupt:
        sys.stderr.write("lmsrx: interrupted\n")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - no traceback may reach a user
        sys.stderr.write(f"lmsrx: internal error ({type(exc).__name__}); please report it. No output was produced.\n")
        sys.exit(70)


def _quiet_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
