"""初次违法 derived from a history the officer gave (prior_offenses, even empty) is said, not assumed
silently (a fact-removal hunt found 1,553 firm answers that an unknown first_offense with
`prior_offenses: []` turned lenient with nothing in the answer but, on the item path, derived_facts).
行政处罚法(2021) 第三十三条第一款: “初次违法且危害后果轻微并及时改正的，可以不予行政处罚” — 初次违法
is decisive: the answer must say it rests on the records."""

from datetime import date

from penalty_rules.model.facts import CaseFacts

TAX = dict(item_id="cn-tax-2021-6/03", act_date=date(2022, 1, 31), decision_date=date(2022, 3, 2),
           discovered_date=date(2022, 2, 10), continuing=False, safety_related=False, circumstances=[],
           party_type="individual", birth_date=date(1991, 12, 31), mental_condition="none", corrected="promptly",
           harm="minor", minor_violation=True, subjective_fault=True)
ECOLOGY = dict(domain="ecology", act_date=date(2023, 3, 1), decision_date=date(2023, 6, 1),
               discovered_date=date(2023, 3, 11), continuing=False, safety_related=False,
               circumstances=["eliminated_harm"], party_type="enterprise", corrected="within_deadline", harm="minor",
               minor_violation=True, subjective_fault=True)


def _said(d):
    return [w for w in d.warnings if "未填写是否初次违法" in w]


def test_an_item_decided_on_first_offence_derived_from_an_empty_history_says_so(engine):
    d = engine.evaluate(CaseFacts(**TAX, prior_offenses=[]))
    assert d.outcome == "no_penalty" and d.chosen_item == "cn-tax-2021-6/03"
    [w] = _said(d)
    assert "prior_offenses: []" in w and "已查询" in w and "同类违法 0 次" in w
    assert engine.evaluate(CaseFacts(**TAX, prior_offenses=[], first_offense=False)).outcome == "normal"


def test_article_33_1_on_a_derived_first_offence_says_so_and_records_it(engine):
    d = engine.evaluate(CaseFacts(**ECOLOGY, prior_offenses=[]))
    assert d.outcome == "discretionary_no_penalty"  # 33(1) second sentence
    assert _said(d)
    assert d.trace.derived_facts["first_offense"]["value"] is True  # not shown as the officer's answer only
    assert engine.evaluate(CaseFacts(**ECOLOGY, prior_offenses=[], first_offense=False)).outcome == "lighter_penalty"


def test_other_priors_not_counted_are_named(engine):
    other = {"conduct": "未按规定办理排污登记", "date": date(2021, 5, 6), "same_conduct": False}
    d = engine.evaluate(CaseFacts(**ECOLOGY, prior_offenses=[other]))
    [w] = _said(d)
    assert "同类违法 0 次" in w and "prior_offenses: []" not in w


def test_nothing_said_when_the_officer_answered_or_the_rule_does_not_read_it(engine):
    assert not _said(engine.evaluate(CaseFacts(**TAX, prior_offenses=[], first_offense=True)))
    strict = engine.evaluate(CaseFacts(**{**ECOLOGY, "harm": "serious", "minor_violation": False,
                                          "corrected": "not_corrected", "circumstances": []}, prior_offenses=[]))
    assert strict.outcome == "normal" and not _said(strict)
    unknown = engine.evaluate(CaseFacts(**ECOLOGY))  # no history, no answer: asked, not derived
    assert not _said(unknown) and unknown.outcome == "undetermined"
    assert "first_offense" in [m.fact for m in unknown.missing_facts]


def test_an_escalation_step_chosen_by_the_counted_priors_says_so(engine):
    """The e-vehicle practice (lc-practice-2022/ev-restricted-zone): 首次驶入 警告教育, then 依法处罚 — the
    step follows the count of earlier entries; with no first_offense given it rests on the records."""
    facts = dict(item_id="lc-practice-2022/ev-restricted-zone", party_type="individual", age=50,
                 act_date=date(2024, 3, 1), continuing=False, discovered_date=date(2024, 3, 2),
                 decision_date=date(2024, 3, 20), minor_violation=False, harm="minor", corrected="not_corrected",
                 subjective_fault=True, circumstances=[])
    d = engine.evaluate(CaseFacts(**facts, prior_offenses=[]))
    assert d.chosen_item == "lc-practice-2022/ev-restricted-zone"
    [w] = _said(d)
    assert "此前同项违法次数" in w and "prior_offenses: []" in w
    assert not _said(engine.evaluate(CaseFacts(**facts, prior_offenses=[], first_offense=True)))
