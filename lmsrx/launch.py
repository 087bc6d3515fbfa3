"""The console script's first stop: answers ``lmsrx --version`` and the commonest tab completions
without importing Typer, then hands over.

Every pipeline call and tab completion starts the program; the version (asked by scripts and bug
reports) and the name after ``lmsrx drug``/``dose``/``trial``/``cite`` in bash are answered from the
compiled knowledge base alone, exactly as the full CLI would answer them (a test compares the two).
"""
from __future__ import annotations

import os
import sys

# command -> the kind of name its first argument completes (the same as its Typer argument's completion)
FIRST_ARGUMENT = {"drug": "drugs", "dose": "drugs", "trial": "evidence", "cite": "references"}


def quick_completion(environ: dict) -> str | None:
    """Bash's completion of a command's first argument (``lmsrx drug ifo<TAB>``), or None for the full CLI."""
    if environ.get("_LMSRX_COMPLETE") != "complete_bash":
        return None
    words = environ.get("COMP_WORDS", "").split(" ")
    try:
        cword = int(environ.get("COMP_CWORD", ""))
    except ValueError:
        return None
    if cword != 2 or len(words) != 3 or words[1] not in FIRST_ARGUMENT:
        return None
    incomplete = words[2]
    if incomplete.startswith("-") or incomplete != incomplete.lower() or any(c in incomplete for c in "\\'\"\t$`="):
        return None  # an option, quoting, or capitals: left to the full CLI, which decides those
    from lmsrx import files

    return "\n".join(files.completions(FIRST_ARGUMENT[words[1]], incomplete)) + "\n"  # as Typer prints them


def entry() -> None:
    if "_LMSRX_COMPLETE" in os.environ:
        answer = quick_completion(dict(os.environ))
        if answer is not None:
            sys.stdout.write(answer)
            sys.exit(0)
    if sys.argv[1:] == ["--version"]:
        from lmsrx import __version__
        from lmsrx.files import builtin_version

        sys.stdout.write(f"lmsrx {__version__} (knowledge base {builtin_version()})\n")
        sys.exit(0)
    from lmsrx.cli import entry as cli_entry

    cli_entry()
