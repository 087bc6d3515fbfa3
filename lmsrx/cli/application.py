"""The Typer application, its root options, and :func:`run`: the one place where an outcome becomes an exit code.

Every call goes through :func:`main`: Typer reads the command line (help, completion and errors included), the
command calls the core and hands its answer to :func:`emit`, and :func:`run` maps what happened to the exit-code
table (README, "Exit codes"): an answer's own status, 2 for a usage error, 4 for an invalid knowledge base, 74 when
the output cannot be written, 141 when its reader left, 130 / 143 on Ctrl-C or SIGTERM, 70 for a bug (a one-line
message; the traceback only with ``--traceback`` or ``LMSRX_DEBUG=1``).
"""

import io
import os
import sys
from typing import Any, Callable, List, Optional

import typer

from lmsrx.cli.params import KB_HELP
from lmsrx.environment import Environment
from lmsrx.errors import ExitCode, Interrupted, KnowledgeError, LmsrxError, OutputClosed
from lmsrx.version import __version__

HELP = """Treatment options and dosing rules for leiomyosarcoma (LMS), with their evidence.

Decision support for clinicians; not a substitute for clinical judgement.

\b
Examples:
  lmsrx options --line 2 --histology uterine --prior doxorubicin
  lmsrx drug ifosfamide
  lmsrx dose ifosfamide --bsa 1.8 --planned "14 g/m2"
  lmsrx options --setting adjuvant --grade high --size 8 --histology extremity --format json
  lmsrx kb info
  lmsrx kb check my-institution.yaml
  lmsrx --kb my-institution.yaml kb info --format json
"""


def _help_width() -> int:
    """Help uses the terminal's width (Click stops at 80 by default)."""
    try:
        columns = int(os.environ.get("COLUMNS", "") or os.get_terminal_size(sys.__stdout__.fileno()).columns)
    except (ValueError, OSError, AttributeError):
        columns = 100
    return max(60, min(columns, 200))


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": _help_width()}
app = typer.Typer(help=HELP, rich_markup_mode=None, pretty_exceptions_enable=False, no_args_is_help=True,
                  context_settings=CONTEXT)
kb_app = typer.Typer(help="Check and describe the knowledge base.", rich_markup_mode=None, no_args_is_help=True,
                     context_settings=CONTEXT)
app.add_typer(kb_app, name="kb")


def _version(value: bool) -> None:
    if value:
        from lmsrx.knowledge.files import builtin_version

        typer.echo(f"lmsrx {__version__} (knowledge base {builtin_version()})")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    kb: Optional[List[str]] = typer.Option(None, "--kb", metavar="PATH", help=KB_HELP),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the lmsrx and knowledge base versions and exit."),
    no_pager: bool = typer.Option(False, "--no-pager", help="Never page long tables (on a terminal they go through $PAGER)."),
    traceback: bool = typer.Option(False, "--traceback", help="On an internal error, print the Python traceback (for a bug report)."),
) -> None:
    env = environment(ctx)
    env.extra_kb = [*env.extra_kb, *(kb or [])]
    env.no_pager = env.no_pager or no_pager
    env.debug = env.debug or traceback


def environment(ctx: typer.Context, kb: list[str] | None = None, no_pager: bool = False) -> Environment:
    """The call's :class:`Environment`, with a command's own ``--kb`` and ``--no-pager`` (given after the command)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Environment):
        root.obj = Environment.from_os()
    env = root.obj
    env.extra_kb = [*env.extra_kb, *(kb or [])]
    env.no_pager = env.no_pager or no_pager
    return env


def load_kb(env: Environment, extra: list[str] | None = None) -> Any:
    from lmsrx.knowledge.load import load

    return load([*env.extra_kb, *(extra or [])])


def emit(env: Environment, view: Any, fmt: str | None, color: str = "auto") -> None:
    """The one way a command writes its answer: the format asked (or the default), then :func:`lmsrx.render.render`."""
    from lmsrx.output.render import default_format, render

    term = terminal(env, color)
    render(view, fmt or default_format(term, view), term, env.stdout)


def terminal(env: Environment, color: str = "auto") -> Any:
    from lmsrx.output.view import Terminal

    return Terminal(is_tty=env.stdout_isatty, width=env.width(), color=env.color(color), height=env.lines,
                    pager=env.stdout_isatty and not env.no_pager, pager_command=env.pager, less=env.less)


# ------------------------------------------------------------------ the one place that maps outcomes to exit codes
class _GuardedStream:
    """A stream whose failed write or flush becomes :class:`OutputClosed` (a reader that left, a full disk).

    Unbuffered (``python -u``, ``PYTHONUNBUFFERED``, common in containers), a text stream hands each write to the
    file in one call and takes a partial write as whole, so an answer cut short by a filling disk or a reader that
    left would end with exit 0. There the text is encoded and written to the file until every byte is taken or the
    file says why not: on POSIX (where text needs no newline translation) and in an encoding without state (UTF-8,
    ASCII, Latin-1: one encoding per write must equal the stream's own, so no byte-order mark per write)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        raw = getattr(stream, "buffer", None)
        self._raw = raw if isinstance(raw, io.RawIOBase) and os.linesep == "\n" and _stateless(stream) else None

    def _guard(self, call: Callable[..., Any], *args: Any) -> Any:
        try:
            return call(*args)
        except BrokenPipeError:
            raise OutputClosed(ExitCode.BROKEN_PIPE, "the reader closed the pipe") from None
        except (OSError, ValueError) as exc:  # ENOSPC, EIO, a closed file
            raise OutputClosed(ExitCode.OUTPUT_ERROR, f"cannot write the output: {getattr(exc, 'strerror', None) or exc}") from None

    def write(self, text: str) -> int:
        if self._raw is None:
            return self._guard(self._stream.write, text)
        data = memoryview(self._guard(text.encode, self._stream.encoding, self._stream.errors or "strict"))
        while data:
            taken = self._guard(self._raw.write, data)
            if not taken:  # a non-blocking file that takes nothing now
                raise OutputClosed(ExitCode.OUTPUT_ERROR, "cannot write the output: the file took no bytes")
            data = data[taken:]
        return len(text)

    def flush(self) -> None:
        self._guard(self._stream.flush)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _stateless(stream: Any) -> bool:
    import codecs

    try:
        return codecs.lookup(stream.encoding).name in ("utf-8", "ascii", "iso8859-1")
    except (AttributeError, LookupError, TypeError):
        return False


def _quiet(stream: Any) -> None:
    """Point the process's stdout at /dev/null, so that the interpreter's last flush does not fail loudly."""
    try:
        if stream is sys.__stdout__:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.__stdout__.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _signalled(signum: int, frame: Any) -> None:
    raise Interrupted(signum)


def report(exc: LmsrxError, env: Environment) -> int:
    """An expected error as a message on stderr (each line escaped, at most 2000 characters) and its exit code."""
    from lmsrx.text import clean

    def say(text: str) -> None:
        text = clean(text)
        env.say(text if len(text) <= 2000 else text[:2000] + "...")

    if isinstance(exc, KnowledgeError):
        for problem in exc.problems:
            say(str(problem))
        say(f"lmsrx: {exc.message}")
    else:
        say(f"lmsrx: error: {exc.message}")
    if exc.hint:
        say(f"lmsrx: {exc.hint}")
    return int(exc.exit_code)


def run(call: Callable[[], Any], env: Environment) -> int:
    """Run one call and return its exit status; never raises, never lets a traceback out (unless asked)."""
    import signal

    if env.stdout is None:
        env.say("lmsrx: error: standard output is closed")
        return int(ExitCode.OUTPUT_ERROR)
    raw = env.stdout
    env.stdout = _GuardedStream(raw)
    saved = sys.stdout, sys.stderr
    sys.stdout = env.stdout  # help, version and completion are written by Click, to sys.stdout
    if env.stderr is not None:
        sys.stderr = env.stderr
    handlers = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            handlers[sig] = signal.signal(sig, _signalled)
        except (ValueError, OSError):  # not the main thread
            pass
    try:
        code = call()
        env.stdout.flush()
        return int(ExitCode.OK if code is None else code)
    except SystemExit as done:  # completion, and Click's own exits
        env.stdout.flush()
        return done.code if isinstance(done.code, int) else int(ExitCode.OK if done.code is None else ExitCode.USAGE)
    except typer.TyperException as exc:  # Click's usage errors: the usage line and the message
        exc.show(file=env.stderr)
        return int(exc.exit_code)
    except LmsrxError as exc:
        return report(exc, env)
    except OutputClosed as exc:
        _quiet(raw)
        if exc.code != ExitCode.BROKEN_PIPE:
            env.say(f"lmsrx: error: {exc.why}")
        return int(exc.code)
    except (Interrupted, KeyboardInterrupt, typer.Abort) as exc:
        _quiet(raw)
        terminated = isinstance(exc, Interrupted) and exc.signum == signal.SIGTERM
        env.say("lmsrx: terminated" if terminated else "lmsrx: interrupted")
        return int(ExitCode.TERMINATED if terminated else ExitCode.INTERRUPTED)
    except Exception as exc:  # noqa: BLE001 - no traceback may reach a user
        if env.debug:
            import traceback

            env.say("".join(traceback.format_exception(exc)))
        env.say(f"lmsrx: internal error ({type(exc).__name__}); please report it (run it again with --traceback for "
                "the details). The output may be incomplete.")
        return int(ExitCode.INTERNAL)
    finally:
        sys.stdout, sys.stderr = saved
        env.stdout = raw
        for sig, previous in handlers.items():
            signal.signal(sig, previous)


# ------------------------------------------------------------------ writing, shared by the commands
def write_document(env: Environment, view: Any, fmt: str, output: str | None) -> None:
    """A page to a file (``-o``) or stdout, through the one render layer. A file is written whole or not at all: to a
    temporary file beside it, renamed over the target once complete (a failure leaves the old file untouched)."""
    from lmsrx.output.render import render
    from lmsrx.output.view import Terminal
    from lmsrx.text import clean

    if output is None:
        render(view, fmt, Terminal(), env.stdout)
        return
    import tempfile

    buf = io.StringIO()
    render(view, fmt, Terminal(), buf)
    folder = os.path.dirname(os.path.abspath(output))
    temp = None
    try:
        fd, temp = tempfile.mkstemp(prefix=".lmsrx-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(buf.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
        if os.path.exists(output):
            try:
                os.chmod(temp, os.stat(output).st_mode & 0o7777)
            except OSError:
                pass
        else:
            os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, output)
        temp = None
    except OSError as exc:
        raise OutputClosed(ExitCode.OUTPUT_ERROR, f"cannot write {clean(output)}: {exc.strerror or exc}") from None
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass
    env.say(f"lmsrx: wrote {clean(output)}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def batch_format(fmt: str | None) -> str:
    from lmsrx.errors import UsageError

    fmt = fmt or "ndjson"
    if fmt not in ("ndjson", "csv", "tsv"):
        raise UsageError("--batch writes ndjson (default), csv or tsv")
    return fmt


def write_batch(env: Environment, results: Any, fmt: str) -> int:
    """Stream batch answers as they come: one NDJSON line each, or csv/tsv rows with one header; the worst exit code."""
    import contextlib

    from lmsrx.output.render import write_rows

    worst, header = 0, True
    with contextlib.closing(results) if hasattr(results, "close") else contextlib.nullcontext():
        # closed on any exit (a dead pipe, Ctrl-C): a --jobs run stops and reaps its workers before the error goes on
        for result in results:
            worst = max(worst, result.exit_code)
            if fmt == "ndjson":
                env.stdout.write(result.line())  # then the newline: no copy of a 100 KB line to add it
                env.stdout.write("\n")
            else:
                write_rows(result.table_rows(), fmt, env.stdout, header)
                header = False
    env.stdout.flush()
    return worst
