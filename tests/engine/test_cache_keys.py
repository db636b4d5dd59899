"""The engine's caches (statutory rule results keyed by exactly the inputs each rule reads, law
version plans per era of the dates, limitation results shared within the shortest period,
selection plans; condition traces, labels and questions at module level) are exact: an engine
that has decided many other cases gives byte-identical decisions to an engine that has decided
none, on cases whose dates sit on the boundaries where answers change."""

from datetime import date, timedelta

import pytest

from penalty_rules.engine import reference
from penalty_rules.engine.engine import Engine
from penalty_rules.explain import decide, questions
from penalty_rules.replay.caseload import Caseload
from penalty_rules.replay.projection import RowError, read_row

TODAY = date(2026, 11, 30)

# the caches shared by every engine of the process (module level): emptied before the fresh engine
# decides, so that it builds condition traces, labels and questions anew
SHARED_CACHES = (reference._PLANS, reference._TRACES, decide._REF_DATA, decide._LABELS, decide._LAW_CITATIONS,
                 questions._ANSWER_SPECS, questions._QUESTIONS)


def test_a_busy_engine_decides_as_a_fresh_one(corpus):
    cases = []
    for row in Caseload(corpus, seed=11, dense_dates=True, today=TODAY).rows(3_000):
        try:
            cases.append(read_row({k: v for k, v in row.items() if k != "case_ref"}))
        except RowError:
            continue
    busy = Engine(corpus)
    for facts in cases[:2_400]:  # fills every cache with other cases first
        try:
            busy.evaluate(facts, today=TODAY)
        except Exception:  # noqa: BLE001 - refusals are compared below, not here
            pass
    compared = 0
    for facts in cases[2_400:2_900]:
        fresh = Engine(corpus, search=busy.search)  # the search index is list data only
        try:
            got = busy.evaluate(facts, today=TODAY).model_dump_json()
        except Exception as exc:  # noqa: BLE001
            got = f"{type(exc).__name__}: {exc}"
        for cache in SHARED_CACHES:
            cache.clear()
        try:
            expected = fresh.evaluate(facts, today=TODAY).model_dump_json()
        except Exception as exc:  # noqa: BLE001 - the same refusal from both
            expected = f"{type(exc).__name__}: {exc}"
        assert got == expected, facts.model_dump_json(exclude_none=True)
        compared += 1
    assert compared >= 450


def test_rules_of_a_version_share_a_reader_only_when_it_reads_the_same_value():
    """StatutoryRules.version_inputs reads each distinct input once for all the rules of a law
    version: two custom conditions with the same wording but different keys (scoped to their rules)
    must each read their own answer."""
    from penalty_rules.model.conditions import Conditions, Custom
    from penalty_rules.model.facts import CaseFacts

    engine = Engine.from_settings(use_durable=False)
    base = engine.statutory.corpus.versions[-1].rules[0]
    a, b = Custom(custom="条件甲").scoped("rule-a"), Custom(custom="条件甲").scoped("rule-b")
    assert a.key != b.key
    inputs = engine.statutory.version_inputs([base.model_copy(update={"conditions": Conditions(all=[a])}),
                                              base.model_copy(update={"conditions": Conditions(all=[b])})])
    got = inputs(CaseFacts(custom_conditions={a.key: True, b.key: False}), None, (), None, None, None)
    assert [values[0] for values in got] == [True, False]


def _with_rows_from(engine: Engine, start: date) -> Engine:
    """The engine with every limitation row of the special laws in force only from `start` (the
    bundled rows have no start date): which rows can govern then depends on the act date."""
    engine.statutory.special = [
        o.model_copy(update={"in_force_from": start}) if o.replaces == "limitation" else o
        for o in engine.statutory.special
    ]
    return engine


@pytest.mark.parametrize("start", [date(2024, 1, 1), date(2021, 7, 15)])
def test_limitation_results_shared_within_the_shortest_period_are_each_cases_own(corpus, start):
    """Cases decided (or discovered) within the shortest limitation period that can apply (here
    治安管理处罚法's six months) share one cached limitation result (StatutoryRules.limitation_share).
    What still differs between them must come out as a fresh engine gives it: the label
    (safety_related picks the two- or five-year period), the special-law row in force at the act,
    and the dates the trace shows; and cases just past six months must not share it."""
    import random

    from penalty_rules.model.facts import CaseFacts

    rnd = random.Random(5)
    laws = [None, "中华人民共和国治安管理处罚法", "中华人民共和国税收征收管理法", "中华人民共和国食品安全法"]
    cases = []
    for _ in range(700):
        act = start + timedelta(days=rnd.randrange(-40, 40))
        dec = act + timedelta(days=rnd.choice([1, 30, 181, 182, 183, 184, 200, 400, 800]))
        continuing = rnd.choice([False, None, True])
        end = act + (dec - act) * rnd.randrange(0, 3) // 4 if continuing and rnd.random() < 0.5 else None
        discovered = rnd.choice([None, None, act + (dec - act) // 2, dec])
        cases.append(CaseFacts(
            item_id=None, conduct="殴打他人", act_date=act, decision_date=dec, continuing=continuing,
            act_end_date=end, discovered_date=discovered, safety_related=rnd.choice([None, True, False]),
            violated_law=rnd.choice(laws), party_type="individual", age=30, first_offense=True,
            minor_violation=rnd.choice([True, None]), corrected=None, harm=None,
        ))
    busy = _with_rows_from(Engine(corpus), start)
    for facts in rnd.sample(cases, len(cases)):
        busy.evaluate(facts, today=TODAY)
    shared = 0
    for facts in cases[:400]:
        fresh = _with_rows_from(Engine(corpus, search=busy.search), start)
        got = busy.evaluate(facts, today=TODAY)
        assert got.model_dump_json() == fresh.evaluate(facts, today=TODAY).model_dump_json(), facts.model_dump_json(
            exclude_none=True)
        shared += ((facts.discovered_date or facts.decision_date) - facts.act_date).days < 180
    assert shared >= 100  # cases within six months of the act: the shared path


def test_with_traces_keeps_every_field_but_the_traces(corpus):
    """RuleResult.with_traces (a shared limitation result given a case's own dates) names every
    field: one added to RuleResult and forgotten there would be lost on that path only."""
    import dataclasses

    from penalty_rules.engine.engine import RuleResult
    from penalty_rules.model.facts import CaseFacts

    engine = Engine(corpus)
    facts = CaseFacts(conduct="殴打他人", act_date=date(2024, 1, 1), decision_date=date(2024, 2, 1), first_offense=True,
                      party_type="individual", age=30)
    engine.evaluate(facts)
    rr = next(r for r in engine._statutory_cache.values() if r.statutory is not None and r.statutory.spec.limitation)
    rr.to_trace()  # fills the built trace the copy must not keep
    copy = rr.with_traces(["other"])
    assert copy.result.traces == ["other"] and copy.result.satisfied == rr.result.satisfied
    assert copy.result.missing is rr.result.missing and copy._trace is None
    for f in dataclasses.fields(RuleResult):
        if f.name not in ("result", "_trace"):
            assert getattr(copy, f.name) is getattr(rr, f.name), f.name
