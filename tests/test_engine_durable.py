"""The production path (Engine.from_settings with durable-rules) decides like the reference path."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from penalty_rules.config import PROJECT_ROOT
from penalty_rules.engine.durable_adapter import DurableMatcher
from penalty_rules.engine.engine import Engine
from penalty_rules.model.facts import CaseFacts

MISMATCH = "规则引擎与参考求值器结果不一致"
TAX_DIR = PROJECT_ROOT / "lists" / "national" / "cn-tax-first-offense"


def _examples():
    out = []
    for path in sorted(Path(TAX_DIR).glob("*.yaml")):
        doc = yaml.safe_load(path.read_text("utf-8"))
        for item in doc["items"]:
            for ex in item.get("examples") or []:
                out.append(pytest.param(item["id"], ex["facts"], id=f"{path.stem}:{item['id']}:{ex['name']}"))
    return out


EXAMPLES = _examples()


@pytest.fixture(scope="module")
def engines():
    production = Engine.from_settings()
    reference = Engine.from_settings(use_durable=False)
    return production, reference


class CountingMatcher:
    """Wraps the production matcher to count its calls (no behaviour of its own)."""

    def __init__(self, inner):
        self.inner = inner
        self.calls = 0
        self.fired_total = 0

    def fired(self, facts, refs, first_offense_fn):
        self.calls += 1
        out = self.inner.fired(facts, refs, first_offense_fn)
        self.fired_total += len(out)
        return out


def test_tax_examples_exist():
    assert len(EXAMPLES) >= 3


def test_from_settings_builds_the_durable_matcher(engines):
    production, reference = engines
    assert isinstance(production.matcher, DurableMatcher)
    assert reference.matcher is None
    names = production.matcher.ruleset_names()
    assert any(k.startswith("cn-tax-first-offense@") for k in names)


@pytest.mark.parametrize("item_id,facts", EXAMPLES)
def test_tax_example_same_decision_with_and_without_durable(engines, item_id, facts):
    production, reference = engines
    case = CaseFacts.model_validate({"item_id": item_id, "decision_date": date(2025, 6, 1), **facts})
    got = production.evaluate(case)
    want = reference.evaluate(case)
    assert got.outcome == want.outcome
    assert not [w for w in got.warnings if MISMATCH in w]
    assert [w for w in got.warnings] == [w for w in want.warnings]


def test_the_matcher_is_really_consulted(engines):
    production, _ = engines
    counting = CountingMatcher(production.matcher)
    engine = Engine(production.corpus, statutes=production.statutes, matcher=counting, search=production.search)
    for param in EXAMPLES:
        item_id, facts = param.values
        case = CaseFacts.model_validate({"item_id": item_id, "decision_date": date(2025, 6, 1), **facts})
        decision = engine.evaluate(case)
        assert not [w for w in decision.warnings if MISMATCH in w]
    assert counting.calls == len(EXAMPLES)
    assert counting.fired_total > 0


VARIANTS = [
    {"first_offense": True, "harm": "minor", "corrected": "within_deadline", "illegal_gains_yuan": 0},
    {"first_offense": True, "harm": "none", "corrected": "before_discovery"},
    {"first_offense": False, "harm": "minor", "corrected": "within_deadline"},
    {"prior_offenses": [], "act_date": "2024-03-01", "harm": "minor", "corrected": "promptly"},
]


def test_every_tax_item_same_decision_with_and_without_durable(engines):
    production, reference = engines
    ids = sorted({r.item.id for r in production.corpus.all_refs() if r.document.id == "cn-tax-first-offense"})
    assert ids
    for item_id in ids:
        for facts in VARIANTS:
            case = CaseFacts.model_validate({"item_id": item_id, "decision_date": date(2025, 6, 1), **facts})
            got, want = production.evaluate(case), reference.evaluate(case)
            assert got.outcome == want.outcome, (item_id, facts)
            assert not [w for w in got.warnings if MISMATCH in w], (item_id, facts)
