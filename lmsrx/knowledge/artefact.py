"""The built-in knowledge base, validated once when the package is built and shipped as one pickle
(``lmsrx/_built/kb.pickle``), so that a call need not parse and validate the YAML (about 0.3 s) to answer.

The pickle is written by the wheel's build hook (``hatch_build.py``) or by ``python -m lmsrx.build`` in a
checkout (:mod:`lmsrx.build`), from exactly the YAML that ships. It is read only from the package's own folder (as trusted as the code
beside it, never from a user's folder), and only when the stamp it carries (each YAML file's name, size and
CRC-32) matches the YAML now installed; otherwise the YAML is validated as usual. A test checks that a fresh build
gives the same base as validating the YAML.
"""
from __future__ import annotations

import os
from typing import Any

try:  # the C unpickler alone: pickle.py and what it imports add about 1.5 ms to every start
    from _pickle import load as _load
except ImportError:  # an interpreter without it
    from pickle import load as _load

FORMAT = 2  # two pickles: (format, stamp, completion names), then the base
PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "_built", "kb.pickle")


def read(stamp: Any, path: str = PATH) -> Any | None:
    """The built-in base from its pickle, if there is one made from the YAML whose ``stamp`` is given; else None."""
    try:
        with open(path, "rb") as handle:
            if _header(handle, stamp) is None:
                return None
            return _load(handle)  # noqa: S301 - the package's own file, written by its build
    except Exception:  # noqa: BLE001 - an unreadable artefact is only slower: validate the YAML instead
        return None


def read_names(stamp: Any, path: str = PATH) -> dict[str, list[str]] | None:
    """Only the names for tab completion (the artefact's first part: plain lists, so no record class is imported)."""
    try:
        with open(path, "rb") as handle:
            return _header(handle, stamp)
    except Exception:  # noqa: BLE001
        return None


def _header(handle: Any, stamp: Any) -> dict[str, list[str]] | None:
    fmt, made_from, names = _load(handle)  # noqa: S301
    return names if fmt == FORMAT and made_from == stamp else None


def write(kb: Any, stamp: Any, names: dict[str, list[str]], path: str = PATH) -> str:
    """Write ``kb``, made from the YAML whose ``stamp`` is given, and its ``names``, as the artefact (atomically).
    Each pickle is optimised (memo entries never read back dropped): about a tenth smaller and quicker to load."""
    import pickle
    import pickletools

    os.makedirs(os.path.dirname(path), exist_ok=True)
    temp = f"{path}.{os.getpid()}.tmp"
    with open(temp, "wb") as handle:
        for part in ((FORMAT, stamp, names), kb):
            handle.write(pickletools.optimize(pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)))
    os.replace(temp, path)
    return path
