"""Where the built-in knowledge files are, and cheap reads of them.

Kept apart from :mod:`lmsrx.kb` so that ``--version`` and tab completion read one
file without importing the validator.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any


BUILTIN_PREFIX = "knowledge/"
COMPILED = Path(__file__).resolve().parent / "_compiled" / "kb.json"
COMPILED_FORMAT = 1


def builtin_files() -> list[tuple[str, Any]]:
    """(display name, readable path) of the shipped YAML files, ``kb.yaml`` first."""
    here = Path(__file__).resolve().parent
    base: Any = here / "_knowledge"  # an installed wheel: a plain folder, found without importlib.resources
    if not base.is_dir():
        base = here.parent / "knowledge"  # a source checkout or an editable install
    if not base.is_dir():  # a zipped or otherwise unusual install
        import importlib.resources

        base = importlib.resources.files("lmsrx") / "_knowledge"
    items = sorted((p for p in base.iterdir() if p.name.endswith(".yaml")), key=lambda p: (p.name != "kb.yaml", p.name))
    return [(BUILTIN_PREFIX + p.name, p) for p in items]


def builtin_digest() -> str:
    """The sha256 of the built-in YAML (names and bytes): what the compiled base must have been made from."""
    import hashlib

    digest = hashlib.sha256()
    for shown, path in builtin_files():
        digest.update(shown.removeprefix(BUILTIN_PREFIX).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def compiled_data(sha256: str | None = None) -> dict[str, Any] | None:
    """The compiled built-in base as plain data, only if it was made from the YAML that ships, else None."""
    import json

    try:
        data = json.loads(COMPILED.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != COMPILED_FORMAT:
            return None
        return data if data.get("builtin_sha256") == (sha256 or builtin_digest()) else None
    except (OSError, ValueError):
        return None


def builtin_version() -> str:
    """The built-in base's version, without validating it (cheap: for ``--version``)."""
    data = compiled_data()
    if data is not None and isinstance(data.get("meta"), dict) and "version" in data["meta"]:
        return str(data["meta"]["version"])
    from lmsrx.yamlsafe import LDict, load_yaml

    name, path = builtin_files()[0]
    value, problems = load_yaml(path.read_bytes(), name)
    if problems or not isinstance(value, LDict) or not isinstance(value.get("knowledge"), LDict):
        return "unreadable"
    return str(value["knowledge"].get("version", "unknown"))


_QUICK_FILES = {"drugs": "drugs.yaml", "evidence": "evidence.yaml", "regimens": "regimens.yaml", "references": "references.yaml"}


def quick_names(kind: str) -> list[str]:
    """Ids (and, for drugs, names, brands and aliases) of one kind, for tab completion: from the compiled
    base when it is fresh, else from one built-in YAML file, unvalidated."""
    data = compiled_data()
    section = data.get(kind) if data is not None else None
    if not isinstance(section, dict):
        from lmsrx.yamlsafe import load_yaml

        path = next(p for name, p in builtin_files() if name.endswith("/" + _QUICK_FILES[kind]))
        value, problems = load_yaml(path.read_bytes(), _QUICK_FILES[kind])
        section = value.get(kind) if isinstance(value, dict) and not problems else None
        if not isinstance(section, dict):
            return []
    names = set(section)
    if kind == "drugs":
        for entry in section.values():
            if isinstance(entry, dict):
                names.update(str(x).lower() for x in (entry.get("brands") or []) + (entry.get("aliases") or []))
    return sorted(n for n in names if isinstance(n, str))


def completions(kind: str, incomplete: str, extra: tuple[str, ...] = ()) -> list[str]:
    """The names of one kind (plus ``extra`` words) that complete ``incomplete``, sorted. Names with a space
    are left out, since the shell would insert them unquoted (each such drug also has an id or alias
    without one). Never raises: a completion must not fail loudly."""
    try:
        names = {*quick_names(kind), *extra}
    except Exception:  # noqa: BLE001
        return []
    return sorted(n for n in names if " " not in n and n.startswith(incomplete.lower()))
