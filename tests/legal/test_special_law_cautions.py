"""Special laws' rules that may contradict a lenient answer without replacing a rule of 行政处罚法
(lists/statutory/special-laws.yaml, `cautions`): the answer keeps its outcome and says the rule.
- 治安管理处罚法(2012) art. 19: its own 减轻处罚或者不予处罚 (情节特别轻微; 主动消除违法后果 *并取得被侵害人谅解*;
  …) — not the conditions of 行政处罚法 art. 32 / 33(1); art. 20: 从重处罚 (…（四）六个月内曾受过治安管理处罚的).
- 食品安全法实施条例 art. 67: 货值金额2万元以上或者持续3个月以上 … 属情节严重; 对情节严重的违法行为处以罚款时，
  应当依法从重从严."""

from datetime import date

from penalty_rules.model.facts import CaseFacts

SECURITY = dict(domain="public_security", violated_law="中华人民共和国治安管理处罚法", party_type="individual", age=30,
                act_date=date(2023, 3, 1), continuing=False, discovered_date=date(2023, 3, 1),
                decision_date=date(2023, 3, 20), minor_violation=True, harm="none", corrected="promptly",
                first_offense=True, circumstances=[])


def _cautions(d, article):
    return [w for w in d.warnings if f"第{article}条规定“" in w]


def test_a_security_case_given_no_penalty_under_33_1_names_articles_19_and_20(engine):
    prior = {"conduct": "违反治安管理受到罚款处罚", "date": date(2022, 12, 1), "same_conduct": False}
    d = engine.evaluate(CaseFacts(**{**SECURITY, "first_offense": False, "prior_offenses": [prior]}))
    assert d.outcome == "no_penalty"  # 33(1): not changed by the caution
    nineteen, twenty = _cautions(d, "十九"), _cautions(d, "二十")
    assert nineteen and "取得被侵害人谅解" in nineteen[0] and "减轻处罚或者不予处罚" in nineteen[0]
    assert twenty and "六个月内曾受过治安管理处罚的" in twenty[0] and "从重处罚" in twenty[0]
    assert not nineteen[0].startswith("本案如违反")  # the law is known: said as governing


def test_the_law_unknown_in_a_security_domain_case_is_said_conditionally(engine):
    d = engine.evaluate(CaseFacts(**{**SECURITY, "violated_law": None}))  # found the same day: no period runs
    assert d.outcome == "no_penalty"
    assert all(w.startswith("本案如违反《中华人民共和国治安管理处罚法》") for w in _cautions(d, "二十"))
    assert _cautions(d, "二十")


def test_no_caution_on_normal_handling_or_for_another_law(engine):
    normal = engine.evaluate(CaseFacts(**{**SECURITY, "minor_violation": False, "harm": "serious",
                                           "corrected": "not_corrected", "first_offense": False}))
    assert normal.outcome == "normal" and not _cautions(normal, "二十")
    other = engine.evaluate(CaseFacts(**{**SECURITY, "domain": "market", "violated_law": "中华人民共和国广告法"}))
    assert other.outcome == "no_penalty" and not _cautions(other, "二十") and not _cautions(other, "六十七")


def test_the_2012_text_is_not_said_for_acts_under_the_revised_law(engine):
    later = {**SECURITY, "act_date": date(2026, 2, 2), "discovered_date": date(2026, 2, 2),
             "decision_date": date(2026, 2, 20)}
    d = engine.evaluate(CaseFacts(**later))
    assert not _cautions(d, "二十") and not _cautions(d, "十九")


def test_a_food_first_offence_names_what_the_regulation_calls_serious(engine):
    facts = dict(item_id="cn-samr-2025-1/x05", domain="market", violated_law="中华人民共和国食品安全法",
                 party_type="enterprise", act_date=date(2025, 9, 1), continuing=True, act_end_date=date(2026, 1, 5),
                 discovered_date=date(2026, 1, 5), decision_date=date(2026, 2, 2), harm="minor", corrected="promptly",
                 first_offense=True, circumstances=[])
    d = engine.evaluate(CaseFacts(**facts))
    assert d.outcome == "no_penalty" and d.chosen_item == "cn-samr-2025-1/x05"
    found = _cautions(d, "六十七")
    assert found and "货值金额2万元以上或者违法行为持续时间3个月以上" in found[0] and "从重从严" in found[0]
