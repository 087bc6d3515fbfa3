"""Turn core results into :class:`~lmsrx.render.View` objects (JSON document, flat rows, human layout).

No formatting decisions beyond choosing fields: :mod:`lmsrx.render` does the printing.
"""
from __future__ import annotations

from typing import Any

from lmsrx.render import Section, View


def kb_info(kb: Any) -> View:
    meta = kb.meta
    counts = kb.counts()
    extra = [f for f in kb.files if not f.startswith("knowledge/")]
    data = {
        "name": meta.name,
        "version": meta.version,
        "review_date": meta.review_date,
        "sha256": kb.sha256,
        "counts": counts,
        "files": kb.files,
        "extra_files": extra,
        "sources": list(meta.sources),
        "summary": meta.summary,
    }
    rows = [{"key": k, "value": v} for k, v in (
        ("name", meta.name), ("version", meta.version), ("review_date", meta.review_date),
        ("sha256", kb.sha256), *((f"count_{k}", n) for k, n in counts.items()),
        ("extra_files", extra),
    )]
    return View(
        title=f"{meta.name} {meta.version} (reviewed {meta.review_date})",
        data=data,
        rows=rows,
        lines=[meta.summary],
        sections=[
            Section("Contents", ["records", "count"], [[k, str(n)] for k, n in counts.items()]),
            Section("Sources", ["source"], [[s] for s in meta.sources]),
            Section("Files", ["file"], [[f] for f in kb.files]),
        ],
        footer=[f"sha256 {kb.sha256}"],
    )


def kb_check(kb: Any) -> View:
    counts = kb.counts()
    text = ", ".join(f"{n} {k}" for k, n in counts.items())
    data = {"ok": True, "version": kb.meta.version, "sha256": kb.sha256, "counts": counts, "files": kb.files}
    return View(
        title=f"knowledge base OK: {text}",
        data=data,
        rows=[{"ok": True, "version": kb.meta.version, "sha256": kb.sha256, **counts}],
        lines=[f"{len(kb.files)} files checked; sha256 {kb.sha256}"],
    )
