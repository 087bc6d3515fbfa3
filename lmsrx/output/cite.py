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
    if _where(ref):
        parts.append(_where(ref))
    ids = _identifiers(ref, full=False)
    if ids:
        parts.append(", ".join(ids))
    if ref.verified != "yes":
        parts.append(f"[verified: {ref.verified}]")
    return ". ".join(p.rstrip(".") for p in parts if p) or ref.id


def _where(ref: Any) -> str:
    return " ".join(x for x in (ref.journal or ref.publisher, _year_vol(ref)) if x)


def _identifiers(ref: Any, full: bool) -> list[str]:
    """PMID, DOI, trial numbers, date and where seen: compact for answers, spelled out for documents."""
    ids = []
    if ref.pmid:
        ids.append(f"PMID: {ref.pmid}" if full else f"PMID {ref.pmid}")
    if ref.doi:
        ids.append(f"doi: {ref.doi}" if full else f"doi:{ref.doi}")
    if full and ref.nct:
        ids.append(", ".join(ref.nct))
    if ref.date:
        review = ref.kind == "review"
        ids.append((("Updated " if review else "Dated ") if full else ("updated " if review else "")) + ref.date)
    if ref.seen_at and (full or not (ref.pmid or ref.doi)):
        ids.append(("Seen at: " if full else "seen at ") + ref.seen_at)
    return ids


def _year_vol(ref: Any) -> str:
    if ref.year and ref.volume_pages:
        return f"{ref.year};{ref.volume_pages}"
    return str(ref.year) if ref.year else ""


def cites(kb: Any, ids: tuple[str, ...]) -> str:
    return "; ".join(short(kb.references[i]) for i in ids)


# ------------------------------------------------------------------ full citations for tumour boards and reference managers
import re as _re

_VOL = r"\s*(?P<volume>[0-9]+)(?:\((?P<issue>[^)]+)\))?\s*(?:Suppl\s*(?P<suppl>[0-9]+))?\s*:\s*(?P<pages>[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)\s*"  # compiled (and cached) by re on first use
CITE_FORMATS = ("text", "bibtex", "ris", "csl-json")


def volume_parts(ref: Any) -> dict[str, str]:
    if not ref.volume_pages:
        return {}
    m = _re.fullmatch(_VOL, ref.volume_pages)
    if not m:
        return {"note": ref.volume_pages}
    parts = {k: v for k, v in m.groupdict().items() if v}
    start, _, end = parts["pages"].partition("-")
    if end.isdigit() and start.isdigit() and len(end) < len(start):
        parts["pages"] = f"{start}-{start[:len(start) - len(end)]}{end}"  # 1879-86 -> 1879-1886
    if "suppl" in parts:
        parts["issue"] = "Suppl " + parts.pop("suppl")
    return parts


def full_text(ref: Any, linked: bool = False) -> str:
    """A reference as one line for a tumour-board document (only the fields that were seen); ``linked``: the PMID
    and DOI are left to the links printed beside it (never twice)."""
    bits = []
    authors, editors, incomplete = people(ref)
    if authors:
        bits.append(", ".join(authors) + (", et al" if incomplete else ""))
    bits.append((ref.title or NO_TITLE).rstrip("."))
    if editors:
        bits.append(f"{', '.join(editors)}, editor{'s' if len(editors) > 1 else ''}")
    if _where(ref):
        bits.append(_where(ref))
    bits += [i for i in _identifiers(ref, full=True) if not (linked and i.startswith(("PMID: ", "doi: ")))]
    text = ". ".join(bits) + "."
    if ref.verified != "yes":
        text += f" [Record verified: {ref.verified}; fields not seen are left out.]"
    if ref.note:
        text += f" Note: {ref.note}"
    return text


NO_TITLE = "[title not verified]"


def people(ref: Any) -> tuple[list[str], list[str], bool]:
    """(authors, editors, incomplete): an "X (editor)" entry is an editor, "et al." says the list is incomplete."""
    authors, editors, incomplete = [], [], False
    for a in ref.authors:
        if "et al" in a:
            incomplete = True
            a = a.replace("et al.", "").replace("et al", "").strip(" ,")
            if not a:
                continue
        if a.endswith("(editor)"):
            editors.append(a[: -len("(editor)")].strip())
        else:
            authors.append(a)
    return authors, editors, incomplete


def _split_name(name: str) -> tuple[str, str]:
    """'van der Graaf WT' -> ('van der Graaf', 'W. T.'): the family name, and each initial kept as its own given name
    (a reference manager reads 'WT' as one name and keeps only its first letter)."""
    family, _, initials = name.rpartition(" ")
    if family and initials.isupper() and initials.isalpha() and len(initials) <= 4:
        return family, " ".join(f"{c}." for c in initials)
    return (family, initials) if family else (name, "")


def _bib_name(name: str) -> str:
    """'van der Graaf WT' -> 'van der Graaf, W. T.': BibTeX then knows the family name from the initials."""
    family, given = _split_name(name)
    return f"{family}, {given}" if given else name


def _bib_escape(s: str) -> str:
    return s.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}").replace("&", "\\&").replace("%", "\\%")


def bibtex(ref: Any) -> str:
    kind = "article" if ref.kind == "article" and ref.journal else "misc"
    fields: list[tuple[str, str]] = []
    authors, editors, incomplete = people(ref)
    if authors:
        fields.append(("author", " and ".join(map(_bib_name, authors)) + (" and others" if incomplete else "")))
    if editors:
        fields.append(("editor", " and ".join(map(_bib_name, editors))))
    for name, value in (("title", ref.title or NO_TITLE), ("journal" if kind == "article" else "howpublished", ref.journal or ref.publisher),
                        ("year", str(ref.year) if ref.year else None)):
        if value:
            fields.append((name, value))
    vp = volume_parts(ref)
    for name in ("volume", "issue", "pages", "note"):
        if vp.get(name):
            fields.append(("number" if name == "issue" else name, vp[name].replace("-", "--") if name == "pages" else vp[name]))
    if ref.doi:
        fields.append(("doi", ref.doi))
    if ref.pmid:
        fields.append(("pmid", str(ref.pmid)))
    notes = [f"verified: {ref.verified}"] + ([f"seen at {ref.seen_at}"] if ref.seen_at else []) + ([ref.date] if ref.date else [])
    fields.append(("annote", "; ".join(notes)))
    body = ",\n".join(f"  {k} = {{{_bib_escape(v)}}}" for k, v in fields)
    return f"@{kind}{{{ref.id},\n{body}\n}}"


def ris(ref: Any) -> str:
    lines = [f"TY  - {'JOUR' if ref.kind == 'article' and ref.journal else 'GEN'}", f"ID  - {ref.id}"]
    authors, editors, incomplete = people(ref)
    lines += [f"AU  - {a}" for a in authors]
    lines += [f"ED  - {a}" for a in editors]
    lines.append(f"TI  - {ref.title or NO_TITLE}")
    if ref.journal:
        lines.append(f"JO  - {ref.journal}")
    if ref.publisher:
        lines.append(f"PB  - {ref.publisher}")
    if ref.year:
        lines.append(f"PY  - {ref.year}")
    vp = volume_parts(ref)
    if vp.get("volume"):
        lines.append(f"VL  - {vp['volume']}")
    if vp.get("issue"):
        lines.append(f"IS  - {vp['issue']}")
    if vp.get("pages"):
        start, _, end = vp["pages"].partition("-")
        lines.append(f"SP  - {start}")
        if end:
            lines.append(f"EP  - {end}")
    if ref.doi:
        lines.append(f"DO  - {ref.doi}")
    if ref.pmid:
        lines.append(f"AN  - PMID:{ref.pmid}")
    if ref.date:
        lines.append(f"DA  - {ref.date}")
    lines.append(f"N1  - verified: {ref.verified}" + ("; the author list is incomplete (et al.)" if incomplete else "")
                 + (f"; seen at {ref.seen_at}" if ref.seen_at else "") + (f"; {ref.note}" if ref.note else ""))
    lines.append("ER  - ")
    return "\n".join(lines)


def csl(ref: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"id": ref.id, "type": "article-journal" if ref.kind == "article" and ref.journal else "document"}
    item["title"] = ref.title or NO_TITLE
    authors, editors, incomplete = people(ref)

    def name(a: str) -> dict[str, str]:
        family, given = _split_name(a)
        return {"family": family, "given": given}

    if authors:  # "et al." is not an author: the note says the list is incomplete
        item["author"] = [name(a) for a in authors]
    if editors:
        item["editor"] = [name(a) for a in editors]
    if ref.journal:
        item["container-title"] = ref.journal
    if ref.publisher:
        item["publisher"] = ref.publisher
    if ref.date:
        item["issued"] = {"date-parts": [[int(x) for x in ref.date.split("-")]]}
    elif ref.year:
        item["issued"] = {"date-parts": [[ref.year]]}
    vp = volume_parts(ref)
    for src, dst in (("volume", "volume"), ("issue", "issue"), ("pages", "page")):
        if vp.get(src):
            item[dst] = vp[src]
    if ref.doi:
        item["DOI"] = ref.doi
    if ref.pmid:
        item["PMID"] = str(ref.pmid)
    item["note"] = f"verified: {ref.verified}" + ("; the author list is incomplete (et al.: others not seen)" if incomplete else "") \
        + (f"; seen at {ref.seen_at}" if ref.seen_at else "")
    return item
