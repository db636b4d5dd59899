"""The collector policy (penalty_rules.gc_policy): applied for a block of work, restored after it
(also after an error, and only when the last of overlapping blocks ends); a heap frozen before is
left frozen but nothing more is frozen; a replay run leaves the collector as it found it."""

import gc
import threading

import pytest

from penalty_rules.gc_policy import THRESHOLDS, settled_heap

SENTINEL = (1234, 5, 6)


@pytest.fixture
def plain_collector():
    """A known state to compare with: sentinel thresholds, nothing frozen (restored afterwards: a
    service started earlier in this process may have frozen its heap)."""
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    if frozen:
        gc.unfreeze()
    gc.set_threshold(*SENTINEL)
    yield
    gc.set_threshold(*before)
    if frozen:
        gc.freeze()


def test_settled_heap_applies_and_restores(plain_collector):
    with settled_heap(collect=False):
        assert gc.get_threshold() == THRESHOLDS
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == SENTINEL
    assert gc.get_freeze_count() == 0


def test_settled_heap_restores_after_an_error(plain_collector):
    with pytest.raises(RuntimeError):
        with settled_heap(collect=False):
            raise RuntimeError("x")
    assert gc.get_threshold() == SENTINEL
    assert gc.get_freeze_count() == 0


def test_overlapping_blocks_restore_once_the_last_ends(plain_collector):
    inside, leave = threading.Event(), threading.Event()

    def other():
        with settled_heap(collect=False):
            inside.set()
            leave.wait(10)

    t = threading.Thread(target=other)
    t.start()
    inside.wait(10)
    with settled_heap(collect=False):
        pass
    assert gc.get_threshold() == THRESHOLDS and gc.get_freeze_count() > 0  # the other block still runs
    leave.set()
    t.join(10)
    assert gc.get_threshold() == SENTINEL and gc.get_freeze_count() == 0


def test_a_frozen_heap_is_not_frozen_further(plain_collector):
    gc.freeze()  # as settle_heap leaves a service process
    frozen = gc.get_freeze_count()
    garbage = []
    garbage.append(garbage)  # a cycle made after the freeze: collectable
    with settled_heap(collect=False):  # (frozen objects freed by reference counting leave the count)
        assert gc.get_freeze_count() <= frozen  # the cycle made after the freeze was not frozen
    del garbage
    assert gc.get_freeze_count() <= frozen
    gc.unfreeze()


def test_replay_leaves_the_collector_as_it_was(plain_collector, tmp_path):
    from datetime import date

    from penalty_rules.config import Settings
    from penalty_rules.load.loader import load_corpus_strict
    from penalty_rules.replay.reader import plan_chunks
    from penalty_rules.replay.runner import run_local

    corpus = load_corpus_strict(Settings.from_env().lists_dir)
    path = tmp_path / "cases.jsonl"
    path.write_text('{"item_id": "cn-tax-2021-6/03", "act_date": "2023-03-20", "first_offense": true}\n',
                    encoding="utf-8")
    result = run_local([corpus, corpus], plan_chunks([path]), date(2024, 1, 1), workers=1)
    assert result.rows == 1 and result.bad == 0
    assert gc.get_threshold() == SENTINEL and gc.get_freeze_count() == 0
