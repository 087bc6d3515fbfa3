"""Ranked full-text search over drugs, regimens and evidence. Pure."""
from __future__ import annotations

import re
from typing import Any

from lmsrx import records
from lmsrx.records import record

_WORD = r"[a-z0-9]+(?:[-/.][a-z0-9]+)*"
WEIGHTS = {"id": 4.0, "name": 4.0, "title": 4.0, "brands": 4.0, "aliases": 4.0, "summary": 1.5}


@record(frozen=True)
class Hit:
    kind: str
    id: str
    title: str
    score: float
    snippet: str


def words(text: str) -> list[str]:
    return re.findall(_WORD, text.lower())


def _texts(obj: Any) -> list[str]:
    """Every string inside a record (nested records and lists included)."""
    out: list[str] = []
    if isinstance(obj, str):
        out.append(obj)
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            out += _texts(x)
    elif records.is_record(obj):
        for f in records.fields(obj):
            if f.name != "cite":
                out += _texts(getattr(obj, f.name))
    elif obj is not None and not isinstance(obj, (bool, int, float)):
        out.append(str(obj))
    return out


def search(kb: Any, query: str, limit: int = 20) -> list[Hit]:
    terms = words(query)
    if not terms:
        return []
    hits = []
    for kind in ("drugs", "regimens", "evidence"):
        for rid, rec in getattr(kb, kind).items():
            fields = {"id": rid, "name": getattr(rec, "name", "") or "", "title": getattr(rec, "title", "") or "",
                      "brands": " ".join(getattr(rec, "brands", ()) or ()), "aliases": " ".join(getattr(rec, "aliases", ()) or ()),
                      "summary": rec.summary}
            body = " ".join(_texts(rec))
            score = 0.0
            for term in terms:
                found = False
                for name, text in fields.items():
                    n = sum(1 for w in words(text) if w.startswith(term))
                    if n:
                        score += WEIGHTS[name] * n
                        found = True
                n = sum(1 for w in words(body) if w.startswith(term))
                if n:
                    score += 0.5 * n
                    found = True
                if not found:
                    score = 0.0
                    break
            if score > 0:
                title = getattr(rec, "title", None) or getattr(rec, "name", rid)
                hits.append(Hit(kind[:-1] if kind != "evidence" else "evidence", rid, title, round(score, 2), _snippet(body, terms)))
    hits.sort(key=lambda h: (-h.score, h.kind, h.id))
    return hits[:limit]


def _snippet(text: str, terms: list[str], width: int = 110) -> str:
    low = text.lower()
    pos = min((p for t in terms if (p := low.find(t)) >= 0), default=0)
    start = max(0, pos - 30)
    snip = text[start:start + width].replace("\n", " ")
    return ("..." if start else "") + snip + ("..." if start + width < len(text) else "")


def evidence_where(kb: Any, drug: str | None = None, setting: str | None = None, grade: str | None = None) -> list[Any]:
    """The evidence records about ``drug`` (an id), in ``setting``, graded ``grade`` (a level printed beside the study,
    e.g. ``A1``; any system), in the base's order. A level not written as PDQ writes them is a usage error."""
    from lmsrx.errors import UsageError
    from lmsrx.knowledge.types import is_level

    level = None
    if grade is not None:
        level = grade.strip().upper()
        if not is_level(level):
            shown = ", ".join(sorted({g.level for ev in kb.evidence.values() for g in ev.grades}))
            raise UsageError(f"--grade takes a level of evidence such as A1 (levels on record: {shown})")
    return [e for e in kb.evidence.values()
            if (drug is None or drug in e.drugs) and (setting is None or setting in e.settings)
            and (level is None or any(g.level == level for g in e.grades))]
