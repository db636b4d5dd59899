"""A prior dated on the act's own day (third-round review, F1): it may be an earlier violation that
day or this case's own record; the date cannot tell, so it is asked, never dropped.

- 聊城 e-vehicle practice (lc-practice-2022/ev-restricted-zone, its conditions text: 首次…警告教育, 第二次
  的依法处罚): one same-day entry counted as none gave 警告/教育 instead of 依法处罚.
- 税务首违不罚清单 item cn-tax-2021-6/03 (首次发生): a same-day prior gave a firm 不予处罚.
行政处罚法(2021) 第三十三条第一款 reads 初次违法 the same way: an earlier violation of that day is one."""

from datetime import date

import pytest

from penalty_rules.model.facts import CaseFacts

TODAY = date(2026, 11, 30)
EV = "lc-practice-2022/ev-restricted-zone"
TAX = "cn-tax-2021-6/03"
EV_FACTS = dict(item_id=EV, party_type="individual", age=45, minor_violation=False, harm="none",
                corrected="not_corrected", act_date="2024-03-01", decision_date="2024-05-01", circumstances=[],
                continuing=False)
TAX_FACTS = dict(item_id=TAX, party_type="enterprise", harm="minor", corrected="within_deadline",
                 minor_violation=False, act_date="2024-03-01", decision_date="2024-05-01", circumstances=[],
                 continuing=False)


def run(engine, base, **prior):
    return engine.evaluate(CaseFacts(**base, prior_offenses=[{"item_id": base["item_id"], **prior}]), today=TODAY)


@pytest.mark.parametrize("base", [EV_FACTS, TAX_FACTS], ids=["ev-practice", "tax-first"])
def test_a_same_day_prior_is_asked_not_dropped(engine, base):
    d = run(engine, base, date="2024-03-01")
    assert d.outcome == "undetermined", (d.outcome, d.chosen_rule)
    assert "prior_offenses[0].before_act" in [m.fact for m in d.missing_facts]
    q = next(m for m in d.missing_facts if m.fact == "prior_offenses[0].before_act")
    assert "同日" in q.question and q.answer_type == "boolean"
    # the day before: an earlier violation, the same answer as a same-day one the officer says came first
    earlier = run(engine, base, date="2024-02-29")
    same_day_first = run(engine, base, date="2024-03-01", before_act=True)
    assert earlier.outcome == same_day_first.outcome == "normal"


@pytest.mark.parametrize("base", [EV_FACTS, TAX_FACTS], ids=["ev-practice", "tax-first"])
def test_a_same_day_record_of_this_case_itself_is_not_a_prior(engine, base):
    itself = run(engine, base, date="2024-03-01", before_act=False)
    none = engine.evaluate(CaseFacts(**base, prior_offenses=[]), today=TODAY)
    assert itself.outcome == none.outcome != "undetermined"
    assert itself.outcome != "normal"  # first entry / 首次: the list's lenient answer


CONTINUING = dict(EV_FACTS, act_date="2023-03-01", act_end_date="2023-05-01", continuing=True,
                  decision_date="2023-05-02", discovered_date="2023-05-01")


@pytest.mark.parametrize("day", ["2023-04-01", "2023-05-01"])
def test_a_prior_within_a_continuing_act_is_asked(engine, day):
    """(re-reader) A continuing act lasts to its end: a same-item record dated within it may be an earlier,
    separate violation or this act's own record — it was dropped, giving the first entry's 警告/教育."""
    d = run(engine, CONTINUING, date=day)
    assert d.outcome == "undetermined", (d.outcome, d.measures)
    q = next(m for m in d.missing_facts if m.fact == "prior_offenses[0].before_act")
    assert "持续期间" in q.question
    assert run(engine, CONTINUING, date=day, before_act=True).outcome == "normal"
    assert run(engine, CONTINUING, date=day, before_act=False).outcome != "normal"


def test_a_prior_after_a_continuing_act_ended_does_not_count(engine):
    after = run(engine, CONTINUING, date="2023-05-02")
    none = engine.evaluate(CaseFacts(**CONTINUING, prior_offenses=[]), today=TODAY)
    assert after.outcome == none.outcome != "undetermined"
