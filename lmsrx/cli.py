"""The lmsrx command line as Typer declares it: options, help and completion.

Each command's body is in :mod:`lmsrx.commands` (called with plain values); errors become exit codes
in :func:`lmsrx.launch.run`. The everyday calls are read without this module (:mod:`lmsrx.fastargs`),
from a description of it (``lmsrx/_compiled/cli.json``) that a test keeps equal to it.
"""
from __future__ import annotations

import shutil
import sys
from typing import Any, List, Optional

import typer

from lmsrx import __version__, vocab
from lmsrx.commands import COMMANDS, State
from lmsrx.launch import run

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
ChildPughChoice = vocab.choices("ChildPugh", ("A", "B", "C"))
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


def _call(command: str, params: dict) -> None:
    """Run a command's body (:mod:`lmsrx.commands`) with its parameters as plain values."""
    raise typer.Exit(int(COMMANDS[command](**{name: _v(value) for name, value in params.items()})))


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


def _complete(kind: str, extra: tuple[str, ...] = (), classes: bool = False):
    """Complete names of one kind (plus the class ids, and ``extra`` words): :func:`lmsrx.files.completions`."""
    def complete(incomplete: str) -> list[str]:
        from lmsrx import files

        return files.completions(kind, incomplete, extra, classes)

    return complete


# ------------------------------------------------------------------ kb
@kb_app.command("check")
def kb_check(
    paths: Optional[List[str]] = typer.Argument(None, metavar="[PATH]...", help="Extra knowledge files or folders to validate with the built-in base."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """Validate the built-in knowledge base plus extra files; exit 4 listing every problem as file:line."""
    _call("kb check", locals())


@kb_app.command("info")
def kb_info(
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """Version, review date, record counts, sha256 of the content, and sources."""
    _call("kb info", locals())


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
P_PRIOR = typer.Option(None, "--prior", metavar="DRUG_OR_CLASS", help="Repeatable: a prior drug (id, brand or alias), a class (anthracycline), or none: all prior systemic therapy, perioperative included. Once given, the list is taken as complete.", autocompletion=_complete("drugs", ("none",), classes=True))
P_PROGRESSED = typer.Option(None, "--progressed-on", metavar="DRUG_OR_CLASS", help="Repeatable: a drug or class the disease progressed on; regimens holding it are excluded (a drug merely received stays a caution).", autocompletion=_complete("drugs", classes=True))
P_INELIGIBLE = typer.Option(False, "--anthracycline-ineligible", help="The patient cannot have an anthracycline.")
P_CONDITION = typer.Option(None, "--condition", **NOCASE, help="Repeatable: cardiac, renal, hepatic (adds cautions; renal or hepatic alone applies that organ's label rules, naming the measure each needs), or a named heart condition: cardiomyopathy, heart-failure, recent-mi, severe-arrhythmia.")
P_EXCLUDE = typer.Option(None, "--exclude", metavar="DRUG_OR_CLASS", help="Repeatable: leave out regimens containing this drug (or any drug of this class).", autocompletion=_complete("drugs", classes=True))
P_FILE = typer.Option(None, "--patient", metavar="FILE", help="YAML or JSON patient file ('-' = stdin); flags override its values.")
# Organ function, for the label rules (options, report and dose alike).
P_HEPATIC = typer.Option(None, "--hepatic", **NOCASE, help="Hepatic impairment in the label's own category (each label defines its own).")
P_CHILD_PUGH = typer.Option(None, "--child-pugh", **NOCASE, help="Child-Pugh class.")
P_BILIRUBIN = typer.Option(None, "--bilirubin", metavar="VALUE", help="Total bilirubin: '2.1 mg/dL' (a bare number is mg/dL), '36 umol/L' or '1.8 x ULN'; repeat to give both mg/dL and x ULN.")
P_AST = typer.Option(None, "--ast", metavar="xULN", help="AST as a multiple of the upper limit of normal ('2.5' or '2.5 x ULN').")
P_ALT = typer.Option(None, "--alt", metavar="xULN", help="ALT as a multiple of the upper limit of normal.")
P_ALP = typer.Option(None, "--alp", metavar="xULN", help="Alkaline phosphatase as a multiple of the upper limit of normal.")
P_CRCL = typer.Option(None, "--crcl", metavar="ML_MIN", help="Creatinine clearance in mL/min.")
P_CREATININE = typer.Option(None, "--creatinine", metavar="VALUE", help="Serum creatinine: '1.1 mg/dL' (a bare number is mg/dL) or '97 umol/L'.")


@app.command("options")
def options(
    setting: Optional[SettingChoice] = P_SETTING, line: Optional[int] = P_LINE, histology: Optional[SiteChoice] = P_HISTOLOGY,
    grade: Optional[GradeChoice] = P_GRADE, size: Optional[float] = P_SIZE, depth: Optional[DepthChoice] = P_DEPTH,
    age: Optional[int] = P_AGE, margin: Optional[MarginChoice] = P_MARGIN, biomarker: Optional[List[BiomarkerChoice]] = P_BIOMARKER,
    prior: Optional[List[str]] = P_PRIOR, progressed_on: Optional[List[str]] = P_PROGRESSED,
    anthracycline_ineligible: bool = P_INELIGIBLE, condition: Optional[List[ConditionChoice]] = P_CONDITION,
    exclude: Optional[List[str]] = P_EXCLUDE, patient: Optional[str] = P_FILE,
    hepatic: Optional[HepaticChoice] = P_HEPATIC, child_pugh: Optional[ChildPughChoice] = P_CHILD_PUGH,
    bilirubin: Optional[List[str]] = P_BILIRUBIN, ast: Optional[str] = P_AST, alt: Optional[str] = P_ALT, alp: Optional[str] = P_ALP,
    crcl: Optional[str] = P_CRCL, creatinine: Optional[str] = P_CREATININE,
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
    _call("options", locals())


ReportFormat = vocab.choices("ReportFormat", ("html", "markdown"))


@app.command("report")
def report_cmd(
    setting: Optional[SettingChoice] = P_SETTING, line: Optional[int] = P_LINE, histology: Optional[SiteChoice] = P_HISTOLOGY,
    grade: Optional[GradeChoice] = P_GRADE, size: Optional[float] = P_SIZE, depth: Optional[DepthChoice] = P_DEPTH,
    age: Optional[int] = P_AGE, margin: Optional[MarginChoice] = P_MARGIN, biomarker: Optional[List[BiomarkerChoice]] = P_BIOMARKER,
    prior: Optional[List[str]] = P_PRIOR, progressed_on: Optional[List[str]] = P_PROGRESSED,
    anthracycline_ineligible: bool = P_INELIGIBLE, condition: Optional[List[ConditionChoice]] = P_CONDITION,
    exclude: Optional[List[str]] = P_EXCLUDE, patient: Optional[str] = P_FILE,
    hepatic: Optional[HepaticChoice] = P_HEPATIC, child_pugh: Optional[ChildPughChoice] = P_CHILD_PUGH,
    bilirubin: Optional[List[str]] = P_BILIRUBIN, ast: Optional[str] = P_AST, alt: Optional[str] = P_ALT, alp: Optional[str] = P_ALP,
    crcl: Optional[str] = P_CRCL, creatinine: Optional[str] = P_CREATININE,
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
    _call("report", locals())


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
    _call("compare", locals())


MAX_INPUT = 64 * 1024 * 1024


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
    _call("drug", locals())


@app.command("drugs")
def drugs_cmd(
    drug_class: Optional[str] = typer.Option(None, "--class", metavar="CLASS", help="Only the members of this class.",
                                             autocompletion=_complete("classes")),
    status: Optional[StatusChoice] = typer.Option(None, "--status", **NOCASE, help="Only this status in LMS."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP + " Piped with no --format: one id per line."),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """List the drugs (one id per line when piped)."""
    _call("drugs", locals())


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
    hepatic: Optional[HepaticChoice] = P_HEPATIC, child_pugh: Optional[ChildPughChoice] = P_CHILD_PUGH,
    bilirubin: Optional[List[str]] = P_BILIRUBIN, ast: Optional[str] = P_AST, alt: Optional[str] = P_ALT, alp: Optional[str] = P_ALP,
    crcl: Optional[str] = P_CRCL, creatinine: Optional[str] = P_CREATININE,
    age: Optional[int] = typer.Option(None, "--age", min=0, max=120, help="Age in years (0-120), for the minimum ages on record."),
    condition: Optional[List[ConditionChoice]] = P_CONDITION,
    cardiac_radiation: Optional[bool] = typer.Option(None, "--cardiac-radiation/--no-cardiac-radiation",
                                                     help="Prior radiation to the heart region or other cardiotoxic therapy (applies doxorubicin's 400 mg/m2 ceiling; prior exposure to another anthracycline given with --cumulative counts too). Not given = unknown."),
    cumulative: Optional[List[str]] = typer.Option(None, "--cumulative", metavar="[AGENT=]QTY",
                                                   help="Prior lifetime exposure, repeatable: '300 mg/m2' (this drug), 'epirubicin=300 mg/m2', or 0 if none of any. Other agents not listed count as none; the drug's own history must be listed (doxorubicin=0)."),
    fail_on: FailOn = typer.Option("exceeds", "--fail-on", **NOCASE, help="Exit 3 on: exceeds (default) or warning (a strict gate)."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """Check a planned dose against the doses and limits on record, the label rules for the patient's organ function and
    age (contraindicated or do not give: exceeds; a dose for the impairment: checked like any dose; no data: not
    verified), and the lifetime anthracycline total (other agents converted with the most cautious equivalence ratio
    on record). Exit 3 if it exceeds (or warns, with --fail-on warning).

    \b
    Examples:
      lmsrx dose ifosfamide --bsa 1.8 --planned "9 g/m2" --per cycle
      lmsrx dose gemcitabine --height 170 --weight 70 --planned "900 mg/m2" --over 90
      lmsrx dose doxorubicin --bsa 1.9 --planned "75 mg/m2" --cumulative "doxorubicin=450 mg/m2"
      lmsrx dose doxorubicin --bsa 1.8 --planned "75 mg/m2" --cumulative "epirubicin=300 mg/m2" --cumulative "doxorubicin=150 mg/m2"
      lmsrx dose eribulin --bsa 1.7 --planned "0.7 mg/m2" --child-pugh B

    Exit codes: 0 ok or warning, 2 usage error, 3 exceeds (or a warning with --fail-on warning).
    """
    _call("dose", locals())


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
    _call("order", locals())


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
    _call("trial", locals())


@app.command("trials")
def trials_cmd(
    drug: Optional[str] = typer.Option(None, "--drug", help="Only evidence about this drug.", autocompletion=_complete("drugs")),
    setting: Optional[SettingChoice] = typer.Option(None, "--setting", **NOCASE),
    plot: bool = typer.Option(False, "--plot", help="Draw each listed trial's median PFS/OS by arm as bars."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", **NOCASE, help=FORMAT_HELP + " Piped with no --format: one id per line."),
    color: Color = typer.Option("auto", "--color", **NOCASE, help=COLOR_HELP),
) -> None:
    """List the evidence records (trials, analyses, guideline and review statements)."""
    _call("trials", locals())


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
    _call("search", locals())


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
    _call("cite", locals())


# ------------------------------------------------------------------ entry point and exit codes


def main(argv: Optional[List[str]] = None) -> int:
    """Run lmsrx with ``argv`` (default: the command line) and return the exit status; never raises."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--json" in args[: args.index("--") if "--" in args else len(args)]:  # --json is --format json, everywhere
        i = args.index("--json")
        args[i:i + 1] = ["--format", "json"]
    return run(lambda: app(args=args, prog_name="lmsrx", standalone_mode=True))


def entry() -> None:
    """The ``lmsrx`` console script."""
    sys.exit(main())


