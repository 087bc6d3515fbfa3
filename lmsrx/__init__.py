"""lmsrx: treatment options and dosing rules for leiomyosarcoma, with their evidence.

The Python API (see :mod:`lmsrx.api`): ``lmsrx.load()``, ``lmsrx.options({...})``,
``lmsrx.dose(...)``, ``lmsrx.order({...})``, ``lmsrx.regimen(id, bsa=...)``, ``lmsrx.drug(name)`` and
``lmsrx.trial(id)``
return results whose ``to_dict()`` is exactly the command line's JSON. Imports are lazy,
so ``import lmsrx`` stays cheap for the command line.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lmsrx.version import __version__

if TYPE_CHECKING:  # what type checkers and editors see; at run time each name is imported on first use
    from lmsrx.api import Result, dose, drug, load, options, order, regimen, trial
    from lmsrx.errors import KnowledgeError, LmsrxError, UsageError

__all__ = ["__version__", "load", "options", "dose", "order", "regimen", "drug", "trial", "Result", "LmsrxError",
           "UsageError", "KnowledgeError"]
_API = ("load", "options", "dose", "order", "regimen", "drug", "trial", "Result")


def __dir__() -> list[str]:
    return sorted(__all__)


def __getattr__(name: str) -> Any:
    if name in _API:
        from lmsrx import api

        return getattr(api, name)
    if name in ("LmsrxError", "UsageError", "KnowledgeError"):
        from lmsrx import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'lmsrx' has no attribute {name!r}")
