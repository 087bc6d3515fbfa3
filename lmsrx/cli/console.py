"""``lmsrx``: the console script and :func:`main`, over the Typer app with every command registered."""
from __future__ import annotations

import sys
from typing import List, Optional

import typer

from lmsrx.cli import doses, evidence, knowledge, patients  # noqa: F401 - each registers its commands on the app
from lmsrx.cli.application import app, run
from lmsrx.environment import Environment


def main(argv: Optional[List[str]] = None, env: Environment | None = None) -> None:
    """Run lmsrx with ``argv`` (default: the command line) in ``env`` (default: this process's); return the exit
    status; never raises."""
    env = Environment.from_os() if env is None else env
    args = list(sys.argv[1:] if argv is None else argv)
    end = args.index("--") if "--" in args else len(args)
    if "--json" in args[:end]:  # --json is --format json, everywhere
        i = args.index("--json")
        args[i:i + 1] = ["--format", "json"]
    command = typer.main.get_command(app)
    return run(lambda: command.main(args=args, prog_name="lmsrx", standalone_mode=False, obj=env), env)


def entry() -> None:
    """The ``lmsrx`` console script."""
    sys.exit(main())
