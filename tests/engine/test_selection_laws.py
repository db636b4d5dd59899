"""The laws a selection's items say are violated are read once per selection (Engine._violated_laws):
every caller gets its own list, so one caller changing it cannot change what another reads."""

from datetime import date

from penalty_rules.model.facts import CaseFacts


def test_each_caller_gets_its_own_list_of_the_items_laws(corpus, engine):
    ref = next(r for r in corpus.all_refs() if r.document.binding_level and r.item.violated and not r.item.escalation)
    facts = CaseFacts(item_id=ref.item.id, act_date=date(2025, 1, 1), decision_date=date(2025, 6, 1))
    stack = corpus.registry.stack(facts.jurisdiction)
    selection = engine._select(facts, stack, facts.act_date, facts.decision_date)
    first = engine.case_laws(facts, selection)
    assert first and all(isinstance(law, str) for law in first)
    expected = list(first)
    first.append("被调用方改动的法律")
    assert engine.case_laws(facts, selection) == expected
    assert engine.case_laws(facts, selection) is not engine.case_laws(facts, selection)
