"""Every endpoint of the live server, through HTTP."""

TAX = "cn-tax-2021-6/03"
FULL_FACTS = {"item_id": TAX, "act_date": "2023-03-20", "decision_date": "2023-04-10", "first_offense": True,
              "harm": "minor", "corrected": "within_deadline"}


def test_evaluate_compact(officer, server):
    r = officer.post("/v1/evaluate", json=FULL_FACTS)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["outcome"] == "no_penalty" and body["chosen_item"] == TAX
    assert set(body) >= {"decision_id", "outcome", "outcome_zh", "possible_outcomes", "chosen_item", "basis",
                         "measures", "missing_facts", "warnings", "summary"}
    assert "trace" not in body and "items" not in body
    assert r.headers["x-ruleset-version"] and r.headers["x-engine-version"]


def test_evaluate_full_has_trace_and_items(officer):
    r = officer.post("/v1/evaluate?detail=full", json=FULL_FACTS)
    assert r.status_code == 200
    body = r.json()
    assert body["trace"]["rules"] and body["items"][0]["id"] == TAX


def test_evaluate_incomplete_asks_questions(officer):
    body = officer.post("/v1/evaluate", json={"item_id": TAX}).json()
    assert body["outcome"] == "undetermined"
    assert {m["fact"] for m in body["missing_facts"]} >= {"first_offense", "harm", "corrected"}
    assert all(m["question"] for m in body["missing_facts"])


def test_batch_reports_errors_per_index(officer):
    cases = [FULL_FACTS, {"item_id": TAX, "age": "old"}, {"item_id": "cn-tax-2021-6/99"}, {"domain": "nope"},
             {"item_id": TAX, "colour": "red"}]
    r = officer.post("/v1/evaluate/batch", json={"cases": cases})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 5 and body["ok_count"] == 1 and body["error_count"] == 4
    res = body["results"]
    assert res[0]["ok"] and res[0]["decision"]["outcome"] == "no_penalty" and "trace" not in res[0]["decision"]
    assert res[1]["error"]["details"][0]["field"] == "cases[1].age"
    assert res[2]["error"]["code"] == "unknown_item" and "cn-tax-2021-6/09" in res[2]["error"]["close_matches"]
    assert res[3]["error"]["details"][0]["field"] == "cases[3].domain"
    assert res[4]["error"]["details"][0] == {"field": "cases[4].colour", "code": "extra_forbidden",
                                             "message_zh": res[4]["error"]["details"][0]["message_zh"]}


def test_search(officer):
    r = officer.get("/v1/items/search", params={"q": "未按照规定期限办理纳税申报", "domain": "tax"})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert hits and hits[0]["domain"] == "tax"
    r = officer.get("/v1/items/search", params={"q": "纳税申报", "jurisdiction": "371500", "as_of": "2023-01-01"})
    assert r.status_code == 200
    assert all(h["jurisdiction"] in ("371500", "370000", "CN") for h in r.json()["hits"])


def test_search_unknown_domain_is_422(officer):
    r = officer.get("/v1/items/search", params={"q": "纳税", "domain": "nope"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "domain"


def test_item(officer):
    r = officer.get(f"/v1/items/{TAX}")
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == TAX and body["binding"] is True and body["item"]["provenance"]
    assert {v["key"] for v in body["versions"]} == {"cn-tax-first-offense@2021-6", "cn-tax-first-offense@2021-33"}
    assert body["citations"] and all("label" in c for c in body["citations"])
    cited = officer.get("/v1/items/sd-2021/x02").json()
    with_article = [c for c in cited["citations"] if c["citation"]["article"]]
    assert with_article
    if cited["statutes_configured"]:
        assert any(c["text"] and "第一百二十五条" in c["text"] for c in with_article)


def test_item_questions_order(officer):
    r = officer.get(f"/v1/items/{TAX}/questions")
    assert r.status_code == 200, r.text
    qs = r.json()["questions"]
    facts = [q["fact"] for q in qs]
    assert facts[-1] == "first_offense" and qs[-1]["group"] == "history"
    groups = [q["group"] for q in qs]
    assert groups == sorted(groups, key=["all", "any_of", "history", "other"].index)
    assert "harm" in facts and "corrected" in facts and all(q["question"] for q in qs)


def test_unknown_item_404_with_close_matches(officer):
    r = officer.get("/v1/items/cn-tax-2021-6/3")
    assert r.status_code == 404
    assert TAX in r.json()["error"]["close_matches"]
    r = officer.post("/v1/evaluate", json={"item_id": "cn-tax-2021-6/033"})
    assert r.status_code == 404 and TAX in r.json()["error"]["close_matches"]
    assert r.json()["error"]["details"][0]["field"] == "item_id"


def test_domains(officer):
    body = officer.get("/v1/domains").json()
    assert len(body["domains"]) == 41 and any(j["code"] == "371500" for j in body["jurisdictions"])


def test_lists_and_version(officer):
    body = officer.get("/v1/lists").json()
    tax = next(lst for lst in body["lists"] if lst["id"] == "cn-tax-first-offense")
    assert [v["version"] for v in tax["versions"]] == ["2021-6", "2021-33"]
    r = officer.get("/v1/lists/cn-tax-first-offense/versions/2021-33")
    assert r.status_code == 200 and r.json()["document"]["items"]
    r = officer.get("/v1/lists/cn-tax-first-offense/versions/2021-3")
    assert r.status_code == 404 and r.json()["error"]["close_matches"]


def test_lists_diff(server):
    with server.client("reviewer") as c:
        r = c.get("/v1/lists/diff", params={"from": "cn-tax-first-offense@2021-6", "to": "cn-tax-first-offense@2021-33"})
        assert r.status_code == 200, r.text
        assert r.json()["summary"]
        r = c.get("/v1/lists/diff", params={"from": "cn-tax-first-offense@2021-6", "to": "cn-tax-first-offense@2099"})
        assert r.status_code == 404 and r.json()["error"]["details"][0]["field"] == "to"


def test_decision_get_list_replay(server):
    with server.client("officer") as o, server.client("reviewer") as rv:
        did = o.post("/v1/evaluate", json=FULL_FACTS).json()["decision_id"]
        rec = rv.get(f"/v1/decisions/{did}")
        assert rec.status_code == 200
        rec = rec.json()
        assert rec["outcome"] == "no_penalty" and rec["facts"]["item_id"] == TAX and rec["rulesets"]
        page = rv.get("/v1/decisions", params={"item": TAX, "ruleset": rec["ruleset_version"],
                                               "from": rec["created_at"]}).json()
        assert did in [d["id"] for d in page["decisions"]]
        assert rv.get("/v1/decisions", params={"to": "1999-01-01"}).json()["total"] == 0
        # before the 2021 list version the item was in the 2021-6 version; as_of in 2023 stays the same
        same = rv.post(f"/v1/decisions/{did}/replay", params={"as_of": "2023-05-01"}).json()
        assert same["changed"]["any"] is False and same["replayed"]["outcome"] == "no_penalty"
        bad = rv.post(f"/v1/decisions/{did}/replay", params={"as_of": "2020-01-01"})
        assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "as_of"
        missing = rv.get("/v1/decisions/00000000-0000-4000-8000-000000000000")
        assert missing.status_code == 404


def test_replay_shows_change(server):
    """A case decided under the 2021-33 version, replayed to a date before any version was in force."""
    with server.client("officer") as o, server.client("reviewer") as rv:
        facts = {"item_id": TAX, "first_offense": True, "harm": "minor", "corrected": "within_deadline"}
        did = o.post("/v1/evaluate", json=facts).json()["decision_id"]
        r = rv.post(f"/v1/decisions/{did}/replay", params={"as_of": "2019-01-01"}).json()
        assert r["original"]["outcome"] == "no_penalty"
        assert r["changed"]["any"] is True and r["changed"]["chosen_item"] is True
        assert r["replayed"]["chosen_item"] is None


def test_health_ready_openapi_docs(server):
    import httpx

    assert httpx.get(server.url + "/healthz").json() == {"status": "ok"}
    ready = httpx.get(server.url + "/readyz")
    assert ready.status_code == 200 and ready.json()["audit"] == "sqlite"
    spec = httpx.get(server.url + "/openapi.json").json()
    examples = spec["paths"]["/v1/evaluate"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert any(e["value"].get("item_id") == TAX for e in examples.values())
    docs = httpx.get(server.url + "/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    # rendered offline: no CDN, the scripts come from this server
    assert "cdn." not in docs.text and "/static/swagger/swagger-ui-bundle.js" in docs.text
    js = httpx.get(server.url + "/static/swagger/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 100_000
    assert ready.headers["x-ruleset-version"] == ready.json()["ruleset_version"]


def test_replay_by_default_reproduces_the_recorded_decision_date(server):
    """A reviewer asks which answer a past case got and on what: with no parameter the replay is on the recorded
    decision date (not today), and a statutory version the record names (xzcf@2017) is no list version to choose —
    which text applies follows from the dates (行政处罚法第三十七条)."""
    with server.client("officer") as o, server.client("reviewer") as rv:
        did = o.post("/v1/evaluate", json=FULL_FACTS).json()["decision_id"]
        rec = rv.get(f"/v1/decisions/{did}").json()
        r = rv.post(f"/v1/decisions/{did}/replay").json()
        assert r["as_of"] == rec["decision_date"] and r["replayed"]["decision_date"] == rec["decision_date"]
        assert r["changed"]["any"] is False
        law = rv.post(f"/v1/decisions/{did}/replay", params={"list_version": "xzcf@2017"})
        assert law.status_code == 422 and law.json()["error"]["code"] == "statutory_version_not_selectable"



def test_replay_of_a_record_naming_more_versions_reports_no_false_change(tmp_path):
    """Records made before rulesets named only the versions that applied also list versions not in force for the
    case (2021-6 for a 2023 case): replaying one on its own date is no change of versions; a version the replay
    uses that the record does not name is one."""
    import json
    import sqlite3
    import uuid

    from tests.service.live_servers import Server, server_env

    var = tmp_path / "var"
    srv = Server(var, server_env(var)).start()
    try:
        with srv.client("officer") as o, srv.client("reviewer") as rv:
            did = o.post("/v1/evaluate", json=FULL_FACTS).json()["decision_id"]
            db = sqlite3.connect(var / "audit.db")
            row = dict(zip([c[1] for c in db.execute("PRAGMA table_info(decisions)")],
                           db.execute("SELECT * FROM decisions WHERE id = ?", (did,)).fetchone()))
            assert "cn-tax-first-offense@2021-6" not in json.loads(row["rulesets"])
            old = {**json.loads(row["rulesets"]), "cn-tax-first-offense@2021-6": "sha256:" + "0" * 64}
            older = dict(row, id=str(uuid.uuid4()), rulesets=json.dumps(old))
            db.execute(f"INSERT INTO decisions ({', '.join(older)}) VALUES ({', '.join('?' * len(older))})",
                       list(older.values()))
            db.commit()
            db.close()
            r = rv.post(f"/v1/decisions/{older['id']}/replay").json()
            assert r["changed"]["rulesets_changed"] == [] and "所用规则版本有变化" not in r["summary"]
            fewer = dict(older, id=str(uuid.uuid4()), rulesets=json.dumps({}))
            db = sqlite3.connect(var / "audit.db")
            db.execute(f"INSERT INTO decisions ({', '.join(fewer)}) VALUES ({', '.join('?' * len(fewer))})",
                       list(fewer.values()))
            db.commit()
            db.close()
            new = rv.post(f"/v1/decisions/{fewer['id']}/replay").json()
            assert "cn-tax-first-offense@2021-33" in new["changed"]["rulesets_changed"]
            assert "所用规则版本有变化" in new["summary"]
    finally:
        srv.stop()
