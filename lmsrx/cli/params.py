"""The options of the command line, each declared once as an ``Annotated`` type and shared by every command that
takes it (as sqlite-utils shares its output options), with the shell completion of names."""

from typing import Annotated, List, Optional

import typer

from lmsrx import vocab

Format = vocab.choices("Format", vocab.FORMATS)
Color = vocab.choices("Color", vocab.COLORS)
SettingChoice = vocab.choices("Setting", vocab.SETTINGS)
SiteChoice = vocab.choices("Site", vocab.SITES)
GradeChoice = vocab.choices("Grade", vocab.GRADES)
DepthChoice = vocab.choices("Depth", vocab.DEPTHS)
MarginChoice = vocab.choices("Margin", vocab.MARGINS)
BiomarkerChoice = vocab.choices("Biomarker", vocab.BIOMARKERS, repeatable=True)
ConditionChoice = vocab.choices("Condition", vocab.CONDITIONS, repeatable=True)
FormulaChoice = vocab.choices("Formula", vocab.FORMULAS)
PerChoice = vocab.choices("Per", vocab.PER)
RouteChoice = vocab.choices("Route", vocab.ROUTES)
HepaticChoice = vocab.choices("Hepatic", vocab.HEPATIC)
ChildPughChoice = vocab.choices("ChildPugh", ("A", "B", "C"))
FailOn = vocab.choices("FailOn", vocab.FAIL_ON)
StatusChoice = vocab.choices("LmsStatus", vocab.LMS_STATUSES)
CiteFormat = vocab.choices("CiteFormat", vocab.CITE_FORMATS)
ReportFormat = vocab.choices("ReportFormat", ("html", "markdown"))
CompareFormat = vocab.choices("CompareFormat", (*vocab.FORMATS, "html"))
RegimenFormat = vocab.choices("RegimenFormat", (*vocab.FORMATS, "yaml"))
NOCASE = {"case_sensitive": False}


def complete(kind: str, extra: tuple[str, ...] = (), classes: bool = False):
    """Complete names of one kind (plus the class ids, and ``extra`` words): :func:`lmsrx.knowledge.names.completions`."""
    def completer(incomplete: str) -> list[str]:
        from lmsrx.knowledge.names import completions

        return completions(kind, incomplete, extra, classes)

    return completer


def plain(value):
    """Enum choices (and lists of them) as their plain text values."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    return getattr(value, "value", value)


# ------------------------------------------------------------------ output and the root options (any command)
FORMAT_HELP = "Default: table on a terminal, tsv otherwise. --json is short for --format json."
COLOR_HELP = "Colour: auto (a terminal and no NO_COLOR), always or never."
FormatOpt = Annotated[Optional[Format], typer.Option("--format", "-f", **NOCASE, help=FORMAT_HELP)]
ColorOpt = Annotated[Color, typer.Option("--color", **NOCASE, help=COLOR_HELP)]
KB_HELP = ("Add an institution's knowledge file or folder to the built-in base (repeatable). An entry may replace a "
           "built-in one only if it says 'replace: true'.")
KbOpt = Annotated[Optional[List[str]], typer.Option("--kb", metavar="PATH", help=KB_HELP)]
NoPagerOpt = Annotated[bool, typer.Option("--no-pager", help="Never page long tables (on a terminal they go through $PAGER).")]
FailOnOpt = Annotated[FailOn, typer.Option("--fail-on", **NOCASE, help="Exit 3 on: exceeds (default) or warning (a strict gate).")]

# ------------------------------------------------------------------ the patient (options, report)
# Written out here (not imported) so that --help and completion do not load the model;
# tests/test_docs.py checks it against lmsrx.patient.SITE_HELP.
HISTOLOGY_HELP = ("Site of the primary: uterine = primary in the uterus (uterine LMS); extremity = primary in an arm or leg; "
                  "trunk = primary in the trunk (chest or abdominal wall, back); retroperitoneal = primary in the "
                  "retroperitoneum; other = any other site (e.g. vascular, gastrointestinal, skin).")
Setting = Annotated[Optional[SettingChoice], typer.Option("--setting", **NOCASE, help="Covers unresectable; implied by --line.")]
Line = Annotated[Optional[int], typer.Option("--line", min=1, max=10,
                                             help="Systemic line for advanced disease: 1 = first, 2 = after one line, ... (1-10).")]
Histology = Annotated[Optional[SiteChoice], typer.Option("--histology", **NOCASE, help=HISTOLOGY_HELP)]
Grade = Annotated[Optional[GradeChoice], typer.Option("--grade", **NOCASE, help="Tumour grade.")]
Size = Annotated[Optional[float], typer.Option("--size", metavar="CM", help="Tumour size in cm (above 0, at most 100).")]
Depth = Annotated[Optional[DepthChoice], typer.Option("--depth", **NOCASE,
                                                      help="Tumour depth (the neoadjuvant trial enrolled deep tumours).")]
Age = Annotated[Optional[int], typer.Option("--age", min=0, max=120, help="Age in years (0-120).")]
Margin = Annotated[Optional[MarginChoice], typer.Option("--margin", **NOCASE, help="Surgical margin.")]
Biomarker = Annotated[Optional[List[BiomarkerChoice]], typer.Option("--biomarker", **NOCASE, help="Repeatable.")]
Prior = Annotated[Optional[List[str]], typer.Option(
    "--prior", metavar="DRUG_OR_CLASS", autocompletion=complete("drugs", ("none",), classes=True),
    help="Repeatable: a prior drug (id, brand or alias), a class (anthracycline), or none: all prior systemic therapy, "
         "perioperative included. Once given, the list is taken as complete.")]
ProgressedOn = Annotated[Optional[List[str]], typer.Option(
    "--progressed-on", metavar="DRUG_OR_CLASS", autocompletion=complete("drugs", classes=True),
    help="Repeatable: a drug or class the disease progressed on; regimens holding it are excluded (a drug merely "
         "received stays a caution).")]
Ineligible = Annotated[bool, typer.Option("--anthracycline-ineligible", help="The patient cannot have an anthracycline.")]
Condition = Annotated[Optional[List[ConditionChoice]], typer.Option(
    "--condition", **NOCASE,
    help="Repeatable: cardiac, renal, hepatic (adds cautions; renal or hepatic alone applies that organ's label rules, "
         "naming the measure each needs), or a named heart condition: cardiomyopathy, heart-failure, recent-mi, "
         "severe-arrhythmia.")]
Exclude = Annotated[Optional[List[str]], typer.Option(
    "--exclude", metavar="DRUG_OR_CLASS", autocompletion=complete("drugs", classes=True),
    help="Repeatable: leave out regimens containing this drug (or any drug of this class).")]
PatientFile = Annotated[Optional[str], typer.Option(
    "--patient", metavar="FILE", help="YAML or JSON patient file ('-' = stdin); flags override its values.")]

# ------------------------------------------------------------------ organ function (options, report, dose)
Hepatic = Annotated[Optional[HepaticChoice], typer.Option(
    "--hepatic", **NOCASE, help="Hepatic impairment in the label's own category (each label defines its own).")]
ChildPugh = Annotated[Optional[ChildPughChoice], typer.Option("--child-pugh", **NOCASE, help="Child-Pugh class.")]
Bilirubin = Annotated[Optional[List[str]], typer.Option(
    "--bilirubin", metavar="VALUE",
    help="Total bilirubin: '2.1 mg/dL' (a bare number is mg/dL), '36 umol/L' or '1.8 x ULN'; repeat to give both "
         "mg/dL and x ULN.")]
Ast = Annotated[Optional[str], typer.Option("--ast", metavar="xULN",
                                            help="AST as a multiple of the upper limit of normal ('2.5' or '2.5 x ULN').")]
Alt = Annotated[Optional[str], typer.Option("--alt", metavar="xULN", help="ALT as a multiple of the upper limit of normal.")]
Alp = Annotated[Optional[str], typer.Option("--alp", metavar="xULN",
                                            help="Alkaline phosphatase as a multiple of the upper limit of normal.")]
Crcl = Annotated[Optional[str], typer.Option("--crcl", metavar="ML_MIN", help="Creatinine clearance in mL/min.")]
Creatinine = Annotated[Optional[str], typer.Option(
    "--creatinine", metavar="VALUE", help="Serum creatinine: '1.1 mg/dL' (a bare number is mg/dL) or '97 umol/L'.")]
