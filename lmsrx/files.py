"""Where the built-in knowledge files are, and cheap reads of them.

Kept apart from :mod:`lmsrx.kb` so that ``--version`` and tab completion read one
file without importing the validator.
"""
from __future__ import annotations

import os
from typing import Any

BUILTIN_PREFIX = "knowledge/"
_HERE = os.path.dirname(os.path.realpath(__file__))
COMPILED = os.path.join(_HERE, "_compiled", "kb.json")
COMPILED_FORMAT = 2


def _builtin_folder() -> str | None:
    """The folder of the shipped YAML files: an installed wheel's, else a source checkout's (None if neither)."""
    for base in (os.path.join(_HERE, "_knowledge"), os.path.join(os.path.dirname(_HERE), "knowledge")):
        if os.path.isdir(base):
            return base
    return None


def _builtin_names(names: list[str]) -> list[str]:
    return sorted((n for n in names if n.endswith(".yaml")), key=lambda n: (n != "kb.yaml", n))


def builtin_files() -> list[tuple[str, Any]]:
    """(display name, readable path) of the shipped YAML files, ``kb.yaml`` first: a file name (str) in a
    plain folder, else a resource with ``read_bytes()`` (see :func:`read_bytes`)."""
    folder = _builtin_folder()
    if folder is not None:  # found without importlib.resources
        return [(BUILTIN_PREFIX + name, os.path.join(folder, name)) for name in _builtin_names(os.listdir(folder))]
    import importlib.resources  # a zipped or otherwise unusual install

    items = {p.name: p for p in (importlib.resources.files("lmsrx") / "_knowledge").iterdir()}
    return [(BUILTIN_PREFIX + name, items[name]) for name in _builtin_names(list(items))]


def read_bytes(path: Any) -> bytes:
    """The bytes of a file name or a resource."""
    if isinstance(path, str):
        with open(path, "rb") as handle:
            return handle.read()
    return read_bytes(path)


def builtin_stamp() -> list[list[Any]] | None:
    """Each shipped YAML file's name, size and CRC-32: cheap to take at every start (no hashlib), and enough
    to notice a compiled base made from other YAML (an edit not yet compiled). None if the files are not
    in a plain folder."""
    import zlib

    folder = _builtin_folder()
    if folder is None:
        return None
    stamp = []
    for name in _builtin_names(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as handle:
            data = handle.read()
        stamp.append([name, len(data), zlib.crc32(data)])
    return stamp


def compiled_data() -> dict[str, Any] | None:
    """The compiled built-in base as plain data, only if it was made from the YAML that ships, else None."""
    import json

    try:
        with open(COMPILED, encoding="utf-8") as handle:
            data = json.loads(handle.read())
        if not isinstance(data, dict) or data.get("format") != COMPILED_FORMAT:
            return None
        stamp = builtin_stamp()
        return data if stamp is not None and data.get("builtin_stamp") == stamp else None
    except (OSError, ValueError):
        return None


def builtin_version() -> str:
    """The built-in base's version, without validating it (cheap: for ``--version``)."""
    data = compiled_data()
    if data is not None and isinstance(data.get("meta"), dict) and "version" in data["meta"]:
        return str(data["meta"]["version"])
    from lmsrx.yamlsafe import LDict, load_yaml

    name, path = builtin_files()[0]
    value, problems = load_yaml(read_bytes(path), name)
    if problems or not isinstance(value, LDict) or not isinstance(value.get("knowledge"), LDict):
        return "unreadable"
    return str(value["knowledge"].get("version", "unknown"))


_QUICK_FILES = {"drugs": "drugs.yaml", "evidence": "evidence.yaml", "regimens": "regimens.yaml", "references": "references.yaml",
                "classes": "classes.yaml"}


def quick_names(kind: str) -> list[str]:
    """Ids (and, for drugs, names, brands and aliases) of one kind, for tab completion: from the compiled
    base when it is fresh, else from one built-in YAML file, unvalidated."""
    data = compiled_data()
    section = data.get(kind) if data is not None else None
    if not isinstance(section, dict):
        from lmsrx.yamlsafe import load_yaml

        path = next(p for name, p in builtin_files() if name.endswith("/" + _QUICK_FILES[kind]))
        value, problems = load_yaml(read_bytes(path), _QUICK_FILES[kind])
        section = value.get(kind) if isinstance(value, dict) and not problems else None
        if not isinstance(section, dict):
            return []
    names = set(section)
    if kind == "drugs":
        for entry in section.values():
            if isinstance(entry, dict):
                names.update(str(x).lower() for x in (entry.get("brands") or []) + (entry.get("aliases") or []))
    return sorted(n for n in names if isinstance(n, str))


def completions(kind: str, incomplete: str, extra: tuple[str, ...] = (), classes: bool = False) -> list[str]:
    """The names of one kind (plus the class ids, with ``classes``, and ``extra`` words) that complete
    ``incomplete``, sorted. Names with a space are left out, since the shell would insert them unquoted (each
    such drug also has an id or alias without one). Never raises: a completion must not fail loudly."""
    try:
        names = {*quick_names(kind), *extra, *(quick_names("classes") if classes else ())}
    except Exception:  # noqa: BLE001
        return []
    return sorted(n for n in names if " " not in n and n.startswith(incomplete.lower()))
