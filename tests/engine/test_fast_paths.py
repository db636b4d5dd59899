"""The engine's fast paths give exactly the answers of uncached evaluation (issue 12).

- per-rule statutory cache and shared condition traces: every Decision (the whole JSON, trace
  included) of an engine whose caches are warm equals that of an engine whose caches are emptied
  before every case, over varied generated facts (dates around the 2021 revision, priors, special
  laws, unknowns), production path with durable-rules;
- compiled tag values (the durable-rules fact) equal FactView.tag; equal raw values read by
  raw_reader give equal FactView results;
- the lean durable-rules calls (C handle, fired names read from the action messages) fire the
  same rules as the host's own Python action path.
"""

import random
import uuid

import pytest

from fast_cases import varied_cases
from penalty_rules.config import Settings
from penalty_rules.engine import durable_adapter as da
from penalty_rules.engine import reference
from penalty_rules.engine.conditions import FactView, raw_reader, tag_value
from penalty_rules.engine.engine import Engine
from penalty_rules.errors import InvalidFacts, UnknownItem
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.model.conditions import Custom, Threshold
from penalty_rules.model.vocabulary import VOCABULARY

CORPUS = load_corpus_strict(Settings.from_env().lists_dir)
CASES = varied_cases(CORPUS, 1500, seed=21)


def _answer(engine: Engine, facts) -> str:
    try:
        return engine.evaluate(facts).model_dump_json()
    except (InvalidFacts, UnknownItem) as exc:
        return f"error {exc!r}"


def test_warm_caches_equal_cold_evaluation():
    matcher = da.DurableMatcher(CORPUS)
    warm = Engine(CORPUS, matcher=matcher)
    cold = Engine(CORPUS, matcher=matcher, search=warm.search)
    differences = []
    for i, facts in enumerate(CASES):
        expected_warm = _answer(warm, facts)
        cold._statutory_cache.clear()
        reference._TRACES.clear()
        reference._PLANS.clear()
        if _answer(cold, facts) != expected_warm:
            differences.append(i)
    assert differences == []
    # and again in the other order, caches warm from the first pass
    assert [i for i, f in reversed(list(enumerate(CASES))) if _answer(warm, f) != _answer(cold, f)] == []


def test_compiled_values_equal_factview():
    tags = sorted(VOCABULARY.conditions)
    conds = [*tags, *{c for r in CORPUS.all_refs() for c in r.item.conditions.iter_all()
                      if isinstance(c, (Threshold, Custom))}]
    seen: dict[tuple, tuple] = {}
    for facts in CASES:
        for first in (True, False, None):
            view = FactView(facts, first)
            for tag in tags:
                assert tag_value(tag)(facts, first) == view.tag(tag)[0], tag
            for cond in conds:
                key = (reference._identity(cond), raw_reader(cond)(facts, first))
                got = view.evaluate(cond)
                assert seen.setdefault(key, got) == got, key


def test_lean_durable_calls_fire_what_the_host_fires():
    matcher = da.DurableMatcher(CORPUS)
    host = da._host()
    rnd = random.Random(3)
    compared = 0
    for facts in CASES[:600]:
        for group in rnd.sample(matcher.groups, 3):
            event = group.event_for(facts, rnd.choice([True, False, None]))
            lean = sorted(da._match(group.name, event))
            sid = "host-" + uuid.uuid4().hex
            with da._LOCK:
                da._FIRED[sid] = []
                try:
                    host.assert_fact(group.name, dict(event, sid=sid))
                except da._durable.MessageNotHandledException:
                    pass
                finally:
                    host.delete_state(group.name, sid)
                    fired = sorted(da._FIRED.pop(sid))
            assert lean == fired, (group.name, event)
            compared += 1
    assert compared == 1800


@pytest.mark.parametrize("value", [0.0, -0.0])
def test_signed_zero_is_its_own_cache_entry(value):
    th = next(c for r in CORPUS.all_refs() for c in r.item.conditions.iter_all() if isinstance(c, Threshold))
    facts = CASES[0].model_copy(update={"quantities": {th.quantity: value}})
    if VOCABULARY.quantities[th.quantity].fact:
        facts = CASES[0].model_copy(update={VOCABULARY.quantities[th.quantity].fact: value})
    assert raw_reader(th)(facts, None) == (value, str(value))
