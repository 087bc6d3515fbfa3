"""``lmsrx options``, ``lmsrx report`` and ``lmsrx compare``: a patient's options, the tumour-board page, regimens side
by side."""

import os
from typing import Any, List, Optional

import typer

from lmsrx.cli import params as p
from lmsrx.cli.application import app, batch_format, emit, environment, load_kb, write_batch, write_document
from lmsrx.cli.params import ColorOpt, FormatOpt, KbOpt, NoPagerOpt, plain
from lmsrx.environment import Environment
from lmsrx.errors import UsageError, options_status

# The patient flags (their parameter names) under the patient file's keys.
PATIENT_KEYS = {"setting": "setting", "line": "line", "histology": "histology", "grade": "grade", "size": "size_cm",
                "depth": "depth", "age": "age", "margin": "margin", "biomarker": "biomarkers", "prior": "prior",
                "progressed_on": "progressed_on", "condition": "conditions",
                "anthracycline_ineligible": "anthracycline_ineligible", "exclude": "exclude",
                "hepatic": "hepatic", "child_pugh": "child_pugh", "bilirubin": "bilirubin", "ast": "ast", "alt": "alt",
                "alp": "alp", "crcl": "crcl", "creatinine": "creatinine"}


def given(value: Any) -> bool:
    """A flag the user gave: anything but absent, an unset switch or an empty repeat (0 counts)."""
    return value is not None and value is not False and value != []


def patient_mapping(env: Environment, patient: str | None, flags: dict[str, Any]) -> dict[str, Any]:
    """The patient from a file (if any) and the flags given (which win), under the patient file's keys."""
    from lmsrx import inputs

    chosen = {PATIENT_KEYS[k]: plain(v) for k, v in flags.items() if given(v)}
    raw: Any = {}
    if patient is not None:
        raw = inputs.read_document(inputs.read_text(patient, env.stdin), inputs.shown(patient))
        if not isinstance(raw, dict):
            raise UsageError(f"{inputs.shown(patient)}: a patient file holds one mapping of keys to values")
    return {**raw, **chosen}


@app.command("options")
def options(
    ctx: typer.Context,
    setting: p.Setting = None, line: p.Line = None, histology: p.Histology = None, grade: p.Grade = None,
    size: p.Size = None, depth: p.Depth = None, age: p.Age = None, margin: p.Margin = None, biomarker: p.Biomarker = None,
    prior: p.Prior = None, progressed_on: p.ProgressedOn = None, anthracycline_ineligible: p.Ineligible = False,
    condition: p.Condition = None, exclude: p.Exclude = None, patient: p.PatientFile = None,
    hepatic: p.Hepatic = None, child_pugh: p.ChildPugh = None, bilirubin: p.Bilirubin = None, ast: p.Ast = None,
    alt: p.Alt = None, alp: p.Alp = None, crcl: p.Crcl = None, creatinine: p.Creatinine = None,
    batch: Optional[str] = typer.Option(None, "--batch", metavar="FILE",
                                        help="NDJSON, one patient per line ('-' = stdin): one result per line, in order."),
    explain: bool = typer.Option(False, "--explain", help="Show every criterion of every regimen with its verdict."),
    long: bool = typer.Option(False, "--long", help="The full evidence cards (every figure of the key trials, approvals, "
                                                    "cautions) instead of one row per regimen."),
    compact: bool = typer.Option(False, "--compact", help="With --batch: per patient only each regimen's id, status, "
                                                          "strength, needs or reasons, evidence by id."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, max=64, help="With --batch: use N processes (order kept)."),
    fmt: FormatOpt = None, color: ColorOpt = "auto", kb: KbOpt = None, no_pager: NoPagerOpt = False,
) -> None:
    """Treatment options for a patient: eligible, conditional (with what is needed) and excluded (with why).

    \b
    Examples:
      lmsrx options --line 2 --histology uterine --prior doxorubicin --biomarker er-positive
      lmsrx options --setting neoadjuvant --histology extremity
      lmsrx options --batch cohort.ndjson > results.ndjson

    Exit codes: 0 at least one candidate, 1 none, 2 usage error.
    """
    env = environment(ctx, kb, no_pager)
    flags = dict(setting=setting, line=line, histology=histology, grade=grade, size=size, depth=depth, age=age, margin=margin,
                 biomarker=biomarker, prior=prior, progressed_on=progressed_on, anthracycline_ineligible=anthracycline_ineligible,
                 condition=condition, exclude=exclude, hepatic=hepatic, child_pugh=child_pugh, bilirubin=bilirubin, ast=ast,
                 alt=alt, alp=alp, crcl=crcl, creatinine=creatinine)
    fmt = plain(fmt)
    if batch is not None:
        if patient is not None or any(given(v) for v in flags.values()):
            raise UsageError("--batch takes every patient from the file; do not combine it with --patient or patient flags")
        if long:
            raise UsageError("--long is for the table of one patient; a batch writes ndjson, csv or tsv")
        from lmsrx import batch as batch_mod
        from lmsrx import inputs

        fmt, base = batch_format(fmt), load_kb(env)
        lines = inputs.byte_lines(batch, env.stdin)
        results = batch_mod.evaluate(base, lines, explain, compact) if jobs == 1 else \
            batch_mod.parallel(base, lines, explain, compact, jobs, fmt)
        raise typer.Exit(write_batch(env, results, fmt))
    if compact or jobs != 1:
        raise UsageError("--compact and --jobs go with --batch")
    from lmsrx import api

    result = api.options(patient_mapping(env, patient, flags), load_kb(env), explain, long)
    emit(env, result.view(), fmt, plain(color))
    raise typer.Exit(result.exit_status)


@app.command("report")
def report(
    ctx: typer.Context,
    setting: p.Setting = None, line: p.Line = None, histology: p.Histology = None, grade: p.Grade = None,
    size: p.Size = None, depth: p.Depth = None, age: p.Age = None, margin: p.Margin = None, biomarker: p.Biomarker = None,
    prior: p.Prior = None, progressed_on: p.ProgressedOn = None, anthracycline_ineligible: p.Ineligible = False,
    condition: p.Condition = None, exclude: p.Exclude = None, patient: p.PatientFile = None,
    hepatic: p.Hepatic = None, child_pugh: p.ChildPugh = None, bilirubin: p.Bilirubin = None, ast: p.Ast = None,
    alt: p.Alt = None, alp: p.Alp = None, crcl: p.Crcl = None, creatinine: p.Creatinine = None,
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                         help="Write the page to FILE (html when it ends in .html)."),
    fmt: Optional[p.ReportFormat] = typer.Option(None, "--format", "-f", **p.NOCASE,
                                                 help="html or markdown (default: html for an .html file, else markdown)."),
    kb: KbOpt = None, no_pager: NoPagerOpt = False,
) -> None:
    """The tumour-board page for one patient: options ranked, key figures drawn, what is still needed, references numbered.

    \b
    Examples:
      lmsrx report --line 2 --histology uterine --prior doxorubicin -o board.html
      lmsrx report --patient patient.yaml --format markdown > board.md

    Exit codes: 0 at least one candidate, 1 none, 2 usage error.
    """
    import datetime

    from lmsrx import api
    from lmsrx.output import report as report_views
    from lmsrx.version import __version__ as version

    env = environment(ctx, kb, no_pager)
    flags = dict(setting=setting, line=line, histology=histology, grade=grade, size=size, depth=depth, age=age, margin=margin,
                 biomarker=biomarker, prior=prior, progressed_on=progressed_on, anthracycline_ineligible=anthracycline_ineligible,
                 condition=condition, exclude=exclude, hepatic=hepatic, child_pugh=child_pugh, bilirubin=bilirubin, ast=ast,
                 alt=alt, alp=alp, crcl=crcl, creatinine=creatinine)
    base = load_kb(env)
    answer = api.options(patient_mapping(env, patient, flags), base).value
    generated = os.environ.get("LMSRX_REPORT_DATE") or datetime.date.today().isoformat()
    view = report_views.report(report_views.board(base, answer, generated, version))
    write_document(env, view, plain(fmt) or ("html" if _is_html(output) else "markdown"), output)
    raise typer.Exit(int(options_status(len(answer.candidates))))


def _is_html(output: str | None) -> bool:
    return bool(output) and output.lower().endswith((".html", ".htm"))


@app.command("compare")
def compare(
    ctx: typer.Context,
    names: List[str] = typer.Argument(..., metavar="A B [C]...", autocompletion=p.complete("drugs"),
                                      help="Regimens, drugs or trials (ids, names or aliases), all of one kind."),
    fmt: Optional[p.CompareFormat] = typer.Option(None, "--format", "-f", **p.NOCASE,
                                                  help=p.FORMAT_HELP + " html gives the report's page style."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."),
    color: ColorOpt = "auto", kb: KbOpt = None, no_pager: NoPagerOpt = False,
) -> None:
    """Regimens, drugs or trials side by side: setting and line, evidence for LMS, key end points aligned, dosing, toxicities.

    \b
    Examples:
      lmsrx compare trabectedin pazopanib eribulin
      lmsrx compare gemcitabine-docetaxel doxorubicin --format html -o compare.html
      lmsrx compare palette trabectedin-vs-dacarbazine
    """
    from lmsrx.output import compare as compare_views

    env = environment(ctx, kb, no_pager)
    if len(names) < 2:
        raise UsageError("compare needs at least two regimens, drugs or trials")
    if len(names) > 6:
        raise UsageError("compare at most six at a time")
    base = load_kb(env)
    view = compare_views.compare(base, compare_views.side_by_side(base, names))
    fmt = plain(fmt)
    if fmt == "html" or output is not None:
        write_document(env, view, fmt or ("html" if _is_html(output) else "markdown"), output)
    else:
        emit(env, view, fmt, plain(color))
    raise typer.Exit(0)
