"""The audit log: one append-only record per evaluation (SQLAlchemy 2, SQLite or PostgreSQL).

Writes go through one dedicated writer thread (SQLite allows one writer; PostgreSQL is served the
same way, so both behave alike). In "group" mode the writer drains every record waiting in its
queue and commits them in one transaction (group commit); each caller's future completes only
after the transaction holding its record has committed, and the HTTP response is sent only then.
SQLite with several worker processes: the writers take turns on a file lock, and a writer that
waited for its turn also takes the records queued meanwhile into that transaction.
In "direct" mode each submission is its own transaction. There is no update or delete path here.

Append-only in the database itself (migrations 0001 and 0002):
* SQLite: triggers refuse UPDATE, DELETE, and any INSERT that would replace a stored row (REPLACE
  INTO, INSERT OR REPLACE, upsert, by id or by rowid). Whoever can write the file can still drop the
  triggers (SQLite has no privileges): the file's permissions are the boundary; it is created 0600.
* PostgreSQL: the tables belong to the migration role; the service connects as a role with INSERT
  and SELECT only (setup_service_role), so it cannot UPDATE, DELETE, TRUNCATE, disable triggers or
  set session_replication_role; triggers also refuse UPDATE, DELETE and TRUNCATE to the owner.

Writes are bounded in time: the database waits at most `timeout` seconds for a lock (SQLite busy
timeout; PostgreSQL lock_timeout and statement_timeout), and a request waits at most a little more
than that for its commit, then answers 503 (AuditTimeout). Free text in the stored facts is masked
(service.privacy) before it is written and again when it is read. Errors are logged with the
decision ids and the error, never with facts (the engine hides SQL parameters).
"""

import asyncio
import hashlib
import json
import logging
import os
import queue
import threading
import time
import uuid
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, String, Text, UniqueConstraint, create_engine, event, func, or_, select, text
from sqlalchemy.engine import Engine as SAEngine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from service import privacy

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

log = logging.getLogger("penalty_rules.service.audit")
ALEMBIC_DIR = Path(__file__).resolve().parent / "alembic"
DEFAULT_TIMEOUT = 5.0  # seconds: PENALTY_RULES_AUDIT_TIMEOUT
GRACE = 0.5  # a request waits timeout + GRACE for its commit (the database gives up first)
POLL = 0.0005  # seconds between two attempts at the writers' file lock (SQLite, several processes)


class Base(DeclarativeBase):
    pass


class DecisionRecord(Base):
    __tablename__ = "decisions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[str] = mapped_column(String(32), index=True)  # UTC ISO 8601, fixed width
    kind: Mapped[str] = mapped_column(String(16))  # evaluate | batch
    batch_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    batch_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    requested_item: Mapped[str | None] = mapped_column(String(120), nullable=True, index=True)
    chosen_item: Mapped[str | None] = mapped_column(String(120), nullable=True, index=True)
    outcome: Mapped[str] = mapped_column(String(32))
    items: Mapped[str] = mapped_column(Text)  # JSON list of candidate item ids
    basis: Mapped[str] = mapped_column(Text)  # JSON list of basis labels
    facts: Mapped[str] = mapped_column(Text)  # JSON CaseFacts (no personal names)
    rulesets: Mapped[str] = mapped_column(Text)  # JSON {list version key: content hash}
    ruleset_version: Mapped[str] = mapped_column(String(32), index=True)
    engine_version: Mapped[str] = mapped_column(String(32))
    trace_version: Mapped[str] = mapped_column(String(16))
    decision_date: Mapped[str] = mapped_column(String(10))
    api_key: Mapped[str | None] = mapped_column(String(64), nullable=True)  # key name, not the key
    case_ref: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)  # 办案编号 (0003)
    # the ruleset key that decided (0007; NULL: no rule decided, or not known for a record written before 0007)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    decided_by_source: Mapped[str | None] = mapped_column(String(16), nullable=True)  # engine | migration | unknown


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(16))  # dev | file
    created_at: Mapped[str] = mapped_column(String(32))


class KeyRegistration(Base):
    """Every (name, role) a key was loaded under (migration 0006, append-only): api_keys keeps only
    the first name and role of a secret; a key whose role or name changed in the keys file keeps
    its earlier records counting and its new ones count too."""

    __tablename__ = "key_registrations"
    __table_args__ = (UniqueConstraint("key_sha256", "name", "role", name="uq_key_registrations_key_name_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key_sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16), nullable=True)
    created_at: Mapped[str] = mapped_column(String(32))


def utc_now() -> str:
    """2026-01-31T08:00:00.000000Z (fixed width; isoformat is faster than strftime)."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")[:-6] + "Z"


def utc_iso(dt: datetime) -> str:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def salted_sha256(salt: str, value: str) -> str:
    return hashlib.sha256((salt + value).encode("utf-8")).hexdigest()


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def dumps(value: Any) -> str:
    """Canonical JSON (json.dumps with these options; one encoder, not one per call)."""
    return _ENCODER.encode(value)


def _private_sqlite_file(url: str) -> None:
    """Create the SQLite file readable and writable by its owner only (0600) before SQLite does:
    SQLite cannot refuse DROP TRIGGER to whoever can write the file, so its permissions are the
    boundary of the append-only log. The -wal and -shm files take the database file's mode."""
    path = make_url(url).database
    if not path or path == ":memory:" or os.path.exists(path):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def make_engine(url: str, timeout: float = DEFAULT_TIMEOUT) -> SAEngine:
    """hide_parameters: an error message never carries the row's values (facts) into a log."""
    if url.startswith("sqlite"):
        _private_sqlite_file(url)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": timeout},
            pool_size=8,
            max_overflow=8,
            pool_timeout=max(timeout, 1.0),
            hide_parameters=True,
        )
        busy_ms = int(timeout * 1000)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # every connection: WAL, fsync on commit, bounded lock wait
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute(f"PRAGMA busy_timeout={busy_ms}")
            cur.close()

        return engine
    return create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=True, pool_recycle=1800,
                         pool_timeout=max(timeout, 1.0), hide_parameters=True,
                         connect_args={"connect_timeout": max(1, round(timeout))})


# pg_advisory_xact_lock key of the schema setup (migrations, the service role's grants): worker processes
# starting at once take turns — concurrent GRANTs on one schema fail with "tuple concurrently updated"
PG_SETUP_LOCK = 0x70656E616C7479  # "penalty"


def _one_setup_at_a_time(conn) -> None:
    """PostgreSQL: wait for the other processes' schema setup (released when this transaction ends)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_SETUP_LOCK})")


def migrate(engine: SAEngine) -> None:
    """`alembic upgrade head` on this database, programmatically (one process at a time on PostgreSQL)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    with engine.begin() as conn:
        _one_setup_at_a_time(conn)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    from service.reviews import forget_columns  # columns cached before the upgrade are stale

    forget_columns(engine)


class AuditUnavailable(Exception):
    """The audit record could not be committed; the decision is not released (503)."""

    code = "audit_unavailable"
    message_zh = "审计记录未能保存, 决定未发出, 请稍后重试"
    retry_after = 1


class AuditTimeout(AuditUnavailable):
    """The audit record was not committed within the timeout (a locked table, a blocked writer)."""

    code = "audit_timeout"
    message_zh = "审计记录写入超时(审计数据库繁忙或被锁定), 决定未发出, 请稍后重试"
    retry_after = 5


def describe_error(exc: BaseException) -> str:
    """The error for a log line: its class, SQLSTATE and the first line of the database's message,
    masked, at most 200 characters. Never the statement's parameters (the engine hides them anyway)
    nor a DETAIL line (PostgreSQL's "Failing row contains (...)" would carry the facts)."""
    orig = getattr(exc, "orig", None) or exc
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    first = (str(orig).strip().splitlines() or [""])[0][:200]
    first = privacy.redact(first)
    return f"{type(orig).__name__}{f' [{state}]' if state else ''}: {first}"


def is_lock_timeout(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None) or exc
    state = getattr(orig, "sqlstate", None)
    return state in ("55P03", "57014") or "database is locked" in str(orig) or "database table is locked" in str(orig)


def _ids(rows) -> str:
    ids = [r.get("id", "?") for r in rows if isinstance(r, dict)]
    return ", ".join(ids[:10]) + (f" 等 {len(ids)} 条" if len(ids) > 10 else "")


_STOP = object()
_COLUMNS = tuple(c.name for c in DecisionRecord.__table__.columns)
_INSERT_HEAD = f"INSERT INTO decisions ({', '.join(_COLUMNS)}) VALUES "
_QMARK_ROW = "(" + ", ".join("?" for _ in _COLUMNS) + ")"
_PG_ROW = "(" + ", ".join("%s" for _ in _COLUMNS) + ")"
PG_CHUNK = 65535 // len(_COLUMNS)  # rows per INSERT on PostgreSQL: its limit is 65 535 parameters per statement


class AuditWriter:
    """The single writer. submit(rows) → Future that completes when the rows are committed;
    probe() → Future that completes when the database has taken a write (readiness)."""

    def __init__(self, engine: SAEngine, mode: str = "group", max_rows: int = 2000,
                 timeout: float = DEFAULT_TIMEOUT):
        self.engine = engine
        self.mode = mode
        self.max_rows = max_rows
        self.timeout = timeout
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._lock_path = _writer_lock_path(engine)
        self._lock_fd: int | None = None  # opened by the writer thread on its first write
        self._gate_path = self._lock_path and _gate_path(self._lock_path)
        self._gate_fd: int | None = None  # the turnstile in front of the lock (_lock_writer)
        self._chunk: int | None = None  # SQLite: rows per INSERT (_sqlite_chunk)
        self._busy_ms: int | None = None  # SQLite: the pool's busy timeout (_limits)
        self.commits = 0
        self.rows = 0
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()

    def alive(self) -> bool:
        return self._thread.is_alive()

    def _put(self, rows: list[dict] | None) -> Future:
        fut: Future = Future()
        fut.enqueued = time.monotonic()  # the batch's deadline counts from its oldest job (_run)
        if not self._thread.is_alive():
            fut.set_exception(AuditUnavailable("audit writer thread is not running"))
            return fut
        self._queue.put((rows, fut))
        return fut

    def submit(self, rows: list[dict]) -> Future:
        return self._put(rows)

    def wait(self, rows: list[dict], loop: asyncio.AbstractEventLoop) -> "LoopWaiter":
        """Submit rows for a request on `loop` (its thread): waiter.future completes on the loop
        when they are committed."""
        waiter = LoopWaiter(loop)
        if not self._thread.is_alive():
            waiter.future.set_exception(AuditUnavailable("audit writer thread is not running"))
        else:
            self._queue.put((rows, waiter))
        return waiter

    def probe(self) -> Future:
        return self._put(None)

    def close(self, timeout: float = 30) -> None:
        self._queue.put(_STOP)
        self._thread.join(timeout)

    def _take(self) -> tuple[list[tuple[list[dict] | None, Future]], bool]:
        """The next jobs to write (in group mode with those waiting behind the first) and whether
        the queue's _STOP was met."""
        first = self._queue.get()
        if first is _STOP:
            return [], True
        if self.mode != "group":
            return [first], False
        more, stop = self._drain(len(first[0] or ()))
        return [first, *more], stop

    def _drain(self, count: int) -> tuple[list, bool]:
        """What waits in the queue, taken until the jobs hold max_rows rows with the `count` already
        taken, and whether _STOP was met (it ends the draining; nothing behind it is taken)."""
        taken: list = []
        while count < self.max_rows:
            try:
                nxt = self._queue.get_nowait()
            except queue.Empty:
                break
            if nxt is _STOP:
                return taken, True
            taken.append(nxt)
            count += len(nxt[0] or ())
        return taken, False

    def _limits(self, conn, remaining: float) -> int | None:
        """This transaction waits at most `remaining` seconds (what is left of its oldest request's
        timeout) for a lock or a statement: PostgreSQL by lock_timeout and statement_timeout (SET
        LOCAL: this transaction only), SQLite by the connection's busy timeout, whose previous
        value is returned for the caller to set back (the connection goes back to the pool); that
        value, the same on every connection of the pool (set when it connects), is read once."""
        ms = max(1, int(remaining * 1000))
        if self.engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {ms}; SET LOCAL statement_timeout = {ms}")
            return None
        if self.engine.dialect.name == "sqlite":
            before = self._busy_ms
            if before is None:
                before = self._busy_ms = conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
            if ms < before:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {ms}")
                return before
        return None

    def _probe_row(self) -> dict:
        return {"id": "readyz-" + uuid.uuid4().hex[:29], "created_at": utc_now(), "kind": "probe", "outcome": "-",
                "items": "[]", "basis": "[]", "facts": "{}", "rulesets": "{}", "ruleset_version": "-",
                "engine_version": "-", "trace_version": "-", "decision_date": "-"}

    def _insert(self, conn, rows: list[dict]) -> None:
        """The rows in one multi-row INSERT per chunk: one round trip on PostgreSQL (executemany
        sends one statement per row), one sqlite3_step on SQLite (executemany releases and takes
        back the GIL once per row, and each take waits up to the switch interval, 5 ms, while an
        evaluation runs in the other thread). Plain DB-API statements: SQLAlchemy's per-row
        parameter processing costs more than the insert itself."""
        params = [tuple(r.get(c) for c in _COLUMNS) for r in rows]
        pg = self.engine.dialect.name == "postgresql"
        chunk_rows = PG_CHUNK if pg else self._sqlite_chunk(conn)
        row_sql = _PG_ROW if pg else _QMARK_ROW
        for i in range(0, len(params), chunk_rows):
            chunk = params[i:i + chunk_rows]
            conn.exec_driver_sql(_INSERT_HEAD + ", ".join([row_sql] * len(chunk)),
                                 tuple(v for row in chunk for v in row))

    def _sqlite_chunk(self, conn) -> int:
        """Rows per SQLite INSERT: its parameter limit (32 766 since 3.32, 999 before) / columns."""
        if self._chunk is None:
            try:
                import sqlite3

                limit = conn.connection.dbapi_connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            except (AttributeError, sqlite3.Error):
                limit = 999
            self._chunk = max(1, min(limit, 32766) // len(_COLUMNS))
        return self._chunk

    def _write(self, jobs: list, deadline: float) -> "_Batch":
        """Commit the jobs' rows by `deadline` (monotonic), else AuditTimeout and nothing written;
        with no rows, insert a probe row and roll it back (can the database take a write?). Never
        raises an Exception: the returned _Batch holds the jobs this transaction held (the caller
        completes them), whether the queue's _STOP was met while taking more of them, and the
        error, if any (the _STOP is not lost when the transaction that met it fails)."""
        stop, rows = False, None
        try:
            if self._lock_path is None:
                rows = _rows(jobs)
                self._transaction(rows, deadline)
                return _Batch(jobs, rows)
            # SQLite with several worker processes (`serve --workers N`): their writers take turns on a
            # file lock (_lock_writer), polled every POLL seconds. SQLite's own busy handler would sleep
            # 1, 2, 5, 10 ... 100 ms between attempts, which turns every collision into a latency spike.
            self._open_locks()
            self._lock_writer(deadline)  # held for one transaction only
            try:
                if self.mode == "group":
                    # the records queued while this writer waited for its turn join this transaction
                    # (else they would wait for the next turn, after the other workers' transactions)
                    more, stop = self._drain(sum(len(rs or ()) for rs, _ in jobs))
                    jobs = jobs + _admitted(more)
                # a request that gave up while this writer waited for its turn is not written
                jobs = [(rs, fut) for rs, fut in jobs if not getattr(fut, "withdrawn", False)]
                rows = _rows(jobs)
                if jobs:
                    self._transaction(rows, deadline)
            finally:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            return _Batch(jobs, rows, stop)
        except Exception as exc:  # the jobs held when it failed (before the lock: the first ones)
            return _Batch(jobs, _rows(jobs) if rows is None else rows, stop, exc)

    def _open_locks(self) -> None:
        """Open the lock and gate files once, both or neither (a failed open is tried again on
        the next write)."""
        if self._lock_fd is not None:
            return
        lock = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            gate = os.open(self._gate_path, os.O_RDWR | os.O_CREAT, 0o600)
        except BaseException:
            os.close(lock)
            raise
        self._lock_fd, self._gate_fd = lock, gate

    def _lock_writer(self, deadline: float) -> None:
        """Take the writers' file lock, waiting at most `timeout` (a stuck holder must not stall this
        writer, nor commit a batch long after its requests were answered 503): AuditTimeout, and the
        batch is not written.

        Fair between processes (issue 12, p99 of `serve --workers 2` on SQLite): a writer first
        passes a turnstile (`<db>-writer.gate`), takes the lock while holding it, then lets it go.
        A waiting writer holds the turnstile, so the writer that has just committed cannot take
        the lock again before it: the writers take turns. Without the turnstile a busy writer
        released the lock and took it back a few microseconds later for its next batch, and the
        other worker, polling every 1 to 5 ms, rarely found it free: it waited until the busy
        writer's queue ran dry. Measured with 50 clients on two workers: lock waits of 50 ms at
        p99 and up to 176 ms, while a transaction held the lock 7 ms at p99 and 15 ms at most
        (HTTP p99 92-163 ms); with the turnstile, waits of 7-10 ms at p99 and 21 ms at most.
        flock has no timeout, so both locks are polled, every POLL seconds, until the deadline."""
        self._poll_lock(self._gate_fd, deadline, self._gate_path)
        try:
            self._poll_lock(self._lock_fd, deadline, self._lock_path)
        finally:
            fcntl.flock(self._gate_fd, fcntl.LOCK_UN)

    def _poll_lock(self, fd: int, deadline: float, path: str) -> None:
        # a constant pause: a pause growing with the wait would put the longest waiter last
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AuditTimeout(f"database is locked: writer lock {path} held past the requests' {self.timeout:g} s")
            time.sleep(min(POLL, remaining))

    def _transaction(self, rows: list[dict], deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AuditTimeout(f"the requests' {self.timeout:g} s ran out before their turn to write")
        with self.engine.connect() as conn:
            tx = conn.begin()
            restore = None
            try:
                restore = self._limits(conn, remaining)
                self._insert(conn, rows or [self._probe_row()])
            except BaseException:
                tx.rollback()
                raise
            else:
                if rows:
                    tx.commit()
                else:
                    tx.rollback()
            finally:
                if restore is not None:  # SQLite: the pooled connection's own busy timeout again
                    conn.exec_driver_sql(f"PRAGMA busy_timeout = {restore}")
                    conn.rollback()  # end the transaction the PRAGMA began (nothing in it)

    def _run(self) -> None:
        while True:
            taken, stop = self._take()
            jobs = _admitted(taken)
            if jobs:
                # the batch gives up when its oldest request would: a job that waited in the
                # queue behind a slow batch gets no fresh timeout of its own (its request is
                # answered 503 at enqueued + timeout + GRACE and must not be committed later)
                batch = self._write(jobs, min(f.enqueued for _, f in jobs) + self.timeout)
                stop = stop or batch.stop  # also when the transaction that met _STOP failed
                if batch.error is None:
                    if batch.rows:
                        self.commits += 1
                        self.rows += len(batch.rows)
                    _complete(batch.jobs, None)
                else:  # reported to every waiting request as 503
                    what = describe_error(batch.error)
                    timed_out = isinstance(batch.error, AuditTimeout) or is_lock_timeout(batch.error)
                    if batch.rows:
                        log.error("审计记录写入失败%s: 决定 %s: %s", "(超时)" if timed_out else "", _ids(batch.rows), what)
                    else:
                        log.warning("审计数据库写入探测失败: %s", what)
                    _complete(batch.jobs, (AuditTimeout if timed_out else AuditUnavailable)(what))
            if stop:
                self._close_locks()
                return

    def _close_locks(self) -> None:
        for fd in (self._lock_fd, self._gate_fd):
            if fd is not None:
                os.close(fd)
        self._lock_fd = self._gate_fd = None


@dataclass
class _Batch:
    """What AuditWriter._write did: the jobs of its transaction and their rows (built once), whether
    the queue's _STOP was met while taking them, and the error that kept them from being committed
    (None: committed; with no job, nothing was written)."""

    jobs: list
    rows: list[dict]
    stop: bool = False
    error: Exception | None = None


def _admitted(taken: list) -> list:
    """The jobs still wanted: a request that gave up (timeout) before its rows were taken is not written."""
    return [(rows, fut) for rows, fut in taken if fut.set_running_or_notify_cancel()]


def _rows(jobs: list) -> list[dict]:
    return [r for rs, _ in jobs if rs for r in rs]


def _writer_lock_path(engine: SAEngine) -> str | None:
    """SQLite file databases: the lock file the writers of all worker processes take turns on."""
    if engine.dialect.name != "sqlite" or fcntl is None:
        return None
    path = engine.url.database
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return path + "-writer.lock"


def _gate_path(lock_path: str) -> str:
    """The turnstile writers pass before they take the lock file (AuditWriter._lock_writer)."""
    return lock_path[: -len(".lock")] + ".gate"


class LoopWaiter:
    """Stands for a Future in the writer's queue for a request on an event loop (AuditWriter.wait):
    `future` belongs to the loop; the writer settles the waiters of one commit with a single
    call_soon_threadsafe per loop, instead of one wake-up and a Future/Condition pair per request.
    `withdrawn` (set by the request when it gives up) keeps rows not yet taken from being written."""

    __slots__ = ("loop", "future", "withdrawn", "enqueued")

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.future = loop.create_future()
        self.withdrawn = False
        self.enqueued = time.monotonic()  # the request gives up at enqueued + timeout + GRACE

    def set_running_or_notify_cancel(self) -> bool:
        return not self.withdrawn


def _settle(futures: list, error: BaseException | None) -> None:  # on the loop's thread
    for fut in futures:
        if fut.done():  # the request gave up (timeout, cancelled)
            continue
        if error is None:
            fut.set_result(None)
        else:
            fut.set_exception(error)


def _complete(jobs: list, error: BaseException | None) -> None:
    """Every job of one commit done (error None) or failed; LoopWaiters grouped by loop."""
    by_loop: dict = {}
    for _, fut in jobs:
        if isinstance(fut, LoopWaiter):
            by_loop.setdefault(fut.loop, []).append(fut.future)
        elif error is None:
            fut.set_result(None)
        else:
            fut.set_exception(error)
    for loop, futures in by_loop.items():
        try:
            loop.call_soon_threadsafe(_settle, futures, error)
        except RuntimeError:  # that loop is closed: nobody waits any more
            pass


@dataclass
class DecisionQuery:
    item: str | None = None
    ruleset: str | None = None
    from_: str | None = None
    to: str | None = None
    case_ref: str | None = None  # exact
    case_ref_contains: str | None = None  # substring (LIKE wildcards escaped)
    decided_by: str | None = None  # exact ruleset key (records whose decided_by is NULL are not found by it)
    limit: int = 100
    offset: int = 0


class AuditRepository:
    """Reads of the audit log and the key table; writes only through the AuditWriter. Free text in
    the facts is masked (service.privacy, with the salt) on the way in and on the way out."""

    def __init__(self, engine: SAEngine, writer: AuditWriter, salt: str = "", timeout: float | None = None):
        self.engine = engine
        self.writer = writer
        self.salt = salt
        self.timeout = writer.timeout if timeout is None else timeout

    def _mask(self, facts_json: str) -> str:
        return dumps(privacy.mask_facts(json.loads(facts_json), self.salt))

    def mask_value(self, facts: Any) -> Any:
        """The facts (a JSON value) with free text masked: what masked() stores, before serialising."""
        return privacy.mask_facts(facts, self.salt)

    def _out(self, row) -> dict:
        out = dict(row)
        out["facts"] = self._mask(out["facts"])  # records written before masking existed, too
        return out

    async def commit(self, rows: list[dict]) -> None:
        """Submit rows and wait for their commit, at most timeout + GRACE seconds: then AuditTimeout
        (rows not yet taken by the writer are withdrawn; rows it is writing may still commit). The
        rows' facts are masked already (handlers._row, off the event loop)."""
        waiter = self.writer.wait(rows, asyncio.get_running_loop())
        try:
            async with asyncio.timeout(self.timeout + GRACE):
                await waiter.future
        except TimeoutError:
            waiter.withdrawn = True
            log.error("审计记录写入超时(%.1f 秒): 决定 %s", self.timeout + GRACE, _ids(rows))
            raise AuditTimeout("timeout") from None
        except BaseException:  # cancelled: rows not yet taken are withdrawn
            waiter.withdrawn = True
            raise

    async def writable(self, timeout: float | None = None) -> None:
        """Readiness: the writer thread runs and the database takes a write within the timeout."""
        if not self.writer.alive():
            raise AuditUnavailable("audit writer thread is not running")
        fut = self.writer.probe()
        try:
            await asyncio.wait_for(asyncio.wrap_future(fut), (self.timeout if timeout is None else timeout) + GRACE)
        except asyncio.TimeoutError:
            fut.cancel()
            raise AuditTimeout("probe timeout") from None

    def get(self, decision_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(DecisionRecord.__table__).where(DecisionRecord.id == decision_id)).mappings().first()
        return self._out(row) if row else None

    def query(self, q: DecisionQuery) -> tuple[int, list[dict]]:
        t = DecisionRecord.__table__
        cond = []
        if q.item:
            cond.append(or_(t.c.chosen_item == q.item, t.c.requested_item == q.item))
        if q.ruleset:
            cond.append(t.c.ruleset_version == q.ruleset)
        if q.from_:
            cond.append(t.c.created_at >= q.from_)
        if q.to:
            cond.append(t.c.created_at < q.to)
        if q.case_ref:
            cond.append(t.c.case_ref == q.case_ref)
        if q.case_ref_contains:
            cond.append(t.c.case_ref.contains(q.case_ref_contains, autoescape=True))
        if q.decided_by:
            cond.append(t.c.decided_by == q.decided_by)
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(t).where(*cond)).scalar_one()
            rows = conn.execute(
                select(t).where(*cond).order_by(t.c.created_at.desc(), t.c.id).limit(q.limit).offset(q.offset)
            ).mappings().all()
        return total, [self._out(r) for r in rows]

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(DecisionRecord.__table__)).scalar_one()

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True

    # -- keys ------------------------------------------------------------------------------
    def keys(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(ApiKey.__table__)).mappings().all()]

    def sync_keys(self, entries: list[dict], source: str) -> None:
        sync_keys(self.engine, entries, source)


def sync_keys(engine: SAEngine, entries: list[dict], source: str) -> None:
    """register_keys, retried: with several worker processes (`serve --workers N`) each starts at
    once; a key another worker inserted meanwhile (unique violation, or a stale SQLite snapshot) is
    read again and skipped. Keys are only ever added."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    for attempt in range(5):
        try:
            return register_keys(engine, entries, source)
        except (IntegrityError, OperationalError):
            if attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))


def _insert_if_absent(engine: SAEngine, table):
    """INSERT … ON CONFLICT DO NOTHING (SQLite: INSERT OR IGNORE's equivalent): another worker may
    have registered the same row since it was read."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        return table.insert()
    return insert(table).on_conflict_do_nothing()


def register_keys(engine: SAEngine, entries: list[dict], source: str = "file") -> None:
    """Record the keys the service loads: a new secret in `api_keys` (its first name and role; a
    rotated key of a known name as `name+`), and every (secret, name, role) not yet seen in
    `key_registrations` — a role or name changed in the keys file is registered as well, the
    earlier ones stay (records count by any of them)."""
    t = ApiKey.__table__
    r = KeyRegistration.__table__
    with engine.begin() as conn:
        have = {x.key_sha256 for x in conn.execute(select(t.c.key_sha256))}
        names = {x.name for x in conn.execute(select(t.c.name))}
        seen = {(x.key_sha256, x.name, x.role) for x in conn.execute(select(r.c.key_sha256, r.c.name, r.c.role))}
        for e in entries:
            if (e["key_sha256"], e["name"], e["role"]) not in seen:
                seen.add((e["key_sha256"], e["name"], e["role"]))
                conn.execute(_insert_if_absent(engine, r).values(
                    key_sha256=e["key_sha256"], name=e["name"], role=e["role"], source=source, created_at=utc_now()))
            if e["key_sha256"] in have:
                continue
            name = e["name"]
            while name in names:
                name += "+"
            names.add(name)
            conn.execute(t.insert().values(name=name, role=e["role"], key_sha256=e["key_sha256"], source=source,
                                           created_at=utc_now()))


# ------------------------------------------------------------------------------ PostgreSQL roles
def service_role_of(database_url: str, migrate_url: str | None) -> str | None:
    """The role the service connects as, when migrations use another one (PostgreSQL only)."""
    if not migrate_url or database_url.startswith("sqlite"):
        return None
    user, owner = make_url(database_url).username, make_url(migrate_url).username
    return user if user and user != owner else None


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def setup_service_role(owner: SAEngine, role: str, password: str | None = None) -> None:
    """PostgreSQL, run as the tables' owner after migrating (idempotent): create the login role the
    service connects as if it does not exist (needs CREATEROLE), and grant it exactly INSERT and
    SELECT on the audit tables (and SELECT on alembic_version, to see that the schema is current).
    It gets no UPDATE, DELETE, TRUNCATE or TRIGGER privilege and does not own the tables, so it can
    neither change rows nor disable triggers; it is not a superuser, so it cannot set
    session_replication_role. Refuses a role that owns the tables or is a superuser."""
    q = owner.dialect.identifier_preparer.quote
    with owner.begin() as conn:
        _one_setup_at_a_time(conn)  # (several workers start at once)
        found = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
        if found is None:
            conn.exec_driver_sql(
                f"CREATE ROLE {q(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
                + (f" PASSWORD {_literal(password)}" if password else "")
            )
        elif found.rolsuper:
            raise ValueError(f"审计服务角色 {role} 是超级用户, 不能作为只增只读角色")
        schema, table_owner = conn.execute(text(
            "SELECT current_schema(), (SELECT tableowner FROM pg_tables WHERE tablename = 'decisions' "
            "AND schemaname = current_schema())")).one()
        if table_owner == role:
            raise ValueError(f"审计服务角色 {role} 是 decisions 表的所有者; 服务须以另一角色连接")
        seq = conn.execute(text("SELECT pg_get_serial_sequence('api_keys', 'id')")).scalar()
        reg = conn.execute(text("SELECT pg_get_serial_sequence('key_registrations', 'id')")).scalar()
        r = q(role)
        for stmt in (
            f"GRANT USAGE ON SCHEMA {q(schema)} TO {r}",
            f"REVOKE ALL ON decisions, api_keys, reviews, publications, key_registrations, legacy_records, "
            f"alembic_version FROM {r}",
            f"GRANT SELECT, INSERT ON decisions TO {r}",
            f"GRANT SELECT, INSERT ON api_keys TO {r}",  # keys are only ever added
            f"GRANT SELECT, INSERT ON reviews, publications TO {r}",  # review records (0004), append-only
            f"GRANT SELECT, INSERT ON key_registrations TO {r}",  # every (name, role) of a key (0006)
            f"GRANT SELECT ON legacy_records, alembic_version TO {r}",
            *([f"GRANT USAGE ON SEQUENCE {seq} TO {r}"] if seq else []),
            *([f"GRANT USAGE ON SEQUENCE {reg} TO {r}"] if reg else []),
        ):
            conn.exec_driver_sql(stmt)


def service_role_problems(engine: SAEngine) -> list[str]:
    """PostgreSQL: why the role this engine connects as is not an insert-and-select-only role
    (empty list: it is). SQLite: always empty (no roles; the file's permissions are the boundary)."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT current_user AS who, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su, "
            "(SELECT tableowner FROM pg_tables WHERE tablename = 'decisions' AND schemaname = current_schema()) AS owner, "
            "has_table_privilege('decisions', 'UPDATE') AS upd, has_table_privilege('decisions', 'DELETE') AS dele, "
            "has_table_privilege('decisions', 'TRUNCATE') AS trunc")).one()
    problems = []
    if row.su:
        problems.append(f"以超级用户 {row.who} 连接")
    if row.owner == row.who:
        problems.append(f"以 decisions 表的所有者 {row.who} 连接")
    for flag, name in ((row.upd, "UPDATE"), (row.dele, "DELETE"), (row.trunc, "TRUNCATE")):
        if flag and not row.su and row.owner != row.who:
            problems.append(f"角色 {row.who} 有 {name} 权限")
    return problems
