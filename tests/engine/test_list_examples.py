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


@pytest.mark.parametrize("ref, example", EXAMPLES)
def test_list_example(engine, ref, example):
    facts = dict(example.facts)
    facts.setdefault("item_id", ref.item.id)
    decision = engine.evaluate(CaseFacts(**facts), today=date(2026, 11, 27))
    assert decision.outcome == example.expected, decision.summary
