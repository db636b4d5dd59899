"""`decided_by`: the key of the version whose rule decided the answer — the deciding item's list version, else
the law version of the statutory rule that decided — and null when no rule decided (undetermined). Expected
values are read from the lists' dates and the statute text, not from the engine."""

from datetime import date

from penalty_rules.model.facts import CaseFacts

TAX = dict(item_id="cn-tax-2021-6/03", first_offense=True, harm="minor", corrected="within_deadline")


def test_a_list_item_decides(engine):
    # lists/national/cn-tax-first-offense/2021-33.yaml: effective_from 2022-01-01, superseding 2021-6 (2021-04-01);
    # an act and a decision of 2023 fall under 2021-33 only, whose item 3 (首违不罚) the facts meet
    d = engine.evaluate(CaseFacts(**TAX, act_date=date(2023, 3, 20), decision_date=date(2023, 4, 10)))
    assert d.chosen_item == "cn-tax-2021-6/03"
    assert d.decided_by == "cn-tax-first-offense@2021-33"
    assert d.decided_by in d.rulesets


def test_a_statute_decides_without_a_list_item(engine):
    # 行政处罚法(2021-01-22) 第三十六条: "违法行为在二年内未被发现的，不再给予行政处罚；涉及公民生命健康安全、金融安全且
    # 有危害后果的，上述期限延长至五年。" An act of 2021-09-01 (after the 2021 text took effect on 2021-07-15), no harm
    # (so two years), not continuing, discovered 2024-03-01: two years have run — 不再给予行政处罚, whatever the item
    d = engine.evaluate(CaseFacts(jurisdiction="371502", domain="market", act_date=date(2021, 9, 1),
                                  discovered_date=date(2024, 3, 1), harm="none", continuing=False,
                                  decision_date=date(2024, 4, 1)))
    assert d.outcome == "no_penalty" and d.chosen_item is None
    assert d.decided_by == "xzcf@2021"
    assert d.decided_by in d.rulesets


def test_nothing_decides_an_undetermined_case(engine):
    # no act date, no conduct: neither the limitation of art. 36 nor any item can be settled
    d = engine.evaluate(CaseFacts(jurisdiction="371502", domain="market", decision_date=date(2024, 4, 1)))
    assert d.outcome == "undetermined"
    assert d.decided_by is None


def test_a_row_of_the_special_law_table_decides(engine):
    # 聊城市道路交通安全条例(2021-12-03) 第七十五条第二款: "因让行而产生的违反交通信号灯、交通标志、标线等行为，不予处罚。"
    # — a row of lists/statutory/special-laws.yaml (lc-traffic-75, in force for decisions from 2024-07-25), not a
    # rule of 行政处罚法: the table's version decided (tests/legal/test_lc_traffic_yield.py has the case)
    d = engine.evaluate(CaseFacts(
        jurisdiction="371502", domain="road_traffic", violated_law="中华人民共和国道路交通安全法", party_type="individual",
        age=35, act_date=date(2025, 5, 6), continuing=False, discovered_date=date(2025, 5, 6),
        decision_date=date(2025, 5, 20), minor_violation=False, harm="none", corrected="not_corrected",
        first_offense=False, circumstances=[], special_law_facts={"lc_traffic_yield_emergency": True}))
    special = engine.corpus.statutory.special
    assert d.outcome == "no_penalty" and d.chosen_item is None
    assert d.decided_by == f"{special.id}@{special.version}"
    assert d.decided_by in d.rulesets
