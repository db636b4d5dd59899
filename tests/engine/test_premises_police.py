"""The police premise (公安机关办理行政案件程序规定 160(一): 有较严重后果的，应当从重处罚) is added unless the item's
own harm condition holds whichever way its conditions are met: a harm tag in one alternative of any_of only leaves
the other alternatives without it (re-read: such an item gave 警告 for serious harm)."""

from penalty_rules.engine.premises import AGGRAVATION_PREMISE, premises_of
from penalty_rules.model.item import Item


def _item(conditions, domain="road_traffic", outcome="lighter_penalty"):
    return Item.model_validate({"id": "t-police/01", "domain": domain, "outcome": outcome, "violation": "测试违法行为",
                                "conditions": conditions,
                                "provenance": {"source_item_no": 1, "confidence": "low"}})


def test_a_harm_tag_in_one_alternative_only_keeps_the_premise():
    item = _item({"all": ["first_offense"], "any_of": [["no_harm"], ["corrected_promptly"]]})
    assert AGGRAVATION_PREMISE in premises_of(item, True)


def test_a_harm_tag_in_every_alternative_or_in_all_states_it():
    """Guards: the item's own harm condition stands for the premise."""
    assert AGGRAVATION_PREMISE not in premises_of(_item({"all": [], "any_of": [["no_harm"], ["minor_harm", "cooperated"]]}), True)
    assert AGGRAVATION_PREMISE not in premises_of(_item({"all": ["minor_harm"]}), True)
    assert AGGRAVATION_PREMISE not in premises_of(_item({"all": []}, domain="market"), True)
