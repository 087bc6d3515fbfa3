"""Every output format lives here: table (Rich), json, ndjson, csv, tsv, markdown.

Commands hand over a :class:`~lmsrx.output.view.View` (built by the other modules of :mod:`lmsrx.output`) and the facts
about the terminal; nothing else in lmsrx writes formatted data. Rich is
imported only inside :func:`draw_table`, and every piece of knowledge-base text is
wrapped in ``rich.text.Text`` so it is never read as markup."""
from __future__ import annotations

import io
import json
import re
from typing import Any, TextIO

from lmsrx.output.view import Terminal, View
from lmsrx.text import clean, escape_json

FORMATS = ("table", "json", "ndjson", "csv", "tsv", "markdown")


def default_format(terminal: Terminal, view: View | None = None) -> str:
    """table on a terminal; piped, a plain list where the view has one (``lmsrx drugs``), else tsv."""
    if terminal.is_tty:
        return "table"
    return "plain" if view is not None and view.plain is not None else "tsv"


def render(view: View, fmt: str, terminal: Terminal, out: TextIO) -> None:
    if fmt in view.documents:
        out.write(clean(view.documents[fmt]) + "\n")  # never a raw escape
    elif fmt in ("json", "csl-json"):
        out.write((view.json if view.json is not None else dumps(view.data, indent=INDENT)) + "\n")
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
        from lmsrx.output.table import draw_table  # Rich stays out of machine formats
        draw_table(view, terminal, out)


INDENT = 2  # every JSON document (--format json); NDJSON lines are compact
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
        import csv  # only for csv: every other format starts without it

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
_MD_SPECIAL = r"(?m)<(?=[A-Za-z/!?])|&(?=[A-Za-z#])|[\\\[\]|]|^>"  # compiled by re on first use


def _md(text: Any) -> str:
    """Markdown text: no HTML, no link or image syntax and no table break from the data; line breaks kept."""
    safe = re.sub(_MD_SPECIAL, r"\\\g<0>", clean(text))  # backslash escapes keep "P < 0.001" readable
    return safe.replace("\n", "<br>")


def _markdown(view: View) -> str:
    parts = [f"## {_md(view.title)}", ""]
    for line in view.lines:  # each its own paragraph: Markdown would join consecutive lines
        parts += [_md(line), ""]
    for sec in view.sections:
        parts += [f"### {_md(sec.title or sec.columns[0])}", ""]
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
