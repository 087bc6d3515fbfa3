"""The options answer: its one serialiser (:func:`options_json`, JSON built from parts encoded once per regimen
and per assessment, compact or indented by a :class:`Layout`) and the compact form of a batch
(:func:`compact_json`); everything else (csv/tsv rows, the tables for people) is built from those, and only for
the format asked."""
from __future__ import annotations

import json
from typing import Any, Sequence

from lmsrx.clinical.strength import STRENGTH_LABELS, key_evidence, regimen_strength
from lmsrx.output.regimens import schedule_data
from lmsrx.output.render import ENCODER, INDENT
from lmsrx.output.view import Section, View
from lmsrx.output.wording import approval_text, evidence_brief, evidence_data, short_figure
from lmsrx.text import escape_json


def _criteria(a: Any) -> list[dict[str, Any]]:
    return [{"test": v.test, "verdict": v.status, "why": v.why, "detail": v.detail or None, "needs": v.needs}
            for v in a.verdicts]


class Layout:
    """How the parts of an options answer are written and joined: compact (``indent`` None: one line, for NDJSON,
    batch and the API) or indented, byte for byte what ``json.dumps(document, indent=2)`` writes. Every value is
    encoded by the standard library's encoder; a value encoded on its own is moved to its depth by indenting its
    lines (encoded JSON holds a raw newline only between tokens). Objects and arrays are returned in pieces, joined
    once by the caller."""

    __slots__ = ("indent", "_keys")

    def __init__(self, indent: int | None = None) -> None:
        self.indent = indent
        self._keys: dict[int, dict[str, tuple[str, str]]] = {}  # by depth and key: its text first, and after a member

    def value(self, value: Any, depth: int) -> str:
        if self.indent is None:
            return escape_json(ENCODER.encode(value))
        text = escape_json(json.dumps(value, indent=self.indent, ensure_ascii=False, allow_nan=False))
        return text.replace("\n", "\n" + " " * (self.indent * depth)) if depth else text

    def _pads(self, depth: int) -> tuple[str, str]:
        if self.indent is None:
            return "", ""
        return "\n" + " " * (self.indent * (depth + 1)), "\n" + " " * (self.indent * depth)

    def _key(self, key: str, depth: int) -> tuple[str, str]:
        keys = self._keys.get(depth)
        if keys is None:
            keys = self._keys[depth] = {}
        made = keys.get(key)
        if made is None:
            text = f'{self._pads(depth)[0]}"{key}"{":" if self.indent is None else ": "}'
            made = keys[key] = (text, "," + text)
        return made

    def members(self, pairs: Sequence[tuple[str, str | list[str]]], depth: int) -> list[str]:
        """An object at ``depth`` from (key, the value's text or pieces); keys are plain names."""
        if not pairs:
            return ["{}"]
        out = ["{"]
        for i, (key, text) in enumerate(pairs):
            out.append(self._key(key, depth)[1 if i else 0])
            if isinstance(text, str):
                out.append(text)
            else:
                out += text
        out.append(self._pads(depth)[1] + "}")
        return out

    def items(self, elements: list[Any], depth: int) -> list[str]:
        """An array at ``depth`` from its elements' texts or pieces."""
        if not elements:
            return ["[]"]
        pad, close = self._pads(depth)
        sep = "," + pad
        out = ["[" + pad]
        for element in elements:
            if isinstance(element, str):
                out.append(element)
            else:
                out += element
            out.append(sep)
        out[-1] = close + "]"
        return out


SHARED = 512  # a piece at least this long stays a reference to the regimen's part, not a copy per assessment


def _runs(pieces: list[str]) -> tuple[str, ...]:
    """The pieces with each run of short ones joined: the long ones (a regimen's evidence cards, its schedule) stay
    shared with the regimen's memo, so that an assessment's text costs only its own parts (a batch keeps
    thousands), and an answer is still joined from few pieces."""
    out: list[str] = []
    run: list[str] = []
    for piece in pieces:
        if len(piece) < SHARED:
            run.append(piece)
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(piece)
    if run:
        out.append("".join(run))
    return tuple(out)


COMPACT, INDENTED = Layout(), Layout(INDENT)
ENCODED = ("options-json", "knowledge-json")  # the memo entries prefill writes (what an --encoded artefact keeps)
_ORDER = ("id", "name", "drugs", "status", "needs", "evidence", "cautions", "why", "strength", "recommendation",
          "preferred", "newer_than_source", "approval", "schedule")  # a candidate's keys, in order


def regimen_parts(kb: Any, reg: Any, layout: Layout = COMPACT) -> dict[str, str]:
    """What a candidate carries that does not change from patient to patient (names, evidence cards, strength,
    approval, schedule), each value encoded once per regimen and layout, at a candidate's depth."""
    def make() -> dict[str, str]:
        values = {"id": reg.id, "name": reg.name, "drugs": list(reg.drugs),
                  "evidence": [evidence_data(kb, kb.evidence[e], reg) for e in reg.evidence],
                  "strength": STRENGTH_LABELS[regimen_strength(kb, reg)], "recommendation": reg.recommendation,
                  "newer_than_source": reg.newer_than_source, "approval": approval_text(kb, reg),
                  "schedule": schedule_data(kb, reg)}
        return {key: layout.value(value, 3) for key, value in values.items()}

    return kb.memo(("options-json", reg.id, layout.indent), make)


def prefill(kb: Any) -> None:
    """Encode every regimen's unchanging parts (and the knowledge stamp) in both layouts, into ``kb``'s memo: what a
    wheel's artefact carries, so that one call encodes only the patient's own parts."""
    for layout in (COMPACT, INDENTED):
        _knowledge(kb, layout)
        for reg in kb.regimens.values():
            regimen_parts(kb, reg, layout)


def _knowledge(kb: Any, layout: Layout) -> str:
    return kb.memo(("knowledge-json", layout.indent),
                   lambda: layout.value({"version": kb.meta.version, "sha256": kb.sha256}, 1))


def options_json(kb: Any, answer: Any, explain: bool = False, line: int | None = None,
                 layout: Layout = COMPACT) -> str:
    """The options answer as JSON: compact (one NDJSON line, with ``line`` first when given) or, with
    :data:`INDENTED`, the document ``--format json`` prints. The one serialiser of an options answer, for JSON,
    NDJSON, batch, report and the API alike. What does not change from patient to patient is encoded once per
    regimen (:func:`regimen_parts`), and each assessment's own part once per assessment (a batch shares
    assessments between patients). Escaping is per character, so the parts are escaped apart."""
    enc = layout.value

    def candidate(a: Any) -> tuple[str, ...]:
        pieces = a.cache.get(("candidate-json", explain, layout.indent))
        if pieces is None:
            own = {"status": enc(a.status, 3), "needs": enc(a.needs, 3), "cautions": enc(a.cautions, 3),
                   "why": enc(a.why, 3), "preferred": enc(a.preferred, 3), **regimen_parts(kb, a.regimen, layout)}
            pairs = [(key, own[key]) for key in _ORDER]
            if explain:
                pairs.append(("criteria", enc(_criteria(a), 3)))
            pieces = a.cache[("candidate-json", explain, layout.indent)] = _runs(layout.members(pairs, 2))
        return pieces

    def excluded(a: Any) -> str:
        text = a.cache.get(("excluded-json", explain, layout.indent))
        if text is None:
            out = {"id": a.regimen.id, "name": a.regimen.name, "drugs": list(a.regimen.drugs), "reasons": a.reasons,
                   "newer_than_source": a.regimen.newer_than_source}
            if explain:
                out["criteria"] = _criteria(a)
            text = a.cache[("excluded-json", explain, layout.indent)] = enc(out, 2)
        return text

    pairs: list[tuple[str, Any]] = [("line", str(line))] if line is not None else []
    pairs += [("query", enc(answer.patient.query(), 1)), ("knowledge", _knowledge(kb, layout)),
              ("candidates", layout.items([candidate(a) for a in answer.candidates], 1)),
              ("excluded", layout.items([excluded(a) for a in answer.excluded], 1))]
    return "".join(layout.members(pairs, 0))  # one join over every piece: an answer is 100 KB or more, and
    # each joined copy of that size costs more than the joining itself


def options_data(kb: Any, answer: Any, explain: bool = False, line: int | None = None) -> dict[str, Any]:
    """The options answer as data: exactly :func:`options_json`, read back."""
    return json.loads(options_json(kb, answer, explain, line))


def compact_json(answer: Any, line: int | None = None) -> str:
    """What a cohort needs per patient (``--compact``): each regimen's id, status, strength, needs or reasons,
    and its evidence by id; each assessment's part serialised once."""

    def part(a: Any, kind: str) -> str:
        text = a.cache.get(kind)
        if text is None:
            value = ({"id": a.regimen.id, "status": a.status, "strength": a.strength_label, "needs": a.needs,
                      "evidence": list(a.regimen.evidence)} if kind == "compact-candidate"
                     else {"id": a.regimen.id, "reasons": a.reasons})
            text = a.cache[kind] = COMPACT.value(value, 0)
        return text

    head = f'"line":{line},' if line is not None else ""
    return "".join(("{", head, '"id":', COMPACT.value(answer.patient.id, 0), ',"candidates":[',
                    ",".join(part(a, "compact-candidate") for a in answer.candidates), '],"excluded":[',
                    ",".join(part(a, "compact-excluded") for a in answer.excluded), "]}"))


def compact_data(answer: Any, line: int | None = None) -> dict[str, Any]:
    """:func:`compact_json`, read back."""
    return json.loads(compact_json(answer, line))


def compact_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [{"patient": data["id"], "status": c["status"], "id": c["id"], "strength": c["strength"], "needs": c["needs"],
             "reasons": [], "evidence": c["evidence"]} for c in data["candidates"]]
    rows += [{"patient": data["id"], "status": "excluded", "id": x["id"], "strength": None, "needs": [], "reasons": x["reasons"],
              "evidence": []} for x in data["excluded"]]
    return rows


def options_rows(data: dict[str, Any], patient_column: bool = False) -> list[dict[str, Any]]:
    rows = []
    for item in [*data["candidates"], *({**e, "status": "excluded"} for e in data["excluded"])]:
        row: dict[str, Any] = {"patient": data["query"]["id"]} if patient_column else {}
        row.update({
            "status": item["status"], "id": item["id"], "name": item["name"], "drugs": item["drugs"],
            "strength": item.get("strength", ""), "needs": item.get("needs", []),
            "reasons": item.get("reasons", []), "why": item.get("why", []), "cautions": item.get("cautions", []),
            "evidence": [e["id"] for e in item.get("evidence", [])],
            "newer_than_source": item.get("newer_than_source", False)
            or any(e["newer_than_source"] for e in item.get("evidence", [])),
        })
        rows.append(row)
    return rows


SHORT_STRENGTH = {"approved on a randomised phase III": "phase III, approved", "randomised, phase not stated": "randomised"}
# "retrospective or early-phase" said as the design of the record that gives the strength
SHORT_DESIGN = {"retrospective": "retrospective", "pooled-analysis": "pooled analysis", "single-arm-trial": "single-arm",
                "trial": "trial"}


def _short_strength(kb: Any, a: Any) -> str:
    if a.strength_label != "retrospective or early-phase":
        return SHORT_STRENGTH.get(a.strength_label, a.strength_label)
    keys = key_evidence(kb, a.regimen, 1)
    return SHORT_DESIGN.get(keys[0].design.kind, "early-phase") if keys else "early-phase"


def _compact(kb: Any, answer: Any, with_excluded: bool = False) -> list[Section]:
    """The first screen: each status a short table, a row per regimen, each cell at most two lines (the excluded
    options are named on the EXCLUDED line; their reasons with --long, or ``with_excluded``)."""
    def row(a: Any) -> list[str]:
        reg = a.regimen
        name = reg.name + (" (preferred)" if a.preferred else "") + (" [newer]" if reg.newer_than_source else "")
        if a.status == "excluded":
            return [name, "; ".join(a.reasons)]
        evidence = f"{_short_strength(kb, a)}: {short_figure(kb, reg)}"
        return [name, evidence, "; ".join(a.needs)] if a.status == "conditional" else [name, evidence]

    out = []
    for status, items, columns in (
            ("Eligible", [a for a in answer.candidates if a.status == "eligible"], ["Evidence: key figure"]),
            ("Conditional", [a for a in answer.candidates if a.status == "conditional"], ["Evidence: key figure", "Needs"]),
            ("Excluded", list(answer.excluded) if with_excluded else [], ["Why not"])):
        if items:  # the status heads the first column: the table is its own heading
            out.append(Section("", [f"{status} ({len(items)})", *columns], [row(a) for a in items], max_lines=2))
    return out


def status_lines(answer: Any) -> list[str]:
    """One line per status naming every option, by id: the whole answer at a glance."""
    groups = (("ELIGIBLE", [a for a in answer.candidates if a.status == "eligible"]),
              ("CONDITIONAL", [a for a in answer.candidates if a.status == "conditional"]), ("EXCLUDED", answer.excluded))
    return [f"{label} ({len(items)}): {', '.join(a.regimen.id for a in items) or '-'}" for label, items in groups]


def options(kb: Any, answer: Any, explain: bool = False, long: bool = False) -> View:
    def data() -> dict[str, Any]:
        return options_data(kb, answer, explain)

    eligible = [a for a in answer.candidates if a.status == "eligible"]
    conditional = [a for a in answer.candidates if a.status == "conditional"]

    def cand_rows(items: list) -> list[list[str]]:
        rows = []
        for a in items:
            reg = a.regimen
            keys = key_evidence(kb, reg, 2)
            head = f"{reg.name}\n[{', '.join(reg.drugs)}]\n{reg.recommendation}; evidence: {a.strength_label}"
            if reg.newer_than_source:
                head += "\nnewer than the source"
            if a.preferred:
                head += f"\npreferred: {a.preferred}"
            if a.status == "conditional":
                head += "\nneeds: " + "; ".join(a.needs)
            rows.append([head, "\n".join(evidence_brief(kb, ev, reg) for ev in keys), "\n".join(approval_text(kb, reg)),
                         "\n".join(f"- {c}" for c in a.cautions) or "-"])
        return rows

    def sections() -> list[Section]:
        columns = ["Regimen", "Key evidence", "Approval / guideline", "Cautions"]
        out = _compact(kb, answer) if not long else [
            Section(f"Eligible ({len(eligible)})", columns, cand_rows(eligible),
                    note=None if eligible else "No option has every criterion met."),
            Section(f"Conditional ({len(conditional)}): decided by the information listed under 'needs'", columns,
                    cand_rows(conditional), note=None if conditional else "None."),
            Section(f"Excluded ({len(answer.excluded)})", ["Regimen", "Why not"],
                    [[a.regimen.name, "\n".join(a.reasons)] for a in answer.excluded]),
        ]
        if explain:
            rows = [[a.regimen.id, v.test, v.status, v.sentence() + (f" - needs {v.needs}" if v.needs else "")]
                    for a in [*answer.candidates, *answer.excluded] for v in a.verdicts]
            out.append(Section("Every criterion (--explain)", ["Regimen", "Test", "Verdict", "Detail"], rows))
        return out

    view = View(
        title=f"LMS options: {answer.patient.summary()}",
        data=data, rows=lambda: options_rows(view.data), sections=sections, lines=status_lines(answer),
        json=lambda: options_json(kb, answer, explain, layout=INDENTED),
        footer=(["--long: why not, cautions, every figure; --explain: each criterion."] if not long else [])
        + [f"Ordered by the source's preference, then evidence for LMS. Knowledge {kb.meta.version}.",
           "Decision support only: check each option against the patient and the labels."],
    )
    return view
