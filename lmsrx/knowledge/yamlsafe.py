"""Strict YAML reading for knowledge files.

PyYAML accepts far more than a dosing table should. This module reads the
*event stream* (iterative, so no recursion on deep nesting) and builds plain
values itself, with a line number for every key and item. It refuses:

* anchors, aliases and explicit tags (``!!python/...`` included);
* duplicate keys and non-string keys;
* YAML 1.1 booleans (``yes``/``no``/``on``/``off``/``y``/``n``), octal,
  hexadecimal, sexagesimal (``1:30``) and underscored numbers;
* NaN and infinities; implicit timestamps (quote dates: ``"2019-08-15"``);
* C0/C1 control characters other than newline and tab, and Unicode bidi
  controls, anywhere in the file;
* files over :data:`MAX_BYTES` and nesting deeper than :data:`MAX_DEPTH`.

Every problem becomes a :class:`~lmsrx.errors.Problem` naming ``file:line``.
"""
from __future__ import annotations

import math
import re
from typing import Any

import yaml

from lmsrx.errors import Problem
from lmsrx.units import LFloat  # noqa: F401 - built here, defined there

MAX_BYTES = 1_048_576
MAX_DEPTH = 32

try:  # libyaml's event parser is iterative; fall back to the pure-Python one
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


class LDict(dict):
    """A mapping that remembers where it and each of its keys stand."""

    line: int = 0
    key_lines: dict[str, int]


class LList(list):
    """A sequence that remembers where it and each of its items stand."""

    line: int = 0
    item_lines: list[int]


_BAD_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]"
    "|\r(?!\n)"
)
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_YAML11_BOOL = {"y", "n", "yes", "no", "on", "off"}
_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?")
_NUMBERISH = re.compile(r"[-+]?(0[0-7]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9][0-9_]*_[0-9_]*)")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?")
_NAN_INF = re.compile(r"[-+]?\.?(nan|NaN|NAN|inf|Inf|INF)")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?")


MAX_NUMBER_CHARS = 40




class _Reject(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message


def _plain_scalar(text: str, line: int) -> Any:
    """Resolve a plain (unquoted) scalar under strict, YAML-1.2-like rules."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text.lower() in _YAML11_BOOL:
        raise _Reject(line, f"ambiguous value {text!r} (a YAML 1.1 boolean): write true/false, or quote it")
    if _NAN_INF.fullmatch(text):
        raise _Reject(line, f"{text!r} is not a finite number")
    if _NUMBERISH.fullmatch(text):
        raise _Reject(line, f"ambiguous number {text!r} (octal, hex, binary or underscored): write it plainly or quote it")
    if _SEXAGESIMAL.fullmatch(text):
        raise _Reject(line, f"ambiguous value {text!r} (YAML 1.1 reads it as base 60): quote it")
    if _TIMESTAMP.fullmatch(text):
        raise _Reject(line, f"unquoted date {text!r}: quote it (\"{text}\")")
    if (_INT.fullmatch(text) or _FLOAT.fullmatch(text)) and len(text) > MAX_NUMBER_CHARS:
        raise _Reject(line, f"a number of {len(text)} characters; the limit is {MAX_NUMBER_CHARS}")
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        number = LFloat(text)
        if not math.isfinite(number):
            raise _Reject(line, f"{text!r} is not a finite number")
        return number
    return text


def _check_text(text: str, path: str) -> list[Problem]:
    problems = []
    for m in _BAD_CHARS.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        problems.append(Problem(path, line, f"forbidden control or bidi character U+{ord(m.group()[0]):04X}"))
        if len(problems) >= 20:
            break
    return problems


def load_yaml(data: bytes, path: str) -> tuple[Any, list[Problem]]:
    """Parse one knowledge file. Returns (value, problems); value is None on any problem."""
    if len(data) > MAX_BYTES:
        return None, [Problem(path, 1, f"file is {len(data)} bytes; the limit is {MAX_BYTES}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [Problem(path, line, "not valid UTF-8")]
    problems = _check_text(text, path)
    if problems:
        return None, problems
    found: list[Problem] = []
    try:
        value = _build(text, path, found)
    except _Reject as exc:
        found.append(Problem(path, exc.line, exc.message))
        value = None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        found.append(Problem(path, line, f"YAML syntax: {reason}"))
        value = None
    if found:
        return None, sorted(found, key=lambda p: p.line)[:MAX_PROBLEMS]
    return value, []


MAX_PROBLEMS = 200


def _build(text: str, path: str, found: list[Problem]) -> Any:
    """Values from the event stream. Problems that leave the structure readable (a duplicate key, an
    ambiguous scalar, an escape, an anchor or tag) are collected and the parse goes on, so that a
    file's every such problem is reported at once; a structural one stops it."""
    stack: list[Any] = []  # open containers
    pending_key: list[Any] = []  # per open mapping: the key awaiting its value, _NO_KEY, or _SKIP
    root: Any = None
    documents = 0

    def problem(line: int, message: str) -> None:
        found.append(Problem(path, line, message))
        if len(found) > MAX_PROBLEMS:
            raise _Reject(line, "too many problems; stopping")

    def attach(value: Any, line: int) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        top = stack[-1]
        if isinstance(top, LList):
            top.append(value)
            top.item_lines.append(line)
        elif pending_key[-1] is _NO_KEY:
            if not isinstance(value, str):
                problem(line, f"keys must be text, not {_kind(value)}")
                pending_key[-1] = _SKIP
            elif value in top:
                problem(line, f"duplicate key {value!r} (first at line {top.key_lines[value]})")
                pending_key[-1] = _SKIP
            else:
                pending_key[-1] = value
                top.key_lines[value] = line
        else:
            if pending_key[-1] is not _SKIP:
                top[pending_key[-1]] = value
            pending_key[-1] = _NO_KEY

    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line + 1 if event.start_mark is not None else 1
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Reject(line, "one YAML document per file")
            continue
        if isinstance(event, yaml.AliasEvent):
            problem(line, "aliases (*name) are not allowed")
            attach(None, line)
            continue
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            problem(line, f"anchors (&{event.anchor}) are not allowed")
        if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)) and event.tag is not None:
            problem(line, f"tags ({event.tag}) are not allowed")
        if isinstance(event, yaml.ScalarEvent):
            bad = _BAD_CHARS.search(event.value) if event.style else None
            if bad:
                problem(line, f"forbidden control or bidi character U+{ord(bad.group()[0]):04X} (written as an escape)")
            try:
                value = _plain_scalar(event.value, line) if not event.style else event.value
            except _Reject as exc:
                problem(exc.line, exc.message)
                value = None
            if stack and not isinstance(stack[-1], LList) and pending_key[-1] is _NO_KEY and event.style:
                value = event.value  # a quoted key is text
            attach(value, line)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise _Reject(line, f"nesting deeper than {MAX_DEPTH} levels")
            if isinstance(event, yaml.MappingStartEvent):
                node: Any = LDict()
                node.key_lines = {}
            else:
                node = LList()
                node.item_lines = []
            node.line = line
            if stack and not isinstance(stack[-1], LList) and pending_key[-1] is _NO_KEY:
                raise _Reject(line, "keys must be text, not a mapping or list")
            attach(node, line)
            stack.append(node)
            pending_key.append(_NO_KEY)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            pending_key.pop()
    return root


class _NoKey:
    __slots__ = ()


_NO_KEY = _NoKey()
_SKIP = _NoKey()  # the key was refused: drop its value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__
