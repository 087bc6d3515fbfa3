"""The everyday calls read without Typer: a strict reader of the command line that either gives exactly
the call the Typer app would make, or gives up and leaves the call to the Typer app.

Importing Typer and building its app is a third of the time of a short call. This reader knows the
commands from ``lmsrx/_compiled/cli.json``, a description written from the Typer app itself
(``python -m lmsrx.compiled`` rewrites it; a test fails when it is stale). It accepts only the plain
forms: known options, ``--name=value``, values that are unmistakably of their type and within range,
each option at most once unless repeatable, the right number of arguments. Anything else (help, ``--``,
completion, an unknown or repeated option, a value that looks like an option, a number Click would
have to judge, a missing argument) returns None and the Typer app answers, with its own messages.
Tests run every command line of the test suite through both readers and compare the calls.
"""
from __future__ import annotations

import json
import os
import re

SPEC = os.path.join(os.path.dirname(os.path.realpath(__file__)), "_compiled", "cli.json")
SPEC_FORMAT = 1
_INT = re.compile(r"[0-9]{1,9}")
_FLOAT = re.compile(r"[0-9]{1,9}(\.[0-9]{1,9})?")


class _GiveUp(Exception):
    """Not a plain call: the Typer app reads it."""


def parse(argv: list, spec: dict | None = None):
    """``(command, keyword arguments, root options)`` exactly as the Typer app would call
    :data:`lmsrx.commands.COMMANDS`, or None when this reader leaves the call to the Typer app."""
    try:
        spec = spec or _spec()
        return _parse(list(argv), spec)
    except (_GiveUp, OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _spec() -> dict:
    with open(SPEC, encoding="utf-8") as handle:
        spec = json.loads(handle.read())
    if spec.get("format") != SPEC_FORMAT:
        raise _GiveUp
    return spec


def _parse(args: list, spec: dict):
    if not args or "--" in args or "-h" in args or "--help" in args or args.count("--json") > 1:
        raise _GiveUp
    if "--json" in args:  # as lmsrx.cli.main: --json is --format json, everywhere
        i = args.index("--json")
        args[i:i + 1] = ["--format", "json"]
    root, root_values = spec["root"], {}
    position = 0
    while position < len(args) and args[position].startswith("-"):
        position = _option(args, position, root, root_values)
    if position >= len(args):
        raise _GiveUp
    name = args[position]
    position += 1
    if " " in name:  # "kb info" as one word is not a command
        raise _GiveUp
    if name in spec["groups"]:
        if position >= len(args):
            raise _GiveUp
        name = f"{name} {args[position]}"
        position += 1
    command = spec["commands"].get(name)
    if command is None:
        raise _GiveUp
    values: dict = {}
    positional: list = []
    while position < len(args):
        token = args[position]
        if token.startswith("-") and token != "-":
            position = _option(args, position, command, values)
        else:
            positional.append(token)
            position += 1
    kwargs = {**command["defaults"], **values}
    kwargs.update(_arguments(positional, command["arguments"]))
    return name, kwargs, {**root["defaults"], **root_values}


def _option(args: list, position: int, scope: dict, values: dict) -> int:
    """Read the option at ``args[position]`` into ``values``; the position after it."""
    token = args[position]
    name, eq, attached = token.partition("=") if token.startswith("--") else (token, "", "")
    option = scope["options"].get(name)
    if option is None:
        raise _GiveUp
    dest, kind = option["dest"], option["kind"]
    if kind == "flag":
        if eq or dest in values:
            raise _GiveUp
        values[dest] = option["value"]
        return position + 1
    if eq:
        raw, position = attached, position + 1
    elif position + 1 < len(args):
        raw, position = args[position + 1], position + 2
    else:
        raise _GiveUp
    value = _convert(raw, option)
    if option["multiple"]:
        values.setdefault(dest, []).append(value)
    elif dest in values:
        raise _GiveUp
    else:
        values[dest] = value
    return position


def _convert(raw: str, option: dict):
    kind = option["kind"]
    if raw.startswith("-") and raw != "-":
        raise _GiveUp  # Click would take it as the value; a person more likely forgot one
    if kind == "str":
        return raw
    if kind == "choice":
        if raw not in option["choices"]:
            raise _GiveUp
        return raw
    if kind == "int":
        if not _INT.fullmatch(raw):
            raise _GiveUp
        value = int(raw)
        low, high = option.get("min"), option.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            raise _GiveUp
        return value
    if kind == "float" and _FLOAT.fullmatch(raw):
        return float(raw)
    raise _GiveUp


def _arguments(positional: list, arguments: list) -> dict:
    out = {}
    for argument in arguments:
        if argument["nargs"] == -1:
            taken, positional = positional, []
            if argument["required"] and not taken:
                raise _GiveUp
            out[argument["dest"]] = taken or None
        elif positional:
            out[argument["dest"]] = positional.pop(0)
        elif argument["required"]:
            raise _GiveUp
        else:
            out[argument["dest"]] = None
    if positional:
        raise _GiveUp
    return out


def call(parsed):
    """The command, ready to run: sets the root options, then calls the same function as the Typer app."""
    from lmsrx.commands import COMMANDS, State

    name, kwargs, root = parsed

    def run_command() -> int:
        State.extra_kb = list(root["kb"] or [])
        State.no_pager = root["no_pager"]
        return COMMANDS[name](**kwargs)

    return run_command


# ------------------------------------------------------------------ the description, written from the Typer app
def describe() -> dict:
    """The commands as the Typer app declares them (imports Typer: for the build step and tests only)."""
    import typer.main

    from lmsrx.cli import app

    group = typer.main.get_command(app)
    commands: dict = {}
    groups: list = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            groups.append(name)
            for sub, subcommand in command.commands.items():
                commands[f"{name} {sub}"] = _scope(subcommand)
        else:
            commands[name] = _scope(command)
    return {"format": SPEC_FORMAT, "root": _scope(group), "groups": sorted(groups),
            "commands": dict(sorted(commands.items()))}


def _scope(command) -> dict:
    options: dict = {}
    arguments: list = []
    defaults: dict = {}
    for param in command.params:
        if param.param_type_name == "argument":
            arguments.append({"dest": param.name, "nargs": param.nargs, "required": param.required})
            continue
        if param.is_eager or param.callback is not None:  # --version, completion: the Typer app's (or launch's)
            continue
        default = param.default
        defaults[param.name] = None if param.multiple else getattr(default, "value", default)
        if param.is_flag:
            for opt in param.opts:
                options[opt] = {"dest": param.name, "kind": "flag", "value": True}
            for opt in param.secondary_opts:
                options[opt] = {"dest": param.name, "kind": "flag", "value": False}
            continue
        entry = {"dest": param.name, "multiple": param.multiple, **_kind(param.type)}
        for opt in param.opts:
            options[opt] = entry
    return {"options": dict(sorted(options.items())), "arguments": arguments, "defaults": dict(sorted(defaults.items()))}


def _kind(tp) -> dict:
    name = type(tp).__name__
    if name in ("Choice", "TyperChoice"):
        if getattr(tp, "case_sensitive", True):
            raise ValueError("a case-sensitive choice: teach lmsrx.fastargs about it")
        return {"kind": "choice", "choices": [getattr(c, "value", c) for c in tp.choices]}
    if name in ("IntRange", "IntParamType"):
        if getattr(tp, "min_open", False) or getattr(tp, "max_open", False) or getattr(tp, "clamp", False):
            raise ValueError("an open or clamped range: teach lmsrx.fastargs about it")
        return {"kind": "int", "min": getattr(tp, "min", None), "max": getattr(tp, "max", None)}
    if name == "FloatParamType":
        return {"kind": "float"}
    if name == "StringParamType":
        return {"kind": "str"}
    raise ValueError(f"a parameter of type {name}: teach lmsrx.fastargs about it")


def write() -> str:
    os.makedirs(os.path.dirname(SPEC), exist_ok=True)
    with open(SPEC, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(describe(), indent=1, sort_keys=True) + "\n")
    return SPEC
