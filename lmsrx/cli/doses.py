"""``lmsrx drug``, ``lmsrx drugs``, ``lmsrx dose`` and ``lmsrx order``: a drug's card and the dose checks."""

from typing import List, Optional

import typer

from lmsrx.cli import params as p
from lmsrx.cli.application import app, batch_format, emit, environment, load_kb, write_batch, write_document
from lmsrx.cli.params import ColorOpt, FailOnOpt, FormatOpt, KbOpt, NoPagerOpt, plain
from lmsrx.errors import UsageError, dose_status


@app.command("drug")
def drug(
    ctx: typer.Context,
    name: str = typer.Argument(..., autocompletion=p.complete("drugs"),
                               help="Generic name, brand or alias (case-insensitive): doxil, pld, yondelis..."),
    fmt: FormatOpt = None, color: ColorOpt = "auto", kb: KbOpt = None, no_pager: NoPagerOpt = False,
) -> None:
    """Names, status, doses, limits, label rules, toxicities, supportive care and evidence of one drug.

    \b
    Examples:
      lmsrx drug ifosfamide
      lmsrx drug doxil --format json
    """
    from lmsrx import api

    env = environment(ctx, kb, no_pager)
    emit(env, api.drug(name, load_kb(env)).view(), plain(fmt), plain(color))
    raise typer.Exit(0)


@app.command("drugs")
def drugs(
    ctx: typer.Context,
    drug_class: Optional[str] = typer.Option(None, "--class", metavar="CLASS", help="Only the members of this class.",
                                             autocompletion=p.complete("classes")),
    status: Optional[p.StatusChoice] = typer.Option(None, "--status", **p.NOCASE, help="Only this status in LMS."),
    fmt: Optional[p.Format] = typer.Option(None, "--format", "-f", **p.NOCASE,
                                           help=p.FORMAT_HELP + " Piped with no --format: one id per line."),
    color: ColorOpt = "auto", kb: KbOpt = None, no_pager: NoPagerOpt = False,
) -> None:
    """List the drugs (one id per line when piped)."""
    from lmsrx.output import drugs as drug_views
    from lmsrx.vocab import did_you_mean

    env = environment(ctx, kb, no_pager)
    base = load_kb(env)
    if drug_class is not None:
        drug_class = drug_class.strip().lower()
        if drug_class not in base.classes:
            raise UsageError(f"unknown class {drug_class!r}{did_you_mean(drug_class, sorted(base.classes))}",
                             hint="the classes: " + ", ".join(sorted(base.classes)))
    status = plain(status)
    items = [d for d in base.drugs.values() if (drug_class is None or drug_class in base.classes_of(d.id))
             and (status is None or d.lms_status == status)]
    emit(env, drug_views.drugs(base, items), plain(fmt), plain(color))
    raise typer.Exit(0)


@app.command("dose")
def dose(
    ctx: typer.Context,
    drug: str = typer.Argument(..., autocompletion=p.complete("drugs"), help="Drug name, brand or alias."),
    bsa: Optional[float] = typer.Option(None, "--bsa", metavar="M2", help="Body surface area in m2 (0.3-3.5)."),
    height: Optional[float] = typer.Option(None, "--height", metavar="CM", help="Height in cm (30-250), with --weight."),
    weight: Optional[float] = typer.Option(None, "--weight", metavar="KG", help="Weight in kg (1-350); also used for mg/kg doses."),
    formula: Optional[p.FormulaChoice] = typer.Option(None, "--formula", **p.NOCASE, help="BSA formula (default mosteller)."),
    planned: Optional[str] = typer.Option(None, "--planned", metavar="QTY",
                                          help="The planned dose with its unit: '14 g/m2', '25 g', '1620 mg', '15 mg/kg', '800 mg'."),
    per: p.PerChoice = typer.Option("administration", "--per", **p.NOCASE,
                                    help="What --planned is: one administration (default), a day's total or a cycle's total."),
    route: Optional[p.RouteChoice] = typer.Option(None, "--route", **p.NOCASE, help="Default: the drug's route on record."),
    over: Optional[float] = typer.Option(None, "--over", metavar="MINUTES",
                                         help="Infusion time of one administration in minutes: checked against the times "
                                              "and rates on record."),
    hepatic: p.Hepatic = None, child_pugh: p.ChildPugh = None, bilirubin: p.Bilirubin = None, ast: p.Ast = None,
    alt: p.Alt = None, alp: p.Alp = None, crcl: p.Crcl = None, creatinine: p.Creatinine = None,
    age: Optional[int] = typer.Option(None, "--age", min=0, max=120, help="Age in years (0-120), for the minimum ages on record."),
    condition: p.Condition = None,
    regimen: Optional[str] = typer.Option(None, "--regimen", metavar="ID", autocompletion=p.complete("regimens"),
                                          help="Check against this regimen's schedule only (no other regimen's dose counts)."),
    variant: Optional[str] = typer.Option(None, "--variant", metavar="ID", help="With --regimen: one of its schedules."),
    cardiac_radiation: Optional[bool] = typer.Option(
        None, "--cardiac-radiation/--no-cardiac-radiation",
        help="Prior radiation to the heart region or other cardiotoxic therapy (applies doxorubicin's 400 mg/m2 ceiling; "
             "prior exposure to another anthracycline given with --cumulative counts too). Not given = unknown."),
    cumulative: Optional[List[str]] = typer.Option(
        None, "--cumulative", metavar="[AGENT=]QTY",
        help="Prior lifetime exposure, repeatable: '300 mg/m2' (this drug), 'epirubicin=300 mg/m2', or 0 if none of any. "
             "Other agents not listed count as none; the drug's own history must be listed (doxorubicin=0)."),
    fail_on: FailOnOpt = "exceeds", fmt: FormatOpt = None, color: ColorOpt = "auto", kb: KbOpt = None,
    no_pager: NoPagerOpt = False,
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
      lmsrx dose gemcitabine --bsa 1.8 --planned "2700 mg/m2" --per cycle --regimen gemcitabine-docetaxel

    Exit codes: 0 ok or warning, 2 usage error, 3 exceeds (or a warning with --fail-on warning).
    """
    from lmsrx import api

    env = environment(ctx, kb, no_pager)
    result = api.dose(drug, planned, bsa=bsa, height=height, weight=weight, formula=plain(formula), per=plain(per),
                      over=over, route=plain(route), hepatic=plain(hepatic), cardiac_radiation=cardiac_radiation,
                      cumulative=cumulative, child_pugh=plain(child_pugh), bilirubin=bilirubin, ast=ast, alt=alt, alp=alp,
                      crcl=crcl, creatinine=creatinine, age=age, condition=plain(condition), regimen=regimen,
                      variant=variant, kb=load_kb(env))
    emit(env, result.view(), plain(fmt), plain(color))
    raise typer.Exit(int(dose_status(result.verdict, plain(fail_on))))


@app.command("order")
def order(
    ctx: typer.Context,
    file: Optional[str] = typer.Argument(None, metavar="[FILE]", help="The order, YAML or JSON ('-' = stdin)."),
    regimen: Optional[str] = typer.Option(None, "--regimen", metavar="ID", autocompletion=p.complete("regimens"),
                                          help="Check the order against this regimen's schedule (as 'regimen:' in the file)."),
    batch: Optional[str] = typer.Option(None, "--batch", metavar="FILE",
                                        help="NDJSON, one order a line ('-' = stdin): one result a line, in order, with the id."),
    fail_on: FailOnOpt = "exceeds", fmt: FormatOpt = None, color: ColorOpt = "auto", kb: KbOpt = None,
    no_pager: NoPagerOpt = False,
) -> None:
    """Verify a whole cycle's order: every line, day and cycle total, the regimen, mesna and the anthracycline total.

    \b
    Examples:
      lmsrx order cycle.yaml
      lmsrx order --batch orders.ndjson --format csv > sheet.csv

    Exit codes: 0 ok or warnings, 2 usage error (a bad order names its line), 3 something exceeds.
    """
    from lmsrx import api, inputs

    env = environment(ctx, kb, no_pager)
    if (file is None) == (batch is None):
        raise UsageError("give one order FILE, or --batch FILE")
    if regimen is not None and batch is not None:
        raise UsageError("--regimen goes with one order FILE; in a batch, each order names its regimen")
    if batch is not None:
        from lmsrx import batch as batch_mod

        fmt = batch_format(plain(fmt))
        raise typer.Exit(write_batch(env, batch_mod.orders(load_kb(env), inputs.byte_lines(batch, env.stdin), plain(fail_on)), fmt))
    name = inputs.shown(file)
    raw = inputs.read_document(inputs.read_text(file, env.stdin), name)
    result = api.order(raw, load_kb(env), name, regimen=regimen)
    emit(env, result.view(), plain(fmt), plain(color))
    raise typer.Exit(int(dose_status(result.verdict, plain(fail_on))))


@app.command("regimen")
def regimen(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="ID", autocompletion=p.complete("regimens"), help="A regimen id ('lmsrx options' lists them)."),
    variant: Optional[str] = typer.Option(None, "--variant", metavar="ID", help="One of the regimen's schedules (default: the first)."),
    bsa: Optional[float] = typer.Option(None, "--bsa", metavar="M2", help="Body surface area in m2 (0.3-3.5)."),
    height: Optional[float] = typer.Option(None, "--height", metavar="CM", help="Height in cm (30-250), with --weight."),
    weight: Optional[float] = typer.Option(None, "--weight", metavar="KG", help="Weight in kg (1-350); also used for mg/kg doses."),
    formula: Optional[p.FormulaChoice] = typer.Option(None, "--formula", **p.NOCASE, help="BSA formula (default mosteller)."),
    cycle: Optional[int] = typer.Option(None, "--cycle", min=1, max=100, help="Which cycle (1-100): picks the phase of a "
                                        "sequential schedule and counts the earlier cycles of the plan."),
    cumulative: Optional[List[str]] = typer.Option(
        None, "--cumulative", metavar="[AGENT=]QTY",
        help="Lifetime anthracycline exposure before this cycle, repeatable, as lmsrx dose takes it ('doxorubicin=150 mg/m2', or 0)."),
    days: Optional[int] = typer.Option(None, "--days", min=1, max=366,
                                       help="For daily dosing with no cycle on record: the number of days to write as an order."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                         help="Write to FILE; a .yaml or .yml FILE gets the cycle as an 'lmsrx order' file."),
    fmt: Optional[p.RegimenFormat] = typer.Option(None, "--format", "-f", **p.NOCASE,
                                                  help=p.FORMAT_HELP + " yaml: the cycle as an 'lmsrx order' file."),
    fail_on: FailOnOpt = "exceeds", color: ColorOpt = "auto", kb: KbOpt = None, no_pager: NoPagerOpt = False,
) -> None:
    """A regimen's card: each drug's dose, days, route and infusion time, totals per cycle and per week, support,
    dose modifications and references; with --bsa (or --height and --weight) the amounts for this patient, and
    with --cumulative the running anthracycline total. -o cycle.yaml writes the cycle as an order that 'lmsrx order'
    verifies.

    \b
    Examples:
      lmsrx regimen gemcitabine-docetaxel
      lmsrx regimen gemcitabine-docetaxel --variant geddis --bsa 1.8 -o cycle.yaml && lmsrx order cycle.yaml
      lmsrx regimen doxorubicin-trabectedin --bsa 1.9 --cycle 3 --cumulative "doxorubicin=120 mg/m2"

    Exit codes: 0 ok, 2 usage error (or a cycle the records leave incomplete asked for as an order), 3 the
    anthracycline total would exceed a limit.
    """
    from lmsrx import api
    from lmsrx.dosing.checks import worst

    env = environment(ctx, kb, no_pager)
    result = api.regimen(name, variant, bsa=bsa, height=height, weight=weight, formula=plain(formula), cycle=cycle,
                         cumulative=cumulative, days=days, kb=load_kb(env))
    view = result.view()
    fmt = plain(fmt)
    as_order = fmt == "yaml" or (output is not None and fmt is None and output.lower().endswith((".yaml", ".yml")))
    if as_order and "yaml" not in view.documents:
        p_ = result.value
        if p_.body is None:
            raise UsageError("give the patient's --bsa (or --height and --weight) to write the cycle as an order")
        why = "; ".join(p_.missing) or "daily dosing with no cycle on record: give --days N"
        raise UsageError(f"{p_.regimen.name}, {p_.variant.name}: not written as an order: {why}")
    if output is not None:
        write_document(env, view, "yaml" if as_order else (fmt or "markdown"), output)
    elif as_order:
        write_document(env, view, "yaml", None)
    else:
        emit(env, view, fmt, plain(color))
    raise typer.Exit(int(dose_status(worst(result.value.checks) if result.value.checks else "ok", plain(fail_on))))
