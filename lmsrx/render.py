"""Every output format lives here: table (Rich), json, ndjson, csv, tsv, markdown.

Commands hand over a :class:`View` (built by :mod:`lmsrx.views`) and the facts
about the terminal; nothing else in lmsrx writes formatted data. Rich is
imported only inside :func:`_table`, and every piece of knowledge-base text is
wrapped in ``rich.text.Text`` so it is never read as markup.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
from lmsrx.records import field, record
from typing import Any, TextIO

from lmsrx.text import clean, escape_json  # noqa: F401 - the unsafe-text policy (lmsrx.text), used for every format

FORMATS = ("table", "json", "ndjson", "csv", "tsv", "markdown")


@record
class Terminal:
    """What we know about stdout, decided once in the CLI and passed down."""

    is_tty: bool = False
    width: int = 80
    color: bool = False
    height: int = 24
    pager: bool = False  # page output longer than the screen (a terminal only)
    pager_command: str = ""  # $PAGER (default less)
    less: str | None = None  # $LESS


@record
class Section:
    """One block of a human table: a heading, column names and rows of cells."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str | None = None


@record
class View:
    """A result ready to print in any format.

    ``data`` is the JSON document; ``rows`` the flat records for csv/tsv (one
    header, rectangular); ``sections``/``lines`` the human layout; ``items``
    what ndjson prints one per line (``data`` as one line when absent).
    """

    title: str
    data: Any
    rows: list[dict[str, Any]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    items: list[Any] | None = None
    footer: list[str] = field(default_factory=list)
    plain: list[str] | None = None  # one line each when piped with no --format (e.g. ids)
    documents: dict[str, str] = field(default_factory=dict)  # preformatted outputs by format (citations)


def default_format(terminal: Terminal, view: View | None = None) -> str:
    """table on a terminal; piped, a plain list where the view has one (``lmsrx drugs``), else tsv."""
    if terminal.is_tty:
        return "table"
    return "plain" if view is not None and view.plain is not None else "tsv"


def render(view: View, fmt: str, terminal: Terminal, out: TextIO) -> None:
    if fmt in view.documents:
        out.write(clean(view.documents[fmt]) + "\n")  # never a raw escape
    elif fmt in ("json", "csl-json"):
        out.write(dumps(view.data, indent=2) + "\n")
    elif fmt == "ndjson":
        for item in view.items if view.items is not None else [view.data]:
            out.write(dumps(item) + "\n")
    elif fmt in ("csv", "tsv"):
        out.write(_delimited(view.rows, fmt))
    elif fmt == "markdown":
        out.write(_markdown(view))
    elif fmt == "plain":
        out.write("".join(clean(line) + "\n" for line in view.plain or []))
    else:
        _table(view, terminal, out)


ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))  # compact, reused


def dumps(data: Any, indent: int | None = None) -> str:
    """JSON with C1 controls, bidi controls and line-separator characters written as escapes."""
    if indent is None:
        return escape_json(ENCODER.encode(data))
    return escape_json(json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def _delimited(rows: list[dict[str, Any]], fmt: str, header: bool = True) -> str:
    if not rows:
        return ""
    keys = list(rows[0])
    buf = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buf, lineterminator="\n")
        if header:
            writer.writerow(keys)
        for row in rows:
            writer.writerow([_csv_safe(row.get(k)) for k in keys])
    else:
        if header:
            buf.write("\t".join(keys) + "\n")
        for row in rows:
            buf.write("\t".join(_tsv_safe(_cell(row.get(k))) for k in keys) + "\n")
    return buf.getvalue()


def write_rows(rows: list[dict[str, Any]], fmt: str, out: TextIO, header: bool) -> None:
    """Stream csv/tsv rows (batch mode): the header once, then rows as they come."""
    out.write(_delimited(rows, fmt, header))


def _csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas (CWE-1236) in text cells; numbers stay numbers."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return _formula_safe(clean(_cell(value).replace("\r\n", "\n").replace("\r", "\n")).replace("\\x0a", "\n"))


def _formula_safe(text: str) -> str:
    """Neutralise spreadsheet formulas (CWE-1236), leading blanks included."""
    return "'" + text if text.lstrip(" \t")[:1] in ("=", "+", "-", "@") or text[:1] in ("\t", "\r") else text


def _tsv_safe(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return _formula_safe(clean(escaped))


# what could open a tag, an entity, a link, a table cell, an escape or (at the start) a block quote
_MD_SPECIAL = re.compile(r"<(?=[A-Za-z/!?])|&(?=[A-Za-z#])|[\\\[\]|]|^>", re.MULTILINE)


def _md(text: Any) -> str:
    """Markdown text: no HTML, no link or image syntax and no table break from the data; line breaks kept."""
    safe = _MD_SPECIAL.sub(r"\\\g<0>", clean(text))  # backslash escapes keep "P < 0.001" readable
    return safe.replace("\n", "<br>")


def _markdown(view: View) -> str:
    parts = [f"## {_md(view.title)}", ""]
    for line in view.lines:  # each its own paragraph: Markdown would join consecutive lines
        parts += [_md(line), ""]
    for sec in view.sections:
        parts += [f"### {_md(sec.title)}", ""]
        if sec.note:
            parts += [_md(sec.note), ""]
        if sec.rows:
            parts.append("| " + " | ".join(_md(c) for c in sec.columns) + " |")
            parts.append("|" + "---|" * len(sec.columns))
            parts += ["| " + " | ".join(_md(c) for c in row) + " |" for row in sec.rows]
            parts.append("")
    for line in view.footer:
        parts += [_md(line), ""]
    return "\n".join(parts).rstrip("\n") + "\n"


STYLES = {"ELIGIBLE": "bold green", "CONDITIONAL": "bold yellow", "EXCLUDED": "red", "OK": "green", "NOTE": "dim",
          "WARNING": "bold yellow", "EXCEEDS": "bold white on red", "MET": "green", "NOT MET": "red", "UNKNOWN": "yellow"}
_UNIT_GLUE = re.compile(r"(?<=\d) (?=(?:%|mg|g|mcg|mg/m2|g/m2|mcg/m2|mg/kg|mg/m2/min|m2|kg|cm|min|h|months?|years?|"
                        r"days?|patients?|responses?|cycles?)\b)")
_GLUE = "\x00"  # stands for a space that must not break (a number and its unit), while wrapping


def _tokens(text: str) -> list[str]:
    return _UNIT_GLUE.sub(_GLUE, text).split(" ")


def wrap_cell(text: str, width: int) -> list[str]:
    """Wrap at spaces only: ids, numbers with their units and citation keys are never split (a token
    longer than the width stands alone on its line, and the column is made wide enough for it)."""
    out: list[str] = []
    for para in text.split("\n"):
        line = ""
        for tok in _tokens(para):
            if not line:
                line = tok
            elif len(line) + 1 + len(tok) <= width:
                line += " " + tok
            else:
                out.append(line)
                line = tok
        out.append(line)
    return [part.replace(_GLUE, " ") for part in out]


def _widths(sec: Section, total: int) -> list[int]:
    """Column widths that fit ``total`` where possible, never narrower than a column's longest token."""
    n = len(sec.columns)
    cells = [[clean(c) for c in row] for row in sec.rows] + [[clean(c) for c in sec.columns]]
    longest = [max((len(t) for row in cells for t in _tokens(row[i].replace("\n", " "))), default=1) for i in range(n)]
    natural = [max((len(line) for row in cells for line in row[i].split("\n")), default=1) for i in range(n)]
    room = max(total - (3 * n + 1), n)
    widths = [min(natural[i], max(longest[i], 1)) for i in range(n)]
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


def _table(view: View, terminal: Terminal, out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO() if _wants_pager(terminal) else None
    target: Any = buffer if buffer is not None else out
    tables = []
    width = terminal.width
    for sec in view.sections:
        if sec.rows:
            widths = _widths(sec, terminal.width)
            width = max(width, sum(widths) + 3 * len(widths) + 1)
            tables.append(widths)
        else:
            tables.append(None)
    console = Console(
        file=target, width=width, force_terminal=terminal.color, no_color=not terminal.color,
        color_system="standard" if terminal.color else None, markup=False, emoji=False,
        highlight=False, soft_wrap=False,
    )

    def styled(text: str, column: str = "") -> Text:
        t = Text(clean(text))
        key = text.strip().upper()
        if column in ("Result", "Status", "Verdict") and key in STYLES:
            t.stylize(STYLES[key])
        for word in ("ELIGIBLE", "CONDITIONAL", "EXCLUDED", "EXCEEDS", "WARNING"):
            t.highlight_regex(rf"^{word}\b", STYLES[word])
        t.highlight_regex(r"\[source\]", "magenta")
        t.highlight_regex(r"\[publication\]", "cyan")
        t.highlight_regex(r"\[newer than the source\]|newer than the source", "blue")
        return t

    console.print(Text(clean(view.title), style="bold"))
    for line in view.lines:
        console.print(Text(clean(line)), overflow="fold")
    for sec, widths in zip(view.sections, tables):
        console.print()
        console.print(Text(clean(sec.title), style="bold underline"))
        if sec.note:
            console.print(Text(clean(sec.note), style="dim"))
        if widths is None:
            continue
        table = Table(show_header=True, header_style="bold", expand=False, show_lines=True, pad_edge=False)
        for col, w in zip(sec.columns, widths):
            table.add_column(Text("\n".join(wrap_cell(clean(col), w))), width=w, no_wrap=True, overflow="ignore")
        for row in sec.rows:
            table.add_row(*(styled("\n".join(wrap_cell(clean(c), w)), col) for c, w, col in zip(row, widths, sec.columns)))
        console.print(table)
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
