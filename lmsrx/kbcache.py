"""The user's cache of validated knowledge bases with ``--kb`` extras.

A combination of the built-in base and extra files, once validated, is kept as plain JSON (the same
form as the compiled built-in base, :mod:`lmsrx.compiled`; never pickle) under the user's cache
directory, named by the sha256 of every file's name and bytes. The next load with the same files
rebuilds the records from it without parsing or validating YAML; a changed file changes the sha256,
so it is validated again, and a changed lmsrx (any module's size or time) ignores older entries.
``kb check`` never reads the cache.

Where: ``$LMSRX_CACHE_DIR`` if set (set it empty to turn the cache off), else
``$XDG_CACHE_HOME/lmsrx``, else ``~/.cache/lmsrx``. A cache file that is not the user's own, is
writable by others, or does not decode is ignored (and the YAML validated). Writing is best effort:
a read-only or missing home only costs the speed-up. At most :data:`KEEP` combinations are kept.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

KEEP = 16


def directory() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    env = os.environ.get("LMSRX_CACHE_DIR")
    if env is not None:
        return Path(env) if env.strip() else None
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "lmsrx"


def code_stamp() -> str:
    """Which lmsrx code validated: the version and every module's size and modification time, so that a
    changed validator (an upgrade, or a developer's edit under the same version) never reuses a result."""
    from lmsrx import __version__

    here = Path(__file__).resolve().parent
    parts = [__version__]
    for module in sorted(here.glob("*.py")):
        st = module.stat()
        parts.append(f"{module.name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def _file(sha256: str) -> Path | None:
    folder = directory()
    return None if folder is None else folder / f"kb-{sha256}.json"


def get(sha256: str) -> Any | None:
    """The knowledge base validated earlier from exactly these files, or None."""
    from lmsrx import compiled

    path = _file(sha256)
    if path is None:
        return None
    try:
        st = path.stat()
        if (hasattr(os, "getuid") and st.st_uid != os.getuid()) or st.st_mode & 0o022:
            return None  # not ours alone: validate from YAML instead
        data = json.loads(path.read_text(encoding="utf-8"))
        if (not isinstance(data, dict) or data.get("code") != code_stamp() or data.get("format") != compiled.FORMAT
                or data.get("builtin_sha256") != sha256):
            return None
        return compiled.build(data, sha256)
    except Exception:  # noqa: BLE001 - a missing, damaged or foreign cache file only means validating again
        return None


def put(kb: Any) -> None:
    """Keep a validated knowledge base for next time (best effort, atomic, private to the user)."""
    from lmsrx import compiled

    path = _file(kb.sha256)
    if path is None:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        text = json.dumps({**compiled.dump(kb), "code": code_stamp()}, ensure_ascii=False, separators=(",", ":"))
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
        _prune(path.parent)
    except (OSError, ValueError, TypeError):
        try:
            tmp.unlink()
        except OSError:
            pass


def _prune(folder: Path) -> None:
    """Keep the :data:`KEEP` most recently written combinations."""
    files = sorted(folder.glob("kb-*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in files[KEEP:]:
        old.unlink(missing_ok=True)
