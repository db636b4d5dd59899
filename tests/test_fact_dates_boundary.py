"""Dates at the HTTP boundary (an API fuzzer's findings).

- birth_date: the engine asks for it (当事人…的出生日期是哪一天?) but it was limited like act dates to 1990 on, so no
  party born before 1990 could answer; now any day a party of up to 150 years at an act from 1990 can have.
- A string of digits was read as a Unix timestamp ("1679270400" → 2023-03-20) in every date field.
- A discovered_date after today with no decision_date: 行政处罚法 第三十六条 counts two years to the discovery
  (“违法行为在二年内未被发现的，不再给予行政处罚”), so a discovery in 2099 gave 不予处罚; now refused like one after a given
  decision_date.
"""

import pytest
from pydantic import ValidationError

from penalty_rules.errors import InvalidFacts
from penalty_rules.model.facts import CaseFacts
from penalty_rules.model.facts_json import parse_facts_json


def test_a_party_born_before_1990_can_answer_the_birth_date_question():
    facts = parse_facts_json('{"item_id": "cn-tax-2021-6/03", "party_type": "individual", "birth_date": "1985-05-01"}')
    assert facts.birth_date.isoformat() == "1985-05-01"


@pytest.mark.parametrize("field, value", [("act_date", "1679270400"), ("decision_date", "1679270400000"),
                                          ("act_date", "2024-02-30"), ("birth_date", "700000000")])
def test_a_date_is_written_yyyy_mm_dd(field, value):
    with pytest.raises(ValidationError) as exc:
        parse_facts_json(f'{{"{field}": "{value}"}}')
    assert exc.value.errors()[0]["loc"] == (field,) and exc.value.errors()[0]["type"] == "date_parsing"


def test_a_prior_offences_date_too():
    with pytest.raises(ValidationError) as exc:
        parse_facts_json('{"prior_offenses": [{"item_id": "cn-tax-2021-6/03", "date": "1679270400"}]}')
    assert exc.value.errors()[0]["loc"] == ("prior_offenses", 0, "date")


def test_a_discovery_after_today_is_refused_when_the_decision_is_today(engine):
    facts = CaseFacts(item_id="cn-tax-2021-6/03", act_date="2020-01-01", discovered_date="2099-01-01", harm="none",
                      continuing=False)
    with pytest.raises(InvalidFacts) as exc:
        engine.evaluate(facts)
    assert exc.value.field == "discovered_date"


@pytest.mark.parametrize("body, text", [('{"birth_date": "1800-01-01"}', "不得小于 1840-01-01"),
                                        ('{"act_date": "1980-01-01"}', "不得小于 1990-01-01"),
                                        ('{"illegal_gains_yuan": 1e13}', "不得大于 1000000000000")])
def test_a_limit_reads_as_an_officer_writes_it(body, text):
    """A re-reader: the birth date's limit read 不得小于 datetime.date(1840, 1, 1) (and amounts 1000000000000.0)."""
    from penalty_rules.model.facts_json import validation_message_zh

    with pytest.raises(ValidationError) as exc:
        parse_facts_json(body)
    assert validation_message_zh(exc.value.errors()[0]) == text
