"""Conduct search measured on labelled queries (hit@1, hit@3), printed separately for the
guidance cases whose item is bundled and for everyday officer wording of every binding item."""

from pathlib import Path

import pytest

from penalty_rules.engine.search_quality import load_labels, measure, measure_everyday

CASES = Path(__file__).resolve().parents[3] / "shared" / "reference" / "guidance_cases.yaml"
LABELS = Path(__file__).resolve().parents[1] / "data" / "search_labels.yaml"


@pytest.mark.skipif(not CASES.exists(), reason="shared/reference/guidance_cases.yaml 不存在, 跳过检索质量测试")
def test_hit_rates(engine):
    q = measure(engine.search, CASES, LABELS)
    print("\n" + q.line())
    # regression floor at the level measured when the labels were written: 11/13 at 1, 12/13 at 3
    assert q.hit_at_1 >= 0.8
    assert q.hit_at_3 >= 0.9


def test_everyday_wording_hit_rates(engine, corpus):
    """One query per binding item in field wording; ranked for a Liaocheng case (binding first).
    Before the colloquial normalisation (search.normalize): hit@1 0.78, hit@3 0.83 (0.68 / 0.80
    without the jurisdiction ranking); after: 0.95 / 1.00 (0.85 / 1.00). The normalisation was
    written against these queries, so that figure is optimistic: the held-out queries (written
    after tuning, never tuned on) measure 0.81 / 0.88 with it and 0.81 / 0.88 without."""
    everyday = load_labels(LABELS)["everyday"]
    binding = {i for i in corpus.item_ids() if corpus.latest(i).document.binding_level}
    assert {i for e in everyday for i in e["items"]} >= binding  # every binding item has a query
    q = measure_everyday(engine.search, LABELS, corpus.registry.stack("371500"))
    unranked = measure_everyday(engine.search, LABELS, None)
    heldout = measure_everyday(engine.search, LABELS, corpus.registry.stack("371500"), "heldout")
    print("\n" + q.line() + "\n" + unranked.line() + " (no jurisdiction ranking)\n" + heldout.line())
    assert heldout.hit_at_3 >= 0.8
    assert q.cases == 41
    assert q.hit_at_1 >= 0.9
    assert q.hit_at_3 >= 0.95
    # deciding (the search alone, ItemSearch.is_clear): before texts had to name an item's
    # distinguishing words, everyday decided 0.59 (wrong 0.02), held-out 0.62 (wrong 0.00)
    # field-common words, vehicles and kinds of goods (test_field_common_wording…): everyday 0.61
    # (wrong 0.00; 许可证过期 → x02, no longer x10), held-out 0.62 (wrong 0.00)
    assert q.decided >= 0.58 and q.decided_wrong <= 0.03
    assert heldout.decided >= 0.6 and heldout.decided_wrong == 0


def test_generic_wording_decides_no_item(engine, corpus):
    """Texts sharing only the actor and generic verbs with items (药品零售企业销售劣药 and the like):
    before the distinguishing-word rule the search decided half of them (0.50 wrong, x08 for the three
    drugs texts); now none."""
    q = measure_everyday(engine.search, LABELS, corpus.registry.stack("371500"), "generic")
    print("\n" + q.line())
    assert q.cases >= 10 and q.decided_wrong == 0, q.wrong


def test_field_common_wording_decides_no_item_and_the_right_ones_still_decide(engine, corpus):
    """The legal re-reading's texts (tests/data/search_labels.yaml field_generic, reread): texts sharing
    with an item only its field's common words, the vehicle or party, a scene-setting clause or the
    kind of goods while naming other goods or conduct. Before (b867d61): field_generic decided wrong
    0.88 (15 of 17), reread decided 0.50 (wrong 0.11: 过期 → x10); after: 0.00, and 0.89 (wrong 0.00)."""
    stack = corpus.registry.stack("371500")
    generic = measure_everyday(engine.search, LABELS, stack, "field_generic")
    right = measure_everyday(engine.search, LABELS, stack, "reread")
    print("\n" + generic.line() + "\n" + right.line())
    assert generic.cases >= 15 and generic.decided_wrong == 0, generic.wrong
    assert right.decided >= 0.85 and right.decided_wrong == 0, right.wrong
