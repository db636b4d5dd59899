"""行政处罚法(2021-07-15) 第三十六条第一款: “违法行为在二年内未被发现的，不再给予行政处罚；涉及公民生命健康安全、
金融安全且有危害后果的，上述期限延长至五年。法律另有规定的除外。” The five years need both: a safety matter *and*
harm. An act without harm (harm: none) has two years, whatever else is said of it, and the officer is not asked
whether it is safety-related (the answer cannot change). safety_related is defined as the whole clause
(“涉及…且有危害后果”), so safety_related true beside harm none contradicts itself and is refused, naming the field."""

from datetime import date

import pytest
from pydantic import ValidationError

from penalty_rules.model.facts import INCONSISTENT_FACTS, CaseFacts

# act 2022-09-01, found 2025-01-01: more than two years, less than five
BASE = dict(domain="market", party_type="enterprise", minor_violation=False, corrected="not_corrected",
            first_offense=False, circumstances=[], act_date=date(2022, 9, 1), continuing=False,
            discovered_date=date(2025, 1, 1), decision_date=date(2025, 2, 1))


def test_no_harm_has_two_years_without_asking_safety(engine):
    d = engine.evaluate(CaseFacts(**BASE, harm="none"))  # safety_related unknown
    assert d.outcome == "no_penalty"
    assert "safety_related" not in [m.fact for m in d.missing_facts]


def test_no_harm_with_safety_said_is_refused():
    with pytest.raises(ValidationError) as e:
        CaseFacts(**BASE, harm="none", safety_related=True)
    err = e.value.errors()[0]
    assert err["type"] == INCONSISTENT_FACTS and err["ctx"]["field"] == "safety_related"


def test_harm_and_safety_keep_five_years(engine):
    """Guard: with harm, a safety matter keeps the five years (not barred)."""
    assert engine.evaluate(CaseFacts(**BASE, harm="minor", safety_related=True)).outcome != "no_penalty"
    assert engine.evaluate(CaseFacts(**BASE, harm="minor", safety_related=False)).outcome == "no_penalty"


def test_the_trace_shows_each_cases_own_safety_answer(engine):
    """Two cases alike but for safety_related (None / False), both with harm none (the answer is the same):
    each case's trace shows its own entry, not the first case's (the rule cache key holds what is shown)."""
    a = engine.evaluate(CaseFacts(**BASE, harm="none"))
    b = engine.evaluate(CaseFacts(**BASE, harm="none", safety_related=False))

    def shown(d):
        return [t.facts_used.get("safety_related", "absent") for r in d.trace.rules for t in r.conditions
                if "safety_related" in t.facts_used]
    assert shown(a) and set(shown(a)) == {None}
    assert shown(b) and set(shown(b)) == {False}
