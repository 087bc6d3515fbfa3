"""The console script's first stop: answers ``lmsrx --version`` without importing Typer, then hands over.

Every pipeline call and tab completion starts the program; the version (asked by scripts and bug
reports) is answered from the compiled knowledge base alone.
"""
from __future__ import annotations

import sys


def entry() -> None:
    if sys.argv[1:] == ["--version"]:
        from lmsrx import __version__
        from lmsrx.files import builtin_version

        sys.stdout.write(f"lmsrx {__version__} (knowledge base {builtin_version()})\n")
        sys.exit(0)
    from lmsrx.cli import entry as cli_entry

    cli_entry()
