"""The audit log: one append-only record per evaluation (SQLAlchemy 2, SQLite or PostgreSQL).

Writes go through one dedicated writer thread (SQLite allows one writer; PostgreSQL is served the
same way, so both behave alike). In "group" mode the writer drains every record waiting in its
queue and commits them in one transaction (group commit); each caller's future completes only
after the transaction holding its record has committed, and the HTTP response is sent only then.
In "direct" mode each submission is its own transaction. There is no update or delete path here,
and the migration adds triggers that refuse UPDATE and DELETE on the decisions table.
"""

import hashlib
import json
import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, String, Text, create_engine, event, func, or_, select, text
from sqlalchemy.engine import Engine as SAEngine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

log = logging.getLogger("penalty_rules.service.audit")
ALEMBIC_DIR = Path(__file__).resolve().parent / "alembic"


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


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(16))  # dev | file
    created_at: Mapped[str] = mapped_column(String(32))


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utc_iso(dt: datetime) -> str:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def salted_sha256(salt: str, value: str) -> str:
    return hashlib.sha256((salt + value).encode("utf-8")).hexdigest()


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def make_engine(url: str) -> SAEngine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=8,
            max_overflow=8,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # every connection: WAL, fsync on commit
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=True, pool_recycle=1800)


def migrate(engine: SAEngine) -> None:
    """`alembic upgrade head` on this database, programmatically."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class AuditUnavailable(Exception):
    """The audit record could not be committed; the decision is not released."""


_STOP = object()


class AuditWriter:
    """The single writer. submit(rows) → Future that completes when the rows are committed."""

    def __init__(self, engine: SAEngine, mode: str = "group", max_rows: int = 2000):
        self.engine = engine
        self.mode = mode
        self.max_rows = max_rows
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self.commits = 0
        self.rows = 0
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()

    def submit(self, rows: list[dict]) -> Future:
        fut: Future = Future()
        self._queue.put((rows, fut))
        return fut

    def close(self, timeout: float = 30) -> None:
        self._queue.put(_STOP)
        self._thread.join(timeout)

    def _take(self) -> tuple[list[tuple[list[dict], Future]], bool]:
        first = self._queue.get()
        if first is _STOP:
            return [], True
        taken, count, stop = [first], len(first[0]), False
        if self.mode == "group":
            while count < self.max_rows:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is _STOP:
                    stop = True
                    break
                taken.append(nxt)
                count += len(nxt[0])
        return taken, stop

    def _run(self) -> None:
        table = DecisionRecord.__table__
        while True:
            taken, stop = self._take()
            if taken:
                rows = [r for rs, _ in taken for r in rs]
                try:
                    with self.engine.begin() as conn:
                        if rows:
                            conn.execute(table.insert(), rows)
                except Exception as exc:  # reported to every waiting request as 503
                    log.exception("审计记录写入失败")
                    for _, fut in taken:
                        fut.set_exception(AuditUnavailable(str(exc)))
                else:
                    self.commits += 1
                    self.rows += len(rows)
                    for _, fut in taken:
                        fut.set_result(None)
            if stop:
                return


@dataclass
class DecisionQuery:
    item: str | None = None
    ruleset: str | None = None
    from_: str | None = None
    to: str | None = None
    limit: int = 100
    offset: int = 0


class AuditRepository:
    """Reads of the audit log and the key table; writes only through the AuditWriter."""

    def __init__(self, engine: SAEngine, writer: AuditWriter):
        self.engine = engine
        self.writer = writer

    def record(self, rows: list[dict]) -> Future:
        return self.writer.submit(rows)

    def get(self, decision_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(DecisionRecord.__table__).where(DecisionRecord.id == decision_id)).mappings().first()
        return dict(row) if row else None

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
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(t).where(*cond)).scalar_one()
            rows = conn.execute(
                select(t).where(*cond).order_by(t.c.created_at.desc(), t.c.id).limit(q.limit).offset(q.offset)
            ).mappings().all()
        return total, [dict(r) for r in rows]

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
        """Insert keys (name, role, key_sha256) not yet stored; keys are only ever added."""
        t = ApiKey.__table__
        with self.engine.begin() as conn:
            have = {r.key_sha256 for r in conn.execute(select(t.c.key_sha256))}
            names = {r.name for r in conn.execute(select(t.c.name))}
            for e in entries:
                if e["key_sha256"] in have:
                    continue
                name = e["name"]
                while name in names:
                    name += "+"
                names.add(name)
                conn.execute(
                    t.insert().values(
                        name=name, role=e["role"], key_sha256=e["key_sha256"], source=source, created_at=utc_now()
                    )
                )
