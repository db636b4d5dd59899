"""Every `examples` entry inside the bundled list files is a test."""

from datetime import date

import pytest

from penalty_rules.config import Settings
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.model.facts import CaseFacts

_corpus = load_corpus_strict(Settings.from_env().lists_dir)
EXAMPLES = [
    pytest.param(ref, ex, id=f"{ref.document.key}:{ref.item.id}:{ex.name}")
    for ref in _corpus.all_refs()
    for ex in ref.item.examples
]


def test_bundled_lists_carry_examples():
    assert len(EXAMPLES) >= 8


# Examples of published versions (which never change) whose expected answer is more lenient than the law:
# (version, item, example name) → (the law's answer, the fact it asks, why). 行政处罚法(2021) 第三十三条第一款:
# “违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。” lc-practice-2022 is a practice a white paper describes,
# no issuer's finding that the conduct is 轻微 (engine.premises): the officer is asked.
SUPERSEDED_BY_LAW = {
    ("lc-practice-2022@2022", "lc-practice-2022/parking-notified", "通知后按时驶离, 没有造成危害后果, 不予处罚"):
        ("undetermined", "minor_violation", "白皮书所述做法不是发文机关对违法行为轻微的认定"),
}


@pytest.mark.parametrize("ref, example", EXAMPLES)
def test_list_example(engine, ref, example):
    facts = dict(example.facts)
    facts.setdefault("item_id", ref.item.id)
    decision = engine.evaluate(CaseFacts(**facts), today=date(2026, 11, 27))
    law = SUPERSEDED_BY_LAW.get((ref.document.key, ref.item.id, example.name))
    if law is not None:
        assert (decision.outcome, decision.next_question.fact if decision.next_question else None) == law[:2], law[2]
        return
    assert decision.outcome == example.expected, decision.summary


def test_superseded_examples_exist():
    names = {(ref.document.key, ref.item.id, ex.name) for ref in _corpus.all_refs() for ex in ref.item.examples}
    assert set(SUPERSEDED_BY_LAW) <= names
