"""The unsafe-text policy, defined once: which characters never pass raw from input to a terminal, a JSON document
or a knowledge file, and how they are shown instead. Every input check (ids, knowledge files) and every output
(tables, delimited text, JSON, messages naming a user's path) uses these.

Unsafe: C0 controls other than tab and newline, DEL and the C1 controls, the bidirectional controls (U+061C,
U+200E-U+200F, U+202A-U+202E, U+2066-U+2069), zero-width and invisible characters (U+200B-U+200D, U+2060-U+2065,
U+FEFF) and the line and paragraph separators (U+2028, U+2029).
"""
from __future__ import annotations

import re
from typing import Any

UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff"
_UNSAFE = f"[{UNSAFE}]"  # patterns as text: re compiles (and caches) each on first use, not at every start
_IN_JSON = "[\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]"  # JSON escapes C0 itself
_NOT_IN_ID = f"[{UNSAFE}\t\n\ud800-\udfff]"
MAX_ID = 200


def has_unsafe(text: str) -> bool:
    """Whether the text holds an unsafe character (tab and newline are fine)."""
    return re.search(_UNSAFE, text) is not None


def clean(text: Any) -> str:
    """Text safe for a terminal: each unsafe character becomes a visible escape (``\\x1b``, ``\\u202e``)."""
    s = "" if text is None else str(text)
    if s.isascii() and s.isprintable():
        return s
    return re.sub(_UNSAFE, lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", s)


def escape_json(text: str) -> str:
    """Encoded JSON with the unsafe characters JSON leaves raw (C1, bidi, zero-width, separators) as ``\\u`` escapes."""
    if text.isascii() and "\x7f" not in text:  # most text: nothing to escape, and this check is quick
        return text
    return re.sub(_IN_JSON, lambda m: f"\\u{ord(m.group()):04x}", text)


def check_id(value: Any, what: str = "id") -> str | None:
    """An id fit to echo anywhere: text or a whole number of at most 15 digits; no unsafe character, tab, newline or
    unpaired surrogate; at most 200 characters. Raises :class:`lmsrx.errors.UsageError`."""
    from lmsrx.errors import UsageError

    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)) or (isinstance(value, int) and abs(value) >= 10**15):
        raise UsageError(f"{what} must be text or a whole number of at most 15 digits")
    text = str(value)
    if len(text) > MAX_ID:
        raise UsageError(f"{what} longer than {MAX_ID} characters")
    if re.search(_NOT_IN_ID, text):
        raise UsageError(f"{what} contains a control, bidi, zero-width or unpaired surrogate character")
    return text
