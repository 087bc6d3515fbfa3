"""The console script's first stop: answers ``lmsrx --version`` and the commonest tab completions
without importing Typer, then hands over.

Every pipeline call and tab completion starts the program; the version (asked by scripts and bug
reports) and the name after ``lmsrx drug``/``dose``/``trial``/``cite`` in bash are answered from the
compiled knowledge base alone, exactly as the full CLI would answer them (a test compares the two).
"""
from __future__ import annotations

import os
import re
import sys

from lmsrx.errors import ExitCode

# command -> the kind of name its first argument completes (the same as its Typer argument's completion)
FIRST_ARGUMENT = {"drug": "drugs", "dose": "drugs", "trial": "evidence", "cite": "references"}
# The only COMP_WORDS answered here: a plain program word, the command, and a plain lower-case start of a
# name. Anything else (quotes, escapes, other whitespace, capitals, options) is left to the full CLI.
_QUICK = re.compile(r"[^\s'\"\\$`]+ (drug|dose|trial|cite) ([a-z0-9._+][a-z0-9._+-]*)?")


def quick_completion(environ: dict) -> str | None:
    """Bash's completion of a command's first argument (``lmsrx drug ifo<TAB>``), or None for the full CLI."""
    if environ.get("_LMSRX_COMPLETE") != "complete_bash" or environ.get("COMP_CWORD") != "2":
        return None
    found = _QUICK.fullmatch(environ.get("COMP_WORDS", ""))
    if found is None:
        return None
    from lmsrx import files

    names = files.completions(FIRST_ARGUMENT[found.group(1)], found.group(2) or "")
    return "\n".join(names) + "\n"  # as Typer prints them


def answer(text: str) -> int:
    """Write a whole answer to stdout; the exit status (as the full CLI's: 74 if it cannot be written, 141 if
    the reader left)."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
        return ExitCode.OK
    except BrokenPipeError:
        quiet_stdout()
        return ExitCode.BROKEN_PIPE
    except (OSError, ValueError, AttributeError) as exc:  # ENOSPC, EIO, closed (sys.stdout is None)
        quiet_stdout()
        if sys.stderr is not None:
            why = "stdout is closed" if sys.stdout is None else getattr(exc, "strerror", None) or exc
            sys.stderr.write(f"lmsrx: error: cannot write the output: {why}\n")
        return ExitCode.OUTPUT_ERROR


def quiet_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush does not fail loudly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def entry() -> None:
    if "_LMSRX_COMPLETE" in os.environ:
        text = quick_completion(dict(os.environ))
        if text is not None:
            sys.exit(answer(text))
    if sys.argv[1:] == ["--version"]:
        from lmsrx import __version__
        from lmsrx.files import builtin_version

        sys.exit(answer(f"lmsrx {__version__} (knowledge base {builtin_version()})\n"))
    from lmsrx.cli import entry as cli_entry

    cli_entry()
