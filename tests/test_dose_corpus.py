"""The dangerous-order and safe-order corpus (tests/data/dose_corpus.yaml), each with its expected verdict.

Dangerous orders come from unit slips, 10x errors, per-day totals entered per cycle and the reverse,
cumulative anthracycline over limits, wrong routes, missing mesna, too-fast infusions and withdrawn
drugs; safe orders are doses and regimens taken from the records. No safe order may `exceed`.
"""
from pathlib import Path

import pytest
import yaml

from lmsrx.dosing import body as body_mod
from lmsrx.dosing import dose as dose_mod
from lmsrx.orders import order as order_mod
from lmsrx.orders import verify as verify_mod

CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "dose_corpus.yaml").read_text(encoding="utf-8"))
ORDER = {"ok": 0, "warning": 1, "exceeds": 2}


def verdict(kb, case):
    if "order" in case:
        return verify_mod.verify(kb, order_mod.from_mapping(case["order"], kb)).verdict
    a = dict(case["dose"])
    body = body_mod.make_body(a.get("bsa"), a.get("height"), a.get("weight"), None, a.get("hepatic"), a.get("cardiac_radiation"))
    cum = a.get("cumulative")
    items = None if cum is None else [f"{k}={v}" for k, v in cum.items()]
    return dose_mod.check(kb.find_drug(a["drug"]), body, a["planned"], a.get("per", "administration"), a.get("over"),
                        a.get("route"), items, kb).verdict


def _ids(cases):
    return [c["name"] for c in cases]


def test_corpus_size():
    assert len(CORPUS["dangerous"]) >= 60 and len(CORPUS["safe"]) >= 40


@pytest.mark.parametrize("case", CORPUS["dangerous"], ids=_ids(CORPUS["dangerous"]))
def test_dangerous_orders_are_flagged(kb, case):
    got = verdict(kb, case)
    assert got == case["expect"], case["why"]


@pytest.mark.parametrize("case", CORPUS["safe"], ids=_ids(CORPUS["safe"]))
def test_safe_orders_never_exceed(kb, case):
    got = verdict(kb, case)
    assert got != "exceeds", case["why"]
    if case["expect"] != "not-exceeds":
        assert got == case["expect"], case["why"]
