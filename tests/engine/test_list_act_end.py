"""A list version is read at the end of a continuing act, as the law versions, art. 30 ages and the
limitation period are (行政处罚法 art. 36(2): 违法行为有连续或者继续状态的, 从行为终了之日起计算; the
project's reading for the time of the act), third legal review finding 2. The bundled lists that
lapse do so in 2027 (鲁环发〔2022〕13号: 有效期至 2027-07-31), after the legal cases' today: here the
Shandong ecology list is made to lapse on 2024-08-01 — a date of this test only, not legal content."""

from datetime import date

import pytest

from penalty_rules.engine.engine import Engine
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.facts import CaseFacts

ECO = "sd-eco-2022@2022"
BASE = {"item_id": "sd-eco-2022/x01", "custom_conditions": {"custom_12e8ed14a5": True}, "party_type": "enterprise",
        "act_date": date(2024, 6, 1), "decision_date": date(2024, 10, 1), "corrected": "promptly", "harm": "none",
        "first_offense": False, "circumstances": []}


@pytest.fixture(scope="module")
def lapsed(corpus) -> Engine:
    docs = [d.model_copy(update={"effective_to": date(2024, 8, 1)}) if d.key == ECO else d for d in corpus.documents]
    changed = Corpus(corpus.registry, docs, corpus.hashes)
    assert changed.end_of(changed.document(ECO)) == date(2024, 8, 1)
    return Engine(changed)


def _answer(engine, **facts):
    d = engine.evaluate(CaseFacts(**{**BASE, **facts}))
    return d.outcome, d.chosen_item, [m.fact for m in d.missing_facts]


def test_a_continuing_act_that_ended_after_the_list_lapsed_is_not_under_it(lapsed):
    outcome, item, missing = _answer(lapsed, continuing=True, act_end_date=date(2024, 9, 1))
    # neither at the act's end nor at the decision is the list in force: 33(1) decides, and it needs
    # the agency's finding that the act is 轻微
    assert (outcome, item) == ("undetermined", None) and "minor_violation" in missing
    assert lapsed.verdict(CaseFacts(**{**BASE, "continuing": True, "act_end_date": date(2024, 9, 1)}))[0] == "undetermined"


def test_an_act_that_may_have_gone_on_past_the_lapse_waits_for_its_end(lapsed):
    outcome, _, missing = _answer(lapsed)  # continuing unknown
    assert outcome == "undetermined" and "continuing" in missing
    outcome, _, missing = _answer(lapsed, continuing=True)  # continuing, end unknown
    assert outcome == "undetermined" and "act_end_date" in missing


@pytest.mark.parametrize("how", [{"continuing": False}, {"continuing": True, "act_end_date": date(2024, 7, 31)},
                                 {"continuing": True, "act_end_date": date(2024, 6, 1)}])
def test_an_act_over_before_the_lapse_is_under_the_list(lapsed, how):
    assert _answer(lapsed, **how)[:2] == ("no_penalty", "sd-eco-2022/x01")


def test_a_list_in_force_at_the_decision_applies_whatever_the_end(engine):
    # the bundled list (to 2027-08-01) is in force on the decision date: 从旧兼从轻 takes it either way
    assert _answer(engine)[:2] == ("no_penalty", "sd-eco-2022/x01")
