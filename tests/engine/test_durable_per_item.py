"""durable-rules with one ruleset per item (issue 12): what the matcher asks, and how it reads the answer.

- the fact text written by RulesetGroup.fact_body is byte for byte what the JSON encoder writes
  for the fact dict built here from FactView (the reference evaluator's reading of the facts:
  known values only, numbers durable-rules cannot parse replaced by a stand-in), and event_for is
  that text decoded;
- the answer read from the assert's result code (0 handled / 1 not handled) is the answer of
  durable-rules' own list of fired rules (the action walk of `_match`), fired and not fired alike;
- ruleset names: one per compiled item, "<doc key>#<domain>#<item id>@<12 hex>", a changed item
  changes its own name only;
- a failing call is a DurableRulesError, and the ruleset keeps answering past its 1,024 states.
"""

import math
import random
import re

import pytest

from fast_cases import varied_cases
from penalty_rules.config import Settings
from penalty_rules.engine import durable_adapter as da
from penalty_rules.engine.conditions import FactView
from penalty_rules.engine.premises import effective_conditions
from penalty_rules.errors import DurableRulesError
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.model.conditions import Conditions, Custom, Threshold
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.vocabulary import VOCABULARY

CORPUS = load_corpus_strict(Settings.from_env().lists_dir)
REFS = {r.key: r for r in CORPUS.all_refs()}
SID = "test-sid"


@pytest.fixture(scope="module")
def matcher():
    return da.DurableMatcher(CORPUS)


def _body(event: dict) -> str:
    """The fact dict as the text _fires asserts (no sid yet), through the reference JSON encoder."""
    text = da._dumps(dict(event, sid=SID))
    tail = ',"sid":"test-sid"}'
    assert text.endswith(tail)
    return text[: -len(tail)] + ","


def _expected_event(group, facts, first) -> dict:
    """The fact of a case for `group`, from FactView (not from the adapter's compiled writers): the
    constant field, then the group's tags, custom conditions and quantities with a known value, a
    number durable-rules' parser cannot read (exponent notation) replaced by da._stand_in."""
    view = FactView(facts, first)
    event: dict = {da.ALWAYS: True}
    for tag in group.tags:
        value = view.tag(tag)[0]
        if value is not None:
            event[tag] = value
    for key in group.customs:
        value = (facts.custom_conditions or {}).get(key)
        if value is not None:
            event[key] = value
    for name, bounds in group.quantities.items():
        value = view.quantity(name)
        if value is not None and value == value:  # NaN compares false with every bound: left out
            finite_plain = math.isfinite(value) and "e" not in repr(float(value))
            event[name] = value if finite_plain else da._stand_in(value, bounds)
    return event


def test_one_ruleset_per_compiled_item(matcher):
    compiled = [r for r in CORPUS.all_refs() if not r.item.escalation]
    assert len(matcher.groups) == len(compiled) > 100
    for group in matcher.groups:
        keys = [k for k in group.rules if k != da.WARMUP_RULE]
        assert len(keys) == 1 and da.WARMUP_RULE in group.rules
        ref = REFS[keys[0]]
        label = f"{ref.document.key}#{ref.item.domain}#{ref.item.id}"
        assert re.fullmatch(re.escape(label) + "@[0-9a-f]{12}", group.name), group.name
        assert matcher.ruleset_for(ref) == group.name


def test_fact_body_is_the_json_encoders_text(matcher):
    rnd = random.Random(12)
    cases = varied_cases(CORPUS, 400, seed=12)
    groups = [*matcher.groups, *da.compile_groups(CORPUS)]  # one item's fields, and a domain's
    compared = quantities = 0
    for facts in cases:
        for group in rnd.sample(groups, 12):
            first = rnd.choice([True, False, None])
            event = _expected_event(group, facts, first)
            assert group.fact_body(facts, first) == _body(event), (group.name, event)
            assert group.event_for(facts, first) == event
            compared += 1
            quantities += any(not isinstance(v, bool) for v in event.values())
    assert compared == 400 * 12 and quantities > 200


def test_fact_body_replaces_unreadable_numbers_by_a_stand_in():
    # exponent notation (tiny, huge, infinite) is what durable-rules' parser rejects (error 204)
    group, name = next((g, q) for g in da.compile_groups(CORPUS) for q in g.quantities
                       if not VOCABULARY.quantities[q].fact)
    base = varied_cases(CORPUS, 1, seed=3)[0]
    for value in (1e-7, 1e17, math.inf, -0.0, 2.5e-4, 0.5, 3, 10**20, math.nan):
        facts = base.model_copy(update={"quantities": dict(base.quantities or {}, **{name: value})})
        event = _expected_event(group, facts, True)
        assert group.fact_body(facts, True) == _body(event)
        assert group.event_for(facts, True) == event
        if value == value:
            assert "e" not in repr(float(event[name]))
        else:  # NaN stays out of the fact
            assert name not in event


def _satisfying_value(th: Threshold) -> float:
    return {"max": th.bound, "lt": th.bound - 1, "min": th.bound, "gt": th.bound + 1}[th.op]


def _draw(rnd, group, conds):
    """An event for one item's ruleset: every field it reads True, False, absent or (quantities)
    at, beside or away from its bounds; one any_of bundle and the `all` terms are made to hold
    70 % of the time each, so that the rule both fires and does not."""
    want: dict[str, object] = {}
    terms = list(conds.all) + (list(rnd.choice(conds.any_of)) if conds.any_of else [])
    for cond in terms:
        if rnd.random() < 0.7:
            if isinstance(cond, Threshold):
                want[cond.quantity] = _satisfying_value(cond)
            else:
                want[cond.key if isinstance(cond, Custom) else cond] = True
    event: dict = {da.ALWAYS: True}
    for name in [*group.tags, *group.customs]:
        value = want.get(name, rnd.choice([True, False, None]))
        if value is not None:
            event[name] = value
    for name, bounds in group.quantities.items():
        pool = [b + d for b in bounds for d in (-1, -0.001, 0, 0.001, 1)] + [0, None]
        value = want[name] if name in want and rnd.random() < 0.9 else rnd.choice(pool)
        if value is not None:
            event[name] = value
    return event


def test_result_code_answers_as_the_fired_rules_do(matcher):
    """_fires reads "handled" from the assert; _match lists the rules that fired (action walk)."""
    rnd = random.Random(34)
    fired = not_fired = 0
    for group in matcher.groups:
        (key,) = [k for k in group.rules if k != da.WARMUP_RULE]
        conds = effective_conditions(REFS[key].item, REFS[key].document.citable)
        for _ in range(12):
            event = _draw(rnd, group, conds)
            walked = da._match(group.name, event)
            assert da.WARMUP_RULE not in walked
            got = da._fires(group.name, _body(event))
            assert got == (key in walked), (group.name, event, walked)
            fired += got
            not_fired += not got
    assert fired > 300 and not_fired > 300, (fired, not_fired)


def test_changed_item_changes_its_own_ruleset_name_only():
    doc_key, item_id = "cn-tax-first-offense@2021-6", "cn-tax-2021-6/03"
    docs = []
    for doc in CORPUS.documents:
        if doc.key == doc_key:
            doc = doc.model_copy(update={"items": [
                i.model_copy(update={"conditions": Conditions(all=["first_offense", "no_harm"])}) if i.id == item_id
                else i for i in doc.items]})
        docs.append(doc)
    changed = Corpus(CORPUS.registry, docs, CORPUS.hashes)
    before = {g.name.rsplit("@", 1)[0]: g.name for g in da.compile_rulesets(CORPUS)}
    assert before == {g.name.rsplit("@", 1)[0]: g.name for g in da.compile_rulesets(CORPUS)}  # stable
    after = {g.name.rsplit("@", 1)[0]: g.name for g in da.compile_rulesets(changed)}
    assert before.keys() == after.keys()
    assert {k for k in before if before[k] != after[k]} == {f"{doc_key}#tax#{item_id}"}


def test_a_failing_call_is_a_clear_error_and_the_ruleset_keeps_working(matcher):
    group = matcher.groups[0]
    with pytest.raises(DurableRulesError, match="匹配"):
        da._fires(group.name, '{"case_event":tru,')  # not JSON: durable-rules' parser refuses it
    for _ in range(1100):  # past the 1,024 live states a ruleset holds: every state was deleted
        da._fires(group.name, _body({da.ALWAYS: True}))


def test_plain_is_the_repr_without_exponent():
    def written_plain(x):
        return math.isfinite(x) and "e" not in repr(float(x))

    rnd = random.Random(56)
    values = [0.0, -0.0, 1e-4, 1e16, math.inf, -math.inf, math.nan, 10**16 - 1, 10**16, 10**20, True, False]
    for exp in range(-320, 308):
        for mantissa in (1.0, 5.0, 9.999999999999999):
            x = mantissa * float(f"1e{exp}")
            values += [x, -x, math.nextafter(x, 0.0), math.nextafter(x, math.inf)]
    values += [rnd.uniform(-1, 1) * 10 ** rnd.uniform(-8, 20) for _ in range(20000)]
    values += [rnd.randrange(-10**17, 10**17) for _ in range(5000)]
    assert sum(da._plain(x) for x in values) > 5000 and sum(not da._plain(x) for x in values) > 1000
    assert [x for x in values if da._plain(x) != written_plain(x)] == []
