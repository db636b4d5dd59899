"""Boundary-dense caseloads: dates where decisions change (law versions, limitation periods,
special-law revisions, first-offence windows, birthdays, the decision default `today`). Rows with
the same projection key get the same answers, and the replay equals the production path."""

from collections import defaultdict
from datetime import date, timedelta

import pytest

from penalty_rules.replay import verify
from penalty_rules.replay.caseload import Caseload, write
from penalty_rules.replay.projection import Projector, read_row
from penalty_rules.replay.reader import plan_chunks
from penalty_rules.replay.runner import evaluate_answer, replay_engine

TODAY = date(2026, 11, 30)
LAW_2021 = date(2021, 7, 15)


@pytest.fixture(scope="module")
def corpora(sides):
    return [sides[0].corpus, sides[1].corpus]


@pytest.fixture(scope="module")
def dense_rows(corpus):
    return list(Caseload(corpus, seed=5, dense_dates=True, today=TODAY).rows(3_000))


def _facts(row):
    return {k: v for k, v in row.items() if k != "case_ref"}


def test_dense_mode_reaches_the_boundaries(corpus, dense_rows):
    rows = dense_rows
    acts = [date.fromisoformat(r["act_date"]) for r in rows if "act_date" in r]
    assert sum("decision_date" not in r for r in rows) > 0.1 * len(rows)  # today stands in
    assert any(abs((a - LAW_2021).days) <= 3 for a in acts)  # both sides of the 2021 law
    assert min(acts) < LAW_2021 < max(acts) and max(acts) > TODAY  # acts after today, too
    lags = [(date.fromisoformat(r["decision_date"]) - date.fromisoformat(r["act_date"])).days
            for r in rows if "decision_date" in r and "act_date" in r]
    assert max(lags) > 2 * 365  # beyond the two-year limitation period
    assert any(r.get("violated_law") == "中华人民共和国治安管理处罚法" for r in rows)  # revised_on 2026-01-01
    births = [(date.fromisoformat(r["act_date"]), date.fromisoformat(r["birth_date"])) for r in rows
              if "birth_date" in r]
    assert any(abs((a - b).days - 14 * 365.25) < 6 for a, b in births)
    priors = [p for r in rows for p in r.get("prior_offenses", [])]
    assert any("conduct" in p and "item_id" not in p for p in priors)  # matched by search
    for row in rows[:500]:
        read_row(_facts(row))  # valid facts (the contract's date ordering included)
    assert list(Caseload(corpus, seed=5, dense_dates=True, today=TODAY).rows(50)) == rows[:50]


def test_rows_with_the_same_projection_key_get_the_same_answers(corpus, corpora):
    """Each frequent fact pattern with many dense date draws: every group of rows sharing a
    projection key gets one answer on each side (the key misses no date comparison)."""
    proj = Projector(corpora, TODAY)
    engines = [replay_engine(c) for c in corpora]
    groups = defaultdict(dict)
    rows = 0
    for row in Caseload(corpus, seed=9, dense_dates=True, today=TODAY).variants(60, 2):
        facts = _facts(row)
        key = proj.key(facts)
        assert key is not None
        answers = tuple(evaluate_answer(e, read_row(facts), TODAY) for e in engines)
        groups[key].setdefault(answers, facts)
        rows += 1
    assert rows > 4_000 and len(groups) < rows  # keys are shared: the check has something to compare
    collisions = [list(g.values())[:2] for g in groups.values() if len(g) > 1]
    assert not collisions, collisions[:2]


def test_decision_date_missing_act_today_and_after_today_are_apart(corpora):
    """Without a decision date the engine decides as of `today` and refuses an act after it."""
    proj = Projector(corpora, TODAY)
    engine = replay_engine(corpora[0])
    base = {"item_id": "cn-tax-2021-6/03", "first_offense": True, "harm": "minor", "corrected": "within_deadline",
            "party_type": "enterprise"}
    on = dict(base, act_date=TODAY.isoformat())
    after = dict(base, act_date=(TODAY + timedelta(days=1)).isoformat())
    assert evaluate_answer(engine, read_row(after), TODAY)[0] == "error:act_after_decision"
    assert evaluate_answer(engine, read_row(on), TODAY)[0] != "error:act_after_decision"
    assert proj.key(on) != proj.key(after)


def test_dense_caseload_equals_the_production_path(dense_rows, corpora, settings, tmp_path):
    """A few thousand dense rows (JSONL: the row path; Parquet: the columnar path) against the
    production path (durable-rules, statute library, each case on its own): no difference."""
    write(iter(dense_rows[:1_500]), tmp_path / "dense.jsonl")
    write(iter(dense_rows[1_500:]), tmp_path / "dense.parquet", batch=500)
    chunks = plan_chunks([tmp_path / "dense.jsonl", tmp_path / "dense.parquet"], 500)
    eq = verify.check(corpora, chunks, TODAY, statutes_dir=settings.statutes_dir, workers=2)
    assert eq.cases == 3_000 and eq.bad_rows_replay == eq.bad_rows_production == 0
    assert eq.differences == 0, eq.examples[:3]


def test_a_duration_its_dates_contradict_is_not_projected(corpora):
    """CaseFacts refuses a 持续时间 the act's own dates contradict (duration_mismatch): the fast path, which
    validates a row's non-date part once per pattern, must not accept it either — else the refused row got
    the answer of a valid row with the same key (cn-samr-2025-1/x02: 持续不足1个月), or not, by row order."""
    proj = Projector(corpora, TODAY)
    base = {"item_id": "cn-samr-2025-1/x02", "domain": "market", "party_type": "enterprise", "continuing": True,
            "act_date": "2025-03-01", "decision_date": "2025-08-01",
            "quantities": {"violation_duration_months": 0.5}}
    fits, contradicts = dict(base, act_end_date="2025-03-20"), dict(base, act_end_date="2025-06-30")
    assert proj.key(fits) is not None
    assert proj.key(contradicts) is None  # read through the official boundary: refused there
    with pytest.raises(Exception):
        read_row(contradicts)
