"""Where the built-in knowledge files are, their stamp, and the cheap reads of ``--version`` and tab completion."""
from __future__ import annotations

import os
from typing import Any

BUILTIN_PREFIX = "knowledge/"
_HERE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # the lmsrx package folder


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


def builtin_version() -> str:
    """The built-in base's version, read from ``kb.yaml`` without validating it (cheap: for ``--version``)."""
    from lmsrx.knowledge.yamlsafe import LDict, load_yaml

    name, path = builtin_files()[0]
    value, problems = load_yaml(read_bytes(path), name)
    if problems or not isinstance(value, LDict) or not isinstance(value.get("knowledge"), LDict):
        return "unreadable"
    return str(value["knowledge"].get("version", "unknown"))
