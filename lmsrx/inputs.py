"""Reading what users give lmsrx: a document (a patient or an order, YAML or JSON, a file or ``-`` for stdin) and the
lines of a batch. One reader, one set of limits, one way of failing (:class:`lmsrx.errors.UsageError`).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lmsrx.errors import UsageError

MAX_INPUT = 64 * 1024 * 1024
MAX_LINE_BYTES = 1_048_576
TOO_LONG = b"\x00too long"  # stands for a batch line over MAX_LINE_BYTES (skipped unread)


def shown(name: str) -> str:
    """How an input is named in messages: ``<stdin>`` for ``-``."""
    return "<stdin>" if name == "-" else name


def _binary_stdin(stdin: Any) -> Any:
    """The byte stream under stdin, or a usage error naming '-' when there is none (closed, or not readable)."""
    stream = getattr(stdin, "buffer", stdin)
    if stream is None or getattr(stream, "closed", False) or not hasattr(stream, "read"):
        raise UsageError("cannot read - (standard input): it is closed")
    return stream


def read_text(name: str, stdin: Any = None) -> str:
    """A whole file (or stdin for ``-``) as UTF-8 text, at most 64 MiB."""
    from lmsrx.text import clean

    try:
        if name == "-":
            data = _binary_stdin(stdin).read(MAX_INPUT + 1)
        else:
            with open(name, "rb") as handle:
                data = handle.read(MAX_INPUT + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {clean(shown(name))}: {exc.strerror or exc}") from None
    except (ValueError, AttributeError):
        raise UsageError("cannot read - (standard input): it is closed") from None
    if not isinstance(data, bytes):
        raise UsageError(f"cannot read {clean(shown(name))}: not a byte stream")
    if len(data) > MAX_INPUT:
        raise UsageError(f"{clean(shown(name))}: larger than {MAX_INPUT // (1024 * 1024)} MiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{clean(shown(name))}: not UTF-8 text") from None


def read_document(text: str, name: str) -> Any:
    """A patient or order document: strict YAML, which keeps line numbers for messages (JSON is YAML too); text
    that strict YAML refuses but that starts like JSON is read as JSON (its message then comes from JSON)."""
    from lmsrx.knowledge.yamlsafe import load_yaml

    value, problems = load_yaml(text.encode("utf-8", "surrogatepass"), name)
    if problems:
        if text.lstrip().startswith(("{", "[")):
            return loads_json(text, name)
        raise UsageError("; ".join(str(p) for p in problems[:5]))
    return value


def loads_json(text: str, name: str) -> Any:
    """Strict JSON: no NaN or infinity, no duplicate keys."""
    def bad_constant(c: str) -> Any:
        raise ValueError(f"{c} is not allowed")

    def finite(text: str) -> float:
        number = float(text)
        if number in (float("inf"), float("-inf")):  # 1e309: too large for a float, read as infinity
            raise ValueError(f"{text[:40]} is not a finite number")
        return number

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in pairs:
            if k in out:
                raise ValueError(f"duplicate key {k[:60]!r}")
            out[k] = v
        return out

    try:
        return json.loads(text, parse_constant=bad_constant, parse_float=finite, object_pairs_hook=no_duplicates)
    except (ValueError, RecursionError) as exc:
        raise UsageError(f"{name}: not valid JSON ({str(exc).splitlines()[0]})") from None


def byte_lines(name: str, stdin: Any = None) -> Iterator[bytes]:
    """The lines of a batch file (or stdin) as bytes, split on newline only, each decoded alone by the caller; a line
    over :data:`MAX_LINE_BYTES` yields :data:`TOO_LONG` and the rest of it is skipped unread."""
    from lmsrx.text import clean

    try:
        handle = _binary_stdin(stdin) if name == "-" else open(name, "rb")
    except OSError as exc:
        raise UsageError(f"cannot read {clean(name)}: {exc.strerror or exc}") from None

    def lines() -> Iterator[bytes]:
        try:
            while True:
                raw = handle.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    return
                if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                    yield TOO_LONG  # reported first; then the rest of the line is skipped unread
                    while raw and not raw.endswith(b"\n"):
                        raw = handle.readline(MAX_LINE_BYTES)
                    continue
                yield raw.rstrip(b"\r\n") if raw.endswith(b"\n") else raw
        finally:
            if name != "-":
                handle.close()

    return lines()
