"""Turn located YAML values into the typed records of :mod:`lmsrx.model`.

The record classes' type hints drive validation: unknown keys, missing fields,
enumerations (``Literal``), ids, dates, quantities with units and references
to other records are all checked here, and every problem names its line.
"""
from __future__ import annotations

import calendar
import re
import types
import typing
from typing import Any, Literal, Union

from lmsrx import records, vocab
from lmsrx.errors import Problem
from lmsrx.knowledge import model
from lmsrx.knowledge.yamlsafe import LDict, LList
from lmsrx.units import Quantity, UnitError, parse_quantity

_IDENT = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_HINTS: dict[type, dict[str, Any]] = {}
INVALID = object()
_SINGULAR = {"evidence": "evidence", "classes": "class"}
MAX_TEXT = 4000


class Context:
    """Where we are (file) and what ids exist, for reference checks."""

    def __init__(self, path: str, ids: dict[str, set[str]], problems: list[Problem]) -> None:
        self.path = path
        self.ids = ids
        self.problems = problems

    def report(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))


def hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def convert_record(cls: type, raw: Any, ctx: Context, where: str, line: int, record_id: str | None = None) -> Any:
    """Build one record; ``record_id`` fills the ``id`` field from the mapping key."""
    if not isinstance(raw, LDict):
        ctx.report(line, f"{where}: expected a mapping, got {_describe(raw)}")
        return INVALID
    if record_id is not None:
        if "id" in raw:
            ctx.report(raw.key_lines["id"], f"{where}: the id is the key above; remove 'id'")
            return INVALID
        raw = _with(raw, "id", record_id, line)
    return _record(cls, raw, ctx, where, line)


def _with(raw: LDict, name: str, value: Any, line: int) -> LDict:
    out = LDict(raw)
    out.line = raw.line
    out.key_lines = dict(raw.key_lines)
    out[name] = value
    out.key_lines[name] = line
    return out


def _record(cls: type, raw: Any, ctx: Context, where: str, line: int) -> Any:
    if not isinstance(raw, LDict):
        ctx.report(line, f"{where}: expected a mapping, got {_describe(raw)}")
        return INVALID
    fields = {f.metadata.get("key", f.name): f for f in records.fields(cls)}
    ok = True
    for k in raw:
        if k not in fields:
            tip = vocab.did_you_mean(k, list(fields), n=1, quote=True)
            ctx.report(raw.key_lines[k], f"{where}: unknown key {k!r}{tip}")
            ok = False
    kwargs: dict[str, Any] = {}
    types_ = hints(cls)
    for k, f in fields.items():
        if k not in raw:
            if f.default is records.MISSING and f.default_factory is records.MISSING:
                ctx.report(line, f"{where}: missing required key {k!r}")
                ok = False
            continue
        value = _value(types_[f.name], raw[k], ctx, f"{where}.{k}", raw.key_lines[k], f.metadata)
        if value is INVALID:
            ok = False
        else:
            kwargs[f.name] = value
    if not ok:
        return INVALID
    obj = cls(**kwargs)
    check = getattr(obj, "problems", None)
    if check is not None:
        for fname, message in check():
            ctx.report(raw.key_lines.get(fname, raw.line), f"{where}: {message}")
            ok = False
    return obj if ok else INVALID


def _value(tp: Any, raw: Any, ctx: Context, where: str, line: int, meta: Any = None) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if raw is None:
            return None
        return _value(args[0], raw, ctx, where, line, meta)
    if raw is None:
        ctx.report(line, f"{where}: a value is required")
        return INVALID
    if origin is Literal:
        choices = typing.get_args(tp)
        if raw not in choices or isinstance(raw, bool):
            ctx.report(line, f"{where}: {raw!r} is not one of: {', '.join(map(str, choices))}")
            return INVALID
        return raw
    if origin is tuple:
        (item_tp, _dots) = typing.get_args(tp)
        if not isinstance(raw, LList):
            ctx.report(line, f"{where}: expected a list, got {_describe(raw)}")
            return INVALID
        if meta and meta.get("min_items") and len(raw) < meta["min_items"]:
            ctx.report(line, f"{where}: needs at least {meta['min_items']} item(s)")
            return INVALID
        items = [_value(item_tp, v, ctx, f"{where}[{i}]", raw.item_lines[i]) for i, v in enumerate(raw)]
        if any(v is INVALID for v in items):
            return INVALID
        if len(set(map(repr, items))) != len(items) and not (meta and meta.get("repeats")):
            ctx.report(line, f"{where}: the list repeats an item")
            return INVALID
        return tuple(items)
    if tp is Quantity:
        if not isinstance(raw, str):
            ctx.report(line, f"{where}: a quantity is written with its unit, e.g. '12 g/m2'")
            return INVALID
        try:
            return parse_quantity(raw)
        except UnitError as exc:
            ctx.report(line, f"{where}: {exc}")
            return INVALID
    if records.is_record(tp):
        return _record(tp, raw, ctx, where, line)
    if tp is bool:
        if not isinstance(raw, bool):
            ctx.report(line, f"{where}: expected true or false, got {_describe(raw)}")
            return INVALID
        return raw
    if tp is int:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            ctx.report(line, f"{where}: expected a whole number, got {_describe(raw)}")
            return INVALID
        return raw
    if tp is float:
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            ctx.report(line, f"{where}: expected a number, got {_describe(raw)}")
            return INVALID
        return raw if isinstance(raw, float) else float(raw)  # an LFloat keeps its written precision
    if isinstance(tp, type) and issubclass(tp, str):
        return _text(tp, raw, ctx, where, line)
    raise TypeError(f"no converter for {tp!r}")  # pragma: no cover - a schema bug


def _text(tp: type, raw: Any, ctx: Context, where: str, line: int) -> Any:
    if not isinstance(raw, str):
        ctx.report(line, f"{where}: expected text, got {_describe(raw)} (quote it)")
        return INVALID
    if not raw.strip():
        ctx.report(line, f"{where}: empty text")
        return INVALID
    if len(raw) > MAX_TEXT:
        ctx.report(line, f"{where}: text longer than {MAX_TEXT} characters")
        return INVALID
    if issubclass(tp, model.Ident):
        if not _IDENT.fullmatch(raw):
            ctx.report(line, f"{where}: {raw!r} is not a valid id (lowercase letters, digits and single hyphens)")
            return INVALID
        kind = getattr(tp, "kind", None)
        if kind is not None and raw not in ctx.ids.get(kind, ()):
            tip = vocab.did_you_mean(raw, sorted(ctx.ids.get(kind, ())), n=1, quote=True)
            ctx.report(line, f"{where}: unknown {_SINGULAR.get(kind, kind[:-1])} {raw!r}{tip}")
            return INVALID
        return tp(raw)
    if tp is model.Span:
        try:
            model.span_bounds(raw)
        except ValueError as exc:
            ctx.report(line, f"{where}: {exc}")
            return INVALID
        return model.Span(raw)
    if tp is model.Date:
        m = _DATE.fullmatch(raw)
        ok = bool(m)
        if m and m.group(2):
            year, month = int(m.group(1)), int(m.group(2))
            ok = 1 <= month <= 12 and (not m.group(3) or 1 <= int(m.group(3)) <= calendar.monthrange(year, month)[1])
        if not ok:
            ctx.report(line, f"{where}: {raw!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
            return INVALID
        return model.Date(raw)
    return raw


def _describe(raw: Any) -> str:
    if raw is None:
        return "nothing"
    if isinstance(raw, bool):
        return f"the boolean {str(raw).lower()}"
    if isinstance(raw, (int, float)):
        return f"the number {raw}"
    if isinstance(raw, LDict):
        return "a mapping"
    if isinstance(raw, LList):
        return "a list"
    return f"text {raw!r}"
