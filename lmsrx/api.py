"""The Python API: the same answers the command line renders, as objects.

>>> import lmsrx
>>> answer = lmsrx.options({"line": 2, "histology": "uterine", "prior": ["doxorubicin"]})
>>> [c["id"] for c in answer.to_dict()["candidates"]][:2]
['pazopanib', 'trabectedin']
>>> check = lmsrx.dose("ifosfamide", "14 g/m2", bsa=1.8)
>>> check.verdict, check.exit_status
('exceeds', 3)
>>> lmsrx.dose("ifosfamide", "9 g/m2", bsa=1.8, per="cycle").verdict
'ok'

Every function takes an optional ``kb`` (from :func:`load`; the built-in base is
loaded once and reused otherwise). Bad input raises :class:`lmsrx.errors.UsageError`;
an invalid knowledge base raises :class:`lmsrx.errors.KnowledgeError`; both carry
``.message`` and ``.exit_code``. Nothing here prints or exits.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lmsrx.knowledge.base import KnowledgeBase

_BUILTIN: Any = None


def load(extra: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] = ()) -> KnowledgeBase:
    """The knowledge base: the built-in one plus institution files or folders (``--kb``): one path, or a list.

    >>> kb = lmsrx.load()  # doctest: +SKIP
    >>> kb = lmsrx.load("our-formulary.yaml")  # doctest: +SKIP

    An invalid file raises :class:`lmsrx.errors.KnowledgeError` naming every problem as ``file:line``; a path that
    is missing or not a file or folder, :class:`lmsrx.errors.UsageError`."""
    from lmsrx.errors import UsageError
    from lmsrx.knowledge import load as loader

    if isinstance(extra, (str, os.PathLike)):
        paths = [os.fspath(extra)]
    elif isinstance(extra, Iterable) and not isinstance(extra, (bytes, Mapping)):
        paths = [os.fspath(p) if isinstance(p, os.PathLike) else p for p in extra]
    else:
        raise UsageError(f"load() takes a path or a list of paths; got {type(extra).__name__}")
    if not all(isinstance(p, str) for p in paths):
        raise UsageError("load() takes a path or a list of paths (text)")
    return loader.load(paths)


def _kb(kb: Any) -> Any:
    global _BUILTIN
    if kb is not None:
        return kb
    if _BUILTIN is None:
        _BUILTIN = load()
    return _BUILTIN


class Result:
    """One answer: ``value`` is the core object (an eligibility answer, a dose check, an order
    sheet, a drug or an evidence record); :meth:`to_dict` is exactly the CLI's ``--format json``."""

    def __init__(self, kind: str, value: Any, kb: Any, **options: Any) -> None:
        self.kind = kind
        self.value = value
        self.kb = kb
        self.options = options
        self._view: Any = None

    def view(self) -> Any:
        """The renderable form (:class:`lmsrx.output.view.View`), built once."""
        if self._view is None:
            self._view = self._build()
        return self._view

    def _build(self) -> Any:
        if self.kind == "options":
            from lmsrx.output.options import options

            return options(self.kb, self.value, self.options.get("explain", False), self.options.get("long", False))
        if self.kind == "order":
            from lmsrx.output.orders import order

            return order(self.kb, self.value)
        if self.kind == "regimen":
            from lmsrx.output.regimens import regimen

            return regimen(self.kb, self.value, self.options.get("days"))
        if self.kind == "trial":
            from lmsrx.output.evidence import trial

            return trial(self.kb, self.value, self.options.get("plot", False), self.options.get("width", 80))
        from lmsrx.output import drugs

        return drugs.dose(self.kb, self.value) if self.kind == "dose" else drugs.drug(self.kb, self.value)

    def to_dict(self) -> Any:
        import json

        from lmsrx.output.render import dumps

        return json.loads(dumps(self.view().data))

    @property
    def verdict(self) -> str | None:
        """``ok``, ``warning`` or ``exceeds`` for a dose or an order; None otherwise."""
        return getattr(self.value, "verdict", None) if self.kind in ("dose", "order") else None

    @property
    def exit_status(self) -> int:
        """The exit status the CLI gives this answer (``--fail-on exceeds``)."""
        from lmsrx.errors import ExitCode, dose_status, options_status

        if self.kind == "options":
            return int(options_status(len(self.value.candidates)))
        if self.kind in ("dose", "order"):
            return int(dose_status(self.value.verdict))
        return int(ExitCode.OK)

    def __repr__(self) -> str:
        return f"<lmsrx {self.kind} result>"


def options(patient: Mapping[str, Any], kb: KnowledgeBase | None = None, explain: bool = False,
            long: bool = False) -> Result:
    """Treatment options for one patient, as ``lmsrx options`` gives them.

    ``patient`` is a mapping with the keys of ``--patient`` files (every key optional; a fact not given is
    unknown, and an option that depends on it is *conditional*): ``setting`` (metastatic, adjuvant,
    neoadjuvant), ``line`` (1-10), ``histology`` (uterine, extremity, trunk, retroperitoneal, other),
    ``grade``, ``size_cm``, ``depth``, ``age``, ``margin``, ``biomarkers`` (e.g. ``["er-positive"]``),
    ``prior`` (drugs or classes, or ``["none"]``), ``progressed_on``, ``exclude``, ``conditions`` and the organ
    function keys (``hepatic``, ``child_pugh``, ``bilirubin``, ``ast``, ``alt``, ``alp``, ``crcl``,
    ``creatinine``), and ``id``. ``explain`` adds every criterion to the answer.

    >>> import lmsrx
    >>> answer = lmsrx.options({"line": 2, "histology": "uterine", "prior": ["doxorubicin"]})
    >>> [c["id"] for c in answer.to_dict()["candidates"]][:2]
    ['pazopanib', 'trabectedin']

    Raises :class:`lmsrx.errors.UsageError` for a bad key or value (never a ``TypeError`` or ``ValueError``)."""
    from lmsrx.clinical import eligibility
    from lmsrx.clinical import patient as patient_mod
    from lmsrx.errors import UsageError

    if not isinstance(patient, Mapping):
        raise UsageError(f"a patient is a mapping of keys such as line and histology; got {type(patient).__name__}")
    base = _kb(kb)
    return Result("options", eligibility.assess(base, patient_mod.from_mapping(dict(patient), base)), base, explain=explain,
                  long=long)


def dose(drug: str, planned: str | None = None, *, bsa: float | None = None, height: float | None = None,
         weight: float | None = None, formula: str | None = None, per: str = "administration", over: float | None = None,
         route: str | None = None, hepatic: str | None = None, cardiac_radiation: bool | None = None,
         cumulative: list[str] | None = None, child_pugh: str | None = None, bilirubin: Any = None, ast: Any = None,
         alt: Any = None, alp: Any = None, crcl: Any = None, creatinine: Any = None, age: int | None = None,
         condition: list[str] | None = None, regimen: str | None = None, variant: str | None = None,
         kb: Any = None) -> Result:
    """A planned dose checked against the doses and limits on record, and the label rules for the patient's organ
    function and age, as ``lmsrx dose`` does (``bilirubin``: mg/dL, ``'36 umol/L'`` or ``'1.8 x ULN'``, or a list of
    two; ``ast``/``alt``/``alp``: multiples of the upper limit of normal; ``crcl``: mL/min; ``creatinine``: mg/dL).

    ``planned`` is a dose with its unit (``'14 g/m2'``, ``'160 mg'``); ``per`` is ``administration`` (default),
    ``day`` or ``cycle``; ``regimen`` (and ``variant``) check it against that regimen's schedule only. The result's
    ``verdict`` is ``ok`` (checked against a dose on record and within it), ``note``, ``warning`` (including *not
    verified*) or ``exceeds``; ``exit_status`` is 3 for ``exceeds``.

    >>> import lmsrx
    >>> lmsrx.dose("repotrectinib", "320 mg").verdict
    'exceeds'

    Raises :class:`lmsrx.errors.UsageError` for an unknown drug, a dose without a unit, or a value out of range."""
    from lmsrx import vocab
    from lmsrx.clinical import facts as facts_mod
    from lmsrx.dosing import body as body_mod
    from lmsrx.dosing import dose as dose_mod
    from lmsrx.errors import UsageError

    base = _kb(kb)
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 120):
        raise UsageError(f"--age must be a whole number of years from 0 to 120; got {age!r}")

    bad = [c for c in condition or [] if c not in vocab.CONDITIONS]
    if bad:
        raise UsageError(f"invalid condition {bad[0]!r}; valid choices: {', '.join(vocab.CONDITIONS)}")
    facts = facts_mod.read({"hepatic": hepatic, "child_pugh": child_pugh, "bilirubin": bilirubin, "ast": ast, "alt": alt,
                               "alp": alp, "crcl": crcl, "creatinine": creatinine}, age=age,
                              conditions=vocab.conditions(list(condition or [])))
    body = body_mod.make_body(bsa, height, weight, formula, cardiac_risk=cardiac_radiation, facts=facts)
    found = base.lookup("drugs", drug, "drug")
    if regimen is not None:  # checked against that regimen's schedule only
        from lmsrx.dosing import regimen as regimen_mod

        reg = base.lookup("regimens", regimen, "regimen")
        chosen = regimen_mod.variant_of(reg, variant) if variant is not None else None
        if reg.schedule is None:
            raise UsageError(f"{reg.name} has no schedule on record ({reg.recommendation}): check the dose without --regimen")
        entries = regimen_mod.entries(base, reg, chosen)
        if not any(e.drug == found.id for e in entries):
            raise UsageError(f"{found.name} is not in the schedule of {reg.name}" +
                             (f" ({reg.schedule.not_on_record})" if reg.schedule.not_on_record else ""))
        found = regimen_mod.bound(found, entries)
    elif variant is not None:
        raise UsageError("--variant goes with --regimen")
    checked = dose_mod.check(found, body, planned, per, over, route, cumulative, base)
    return Result("dose", checked, base)


def order(order: Mapping[str, Any], kb: Any = None, name: str = "order", regimen: str | None = None) -> Result:
    """A whole cycle verified, as ``lmsrx order`` does (the mapping of an order file); ``regimen`` as the file's
    ``regimen:`` key (a file that names another regimen is a usage error). The mapping holds ``patient`` (``bsa_m2``
    or ``height_cm`` and ``weight_kg``), ``lines`` (each ``drug``, ``dose``, ``days``, optionally ``times``,
    ``route``, ``over_min``) and optionally ``id``, ``regimen``, ``variant``, ``cycle``, ``cycle_days``.

    >>> import lmsrx
    >>> sheet = lmsrx.order({"patient": {"bsa_m2": 1.8}, "lines": [{"drug": "ifosfamide", "dose": "3 g/m2",
    ...                                                              "days": [1, 2, 3]}]})
    >>> sheet.exit_status  # ifosfamide without mesna
    3

    Raises :class:`lmsrx.errors.UsageError` for a malformed order (a missing key, an unknown drug, a bad value)."""
    from lmsrx.errors import UsageError
    from lmsrx.orders import order as order_mod
    from lmsrx.orders import verify as verify_mod

    base = _kb(kb)
    if regimen is not None and isinstance(order, Mapping):
        named = order.get("regimen")
        if named is not None and str(named).strip().lower() != regimen.strip().lower():
            raise UsageError(f"the order names regimen {str(named)[:60]!r}; --regimen says {regimen[:60]!r}")
        order = {**order, "regimen": regimen}
    return Result("order", verify_mod.verify(base, order_mod.from_mapping(order, base, name)), base)


def regimen(name: str, variant: str | None = None, *, bsa: float | None = None, height: float | None = None,
            weight: float | None = None, formula: str | None = None, cycle: int | None = None,
            cumulative: list[str] | None = None, days: int | None = None, kb: Any = None) -> Result:
    """A regimen's card: its schedule (one variant), worked out for a patient when a BSA or height and weight (or a
    weight, for mg/kg doses) is given; ``days``: the period to write for continuous daily dosing; ``cycle``: which
    cycle (its phase; 1 to 100).

    >>> import lmsrx
    >>> card = lmsrx.regimen("gemcitabine-docetaxel", bsa=1.8)
    >>> card.to_dict()["variant"]["id"]
    'hensley'

    Raises :class:`lmsrx.errors.UsageError` for an unknown regimen or variant, a regimen with no schedule on record,
    or a cycle past the end of its schedule."""
    from lmsrx.dosing import body as body_mod
    from lmsrx.dosing import regimen as regimen_mod
    from lmsrx.errors import UsageError

    base = _kb(kb)
    if cycle is not None and (isinstance(cycle, bool) or not isinstance(cycle, int) or not 1 <= cycle <= 100):
        raise UsageError(f"--cycle must be a whole number from 1 to 100; got {cycle!r}")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 366):
        raise UsageError(f"--days must be a whole number from 1 to 366; got {days!r}")
    given = any(v is not None for v in (bsa, height, weight))
    body = body_mod.make_body(bsa, height, weight, formula) if given else None
    reg = base.lookup("regimens", name, "regimen")
    return Result("regimen", regimen_mod.plan(base, reg, variant, body, cycle, cumulative), base, days=days)


def drug(name: str, kb: Any = None) -> Result:
    """One drug's card (generic name, brand or alias): status and approvals, doses and limits on record, toxicities,
    label rules.

    >>> import lmsrx
    >>> lmsrx.drug("VOTRIENT").to_dict()["id"]
    'pazopanib'

    Raises :class:`lmsrx.errors.UsageError` for a name that is no drug of the knowledge base."""
    base = _kb(kb)
    return Result("drug", base.lookup("drugs", name, "drug"), base)


def trial(evidence_id: str, kb: Any = None, plot: bool = False, width: int = 80) -> Result:
    """One evidence record's card: design, arms, every end point typed (origin, arms, effect), levels of evidence
    (``grades``), discrepancies and references.

    >>> import lmsrx
    >>> [g["level"] for g in lmsrx.trial("lms-04").to_dict()["grades"]]
    ['A1', 'A1']

    Raises :class:`lmsrx.errors.UsageError` for an id that is no evidence record."""
    base = _kb(kb)
    return Result("trial", base.lookup("evidence", evidence_id, "trial"), base, plot=plot, width=width)
