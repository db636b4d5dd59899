"""The officer's case reference (办案编号): given on an evaluation, stored in the audit log,
searchable by reviewers (exact and contains), refused when malformed or when it carries personal
data. Against the real service on SQLite and PostgreSQL."""

import uuid

from sqlalchemy import text

from tests.service.test_service_audit import FACTS, db_of


def _ref(prefix: str) -> str:
    return f"{prefix}〔2026〕{uuid.uuid4().int % 10**6:06d}号"  # unique per run: the audit DB is shared


def test_case_ref_stored_and_searchable(audit_server):
    ref = _ref("聊市监罚")
    other = _ref("聊税简罚")
    with audit_server.client("officer") as o, audit_server.client("reviewer") as rv:
        r = o.post("/v1/evaluate", params={"case_ref": ref}, json=FACTS)
        assert r.status_code == 200, r.text
        did = r.json()["decision_id"]
        assert r.json()["case_ref"] == ref
        b = o.post("/v1/evaluate/batch", json={"cases": [FACTS, FACTS, {"age": -1}], "case_refs": [other, None, ref]})
        assert b.status_code == 200, b.text
        results = b.json()["results"]
        assert [x["ok"] for x in results] == [True, True, False]
        assert results[0]["decision"]["case_ref"] == other and results[1]["decision"]["case_ref"] is None

        rec = rv.get(f"/v1/decisions/{did}").json()
        assert rec["case_ref"] == ref
        page = rv.get("/v1/decisions", params={"case_ref": ref}).json()
        assert [d["id"] for d in page["decisions"]] == [did] and page["total"] == 1  # the failed batch case has no record
        page = rv.get("/v1/decisions", params={"case_ref": other}).json()
        assert page["total"] == 1 and page["decisions"][0]["kind"] == "batch"
        # contains: the number part of both references' year matches both; LIKE wildcards are literal
        num = ref.split("〕")[1]
        assert rv.get("/v1/decisions", params={"case_ref_contains": num}).json()["total"] >= 1
        assert rv.get("/v1/decisions", params={"case_ref_contains": "%"}).json()["total"] == 0
        assert rv.get("/v1/decisions", params={"case_ref_contains": "_"}).json()["total"] == 0
        # officers cannot search the audit log
        assert o.get("/v1/decisions", params={"case_ref": ref}).status_code == 403

    engine = db_of(audit_server)
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT case_ref FROM decisions WHERE id = :id"), {"id": did}).scalar_one()
    finally:
        engine.dispose()
    assert stored == ref


def test_case_ref_refused_with_field_and_reason(server):
    with server.client("officer") as o:
        bad = {
            "x" * 65: "case_ref_length",
            " 聊市监罚〔2026〕1号": "case_ref_characters",
            "聊市监罚\n1号": "case_ref_characters",
            "张三13812345678": "case_ref_personal_data",
            "370102199001011234": "case_ref_personal_data",
        }
        for value, code in bad.items():
            r = o.post("/v1/evaluate", params={"case_ref": value}, json=FACTS)
            assert r.status_code == 422, (value, r.text)
            err = r.json()["error"]
            assert err["code"] == code and err["details"][0]["field"] == "case_ref" and "办案编号" in err["message_zh"]
        r = o.post("/v1/evaluate/batch", json={"cases": [FACTS, FACTS], "case_refs": ["a"]})
        assert r.status_code == 422 and r.json()["error"]["code"] == "case_refs_length"
        r = o.post("/v1/evaluate/batch", json={"cases": [FACTS], "case_refs": [5]})
        assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "case_refs[0]"
