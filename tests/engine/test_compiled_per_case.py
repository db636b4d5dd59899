"""The per-case work compiled once (issue 12, single-case speed) gives what the plain code gives:
the inline tag expressions of the durable-rules fact writers (one generated writer per ruleset),
and the item conditions evaluated from (facts, 首违) without a FactView unless a trace is made."""

import random

from penalty_rules.config import Settings
from penalty_rules.engine import reference
from penalty_rules.engine.conditions import TAG_EXPRESSION_NAMES, FactView, tag_expression, tag_value
from penalty_rules.engine.premises import effective_conditions
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.model.vocabulary import VOCABULARY
from tests.engine.fast_cases import varied_cases

CORPUS = load_corpus_strict(Settings.from_env().lists_dir)
CASES = varied_cases(CORPUS, 600, seed=31)


def test_inline_tag_expressions_equal_the_value_functions():
    inlined = [t for t in sorted(VOCABULARY.conditions) if tag_expression(t) is not None]
    assert {"first_offense", "corrected_promptly", "no_harm", "minor_harm", "minor_not_denied"} <= set(inlined)
    for tag in inlined:
        code = compile(tag_expression(tag), tag, "eval")
        for facts in CASES:
            for first in (True, False, None):
                got = eval(code, {**TAG_EXPRESSION_NAMES, "f": facts, "first": first})  # noqa: S307 - our own text
                # against the explained evaluator (FactView), written apart: tag_value is made from the same text
                want = FactView(facts, first).tag(tag)[0]
                assert got == want and type(got) is type(want), (tag, facts.model_dump_json(exclude_none=True))
                assert tag_value(tag)(facts, first) == want


def test_item_conditions_from_facts_equal_a_cold_evaluation():
    refs = [r for r in CORPUS.all_refs() if r.document.binding_level]
    rnd = random.Random(3)
    for facts in CASES:
        ref = rnd.choice(refs)
        conditions = effective_conditions(ref.item, ref.document.citable)
        first = rnd.choice([True, False, None])
        warm = reference.evaluate_facts(conditions, facts, first)
        again = reference.evaluate_facts(conditions, facts, first)
        assert again.traces is not warm.traces and again.missing is not warm.missing
        warm.traces.append(None)  # what the engine may do to a result of its own
        warm.missing["item_id"] = "candidate"
        reference._PLANS.clear()
        reference._TRACES.clear()
        cold = reference.evaluate_conditions(conditions, FactView(facts, first))
        memo = reference.evaluate_facts(conditions, facts, first)
        for got in (again, memo):
            assert (got.satisfied, [t.model_dump() for t in got.traces], got.missing) == \
                (cold.satisfied, [t.model_dump() for t in cold.traces], cold.missing)


def test_generated_fact_writer_equals_the_field_by_field_reading():
    """RulesetGroup.fact_body (the generated writer) against the fact written field by field from
    tag_value / quantity_value, for every ruleset of the bundled lists."""
    import json
    import math

    from penalty_rules.engine import durable_adapter as da
    from penalty_rules.engine.conditions import quantity_value

    def by_fields(group, facts, first):
        event = {da.ALWAYS: True}
        for tag in group.tags:
            value = tag_value(tag)(facts, first)
            if value is not None:
                event[tag] = value
        for key in group.customs:
            value = (facts.custom_conditions or {}).get(key)
            if value is True or value is False:
                event[key] = value
        for name, bounds in group.quantities.items():
            value = quantity_value(name)(facts)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            event[name] = value if da._plain(value) else da._stand_in(value, bounds)
        return json.dumps(event, ensure_ascii=False, separators=(",", ":"))[:-1] + ","

    groups = da.compile_rulesets(CORPUS)
    rnd = random.Random(5)
    assert groups
    for facts in CASES:
        for group in rnd.sample(groups, 20):
            first = rnd.choice([True, False, None])
            assert group.fact_body(facts, first) == by_fields(group, facts, first), group.name


def test_replaced_equals_building_anew():
    """model.decision.replaced (Engine._own_dates: a shared statutory trace with one case's condition
    traces) gives what the maker gives for the same values, and leaves the original as it was."""
    import pytest

    from penalty_rules.model.decision import ConditionTrace, RuleTrace, maker, replaced

    make_rule, make_cond = maker(RuleTrace), maker(ConditionTrace)
    a = make_cond(key="limitation_expired", label="追责期限", status="met", facts_used={"act_date": "2024-01-01"},
                  bundle=None)
    b = make_cond(key="limitation_expired", label="追责期限", status="met", facts_used={"act_date": "2024-02-01"},
                  bundle=None)
    fields = dict(rule="r", kind="statutory", list="law", binding=True, outcome="no_penalty", satisfied=True,
                  note=None, title="t", citation="c", law_version="law(作出决定时施行的版本)", overrides=[])
    shared = make_rule(conditions=[a], **fields)
    got = replaced(shared, conditions=[b])
    want = make_rule(conditions=[b], **fields)
    assert got.model_dump_json() == want.model_dump_json()
    assert got.model_fields_set == want.model_fields_set
    assert shared.conditions == [a]
    with pytest.raises(TypeError):
        replaced(shared, no_such_field=1)
