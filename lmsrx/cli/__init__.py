"""The command line: the Typer app (:mod:`lmsrx.cli.application`), its shared options (:mod:`lmsrx.cli.params`), the commands
by area (:mod:`lmsrx.cli.patients`, :mod:`lmsrx.cli.doses`, :mod:`lmsrx.cli.evidence`, :mod:`lmsrx.cli.knowledge`),
and :func:`lmsrx.cli.console.main`, which this package hands on with ``app``; :func:`entry` is the console script."""
from __future__ import annotations

from typing import Any


def entry() -> None:
    """The ``lmsrx`` console script (and ``python -m lmsrx``): :func:`lmsrx.cli.console.main`, its status the exit code.

    Before anything is imported, the collector's first threshold goes from 700 to 100,000 new objects (as mypy's
    ``main`` does): nearly everything a call makes (Typer's commands, the knowledge base, the answer) lives until
    the process ends, so the dozen collections a start would otherwise run (about 12 ms, measured) find nothing to
    free. Reference counting still frees acyclic garbage at once, and a long ``--batch`` is still collected."""
    import gc
    import sys

    gc.set_threshold(100_000, 50, 50)
    from lmsrx.cli.console import main

    sys.exit(main())


def __getattr__(name: str) -> Any:
    if name in ("main", "app"):
        import importlib

        return getattr(importlib.import_module("lmsrx.cli.console"), name)
    raise AttributeError(f"module 'lmsrx.cli' has no attribute {name!r}")
