"""A prior offence given only by its conduct text: durable-rules and the reference evaluator decide
first offence the same way (both with the prior-conduct matcher), so the decision carries no
engine-mismatch warning (engine._first_offense_for used to derive it without the matcher)."""

from datetime import date

import pytest

from penalty_rules.engine.engine import Engine
from penalty_rules.model.facts import CaseFacts


@pytest.fixture(scope="module")
def engine():
    return Engine.from_settings()  # durable-rules on: the production path


def test_conduct_text_prior_gives_no_mismatch_warning(engine):
    facts = CaseFacts(item_id="cn-tax-2021-6/01", act_date="2024-03-20", decision_date="2024-04-10",
                      harm="minor", corrected="within_deadline",
                      prior_offenses=[{"date": "2023-01-05", "conduct": "低速电动车驶入限行区域"}])
    decision = engine.evaluate(facts, today=date(2026, 11, 27))
    assert not [w for w in decision.warnings if "不一致" in w], decision.warnings
    # the prior is clearly other conduct: first offence holds and the item decides
    assert decision.outcome == "no_penalty" and decision.chosen_item == "cn-tax-2021-6/01"
