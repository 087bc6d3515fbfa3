"""What lmsrx knows of the world it runs in: its streams, whether they are terminals, the terminal's size, the
colour and pager settings, and the root options of the call. Decided once, at the start of a call
(:meth:`Environment.from_os`), and passed down; tests build one directly.
"""
from __future__ import annotations

import os
import sys
from typing import Any

from lmsrx.records import field, record


@record
class Environment:
    stdin: Any = None
    stdout: Any = None
    stderr: Any = None
    stdout_isatty: bool = False
    columns: int = 0  # the terminal's width (0: not known)
    lines: int = 24
    columns_env: int = 0  # COLUMNS, for a width when piped
    no_color: bool = False  # NO_COLOR set
    force_color: bool = False  # FORCE_COLOR set
    pager: str = ""  # $PAGER
    less: str | None = None  # $LESS
    debug: bool = False  # LMSRX_DEBUG=1 or --traceback: an internal error prints its traceback
    extra_kb: list[str] = field(default_factory=list)  # --kb
    no_pager: bool = False  # --no-pager

    @classmethod
    def from_os(cls, stdin: Any = None, stdout: Any = None, stderr: Any = None, environ: Any = None) -> Environment:
        env = os.environ if environ is None else environ
        stdin = sys.stdin if stdin is None else stdin
        stdout = sys.stdout if stdout is None else stdout
        stderr = sys.stderr if stderr is None else stderr
        tty = _isatty(stdout)
        columns, lines = _size(stdout, env)
        return cls(stdin=stdin, stdout=stdout, stderr=stderr, stdout_isatty=tty, columns=columns, lines=lines,
                   columns_env=_int(env.get("COLUMNS")), no_color=bool(env.get("NO_COLOR")),
                   force_color=bool(env.get("FORCE_COLOR")), pager=env.get("PAGER", "").strip(), less=env.get("LESS"),
                   debug=env.get("LMSRX_DEBUG", "") not in ("", "0"))

    def color(self, choice: str) -> bool:
        """``--color``: always and never win; auto means a terminal and no NO_COLOR (FORCE_COLOR forces)."""
        if choice == "always":
            return True
        if choice == "never" or self.no_color:
            return False
        return self.force_color or self.stdout_isatty

    def width(self) -> int:
        """The width to lay tables out in: the terminal's on a terminal, else COLUMNS, else 100; 40 to 240."""
        width = (self.columns or self.columns_env or 80) if self.stdout_isatty else (self.columns_env or 100)
        return max(40, min(width, 240))

    def say(self, text: str) -> None:
        """A message on stderr, if there is one to write to (a closed or full stderr is never an error)."""
        try:
            if self.stderr is not None:
                self.stderr.write(text if text.endswith("\n") else text + "\n")
                self.stderr.flush()
        except (OSError, ValueError, AttributeError):
            pass


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _int(text: Any) -> int:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdecimal() and len(text) <= 4 else 0


def _size(stream: Any, env: Any) -> tuple[int, int]:
    """The terminal's columns and lines: COLUMNS and LINES first, then the terminal itself."""
    columns, lines = _int(env.get("COLUMNS")), _int(env.get("LINES"))
    if not columns or not lines:
        try:
            size = os.get_terminal_size(stream.fileno())
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size((0, 24))
        columns = columns or size.columns
        lines = lines or size.lines or 24
    return columns, max(lines, 5)
