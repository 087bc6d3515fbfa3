"""``lmsrx kb check`` and ``lmsrx kb info``."""

from typing import List, Optional

import typer

from lmsrx.cli.application import emit, environment, kb_app, load_kb
from lmsrx.cli.params import ColorOpt, FormatOpt, KbOpt, NoPagerOpt, plain


@kb_app.command("check")
def kb_check(
    ctx: typer.Context,
    paths: Optional[List[str]] = typer.Argument(None, metavar="[PATH]...",
                                                help="Extra knowledge files or folders to validate with the built-in base."),
    fmt: FormatOpt = None, color: ColorOpt = "auto", kb: KbOpt = None, no_pager: NoPagerOpt = False,
) -> None:
    """Validate the built-in knowledge base plus extra files; exit 4 listing every problem as file:line."""
    from lmsrx.knowledge import load as loader
    from lmsrx.output import knowledge as kb_views

    env = environment(ctx, kb, no_pager)
    emit(env, kb_views.kb_check(loader.load([*env.extra_kb, *(paths or [])], compiled=False)), plain(fmt), plain(color))
    raise typer.Exit(0)


@kb_app.command("info")
def kb_info(ctx: typer.Context, fmt: FormatOpt = None, color: ColorOpt = "auto", kb: KbOpt = None,
            no_pager: NoPagerOpt = False) -> None:
    """Version, review date, record counts, sha256 of the content, and sources."""
    from lmsrx.output import knowledge as kb_views

    env = environment(ctx, kb, no_pager)
    emit(env, kb_views.kb_info(load_kb(env)), plain(fmt), plain(color))
    raise typer.Exit(0)
