"""Roles (401/403/200), start-up refusals, and bad input: always a clear 4xx, never a 500."""

import json
import shutil
import subprocess
import sys

import httpx
import pytest

from tests.service.live_servers import ROOT, Server, free_port, server_env

TAX = "cn-tax-2021-6/03"
ENDPOINTS = [  # (method, path, minimum role)
    ("POST", "/v1/evaluate", "officer"),
    ("GET", "/v1/items/search?q=纳税", "officer"),
    ("GET", f"/v1/items/{TAX}", "officer"),
    ("GET", f"/v1/items/{TAX}/questions", "officer"),
    ("GET", "/v1/domains", "officer"),
    ("GET", "/v1/lists", "officer"),
    ("GET", "/v1/lists/cn-tax-first-offense/versions/2021-6", "officer"),
    ("GET", "/v1/lists/diff?from=cn-tax-first-offense@2021-6&to=cn-tax-first-offense@2021-33", "reviewer"),
    ("GET", "/v1/decisions", "reviewer"),
]


@pytest.mark.parametrize("method,path,role", ENDPOINTS)
def test_roles(server, method, path, role):
    kw = {"json": {"item_id": TAX}} if method == "POST" else {}
    with server.client(None) as anon:
        r = anon.request(method, path, **kw)
        assert r.status_code == 401 and r.json()["error"]["code"] == "missing_api_key"
        r = anon.request(method, path, headers={"X-API-Key": "wrong"}, **kw)
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"
    if role == "reviewer":
        with server.client("officer") as c:
            r = c.request(method, path, **kw)
            assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    for allowed in ("reviewer", "admin") if role == "reviewer" else ("officer", "reviewer", "admin"):
        with server.client(allowed) as c:
            assert c.request(method, path, **kw).status_code == 200


def test_dev_keys_file_is_private(server):
    keys = server.var / "dev-keys.json"
    assert keys.stat().st_mode & 0o777 == 0o600
    assert set(server.keys) == {"officer", "reviewer", "admin"}


def _run_serve(env, timeout=60):
    return subprocess.run([sys.executable, "-m", "penalty_rules.cli.app", "serve", "--port", str(free_port())],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def test_production_refuses_without_keys(tmp_path):
    r = _run_serve(server_env(tmp_path, PENALTY_RULES_ENV="production"))
    assert r.returncode != 0 and "PENALTY_RULES_KEYS_FILE" in r.stderr
    assert not (tmp_path / "dev-keys.json").exists()


def test_production_with_keys_file(tmp_path):
    from service.auth import sha256_hex

    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"keys": [{"name": "o1", "role": "officer", "sha256": sha256_hex("secret-o1")}]}))
    env = server_env(tmp_path / "var", PENALTY_RULES_ENV="production", PENALTY_RULES_KEYS_FILE=str(keys))
    srv = Server(tmp_path / "var", env).start()
    try:
        assert not (tmp_path / "var" / "dev-keys.json").exists()
        assert httpx.get(srv.url + "/v1/domains", headers={"X-API-Key": "secret-o1"}).status_code == 200
        assert httpx.get(srv.url + "/v1/decisions", headers={"X-API-Key": "secret-o1"}).status_code == 403
    finally:
        srv.stop()


def test_invalid_lists_refuse_to_start(tmp_path):
    lists = tmp_path / "lists"
    shutil.copytree(ROOT / "lists" / "national" / "cn-tax-first-offense", lists / "national" / "cn-tax-first-offense")
    shutil.copy(ROOT / "lists" / "domains.yaml", lists / "domains.yaml")
    bad = lists / "national" / "cn-tax-first-offense" / "2021-33.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("outcome: no_penalty", "outcome: maybe", 1), encoding="utf-8")
    r = _run_serve(server_env(tmp_path / "var", PENALTY_RULES_LISTS=str(lists)))
    assert r.returncode != 0
    assert "清单无效" in r.stderr and "2021-33.yaml" in r.stderr


# ------------------------------------------------------------------------------ bad input
def _error(r, status, code=None):
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["message_zh"]
    if code:
        assert err["code"] == code
    return err


def test_malformed_json(officer):
    r = officer.post("/v1/evaluate", content=b'{"item_id": ', headers={"content-type": "application/json"})
    _error(r, 400, "malformed_json")


def test_non_utf8_body(officer):
    body = '{"conduct": "未按期申报"}'.encode("gbk")
    r = officer.post("/v1/evaluate", content=body, headers={"content-type": "application/json"})
    _error(r, 400, "invalid_encoding")


@pytest.mark.parametrize("facts,field", [
    ({"age": "old"}, "age"),
    ({"first_offense": "perhaps"}, "first_offense"),
    ({"harm": "some"}, "harm"),
    ({"colour": "red"}, "colour"),
    ({"act_date": "1980-01-01"}, "act_date"),
    ({"decision_date": "2200-01-01"}, "decision_date"),
    ({"act_date": "2023-02-30"}, "act_date"),
    ({"prior_offenses": [{"date": "2020-01-01"}]}, "prior_offenses[0]"),
    ({"jurisdiction": "37150"}, "jurisdiction"),
    ({"quantities": {"Bad-Key": 1}}, "quantities.Bad-Key"),  # the key, named by its path (no [key])
])
def test_wrong_types_name_the_field(officer, facts, field):
    err = _error(officer.post("/v1/evaluate", json=facts), 422, "validation_error")
    assert field in [d["field"] for d in err["details"]], err
    assert all(d["message_zh"] and d["code"] for d in err["details"])


def test_corpus_level_invalid_facts(officer):
    err = _error(officer.post("/v1/evaluate", json={"domain": "nope"}), 422, "unknown_domain")
    assert err["details"][0]["field"] == "domain"
    err = _error(officer.post("/v1/evaluate", json={"jurisdiction": "110000"}), 422, "unknown_jurisdiction")
    assert err["details"][0]["field"] == "jurisdiction"


def test_body_not_an_object(officer):
    _error(officer.post("/v1/evaluate", json=[1, 2]), 422, "validation_error")
    _error(officer.post("/v1/evaluate", json="x"), 422, "validation_error")


def test_payload_over_1mib(officer):
    body = json.dumps({"conduct": "x" * (1024 * 1024 + 10)})
    _error(officer.post("/v1/evaluate", content=body, headers={"content-type": "application/json"}),
           413, "payload_too_large")


def test_batch_over_limit(officer):
    err = _error(officer.post("/v1/evaluate/batch", json={"cases": [{}] * 1001}), 413, "batch_too_large")
    assert "1000" in err["message_zh"] and err["limit"] == 1000


def test_batch_at_limit(officer):
    r = officer.post("/v1/evaluate/batch", json={"cases": [{"item_id": TAX}] * 1000}, timeout=120)
    assert r.status_code == 200 and r.json()["ok_count"] == 1000


def test_query_params_out_of_range(server):
    with server.client("reviewer") as c:
        _error(c.get("/v1/items/search", params={"q": "纳税", "as_of": "1800-01-01"}), 422)
        err = _error(c.get("/v1/decisions", params={"from": "not-a-date"}), 422)
        assert err["details"][0]["field"] == "from"
        _error(c.get("/v1/decisions", params={"from": "2500-01-01T00:00:00"}), 422)
        _error(c.get("/v1/decisions/not-a-uuid"), 422)
        _error(c.get("/v1/items/search"), 422)


def test_unknown_path_and_method(officer):
    _error(officer.get("/v1/nothing"), 404, "not_found")
    _error(officer.delete("/v1/evaluate"), 405, "method_not_allowed")
