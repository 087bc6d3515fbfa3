"""Names for tab completion: the ids, brands and aliases of the built-in base, read from the artefact's first part
(plain lists: nothing else of the knowledge base is imported or decoded to complete a word)."""
from __future__ import annotations

from typing import Any

from lmsrx.knowledge import artefact
from lmsrx.knowledge.files import builtin_stamp


def table(kb: Any) -> dict[str, list[str]]:
    """Every name a completion may offer, by kind (drugs: ids, names, brands and aliases, lower-case)."""
    return {"drugs": kb.drug_names(), **{kind: sorted(getattr(kb, kind)) for kind in
                                          ("classes", "evidence", "references", "regimens", "rules")},
            "grades": sorted({g.level for ev in kb.evidence.values() for g in ev.grades})}


def quick_names(kind: str) -> list[str]:
    """The names of one kind of the built-in base."""
    names = artefact.read_names(builtin_stamp())
    if names is None or kind not in names:
        from lmsrx.knowledge.load import load

        names = table(load())
    return names[kind]


def completions(kind: str, incomplete: str, extra: tuple[str, ...] = (), classes: bool = False) -> list[str]:
    """The names of one kind (plus the class ids, with ``classes``, and ``extra`` words) that complete
    ``incomplete``, sorted. Names with a space are left out, since the shell would insert them unquoted (each
    such drug also has an id or alias without one). Never raises: a completion must not fail loudly."""
    try:
        names = {*quick_names(kind), *extra, *(quick_names("classes") if classes else ())}
    except Exception:  # noqa: BLE001
        return []
    # matched whatever the case typed, and given back in that case (the shell keeps only words that start with
    # what was typed; every name lmsrx takes is read case-insensitively)
    return sorted(incomplete + n[len(incomplete):] for n in names
                  if " " not in n and n.lower().startswith(incomplete.lower()))
