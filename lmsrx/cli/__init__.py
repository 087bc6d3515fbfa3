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
    free. Reference counting still frees acyclic garbage at once, and a long ``--batch`` is still collected.

    When the answer is written, everything still alive is frozen (``gc.freeze``) before the interpreter shuts
    down. Its shutdown would run a full collection over every live object (about 13 ms) and then free, object by
    object, the cycles it finds: about 40 ms a call in all (measured), to free memory that the exit returns anyway.
    Every file lmsrx writes is closed before :func:`main` returns; the standard streams are still flushed at exit
    and ``atexit`` handlers still run."""
    import gc
    import sys

    gc.set_threshold(100_000, 50, 50)
    from lmsrx.cli.console import main

    status = main()
    gc.freeze()
    sys.exit(status)


def __getattr__(name: str) -> Any:
    if name in ("main", "app"):
        import importlib

        return getattr(importlib.import_module("lmsrx.cli.console"), name)
    raise AttributeError(f"module 'lmsrx.cli' has no attribute {name!r}")
