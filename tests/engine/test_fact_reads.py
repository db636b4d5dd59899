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
