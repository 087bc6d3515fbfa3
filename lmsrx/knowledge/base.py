"""The knowledge base as loaded: its records by kind and the facts derived from them once (name index, classes, the rules that reach a drug). Pure."""
from __future__ import annotations

from typing import Any

from lmsrx import vocab
from lmsrx.errors import UsageError
from lmsrx.knowledge import model
from lmsrx.records import field, record

PRIMARY_SOURCE = "statpearls-lms-2020"  # the reference id of the primary source (the StatPearls chapter)


@record
class KnowledgeBase:
    meta: model.Meta
    references: dict[str, model.Reference]
    drugs: dict[str, model.Drug]
    evidence: dict[str, model.Evidence]
    regimens: dict[str, model.Regimen]
    classes: dict[str, model.DrugClass]
    rules: dict[str, model.Rule]
    sha256: str
    files: list[str]
    origin: dict[tuple[str, str], str] = field(default_factory=dict)
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)  # facts that never change per patient

    def memo(self, key: Any, make: Any) -> Any:
        """A fact derived from the (immutable) records, computed once: strengths, evidence cards, citations."""
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def _drug_index(self) -> dict[str, str]:
        def index() -> dict[str, str]:
            out: dict[str, str] = {}
            for drug in self.drugs.values():
                for name in (drug.id, drug.name, *drug.brands, *drug.aliases):
                    out.setdefault(name.casefold(), drug.id)
            return out

        return self.memo("drug-index", index)

    def find_drug(self, name: str) -> model.Drug | None:
        """A drug by id, generic name, brand or alias, case-insensitively."""
        drug_id = self._drug_index().get(name.strip().casefold())
        return self.drugs[drug_id] if drug_id else None

    def lookup(self, kind: str, name: str, what: str) -> Any:
        """A record by id (drugs: also by name, brand or alias); unknown names suggest the closest."""

        if kind == "drugs":
            found, pool = self.find_drug(name), self.drug_names()
        else:
            found, pool = getattr(self, kind).get(name.strip().lower()), sorted(getattr(self, kind))
        if found is None:
            tip = vocab.did_you_mean(name, pool)
            shown = name if len(name) <= 60 else name[:57] + "..."
            hint = {"drugs": "'lmsrx drugs' lists them", "evidence": "'lmsrx trials' lists them",
                    "references": "cite takes a reference, drug, regimen or evidence id ('lmsrx search' finds them)"}.get(
                kind, "'lmsrx search' finds them")
            raise UsageError(f"unknown {what} {shown!r}{tip}", hint=hint)
        return found

    def classes_of(self, drug_id: str, confirmed: bool = False) -> tuple[str, ...]:
        """The classes a drug belongs to (ids, sorted); ``confirmed``: only memberships not seen once, for a use that
        would make an answer milder (a seen-once record may make a check stricter, never milder)."""
        def index() -> dict[tuple[str, bool], tuple[str, ...]]:
            out: dict[tuple[str, bool], list[str]] = {}
            for cls in self.classes.values():
                for m in cls.members:
                    out.setdefault((m.drug, False), []).append(cls.id)
                    if not m.seen_once:
                        out.setdefault((m.drug, True), []).append(cls.id)
            return {k: tuple(sorted(c)) for k, c in out.items()}

        return self.memo("classes-of", index).get((drug_id, confirmed), ())

    def members(self, class_id: str) -> list[str]:
        """The drug ids of a class, in the knowledge base's order of drugs."""
        cls = self.classes.get(class_id)
        named = {m.drug for m in cls.members} if cls else set()
        return [d for d in self.drugs if d in named]

    def drugs_named(self, names: tuple[str, ...] | list[str]) -> list[str]:
        """The drug ids that drug-or-class ids stand for (a class stands for every member), without repeats."""
        out: list[str] = []
        for name in names:
            out += [name] if name in self.drugs else self.members(name)
        return list(dict.fromkeys(out))

    def rules_for(self, drug_id: str, topic: str | None = None) -> list[model.Rule]:
        """The rules that reach a drug, directly or through one of its classes (in the order of their ids)."""
        def index() -> dict[str, list[model.Rule]]:
            out: dict[str, list[model.Rule]] = {}
            for rule in self.rules.values():
                for d in self.drugs_named(rule.applies_to):
                    out.setdefault(d, []).append(rule)
            return out

        found = self.memo("rules-for", index).get(drug_id, [])
        return [r for r in found if topic is None or r.topic == topic]

    def drug_names(self) -> list[str]:
        return sorted(self._drug_index())

    def counts(self) -> dict[str, int]:
        """Records of each kind."""
        return {kind: len(getattr(self, kind)) for kind in model.KINDS}

    def evidence_year(self, ev: Any) -> int | None:
        """The year of an evidence record: the newest year among the references it cites (a year, or the year of a
        dated reference) other than the primary source, whose year counts only when it is all the record cites;
        None when no cited reference has one."""
        def years(ids: list[str]) -> list[int]:
            return [r.year or int(r.date[:4]) for r in (self.references[c] for c in ids) if r.year or r.date]

        own = [c for c in ev.cite if c != PRIMARY_SOURCE]
        return max(years(own) if own else years(list(ev.cite)), default=None)

    def summary(self) -> dict[str, Any]:
        """What ``kb info`` says of the evidence and references."""
        def make() -> dict[str, Any]:
            by_origin: dict[str, list[str]] = {"primary source": [], "checked publication": [], "newer than the source": []}
            by_year: dict[str, list[str]] = {}
            for ev in self.evidence.values():
                origin = ("newer than the source" if ev.newer_than_source else
                          "primary source" if PRIMARY_SOURCE in ev.cite else "checked publication")
                by_origin[origin].append(ev.id)
                by_year.setdefault(str(self.evidence_year(ev) or "year not on record"), []).append(ev.id)
            newest = max((r.year for r in self.references.values() if r.year), default=None)
            # newest first; records with no year last
            order = sorted(by_year, key=lambda y: (not y.isdigit(), -int(y) if y.isdigit() else 0))
            return {"evidence_by_origin": by_origin, "evidence_by_year": {y: by_year[y] for y in order},
                    "newest_reference_year": newest}

        return self.memo("summary", make)
