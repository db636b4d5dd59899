"""Overload behaviour (issue 12): evaluations run off the event loop in a bounded pool; a full pool
answers 503 `overloaded` with Retry-After at once, /healthz keeps answering while evaluations wait,
and with `serve --workers 2` no audit record is lost. No timing asserts (speed: benchmarks/)."""

import json
import threading
import time

import httpx
import pytest

from tests.service.live_servers import Server, pg_schema_or_skip, server_env
from test_service_load import FACTS, _count, _ids_in_db


class _Blocking:
    """Wraps the engine: every evaluation waits until `release` is set."""

    def __init__(self, engine):
        self._engine = engine
        self.release = threading.Event()
        self.started = threading.Semaphore(0)

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def evaluate(self, facts, **kw):
        self.started.release()
        assert self.release.wait(60), "test did not release the evaluations"
        return self._engine.evaluate(facts, **kw)


def test_full_pool_answers_503_with_retry_after_and_healthz_stays_up(inprocess_app):
    client = inprocess_app(PENALTY_RULES_EVAL_THREADS="1", PENALTY_RULES_EVAL_QUEUE="2")
    key = json.loads((client.app.state.settings.dev_keys_file).read_text())["keys"]
    headers = {"X-API-Key": next(k["key"] for k in key if k["role"] == "officer")}
    ctx = client.app.state.ctx
    blocking = _Blocking(ctx.engine)
    ctx.engine = blocking
    pool = client.app.state.pool
    results: list[int] = []

    def post():
        results.append(client.post("/v1/evaluate", json=FACTS, headers=headers).status_code)

    admitted = [threading.Thread(target=post) for _ in range(2)]
    try:
        for t in admitted:
            t.start()
        assert blocking.started.acquire(timeout=30)  # one evaluation runs, the other waits for the thread
        deadline = time.monotonic() + 30
        while pool.admitted < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pool.admitted == 2

        r = client.post("/v1/evaluate", json=FACTS, headers=headers)
        assert r.status_code == 503
        assert r.headers["Retry-After"] == "1"
        assert r.json()["error"]["code"] == "overloaded"
        assert "服务繁忙" in r.json()["error"]["message_zh"]
        batch = client.post("/v1/evaluate/batch", json={"cases": [FACTS]}, headers=headers)
        assert batch.status_code == 503 and batch.headers["Retry-After"] == "1"

        health = client.get("/healthz")  # evaluations are queued: the event loop still answers
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert pool.admitted == 2
    finally:
        blocking.release.set()
        for t in admitted:
            t.join(60)
    assert results == [200, 200]
    assert pool.admitted == 0
    assert client.post("/v1/evaluate", json=FACTS, headers=headers).status_code == 200


@pytest.fixture(params=["sqlite", "postgresql"])
def two_workers(request, tmp_path):
    var = tmp_path / "var"
    schema = None
    if request.param == "postgresql":
        schema = pg_schema_or_skip()
        env = server_env(var, **schema.server_env())
        url = schema.owner_url
    else:
        env = server_env(var)
        url = f"sqlite:///{var / 'audit.db'}"
    srv = Server(var, env)
    srv.db_url = url
    srv.start(workers=2)
    yield srv
    srv.stop()
    if schema:
        schema.drop()


def test_two_workers_lose_no_audit_record(two_workers):
    srv = two_workers
    before = _count(srv.db_url)
    clients, per_client = 20, 50
    ids: list[str] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def worker(n: int):
        with srv.client("officer", timeout=60) as c:
            for i in range(per_client):
                r = c.post("/v1/evaluate", json=dict(FACTS, harm=("none", "minor")[(n + i) % 2]))
                with lock:
                    statuses.append(r.status_code)
                    if r.status_code == 200:
                        ids.append(r.json()["decision_id"])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    # every 200 was committed before it was sent; nothing else is counted as served
    assert statuses.count(200) == len(ids)
    assert set(statuses) <= {200, 503}
    assert len(ids) >= clients * per_client // 2
    assert len(set(ids)) == len(ids)
    assert _ids_in_db(srv.db_url, ids) == set(ids)
    assert _count(srv.db_url) - before == len(ids)
    assert httpx.get(srv.url + "/healthz", timeout=10).status_code == 200


def test_closed_pool_refuses_jobs_instead_of_waiting_forever():
    import asyncio

    from service.pool import EvalPool

    pool = EvalPool(threads=1, limit=4)

    async def use():
        assert await pool.run(lambda x: x + 1, 1) == 2
        pool.close()
        with pytest.raises(RuntimeError):
            await asyncio.wait_for(pool.run(lambda: 1), 30)  # a TimeoutError here: it would wait forever
        assert pool.admitted == 0

    asyncio.run(use())
