"""The table for people: Rich, imported here only, every piece of knowledge-base text wrapped in rich.text.Text so that it is never read as markup; long output paged on a terminal."""
from __future__ import annotations

import io
import os
import re
from typing import Any, TextIO

from lmsrx.output.view import Section, Terminal, View
from lmsrx.text import clean

STYLES = {"ELIGIBLE": "bold green", "CONDITIONAL": "bold yellow", "EXCLUDED": "red", "OK": "green", "NOTE": "dim",
          "WARNING": "bold yellow", "EXCEEDS": "bold white on red", "MET": "green", "NOT MET": "red", "UNKNOWN": "yellow"}


_UNIT_GLUE = re.compile(r"(?<=\d) (?=(?:%|mg|g|mcg|mg/m2|g/m2|mcg/m2|mg/kg|mg/m2/min|m2|kg|cm|min|h|months?|years?|"
                        r"days?|patients?|responses?|cycles?)\b)")


_GLUE = "\x00"  # stands for a space that must not break (a number and its unit), while wrapping


def _tokens(text: str) -> list[str]:
    return _UNIT_GLUE.sub(_GLUE, text).split(" ")


def _pieces(tok: str, width: int) -> list[str]:
    """A token longer than its column: broken after a hyphen or slash where one fits (an id stays readable),
    else at the width."""
    out = []
    while len(tok) > width:
        cut = max(tok.rfind("-", 0, width), tok.rfind("/", 0, width))
        cut = cut + 1 if cut > 0 else width
        out.append(tok[:cut])
        tok = tok[cut:]
    return out + [tok]


def wrap_cell(text: str, width: int, max_lines: int | None = None) -> list[str]:
    """Wrap at spaces; a number and its unit are never split, and a token longer than the column is broken after a
    hyphen or slash (else at the width). ``max_lines``: a summary cell, cut with an ellipsis."""
    width = max(width, 1)
    out: list[str] = []
    for para in text.split("\n"):
        line = ""
        for tok in _tokens(para):
            for piece in _pieces(tok, width):
                if not line:
                    line = piece
                elif len(line) + 1 + len(piece) <= width:
                    line += " " + piece
                else:
                    out.append(line)
                    line = piece
        out.append(line)
    out = [part.replace(_GLUE, " ") for part in out]
    if max_lines is not None and len(out) > max_lines:
        out = out[:max_lines]
        last = out[-1]
        out[-1] = (last if len(last) < width else last[:width - 1]).rstrip() + "\u2026"
    return out


def _widths(sec: Section, total: int) -> list[int]:
    """Column widths that fit ``total``: each column first gets what its longest token needs (or a fair share, if
    that is less), then the room left goes to the columns that hold more text (water-filling)."""
    n = len(sec.columns)
    cells = [[clean(c) for c in row] for row in sec.rows] + [[clean(c) for c in sec.columns]]
    longest = [max((len(t) for row in cells for t in _tokens(row[i].replace("\n", " "))), default=1) for i in range(n)]
    natural = [max((len(line) for row in cells for line in row[i].split("\n")), default=1) for i in range(n)]
    room = max(total - _frame(n), n * MIN_COLUMN)
    fair = max(MIN_COLUMN, room // n)
    widths = [min(natural[i], longest[i], max(fair, MIN_COLUMN)) for i in range(n)]
    while sum(widths) > room and max(widths) > MIN_COLUMN:  # still too wide: trim the widest
        widest = widths.index(max(widths))
        widths[widest] -= 1
    spare = room - sum(widths)
    want = {i: natural[i] - widths[i] for i in range(n) if widths[i] < natural[i]}
    while spare > 0 and want:  # water-filling: narrow columns get all they want, wide ones share the rest
        fair = max(1, spare // len(want))
        small = {i: w for i, w in want.items() if w <= fair}
        for i, w in (small or {i: fair for i in want}).items():
            step = min(w, fair, spare)
            widths[i] += step
            spare -= step
            want[i] -= step
            if want[i] <= 0:
                del want[i]
            if spare <= 0:
                break
    return widths


MIN_COLUMN = 6


TRAILING = re.compile(r" +((?:\x1b\[[0-9;]*m)*\n?)$")  # spaces at the end of a line, before any closing colour codes


def _frame(n: int) -> int:
    """The characters a table of n columns spends on borders and padding (Rich's box: '│ ' ... ' │')."""
    return 3 * n + 1


def draw_table(view: View, terminal: Terminal, out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO() if _wants_pager(terminal) else None
    target: Any = buffer if buffer is not None else out
    tables = []
    width = terminal.width  # never wider than the terminal: long tokens are broken instead
    for sec in view.sections:
        tables.append(_widths(sec, width) if sec.rows else None)
    console = Console(
        file=target, width=width, force_terminal=terminal.color, no_color=not terminal.color,
        color_system="standard" if terminal.color else None, markup=False, emoji=False,
        highlight=False, soft_wrap=False,
    )

    def styled(text: str, column: str = "") -> Text:
        plain = clean(text)
        t = Text(plain)
        key = text.strip().upper()
        if column in ("Result", "Status", "Verdict") and key in STYLES:
            t.stylize(STYLES[key])
        for word in ("ELIGIBLE", "CONDITIONAL", "EXCLUDED", "EXCEEDS", "WARNING"):
            if plain.startswith(word):  # each pattern is looked for only where it can match (a table has hundreds of cells)
                t.highlight_regex(rf"^{word}\b", STYLES[word])
        if "[" in plain:
            t.highlight_regex(r"\[source\]", "magenta")
            t.highlight_regex(r"\[publication\]", "cyan")
        if "newer than the source" in plain:
            t.highlight_regex(r"\[newer than the source\]|newer than the source", "blue")
        return t

    title = Text(clean(view.title), style="bold")
    title.highlight_regex(r"\bEXCEEDS\b.*", STYLES["EXCEEDS"])  # a dose or order that exceeds says so in red
    title.highlight_regex(r"\bWARNING\b.*", STYLES["WARNING"])
    console.print(title)
    for line in view.lines:
        console.print(Text(clean(line)), overflow="fold")
    for sec, widths in zip(view.sections, tables):
        console.print()
        if sec.title:
            console.print(Text(clean(sec.title), style="bold underline"))
        if sec.note:
            console.print(Text(clean(sec.note), style="dim"))
        if widths is None:
            continue
        table = Table(show_header=True, header_style="bold", expand=False, show_lines=True, pad_edge=False)
        if sec.max_lines is not None:
            table.show_lines = False  # a summary: one row after another, no outer frame (two lines saved a table)
            table.show_edge = False
        for col, w in zip(sec.columns, widths):
            table.add_column(Text("\n".join(wrap_cell(clean(col), w))), width=w, no_wrap=True, overflow="ignore")
        for row in sec.rows:
            table.add_row(*(styled("\n".join(wrap_cell(clean(c), w, sec.max_lines)), col)
                            for c, w, col in zip(row, widths, sec.columns)))
        if sec.max_lines is None:
            console.print(table)
            continue
        with console.capture() as captured:  # no right edge: the cells' padding would end each line in spaces
            console.print(table)
        target.write("".join(TRAILING.sub(r"\1", line) for line in captured.get().splitlines(keepends=True)))
    if view.footer:
        console.print()
    for line in view.footer:
        console.print(Text(clean(line), style="dim"))
    if buffer is not None:
        _page(buffer.getvalue(), terminal, out)


def _wants_pager(terminal: Terminal) -> bool:
    return terminal.is_tty and terminal.pager


def _page(text: str, terminal: Terminal, out: TextIO) -> None:
    """Longer than the screen on a terminal: through $PAGER (default ``less``; R is added to LESS so that colour
    shows, and LESS=FRX is used when unset). A pager that cannot be read or started: the text, and one warning."""
    import shlex
    import subprocess
    import sys

    if text.count("\n") < terminal.height - 1:
        out.write(text)
        return
    try:
        command = shlex.split(terminal.pager_command or "less")
    except ValueError:
        command = []
    env = dict(os.environ)
    env["LESS"] = "FRX" if terminal.less is None else (terminal.less if "R" in terminal.less.replace("-", "") else terminal.less + " -R")
    proc = None
    if command:
        try:
            proc = subprocess.Popen(command, stdin=subprocess.PIPE, env=env, text=True, encoding="utf-8")
        except OSError:
            proc = None
    if proc is None:
        try:
            sys.stderr.write(f"lmsrx: warning: cannot start the pager {clean(terminal.pager_command)!r}; "
                             "printing directly (--no-pager turns paging off)\n")
        except (OSError, ValueError, AttributeError):
            pass
        out.write(text)
        return
    try:
        assert proc.stdin is not None
        proc.stdin.write(text)
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass
    proc.wait()
