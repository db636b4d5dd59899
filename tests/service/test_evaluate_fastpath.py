"""POST /v1/evaluate is answered by service.fastpath.EvaluateFastPath for its common form and by
the FastAPI endpoint otherwise (issue 12). The two must answer alike: every request here is sent
twice, once as is and once sent past the fast path to the FastAPI endpoint (`via=endpoint`: a test
header that the fixture's wrapper of the fast path forwards; an unknown query parameter no longer
does, the endpoint refuses it), and the answers are compared (status, error, body fields, headers),
together with the audit records each success left."""

import json

import pytest
from sqlalchemy import text

from test_service_load import FACTS

CASES = {
    "compact": ("", FACTS, "application/json"),
    "full": ("detail=full", FACTS, "application/json"),
    "case_ref": ("case_ref=LC-2024-001", FACTS, "application/json"),
    "full_and_case_ref": ("detail=full&case_ref=LC-2024-002", FACTS, "application/json"),
    "undetermined": ("", {"item_id": FACTS["item_id"], "act_date": "2023-03-20"}, "application/json"),
    "unknown_item": ("", dict(FACTS, item_id="cn-tax-2021-6/99"), "application/json"),
    "strict_type": ("", dict(FACTS, first_offense="yes"), "application/json"),
    "extra_field": ("", dict(FACTS, surname="张"), "application/json"),
    "malformed": ("", b'{"item_id": ', "application/json"),
    "duplicate_key": ("", b'{"item_id": "a", "item_id": "b"}', "application/json"),
    "content_type": ("", FACTS, "text/plain"),
    "json_suffix": ("", FACTS, "application/problem+json"),
    "case_ref_personal": ("case_ref=13812345678", FACTS, "application/json"),
    "case_ref_empty": ("case_ref=", FACTS, "application/json"),
    "bad_detail": ("detail=everything", FACTS, "application/json"),
}
VOLATILE = {"decision_id", "recorded_at"}


def _post(client, key, query, body, ctype, extra):
    via = {"X-Test-Via": "endpoint"} if extra == "via=endpoint" else {}
    qs = "&".join(p for p in (query, "" if via else extra) if p)
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    headers = {"Content-Type": ctype, **({"X-API-Key": key} if key else {}), **via}
    return client.post("/v1/evaluate" + (f"?{qs}" if qs else ""), content=raw, headers=headers)


def _shape(r):
    body = r.json()
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in VOLATILE}
    headers = {k: r.headers.get(k) for k in ("content-type", "retry-after", "www-authenticate",
                                              "x-engine-version", "x-ruleset-version")}
    return r.status_code, body, headers


@pytest.fixture
def app(inprocess_app, monkeypatch):
    from service.fastpath import EvaluateFastPath

    client = inprocess_app()
    keys = {k["role"]: k["key"] for k in json.loads(client.app.state.settings.dev_keys_file.read_text())["keys"]}
    client.fast_calls = 0
    original = EvaluateFastPath._evaluate

    async def counting(self, *args, **kw):  # which requests the fast path answered itself
        client.fast_calls += 1
        return await original(self, *args, **kw)

    monkeypatch.setattr(EvaluateFastPath, "_evaluate", counting)
    dispatch = EvaluateFastPath.__call__

    async def via(self, scope, receive, send):  # X-Test-Via: endpoint → straight to the FastAPI endpoint
        if scope["type"] == "http" and (b"x-test-via", b"endpoint") in scope["headers"]:
            return await self.app(scope, receive, send)
        return await dispatch(self, scope, receive, send)

    monkeypatch.setattr(EvaluateFastPath, "__call__", via)
    return client, keys


@pytest.mark.parametrize("name", sorted(CASES))
def test_fast_path_answers_as_the_endpoint(app, name):
    client, keys = app
    query, body, ctype = CASES[name]
    fast = _post(client, keys["officer"], query, body, ctype, "")
    answered_fast = client.fast_calls
    slow = _post(client, keys["officer"], query, body, ctype, "via=endpoint")
    assert client.fast_calls == answered_fast  # the second one went to the endpoint
    assert answered_fast == (0 if name == "bad_detail" else 1)  # an invalid detail: FastAPI's 422
    assert _shape(fast) == _shape(slow)
    if fast.status_code == 200:
        assert fast.json()["decision_id"] != slow.json()["decision_id"]


@pytest.mark.parametrize("role", [None, "wrong", "reviewer", "admin"])
def test_keys_are_checked_alike(app, role):
    client, keys = app
    key = {None: None, "wrong": "pr_off_not-a-key"}.get(role, keys.get(role))
    fast = _post(client, key, "", FACTS, "application/json", "")
    slow = _post(client, key, "", FACTS, "application/json", "via=endpoint")
    assert _shape(fast) == _shape(slow)
    assert fast.status_code == (401 if role in (None, "wrong") else 200)
    assert client.fast_calls == (0 if role in (None, "wrong") else 1)  # refused keys: the dependency answers


def test_each_success_has_its_committed_record(app):
    client, keys = app
    ids = []
    for extra in ("", "via=endpoint"):
        r = _post(client, keys["officer"], "case_ref=LC-7", dict(FACTS, conduct="当事人姓名:张三, 电话 13812345678 未按期申报"),
                  "application/json", extra)
        assert r.status_code == 200, r.text
        ids.append(r.json()["decision_id"])
    assert client.fast_calls == 1
    engine = client.app.state.ctx.repo.engine
    with engine.connect() as conn:
        rows = [dict(conn.execute(text("SELECT * FROM decisions WHERE id = :i"), {"i": i}).mappings().one())
                for i in ids]
    for row in rows:  # free text masked the same way on both paths, before it is stored
        assert "13812345678" not in row["facts"] and "张三" not in row["facts"]
    volatile = {"id", "created_at"}
    assert [{k: v for k, v in r.items() if k not in volatile} for r in rows][0] == \
        [{k: v for k, v in r.items() if k not in volatile} for r in rows][1]


# ------------------------------------------------------------------------------ real server
@pytest.fixture(scope="module")
def locked_db_server(tmp_path_factory):
    from tests.service.live_servers import Server, server_env

    var = tmp_path_factory.mktemp("var-fastpath")
    srv = Server(var, server_env(var, PENALTY_RULES_AUDIT_TIMEOUT="1")).start()
    yield srv
    srv.stop()


def test_fast_path_answers_only_after_the_audit_commit(locked_db_server):
    """The answer is sent only once the audit record is committed: with the audit database locked,
    the fast path's form of the request (no extra query parameter) gets 503, never a 200."""
    import sqlite3

    srv = locked_db_server
    with srv.client("officer", timeout=60) as o:
        assert o.post("/v1/evaluate", json=FACTS).status_code == 200  # warm, and the fast path works
        conn = sqlite3.connect(srv.var / "audit.db", isolation_level=None)
        try:
            conn.execute("BEGIN EXCLUSIVE")  # as test_audit_timeout_readyz.Lock
            for query in ("", "?detail=full&case_ref=LC-9"):
                r = o.post("/v1/evaluate" + query, json=FACTS)
                assert r.status_code == 503, r.text
                assert r.json()["error"]["code"] == "audit_timeout"
                assert "decision_id" not in r.text
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        assert o.post("/v1/evaluate", json=FACTS).status_code == 200
