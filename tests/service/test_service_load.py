"""Concurrency and crash safety against real servers (no timing asserts: speed is in benchmarks/)."""

import sqlite3
import threading
import time

import httpx
import pytest
from sqlalchemy import text

from tests.service.live_servers import Server, pg_schema_or_skip, server_env
from service.audit import make_engine

TAX = "cn-tax-2021-6/03"
FACTS = {"item_id": TAX, "act_date": "2023-03-20", "first_offense": True, "harm": "minor",
         "corrected": "within_deadline"}


def _ids_in_db(url: str, ids: list[str]) -> set[str]:
    engine = make_engine(url)
    found: set[str] = set()
    try:
        with engine.connect() as conn:
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                params = {f"p{n}": v for n, v in enumerate(chunk)}
                sql = "SELECT id FROM decisions WHERE id IN (" + ",".join(f":p{n}" for n in range(len(chunk))) + ")"
                found |= {r.id for r in conn.execute(text(sql), params)}
    finally:
        engine.dispose()
    return found


def _count(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM decisions")).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    """A fresh server per test, with its own database."""
    var = tmp_path / "var"
    schema = None
    if request.param == "postgresql":
        schema = pg_schema_or_skip()
        url = schema.url
    else:
        url = f"sqlite:///{var / 'audit.db'}"
    env = server_env(var, DATABASE_URL=schema.url if schema else None)
    srv = Server(var, env)
    srv.db_url = url
    yield srv
    srv.stop()
    if schema:
        schema.drop()


def test_50_clients_200_each(backend):
    srv = backend.start()
    clients, per_client = 50, 200
    ids: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker(n: int):
        with srv.client("officer", timeout=60) as c:
            for i in range(per_client):
                try:
                    r = c.post("/v1/evaluate", json=dict(FACTS, harm=("none", "minor")[i % 2]))
                    if r.status_code != 200:
                        raise RuntimeError(f"{r.status_code} {r.text[:200]}")
                    with lock:
                        ids.append(r.json()["decision_id"])
                except Exception as exc:  # noqa: BLE001 - every failure is counted
                    with lock:
                        errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    print(f"\n{backend.env.get('DATABASE_URL', 'sqlite').split('?')[0]}: {len(ids)} responses in {elapsed:.1f} s "
          f"({len(ids) / elapsed:.0f}/s), {len(errors)} errors")
    assert errors == []
    assert len(ids) == clients * per_client == len(set(ids))
    assert _count(backend.db_url) == len(ids)


def test_kill_9_mid_load_loses_no_answered_decision(backend):
    srv = backend.start()
    port = srv.port
    received: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def worker():
        with srv.client("officer", timeout=10) as c:
            while not stop.is_set():
                try:
                    r = c.post("/v1/evaluate", json=FACTS)
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code == 200:
                    with lock:
                        received.append(r.json()["decision_id"])

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while len(received) < 300 and time.monotonic() < deadline:
        time.sleep(0.05)
    srv.kill9()
    stop.set()
    for t in threads:
        t.join(30)
    answered = list(received)
    assert len(answered) >= 300

    if backend.db_url.startswith("sqlite"):
        with sqlite3.connect(srv.var / "audit.db") as conn:  # opens cleanly after the crash (WAL recovery)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    missing = set(answered) - _ids_in_db(backend.db_url, answered)
    assert not missing, f"{len(missing)} answered decisions not in the audit log"

    srv.start(port=port)  # restart on the same database: migrations are a no-op, the log is intact
    with srv.client("reviewer") as rv:
        assert rv.get(f"/v1/decisions/{answered[-1]}").status_code == 200
        with srv.client("officer") as o:
            assert o.post("/v1/evaluate", json=FACTS).status_code == 200
    assert _count(backend.db_url) >= len(answered) + 1
    if backend.db_url.startswith("sqlite"):
        with sqlite3.connect(srv.var / "audit.db") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
