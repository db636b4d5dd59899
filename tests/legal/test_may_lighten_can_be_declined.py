"""A rule that says 可以 leaves the agency free not to apply it; the answer shows what binds it then, as a 可以不予
answer (33(1) second sentence) does (Precedence.fallback: the rule that then binds, as `if_declined`; none binds:
依法处罚), among the possible outcomes and in the summary.

- 行政处罚法(2021-01-22) 第三十一条: “尚未完全丧失辨认或者控制自己行为能力的精神病人、智力残疾人有违法行为的，可以从轻或者
  减轻行政处罚。”
- 产品质量法(2018-12-29) 第五十五条: “销售者销售本法第四十九条至第五十三条规定禁止销售的产品，有充分证据证明其不知道该产品为
  禁止销售的产品并如实说明其进货来源的，可以从轻或者减轻处罚。”
- 出境入境管理法(2012-06-30) 第八十三条第二款: “…交通运输工具负责人证明其已经采取合理预防措施的，可以减轻或者免予处罚。”
Against: 第三十条 “已满十四周岁不满十八周岁的未成年人有违法行为的，应当从轻或者减轻行政处罚。” (应当: no declining)."""

from datetime import date

import pytest

from penalty_rules.model.facts import CaseFacts

DATES = dict(act_date=date(2024, 3, 1), decision_date=date(2024, 6, 1), continuing=False)
PLAIN = dict(first_offense=False, harm="serious", corrected="not_corrected", minor_violation=False, circumstances=[])
LIMITED = dict(party_type="individual", age=40, domain="ecology", mental_condition="limited",
               mental_condition_cause="mental_illness", **PLAIN, **DATES)
PQ_55 = dict(party_type="enterprise", domain="market", violated_law="中华人民共和国产品质量法", subjective_fault=False,
             special_law_facts={"pq_seller_prohibited_products": True, "pq_source_shown": True}, **PLAIN, **DATES)
EXIT_83 = dict(party_type="enterprise", domain="public_security", violated_law="中华人民共和国出境入境管理法",
               subjective_fault=False,
               special_law_facts={"carrier_carried_inadmissible": True, "carrier_reasonable_precautions": True},
               **PLAIN, **DATES)


@pytest.mark.parametrize("facts, rule, said", [
    (LIMITED, "law-31-b", "可以从轻或者减轻"),
    (PQ_55, "pq-55", "可以从轻或者减轻"),
    (EXIT_83, "exit-entry-83", "可以减轻或者免予"),
])
def test_a_may_answer_lists_the_penalty_as_the_law_provides_when_declined(engine, facts, rule, said):
    d = engine.evaluate(CaseFacts(**facts))
    assert d.chosen_rule == rule and d.leniency is not None
    assert d.leniency.mandatory is False and said in d.leniency.wording
    assert "normal" in d.possible_outcomes and d.outcome in d.possible_outcomes
    assert set(d.leniency.range) <= set(d.possible_outcomes)
    assert d.if_declined is None  # no other rule binds the agency: it penalises as the law provides
    assert "不适用“可以”的规定时: 依法处罚" in d.summary
    assert "可选结果" in d.summary and "依法处罚" in d.summary.split("可选结果")[1].splitlines()[0]


def test_with_another_binding_rule_the_fallback_is_that_rule(engine):
    """Art. 31's 可以 beside art. 32's 应当 at the same level: 32 decides (应当 before 可以), no declining."""
    d = engine.evaluate(CaseFacts(**{**LIMITED, "harm": "minor", "circumstances": ["eliminated_harm"]}))
    assert d.chosen_rule == "law-32" and d.leniency.mandatory is True
    assert "normal" not in d.possible_outcomes and d.if_declined is None


@pytest.mark.parametrize("facts", [
    dict(LIMITED, mental_condition=None, mental_condition_cause=None, age=16),  # 第三十条: 应当从轻或者减轻
    dict(LIMITED, age=16),  # 第三十条 beside 第三十一条: the 应当 rule decides
])
def test_a_must_answer_is_not_declinable(engine, facts):
    d = engine.evaluate(CaseFacts(**facts))
    assert d.chosen_rule == "law-30-b" and d.leniency.mandatory is True
    assert "normal" not in d.possible_outcomes and "不适用“可以”的规定时" not in d.summary
