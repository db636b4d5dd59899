"""SQLite with several worker processes (`serve --workers N`): the audit writers take turns on the
writers' lock file (issue 12, p99 of `serve --workers 2` on SQLite).

Two AuditWriters on one real SQLite file, each with its own descriptors of the lock files: flock
treats them exactly as two processes. No wall-clock limits: the tests count commits.
"""

import fcntl
import os
import stat
import threading
import uuid

import pytest
from sqlalchemy import text

from service.audit import AuditTimeout, AuditUnavailable, AuditWriter, make_engine, migrate

BUSY_ROWS = 300  # rows the busy writer commits one per transaction (max_rows=1)


def _row() -> dict:
    return {"id": str(uuid.uuid4()), "created_at": "2026-01-01T00:00:00.000000Z", "kind": "evaluate",
            "batch_id": None, "batch_index": None, "requested_item": "cn-tax-2021-6/03",
            "chosen_item": "cn-tax-2021-6/03", "outcome": "no_penalty", "items": "[]", "basis": "[]",
            "facts": "{}", "rulesets": "{}", "ruleset_version": "r1", "engine_version": "e1",
            "trace_version": "1", "decision_date": "2026-01-01", "api_key": "dev-officer"}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "audit.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engines = [engine]

    def new_engine():
        e = make_engine(f"sqlite:///{path}")
        engines.append(e)
        return e

    yield path, engine, new_engine
    for e in engines:
        e.dispose()


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM decisions")).scalar_one()


def _wait_running(fut) -> None:
    """Until the writer has taken the job (it marks the future running, then waits for the lock)."""
    ev = threading.Event()
    while not fut.running() and not fut.done():
        ev.wait(0.001)


def test_a_waiting_writer_gets_its_turn_before_a_busy_writer_takes_the_lock_again(db):
    """A writer that always has more to commit releases the lock and wants it again at once; the
    other writer's record must go in within a turn or two, not after the busy writer's whole queue
    (before the turnstile it waited until that queue ran dry, or timed out)."""
    path, engine, new_engine = db
    busy = AuditWriter(engine, max_rows=1)  # one row per transaction: it takes the lock BUSY_ROWS times
    other = AuditWriter(new_engine())
    try:
        first = busy.submit([_row()])
        rest = [busy.submit([_row()]) for _ in range(BUSY_ROWS - 1)]
        first.result(30)
        waiting = other.submit([_row()])
        _wait_running(waiting)  # the other writer has taken its record: from here it waits for a turn
        before = busy.commits
        waiting.result(30)
        during = busy.commits - before
        for f in rest:
            f.result(30)
        print(f"\nbusy writer's commits while the other waited: {during} (of {BUSY_ROWS})")
        # a turn or two, with room for scheduling on a loaded machine; without the turnstile the busy
        # writer committed 115-299 times here
        assert during <= 30, f"the busy writer committed {during} times while the other writer waited for the lock"
        assert _count(engine) == BUSY_ROWS + 1
    finally:
        busy.close()
        other.close()


def test_records_queued_while_waiting_for_the_lock_join_that_transaction(db):
    """Group mode: a record submitted while the writer waits for its turn is committed in the same
    transaction as the one being held up, not in another turn after it."""
    path, engine, _ = db
    writer = AuditWriter(engine)
    fd = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another worker's writer holds the lock
        first = writer.submit([_row()])
        _wait_running(first)  # taken, waiting for the lock
        later = [writer.submit([_row()]), writer.submit([_row(), _row()])]
        fcntl.flock(fd, fcntl.LOCK_UN)
        for f in [first, *later]:
            f.result(30)
        assert (writer.commits, writer.rows) == (1, 4)
        assert _count(engine) == 4
    finally:
        os.close(fd)
        writer.close()


def test_a_held_turnstile_times_out_and_writes_nothing(db):
    """A process stuck while holding the turnstile (`-writer.gate`) bounds the wait like the lock
    itself: AuditTimeout, the record is not committed, and the writer works again afterwards."""
    path, engine, _ = db
    writer = AuditWriter(engine, timeout=0.2)
    writer.submit([_row()]).result(30)  # the lock files exist
    gate = f"{path}-writer.gate"
    assert stat.S_IMODE(os.stat(gate).st_mode) == 0o600
    fd = os.open(gate, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(AuditTimeout):
            writer.submit([_row()]).result(30)
        fcntl.flock(fd, fcntl.LOCK_UN)
        assert _count(engine) == 1
        writer.submit([_row()]).result(30)
        assert _count(engine) == 2
    finally:
        os.close(fd)
        writer.close()


def test_two_workers_held_turnstile_answers_503_and_commits_nothing_later(tmp_path):
    """A real `serve --workers 2` on SQLite: while a stuck process holds the turnstile, evaluations
    are answered 503 audit_timeout (Retry-After) by either worker and their records are not
    committed afterwards; once it is released every answer is 200 again and committed."""
    import time

    import httpx

    from tests.service.live_servers import Server, server_env

    timeout = 1.0
    var = tmp_path / "var"
    srv = Server(var, server_env(var, PENALTY_RULES_AUDIT_TIMEOUT=str(timeout)))
    srv.start(workers=2)
    engine = make_engine(f"sqlite:///{var / 'audit.db'}")
    facts = {"item_id": "cn-tax-2021-6/03", "act_date": "2023-03-20", "decision_date": "2023-04-10",
             "first_offense": True, "harm": "minor", "corrected": "within_deadline"}
    try:
        gate = var / "audit.db-writer.gate"
        assert stat.S_IMODE(os.stat(gate).st_mode) == 0o600  # created by the readiness probe
        before = _count(engine)
        fd = os.open(gate, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            answers = []
            for _ in range(4):  # new connections: the kernel spreads them over both workers
                with srv.client("officer", timeout=60) as c:
                    answers.append(c.post("/v1/evaluate", json=facts))
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        for r in answers:
            assert r.status_code == 503, r.text
            assert r.json()["error"]["code"] == "audit_timeout"
            assert int(r.headers["retry-after"]) >= 1
        time.sleep(timeout + 2)  # a writer still waiting at the turnstile would commit its record now
        assert _count(engine) == before, "a record answered with 503 was committed after the turnstile was released"
        ids = []
        for _ in range(6):
            with srv.client("officer", timeout=60) as c:
                r = c.post("/v1/evaluate", json=facts)
            assert r.status_code == 200, r.text
            ids.append(r.json()["decision_id"])
        assert _count(engine) == before + len(ids)
        assert httpx.get(srv.url + "/healthz", timeout=10).status_code == 200
    finally:
        engine.dispose()
        srv.stop()


def test_a_stop_met_by_a_failing_transaction_still_stops_the_writer(db):
    """close() puts _STOP in the queue; a writer waiting for its turn drains it with the records it
    takes into its transaction. When that transaction fails (here: a duplicate id), the stop must
    not be lost: the writer thread ends and its lock files are closed; and every request of that
    transaction, the one drained with the _STOP too, is answered with the error (none is left
    waiting, none is committed)."""
    path, engine, _ = db
    writer = AuditWriter(engine, timeout=5)
    first = _row()
    writer.submit([first]).result(30)
    fd = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        bad = writer.submit([dict(first)])  # the same id again: the transaction fails
        _wait_running(bad)
        drained = writer.submit([_row()])  # taken with the _STOP once the writer has its turn
        closing = threading.Thread(target=writer.close, kwargs={"timeout": 10})
        closing.start()
        while writer._queue.qsize() < 2:  # the record and _STOP queued behind the waiting batch
            threading.Event().wait(0.001)
        fcntl.flock(fd, fcntl.LOCK_UN)
        closing.join(30)
        assert not writer.alive()
        assert bad.done() and drained.done(), "a request of the failed transaction was left waiting"
        assert isinstance(bad.exception(), AuditUnavailable) and isinstance(drained.exception(), AuditUnavailable)
        assert (writer.commits, writer.rows) == (1, 1)
        assert writer._lock_fd is None and writer._gate_fd is None
        assert _count(engine) == 1
    finally:
        os.close(fd)


def test_lock_files_that_cannot_be_opened_are_tried_again(db):
    """The gate cannot be opened (a directory stands for a file of another user): the write fails
    (503 for its requests), and once the file is right the next write goes through; stopping
    closes only what was opened."""
    path, engine, _ = db
    os.mkdir(f"{path}-writer.gate")
    writer = AuditWriter(engine, timeout=1)
    try:
        with pytest.raises(Exception):
            writer.submit([_row()]).result(30)
        assert writer._lock_fd is None and writer._gate_fd is None  # neither kept
        os.rmdir(f"{path}-writer.gate")
        writer.submit([_row()]).result(30)
        assert _count(engine) == 1
    finally:
        writer.close(10)
    assert not writer.alive()


def test_a_request_answered_503_is_not_committed_later(db):
    """Request A waits for the lock and is answered 503 at its deadline; request B, queued behind
    A's batch, must not get a fresh timeout of its own when the writer takes it: the lock is freed
    after B's request has given up, and B is not written then (the batch's deadline counts from
    its oldest request's submission, and a withdrawn request is dropped once the lock is taken)."""
    import asyncio

    from service.audit import AuditRepository

    path, engine, _ = db
    writer = AuditWriter(engine, timeout=1.0)
    repo = AuditRepository(engine, writer)
    fd = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    late = _row()

    async def main():
        async def request(row, delay):
            await asyncio.sleep(delay)
            try:
                await repo.commit([row])
                return 200
            except AuditTimeout:
                return 503

        a = asyncio.create_task(request(_row(), 0))
        b = asyncio.create_task(request(late, 0.3))
        # another worker's transaction holds the lock until after B's request gave up (0.3 + 1.5 s)
        asyncio.get_running_loop().call_later(1.9, lambda: fcntl.flock(fd, fcntl.LOCK_UN))
        answers = (await a, await b)
        await asyncio.sleep(1.5)  # the writer has had the lock for a while
        return answers

    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert asyncio.run(main()) == (503, 503)
        writer.submit([_row()]).result(30)  # the writer is well and writes again
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM decisions WHERE id = :i"), {"i": late["id"]}).scalar_one() == 0
        assert _count(engine) == 1
    finally:
        os.close(fd)
        writer.close(10)
