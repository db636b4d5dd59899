"""The decision memo: identical facts and decision date give the stored decision."""

from datetime import date

from penalty_rules.engine.engine import Engine
from penalty_rules.model.facts import CaseFacts


def test_memo_returns_the_same_decision_and_keys_on_the_decision_date(corpus):
    engine = Engine(corpus, memo_size=2)
    facts = CaseFacts(item_id="cn-tax-2021-6/03", first_offense=True, harm="minor", corrected="promptly",
                      act_date="2021-06-01")
    first = engine.evaluate(facts, today=date(2022, 3, 1))
    again = engine.evaluate(CaseFacts(**facts.model_dump()), today=date(2022, 3, 1))
    assert again is first and engine.memo_hits == 1
    other_day = engine.evaluate(facts, today=date(2021, 7, 1))
    assert other_day is not first
    assert [i.version for i in other_day.items if i.role == "applicable"] == ["2021-6"]
    engine.evaluate(facts, today=date(2023, 1, 1))  # memo holds 2: the oldest entry goes
    assert engine.evaluate(facts, today=date(2022, 3, 1)) is not first


def test_no_memo_by_default(corpus):
    engine = Engine(corpus)
    facts = CaseFacts(item_id="cn-tax-2021-6/03")
    assert engine.evaluate(facts, today=date(2022, 3, 1)) is not engine.evaluate(facts, today=date(2022, 3, 1))
