"""``lmsrx``: :func:`main`, over the Typer app with every command registered (the console script is
:func:`lmsrx.cli.entry`)."""
from __future__ import annotations

import sys
from typing import Any, List, Optional

import typer

from lmsrx.cli import doses, evidence, knowledge, patients  # noqa: F401 - each registers its commands on the app
from lmsrx.cli.application import app, run
from lmsrx.environment import Environment


def main(argv: Optional[List[str]] = None, env: Environment | None = None) -> int:
    """Run lmsrx with ``argv`` (default: the command line) in ``env`` (default: this process's); return the exit
    status; never raises."""
    env = Environment.from_os() if env is None else env
    args = list(sys.argv[1:] if argv is None else argv)
    end = args.index("--") if "--" in args else len(args)
    if "--json" in args[:end]:  # --json is --format json, everywhere
        i = args.index("--json")
        args[i:i + 1] = ["--format", "json"]
    command = typer.main.get_command(_with_commands_named(args))
    return run(lambda: command.main(args=args, prog_name="lmsrx", standalone_mode=False, obj=env), env)


def _with_commands_named(args: List[str]) -> typer.Typer:
    """The app with only the commands named on the command line (or in the words a shell asks to complete), or every
    command when none is named (help, a mistyped name, completing a command's name).

    Typer turns every registered command's signature into Click options on every call; building only the command
    that will run saves most of that. Nothing is parsed here: a word that names a command keeps that command,
    wherever it stands, so Typer still reads the whole line and reports every error itself."""
    import copy
    import os

    words = set(args)
    if os.environ.get("_LMSRX_COMPLETE"):
        words = set(_complete_words(os.environ))
    names = {_name(c): c for c in app.registered_commands}
    groups = {g.name: g for g in app.registered_groups}
    named = [w for w in words if w in names or w in groups]
    if not named:
        return app
    chosen = copy.copy(app)
    chosen.registered_commands = [c for name, c in names.items() if name in words]
    chosen.registered_groups = [g for name, g in groups.items() if name in words]
    return chosen


def _name(command: Any) -> str:
    return command.name or command.callback.__name__.replace("_", "-")


def _complete_words(environ: Any) -> List[str]:
    """The finished words of a line a shell asks to complete (the word being completed may name a longer command)."""
    if "COMP_WORDS" in environ:  # bash: the words, and the index of the one being completed
        words = environ["COMP_WORDS"].split()
        try:
            cword = int(environ.get("COMP_CWORD", ""))
        except ValueError:
            return []
        return words[:cword]
    line = environ.get("_TYPER_COMPLETE_ARGS", "")  # zsh, fish, PowerShell: the line; its last word is being typed
    words = line.split()
    return words if line.endswith(" ") else words[:-1]


def entry() -> None:
    """What console scripts made before 2026-12-03 name (``lmsrx.cli.console:entry``): :func:`lmsrx.cli.entry`."""
    from lmsrx.cli import entry as console_script

    console_script()
