"""Conditions the officer attests (vocabulary kind: attested, CaseFacts.attested): unknown while
unanswered and asked with the vocabulary's Chinese question; true / false once answered; one answer
decides every item using the tag; the durable-rules path decides like the reference evaluator.

The lists are a copy of one national tax item with an attested tag added to its conditions (in
tmp_path: the bundled lists are never changed)."""

from datetime import date

import pytest
from pydantic import ValidationError

from penalty_rules.engine.conditions import FactView, missing_fact_names, raw_reader, tag_value
from penalty_rules.engine.durable_adapter import DurableMatcher
from penalty_rules.engine.engine import Engine
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.model.facts import CaseFacts
from penalty_rules.model.facts_json import parse_facts_json
from penalty_rules.model.vocabulary import VOCABULARY
from tests.lists_fixtures import attested_lists

TODAY = date(2026, 11, 27)
TAG = "prior_violations_handled"
OTHER = "fines_paid"
ITEM, SECOND = "test-attested/01", "test-attested/02"
# every other condition of the item met, and the facts the agency establishes settled
FACTS = dict(act_date="2023-03-20", decision_date="2023-04-10", discovered_date="2023-03-20", first_offense=True,
             harm="minor", corrected="within_deadline", party_type="enterprise", continuing=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return load_corpus_strict(attested_lists(tmp_path_factory.mktemp("attested"), (TAG, OTHER)))


@pytest.fixture(scope="module")
def engines(corpus):
    return {"reference": Engine(corpus), "durable": Engine(corpus, matcher=DurableMatcher(corpus))}


def _rule(decision, rule_id):
    return next(r for r in decision.trace.rules if r.rule == rule_id)


def _cond(decision, rule_id, key):
    return next(c for c in _rule(decision, rule_id).conditions if c.key == key)


@pytest.mark.parametrize("path", ["reference", "durable"])
def test_unanswered_is_unknown_and_asked_in_chinese(engines, path):
    d = engines[path].evaluate(CaseFacts(item_id=ITEM, **FACTS), today=TODAY)
    cond = _cond(d, ITEM, TAG)
    assert cond.status == "unknown" and cond.label == VOCABULARY.conditions[TAG].zh
    assert cond.facts_used == {f"attested.{TAG}": None}
    assert _rule(d, ITEM).satisfied is None and d.outcome == "undetermined"
    q = next(m for m in d.missing_facts if m.fact == f"attested.{TAG}")
    assert q.question == VOCABULARY.conditions[TAG].question and "以往的违法行为" in q.question
    assert q.answer_type == "boolean" and [o.value for o in q.options] == [True, False]
    assert [o.label for o in q.options] == ["是", "否"] and ITEM in q.needed_by


@pytest.mark.parametrize("path", ["reference", "durable"])
@pytest.mark.parametrize("answer", [True, False])
def test_answered_decides_the_condition(engines, path, answer):
    d = engines[path].evaluate(CaseFacts(item_id=ITEM, attested={TAG: answer}, **FACTS), today=TODAY)
    assert not [w for w in d.warnings if "规则引擎与参考求值器结果不一致" in w]  # durable-rules agrees
    cond = _cond(d, ITEM, TAG)
    assert cond.status == ("met" if answer else "not_met") and cond.facts_used == {f"attested.{TAG}": answer}
    assert _rule(d, ITEM).satisfied is answer
    assert not any(m.fact == f"attested.{TAG}" for m in d.missing_facts)
    if answer:  # the item's other conditions are met: its own outcome
        assert d.outcome == _rule(d, ITEM).outcome == "no_penalty"
    else:
        assert d.outcome != "undetermined" and ITEM not in {r.rule for r in d.trace.rules if r.satisfied}


@pytest.mark.parametrize("path", ["reference", "durable"])
def test_one_answer_decides_every_item_using_the_tag(engines, path):
    facts = CaseFacts(item_id=SECOND, attested={TAG: True}, **FACTS)
    d = engines[path].evaluate(facts, today=TODAY)
    assert _cond(d, SECOND, TAG).status == "met" and _cond(d, SECOND, OTHER).status == "unknown"
    assert [m.fact for m in d.missing_facts if m.fact.startswith("attested.")] == [f"attested.{OTHER}"]
    d = engines[path].evaluate(facts.model_copy(update={"attested": {TAG: True, OTHER: True}}), today=TODAY)
    assert _rule(d, SECOND).satisfied is True and d.outcome == "no_penalty"


def test_absence_is_unknown_not_false():
    for tag in VOCABULARY.attested:
        for facts in (CaseFacts(), CaseFacts(attested={}), CaseFacts(attested={t: True for t in VOCABULARY.attested
                                                                                if t != tag})):
            view = FactView(facts, True)
            assert view.tag(tag)[0] is None and tag_value(tag)(facts, True) is None
            assert raw_reader(tag)(facts, True) is None
        assert missing_fact_names(tag) == [f"attested.{tag}"]
        for answer in (True, False):
            facts = CaseFacts(attested={tag: answer})
            assert FactView(facts, None).tag(tag) == (answer, {f"attested.{tag}": answer})
            assert tag_value(tag)(facts, None) is answer and raw_reader(tag)(facts, None) is answer


def test_attested_keys_are_checked_against_the_vocabulary():
    with pytest.raises(ValidationError) as exc:
        parse_facts_json('{"attested": {"cooperated": true}}')
    err = exc.value.errors()[0]
    assert err["loc"] == ("attested",)
    message = str(err["ctx"]["error"])
    assert "attested" in message and "不是由执法人员认定的条件标签" in message and "circumstances" in message
    with pytest.raises(ValidationError) as exc:  # strict JSON: 1 is not true
        parse_facts_json('{"attested": {"fines_paid": 1}}')
    assert exc.value.errors()[0]["loc"] == ("attested", "fines_paid")
    assert parse_facts_json('{"attested": {"fines_paid": false}}').attested == {"fines_paid": False}


def test_vocabulary_kind_and_facts_agree():
    from penalty_rules.model.vocabulary import ConditionDef

    assert VOCABULARY.attested and all(d.facts == ["attested"] for d in VOCABULARY.attested.values())
    # besides the attested tags, only the engine's premises (engine.premises) have a kind
    assert {t: d.kind for t, d in VOCABULARY.conditions.items() if t not in VOCABULARY.attested and d.kind} \
        == {"minor_not_denied": "premise", "serious_harm_not_found": "premise",
            "party_individual_business": "premise", "party_business": "premise"}
    assert "circumstances" not in {f for d in VOCABULARY.attested.values() for f in d.facts}
    for bad in (dict(kind="attested", facts=["circumstances"]), dict(facts=["attested"])):
        with pytest.raises(ValidationError):
            ConditionDef(zh="测试", question="是否测试?", **bad)


@pytest.mark.parametrize("key", ["Fines_paid", "", "fines-paid"])
def test_wrong_attested_keys_get_the_vocabulary_message(key):
    # not a generic pattern message: the officer is told which tags there are
    with pytest.raises(ValidationError) as exc:
        parse_facts_json('{"attested": {"%s": true}}' % key)
    err = exc.value.errors()[0]
    assert err["loc"] == ("attested",) and err["type"] == "value_error"
    message = str(err["ctx"]["error"])
    assert "不是由执法人员认定的条件标签" in message and all(t in message for t in VOCABULARY.attested)


def test_null_attested_answer_says_to_leave_the_key_out():
    with pytest.raises(ValidationError) as exc:
        parse_facts_json('{"attested": {"fines_paid": null}}')
    err = exc.value.errors()[0]
    assert err["loc"] == ("attested", "fines_paid") and "未认定的请不填该键" in str(err["ctx"]["error"])


def test_questions_say_how_to_answer_with_nothing_earlier():
    # "all earlier violations handled / all earlier fines paid" is met when there are none: the question
    # must say so, else an officer with a first-time party does not know what to answer
    handled = VOCABULARY.conditions["prior_violations_handled"].question
    paid = VOCABULARY.conditions["fines_paid"].question
    assert "没有以往违法行为" in handled and "“是”" in handled
    assert "未被罚款" in paid and "“是”" in paid


def test_attested_view_is_computed_once_and_read_only():
    assert VOCABULARY.attested is VOCABULARY.attested
    with pytest.raises(TypeError):
        VOCABULARY.attested["x"] = None


def test_missing_fact_description_names_attested():
    from penalty_rules.model.decision import MissingFact

    assert "attested.<" in MissingFact.model_fields["fact"].description
