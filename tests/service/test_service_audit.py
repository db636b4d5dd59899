"""The audit log, against SQLite and PostgreSQL (each test runs on both)."""

import json

import pytest
from sqlalchemy import text

from service.audit import make_engine

TAX = "cn-tax-2021-6/03"
FACTS = {"item_id": TAX, "act_date": "2023-03-20", "decision_date": "2023-04-10", "first_offense": True,
         "harm": "minor", "corrected": "within_deadline"}


def db_of(server):
    url = server.env.get("DATABASE_URL") or f"sqlite:///{server.var / 'audit.db'}"
    return make_engine(url)


def test_record_has_everything(audit_server):
    with audit_server.client("officer") as o, audit_server.client("reviewer") as rv:
        r = o.post("/v1/evaluate", json=FACTS)
        assert r.status_code == 200
        did = r.json()["decision_id"]
        rec = rv.get(f"/v1/decisions/{did}").json()
    assert rec["id"] == did and rec["created_at"].endswith("Z") and rec["kind"] == "evaluate"
    assert rec["facts"] == dict(FACTS, jurisdiction="371500")
    assert "cn-tax-first-offense@2021-33" in rec["rulesets"]
    assert all(h.startswith("sha256:") for h in rec["rulesets"].values())
    assert rec["ruleset_version"] == r.headers["x-ruleset-version"]
    assert rec["engine_version"] == r.headers["x-engine-version"]
    assert rec["outcome"] == "no_penalty" and rec["chosen_item"] == TAX and TAX in rec["items"]
    assert rec["trace_version"] and rec["decision_date"] == "2023-04-10" and rec["api_key"] == "dev-officer"


def test_batch_records_each_case_before_response(audit_server):
    cases = [dict(FACTS, harm=h) for h in ("none", "minor", "serious")] + [{"age": -1}]
    with audit_server.client("officer") as o:
        body = o.post("/v1/evaluate/batch", json={"cases": cases}).json()
    ids = [r["decision"]["decision_id"] for r in body["results"] if r["ok"]]
    assert len(ids) == 3
    engine = db_of(audit_server)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, kind, batch_id, batch_index FROM decisions WHERE batch_id = :b"),
                                {"b": body["batch_id"]}).all()
    finally:
        engine.dispose()
    assert sorted(r.id for r in rows) == sorted(ids)
    assert {r.kind for r in rows} == {"batch"} and sorted(r.batch_index for r in rows) == [0, 1, 2]


def test_append_only(audit_server):
    with audit_server.client("officer") as o:
        did = o.post("/v1/evaluate", json=FACTS).json()["decision_id"]
    engine = db_of(audit_server)
    try:
        for stmt in ("UPDATE decisions SET outcome = 'normal' WHERE id = :id", "DELETE FROM decisions WHERE id = :id"):
            # SQLite: the triggers; PostgreSQL: the service's role has no UPDATE or DELETE privilege
            with pytest.raises(Exception, match="append-only|permission denied"):
                with engine.begin() as conn:
                    conn.execute(text(stmt), {"id": did})
        with engine.connect() as conn:
            assert conn.execute(text("SELECT outcome FROM decisions WHERE id = :id"), {"id": did}).scalar() == "no_penalty"
            keys = conn.execute(text("SELECT role, key_sha256 FROM api_keys")).all()
    finally:
        engine.dispose()
    assert {k.role for k in keys} == {"officer", "reviewer", "admin"}
    assert all(len(k.key_sha256) == 64 for k in keys)
    assert not any(v in json.dumps([k.key_sha256 for k in keys]) for v in audit_server.keys.values())


def test_query_filters(audit_server):
    with audit_server.client("officer") as o, audit_server.client("reviewer") as rv:
        did = o.post("/v1/evaluate", json=dict(FACTS, item_id="cn-tax-2021-6/01")).json()["decision_id"]
        page = rv.get("/v1/decisions", params={"item": "cn-tax-2021-6/01", "limit": 5}).json()
        assert page["decisions"][0]["id"] == did and page["limit"] == 5
        assert all("cn-tax-2021-6/01" in (d["requested_item"], d["chosen_item"]) for d in page["decisions"])
        assert rv.get("/v1/decisions", params={"ruleset": "0" * 16}).json()["total"] == 0


def test_readyz_names_backend(audit_server):
    import httpx

    expected = "postgresql" if "DATABASE_URL" in audit_server.env else "sqlite"
    assert httpx.get(audit_server.url + "/readyz").json()["audit"] == expected
