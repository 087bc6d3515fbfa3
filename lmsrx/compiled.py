"""The built-in knowledge base, validated once and shipped as plain JSON (``lmsrx/_compiled/kb.json``).

At run time the built-in base is rebuilt from this JSON into the same typed records, without parsing
YAML or validating again, as long as the JSON was made from exactly the YAML that ships (each file's size
and CRC-32 are checked every time; a stale file is ignored and the YAML validated as before). Plain data
only: it is never unpickled. ``python -m lmsrx.compiled`` rewrites it (and the description of the
command line that :mod:`lmsrx.fastargs` reads); a test fails when either is stale.
"""
from __future__ import annotations

import json
import typing
from typing import Any, Callable, Literal, Union

from lmsrx import model, records
from lmsrx.files import COMPILED as PATH
from lmsrx.files import COMPILED_FORMAT as FORMAT
from lmsrx.files import builtin_stamp, compiled_data
from lmsrx.units import LFloat, Quantity, parse_quantity

_HINTS: dict[type, dict[str, Any]] = {}


def _encode(obj: Any) -> Any:
    if isinstance(obj, Quantity):
        return str(obj)
    if isinstance(obj, LFloat):
        return {"f": obj.text}
    if records.is_record(obj):
        return {f.name: _encode(getattr(obj, f.name)) for f in records.fields(obj)
                if getattr(obj, f.name) != f.default or f.default is records.MISSING}
    if isinstance(obj, (list, tuple)):
        return [_encode(x) for x in obj]
    return obj


def dump(kb: Any) -> dict[str, Any]:
    """Plain data for JSON; records not from the built-in base keep the file they came from. The counts and
    ``kb info``'s summary are kept too, so that a base rebuilt from this data can be described without
    decoding its records."""
    extra = sorted([kind, rid, where] for (kind, rid), where in kb.origin.items() if where != "built-in")
    return {"format": FORMAT, "builtin_sha256": kb.sha256, "builtin_stamp": builtin_stamp(), "files": kb.files,
            **({"origin": extra} if extra else {}), "counts": kb.counts(), "summary": kb.summary(),
            **{kind: {rid: _encode(rec) for rid, rec in getattr(kb, kind).items()} for kind in model.KINDS},
            "meta": _encode(kb.meta)}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _decode(tp: Any, raw: Any) -> Any:
    return _decoder(tp)(raw)


_DECODERS: dict[Any, Callable[[Any], Any]] = {}


def _decoder(tp: Any) -> Callable[[Any], Any]:
    """A function rebuilding a value of type ``tp`` from its JSON form, made once per type (a 100x base
    has hundreds of thousands of values: reading the type hints for each would dominate)."""
    if tp not in _DECODERS:
        _DECODERS[tp] = _make_decoder(tp)
    return _DECODERS[tp]


def _make_decoder(tp: Any) -> Callable[[Any], Any]:
    origin = typing.get_origin(tp)
    if origin is Union or type(tp).__name__ == "UnionType":
        inner = _decoder(next(a for a in typing.get_args(tp) if a is not type(None)))
        return _same if inner is _same else lambda raw: None if raw is None else inner(raw)
    if origin is tuple:
        item = _decoder(typing.get_args(tp)[0])
        if item is _same:
            return lambda raw: None if raw is None else tuple(raw)
        return lambda raw: None if raw is None else tuple([item(x) for x in raw])
    if origin is Literal:
        return _same
    if tp is Quantity:
        return lambda raw: None if raw is None else parse_quantity(raw)
    if tp is float:
        return lambda raw: raw if raw is None else LFloat(raw["f"]) if isinstance(raw, dict) else float(raw)
    if records.is_record(tp):
        return _record_decoder(tp)
    if isinstance(tp, type) and issubclass(tp, str):
        return lambda raw: None if raw is None else tp(raw)
    return _same


def _same(raw: Any) -> Any:
    return raw


def _record_decoder(cls: type) -> Callable[[Any], Any]:
    """A record rebuilt without calling its ``__init__``: the defaults, then the stored values (stored only
    where they differ from the default), then the few fields whose JSON form needs converting. The same
    record as ``cls(**values)`` (a test compares the whole base with a fresh validation)."""
    defaults = {f.name: f.default for f in records.fields(cls) if f.default is not records.MISSING}
    converters: list[tuple[str, Callable[[Any], Any]]] = []
    ready: list[bool] = []
    new = object.__new__

    def record(raw: Any) -> Any:
        if raw is None:
            return None
        if not ready:  # on first use, so that a record type may refer to itself
            converters.extend((name, conv) for name, conv in
                              ((name, _decoder(hint)) for name, hint in _hints(cls).items()) if conv is not _same)
            ready.append(True)
        obj = new(cls)
        values = obj.__dict__
        values.update(defaults)
        values.update(raw)
        for name, conv in converters:
            if name in raw:
                values[name] = conv(raw[name])
        return obj

    return record


class _Sections:
    """A compiled or cached base's records, decoded kind by kind on first use (:class:`lmsrx.kb._Lazy`).
    ``raw(name)`` gives one section's plain data: a kind's records by id, or ``"origin"``. If a section
    read later cannot be decoded (a cache entry damaged after it was opened), ``fallback()`` gives the
    same base validated from its files, and the section is taken from that."""

    def __init__(self, counts: dict[str, int], raw: Callable[[str], Any], fallback: Callable[[], Any] | None) -> None:
        self.counts = counts
        self._raw = raw
        self._fallback = fallback
        self._validated: Any = None

    def _section(self, name: str, make: Callable[[Any], Any]) -> Any:
        try:
            return make(self._raw(name))
        except Exception:  # noqa: BLE001 - only a damaged cache entry can fail here: validate instead
            if self._fallback is None:
                raise
            if self._validated is None:
                self._validated = self._fallback()
            return getattr(self._validated, "origin" if name == "origin" else name)

    def records(self, kind: str) -> dict[str, Any]:
        decode = _decoder(model.KINDS[kind])
        return self._section(kind, lambda raw: {rid: decode(value) for rid, value in raw.items()})

    def origin(self) -> dict[tuple[str, str], str]:
        def make(extra: Any) -> dict[tuple[str, str], str]:
            out = {(kind, rid): "built-in" for kind in model.KINDS for rid in self._raw(kind)}
            out.update({(kind, rid): str(where) for kind, rid, where in extra or []})
            return out

        return self._section("origin", make)


def build(data: dict[str, Any], sha256: str, raw: Callable[[str], Any] | None = None,
          fallback: Callable[[], Any] | None = None) -> Any:
    """The knowledge base from compiled data (no validation: it was validated when compiled). Records are
    decoded kind by kind when first used; ``raw`` reads a section (default: from ``data`` itself)."""
    from lmsrx.kb import KnowledgeBase

    kb = object.__new__(KnowledgeBase)
    counts = {kind: int(data["counts"][kind]) for kind in model.KINDS}
    kb.__dict__.update(meta=_decode(model.Meta, data["meta"]), sha256=sha256, files=list(data["files"]),
                       cache={"summary": data["summary"]}, _lazy=_Sections(counts, raw or data.get, fallback))
    return kb


def load() -> Any | None:
    """The compiled built-in base if it was made from the YAML that ships (its stamp matches), else None."""
    data = compiled_data()
    return None if data is None else build(data, data["builtin_sha256"])


def write() -> str:
    import os

    from lmsrx import kb

    fresh = kb.load(compiled=False)
    os.makedirs(os.path.dirname(PATH), exist_ok=True)
    with open(PATH, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(dump(fresh), ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n")
    return PATH


if __name__ == "__main__":  # pragma: no cover - the build step
    from lmsrx import fastargs

    print(f"wrote {write()}")
    print(f"wrote {fastargs.write()}")
