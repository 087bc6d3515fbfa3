"""The user's cache of validated knowledge bases with ``--kb`` extras.

A combination of the built-in base and extra files, once validated, is kept as plain JSON (the same
data as the compiled built-in base, :mod:`lmsrx.compiled`, in sections: a first line saying what it
is, then each kind's records, read only when used; never pickle) under the user's cache
directory, named by a key over every file's full name and the sha256 of its bytes (each framed, so
no file can pose as several). The next load with the same files rebuilds the records from it
without parsing or validating YAML; a changed file changes the key, so it is validated again, and a
changed lmsrx (any module's size or time) ignores older entries. ``kb check`` never reads the cache.

Where: ``$LMSRX_CACHE_DIR`` if it is an absolute path (empty or relative turns the cache off), else
``$XDG_CACHE_HOME/lmsrx`` (if absolute), else ``~/.cache/lmsrx``; no home, no cache. A folder or
file that is not the user's own or is writable by group or others is not used, and an entry that
does not decode is ignored (the YAML is validated instead). Writing is best effort: a read-only or
missing place only costs the speed-up. The :data:`KEEP` most recently used combinations are kept.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from typing import Any

KEEP = 16


def directory() -> str | None:
    """The cache folder, or None when the cache is turned off or there is no home."""
    env = os.environ.get("LMSRX_CACHE_DIR")
    if env is not None:
        return env if os.path.isabs(env) else None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return os.path.join(xdg, "lmsrx")
    home = _home()
    return None if home is None else os.path.join(home, ".cache", "lmsrx")


def _home() -> str | None:
    """The user's home (as ``Path.home()``), or None: no HOME and no passwd entry (containers run with -u)."""
    home = os.path.expanduser("~")
    return None if home.startswith("~") else home


def key(files: list[tuple[str, str]]) -> str:
    """The cache key of a combination: each file's full name and the sha256 of its bytes (given), as JSON."""
    parts = [[name, sha256] for name, sha256 in files]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=True).encode()).hexdigest()


def code_stamp() -> str:
    """Which lmsrx code validated: the version and every module's size and modification time, so that a
    changed validator (an upgrade, or a developer's edit under the same version) never reuses a result."""
    from lmsrx import __version__

    here = os.path.dirname(os.path.realpath(__file__))
    parts = [__version__]
    for name in sorted(n for n in os.listdir(here) if n.endswith(".py")):
        st = os.stat(os.path.join(here, name))
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def _private(st: os.stat_result) -> bool:
    """Owned by this user and writable by no one else."""
    return (not hasattr(os, "getuid") or st.st_uid == os.getuid()) and not st.st_mode & 0o022


def _folder() -> str | None:
    """The cache folder if it exists and is private (None otherwise)."""
    folder = directory()
    try:
        return folder if folder is not None and _private(os.stat(folder)) and os.path.isdir(folder) else None
    except OSError:
        return None


SECTIONS = ("origin", "references", "drugs", "evidence", "regimens")
MAX_HEADER = 1_048_576


def get(cache_key: str, fallback: Any = None) -> Any | None:
    """The knowledge base validated earlier from exactly these files, or None (the key covers every file's
    full name and content, so the entry's content digest is the one these files have). Only the entry's first line (what the base is, its counts and summary) is read now; each
    kind's records are read and decoded when first used, from the file opened and checked now (should
    that fail, ``fallback()`` validates the same files instead)."""
    from lmsrx import compiled

    folder = _folder()
    if folder is None:
        return None
    path = os.path.join(folder, f"kb-{cache_key}.json")
    try:
        handle = open(path, "rb")
    except OSError:
        return None
    try:
        st = os.fstat(handle.fileno())  # the file actually opened, not a name that could be swapped
        if not stat.S_ISREG(st.st_mode) or not _private(st):
            handle.close()
            return None
        header = json.loads(handle.readline(MAX_HEADER).decode("utf-8"))
        body = handle.tell()
        if (not isinstance(header, dict) or header.get("code") != code_stamp() or header.get("format") != compiled.FORMAT
                or header.get("cache_key") != cache_key or not isinstance(header.get("builtin_sha256"), str)):
            handle.close()
            return None
        spans = {name: (int(start), int(end)) for name, (start, end) in header["sections"].items()}
        if (set(spans) != set(SECTIONS) or any(not 0 <= start <= end for start, end in spans.values())
                or st.st_size != body + max(end for _, end in spans.values())):
            handle.close()
            return None

        def section(name: str) -> Any:
            start, end = spans[name]
            handle.seek(body + start)
            data = handle.read(end - start)
            if len(data) != end - start:
                raise ValueError(f"the cache entry {path} is cut short")
            return json.loads(data.decode("utf-8"))

        kb = compiled.build(header, header["builtin_sha256"], section, fallback)
    except Exception:  # noqa: BLE001 - a missing, damaged or foreign cache file only means validating again
        handle.close()
        return None
    try:
        os.utime(path)  # recently used: pruned last
    except OSError:
        pass
    return kb


def put(cache_key: str, kb: Any) -> None:
    """Keep a validated knowledge base for next time (best effort, atomic, private to the user): a first
    line saying what it is, then each section's JSON, at the offsets the first line gives."""
    from lmsrx import compiled

    folder = directory()
    if folder is None:
        return
    tmp = os.path.join(folder, f".kb-{cache_key}.{os.getpid()}.tmp")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if _folder() is None:
            return
        data = compiled.dump(kb)
        parts = [json.dumps(data.pop(name, []), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                 for name in SECTIONS]
        spans, at = {}, 0
        for name, part in zip(SECTIONS, parts):
            spans[name] = [at, at + len(part)]
            at += len(part)
        header = json.dumps({**data, "sections": spans, "cache_key": cache_key, "code": code_stamp()},
                            ensure_ascii=True, separators=(",", ":")).encode("ascii")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(header + b"\n")
            for part in parts:
                handle.write(part)
        os.replace(tmp, os.path.join(folder, f"kb-{cache_key}.json"))
    except (OSError, ValueError, TypeError):
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return
    _prune(folder)


def _prune(folder: str) -> None:
    """Keep the :data:`KEEP` most recently used combinations; anything odd in the folder is skipped."""
    entries = []
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if not (name.startswith("kb-") and name.endswith(".json")):
            continue
        path = os.path.join(folder, name)
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            entries.append((st.st_mtime_ns, path))
    for _, path in sorted(entries, reverse=True)[KEEP:]:
        try:
            os.unlink(path)
        except OSError:
            pass
