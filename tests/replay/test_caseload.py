"""The synthetic caseload: valid facts, calibrated to the published figures, seeded, repetitive."""

from collections import Counter
from datetime import date

from penalty_rules.model.facts_json import validate_facts_value
from penalty_rules.replay.caseload import CALIBRATION, EV_ITEM, EV_START, PARKING_ITEM, TOTAL_2022, Caseload


def _item(row):
    return row.get("item_id") or row.get("conduct")


def test_rows_are_valid_facts_for_the_bundled_lists(corpus, caseload_rows):
    stack_items = {r.item.id for r in corpus.all_refs()
                   if r.document.binding_level and r.document.jurisdiction in corpus.registry.stack("371500")}
    conduct = 0
    for row in caseload_rows:
        facts = validate_facts_value({k: v for k, v in row.items() if k != "case_ref"})
        if facts.item_id:
            assert facts.item_id in stack_items
        else:
            assert facts.conduct
            conduct += 1
        assert facts.decision_date.year in (2022, 2023)
        if facts.act_date:
            assert facts.act_date.year == 2022
    assert 0.01 < conduct / len(caseload_rows) < 0.20  # some patterns use the conduct text


def test_seeded():
    from penalty_rules.config import Settings
    from penalty_rules.load.loader import load_corpus_strict

    corpus = load_corpus_strict(Settings.from_env().lists_dir)
    a = list(Caseload(corpus, seed=3).rows(300))
    b = list(Caseload(corpus, seed=3).rows(300))
    c = list(Caseload(corpus, seed=4).rows(300))
    assert a == b and a != c


def test_calibrated_to_the_published_figures(corpus):
    rows = list(Caseload(corpus, seed=11).rows(60_000))
    n = len(rows)
    ev = [r for r in rows if r.get("item_id") == EV_ITEM or r.get("conduct", "").startswith("低速电动车")]
    entries = Counter(len(r.get("prior_offenses") or []) for r in ev if r.get("act_date"))
    published = [CALIBRATION[k][0] for k in ("ev_first", "ev_second", "ev_third")]
    share = sum(published) / TOTAL_2022
    assert abs(len(ev) / n - share) < 0.2 * share
    assert abs(entries[1] / sum(entries.values()) - published[1] / sum(published)) < 0.015
    assert entries[2] > 0 and entries[2] < entries[1] / 10
    assert all(date.fromisoformat(r["act_date"]) >= EV_START for r in ev if r.get("act_date"))
    parking = [r for r in rows if r.get("item_id") == PARKING_ITEM or "停放" in r.get("conduct", "")]
    moved = sum(r.get("corrected") == "within_deadline" for r in parking)
    expected = CALIBRATION["parking_reminders"][0] / (CALIBRATION["parking_reminders"][0] + CALIBRATION["parking_penalties"][0])
    assert abs(moved / len(parking) - expected) < 0.03
    months = Counter(r["act_date"][5:7] for r in rows if r.get("act_date"))
    assert len(months) == 12  # dates over the year
    unknown_party = sum("party_type" not in r for r in rows) / n
    assert 0.005 < unknown_party < 0.15  # unknown facts at a modest rate
    # identical fact patterns repeat: far fewer distinct patterns than cases
    patterns = Counter(tuple(sorted((k, str(v)) for k, v in r.items() if k not in (
        "case_ref", "act_date", "decision_date", "discovered_date", "birth_date", "prior_offenses", "act_end_date")))
        for r in rows)
    assert len(patterns) < n / 10
    assert patterns.most_common(1)[0][1] > 500


def test_every_correction_value_is_drawn(caseload_rows):
    # CaseFacts.corrected's values all occur (the replay projection and the equality checks see them), the two
    # given small synthetic weights (ASSUMPTIONS["corrected_weights"]) rarely
    from penalty_rules.model.facts import Corrected
    from penalty_rules.replay.caseload import ASSUMPTIONS

    weights = ASSUMPTIONS["corrected_weights"]
    assert set(weights) == {c.value for c in Corrected}
    seen = Counter(r.get("corrected") for r in caseload_rows)
    assert {c.value for c in Corrected} <= set(seen)
    assert seen["after_deadline"] < seen["within_deadline"] and seen["voluntarily_after_discovery"] < seen["promptly"]
