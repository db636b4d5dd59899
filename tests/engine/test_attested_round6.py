"""The attested tags added in grammar round 6 (停止建设或恢复原状, 施工初期, 未造成水土流失危害后果, 没有实质性动工建设等
危害后果, 未严重损害劳动者权益): unknown and asked with their own question while unanswered, decided by the officer's answer, on
the reference and the durable-rules path alike (a copy of one tax item with the tag added, in tmp_path)."""

from datetime import date

import pytest

from penalty_rules.engine.durable_adapter import DurableMatcher
from penalty_rules.engine.engine import Engine
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.model.facts import CaseFacts
from penalty_rules.model.vocabulary import VOCABULARY
from tests.lists_fixtures import attested_lists

TODAY = date(2026, 11, 27)
TAGS = ("stopped_construction_or_restored", "early_construction_stage", "no_soil_erosion_harm",
        "no_substantive_construction_harm", "no_serious_harm_to_workers")
ITEM = "test-attested/01"
FACTS = dict(act_date="2023-03-20", decision_date="2023-04-10", discovered_date="2023-03-20", first_offense=True,
             harm="minor", corrected="within_deadline", party_type="enterprise", continuing=False)


@pytest.fixture(scope="module", params=TAGS)
def case(request, tmp_path_factory):
    tag = request.param
    corpus = load_corpus_strict(attested_lists(tmp_path_factory.mktemp(tag), (tag,)))
    return tag, {"reference": Engine(corpus), "durable": Engine(corpus, matcher=DurableMatcher(corpus))}


def _cond(d, tag):
    rule = next(r for r in d.trace.rules if r.rule == ITEM)
    return rule, next(c for c in rule.conditions if c.key == tag)


@pytest.mark.parametrize("path", ["reference", "durable"])
def test_asked_while_unknown(case, path):
    tag, engines = case
    assert VOCABULARY.conditions[tag].kind == "attested"
    d = engines[path].evaluate(CaseFacts(item_id=ITEM, **FACTS), today=TODAY)
    rule, cond = _cond(d, tag)
    assert cond.status == "unknown" and cond.label == VOCABULARY.conditions[tag].zh
    assert rule.satisfied is None and d.outcome == "undetermined"
    q = next(m for m in d.missing_facts if m.fact == f"attested.{tag}")
    assert q.question == VOCABULARY.conditions[tag].question and q.answer_type == "boolean"


@pytest.mark.parametrize("path", ["reference", "durable"])
@pytest.mark.parametrize("answer", [True, False])
def test_decided_by_the_answer(case, path, answer):
    tag, engines = case
    d = engines[path].evaluate(CaseFacts(item_id=ITEM, attested={tag: answer}, **FACTS), today=TODAY)
    assert not [w for w in d.warnings if "规则引擎与参考求值器结果不一致" in w]
    rule, cond = _cond(d, tag)
    assert cond.status == ("met" if answer else "not_met") and rule.satisfied is answer
    assert not any(m.fact == f"attested.{tag}" for m in d.missing_facts)
    if answer:
        assert d.outcome == "no_penalty"
