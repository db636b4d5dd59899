"""Engine.verdict, the answer without its explanation (what replay reads), is the answer of
Engine.evaluate: the same outcome, chosen item and rule, possible outcomes and missing facts in
asking order, on generated caseloads whose dates sit on the boundaries where answers change (law
versions, limitation periods, first-offence windows), with conduct texts and prior histories."""

from datetime import date

import pytest

from penalty_rules.engine.engine import Engine
from penalty_rules.errors import InvalidFacts
from penalty_rules.model.facts import CaseFacts
from penalty_rules.replay.caseload import Caseload
from penalty_rules.replay.projection import RowError, read_row
from penalty_rules.replay.runner import answer_of

TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def engine(corpus):
    return Engine(corpus)


@pytest.fixture(scope="module")
def answers(corpus):
    """The verdict on an engine of its own: no rule result the explained path cached is reused."""
    return Engine(corpus)


def _cases(corpus, seed, dense, n):
    out = []
    for row in Caseload(corpus, seed=seed, dense_dates=dense, today=TODAY).rows(n):
        try:
            out.append(read_row({k: v for k, v in row.items() if k != "case_ref"}))
        except RowError:
            continue
    return out


@pytest.mark.parametrize("seed,dense", [(3, True), (4, False)])
def test_verdict_is_the_answer_of_evaluate(corpus, engine, answers, seed, dense):
    cases = _cases(corpus, seed, dense, 3_000)
    assert len(cases) > 2_500
    undetermined = conduct = 0
    for facts in cases:
        try:
            expected = answer_of(engine.evaluate(facts, today=TODAY))
        except InvalidFacts as exc:  # the same refusal, from the same checks
            with pytest.raises(InvalidFacts) as err:
                answers.verdict(facts, today=TODAY)
            assert err.value.code == exc.code
            continue
        assert answers.verdict(facts, today=TODAY) == expected, facts.model_dump_json(exclude_none=True)
        undetermined += expected[0] == "undetermined"
        conduct += facts.item_id is None and facts.conduct is not None
    assert undetermined > 100  # the missing-fact order is compared on many cases
    assert conduct > 10  # conduct texts (item search) are compared too


def test_verdict_asks_the_conduct_first_without_item_or_conduct(answers):
    """Neither item nor conduct: the statutory rules still apply and stay open, and what the conduct
    is comes first (it selects the list items)."""
    facts = CaseFacts(act_date=date(2024, 3, 1), decision_date=date(2024, 6, 1), first_offense=True, harm="none",
                      corrected="within_deadline")
    outcome, item, rule, possible, missing = answers.verdict(facts)
    assert (outcome, item, rule) == ("undetermined", None, None)
    assert missing[0] == "conduct" and "minor_violation" in missing
    assert "no_penalty" in possible
