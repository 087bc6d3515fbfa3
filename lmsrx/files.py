"""Where the built-in knowledge files are, and cheap reads of them.

Kept apart from :mod:`lmsrx.kb` so that ``--version`` and tab completion read one
file without importing the validator.
"""
from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Any


BUILTIN_PREFIX = "knowledge/"
COMPILED = Path(__file__).resolve().parent / "_compiled" / "kb.json"


def builtin_files() -> list[tuple[str, Any]]:
    """(display name, readable path) of the shipped YAML files, ``kb.yaml`` first."""
    base: Any = importlib.resources.files("lmsrx") / "_knowledge"
    if not base.is_dir():  # running from a source checkout or an editable install
        base = Path(__file__).resolve().parent.parent / "knowledge"
    items = sorted((p for p in base.iterdir() if p.name.endswith(".yaml")), key=lambda p: (p.name != "kb.yaml", p.name))
    return [(BUILTIN_PREFIX + p.name, p) for p in items]


def builtin_version() -> str:
    """The built-in base's version, read from kb.yaml alone (cheap: for ``--version``)."""
    try:  # the compiled base knows it, without YAML or the record classes
        import json

        return str(json.loads(COMPILED.read_text(encoding="utf-8"))["meta"]["version"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    from lmsrx.yamlsafe import LDict, load_yaml

    name, path = builtin_files()[0]
    value, problems = load_yaml(path.read_bytes(), name)
    if problems or not isinstance(value, LDict) or not isinstance(value.get("knowledge"), LDict):
        return "unreadable"
    return str(value["knowledge"].get("version", "unknown"))


_QUICK_FILES = {"drugs": "drugs.yaml", "evidence": "evidence.yaml", "regimens": "regimens.yaml", "references": "references.yaml"}


def quick_names(kind: str) -> list[str]:
    """Ids (and, for drugs, names, brands and aliases) from one built-in file, unvalidated: for tab completion."""
    from lmsrx.yamlsafe import load_yaml

    path = next(p for name, p in builtin_files() if name.endswith("/" + _QUICK_FILES[kind]))
    value, problems = load_yaml(path.read_bytes(), _QUICK_FILES[kind])
    section = value.get(kind) if isinstance(value, dict) else None
    if problems or not isinstance(section, dict):
        return []
    names = set(section)
    if kind == "drugs":
        for entry in section.values():
            if isinstance(entry, dict):
                names.update(str(x).lower() for x in (entry.get("brands") or []) + (entry.get("aliases") or []))
    return sorted(n for n in names if isinstance(n, str))
