"""item_id "none": the officer's finding that the case is on none of the proposed list items."""

from datetime import date

from penalty_rules.model.facts import NOT_LISTED, CaseFacts
from penalty_rules.replay.runner import _unknown_item

FACTS = dict(conduct="纳税人没有按照规定期限办理纳税申报", first_offense=True, harm="minor", corrected="within_deadline",
             act_date="2023-05-01", decision_date="2023-06-01", party_type="enterprise", minor_violation=False,
             circumstances=[])


def test_none_decides_by_the_law_alone(engine):
    asked = engine.evaluate(CaseFacts(**FACTS))
    assert asked.next_question.fact == "item_id"
    assert asked.next_question.options[-1].value == NOT_LISTED
    d = engine.evaluate(CaseFacts(**FACTS, item_id=NOT_LISTED))
    assert d.chosen_item is None and not d.items and d.next_question is None
    # 行政处罚法 第三十三条第一款 second sentence: 初次违法且危害后果轻微并及时改正的，可以不予行政处罚
    assert d.outcome == "discretionary_no_penalty"
    assert "不属于所提示的清单条目" in d.trace.selection


def test_replay_does_not_take_none_for_an_unknown_item(engine):
    assert not _unknown_item(engine, CaseFacts(**FACTS, item_id=NOT_LISTED), date(2026, 11, 27))
