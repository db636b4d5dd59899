"""税务总局公告2021年第33号 (reference wording: ../shared/reference/lists/tax.yaml): “首次发生且危害后果轻微;发现前主动改正或
责令限期内改正。造成不可挽回的税费损失或较大社会影响的,不认定为危害后果轻微”. The last sentence is the list's own
reading of 危害后果轻微; the items' structured conditions (first_offense, minor_harm, a correction) do not carry it.
An officer who answers harm: minor must read it so: the answer says it where the officer reads (warnings)."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from penalty_rules.model.facts import CaseFacts

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "lists" / "tax.yaml"
CASE = dict(domain="tax", party_type="enterprise", first_offense=True, harm="minor", corrected="within_deadline",
            illegal_gains_yuan=0, circumstances=[], continuing=False, act_date=date(2023, 3, 1),
            decision_date=date(2023, 4, 1))


def test_the_reference_wording_holds_the_exclusion():
    text = REFERENCE.read_text(encoding="utf-8")
    assert "造成不可挽回的税费损失或较大社会影响的,不认定为危害后果轻微" in text


@pytest.mark.parametrize("item", ["cn-tax-2021-33/c12", "cn-tax-2021-33/01"])
def test_the_answer_says_the_lists_reading_of_minor_harm(engine, item):
    d = engine.evaluate(CaseFacts(**CASE, item_id=item))
    assert d.outcome == "no_penalty"
    assert any("不可挽回的税费损失或较大社会影响" in w and "不认定为危害后果轻微" in w for w in d.warnings)


def test_an_item_without_such_wording_says_nothing(engine):
    """Guard: the tax 2021-6 items carry no such sentence."""
    d = engine.evaluate(CaseFacts(**CASE, item_id="cn-tax-2021-6/03"))
    assert not any("不认定为" in w for w in d.warnings)
