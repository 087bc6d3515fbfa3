"""What each command does, with plain values in and an exit status out: no Typer, no Rich.

Two readers of the command line call these functions with the same keyword arguments: the Typer app
(:mod:`lmsrx.cli`, for help, completion and every unusual call) and the quick reader of the everyday
calls (:mod:`lmsrx.fastargs`). Errors are raised as :class:`lmsrx.errors.LmsrxError` and mapped to exit
codes in one place, :func:`lmsrx.launch.run`.
"""
from __future__ import annotations

import os
import sys

from lmsrx.errors import ExitCode, OutputClosed, UsageError, dose_status, options_status

MAX_INPUT = 64 * 1024 * 1024


class State:
    """The root options (``--kb``, ``--no-pager``) of the current call."""

    extra_kb: list = []
    no_pager: bool = False


# ------------------------------------------------------------------ shared output and input
def terminal(color: str):
    from lmsrx.render import Terminal, color_wanted

    is_tty = sys.stdout.isatty()
    columns = os.environ.get("COLUMNS", "").strip()
    piped = int(columns) if columns.isascii() and columns.isdecimal() and len(columns) <= 4 else 0
    width, height = _terminal_size((80, 24))
    width = width if is_tty else piped or 100
    return Terminal(is_tty=is_tty, width=max(40, min(width, 240)), color=color_wanted(color, is_tty),
                    height=max(height, 5), pager=is_tty and not State.no_pager)


def _env_size(name: str) -> int:
    try:
        return int(os.environ[name])
    except (KeyError, ValueError):
        return 0


def _terminal_size(fallback: tuple) -> tuple:
    """As :func:`shutil.get_terminal_size` (COLUMNS and LINES first, then the terminal), without importing
    shutil on every start."""
    columns, lines = _env_size("COLUMNS"), _env_size("LINES")
    if columns <= 0 or lines <= 0:
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size(fallback)
        columns = columns if columns > 0 else size.columns or fallback[0]
        lines = lines if lines > 0 else size.lines or fallback[1]
    return columns, lines


def emit(view, fmt, color) -> None:
    """The one way a command writes its answer: choose the format, then :func:`lmsrx.render.render`."""
    from lmsrx.render import default_format, render

    term = terminal(color)
    render(view, fmt or default_format(term, view), term, sys.stdout)


def load_kb(extra=None):
    import gc

    from lmsrx import kb

    loaded = kb.load([*State.extra_kb, *(extra or [])])
    if not gc.isenabled():  # the console script starts with collection off (lmsrx.launch.entry): on again now,
        gc.freeze()  # with the modules and records set aside for good, so that a batch's passes never scan them
        gc.enable()
    return loaded


# The patient flags of options and report (their parameter names) under the patient file's keys.
PATIENT_KEYS = {"setting": "setting", "line": "line", "histology": "histology", "grade": "grade", "size": "size_cm",
                "depth": "depth", "age": "age", "margin": "margin", "biomarker": "biomarkers", "prior": "prior",
                "progressed_on": "progressed_on", "condition": "conditions",
                "anthracycline_ineligible": "anthracycline_ineligible", "exclude": "exclude",
                "hepatic": "hepatic", "child_pugh": "child_pugh", "bilirubin": "bilirubin", "ast": "ast", "alt": "alt",
                "alp": "alp", "crcl": "crcl", "creatinine": "creatinine"}


def given(value) -> bool:
    """A flag the user gave: anything but absent, an unset switch or an empty repeat (0 counts)."""
    return value is not None and value is not False and value != []


def _patient(patient, flags: dict) -> dict:
    """The patient mapping from a file (if any) and the flags given (which win)."""
    from lmsrx import patient as patient_mod

    chosen = {PATIENT_KEYS[k]: v for k, v in flags.items() if given(v)}
    raw: dict = {}
    if patient is not None:
        raw = patient_mod.read_document(read_input(patient), patient if patient != "-" else "<stdin>")
        if not isinstance(raw, dict):
            raise UsageError(f"{patient}: a patient file holds one mapping of keys to values")
    return {**raw, **chosen}


def read_input(name: str) -> str:
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_INPUT + 1)
        else:
            with open(name, "rb") as handle:
                data = handle.read(MAX_INPUT + 1)
        if len(data) > MAX_INPUT:
            raise UsageError(f"{name}: larger than {MAX_INPUT // (1024 * 1024)} MiB")
        return data.decode("utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{name}: not UTF-8 text") from None


def _read_document(text: str, name: str):
    """YAML (strict, with line numbers) or JSON."""
    from lmsrx import patient
    from lmsrx.yamlsafe import load_yaml

    value, problems = load_yaml(text.encode("utf-8", "surrogatepass"), name)
    if problems:
        if text.lstrip().startswith("{"):
            return patient.loads_json(text, name)
        raise UsageError("; ".join(str(p) for p in problems[:5]))
    return value


def _write_document(view, fmt: str, output) -> None:
    """A page to a file (``-o``) or stdout, through the one render layer."""
    from lmsrx.render import Terminal, render

    if output is None:
        render(view, fmt, Terminal(), sys.stdout)
        return
    import io

    buf = io.StringIO()
    render(view, fmt, Terminal(), buf)
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(buf.getvalue())
    except OSError as exc:
        raise OutputClosed(ExitCode.OUTPUT_ERROR, f"cannot write {output}: {exc.strerror or exc}") from None
    sys.stderr.write(f"lmsrx: wrote {output}\n")


def _is_html(output) -> bool:
    return bool(output) and output.lower().endswith((".html", ".htm"))


# ------------------------------------------------------------------ batch input and output
def _byte_lines(name: str):
    """Lines of a file or stdin as bytes, split on newline only (each decoded alone by the caller)."""
    try:
        handle = sys.stdin.buffer if name == "-" else open(name, "rb")
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None

    from lmsrx.batch import MAX_LINE_BYTES, TOO_LONG

    def lines():
        with handle:
            while True:
                raw = handle.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    return
                if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                    yield TOO_LONG  # reported first; then the rest of the line is skipped unread
                    while raw and not raw.endswith(b"\n"):
                        raw = handle.readline(MAX_LINE_BYTES)
                    continue
                yield raw.rstrip(b"\r\n") if raw.endswith(b"\n") else raw

    return lines()


def _batch_format(fmt) -> str:
    fmt = fmt or "ndjson"
    if fmt not in ("ndjson", "csv", "tsv"):
        raise UsageError("--batch writes ndjson (default), csv or tsv")
    return fmt


def _write_batch(results, fmt: str) -> int:
    """Stream batch answers as they come: one NDJSON line each, or csv/tsv rows with one header."""
    from lmsrx.render import write_rows

    worst, header = 0, True
    for result in results:
        worst = max(worst, result.exit_code)
        if fmt == "ndjson":
            sys.stdout.write(result.line() + "\n")
        else:
            write_rows(result.table_rows(), fmt, sys.stdout, header)
            header = False
    sys.stdout.flush()
    return worst


# ------------------------------------------------------------------ the commands
def kb_check(paths, fmt, color) -> int:
    from lmsrx import kb, views

    emit(views.kb_check(kb.load([*State.extra_kb, *(paths or [])], compiled=False)), fmt, color)
    return ExitCode.OK


def kb_info(fmt, color) -> int:
    from lmsrx import views

    emit(views.kb_info(load_kb()), fmt, color)
    return ExitCode.OK


def options(*, batch, explain, long, compact, jobs, fmt, color, patient, **flags) -> int:
    if batch is not None:
        if patient is not None or any(given(v) for v in flags.values()):
            raise UsageError("--batch takes every patient from the file; do not combine it with --patient or patient flags")
        if long:
            raise UsageError("--long is for the table of one patient; a batch writes ndjson, csv or tsv")
        from lmsrx import batch as batch_mod

        fmt, kb = _batch_format(fmt), load_kb()
        results = batch_mod.evaluate(kb, _byte_lines(batch), explain, compact) if jobs == 1 else \
            batch_mod.parallel(kb, _byte_lines(batch), explain, compact, jobs, fmt)
        return _write_batch(results, fmt)
    if compact or jobs != 1:
        raise UsageError("--compact and --jobs go with --batch")
    from lmsrx import api

    result = api.options(_patient(patient, flags), load_kb(), explain, long)
    emit(result.view(), fmt, color)
    return result.exit_status


def report(*, output, fmt, patient, **flags) -> int:
    import datetime

    from lmsrx import __version__ as version
    from lmsrx import api, views
    from lmsrx import report as report_mod

    kb = load_kb()
    answer = api.options(_patient(patient, flags), kb).value
    generated = os.environ.get("LMSRX_REPORT_DATE") or datetime.date.today().isoformat()
    view = views.report(report_mod.board(kb, answer, generated, version))
    _write_document(view, fmt or ("html" if _is_html(output) else "markdown"), output)
    return options_status(len(answer.candidates))


def compare(names, fmt, output, color) -> int:
    from lmsrx import views
    from lmsrx import report as report_mod

    if len(names) < 2:
        raise UsageError("compare needs at least two regimens, drugs or trials")
    if len(names) > 6:
        raise UsageError("compare at most six at a time")
    kb = load_kb()
    view = views.compare(kb, report_mod.compare(kb, names))
    if fmt == "html" or output is not None:
        _write_document(view, fmt or ("html" if _is_html(output) else "markdown"), output)
    else:
        emit(view, fmt, color)
    return ExitCode.OK


def drug(name, fmt, color) -> int:
    from lmsrx import api

    emit(api.drug(name, load_kb()).view(), fmt, color)
    return ExitCode.OK


def drugs(drug_class, status, fmt, color) -> int:
    from lmsrx import views

    kb = load_kb()
    if drug_class is not None:
        drug_class = drug_class.strip().lower()
        if drug_class not in kb.classes:
            from lmsrx.vocab import did_you_mean

            raise UsageError(f"unknown class {drug_class!r}{did_you_mean(drug_class, sorted(kb.classes))}",
                             hint="the classes: " + ", ".join(sorted(kb.classes)))
    items = [d for d in kb.drugs.values() if (drug_class is None or drug_class in kb.classes_of(d.id))
             and (status is None or d.lms_status == status)]
    emit(views.drugs(kb, items), fmt, color)
    return ExitCode.OK


def dose(*, drug, planned, fail_on, fmt, color, **given_values) -> int:
    from lmsrx import api

    result = api.dose(drug, planned, kb=load_kb(), **given_values)
    emit(result.view(), fmt, color)
    return dose_status(result.verdict, fail_on)


def order(file, batch, fail_on, fmt, color) -> int:
    from lmsrx import api

    if (file is None) == (batch is None):
        raise UsageError("give one order FILE, or --batch FILE")
    if batch is not None:
        from lmsrx import batch as batch_mod

        fmt = _batch_format(fmt)
        return _write_batch(batch_mod.orders(load_kb(), _byte_lines(batch), fail_on), fmt)
    name = "<stdin>" if file == "-" else file
    raw = _read_document(read_input(file), name)
    result = api.order(raw, load_kb(), name)
    emit(result.view(), fmt, color)
    return dose_status(result.verdict, fail_on)


def trial(trial_id, plot, fmt, color) -> int:
    from lmsrx import api

    emit(api.trial(trial_id, load_kb(), plot, terminal(color).width).view(), fmt, color)
    return ExitCode.OK


def trials(drug, setting, plot, fmt, color) -> int:
    from lmsrx import views

    kb = load_kb()
    drug_id = kb.lookup("drugs", drug, "drug").id if drug else None
    items = [e for e in kb.evidence.values() if (drug_id is None or drug_id in e.drugs) and (setting is None or setting in e.settings)]
    emit(views.trials(kb, items, plot, terminal(color).width), fmt, color)
    return ExitCode.OK


def search(text, limit, fmt, color) -> int:
    from lmsrx import search as search_mod
    from lmsrx import views

    query = " ".join(text)
    if not query.strip():
        raise UsageError("give words to search for, e.g. lmsrx search hepatotoxicity")
    if len(query) > 500:
        raise UsageError("search text is limited to 500 characters")
    kb = load_kb()
    emit(views.search(search_mod.search(kb, query, limit), query), fmt, color)
    return ExitCode.OK


def cite(ref_id, fmt) -> int:
    from lmsrx import views

    kb = load_kb()
    key = ref_id.strip().lower()
    if key in kb.references:
        refs = [key]
    else:
        record = kb.evidence.get(key) or kb.regimens.get(key) or kb.find_drug(key)
        if record is None:
            kb.lookup("references", key, "reference")
        refs = list(record.cite)
    emit(views.citations(kb, refs), fmt, "never")
    return ExitCode.OK


# command path -> function (the quick reader and the Typer app call the same one)
COMMANDS = {"kb check": kb_check, "kb info": kb_info, "options": options, "report": report, "compare": compare,
            "drug": drug, "drugs": drugs, "dose": dose, "order": order, "trial": trial, "trials": trials,
            "search": search, "cite": cite}
