"""The Typer floor (a copy of the team's yardstick, kept here so the benchmark stands alone): the least a Typer CLI of lmsrx's shape costs to start and answer.

Thirteen commands with options of the same kinds as lmsrx's (choices, repeatable options, ints with
ranges, a float, a path), each printing a small JSON document. Measure lmsrx beside it in the same run,
e.g. paired runs of `lmsrx drug ifosfamide --format json` and `python typer_floor.py drug ifosfamide --format json`. Anything
lmsrx costs above this is lmsrx's own: loading its knowledge, deciding, rendering.
"""
import json
from enum import Enum
from typing import List, Optional

import typer

app = typer.Typer(add_completion=True, no_args_is_help=True)


class Fmt(str, Enum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"
    tsv = "tsv"
    markdown = "markdown"


class Site(str, Enum):
    uterine = "uterine"
    extremity = "extremity"
    trunk = "trunk"
    retroperitoneal = "retroperitoneal"
    other = "other"


def _answer(**kw):
    print(json.dumps(kw, sort_keys=True))


@app.command()
def options(line: Optional[int] = typer.Option(None, min=1, max=10), histology: Optional[Site] = None,
            prior: List[str] = typer.Option([]), size: Optional[float] = None,
            format: Fmt = typer.Option(Fmt.table, "--format", "-f")):
    """Options."""
    _answer(command="options", line=line, histology=histology and histology.value, prior=prior, size=size)


@app.command()
def drug(name: str, format: Fmt = typer.Option(Fmt.table, "--format", "-f")):
    """Drug."""
    _answer(command="drug", name=name)


def _simple(command_name):
    def command(name: str = typer.Argument("x"), format: Fmt = typer.Option(Fmt.table, "--format", "-f")):
        _answer(command=command_name, name=name)
    command.__doc__ = command_name
    return command


for _name in ("drugs", "dose", "order", "report", "compare", "trial", "trials", "search", "cite", "regimen"):
    app.command(_name)(_simple(_name))

kb = typer.Typer()
app.add_typer(kb, name="kb")


@kb.command("info")
def kb_info(format: Fmt = typer.Option(Fmt.table, "--format", "-f")):
    """kb info."""
    _answer(command="kb info")


if __name__ == "__main__":
    app()
