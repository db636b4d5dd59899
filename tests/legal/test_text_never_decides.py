"""A conduct text proposes a list item; it never decides one (a reviewer's adversarial cases).

Which list item a conduct is, is the officer's finding of the facts. A text can share most of an item's
words and still name another actor, licence or object, and the search's heuristics cannot tell every
such case (each review round found another). So an answer given only a conduct text names the item it
matches and asks it confirmed (`item_id`, the item as the option) wherever the item could be more
lenient than what the case already satisfies; a confirmed item_id decides.

The reviewer's cases, each answered 不予处罚 (firm) before, with no warning:
- 违反规定聘用童工 matched sd-2021/x01 (食盐定点生产、批发企业违反规定聘用相关人员, 食盐专营办法 第三十一条第二款:
  “食盐定点生产企业、食盐定点批发企业违反前款规定聘用人员的，由盐业主管部门责令改正”). Using child labour is
  禁止使用童工规定 第六条: “用人单位使用童工的，由劳动保障行政部门按照每使用一名童工每月处5000元罚款的标准给予处罚”.
- 药品经营许可证被吊销后未申请注销 matched sd-2021/x05 (a 食品生产许可's cancellation).
- 未将营业执照置于经营场所醒目位置 (no party type) matched sd-lenient-list/x01, an item of 个体工商户 only.
"""

import pytest

from penalty_rules.model.facts import CaseFacts

BASE = dict(act_date="2025-09-01", decision_date="2025-10-01", jurisdiction="371500", harm="none",
            first_offense=False, prior_offenses=[], corrected="promptly", circumstances=[])
CASES = [
    ("违反规定聘用童工", "sd-2021/x01", dict(party_type="enterprise")),
    ("违反规定聘用童工从事食品生产", "sd-2021/x01", dict(party_type="enterprise")),
    ("药品经营许可证被吊销后未申请注销", "sd-2021/x05", dict(party_type="enterprise")),
    ("未将营业执照置于经营场所醒目位置", "sd-lenient-list/x01", {}),
]


@pytest.mark.parametrize("conduct, item, extra", CASES, ids=[c[0] for c in CASES])
def test_a_matched_item_is_asked_not_applied(engine, conduct, item, extra):
    d = engine.evaluate(CaseFacts(conduct=conduct, **BASE, **extra))
    assert d.chosen_item is None and d.outcome == "undetermined", (d.outcome, d.chosen_item)
    asked = next(m for m in d.missing_facts if m.fact == "item_id")
    assert item in {o.value for o in asked.options}
    assert "normal" in d.possible_outcomes  # the conduct may be on no list: the law decides it
    assert any("检索结果不作为认定依据" in w or "未能明确对应" in w for w in d.warnings)


def test_the_confirmed_item_decides(engine):
    """The officer's answer (the item id) decides as the item: the item's own answer comes back."""
    facts = {**BASE, "first_offense": True}
    by_text = engine.evaluate(CaseFacts(conduct="药品零售企业未凭处方销售处方药", party_type="enterprise",
                                        **facts))
    asked = by_text.next_question
    assert asked.fact == "item_id" and [o.value for o in asked.options] == ["cn-samr-2025-1/x08", "none"]
    by_id = engine.evaluate(CaseFacts(item_id=asked.options[0].value, party_type="enterprise",
                                      **facts))
    assert by_id.chosen_item == "cn-samr-2025-1/x08" and by_id.outcome in by_text.possible_outcomes


def test_the_question_for_a_clear_match_says_it_is_the_closest_item(engine):
    """A re-reader: the item_id question said 未能明确对应 beside a warning saying the text matched that item."""
    facts = {**BASE, "first_offense": True}
    d = engine.evaluate(CaseFacts(conduct="药品零售企业未凭处方销售处方药", party_type="enterprise", **facts))
    asked = next(m for m in d.missing_facts if m.fact == "item_id")
    assert "最接近" in asked.question and "未能明确对应" not in asked.question
    unclear = engine.evaluate(CaseFacts(conduct="食品标签有小毛病不影响吃的安全", party_type="enterprise", **facts))
    asked = next(m for m in unclear.missing_facts if m.fact == "item_id")
    assert "未能明确对应" in asked.question
