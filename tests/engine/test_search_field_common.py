"""A conduct text decides an item only when what it shares with the item is the item's conduct, not
words common in the item's field, the vehicle or party, a scene-setting clause, or the kind of goods
while naming other goods or other conduct (legal re-reading after b867d61).

Each text below was decided by the search as a lenient list item whose conduct it is not, e.g.
车主无证驾驶 as lc-practice-2022/parking-notified (机动车违法停放…, 不予处罚). 道路交通安全法(2021-04-29)
第九十九条 (shared/reference/statutes/行政法/道路交通安全法(2021-04-29).md): "有下列行为之一的，由公安机关交通
管理部门处二百元以上二千元以下罚款：（一）未取得机动车驾驶证…驾驶机动车的". 纳税人未按规定期限缴纳税款 was
decided as cn-tax-2021-6/03, whose conduct is 税收征收管理法(2015-04-24) 第六十二条 "纳税人未按照规定的期限
办理纳税申报和报送纳税资料的" — not paying tax in time is 第六十八条 ("在规定期限内不缴或者少缴应纳…税款，
经税务机关责令限期缴纳，逾期仍未缴纳的…可以处不缴或者少缴的税款百分之五十以上五倍以下的罚款").
Now each is asked (item_id) instead of decided."""

from datetime import date

import pytest

from penalty_rules.model.facts import CaseFacts

TODAY = date(2026, 11, 27)
FACTS = dict(act_date="2023-05-01", decision_date="2023-06-01", party_type="enterprise", first_offense=True,
             harm="minor", corrected="within_deadline", illegal_gains_yuan=0, minor_violation=True)
PERSON = dict(party_type="individual", age=30)


def run(engine, **facts):
    return engine.evaluate(CaseFacts(**{**FACTS, **facts}), today=TODAY)


def decided(d) -> str | None:
    prefix = "按违法行为描述检索, 最佳匹配 "
    if not d.trace.selection.startswith(prefix):
        return None
    return d.trace.selection.removeprefix(prefix).split()[0]


# (conduct, domain, the item it was wrongly decided as, extra facts)
WRONG = [
    ("车主无证驾驶", "road_traffic", "lc-practice-2022/parking-notified", PERSON),
    ("电动车闯红灯", "road_traffic", "lc-practice-2022/ev-restricted-zone", PERSON),
    ("电动车未戴头盔", "road_traffic", "lc-practice-2022/ev-restricted-zone", PERSON),
    ("电动车逆行", "road_traffic", "lc-practice-2022/ev-restricted-zone", PERSON),
    ("低速电动车无牌上路", "road_traffic", "lc-practice-2022/ev-restricted-zone", PERSON),
    ("纳税人未按规定期限缴纳税款", None, "cn-tax-2021-6/03", {}),
    ("纳税人未按规定期限缴纳税款", "tax", "cn-tax-2021-6/03", {}),
    ("纳税人未按规定安装税控装置", "tax", "cn-tax-2021-6/04", {}),
    ("纳税人未按规定使用税控装置", "tax", "cn-tax-2021-6/04", {}),
    ("纳税人未按规定办理税务登记", "tax", "cn-tax-2021-33/c12", {}),
    ("纳税人未按规定将财务会计制度报送税务机关备案", "tax", "cn-tax-2021-6/01", {}),
    ("销售不符合食品安全标准的食品", None, "cn-samr-2025-1/x03", {}),
    ("经营标签不符合食品安全标准的预包装食品", "market", "cn-samr-2025-1/x03", {}),
    ("经营超过保质期的化妆品", "market", "cn-samr-2025-1/x10", {}),
    ("虚假宣传保健食品功效", "market", "cn-samr-2025-1/x07", {}),
    ("危险废物露天堆放", "ecology", "sd-eco-2022/x05", {}),
    ("车辆超限运输", "transport", "mot-hf-list/01", {}),
    ("公司未按规定申请注销登记", "market", "sd-2021/x05", {}),
    ("员工健康证明过期仍上岗", "market", "cn-samr-2025-1/x10", {}),
    ("食品经营许可证过期了还在营业", "market", "cn-samr-2025-1/x10", {}),
]


@pytest.mark.parametrize("conduct, domain, wrong, extra", WRONG, ids=[f"{w[0]}@{w[1]}" for w in WRONG])
def test_field_words_vehicle_scene_or_other_goods_do_not_decide_the_item(engine, conduct, domain, wrong, extra):
    d = run(engine, conduct=conduct, domain=domain, **extra)
    assert decided(d) != wrong and d.chosen_item != wrong, (conduct, d.trace.selection, d.outcome)


@pytest.mark.parametrize("conduct, domain, item, extra", [
    ("食品经营许可证过期了还在营业", "market", "cn-samr-2025-1/x02", {}),    # 许可证过期 = 有效期届满
    ("员工健康证明过期仍上岗", "market", "cn-samr-2025-1/x05", {}),        # no valid 健康证明
    ("盐业批发企业录用了不符合条件的人员", "market", "sd-2021/x01", {}),     # 录用 = 聘用
    ("以欺骗手段取得公司登记", "market", "sd-mr-2024-reduced/x01", {}),
    ("虚假登记", "market", "sd-mr-2024-reduced/x01", {}),
    ("低速电动车驶入限行区域", "road_traffic", "lc-practice-2022/ev-restricted-zone", PERSON),
    ("老年代步车进了限行路段", "road_traffic", "lc-practice-2022/ev-restricted-zone", PERSON),
    ("机动车在人行道违停", "road_traffic", "lc-practice-2022/parking-notified", PERSON),
    ("经营不符合食品安全标准的食用农产品", "market", "cn-samr-2025-1/x03", {}),
    ("卖的蔬菜农药残留超标", "market", "cn-samr-2025-1/x03", {}),
    ("销售超过保质期的食品", "market", "cn-samr-2025-1/x10", {}),
    ("纳税人未按期申报", "tax", "cn-tax-2021-6/03", {}),
    ("税控开票数据逾期报送", "tax", "cn-tax-2021-6/04", {}),
    ("应取得发票而未取得", "tax", "cn-tax-2021-6/05", {}),
    ("排污登记没填", "ecology", "sd-eco-2022/x01", {}),
    ("个体户营业执照未公示", "market", "sd-lenient-list/x01", {"party_type": "individual_business"}),
])
def test_texts_naming_the_conduct_decide_it(engine, conduct, domain, item, extra):
    """Guards (and the restored answers: 许可证…过期/到期, 录用, 欺骗手段/虚假登记, which failed before)."""
    d = run(engine, conduct=conduct, domain=domain, **extra)
    assert decided(d) == item, (conduct, d.trace.selection)


def test_an_item_of_another_party_is_asked_not_decided(engine):
    """sd-lenient-list/x01 is 个体工商户未将营业执照置于经营场所醒目位置: for an enterprise (a re-reader's
    case) the text used to decide it (不予处罚, with only a warning); the item is not an enterprise's (its party
    premise, engine.premises), so it is not even asked: the law decides."""
    case = dict(conduct="公司营业执照未悬挂在经营场所醒目位置", domain="market", act_date="2025-03-01",
                continuing=False, discovered_date="2025-03-02", decision_date="2025-04-01", harm="none",
                first_offense=True, corrected="within_deadline", circumstances=[])
    d = engine.evaluate(CaseFacts(**case, party_type="enterprise"), today=TODAY)
    assert decided(d) is None and d.chosen_item is None and d.outcome == "undetermined", d.trace.selection
    assert "sd-lenient-list/x01" in [c.value for c in d.candidates]
    assert not [o for m in d.missing_facts if m.fact == "item_id" for o in m.options if o.value == "sd-lenient-list/x01"]
    assert "no_penalty" not in d.possible_outcomes or "minor_violation" in [m.fact for m in d.missing_facts]
    assert any("个体工商户" in w and "当事人却是企业" in w and "item_id" in w for w in d.warnings)
    # a 个体工商户: matched (and asked confirmed)
    d = engine.evaluate(CaseFacts(**case, party_type="individual_business"), today=TODAY)
    assert decided(d) == "sd-lenient-list/x01"


@pytest.mark.parametrize("conduct", ["药品经营许可证过期仍经营", "食品生产许可证过期仍生产", "许可证到期未续证继续经营"])
def test_another_or_an_unnamed_licence_does_not_decide_the_food_licence_item(engine, conduct):
    """x02 is the 食品经营许可证's term (食品安全法 art. 122 is production without a licence; 药品管理法 art.
    115 selling drugs without one): a 药品经营 or 食品生产 licence, or a 许可证 not named, is asked, never
    decided as x02 (a re-reader found the first two answered 不予处罚 under x02)."""
    d = run(engine, conduct=conduct, domain="market")
    assert decided(d) != "cn-samr-2025-1/x02" and d.chosen_item != "cn-samr-2025-1/x02", (d.outcome, d.trace.selection)


@pytest.mark.parametrize("conduct", ["非机动车违停", "电动自行车乱停乱放", "三轮车乱停"])
def test_a_vehicle_other_than_the_items_does_not_decide_it(engine, conduct):
    """The parking practice is 机动车违法停放 (聊城市道路交通安全条例 art. 42 is its rules for 机动车): a
    非机动车, an 电动自行车 or a 三轮车 (motor or not: unsaid) is asked, not decided as that item's 不予处罚
    (a re-reader found all three decided)."""
    d = run(engine, conduct=conduct, domain="road_traffic", **PERSON)
    assert decided(d) != "lc-practice-2022/parking-notified" and d.chosen_item != "lc-practice-2022/parking-notified"
    assert decided(run(engine, conduct="机动车违法停放", domain="road_traffic", **PERSON)) == \
        "lc-practice-2022/parking-notified"


def test_keeping_invoices_is_not_keeping_books(engine):
    """6/02 is 未按规定设置、保管账簿, 或未按规定保管记账凭证和有关资料 (税收征收管理法 art. 60); 发票 are
    governed apart (发票管理办法): 未按规定保管发票 is asked, not decided as 6/02 (a re-reader)."""
    d = run(engine, conduct="未按规定保管发票", domain="tax")
    assert decided(d) not in ("cn-tax-2021-6/02", "cn-tax-2021-33/02")
    assert decided(run(engine, conduct="未按规定保管账簿", domain="tax")) in ("cn-tax-2021-6/02", "cn-tax-2021-33/02")
