"""Guard (issue 12): the per-case steps that read several CaseFacts fields read them from the
facts' __dict__ (an attribute read of a pydantic model goes through its __getattr__ hook: an MRO
lookup and a generic lookup per read, ~2.3× a dict read). The answers are the same (the golden
run and the differential tests); this pins that the selection (the verdict path's), the case's
首违 without a history and the list act date read no field as an attribute."""

from contextlib import contextmanager
from datetime import date

from penalty_rules.engine.history import derive_first_offense
from penalty_rules.model.facts import CaseFacts


@contextmanager
def attribute_reads():
    reads: list[str] = []
    get = object.__getattribute__

    def counting(self, name):
        reads.append(name)
        return get(self, name)

    CaseFacts.__getattribute__ = counting
    try:
        yield reads
    finally:
        del CaseFacts.__getattribute__


def test_selection_and_first_offense_read_the_facts_dict(corpus, engine):
    ref = next(r for r in corpus.all_refs() if r.document.binding_level and not r.item.escalation)
    facts = CaseFacts(item_id=ref.item.id, act_date=date(2025, 1, 1), decision_date=date(2025, 6, 1),
                      continuing=False, minor_violation=False)
    stack = corpus.registry.stack(facts.jurisdiction)
    act, dec = facts.act_date, facts.decision_date
    with attribute_reads() as reads:
        selection = engine._select(facts, stack, act, dec, explain=False)  # the verdict path's selection
        engine.case_first_offense(facts)
        derive_first_offense(facts, {ref.item.id}, None)
        engine.list_act_date(facts)
    assert selection.refs
    fields = [name for name in reads if name in CaseFacts.model_fields]
    assert fields == [], fields


def test_item_ref_doc_key_is_its_documents_key(corpus):
    """ItemRef.doc_key (read by the traces and the rulesets record instead of ListDocument.key, a
    property formatting two fields on every read) is the document's key, and ItemRef.key is built on it."""
    for ref in corpus.all_refs():
        assert ref.doc_key == ref.document.key == f"{ref.document.id}@{ref.document.version}"
        assert ref.key == f"{ref.item.id}@{ref.document.key}"


def test_explained_checks_read_the_facts_dict(corpus, engine):
    """The explained path's per-case checks (the item's disagreements with the case, unknown answer
    keys, dates after the decision) and the law versions' era key read no field as an attribute."""
    ref = next(r for r in corpus.all_refs() if r.document.binding_level and not r.item.escalation)
    facts = CaseFacts(item_id=ref.item.id, act_date=date(2025, 1, 1), decision_date=date(2025, 6, 1),
                      continuing=True, party_type="enterprise", quantities={"not_a_quantity": 1},
                      custom_conditions={"custom_0123456789": True})
    stack = corpus.registry.stack(facts.jurisdiction)
    from penalty_rules.engine.engine import _after_decision

    with attribute_reads() as reads:
        engine._item_disagreements(facts, {ref.item.id}, stack)
        unknown = engine._unknown_keys(facts)
        _after_decision(facts, date(2025, 6, 1))
        engine.statutory.versions_key(facts, date(2025, 6, 1))
    assert any("not_a_quantity" in w for w in unknown) and any("custom_0123456789" in w for w in unknown)
    fields = [name for name in reads if name in CaseFacts.model_fields]
    assert fields == [], fields


def test_summary_is_set_as_assignment_sets_it(engine):
    """build_decision writes the summary into the decision's field (not through pydantic's
    __setattr__): the same value and the same fields set as assigning it, and the summary reads the
    decision's fields from its __dict__."""
    from penalty_rules.explain.summary import summarize
    from penalty_rules.model.decision import Decision

    facts = CaseFacts(act_date=date(2025, 1, 1), decision_date=date(2025, 6, 1))
    decision = engine.evaluate(facts)
    assert "summary" in decision.model_fields_set
    assert decision.summary.startswith(f"处理建议: {decision.outcome_zh}")
    reads: list[str] = []
    get = object.__getattribute__

    def counting(self, name):
        reads.append(name)
        return get(self, name)

    Decision.__getattribute__ = counting
    try:
        again = summarize(decision)
    finally:
        del Decision.__getattribute__
    assert again == decision.summary
    assert [name for name in reads if name in Decision.model_fields] == []


def test_item_ref_in_force_data_is_its_fields(corpus):
    """ItemRef.in_force_data (read by Engine.item_in_force) holds the list's id and the item's own dates."""
    for ref in corpus.all_refs():
        assert ref.in_force_data == (ref.document.id, ref.item.effective_from, ref.item.effective_to)
