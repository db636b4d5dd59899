"""What counts as 发现 (行政处罚法 art. 36(1), 2017 art. 29(1)) is the officer's entry (the question's wording
is tested in tests/engine/test_officer_text.py). 劳动保障监察条例 art. 20: “在2年内未被劳动保障行政部门发现，也未被
举报、投诉的，…不再查处” — a complaint within two years keeps a labour case punishable even when the
inspection came later. With the inspection date entered, the two years have run (不予处罚); with the
complaint date, they have not."""

from datetime import date

from penalty_rules.model.facts import CaseFacts

BASE = dict(domain="hr_social_security", party_type="enterprise", act_date=date(2022, 3, 1), continuing=False,
            decision_date=date(2024, 6, 1), minor_violation=False, harm="serious", corrected="not_corrected",
            first_offense=False, circumstances=[], safety_related=False)


def test_the_date_entered_decides_the_limitation(engine):
    """Guard (passes before and after the question's wording changed): why the wording matters."""
    inspected = engine.evaluate(CaseFacts(**BASE, discovered_date=date(2024, 4, 1)))  # 2 years + 1 month
    complained = engine.evaluate(CaseFacts(**BASE, discovered_date=date(2023, 12, 1)))  # within 2 years
    assert inspected.outcome == "no_penalty"
    assert complained.outcome == "normal"
