"""``lmsrx trial``, ``lmsrx trials``, ``lmsrx search`` and ``lmsrx cite``: the evidence and its references."""

from typing import List, Optional

import typer

from lmsrx.cli import params as p
from lmsrx.cli.application import app, emit, environment, load_kb, terminal
from lmsrx.cli.params import ColorOpt, FormatOpt, KbOpt, NoPagerOpt, plain
from lmsrx.errors import UsageError


@app.command("trial")
def trial(
    ctx: typer.Context,
    trial_id: str = typer.Argument(..., metavar="ID", help="Evidence id, e.g. palette.", autocompletion=p.complete("evidence")),
    plot: bool = typer.Option(False, "--plot", help="Draw the arms' median PFS/OS as bars."),
    fmt: FormatOpt = None, color: ColorOpt = "auto", kb: KbOpt = None, no_pager: NoPagerOpt = False,
) -> None:
    """A trial card: design, N, arms, end points with figures and CIs, the source beside the publication, citations.

    \b
    Examples:
      lmsrx trial trabectedin-vs-dacarbazine --plot
      lmsrx trial palette --format json
    """
    from lmsrx import api

    env = environment(ctx, kb, no_pager)
    width = terminal(env, plain(color)).width
    emit(env, api.trial(trial_id, load_kb(env), plot, width).view(), plain(fmt), plain(color))
    raise typer.Exit(0)


@app.command("trials")
def trials(
    ctx: typer.Context,
    drug: Optional[str] = typer.Option(None, "--drug", help="Only evidence about this drug.", autocompletion=p.complete("drugs")),
    setting: Optional[p.SettingChoice] = typer.Option(None, "--setting", **p.NOCASE),
    grade: Optional[str] = typer.Option(None, "--grade", metavar="LEVEL", autocompletion=p.complete("grades"),
                                        help="Only studies graded LEVEL (an NCI PDQ level of evidence, e.g. A1)."),
    plot: bool = typer.Option(False, "--plot", help="Draw each listed trial's median PFS/OS by arm as bars."),
    fmt: Optional[p.Format] = typer.Option(None, "--format", "-f", **p.NOCASE,
                                           help=p.FORMAT_HELP + " Piped with no --format: one id per line."),
    color: ColorOpt = "auto", kb: KbOpt = None, no_pager: NoPagerOpt = False,
) -> None:
    """List the evidence records (trials, analyses, guideline and review statements).

    \b
    Examples:
      lmsrx trials --drug trabectedin
      lmsrx trials --grade A1
    """
    from lmsrx.knowledge.search import evidence_where
    from lmsrx.output import evidence as evidence_views

    env = environment(ctx, kb, no_pager)
    base = load_kb(env)
    drug_id = base.lookup("drugs", drug, "drug").id if drug else None
    items = evidence_where(base, drug_id, plain(setting), grade)
    emit(env, evidence_views.trials(base, items, plot, terminal(env, plain(color)).width), plain(fmt), plain(color))
    raise typer.Exit(0)


@app.command("search")
def search(
    ctx: typer.Context,
    text: List[str] = typer.Argument(..., help="Words to find (every word must match; prefixes count)."),
    limit: int = typer.Option(20, "--limit", min=1, max=200, help="At most this many results."),
    fmt: FormatOpt = None, color: ColorOpt = "auto", kb: KbOpt = None, no_pager: NoPagerOpt = False,
) -> None:
    """Ranked full-text search over drugs, regimens and evidence.

    \b
    Example:
      lmsrx search hepatotoxicity
    """
    from lmsrx.knowledge import search as kb_search
    from lmsrx.output import evidence as evidence_views

    env = environment(ctx, kb, no_pager)
    query = " ".join(text)
    if not query.strip():
        raise UsageError("give words to search for, e.g. lmsrx search hepatotoxicity")
    if len(query) > 500:
        raise UsageError("search text is limited to 500 characters")
    base = load_kb(env)
    emit(env, evidence_views.search(kb_search.search(base, query, limit), query), plain(fmt), plain(color))
    raise typer.Exit(0)


@app.command("cite")
def cite(
    ctx: typer.Context,
    ref_id: Optional[str] = typer.Argument(None, metavar="[ID]", autocompletion=p.complete("references"),
                                           help="A reference id, or a drug, regimen or evidence id (cites its references)."),
    every: bool = typer.Option(False, "--all", help="Every reference of the knowledge base (with --kb files, theirs too)."),
    fmt: p.CiteFormat = typer.Option("text", "--format", "-f", **p.NOCASE, help="Citation format."),
    kb: KbOpt = None, no_pager: NoPagerOpt = False,
) -> None:
    """A reference ready for a tumour-board document or a reference manager.

    \b
    Examples:
      lmsrx cite demetri-2016-trabectedin --format bibtex
      lmsrx cite palette --format ris
      lmsrx cite --all --format bibtex > lmsrx.bib
    """
    from lmsrx.output import evidence as evidence_views

    env = environment(ctx, kb, no_pager)
    if every == (ref_id is not None):
        raise UsageError("give one ID, or --all")
    base = load_kb(env)
    key = (ref_id or "").strip().lower()
    if every:
        refs = sorted(base.references)
    elif key in base.references:
        refs = [key]
    else:
        record = base.evidence.get(key) or base.regimens.get(key) or base.find_drug(key)
        if record is None:
            base.lookup("references", key, "reference")
        refs = list(record.cite)
    emit(env, evidence_views.citations(base, refs), plain(fmt), "never")
    raise typer.Exit(0)
