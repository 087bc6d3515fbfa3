"""A dose check's verdict row and the constants of the dose rule. Pure, and imported by every checker
(dosing, infusion, exposure, label rules, orders) so that none needs another to say what a check is.

The dose rule (README, "The dose rule"; HOPA dose-rounding statement, ``hopa-dose-rounding-2018``): within
:data:`TOLERANCE` (10%) of a dose on record is routine rounding.
"""
from __future__ import annotations

from lmsrx.records import record

TOLERANCE = 0.10  # HOPA: within 10% of the ordered dose is routine rounding
TOLERANCE_TEXT = f"{TOLERANCE:.0%}"  # how every message names it
RATE_EXCEEDS = 2.0  # an infusion more than twice as fast as the fastest on record
SLOW_WARNS = 2.0  # an infusion more than twice as long as the longest on record
EPS = 1e-9
RESULTS = ("ok", "note", "warning", "exceeds")
SEVERITY_ORDER = {"ok": 0, "note": 0, "warning": 1, "exceeds": 2}
ROUNDING_CITE = ("hopa-dose-rounding-2018",)


@record(frozen=True)
class Check:
    rule: str
    severity: str  # hard | soft | record | status | route | rate | context | rule
    result: str  # ok | note | warning | exceeds
    value: str
    limit: str
    basis: str
    cite: tuple[str, ...] = ()


def worst(checks: list[Check]) -> str:
    top = max((SEVERITY_ORDER[c.result] for c in checks), default=0)
    return {0: "ok", 1: "warning", 2: "exceeds"}[top]
