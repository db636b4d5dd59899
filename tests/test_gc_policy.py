"""The collector policy (penalty_rules.gc_policy): applied for a block of work, restored after it,
also when the block fails; a replay run leaves the process's collector as it found it."""

import gc

import pytest

from penalty_rules.gc_policy import THRESHOLDS, settled_heap


def test_settled_heap_applies_and_restores():
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    with settled_heap(collect=False):
        assert gc.get_threshold() == THRESHOLDS
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    if frozen == 0:
        assert gc.get_freeze_count() == 0


def test_settled_heap_restores_after_an_error():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError):
        with settled_heap(collect=False):
            raise RuntimeError("x")
    assert gc.get_threshold() == before


def test_replay_leaves_the_collector_as_it_was(tmp_path):
    from datetime import date

    from penalty_rules.config import Settings
    from penalty_rules.load.loader import load_corpus_strict
    from penalty_rules.replay.reader import plan_chunks
    from penalty_rules.replay.runner import run_local

    corpus = load_corpus_strict(Settings.from_env().lists_dir)
    path = tmp_path / "cases.jsonl"
    path.write_text('{"item_id": "cn-tax-2021-6/03", "act_date": "2023-03-20", "first_offense": true}\n',
                    encoding="utf-8")
    before = gc.get_threshold()
    result = run_local([corpus, corpus], plan_chunks([path]), date(2024, 1, 1), workers=1)
    assert result.rows == 1 and result.bad == 0
    assert gc.get_threshold() == before
