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
from dataclasses import dataclass, field
from typing import Any, TextIO

FORMATS = ("table", "json", "ndjson", "csv", "tsv", "markdown")
_ESCAPES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_JSON_ESCAPES = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@dataclass
class Terminal:
    """What we know about stdout, decided once in the CLI and passed down."""

    is_tty: bool = False
    width: int = 80
    color: bool = False


@dataclass
class Section:
    """One block of a human table: a heading, column names and rows of cells."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str | None = None


@dataclass
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


def default_format(terminal: Terminal, view: View | None = None) -> str:
    """table on a terminal; piped, a plain list where the view has one (``lmsrx drugs``), else tsv."""
    if terminal.is_tty:
        return "table"
    return "plain" if view is not None and view.plain is not None else "tsv"


def color_wanted(choice: str, is_tty: bool) -> bool:
    """``--color``: always/never win; auto means a terminal and no NO_COLOR (FORCE_COLOR forces)."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or is_tty


def render(view: View, fmt: str, terminal: Terminal, out: TextIO) -> None:
    if fmt == "json":
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


def dumps(data: Any, indent: int | None = None) -> str:
    """JSON with C1 controls, bidi controls and line separators written as escapes (they can only be in strings)."""
    text = json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False,
                      separators=None if indent else (",", ":"))
    return _JSON_ESCAPES.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def clean(text: Any) -> str:
    """Text safe for a terminal: control characters (ESC included) become visible escapes."""
    s = "" if text is None else str(text)
    return _ESCAPES.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", s)


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


def _md(text: Any) -> str:
    return clean(text).replace("|", "\\|").replace("\n", " ")


def _markdown(view: View) -> str:
    parts = [f"## {_md(view.title)}", ""]
    parts += [_md(line) for line in view.lines]
    if view.lines:
        parts.append("")
    for sec in view.sections:
        parts += [f"### {_md(sec.title)}", ""]
        if sec.note:
            parts += [_md(sec.note), ""]
        if sec.rows:
            parts.append("| " + " | ".join(_md(c) for c in sec.columns) + " |")
            parts.append("|" + "---|" * len(sec.columns))
            parts += ["| " + " | ".join(_md(c) for c in row) + " |" for row in sec.rows]
            parts.append("")
    parts += [_md(line) for line in view.footer]
    return "\n".join(parts).rstrip("\n") + "\n"


def _table(view: View, terminal: Terminal, out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(
        file=out, width=terminal.width, force_terminal=terminal.color, no_color=not terminal.color,
        color_system="standard" if terminal.color else None, markup=False, emoji=False,
        highlight=False, soft_wrap=False,
    )
    console.print(Text(clean(view.title), style="bold"))
    for line in view.lines:
        console.print(Text(clean(line)))
    for sec in view.sections:
        console.print()
        console.print(Text(clean(sec.title), style="bold underline"))
        if sec.note:
            console.print(Text(clean(sec.note), style="dim"))
        if not sec.rows:
            continue
        table = Table(show_header=True, header_style="bold", expand=False, show_lines=True, pad_edge=False)
        for col in sec.columns:
            table.add_column(Text(clean(col)), overflow="fold")
        for row in sec.rows:
            table.add_row(*(Text(clean(c)) for c in row))
        console.print(table)
    if view.footer:
        console.print()
    for line in view.footer:
        console.print(Text(clean(line), style="dim"))
