"""Guard (issue 12, dates spread): the limitation rule's share (StatutoryRules.limitation_share) counts
the shortest period from an act date once per date and takes the special-law scopes the rule's
inputs already hold; its answer is the one computed afresh (the golden run and the differential
tests check the decisions)."""

from datetime import date

import penalty_rules.engine.statutory as statutory_module
from penalty_rules.model.facts import CaseFacts


def _limitation_spec(engine):
    return next(spec for law in engine.statutory.corpus.versions for spec in law.rules if spec.limitation)


def test_shortest_period_counted_once_per_act_date(engine, monkeypatch):
    spec = _limitation_spec(engine)
    _slot, share = engine.statutory.limitation_share(spec)
    calls = []
    real = statutory_module.add_period
    monkeypatch.setattr(statutory_module, "add_period", lambda start, period: calls.append(start) or real(start, period))
    a = CaseFacts(act_date=date(2025, 1, 1), decision_date=date(2025, 3, 1), continuing=False)
    b = CaseFacts(act_date=date(2025, 1, 1), decision_date=date(2025, 4, 1), continuing=False)
    late = CaseFacts(act_date=date(2020, 1, 1), decision_date=date(2025, 4, 1), continuing=False)
    first = share(a, a.decision_date, None, None)
    second = share(b, b.decision_date, None, None)
    assert first is not None and first == second
    assert share(late, late.decision_date, None, None) is None  # beyond every period: not shared
    assert calls == [date(2025, 1, 1), date(2020, 1, 1)]


def test_scopes_given_are_not_looked_up_again(engine, monkeypatch):
    spec = _limitation_spec(engine)
    _slot, share = engine.statutory.limitation_share(spec)
    facts = CaseFacts(act_date=date(2025, 1, 1), decision_date=date(2025, 3, 1), continuing=False)
    scopes = engine.statutory.limitation_scopes(facts, None, None)
    expected = share(facts, facts.decision_date, None, None)
    monkeypatch.setattr(engine.statutory, "limitation_scopes", lambda *a: (_ for _ in ()).throw(AssertionError("looked up")))
    assert share(facts, facts.decision_date, None, None, scopes) == expected
