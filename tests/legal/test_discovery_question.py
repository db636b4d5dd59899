"""What counts as 发现 (行政处罚法 art. 36(1), 2017 art. 29(1)) is the officer's entry: the question must
say that a report or complaint dates it. 劳动保障监察条例 art. 20: “在2年内未被劳动保障行政部门发现，也未被
举报、投诉的，…不再查处” — a complaint within two years keeps a labour case punishable even when the
inspection came later. With the inspection date entered, the two years have run (不予处罚); with the
complaint date, they have not."""

from datetime import date

from penalty_rules.model.facts import CaseFacts

BASE = dict(domain="hr_social_security", party_type="enterprise", act_date=date(2022, 3, 1), continuing=False,
            decision_date=date(2024, 6, 1), minor_violation=False, harm="serious", corrected="not_corrected",
            first_offense=False, circumstances=[], safety_related=False)


def test_discovery_question_says_a_report_or_complaint_dates_it(engine):
    d = engine.evaluate(CaseFacts(**BASE))
    asked = {m.fact: m.question for m in d.missing_facts}
    assert "discovered_date" in asked
    assert "举报、投诉" in asked["discovered_date"] and "收到举报、投诉之日" in asked["discovered_date"]


def test_the_date_entered_decides_the_limitation(engine):
    """Guard (passes before and after the question's wording changed): why the wording matters."""
    inspected = engine.evaluate(CaseFacts(**BASE, discovered_date=date(2024, 4, 1)))  # 2 years + 1 month
    complained = engine.evaluate(CaseFacts(**BASE, discovered_date=date(2023, 12, 1)))  # within 2 years
    assert inspected.outcome == "no_penalty"
    assert complained.outcome == "normal"


def test_discovery_question_says_the_earliest_day_counts(engine):
    d = engine.evaluate(CaseFacts(**BASE))
    question = next(m.question for m in d.missing_facts if m.fact == "discovered_date")
    assert "最早的一日" in question
