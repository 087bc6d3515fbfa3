"""Validate knowledge files: the built-in YAML plus any extra files or folders, strictly.

Two passes: the first reads every file and collects ids (so references can be checked wherever they point); the second builds typed records. Every problem in every file is collected and raised together as one KnowledgeError."""
from __future__ import annotations

from typing import Any

from lmsrx.errors import KnowledgeError, Problem, UsageError
from lmsrx.knowledge import model, schema
from lmsrx.knowledge.base import KnowledgeBase
from lmsrx.knowledge.files import BUILTIN_PREFIX, builtin_files
from lmsrx.knowledge.yamlsafe import MAX_BYTES, LDict, load_yaml
from lmsrx.records import replace as replace_fields
from lmsrx.text import clean

TOP_KEYS = ("knowledge", *model.KINDS)
MAX_FILES = 500
MAX_FOLDER_DEPTH = 32


def expand_paths(paths: list[str]) -> list[tuple[str, str]]:
    """Extra files as given, folders as their .yaml/.yml files in any case (sorted). Nothing is skipped
    silently: an unreadable folder, a symbolic link to a folder or a non-regular file is an error."""
    import os
    import stat
    from pathlib import Path


    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for raw in paths:
        if not isinstance(raw, str) or not raw.strip():
            raise UsageError("an empty --kb path: name a knowledge file or folder")
        shown = clean(raw)
        p = str(Path(raw))
        where = os.path.realpath(p)
        if where in seen:
            continue  # the same file or folder given twice is loaded once
        seen.add(where)
        try:
            mode = os.stat(p).st_mode
        except OSError as exc:
            raise UsageError(f"no such knowledge file or folder: {shown} ({exc.strerror or exc})") from None
        if stat.S_ISDIR(mode):
            found: list[str] = []
            problems: list[str] = []

            def refuse(exc: OSError) -> None:
                problems.append(f"{clean(exc.filename)}: {exc.strerror or exc}")

            try:
                for top, dirs, files in os.walk(p, onerror=refuse, followlinks=False):
                    if top.count(os.sep) - p.count(os.sep) > MAX_FOLDER_DEPTH:
                        raise UsageError(f"knowledge folder {shown} is nested deeper than {MAX_FOLDER_DEPTH} levels")
                    for d in dirs:
                        if os.path.islink(os.path.join(top, d)):
                            problems.append(f"{clean(os.path.join(top, d))}: a symbolic link to a folder is not followed")
                    for f in files:
                        if f.lower().endswith((".yaml", ".yml")):
                            q = str(Path(top, f))
                            if not os.path.isfile(q):
                                problems.append(f"{clean(q)}: not a regular file")
                            else:
                                found.append(q)
                    if len(found) > MAX_FILES:
                        break
            except RecursionError:
                raise UsageError(f"knowledge folder {shown} is nested too deep") from None
            if problems:
                raise UsageError("cannot use knowledge folder " + shown + ": " + "; ".join(problems[:5]))
            if not found:
                raise UsageError(f"no .yaml or .yml files in folder {shown}")
            out.extend((q, q) for q in sorted(found, key=lambda q: Path(q).parts))
        elif stat.S_ISREG(mode):
            out.append((p, p))
        else:
            raise UsageError(f"knowledge path {shown} is not a regular file or folder (a pipe or device?)")
    if len(out) > MAX_FILES:
        raise UsageError(f"{len(out)} or more knowledge files given; the limit is {MAX_FILES}")
    return out


def _read(path: Any, shown: str, problems: list[Problem]) -> bytes | None:
    """Read a file once; a file whose size or modification time changes while it is read is refused."""
    try:
        import os

        if not isinstance(path, str):  # a resource of an unusual install: read as it is
            return path.read_bytes()
        with open(path, "rb") as handle:
            before = os.fstat(handle.fileno())
            if before.st_size > MAX_BYTES:
                problems.append(Problem(shown, 1, f"file is larger than {MAX_BYTES} bytes"))
                return None
            data = _read_all(handle)
            after = os.fstat(handle.fileno())
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or len(data) != after.st_size:
            problems.append(Problem(shown, 1, "the file changed while it was read; load it again"))
            return None
        return data
    except OSError as exc:
        problems.append(Problem(shown, 1, f"cannot read: {exc.strerror or exc}"))
        return None


def _read_all(handle: Any) -> bytes:
    return handle.read()


def assemble(extra: list[str] | tuple[str, ...]) -> KnowledgeBase:
    sources = [(name, path, True) for name, path in builtin_files()]
    sources += [(name, path, False) for name, path in expand_paths(list(extra))]
    problems: list[Problem] = []
    read: list[tuple[str, bytes, bool]] = []
    for shown, path, builtin in sources:
        data = _read(path, shown, problems)
        if data is not None:
            read.append((shown, data, builtin))
    return _load(read, problems, _digest(read), [s[0] for s in sources])


def _digest(read: list[tuple[str, bytes, bool]]) -> str:
    """The base's content identity: sha256 over each file's short name and bytes, framed."""
    import hashlib

    digest = hashlib.sha256()
    for shown, data, _ in read:
        digest.update(shown.removeprefix(BUILTIN_PREFIX).encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def _load(read: list[tuple[str, bytes, bool]], problems: list[Problem], sha256: str, files: list[str]) -> KnowledgeBase:
    """Parse and validate files already read (``problems`` holds what reading found)."""

    parsed: list[tuple[str, LDict, bool]] = []
    for shown, data, builtin in read:
        value, found = load_yaml(data, shown)
        problems += found
        if value is None and not found:
            problems.append(Problem(shown, 1, "empty file"))
        elif value is not None and not isinstance(value, LDict):
            problems.append(Problem(shown, 1, f"the top level must be a mapping with keys: {', '.join(TOP_KEYS)}"))
        elif value is not None:
            parsed.append((shown, value, builtin))

    entries, extenders = _collect(parsed, problems)
    ids = {kind: {i for (k, i) in entries if k == kind} for kind in model.KINDS}
    extensions: list[tuple[str, int, Any]] = []
    built: dict[str, dict[str, Any]] = {kind: {} for kind in model.KINDS}
    origin: dict[tuple[str, str], str] = {}
    meta = None
    for shown, top, builtin in parsed:
        ctx = schema.Context(shown, ids, problems)
        if "knowledge" in top:
            if not builtin:
                ctx.report(top.key_lines["knowledge"], "only the built-in base may declare 'knowledge' (its version)")
            else:
                meta = schema.convert_record(model.Meta, top["knowledge"], ctx, "knowledge", top.key_lines["knowledge"])
        for kind, cls in model.KINDS.items():
            section = top.get(kind)
            if not isinstance(section, LDict):
                continue
            for rid, raw in section.items():
                where = (shown, section.key_lines[rid])
                extending = where in extenders
                if entries.get((kind, rid), (None,))[0] != where and not extending:
                    continue  # a replaced or duplicate entry, already reported
                rec = schema.convert_record(cls, raw, ctx, f"{kind}.{rid}", section.key_lines[rid], record_id=rid)
                if rec is not schema.INVALID and extending:
                    extensions.append((shown, section.key_lines[rid], rec))
                elif rec is not schema.INVALID:
                    built[kind][rid] = rec
                    origin[(kind, rid)] = "built-in" if builtin else shown
    if meta is None or meta is schema.INVALID:
        if not any(p.path == BUILTIN_PREFIX + "kb.yaml" for p in problems):
            problems.append(Problem(BUILTIN_PREFIX + "kb.yaml", 1, "the built-in base must declare 'knowledge' (name, version, review_date)"))
    _extend(built, extensions, problems)
    _integrity(built, entries, problems)
    _schedules(built, entries, problems)
    if problems:
        raise KnowledgeError(problems)
    assert isinstance(meta, model.Meta)
    return KnowledgeBase(
        meta=meta, sha256=sha256, files=files, origin=origin,
        **{kind: dict(sorted(built[kind].items())) for kind in model.KINDS},
    )


def _collect(parsed: list[tuple[str, LDict, bool]],
             problems: list[Problem]) -> tuple[dict[tuple[str, str], tuple[tuple[str, int], bool]], set[tuple[str, int]]]:
    """First pass: who defines which id (extras may only replace a built-in entry on purpose), and where a
    class is extended (``extend: true``: members, criteria or cautions added to a class declared elsewhere)."""

    entries: dict[tuple[str, str], tuple[tuple[str, int], bool]] = {}
    extenders: set[tuple[str, int]] = set()
    for shown, top, builtin in parsed:
        for k in top:
            if k not in TOP_KEYS:
                problems.append(Problem(shown, top.key_lines[k], f"unknown top-level key {k!r}; expected one of: {', '.join(TOP_KEYS)}"))
        for kind in model.KINDS:
            section = top.get(kind)
            if section is None:
                continue
            if not isinstance(section, LDict):
                problems.append(Problem(shown, top.key_lines[kind], f"{kind}: expected a mapping of id to entry"))
                continue
            for rid, raw in section.items():
                line = section.key_lines[rid]
                replace = isinstance(raw, LDict) and raw.get("replace") is True
                if kind == "classes" and isinstance(raw, LDict) and raw.get("extend") is True:
                    extenders.add((shown, line))
                    continue
                prior = entries.get((kind, rid))
                if prior is None:
                    if replace:
                        problems.append(Problem(shown, line, f"{kind}.{rid}: 'replace: true' but there is no built-in entry {rid!r} to replace"))
                    entries[(kind, rid)] = ((shown, line), builtin)
                    continue
                (pfile, pline), pbuiltin = prior
                if pbuiltin and not builtin and replace:
                    entries[(kind, rid)] = ((shown, line), builtin)
                elif pbuiltin and not builtin:
                    problems.append(Problem(shown, line, f"{kind}.{rid} already exists in the built-in base ({pfile}:{pline}); "
                                                         "to replace it on purpose, add 'replace: true' to this entry"))
                else:
                    problems.append(Problem(shown, line, f"{kind}.{rid}: duplicate id (first at {pfile}:{pline})"))
    return entries, extenders


def _extend(built: dict[str, dict[str, Any]], extensions: list[tuple[str, int, Any]], problems: list[Problem]) -> None:
    """Add each ``extend: true`` class entry's members, criteria and cautions to the class it names."""

    for shown, line, ext in extensions:
        cls = built["classes"].get(ext.id)
        if cls is None:
            problems.append(Problem(shown, line, f"classes.{ext.id}: 'extend: true' but no class {ext.id!r} is declared"))
            continue
        have = {m.drug for m in cls.members}
        twice = [m.drug for m in ext.members if m.drug in have]
        if twice:
            problems.append(Problem(shown, line, f"classes.{ext.id}: {', '.join(twice)} already in the class"))
            continue
        built["classes"][ext.id] = replace_fields(cls, members=cls.members + ext.members, criteria=cls.criteria + ext.criteria,
                                           cautions=cls.cautions + ext.cautions)


def _integrity(built: dict[str, dict[str, Any]], entries: dict[tuple[str, str], Any], problems: list[Problem]) -> None:
    """Checks that span records: one drug name for one drug."""
    seen: dict[str, str] = {}
    # built-in drugs first, so that a clash is blamed on the extra file that brought it
    for rid, drug in sorted(built["drugs"].items(), key=lambda item: (not entries[("drugs", item[0])][1], item[0])):
        for name in {n.casefold() for n in (drug.id, drug.name, *drug.brands, *drug.aliases)}:
            other = seen.setdefault(name, rid)
            if other != rid:
                (path, line), _ = entries[("drugs", rid)]
                problems.append(Problem(path, line, f"drugs.{rid}: the name {name!r} is already used by drug {other!r}"))

    classes = built["classes"]
    for name in sorted(classes):  # a class is named where a drug is (--prior, --exclude): never a drug's name, or 'none'
        other = "none" if name == "none" else seen.get(name.casefold())
        if other is not None:
            (path, line), _ = entries[("classes", name)]
            what = "the word 'none' means no prior treatment" if other == "none" else f"drug {other!r} is called so"
            problems.append(Problem(path, line, f"classes.{name}: {what}; a class needs a name of its own"))
    of: dict[str, set[str]] = {}
    for cls in classes.values():
        for m in cls.members:
            of.setdefault(m.drug, set()).add(cls.id)

    def unknown(names: tuple[str, ...]) -> list[str]:
        return [n for n in names if n not in built["drugs"] and n not in classes]

    for rid, drug in sorted(built["drugs"].items()):
        (path, line), _ = entries[("drugs", rid)]
        for lim in drug.limits:
            bad = unknown(lim.counts)
            if bad:
                problems.append(Problem(path, line, f"drugs.{rid}: a cumulative limit counts {', '.join(bad)}, "
                                                    "which is neither a drug nor a drug class"))
            if lim.counts and not any(c == rid or c in of.get(rid, ()) for c in lim.counts):
                replaced = [f"{c} (replaced in {entries[('classes', c)][0][0]})" for c in lim.counts
                            if c in classes and not entries[("classes", c)][1]]
                problems.append(Problem(path, line, f"drugs.{rid}: a cumulative limit must count the drug itself or one of its "
                                                    "classes" + (f"; it counts {', '.join(replaced)}, which no longer lists it"
                                                                 if replaced else "")))
    for kind, records in (("regimens", built["regimens"]), ("classes", classes)):
        for rid, rec in sorted(records.items()):
            for c in rec.cautions:
                bad = unknown(c.values) if c.when == "prior" else []
                if bad:
                    (path, line), _ = entries[(kind, rid)]
                    problems.append(Problem(path, line, f"{kind}.{rid}: a 'prior' caution names {', '.join(bad)}, "
                                                        "which is neither a drug nor a drug class"))
    for rid, rule in sorted(built["rules"].items()):
        (path, line), _ = entries[("rules", rid)]
        bad = unknown(rule.applies_to)
        if bad:
            problems.append(Problem(path, line, f"rules.{rid}: applies_to names {', '.join(bad)}, which is neither a drug nor a drug class"))
        if rule.topic == "equivalence" and any(a not in built["drugs"] for a in rule.applies_to):
            problems.append(Problem(path, line, f"rules.{rid}: an equivalence ratio is for one drug at a time, not a class"))
        if rule.topic == "equivalence" and rule.to in rule.applies_to:
            problems.append(Problem(path, line, f"rules.{rid}: a drug's ratio to itself is 1 by definition"))


NEVER_OFFERED = ("withdrawn", "not-recommended")  # never a candidate: a schedule is not required


def _schedules(built: dict[str, dict[str, Any]], entries: dict[tuple[str, str], Any], problems: list[Problem]) -> None:
    """Every regimen that can be offered has a schedule; a schedule names its regimen's drugs and doses on record."""
    drugs = built["drugs"]
    for did, drug in sorted(drugs.items()):
        ids = [d.id for d in drug.doses if d.id is not None]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            (path, line), _ = entries[("drugs", did)]
            problems.append(Problem(path, line, f"drugs.{did}: two doses have the id {dup!r}"))
    for rid, reg in sorted(built["regimens"].items()):
        (path, line), _ = entries[("regimens", rid)]

        def bad(text: str) -> None:
            problems.append(Problem(path, line, f"regimens.{rid}: {text}"))

        if reg.schedule is None:
            if reg.recommendation not in NEVER_OFFERED:
                bad("no schedule: give its variants, or say why no dose of it is on record (schedule.not_on_record)")
            continue
        for v in reg.schedule.variants:
            given = {ln.drug for ph in v.phases for ln in ph.lines}
            if given != set(reg.drugs):
                missing, extra = sorted(set(reg.drugs) - given), sorted(given - set(reg.drugs))
                bad(f"variant {v.id!r} " + "; ".join(
                    ([f"leaves out {', '.join(missing)}"] if missing else []) + ([f"gives {', '.join(extra)}, not a drug of the regimen"]
                                                                                 if extra else [])))
            for ph in v.phases:
                for ln in ph.lines:
                    dose = _dose(drugs, ln.drug, ln.dose)
                    if dose is None:
                        bad(f"variant {v.id!r}: {ln.drug} has no dose on record with id {ln.dose!r}{_replaced(entries, ln.drug)}")
                        continue
                    if ph.cycle_days is not None and dose.cycle_days is not None and dose.cycle_days != ph.cycle_days:
                        bad(f"variant {v.id!r}: {ln.drug} dose {ln.dose!r} repeats every {dose.cycle_days} days, the phase every {ph.cycle_days}")
                    if ln.days and (dose.days or dose.daily):
                        bad(f"variant {v.id!r}: {ln.drug} dose {ln.dose!r} has its own days; days here are for a dose recorded once a cycle")
                    if ph.continuous and not dose.daily:
                        bad(f"variant {v.id!r}: a continuous phase gives daily doses; {ln.drug} dose {ln.dose!r} is not daily")
            for sup in v.support:
                if sup.drug is None:
                    continue
                if sup.drug not in drugs:
                    bad(f"variant {v.id!r}: support names {sup.drug!r}, which is not a drug")
                    continue
                if drugs[sup.drug].lms_status != "supportive":
                    bad(f"variant {v.id!r}: support drug {sup.drug!r} is not marked supportive")
                if sup.dose is not None and _dose(drugs, sup.drug, sup.dose) is None:
                    bad(f"variant {v.id!r}: {sup.drug} has no dose on record with id {sup.dose!r}{_replaced(entries, sup.drug)}")
                if sup.with_drug is not None and sup.with_drug not in given:
                    bad(f"variant {v.id!r}: support follows {sup.with_drug!r}, which the variant does not give")


def _replaced(entries: dict[tuple[str, str], Any], drug_id: str) -> str:
    found = entries.get(("drugs", drug_id))
    if found is None or found[1]:
        return ""
    return f" (the drug comes from {found[0][0]}: give it the doses its regimens name, with their ids)"


def _dose(drugs: dict[str, Any], drug_id: str, dose_id: str) -> Any:
    drug = drugs.get(drug_id)
    return None if drug is None else next((d for d in drug.doses if d.id == dose_id), None)
