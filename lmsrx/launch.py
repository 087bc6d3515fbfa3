"""The console script's first stop, and the one place where errors become exit codes (:func:`run`).

Every pipeline call and tab completion starts the program, and importing Typer is a third of a short
call. So ``lmsrx --version`` and the name after ``lmsrx drug``/``dose``/``trial``/``cite`` in bash are
answered from the compiled knowledge base alone, and the everyday calls are read by
:mod:`lmsrx.fastargs` and run directly; everything else (help, completion, anything unusual) goes to
the Typer app in :mod:`lmsrx.cli`. Tests check that each shortcut answers exactly as the Typer app.
"""
from __future__ import annotations

import os
import re
import sys

from lmsrx.errors import ExitCode, Interrupted, KnowledgeError, LmsrxError, OutputClosed

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
    """Write a whole answer to stdout, as any command does (:func:`run`: 74 if it cannot be written, 141 if
    the reader left)."""
    def write() -> int:
        sys.stdout.write(text)
        return ExitCode.OK

    return run(write)


def _err(text: str) -> None:
    """A message on stderr, if there is one to write to."""
    if sys.stderr is not None:
        try:
            sys.stderr.write(text)
        except (OSError, ValueError):
            pass


def quiet_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush does not fail loudly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def report(exc: LmsrxError) -> int:
    """The one place that turns an expected error into a message on stderr and an exit code."""
    from lmsrx.render import clean

    def say(text: str) -> None:
        text = clean(text)
        _err((text if len(text) <= 2000 else text[:2000] + "...") + "\n")

    if isinstance(exc, KnowledgeError):
        for problem in exc.problems:
            say(str(problem))
        say(f"lmsrx: {exc.message}")
    else:
        say(f"lmsrx: error: {exc.message}")
    if exc.hint:
        say(f"lmsrx: {exc.hint}")
    return int(exc.exit_code)


class _GuardedStdout:
    """stdout that turns a failed write into :class:`OutputClosed` (see errors.py for why)."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def _guard(self, call, *args):
        try:
            return call(*args)
        except BrokenPipeError:
            raise OutputClosed(ExitCode.BROKEN_PIPE, "the reader closed the pipe") from None
        except (OSError, ValueError) as exc:  # ENOSPC, EIO, a closed file
            raise OutputClosed(ExitCode.OUTPUT_ERROR, f"cannot write the output: {getattr(exc, 'strerror', None) or exc}") from None

    def write(self, text: str) -> int:
        return self._guard(self._stream.write, text)

    def flush(self) -> None:
        self._guard(self._stream.flush)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _interrupt(signum: int, frame) -> None:
    raise Interrupted()


def run(call) -> int:
    """Run one command (``call()`` returns its exit status or raises SystemExit) and return the exit status;
    never raises. Both readers of the command line end here."""
    import signal

    if sys.stdout is None:
        _err("lmsrx: error: standard output is closed\n")
        return int(ExitCode.OUTPUT_ERROR)
    stdout, sys.stdout = sys.stdout, _GuardedStdout(sys.stdout)
    try:
        previous = signal.signal(signal.SIGINT, _interrupt)
    except ValueError:  # not the main thread
        previous = None
    try:
        code = call()
        sys.stdout.flush()
        return int(ExitCode.OK if code is None else code)
    except SystemExit as done:  # Typer/Click finish every run this way
        sys.stdout.flush()
        return done.code if isinstance(done.code, int) else int(ExitCode.OK if done.code is None else ExitCode.USAGE)
    except LmsrxError as exc:
        return report(exc)
    except OutputClosed as exc:
        quiet_stdout()
        if exc.code != ExitCode.BROKEN_PIPE:
            _err(f"lmsrx: error: {exc.why}\n")
        return int(exc.code)
    except (Interrupted, KeyboardInterrupt):
        quiet_stdout()
        _err("lmsrx: interrupted\n")
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:  # noqa: BLE001 - no traceback may reach a user
        _err(f"lmsrx: internal error ({type(exc).__name__}); please report it. The output may be incomplete.\n")
        return int(ExitCode.INTERNAL)
    finally:
        sys.stdout = stdout
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def entry() -> None:
    import gc

    gc.disable()  # until the knowledge base is loaded (lmsrx.commands.load_kb): imports make no garbage worth a pass
    if "_LMSRX_COMPLETE" in os.environ:  # the shell asks for completions: anything not answered here is Typer's
        text = quick_completion(dict(os.environ))
        if text is not None:
            sys.exit(answer(text))
    elif sys.argv[1:] == ["--version"]:
        from lmsrx import __version__
        from lmsrx.files import builtin_version

        sys.exit(answer(f"lmsrx {__version__} (knowledge base {builtin_version()})\n"))
    else:
        from lmsrx import fastargs

        parsed = fastargs.parse(sys.argv[1:])
        if parsed is not None:  # an everyday call: no Typer needed
            sys.exit(run(fastargs.call(parsed)))
    from lmsrx.cli import entry as cli_entry

    cli_entry()
