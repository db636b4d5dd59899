"""An item id given with a domain or a conduct text pointing elsewhere (third legal review, finding 8):
the officer's item decides, and the answer says what disagrees with it instead of following it silently."""

from datetime import date

from penalty_rules.model.facts import CaseFacts

TAX = {"item_id": "cn-tax-2021-6/03", "act_date": date(2024, 3, 20), "decision_date": date(2024, 4, 10),
       "first_offense": True, "harm": "minor", "corrected": "within_deadline"}


def test_a_domain_other_than_the_items_is_said(engine, corpus):
    item = corpus.item_refs("cn-tax-2021-6/03")[0].item
    assert item.domain == "tax"
    decision = engine.evaluate(CaseFacts(**TAX, domain="road_traffic"))
    assert decision.chosen_item == "cn-tax-2021-6/03"
    assert any("cn-tax-2021-6/03" in w and "road_traffic" in w and "执法领域" in w for w in decision.warnings)
    assert not any("执法领域" in w for w in engine.evaluate(CaseFacts(**TAX, domain="tax")).warnings)


def test_a_conduct_text_clearly_of_another_item_is_said(engine, corpus):
    other = next(r.item for r in corpus.all_refs() if r.item.id == "lc-practice-2022/ev-restricted-zone")
    decision = engine.evaluate(CaseFacts(**TAX, conduct=other.violation))
    assert decision.chosen_item == "cn-tax-2021-6/03"
    assert any(other.id in w and "不一致" in w for w in decision.warnings)
    own = corpus.item_refs("cn-tax-2021-6/03")[0].item.violation
    assert not any("不一致" in w for w in engine.evaluate(CaseFacts(**TAX, conduct=own)).warnings)
