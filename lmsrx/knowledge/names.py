"""Names for tab completion: the ids, brands and aliases of the built-in base (from its artefact, so cheap)."""
from __future__ import annotations

from lmsrx.knowledge.load import load


def quick_names(kind: str) -> list[str]:
    """Ids of one kind (for drugs, also brands and aliases, lower-case) of the built-in base, for tab completion."""
    base = load()
    if kind == "drugs":
        return base.drug_names()
    return sorted(getattr(base, kind))


def completions(kind: str, incomplete: str, extra: tuple[str, ...] = (), classes: bool = False) -> list[str]:
    """The names of one kind (plus the class ids, with ``classes``, and ``extra`` words) that complete
    ``incomplete``, sorted. Names with a space are left out, since the shell would insert them unquoted (each
    such drug also has an id or alias without one). Never raises: a completion must not fail loudly."""
    try:
        names = {*quick_names(kind), *extra, *(quick_names("classes") if classes else ())}
    except Exception:  # noqa: BLE001
        return []
    return sorted(n for n in names if " " not in n and n.startswith(incomplete.lower()))
