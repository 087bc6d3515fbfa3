"""Citations from reference records: short (for answers) and full. Pure."""
from __future__ import annotations

from typing import Any


def short(ref: Any) -> str:
    """``Demetri GD et al. J Clin Oncol 2016;34(8):786-93. PMID 26371143`` (only fields that were seen)."""
    parts = []
    authors = [a for a in ref.authors if "(editor)" not in a]
    if authors:
        first = authors[0]
        parts.append(f"{first} et al." if len(authors) > 1 or "et al" in first else first)
    if ref.title and (not authors or ref.kind != "article"):
        parts.append(ref.title if len(ref.title) <= 90 else ref.title[:87].rstrip() + "...")
    if not parts:
        parts.append(f"{ref.topic or ref.id} (full citation not seen)")
    where = " ".join(x for x in (ref.journal or ref.publisher, _year_vol(ref)) if x)
    if where:
        parts.append(where)
    ids = []
    if ref.pmid:
        ids.append(f"PMID {ref.pmid}")
    if ref.doi:
        ids.append(f"doi:{ref.doi}")
    if ref.date:
        ids.append(("updated " if ref.kind == "review" else "") + ref.date)
    if ref.seen_at and not (ref.pmid or ref.doi):
        ids.append(f"seen at {ref.seen_at}")
    if ids:
        parts.append(", ".join(ids))
    if ref.verified != "yes":
        parts.append(f"[verified: {ref.verified}]")
    return ". ".join(p.rstrip(".") for p in parts if p) or ref.id


def _year_vol(ref: Any) -> str:
    if ref.year and ref.volume_pages:
        return f"{ref.year};{ref.volume_pages}"
    return str(ref.year) if ref.year else ""


def cites(kb: Any, ids: tuple[str, ...]) -> str:
    return "; ".join(short(kb.references[i]) for i in ids)
