"""What every renderer is handed: a :class:`View` of one answer, its :class:`Section` tables, and the facts
about the :class:`Terminal`. Plain data; the formats themselves are :mod:`lmsrx.output.render`'s."""
from __future__ import annotations

from typing import Any, Callable, TypeVar, Union

from lmsrx.records import record

T = TypeVar("T")
Lazy = Union[T, Callable[[], T]]  # a value, or the function that builds it when first asked


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
    max_lines: int | None = None  # a summary: each cell at most this many lines at the terminal's width (cut with ...)


class View:
    """A result ready to print in any format.

    ``data`` is the JSON document; ``rows`` the flat records for csv/tsv (one header, rectangular);
    ``sections``/``lines`` the human layout; ``items`` what ndjson prints one per line (``data`` as one line
    when absent). ``data``, ``rows`` and ``sections`` may be given as functions of no argument: each is then
    built the first time a renderer asks for it, so a view costs only what the format asked for needs.
    ``json`` (text, or its function) is the JSON document already written, when the answer has a serialiser of its
    own (an options answer's, :func:`lmsrx.output.options.options_json`); it is exactly ``data`` indented.
    """

    __slots__ = ("title", "_data", "_rows", "_sections", "lines", "items", "footer", "plain", "documents", "_json")

    def __init__(self, title: str, data: Any, rows: Lazy[list[dict[str, Any]]] = (),
                 sections: Lazy[list[Section]] = (), lines: list[str] | None = None, items: list[Any] | None = None,
                 footer: list[str] | None = None, plain: list[str] | None = None,
                 documents: dict[str, str] | None = None, json: Lazy[str] | None = None) -> None:
        self.title = title
        self._data, self._rows, self._sections = data, rows, sections
        self.lines = lines or []
        self.items = items
        self.footer = footer or []
        self.plain = plain  # one line each when piped with no --format (e.g. ids)
        self.documents = documents or {}  # preformatted outputs by format (citations, html pages)
        self._json = json

    @property
    def data(self) -> Any:
        if callable(self._data):
            self._data = self._data()
        return self._data

    @property
    def json(self) -> str | None:
        if callable(self._json):
            self._json = self._json()
        return self._json

    @property
    def rows(self) -> list[dict[str, Any]]:
        if callable(self._rows):
            self._rows = self._rows()
        return list(self._rows)

    @property
    def sections(self) -> list[Section]:
        if callable(self._sections):
            self._sections = self._sections()
        return list(self._sections)
