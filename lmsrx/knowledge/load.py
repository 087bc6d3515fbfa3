"""Load the knowledge base: the built-in base from its artefact (once per process), or the YAML plus any extra
files validated strictly (:mod:`lmsrx.knowledge.validate`, imported only then)."""
from __future__ import annotations

from typing import Any

from lmsrx.knowledge import artefact
from lmsrx.knowledge.base import KnowledgeBase
from lmsrx.knowledge.files import builtin_stamp

_BUILTIN: dict[Any, KnowledgeBase] = {}  # the built-in base, once per process, by the stamp of its YAML


def load(extra: list[str] | tuple[str, ...] = (), compiled: bool = True) -> KnowledgeBase:
    """Load and validate the built-in knowledge base plus ``extra`` files or folders.

    The built-in base alone comes from its artefact (:mod:`lmsrx.knowledge.artefact`) when that was made from exactly the
    YAML that ships, else from the YAML, validated; once per process either way. Extra files are validated with
    the built-in YAML on every call. ``compiled=False`` (``kb check``) always validates from YAML."""
    import gc

    if compiled and not extra:
        stamp = builtin_stamp()
        key = repr(stamp)
        if key not in _BUILTIN:
            ready = artefact.read(stamp)
            _BUILTIN.clear()
            _BUILTIN[key] = ready if ready is not None else load((), compiled=False)
        return _BUILTIN[key]
    from lmsrx.knowledge.validate import assemble  # YAML and the schema: only when validating

    enabled = gc.isenabled()
    gc.disable()  # building thousands of records: collection pauses would only find nothing to free
    try:
        return assemble(extra)
    finally:
        if enabled:
            gc.enable()
