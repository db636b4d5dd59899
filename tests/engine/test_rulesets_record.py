"""A decision's `rulesets` (what the audit record keeps) name the versions the answer was read from, with their
content hashes: the deciding item's list version first, other versions whose items applied to the case, the law
versions and, when one of its rows governed, the special-law table — never a version not in force for the case
(it decided nothing; a draft's hash changes when it is published and would point at content that exists nowhere)."""

from datetime import date

from penalty_rules.model.facts import CaseFacts

CASE = dict(item_id="cn-tax-2021-6/03", first_offense=True, harm="minor", corrected="within_deadline")


def test_a_version_not_in_force_for_the_case_is_not_recorded(engine):
    # 2021-6 was in force 2021-04-01..2021-12-31; an act and a decision of 2023 are under 2021-33 only
    d = engine.evaluate(CaseFacts(**CASE, act_date=date(2023, 3, 20), decision_date=date(2023, 4, 10)))
    assert d.outcome == "no_penalty"
    assert list(d.rulesets)[0] == "cn-tax-first-offense@2021-33"
    assert "cn-tax-first-offense@2021-6" not in d.rulesets
    assert d.rulesets["cn-tax-first-offense@2021-33"] == engine.corpus.hashes["cn-tax-first-offense@2021-33"]


def test_the_special_law_table_is_recorded_when_a_row_governed(engine):
    """税收征收管理法 86 (five years) governs a tax case's limitation (trace.overrides: tax-86)."""
    d = engine.evaluate(CaseFacts(**CASE, act_date=date(2020, 1, 10), discovered_date=date(2023, 3, 1),
                                  decision_date=date(2023, 4, 10)))
    assert "tax-86" in d.trace.overrides
    special = engine.corpus.statutory.special
    key = f"{special.id}@{special.version}"
    assert d.rulesets[key] == engine.corpus.hashes[key]
