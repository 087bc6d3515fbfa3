"""The lmsrx command line: parse options, call the core, render, map errors to exit codes.

Nothing heavy is imported at module level: the knowledge base, YAML and Rich are
loaded only by the commands that need them, so ``--help`` and tab completion stay fast.
"""
from __future__ import annotations

import os
import shutil
import sys
from typing import Any, List, Optional

import typer

from lmsrx import __version__, vocab
from lmsrx.launch import quiet_stdout
from lmsrx.errors import (ExitCode, Interrupted, KnowledgeError, LmsrxError, OutputClosed, UsageError, dose_status,
                          options_status)

HELP = """Treatment options and dosing rules for leiomyosarcoma (LMS), with their evidence.

Decision support for clinicians; not a substitute for clinical judgement.

\b
Examples:
  lmsrx options --line 2 --histology uterine --prior doxorubicin
  lmsrx drug ifosfamide
  lmsrx dose ifosfamide --bsa 1.8 --planned "14 g/m2"
  lmsrx options --setting adjuvant --grade high --size 8 --histology extremity --format json
  lmsrx kb info
  lmsrx kb check my-institution.yaml
  lmsrx --kb my-institution.yaml kb info --format json
"""

Format = vocab.choices("Format", vocab.FORMATS)
Color = vocab.choices("Color", vocab.COLORS)
SettingChoice = vocab.choices("Setting", vocab.SETTINGS)
SiteChoice = vocab.choices("Site", vocab.SITES)
GradeChoice = vocab.choices("Grade", vocab.GRADES)
DepthChoice = vocab.choices("Depth", vocab.DEPTHS)
MarginChoice = vocab.choices("Margin", vocab.MARGINS)
BiomarkerChoice = vocab.choices("Biomarker", vocab.BIOMARKERS)
ConditionChoice = vocab.choices("Condition", vocab.CONDITIONS)
FormulaChoice = vocab.choices("Formula", vocab.FORMULAS)
PerChoice = vocab.choices("Per", vocab.PER)
RouteChoice = vocab.choices("Route", vocab.ROUTES)
HepaticChoice = vocab.choices("Hepatic", vocab.HEPATIC)
FailOn = vocab.choices("FailOn", vocab.FAIL_ON)
ClassChoice = vocab.choices("DrugClass", vocab.DRUG_CLASSES)
StatusChoice = vocab.choices("LmsStatus", vocab.LMS_STATUSES)
CiteFormat = vocab.choices("CiteFormat", vocab.CITE_FORMATS)
NOCASE = {"case_sensitive": False}


def _v(value: Any) -> Any:
    """Enum choices (and lists of them) as their plain text values."""
    if isinstance(value, list):
        return [_v(v) for v in value]
    return getattr(value, "value", value)


def _help_width() -> int:
    """Help uses the terminal's width (Click stops at 80 by default)."""
    return max(60, min(shutil.get_terminal_size((100, 24)).columns, 200))


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": _help_width()}
app = typer.Typer(help=HELP, rich_markup_mode=None, pretty_exceptions_enable=False, no_args_is_help=True,
                  context_settings=CONTEXT)
kb_app = typer.Typer(help="Check and describe the knowledge base.", rich_markup_mode=None, no_args_is_help=True,
                     context_settings=CONTEXT)
app.add_typer(kb_app, name="kb")


class State:
    extra_kb: list[str] = []
    no_pager: bool = False


def _version(value: bool) -> None:
    if value:
        from lmsrx import files

        typer.echo(f"lmsrx {__version__} (knowledge base {files.builtin_version()})")
        raise typer.Exit()


@app.callback()
def _root(
    kb: Optional[List[str]] = typer.Option(
        None, "--kb", metavar="PATH",
        help="Add an institution's knowledge file or folder to the built-in base (repeatable). "
             "An entry may replace a built-in one only if it says 'replace: true'."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the lmsrx and knowledge base versions and exit."),
    no_pager: bool = typer.Option(False, "--no-pager", help="Never page long tables (on a terminal they go through $PAGER)."),
) -> None:
    State.extra_kb = list(kb or [])
    State.no_pager = no_pager


# ------------------------------------------------------------------ shared output options
FORMAT_HELP = "Default: table on a terminal, tsv otherwise. --json is short for --format json."
COLOR_HELP = "Colour: auto (a terminal and no NO_COLOR), always or never."


def _terminal(color: str) -> Any:
    from lmsrx.render import Terminal

    is_tty = sys.stdout.isatty()
    columns = os.environ.get("COLUMNS", "").strip()
    piped = int(columns) if columns.isascii() and columns.isdecimal() and len(columns) <= 4 else 0
    size = shutil.get_terminal_size((80, 24))
    width = size.columns if is_tty else piped or 100
    from lmsrx.render import color_wanted

    return Terminal(is_tty=is_tty, width=max(40, min(width, 240)), color=color_wanted(color, is_tty),
                    height=max(size.lines, 5), pager=is_tty and not State.no_pager)


def emit(view: Any, fmt: Any, color: Any) -> None:
    """The one way a command writes its answer: choose the format, then :func:`lmsrx.render.render`."""
    from lmsrx.render import default_format, render

    terminal = _terminal(_v(color))
    render(view, _v(fmt) or default_format(terminal, view), terminal, sys.stdout)


def _complete(kind: str, extra: tuple[str, ...] = ()):
    """Complete names of one kind (plus ``extra`` words): :func:`lmsrx.files.completions`."""
    def complete(incomplete: str) -> list[str]:
        from lmsrx import files

        return files.completions(kind, incomplete, extra)

    return complete


def load_kb(extra: Optional[List[str]] = None) -> Any:
    from lmsrx import kb

    return kb.load([*State.extra_kb, *(extra or [])])


# ------------------------------------------------------------------ kb
@kb_app.command("check")
def kb_check(
    paths: Optional[List[str]] = typer.Argument(None, metavar="[PATH]...", help="Extra knowledge files or folders to validate with the built-in base."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """Validate the built-in knowledge base plus extra files; exit 4 listing every problem as file:line."""
    from lmsrx import views

    from lmsrx import kb as kb_mod

    emit(views.kb_check(kb_mod.load([*State.extra_kb, *(paths or [])], compiled=False)), fmt, color)


@kb_app.command("info")
def kb_info(
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """Version, review date, record counts, sha256 of the content, and sources."""
    from lmsrx import views

    emit(views.kb_info(load_kb()), fmt, color)


# ------------------------------------------------------------------ options
# Written out here (not imported) so that --help and completion do not load the model;
# tests/test_docs.py checks it against lmsrx.patient.SITE_HELP.
HISTOLOGY_HELP = ("Site of the primary: uterine = primary in the uterus (uterine LMS); extremity = primary in an arm or leg; "
                  "trunk = primary in the trunk (chest or abdominal wall, back); retroperitoneal = primary in the "
                  "retroperitoneum; other = any other site (e.g. vascular, gastrointestinal, skin).")


# The patient, described the same way by options and report (one definition of each flag).
P_SETTING = typer.Option(None, "--setting", **NOCASE, help="Covers unresectable; implied by --line.")
P_LINE = typer.Option(None, "--line", min=1, max=10, help="Systemic line for advanced disease: 1 = first, 2 = after one line, ... (1-10).")
P_HISTOLOGY = typer.Option(None, "--histology", **NOCASE, help=HISTOLOGY_HELP)
P_GRADE = typer.Option(None, "--grade", **NOCASE, help="Tumour grade.")
P_SIZE = typer.Option(None, "--size", metavar="CM", help="Tumour size in cm (above 0, at most 100).")
P_DEPTH = typer.Option(None, "--depth", **NOCASE, help="Tumour depth (the neoadjuvant trial enrolled deep tumours).")
P_AGE = typer.Option(None, "--age", min=0, max=120, help="Age in years (0-120).")
P_MARGIN = typer.Option(None, "--margin", **NOCASE, help="Surgical margin.")
P_BIOMARKER = typer.Option(None, "--biomarker", **NOCASE, help="Repeatable.")
P_PRIOR = typer.Option(None, "--prior", metavar="DRUG_OR_CLASS", help="Repeatable: a prior drug (id, brand or alias), a class (anthracycline), or none: all prior systemic therapy, perioperative included. Once given, the list is taken as complete.", autocompletion=_complete("drugs", (*vocab.DRUG_CLASSES, "none")))
P_PROGRESSED = typer.Option(None, "--progressed-on", metavar="DRUG_OR_CLASS", help="Repeatable: a drug or class the disease progressed on; regimens holding it are excluded (a drug merely received stays a caution).", autocompletion=_complete("drugs", vocab.DRUG_CLASSES))
P_INELIGIBLE = typer.Option(False, "--anthracycline-ineligible", help="The patient cannot have an anthracycline.")
P_CONDITION = typer.Option(None, "--condition", **NOCASE, help="Repeatable (adds cautions).")
P_EXCLUDE = typer.Option(None, "--exclude", metavar="DRUG_OR_CLASS", help="Repeatable: leave out regimens containing this drug (or any drug of this class).", autocompletion=_complete("drugs", vocab.DRUG_CLASSES))
P_FILE = typer.Option(None, "--patient", metavar="FILE", help="YAML or JSON patient file ('-' = stdin); flags override its values.")


PATIENT_KEYS = {"setting": "setting", "line": "line", "histology": "histology", "grade": "grade", "size": "size_cm",
                "depth": "depth", "age": "age", "margin": "margin", "biomarker": "biomarkers", "prior": "prior",
                "progressed_on": "progressed_on", "condition": "conditions",
                "anthracycline_ineligible": "anthracycline_ineligible", "exclude": "exclude"}


def _patient_flags(given: dict) -> dict:
    """The patient flags of a command (its parameters) under the patient file's keys."""
    return {key: given[name] for name, key in PATIENT_KEYS.items()}


def _given(value: Any) -> bool:
    """A flag the user gave: anything but absent, an unset switch or an empty repeat (0 counts)."""
    return value is not None and value is not False and value != []


def _patient(patient: Optional[str], **flags: Any) -> dict:
    """The patient mapping from a file (if any) and the flags given (which win)."""
    from lmsrx import patient as patient_mod

    given = {k: _v(v) for k, v in flags.items() if _given(v)}
    raw: dict = {}
    if patient is not None:
        raw = patient_mod.read_document(_read_input(patient), patient if patient != "-" else "<stdin>")
        if not isinstance(raw, dict):
            raise UsageError(f"{patient}: a patient file holds one mapping of keys to values")
    return {**raw, **given}


@app.command("options")
def options(
    setting: Optional[SettingChoice] = P_SETTING, line: Optional[int] = P_LINE, histology: Optional[SiteChoice] = P_HISTOLOGY,
    grade: Optional[GradeChoice] = P_GRADE, size: Optional[float] = P_SIZE, depth: Optional[DepthChoice] = P_DEPTH,
    age: Optional[int] = P_AGE, margin: Optional[MarginChoice] = P_MARGIN, biomarker: Optional[List[BiomarkerChoice]] = P_BIOMARKER,
    prior: Optional[List[str]] = P_PRIOR, progressed_on: Optional[List[str]] = P_PROGRESSED,
    anthracycline_ineligible: bool = P_INELIGIBLE, condition: Optional[List[ConditionChoice]] = P_CONDITION,
    exclude: Optional[List[str]] = P_EXCLUDE, patient: Optional[str] = P_FILE,
    batch: Optional[str] = typer.Option(None, "--batch", metavar="FILE", help="NDJSON, one patient per line ('-' = stdin): one result per line, in order."),
    explain: bool = typer.Option(False, "--explain", help="Show every criterion of every regimen with its verdict."),
    long: bool = typer.Option(False, "--long", help="The full evidence cards (every figure of the key trials, approvals, cautions) instead of one row per regimen."),
    compact: bool = typer.Option(False, "--compact", help="With --batch: per patient only each regimen's id, status, strength, needs or reasons, evidence by id."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, max=64, help="With --batch: use N processes (order kept)."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """Treatment options for a patient: eligible, conditional (with what is needed) and excluded (with why).

    \b
    Examples:
      lmsrx options --line 2 --histology uterine --prior doxorubicin --biomarker er-positive
      lmsrx options --setting neoadjuvant --histology extremity
      lmsrx options --batch cohort.ndjson > results.ndjson

    Exit codes: 0 at least one candidate, 1 none, 2 usage error.
    """
    flags = _patient_flags(locals())
    if batch is not None:
        if patient is not None or any(_given(v) for v in flags.values()):
            raise UsageError("--batch takes every patient from the file; do not combine it with --patient or patient flags")
        if long:
            raise UsageError("--long is for the table of one patient; a batch writes ndjson, csv or tsv")
        raise typer.Exit(_batch(batch, _v(fmt), explain, compact, jobs))
    if compact or jobs != 1:
        raise UsageError("--compact and --jobs go with --batch")
    from lmsrx import api

    result = api.options(_patient(patient, **flags), load_kb(), explain, long)
    emit(result.view(), fmt, color)
    raise typer.Exit(result.exit_status)


ReportFormat = vocab.choices("ReportFormat", ("html", "markdown"))


@app.command("report")
def report_cmd(
    setting: Optional[SettingChoice] = P_SETTING, line: Optional[int] = P_LINE, histology: Optional[SiteChoice] = P_HISTOLOGY,
    grade: Optional[GradeChoice] = P_GRADE, size: Optional[float] = P_SIZE, depth: Optional[DepthChoice] = P_DEPTH,
    age: Optional[int] = P_AGE, margin: Optional[MarginChoice] = P_MARGIN, biomarker: Optional[List[BiomarkerChoice]] = P_BIOMARKER,
    prior: Optional[List[str]] = P_PRIOR, progressed_on: Optional[List[str]] = P_PROGRESSED,
    anthracycline_ineligible: bool = P_INELIGIBLE, condition: Optional[List[ConditionChoice]] = P_CONDITION,
    exclude: Optional[List[str]] = P_EXCLUDE, patient: Optional[str] = P_FILE,
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the page to FILE (html when it ends in .html)."),
    fmt: Optional[ReportFormat] = typer.Option(None, "--format", "-f", **NOCASE, help="html or markdown (default: html for an .html file, else markdown)."),
) -> None:
    """The tumour-board page for one patient: options ranked, key figures drawn, what is still needed, references numbered.

    \b
    Examples:
      lmsrx report --line 2 --histology uterine --prior doxorubicin -o board.html
      lmsrx report --patient patient.yaml --format markdown > board.md

    Exit codes: 0 at least one candidate, 1 none, 2 usage error.
    """
    import datetime

    from lmsrx import __version__ as version
    from lmsrx import api, views
    from lmsrx import report as report_mod

    flags = _patient_flags(locals())
    kb = load_kb()
    answer = api.options(_patient(patient, **flags), kb).value
    generated = os.environ.get("LMSRX_REPORT_DATE") or datetime.date.today().isoformat()
    view = views.report(report_mod.board(kb, answer, generated, version))
    chosen = _v(fmt) or ("html" if output and output.lower().endswith((".html", ".htm")) else "markdown")
    _write_document(view, chosen, output)
    raise typer.Exit(int(options_status(len(answer.candidates))))


def _write_document(view: Any, fmt: str, output: Optional[str]) -> None:
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


CompareFormat = vocab.choices("CompareFormat", (*vocab.FORMATS, "html"))


@app.command("compare")
def compare_cmd(
    names: List[str] = typer.Argument(..., metavar="A B [C]...", help="Regimens, drugs or trials (ids, names or aliases), all of one kind.",
                                      autocompletion=_complete("drugs")),
    fmt: Optional[CompareFormat] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP + " html gives the report's page style."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """Regimens, drugs or trials side by side: setting and line, evidence for LMS, key end points aligned, dosing, toxicities.

    \b
    Examples:
      lmsrx compare trabectedin pazopanib eribulin
      lmsrx compare gemcitabine-docetaxel doxorubicin --format html -o compare.html
      lmsrx compare palette trabectedin-vs-dacarbazine
    """
    from lmsrx import views
    from lmsrx import report as report_mod

    if len(names) < 2:
        raise UsageError("compare needs at least two regimens, drugs or trials")
    if len(names) > 6:
        raise UsageError("compare at most six at a time")
    kb = load_kb()
    view = views.compare(kb, report_mod.compare(kb, names))
    chosen = _v(fmt)
    if chosen == "html" or output is not None:
        _write_document(view, chosen or ("html" if output and output.lower().endswith((".html", ".htm")) else "markdown"), output)
        return
    emit(view, chosen, color)


MAX_INPUT = 64 * 1024 * 1024


def _read_input(name: str) -> str:
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


def _batch(name: str, fmt: Optional[str], explain: bool, compact: bool = False, jobs: int = 1) -> int:
    from lmsrx import batch

    fmt = fmt or "ndjson"
    if fmt not in ("ndjson", "csv", "tsv"):
        raise UsageError("--batch writes ndjson (default), csv or tsv")
    kb = load_kb()
    results = batch.evaluate(kb, _byte_lines(name), explain, compact) if jobs == 1 else \
        batch.parallel(kb, _byte_lines(name), explain, compact, jobs, fmt)
    return _write_batch(results, fmt)


def _write_batch(results: Any, fmt: str) -> int:
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


# ------------------------------------------------------------------ completion (fast: reads one YAML file, no validation)


# ------------------------------------------------------------------ drug, drugs, dose
@app.command("drug")
def drug_cmd(
    name: str = typer.Argument(..., help="Generic name, brand or alias (case-insensitive): doxil, pld, yondelis...",
                               autocompletion=_complete("drugs")),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """Names, status, doses, limits, toxicities, supportive care and evidence of one drug.

    \b
    Examples:
      lmsrx drug ifosfamide
      lmsrx drug doxil --format json
    """
    from lmsrx import api

    emit(api.drug(name, load_kb()).view(), fmt, color)


@app.command("drugs")
def drugs_cmd(
    drug_class: Optional[ClassChoice] = typer.Option(None, "--class", **NOCASE, help="Only this class."),
    status: Optional[StatusChoice] = typer.Option(None, "--status", **NOCASE, help="Only this status in LMS."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP + " Piped with no --format: one id per line."),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """List the drugs (one id per line when piped)."""
    from lmsrx import views

    drug_class, status = _v(drug_class), _v(status)
    kb = load_kb()
    items = [d for d in kb.drugs.values() if (drug_class is None or d.drug_class == drug_class)
             and (status is None or d.lms_status == status)]
    emit(views.drugs(kb, items), fmt, color)


@app.command("dose")
def dose_cmd(
    drug: str = typer.Argument(..., help="Drug name, brand or alias.", autocompletion=_complete("drugs")),
    bsa: Optional[float] = typer.Option(None, "--bsa", metavar="M2", help="Body surface area in m2 (0.3-3.5)."),
    height: Optional[float] = typer.Option(None, "--height", metavar="CM", help="Height in cm (30-250), with --weight."),
    weight: Optional[float] = typer.Option(None, "--weight", metavar="KG", help="Weight in kg (1-350); also used for mg/kg doses."),
    formula: Optional[FormulaChoice] = typer.Option(None, "--formula", **NOCASE, help="BSA formula (default mosteller)."),
    planned: Optional[str] = typer.Option(None, "--planned", metavar="QTY", help="The planned dose with its unit: '14 g/m2', '25 g', '1620 mg', '15 mg/kg', '800 mg'."),
    per: PerChoice = typer.Option("administration", "--per", **NOCASE, help="What --planned is: one administration (default), a day's total or a cycle's total."),
    route: Optional[RouteChoice] = typer.Option(None, "--route", **NOCASE, help="Default: the drug's route on record."),
    over: Optional[float] = typer.Option(None, "--over", metavar="MINUTES", help="Infusion time of one administration in minutes: checked against the times and rates on record."),
    hepatic: Optional[HepaticChoice] = typer.Option(None, "--hepatic", **NOCASE, help="Hepatic function (impairment)."),
    cardiac_radiation: Optional[bool] = typer.Option(None, "--cardiac-radiation/--no-cardiac-radiation",
                                                     help="Prior radiation to the heart region or other cardiotoxic therapy (applies doxorubicin's 400 mg/m2 ceiling). Not given = unknown."),
    cumulative: Optional[List[str]] = typer.Option(None, "--cumulative", metavar="[AGENT=]QTY",
                                                   help="Prior lifetime exposure, repeatable: '300 mg/m2' (this drug), 'doxorubicin=300 mg/m2', or 0 if none. The agents given are taken as the whole history."),
    fail_on: FailOn = typer.Option("exceeds", "--fail-on", **NOCASE, help="Exit 3 on: exceeds (default) or warning (a strict gate)."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """Check a planned dose against the doses and limits on record. Exit 3 if it exceeds (or warns, with --fail-on warning).

    \b
    Examples:
      lmsrx dose ifosfamide --bsa 1.8 --planned "9 g/m2" --per cycle
      lmsrx dose gemcitabine --height 170 --weight 70 --planned "900 mg/m2" --over 90
      lmsrx dose doxorubicin --bsa 1.9 --planned "75 mg/m2" --cumulative "doxorubicin=450 mg/m2"

    Exit codes: 0 ok or warning, 2 usage error, 3 exceeds (or a warning with --fail-on warning).
    """
    from lmsrx import api

    result = api.dose(drug, planned, bsa=bsa, height=height, weight=weight, formula=_v(formula), per=_v(per), over=over,
                      route=_v(route), hepatic=_v(hepatic), cardiac_radiation=cardiac_radiation, cumulative=cumulative,
                      kb=load_kb())
    emit(result.view(), fmt, color)
    raise typer.Exit(int(dose_status(result.verdict, _v(fail_on))))


@app.command("order")
def order_cmd(
    file: Optional[str] = typer.Argument(None, metavar="[FILE]", help="The order, YAML or JSON ('-' = stdin)."),
    batch: Optional[str] = typer.Option(None, "--batch", metavar="FILE", help="NDJSON, one order a line ('-' = stdin): one result a line, in order, with the id."),
    fail_on: FailOn = typer.Option("exceeds", "--fail-on", **NOCASE, help="Exit 3 on: exceeds (default) or warning (a strict gate)."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """Verify a whole cycle's order: every line, day and cycle total, the regimen, mesna and the anthracycline total.

    \b
    Examples:
      lmsrx order cycle.yaml
      lmsrx order --batch orders.ndjson --format csv > sheet.csv

    Exit codes: 0 ok or warnings, 2 usage error (a bad order names its line), 3 something exceeds.
    """
    from lmsrx import api

    fail_on = _v(fail_on)
    if (file is None) == (batch is None):
        raise UsageError("give one order FILE, or --batch FILE")
    if batch is not None:
        raise typer.Exit(_order_batch(batch, _v(fmt), fail_on))
    name = "<stdin>" if file == "-" else file
    raw = _read_document(_read_input(file), name)
    result = api.order(raw, load_kb(), name)
    emit(result.view(), fmt, color)
    raise typer.Exit(int(dose_status(result.verdict, fail_on)))


def _read_document(text: str, name: str) -> Any:
    """YAML (strict, with line numbers) or JSON."""
    from lmsrx import patient
    from lmsrx.yamlsafe import load_yaml

    value, problems = load_yaml(text.encode("utf-8", "surrogatepass"), name)
    if problems:
        if text.lstrip().startswith("{"):
            return patient.loads_json(text, name)
        raise UsageError("; ".join(str(p) for p in problems[:5]))
    return value


def _order_batch(name: str, fmt: Optional[str], fail_on: str) -> int:
    from lmsrx import batch

    fmt = fmt or "ndjson"
    if fmt not in ("ndjson", "csv", "tsv"):
        raise UsageError("--batch writes ndjson (default), csv or tsv")
    return _write_batch(batch.orders(load_kb(), _byte_lines(name), fail_on), fmt)


def _byte_lines(name: str) -> Any:
    """Lines of a file or stdin as bytes, split on newline only (each decoded alone by the caller)."""
    try:
        handle = sys.stdin.buffer if name == "-" else open(name, "rb")
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None

    from lmsrx.batch import MAX_LINE_BYTES, TOO_LONG

    def lines() -> Any:
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


# ------------------------------------------------------------------ evidence: trial, trials, search, cite
@app.command("trial")
def trial_cmd(
    trial_id: str = typer.Argument(..., metavar="ID", help="Evidence id, e.g. palette.", autocompletion=_complete("evidence")),
    plot: bool = typer.Option(False, "--plot", help="Draw the arms' median PFS/OS as bars."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """A trial card: design, N, arms, end points with figures and CIs, the source beside the publication, citations.

    \b
    Examples:
      lmsrx trial trabectedin-vs-dacarbazine --plot
      lmsrx trial palette --format json
    """
    from lmsrx import api

    emit(api.trial(trial_id, load_kb(), plot, _terminal(color).width).view(), fmt, color)


@app.command("trials")
def trials_cmd(
    drug: Optional[str] = typer.Option(None, "--drug", help="Only evidence about this drug.", autocompletion=_complete("drugs")),
    setting: Optional[SettingChoice] = typer.Option(None, "--setting", **NOCASE),
    plot: bool = typer.Option(False, "--plot", help="Draw each listed trial's median PFS/OS by arm as bars."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP + " Piped with no --format: one id per line."),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """List the evidence records (trials, analyses, guideline and review statements)."""
    from lmsrx import views

    setting = _v(setting)
    kb = load_kb()
    drug_id = kb.lookup("drugs", drug, "drug").id if drug else None
    items = [e for e in kb.evidence.values() if (drug_id is None or drug_id in e.drugs) and (setting is None or setting in e.settings)]
    emit(views.trials(kb, items, plot, _terminal(_v(color)).width), fmt, color)


@app.command("search")
def search_cmd(
    text: List[str] = typer.Argument(..., help="Words to find (every word must match; prefixes count)."),
    limit: int = typer.Option(20, "--limit", min=1, max=200, help="At most this many results."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """Ranked full-text search over drugs, regimens and evidence.

    \b
    Example:
      lmsrx search hepatotoxicity
    """
    from lmsrx import search, views

    query = " ".join(text)
    if not query.strip():
        raise UsageError("give words to search for, e.g. lmsrx search hepatotoxicity")
    if len(query) > 500:
        raise UsageError("search text is limited to 500 characters")
    kb = load_kb()
    emit(views.search(search.search(kb, query, limit), query), fmt, color)


@app.command("cite")
def cite_cmd(
    ref_id: str = typer.Argument(..., metavar="ID", help="A reference id, or a drug, regimen or evidence id (cites its references).",
                                 autocompletion=_complete("references")),
    fmt: CiteFormat = typer.Option("text", "--format", "-f", **NOCASE, help="Citation format."),
) -> None:
    """A reference ready for a tumour-board document or a reference manager.

    \b
    Examples:
      lmsrx cite demetri-2016-trabectedin --format bibtex
      lmsrx cite palette --format ris
    """
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
    emit(views.citations(kb, refs), _v(fmt), "never")


# ------------------------------------------------------------------ entry point and exit codes
def report(exc: LmsrxError) -> int:
    """The one place that turns an expected error into a message on stderr and an exit code."""
    from lmsrx.render import clean

    err = sys.stderr

    def say(text: str) -> None:
        text = clean(text)
        err.write((text if len(text) <= 2000 else text[:2000] + "...") + "\n")

    if isinstance(exc, KnowledgeError):
        for problem in exc.problems:
            say(str(problem))
        say(f"lmsrx: {exc.message}")
    else:
        say(f"lmsrx: error: {exc.message}")
    if exc.hint:
        say(f"lmsrx: {exc.hint}")
    return int(exc.exit_code)


class _GuardedStdout:
    """stdout that turns a failed write into :class:`OutputClosed` (see errors.py for why)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def _guard(self, call: Any, *args: Any) -> Any:
        try:
            return call(*args)
        except BrokenPipeError:
            raise OutputClosed(ExitCode.BROKEN_PIPE, "the reader closed the pipe") from None
        except (OSError, ValueError) as exc:  # ENOSPC, EIO, a closed file
            raise OutputClosed(ExitCode.OUTPUT_ERROR, f"cannot write the output: {getattr(exc, 'strerror', None) or exc}") from None

    def write(self, text: str) -> int:
        return self._guard(self._stream.write, text)

    def flush(self) -> None:
        self._guard(self._stream.flush)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _interrupt(signum: int, frame: Any) -> None:
    raise Interrupted()


def main(argv: Optional[List[str]] = None) -> int:
    """Run lmsrx with ``argv`` (default: the command line) and return the exit status; never raises."""
    import signal

    if sys.stdout is None:
        sys.stderr.write("lmsrx: error: standard output is closed\n")
        return int(ExitCode.OUTPUT_ERROR)
    args = list(sys.argv[1:] if argv is None else argv)
    if "--json" in args[: args.index("--") if "--" in args else len(args)]:  # --json is --format json, everywhere
        i = args.index("--json")
        args[i:i + 1] = ["--format", "json"]
    argv = args
    stdout, sys.stdout = sys.stdout, _GuardedStdout(sys.stdout)
    try:
        previous = signal.signal(signal.SIGINT, _interrupt)
    except ValueError:  # not the main thread
        previous = None
    try:
        app(args=argv, prog_name="lmsrx", standalone_mode=True)
        sys.stdout.flush()
        return int(ExitCode.OK)
    except SystemExit as done:  # Typer/Click finish every run this way
        sys.stdout.flush()
        return done.code if isinstance(done.code, int) else int(ExitCode.OK if done.code is None else ExitCode.USAGE)
    except LmsrxError as exc:
        return report(exc)
    except OutputClosed as exc:
        quiet_stdout()
        if exc.code != ExitCode.BROKEN_PIPE:
            sys.stderr.write(f"lmsrx: error: {exc.why}\n")
        return int(exc.code)
    except (Interrupted, KeyboardInterrupt):
        quiet_stdout()
        sys.stderr.write("lmsrx: interrupted\n")
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:  # noqa: BLE001 - no traceback may reach a user
        sys.stderr.write(f"lmsrx: internal error ({type(exc).__name__}); please report it. The output may be incomplete.\n")
        return int(ExitCode.INTERNAL)
    finally:
        sys.stdout = stdout
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def entry() -> None:
    """The ``lmsrx`` console script."""
    sys.exit(main())


