"""The command line: the Typer app (:mod:`lmsrx.cli.application`), its shared options (:mod:`lmsrx.cli.params`), the commands
by area (:mod:`lmsrx.cli.patients`, :mod:`lmsrx.cli.doses`, :mod:`lmsrx.cli.evidence`, :mod:`lmsrx.cli.knowledge`),
and the entry point (:mod:`lmsrx.cli.console`), whose ``main`` and ``entry`` this package hands on."""
from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name in ("main", "entry", "app"):
        import importlib

        return getattr(importlib.import_module("lmsrx.cli.console"), name)
    raise AttributeError(f"module 'lmsrx.cli' has no attribute {name!r}")
