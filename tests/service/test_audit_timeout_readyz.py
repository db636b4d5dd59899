"""A blocked audit log answers quickly with 503 (never hangs); /readyz reflects the audit writer
and shows audit counts only to an admin key (the hardening issue, "Audit log")."""

import re
import sqlite3
import threading
import time

import httpx
import pytest

from tests.service.live_servers import Server, pg_schema_or_skip, server_env

TAX = "cn-tax-2021-6/03"
FACTS = {"item_id": TAX, "act_date": "2023-03-20", "decision_date": "2023-04-10", "first_offense": True,
         "harm": "minor", "corrected": "within_deadline"}
TIMEOUT = 1.0  # PENALTY_RULES_AUDIT_TIMEOUT of these servers


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def timed_server(request, tmp_path_factory):
    var = tmp_path_factory.mktemp(f"var-timeout-{request.param}")
    schema = pg_schema_or_skip() if request.param == "postgresql" else None
    extra = schema.server_env() if schema else {}
    srv = Server(var, server_env(var, PENALTY_RULES_AUDIT_TIMEOUT=str(TIMEOUT), **extra))
    srv.schema = schema
    srv.start()
    yield srv
    srv.stop()
    if schema:
        schema.drop()


class Lock:
    """Holds the audit table's write lock from another connection (the attack: a locked table)."""

    def __init__(self, srv):
        self.srv = srv

    def __enter__(self):
        if self.srv.schema is None:
            self.conn = sqlite3.connect(self.srv.var / "audit.db", isolation_level=None)
            self.conn.execute("BEGIN EXCLUSIVE")
        else:
            self.conn = self.srv.schema.connect()
            self.conn.execute("BEGIN")
            self.conn.execute("LOCK TABLE decisions IN ACCESS EXCLUSIVE MODE")
        return self

    def __exit__(self, *exc):
        self.conn.execute("ROLLBACK")
        self.conn.close()


def test_write_times_out_with_503_under_a_lock(timed_server):
    with timed_server.client("officer", timeout=60) as o:
        assert o.post("/v1/evaluate", json=FACTS).status_code == 200  # warm
        with Lock(timed_server):
            t0 = time.perf_counter()
            r = o.post("/v1/evaluate", json=FACTS)
            elapsed = time.perf_counter() - t0
        print(f"\n{timed_server.schema and 'postgresql' or 'sqlite'}: 503 after {elapsed:.2f} s "
              f"(PENALTY_RULES_AUDIT_TIMEOUT={TIMEOUT})")
        assert r.status_code == 503, r.text
        body = r.json()["error"]
        assert body["code"] == "audit_timeout"
        assert re.search(r"[\u4e00-\u9fff]", body["message_zh"]) and "超时" in body["message_zh"]
        assert int(r.headers["retry-after"]) >= 1
        assert elapsed < TIMEOUT + 2.5
        assert "decision_id" not in r.text
        assert o.post("/v1/evaluate", json=FACTS).status_code == 200  # the lock is gone: writes again


def test_concurrent_writes_under_a_lock_all_answer(timed_server):
    """Requests queued behind a blocked transaction time out too (no request waits for the lock twice)."""
    codes: list[int] = []
    times: list[float] = []

    def one():
        with timed_server.client("officer", timeout=60) as o:
            t0 = time.perf_counter()
            codes.append(o.post("/v1/evaluate", json=FACTS).status_code)
            times.append(time.perf_counter() - t0)

    with Lock(timed_server):
        threads = [threading.Thread(target=one) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert codes == [503] * 20
    assert max(times) < TIMEOUT + 2.5, max(times)


def test_readyz_not_ready_while_the_database_cannot_take_a_write(timed_server):
    assert httpx.get(timed_server.url + "/readyz").status_code == 200
    with Lock(timed_server):
        t0 = time.perf_counter()
        r = httpx.get(timed_server.url + "/readyz", timeout=30)
        elapsed = time.perf_counter() - t0
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "audit_unavailable" and "retry-after" in r.headers
    assert elapsed < TIMEOUT + 2.5
    assert httpx.get(timed_server.url + "/readyz").status_code == 200


def test_readyz_shows_no_counts_without_a_key(timed_server):
    with timed_server.client("officer") as o:
        assert o.post("/v1/evaluate", json=FACTS).status_code == 200
    anonymous = httpx.get(timed_server.url + "/readyz").json()
    assert anonymous["status"] == "ready"
    assert not {"audit_commits", "audit_rows"} & set(anonymous), anonymous
    officer = httpx.get(timed_server.url + "/readyz", headers={"X-API-Key": timed_server.keys["officer"]}).json()
    assert not {"audit_commits", "audit_rows"} & set(officer)
    admin = httpx.get(timed_server.url + "/readyz", headers={"X-API-Key": timed_server.keys["admin"]}).json()
    assert admin["audit_rows"] >= 1 and admin["audit_commits"] >= 1


# ------------------------------------------------------------------------------ in-process
@pytest.fixture
def app_client(inprocess_app):
    return inprocess_app(PENALTY_RULES_AUDIT_TIMEOUT=str(TIMEOUT))


def test_readyz_not_ready_when_the_writer_thread_is_dead(app_client):
    assert app_client.get("/readyz").status_code == 200
    app_client.app.state.ctx.repo.writer.close()  # the writer thread ends
    r = app_client.get("/readyz")
    assert r.status_code == 503 and r.json()["error"]["code"] == "audit_unavailable"


def test_evaluate_answers_503_at_once_when_the_writer_thread_is_dead(app_client, tmp_path):
    import json

    keys = {k["role"]: k["key"] for k in json.loads((tmp_path / "dev-keys.json").read_text())["keys"]}
    app_client.app.state.ctx.repo.writer.close()
    t0 = time.perf_counter()
    r = app_client.post("/v1/evaluate", json=FACTS, headers={"X-API-Key": keys["officer"]})
    assert r.status_code == 503 and r.json()["error"]["code"] == "audit_unavailable"
    assert time.perf_counter() - t0 < TIMEOUT
    assert "retry-after" in r.headers


def test_readyz_not_ready_when_the_writer_is_blocked(app_client):
    """A writer stuck in a commit (here: a job that blocks it) → readyz 503 within the timeout."""
    writer = app_client.app.state.ctx.repo.writer
    release = threading.Event()
    writer._queue.put(([], _Blocking(release)))
    try:
        t0 = time.perf_counter()
        r = app_client.get("/readyz")
        assert r.status_code == 503 and time.perf_counter() - t0 < TIMEOUT + 2.5
    finally:
        release.set()
    deadline = time.monotonic() + 10
    while app_client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert app_client.get("/readyz").status_code == 200


class _Blocking:
    """Stands in for a Future: the writer blocks when it marks it running (like a stuck commit)."""

    def __init__(self, release):
        self.release = release

    def set_running_or_notify_cancel(self):
        self.release.wait(30)
        return False

    def cancel(self):
        return False


def test_held_writer_lock_file_times_out_and_writes_nothing_later(timed_server):
    """SQLite: the writers' lock file (service.audit._writer_lock_path) held by a stuck process: the
    request gets 503 audit_timeout, and its record is not committed once the lock is released."""
    if timed_server.schema is not None:
        pytest.skip("SQLite's writer lock file only")
    import fcntl
    import os

    from test_service_load import _count

    url = f"sqlite:///{timed_server.var / 'audit.db'}"
    with timed_server.client("officer", timeout=60) as o:
        assert o.post("/v1/evaluate", json=FACTS).status_code == 200  # warm
        before = _count(url)
        fd = os.open(str(timed_server.var / "audit.db") + "-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            r = o.post("/v1/evaluate", json=FACTS)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == "audit_timeout"
        time.sleep(TIMEOUT + 2)  # a writer still waiting for the lock would commit the row now
        assert _count(url) == before, "a record answered with 503 was committed after the lock was released"
        assert o.post("/v1/evaluate", json=FACTS).status_code == 200  # writes again
        assert _count(url) == before + 1
