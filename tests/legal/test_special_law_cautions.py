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


def test_no_caution_where_the_limitation_period_bars_the_case(engine):
    """治安管理处罚法 art. 22: six months; no 从重 circumstance revives a barred case."""
    late = {**SECURITY, "minor_violation": False, "harm": "serious", "corrected": "not_corrected", "first_offense": False,
            "discovered_date": date(2023, 10, 2), "decision_date": date(2023, 10, 20)}
    d = engine.evaluate(CaseFacts(**late))
    assert d.outcome == "no_penalty" and "security-22" in d.trace.overrides
    assert not _cautions(d, "十九") and not _cautions(d, "二十")


def test_article_19_is_said_on_normal_handling_of_a_security_case(engine):
    """19(一): 情节特别轻微的, 减轻处罚或者不予处罚 — a 依法处罚 answer under 行政处罚法 may miss it."""
    d = engine.evaluate(CaseFacts(**{**SECURITY, "corrected": "not_corrected", "first_offense": False}))
    assert d.outcome == "normal"
    found = _cautions(d, "十九")
    assert found and "情节特别轻微" in found[0] and not _cautions(d, "二十")


def test_food_67_not_before_the_regulation_nor_on_a_food_136_exemption(engine):
    """条例 art. 86: 自2019年12月1日起施行; 食品安全法 art. 136 exempts a trader who checked and did not know,
    whatever the 情节 — 67's 危害后果轻微/初次违法 caution does not concern it."""
    base = dict(domain="market", violated_law="中华人民共和国食品安全法", party_type="enterprise",
                minor_violation=True, harm="none", corrected="promptly", first_offense=True, circumstances=[],
                continuing=False)
    early = engine.evaluate(CaseFacts(**base, act_date=date(2019, 6, 1), discovered_date=date(2019, 6, 1),
                                      decision_date=date(2019, 7, 1)))
    assert early.outcome == "no_penalty" and not _cautions(early, "六十七")
    later = engine.evaluate(CaseFacts(**base, act_date=date(2022, 6, 1), discovered_date=date(2022, 6, 1),
                                      decision_date=date(2022, 7, 1)))
    assert later.outcome == "no_penalty" and _cautions(later, "六十七")
    exempt = engine.evaluate(CaseFacts(**{**base, "minor_violation": False, "harm": "serious", "corrected": "not_corrected",
                                          "first_offense": False, "subjective_fault": False,
                                          "special_law_facts": {"food_trader_noncompliant_food": True,
                                                                "food_purchase_checked_source_shown": True}},
                                       act_date=date(2022, 6, 1), discovered_date=date(2022, 6, 1),
                                       decision_date=date(2022, 7, 1)))
    assert exempt.outcome == "discretionary_no_penalty" and not _cautions(exempt, "六十七")


PUBLICATION = dict(domain="press_publication", violated_law="出版管理条例", party_type="individual_business", age=40,
                   act_date=date(2023, 3, 1), continuing=False, discovered_date=date(2023, 5, 1),
                   decision_date=date(2023, 6, 1), circumstances=[])


def test_article_69_without_proof_of_no_fault_is_said(engine):
    """出版管理条例 art. 69 has no knowledge element: a party at fault who explained the source (verified) may
    still get 减轻或者免除其他行政处罚 — the engine applies 69 only with no fault proven, and says so."""
    d = engine.evaluate(CaseFacts(**PUBLICATION, minor_violation=False, harm="serious", corrected="not_corrected",
                                  first_offense=False, subjective_fault=True))
    assert d.outcome == "normal"
    found = _cautions(d, "六十九")
    assert found and "不以当事人不知道为条件" in found[0]


def test_measures_of_a_special_rule_that_did_not_decide_are_said(engine):
    """33(1) decides (不予处罚) a minor, corrected, harmless case; 出版管理条例 art. 69 also applied (no fault,
    source verified) with 没收出版物、违法所得: that measure does not follow the answer — said."""
    d = engine.evaluate(CaseFacts(**PUBLICATION, minor_violation=True, harm="none", corrected="promptly",
                                  first_offense=True, subjective_fault=False,
                                  special_law_facts={"publication_illegal_distributed": True,
                                                     "publication_source_verified": True}))
    assert d.outcome == "no_penalty" and d.chosen_rule == "law-33-1a"
    assert any("没收出版物、违法所得" in w and "未随本结论适用" in w for w in d.warnings)


def test_no_caution_where_the_period_bars_the_case_whichever_rule_decides(engine):
    """治安管理处罚法 art. 22 (six months) bars the case; 33(1) also gives 不予处罚 and may decide: still no
    从重/减轻 caution (nothing revives a barred case)."""
    d = engine.evaluate(CaseFacts(**{**SECURITY, "discovered_date": date(2023, 10, 2), "decision_date": date(2023, 10, 20)}))
    assert d.outcome == "no_penalty" and "security-22" in d.trace.overrides
    assert not _cautions(d, "十九") and not _cautions(d, "二十")


def test_a_continuing_act_counts_by_its_end_for_the_caution_text(engine):
    """The 2012 治安 text governs acts that ended before 2026-01-01; 食品安全法实施条例 acts that ended from
    2019-12-01 (a continuing act is dated by its end, as law versions are: statutory.at_act_end)."""
    ended_later = {**SECURITY, "act_date": date(2025, 12, 1), "continuing": True, "act_end_date": date(2026, 2, 1),
                   "discovered_date": date(2026, 2, 1), "decision_date": date(2026, 2, 20)}
    d = engine.evaluate(CaseFacts(**ended_later))
    assert not _cautions(d, "十九") and not _cautions(d, "二十")
    food = dict(domain="market", violated_law="中华人民共和国食品安全法", party_type="enterprise", minor_violation=True,
                harm="none", corrected="promptly", first_offense=True, circumstances=[], act_date=date(2019, 6, 1),
                continuing=True, act_end_date=date(2020, 3, 1), discovered_date=date(2020, 3, 1),
                decision_date=date(2020, 4, 1))
    assert _cautions(engine.evaluate(CaseFacts(**food)), "六十七")


def test_no_caution_when_nothing_names_the_law_or_domain(engine):
    d = engine.evaluate(CaseFacts(**{**SECURITY, "domain": None, "violated_law": None}))
    assert d.outcome == "no_penalty"
    assert not [w for w in d.warnings if "规定“" in w and "本案如违反" in w]
