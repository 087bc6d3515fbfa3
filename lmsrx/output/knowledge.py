"""The views of the knowledge base itself: kb info and kb check."""
from __future__ import annotations

from typing import Any

from lmsrx.output.view import Section, View


def kb_info(kb: Any) -> View:
    meta = kb.meta
    counts = kb.counts()
    from lmsrx.knowledge.files import builtin_files

    extra = kb.files[len(builtin_files()):]  # the built-in files come first (a user's "knowledge/x.yaml" is still extra)
    summary = kb.summary()  # kept with a compiled or cached base: describing it decodes no record
    by_origin, newest = summary["evidence_by_origin"], summary["newest_reference_year"]
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
        "evidence_by_origin": by_origin,
        "evidence_by_year": summary["evidence_by_year"],
        "newest_reference_year": newest,
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
            Section("Evidence by origin", ["origin", "count", "records"],
                    [[k, str(len(v)), ", ".join(v)] for k, v in by_origin.items()],
                    note=f"The newest reference is from {newest}." if newest else None),
            Section("Evidence by year", ["year", "count", "records"],
                    [[y, str(len(v)), ", ".join(v)] for y, v in summary["evidence_by_year"].items()],
                    note="The year of a record is the newest year among the references it cites."),
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
