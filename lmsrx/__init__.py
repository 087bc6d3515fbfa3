"""lmsrx: treatment options and dosing rules for leiomyosarcoma, with their evidence.

The Python API (see :mod:`lmsrx.api`): ``lmsrx.load()``, ``lmsrx.options({...})``,
``lmsrx.dose(...)``, ``lmsrx.order({...})``, ``lmsrx.drug(name)`` and ``lmsrx.trial(id)``
return results whose ``to_dict()`` is exactly the command line's JSON. Imports are lazy,
so ``import lmsrx`` stays cheap for the command line.
"""
from __future__ import annotations

from typing import Any

from lmsrx.version import __version__

__all__ = ["__version__", "load", "options", "dose", "order", "drug", "trial", "Result", "LmsrxError", "UsageError",
           "KnowledgeError"]


def __getattr__(name: str) -> Any:
    if name in ("load", "options", "dose", "order", "drug", "trial", "Result"):
        from lmsrx import api

        return getattr(api, name)
    if name in ("LmsrxError", "UsageError", "KnowledgeError"):
        from lmsrx import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'lmsrx' has no attribute {name!r}")
