"""What every renderer is handed: a :class:`View` of one answer, its :class:`Section` tables, and the facts
about the :class:`Terminal`. Plain data; the formats themselves are :mod:`lmsrx.output.render`'s."""
from __future__ import annotations

from typing import Any

from lmsrx.records import field, record


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
