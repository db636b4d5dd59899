"""Shutdown of the audit writer (AuditWriter.close puts _STOP in its queue): every record accepted
before it is committed, also the records the writer took from the queue together with the _STOP
(group mode), on PostgreSQL (the writer drains the queue when it takes its next batch) and on
SQLite with the writers' lock file (it drains again once it has its turn). Real databases, real
locks; no wall-clock limits beyond generous waits.
"""

import fcntl
import os
import threading

import pytest
from sqlalchemy import text

from service.audit import AuditWriter, make_engine, migrate
from tests.service.live_servers import pg_schema_or_skip
from tests.service.test_audit_writer_turns import _row, _wait_running


def _wait_queued(writer: AuditWriter, n: int) -> None:
    """Until n entries wait in the writer's queue (the writer is held up meanwhile)."""
    for _ in range(30_000):
        if writer._queue.qsize() >= n:
            return
        threading.Event().wait(0.001)
    pytest.fail(f"{writer._queue.qsize()} entries queued, {n} expected")


def _ids_stored(engine, rows) -> set[str]:
    ids = [r["id"] for r in rows]
    with engine.connect() as conn:
        found = conn.execute(text("SELECT id FROM decisions")).scalars().all()
    return set(found) & set(ids)


def _close_behind(writer: AuditWriter) -> threading.Thread:
    closing = threading.Thread(target=writer.close, kwargs={"timeout": 30})
    closing.start()
    return closing


def _all_committed(writer, closing, futures, engine, rows) -> None:
    closing.join(60)
    assert not writer.alive()
    assert all(f.done() for f in futures), "a record accepted before close() was left waiting"
    assert [f.exception() for f in futures] == [None] * len(futures)
    assert _ids_stored(engine, rows) == {r["id"] for r in rows}
    assert writer.rows == len(rows)


@pytest.fixture
def pg_engines():
    schema = pg_schema_or_skip()
    service, owner = make_engine(schema.url), schema.connect()
    try:
        yield service, owner
    finally:
        owner.close()
        service.dispose()
        schema.drop()


def test_pg_records_queued_with_the_stop_are_committed(pg_engines):
    """The first record's transaction waits for a table lock; two more records and the _STOP queue
    behind it. The writer's next batch takes both records and meets the _STOP: it commits them,
    then ends."""
    engine, owner = pg_engines
    writer = AuditWriter(engine, timeout=20)
    rows = [_row() for _ in range(4)]
    owner.execute("BEGIN")
    owner.execute("LOCK TABLE decisions IN ACCESS EXCLUSIVE MODE")  # another session holds the table
    try:
        first = writer.submit(rows[:1])
        _wait_running(first)  # taken: its INSERT waits for the lock
        later = [writer.submit(rows[1:2]), writer.submit(rows[2:])]
        closing = _close_behind(writer)
        _wait_queued(writer, 3)  # both records and the _STOP behind the blocked transaction
    finally:
        owner.execute("COMMIT")
    _all_committed(writer, closing, [first, *later], engine, rows)
    assert writer.commits == 2  # the first record, then both later ones in one transaction


def test_sqlite_records_drained_with_the_stop_while_waiting_for_the_lock_are_committed(tmp_path):
    """SQLite with the writers' lock file: the writer holds a record and waits for its turn; two
    more records and the _STOP queue meanwhile. Once it has the lock it drains them with the _STOP
    into its transaction: all three are committed in it, then the writer ends."""
    path = tmp_path / "audit.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    writer = AuditWriter(engine, timeout=20)
    rows = [_row() for _ in range(4)]
    fd = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another worker's writer holds the lock
        try:
            first = writer.submit(rows[:1])
            _wait_running(first)  # taken, waiting for the lock
            later = [writer.submit(rows[1:2]), writer.submit(rows[2:])]
            closing = _close_behind(writer)
            _wait_queued(writer, 3)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
        _all_committed(writer, closing, [first, *later], engine, rows)
        assert writer.commits == 1
        assert writer._lock_fd is None and writer._gate_fd is None
    finally:
        os.close(fd)
        engine.dispose()
