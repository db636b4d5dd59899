"""从重 and 情节严重 rules of special laws that a lenient answer must name (special-laws@3 `cautions`,
found by a legal review of the statute library; each row quotes its article — test_statutory_data
checks the quotes against the texts). The outcome is not changed (the circumstance is for the officer
to establish); the answer says the rule:
- 药品管理法(2019) art. 137: 有下列行为之一的，在本法规定的处罚幅度内从重处罚 …（四）生产、销售假药、劣药，造成人身
  伤害后果 … (in force 2019-12-01, art. 155);
- 公安机关办理行政案件程序规定 art. 160: 违法行为人有下列情形之一的，应当从重处罚 …（四）六个月内曾受过治安管理
  处罚或者一年内因同类违法行为受到两次以上公安行政处罚的 (every case the police decide, art. 2: road traffic too);
- 食品安全法实施条例 art. 67 also for a food item that names no law (a market case: said conditionally);
- 价格违法行为行政处罚规定 art. 17(2) (屡查屡犯 …), 消防法 art. 65 (不合格的消防产品: 依照产品质量法从重处罚),
  商标法 art. 60(2) (五年内实施两次以上商标侵权行为), 营业性演出管理条例 art. 53(3) (2年内2次受到行政处罚),
  化妆品生产经营监督管理办法 art. 61 (情节严重, from 2022-01-01, art. 66); 校车安全管理条例 48(2) and 50,
  乳品质量安全监督管理条例 58, 动物防疫法 109 (from 2021-05-01), 聊城市水环境保护条例 83(3) (from 2018-05-01)."""

from datetime import date

import pytest

from penalty_rules.model.facts import CaseFacts

BASE = dict(party_type="enterprise", act_date=date(2024, 5, 6), continuing=False, discovered_date=date(2024, 5, 6),
            decision_date=date(2024, 6, 3), minor_violation=True, harm="none", corrected="promptly",
            first_offense=True, circumstances=[])


def _said(d, law_words, article):
    return [w for w in d.warnings if law_words in w and f"第{article}条" in w and "从重" in w]


@pytest.mark.parametrize("domain,law,law_words,article", [
    ("drugs", "中华人民共和国药品管理法", "药品管理法", "一百三十七"),
    ("market", "中华人民共和国价格法", "价格违法行为行政处罚规定", "十七"),
    # 消防法 65(1): 由产品质量监督部门或者工商行政管理部门依照产品质量法从重处罚 — a market-authority case
    ("market", "中华人民共和国产品质量法", "消防法", "六十五"),
    ("ip", "中华人民共和国商标法", "商标法", "六十"),
    ("culture_tourism", "营业性演出管理条例", "营业性演出管理条例", "五十三"),
    ("road_traffic", "中华人民共和国道路交通安全法", "公安机关办理行政案件程序规定", "一百六十"),
    # 校车安全管理条例 48(2): 校车驾驶人违反…道路通行规定的，…依法从重处罚; art. 50: 校车载人超过核定人数的…从重处罚
    ("road_traffic", "校车安全管理条例", "校车安全管理条例", "四十八"),
    ("road_traffic", "校车安全管理条例", "校车安全管理条例", "五十"),
    # 乳品质量安全监督管理条例 58 (婴幼儿奶粉 …，依照本条例规定，从重处罚)
    ("market", "乳品质量安全监督管理条例", "乳品质量安全监督管理条例", "五十八"),
    # 动物防疫法(2021) 109: 造成人畜共患传染病传播、流行的，依法从重给予处分、处罚
    ("agriculture", "中华人民共和国动物防疫法", "动物防疫法", "一百零九"),
    # 聊城市水环境保护条例 83(3): 在特殊水体保护区内建设畜禽养殖场… 依照第七十九条第一款的规定从重处罚
    ("ecology", "聊城市水环境保护条例", "聊城市水环境保护条例", "八十三"),
])
def test_a_lenient_answer_under_the_law_names_its_aggravation_rule(engine, domain, law, law_words, article):
    d = engine.evaluate(CaseFacts(**{**BASE, "domain": domain, "violated_law": law}))
    assert d.outcome == "no_penalty"  # 33(1) first sentence: 轻微, 及时改正, 没有造成危害后果 — kept
    found = _said(d, law_words, article)
    assert found, d.warnings
    assert not found[0].startswith("本案如违反")  # the law is known: said as governing the case


def test_article_137_on_a_drug_case_given_lighter_penalty(engine):
    """137(四): 销售劣药造成人身伤害后果 — 从重 within the range; 从轻 under art. 32 must be re-checked."""
    d = engine.evaluate(CaseFacts(**{**BASE, "domain": "drugs", "violated_law": "中华人民共和国药品管理法",
                                     "minor_violation": False, "harm": "serious", "first_offense": True,
                                     "circumstances": ["eliminated_harm"], "subjective_fault": True}))
    assert d.outcome == "lighter_penalty"
    [w] = _said(d, "药品管理法", "一百三十七")
    assert "造成人身伤害后果" in w and "在本法规定的处罚幅度内从重处罚" in w


def test_article_137_not_said_for_acts_before_the_2019_law(engine):
    old = {**BASE, "domain": "drugs", "violated_law": "中华人民共和国药品管理法", "act_date": date(2019, 10, 8),
           "discovered_date": date(2019, 10, 8), "decision_date": date(2019, 11, 1)}
    assert not _said(engine.evaluate(CaseFacts(**old)), "药品管理法", "一百三十七")


def test_police_procedure_160_names_two_priors_in_a_year_on_the_parking_practice(engine):
    """The 聊城 parking practice (city practice, escalation by prior count) decided 不予 with two parking
    penalties in the past year: art. 160(四) 一年内因同类违法行为受到两次以上公安行政处罚 — 应当从重处罚."""
    priors = [{"conduct": "机动车违法停放, 被处罚款", "date": date(2023, 9, 4), "same_conduct": True},
              {"conduct": "机动车违法停放, 被处罚款", "date": date(2024, 1, 8), "same_conduct": True}]
    d = engine.evaluate(CaseFacts(item_id="lc-practice-2022/parking-notified", domain="road_traffic",
                                  party_type="individual", age=40, act_date=date(2024, 5, 6), continuing=False,
                                  discovered_date=date(2024, 5, 6), decision_date=date(2024, 5, 6),
                                  corrected="within_deadline", harm="none", first_offense=False, circumstances=[],
                                  minor_violation=True, prior_offenses=priors))
    assert d.outcome == "no_penalty"  # the practice's first step, as the list gives it: kept
    found = _said(d, "公安机关办理行政案件程序规定", "一百六十")
    assert found and "一年内因同类违法行为受到两次以上公安行政处罚" in found[0], d.warnings


def test_police_procedure_160_for_a_security_act_after_the_2026_revision(engine):
    """security-20 (the 2012 text) stops at 2026-01-01; the police's own procedure rule still says 从重."""
    d = engine.evaluate(CaseFacts(**{**BASE, "party_type": "individual", "age": 30, "domain": "public_security",
                                     "violated_law": "中华人民共和国治安管理处罚法", "act_date": date(2026, 3, 2),
                                     "discovered_date": date(2026, 3, 2), "decision_date": date(2026, 3, 20)}))
    assert d.outcome == "no_penalty"
    assert _said(d, "公安机关办理行政案件程序规定", "一百六十"), d.warnings


def test_food_67_on_a_food_item_that_names_no_law_is_said_conditionally(engine):
    """x05 (安排无健康证明的人员从事接触直接入口食品的工作, 食品安全法 art. 126 conduct) names no law: a
    continuing act of four months is 情节严重 under 67(一) (持续时间3个月以上)."""
    d = engine.evaluate(CaseFacts(item_id="cn-samr-2025-1/x05", domain="market", party_type="enterprise",
                                  act_date=date(2025, 9, 1), continuing=True, act_end_date=date(2026, 1, 5),
                                  discovered_date=date(2026, 1, 5), decision_date=date(2026, 2, 2), harm="minor",
                                  corrected="promptly", first_offense=True, circumstances=[]))
    assert d.outcome == "no_penalty"
    found = [w for w in d.warnings if "第六十七条" in w and "持续时间3个月以上" in w]
    assert found and found[0].startswith("本案如违反"), d.warnings


def test_cosmetics_rule_61_from_2022(engine):
    case = {**BASE, "domain": "drugs", "violated_law": "化妆品监督管理条例"}
    now = engine.evaluate(CaseFacts(**case))
    assert now.outcome == "no_penalty"
    found = [w for w in now.warnings if "化妆品生产经营监督管理办法" in w and "第六十一条" in w]
    assert found and "1年内又实施同一性质的违法行为" in found[0]
    old = engine.evaluate(CaseFacts(**{**case, "act_date": date(2021, 11, 1), "discovered_date": date(2021, 11, 1),
                                       "decision_date": date(2021, 12, 1)}))
    assert not [w for w in old.warnings if "化妆品生产经营监督管理办法" in w]


def test_no_aggravation_caution_on_normal_handling(engine):
    d = engine.evaluate(CaseFacts(**{**BASE, "domain": "drugs", "violated_law": "中华人民共和国药品管理法",
                                     "minor_violation": False, "harm": "serious", "corrected": "not_corrected",
                                     "first_offense": False}))
    assert d.outcome == "normal" and not _said(d, "药品管理法", "一百三十七")


def test_police_procedure_160_for_other_laws_the_police_enforce(engine):
    """Art. 2: every administrative case the police decide — 出境入境管理法 cases too (a re-reader found
    only 治安/道路交通 covered)."""
    d = engine.evaluate(CaseFacts(**{**BASE, "party_type": "individual", "age": 30, "domain": "public_security",
                                     "violated_law": "中华人民共和国出境入境管理法"}))
    assert d.outcome == "no_penalty"
    assert _said(d, "公安机关办理行政案件程序规定", "一百六十"), d.warnings


def test_fire_65_is_a_market_authority_rule_not_a_fire_rescue_one(engine):
    """消防法 65(1): 由产品质量监督部门或者工商行政管理部门…从重处罚; under 65(3) the 消防救援机构 only reports
    such products: a fire-rescue case without a named law is not told 65, a market case is (conditionally)."""
    fire = engine.evaluate(CaseFacts(**{**BASE, "domain": "fire_rescue"}))
    assert not _said(fire, "消防法", "六十五")
    market = engine.evaluate(CaseFacts(**{**BASE, "domain": "market"}))
    found = _said(market, "消防法", "六十五")
    assert found and found[0].startswith("本案如违反"), market.warnings


def test_food_67_names_the_articles_it_governs(engine):
    """67 covers 食品安全法 123–126 and 132 (and the regulation's 72, 73), not every food-law violation."""
    d = engine.evaluate(CaseFacts(**{**BASE, "domain": "market", "violated_law": "中华人民共和国食品安全法"}))
    [w] = [w for w in d.warnings if "第六十七条" in w]
    assert "本案如为食品安全法第一百二十三条至第一百二十六条、第一百三十二条" in w
