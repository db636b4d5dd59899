"""Candidate items (Decision.items) are shared between decisions like the other explanation
objects built from list data (decisions are read-only): equal values give the same object; the key
holds the item version's fields themselves, so another corpus holding the same list key with other
contents gets its own."""

from datetime import date

from penalty_rules.engine.engine import Engine
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.facts import CaseFacts


def _facts(item_id):
    return CaseFacts(item_id=item_id, act_date=date(2025, 1, 1), decision_date=date(2025, 6, 1), first_offense=True)


def test_equal_candidates_are_one_object(corpus, engine):
    ref = next(r for r in corpus.all_refs() if r.document.binding_level and not r.item.escalation)
    a, b = engine.evaluate(_facts(ref.item.id)), engine.evaluate(_facts(ref.item.id))
    assert a.items and [i.model_dump() for i in a.items] == [i.model_dump() for i in b.items]
    assert all(x is y for x, y in zip(a.items, b.items))


def test_same_list_key_other_contents_other_candidate(corpus, engine):
    ref = next(r for r in corpus.all_refs() if r.document.binding_level and not r.item.escalation)
    doc = ref.document
    items = [i.model_copy(update={"violation": i.violation + "(改写)"}) if i.id == ref.item.id else i for i in doc.items]
    other_doc = doc.model_copy(update={"items": items})
    other = Engine(Corpus(corpus.registry, [other_doc], {other_doc.key: "x"}, statutory=corpus.statutory))
    mine = next(i for i in engine.evaluate(_facts(ref.item.id)).items if i.id == ref.item.id)
    theirs = next(i for i in other.evaluate(_facts(ref.item.id)).items if i.id == ref.item.id)
    assert (mine.list, mine.version) == (theirs.list, theirs.version)
    assert theirs.violation == ref.item.violation + "(改写)" != mine.violation
