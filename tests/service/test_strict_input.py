"""Strict input at the HTTP boundary: no type coercion, finite non-negative numbers, duplicate keys,
content type, nesting and integer size, slow uploads, batch work bounds and per-key rate limit,
start-up checks of the environment and the keys file, and replay parameters and differences."""

import json
import socket
import subprocess
import sys
import time
from datetime import date
from types import SimpleNamespace

import pytest

from tests.service.live_servers import ROOT, Server, free_port, server_env

TAX = "cn-tax-2021-6/03"
FULL = {"item_id": TAX, "act_date": "2023-03-20", "decision_date": "2023-04-10", "first_offense": True,
        "harm": "minor", "corrected": "within_deadline"}
JSON = {"content-type": "application/json"}


def _error(r, status, code=None):
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["message_zh"]
    if code:
        assert err["code"] == code, err
    return err


def _fields(err) -> list[str]:
    return [d["field"] for d in err["details"]]


# ------------------------------------------------------------------------------ no coercion
COERCIONS = [
    ({"age": True}, "age"),
    ({"age": "15"}, "age"),
    ({"age": 15.0}, "age"),
    ({"first_offense": "yes"}, "first_offense"),
    ({"first_offense": 1}, "first_offense"),
    ({"first_offense": "true"}, "first_offense"),
    ({"illegal_gains_yuan": "100"}, "illegal_gains_yuan"),
    ({"item_id": 123}, "item_id"),
    ({"prior_offenses": [{"item_id": TAX, "date": "2020-01-01", "same_conduct": 1}]}, "prior_offenses[0].same_conduct"),
    ({"special_law_facts": {"food_trader": "yes"}}, "special_law_facts.food_trader"),
    ({"custom_conditions": {"custom_0123456789": 0}}, "custom_conditions.custom_0123456789"),
    ({"quantities": {"overdue_days": "3"}}, "quantities.overdue_days"),
]


@pytest.mark.parametrize("facts,field", COERCIONS)
def test_no_type_coercion(officer, facts, field):
    err = _error(officer.post("/v1/evaluate", json={"item_id": TAX, **facts}), 422, "validation_error")
    assert field in _fields(err), err
    assert all(d["message_zh"] and d["code"] for d in err["details"])


def test_strict_contract_keeps_json_dates_and_enums(officer):
    facts = {**FULL, "party_type": "enterprise", "circumstances": ["cooperated"], "illegal_gains_yuan": 0,
             "quantities": {"overdue_days": 3}, "prior_offenses": [{"conduct": "未按期申报", "date": "2020-01-01"}]}
    r = officer.post("/v1/evaluate", json=facts)
    assert r.status_code == 200, r.text


def test_batch_cases_are_strict(officer):
    r = officer.post("/v1/evaluate/batch", json={"cases": [FULL, {**FULL, "age": "15"}, {**FULL, "first_offense": 1}]})
    assert r.status_code == 200, r.text
    res = r.json()["results"]
    assert res[0]["ok"] and not res[1]["ok"] and not res[2]["ok"]
    assert res[1]["error"]["details"][0]["field"] == "cases[1].age"
    assert res[2]["error"]["details"][0]["field"] == "cases[2].first_offense"
    # officers count from one: the second case is 第 2 个 (API review: it said 第 1 个)
    assert res[1]["error"]["message_zh"].startswith("第 2 个案件(cases[1])")


# ------------------------------------------------------------------------------ finite, non-negative
@pytest.mark.parametrize("raw,field", [
    ('{"quantities": {"overdue_days": NaN}}', "quantities.overdue_days"),
    ('{"quantities": {"overdue_days": Infinity}}', "quantities.overdue_days"),
    ('{"quantities": {"overdue_days": -Infinity}}', "quantities.overdue_days"),
    ('{"quantities": {"overdue_days": -1}}', "quantities.overdue_days"),
    ('{"quantities": {"overdue_days": 1e400}}', "quantities.overdue_days"),
    ('{"illegal_gains_yuan": NaN}', "illegal_gains_yuan"),
    ('{"goods_value_yuan": Infinity}', "goods_value_yuan"),
    ('{"goods_value_yuan": -0.5}', "goods_value_yuan"),
    ('{"age": -1}', "age"),
])
def test_numbers_finite_and_non_negative(officer, raw, field):
    body = raw[:-1] + f', "item_id": "{TAX}"}}'
    err = _error(officer.post("/v1/evaluate", content=body, headers=JSON), 422, "validation_error")
    assert field in _fields(err), err


def test_nan_never_stored(server):
    with server.client("officer") as o, server.client("reviewer") as rv:
        body = '{"cases": [{"item_id": "%s", "quantities": {"overdue_days": NaN}}]}' % TAX
        r = o.post("/v1/evaluate/batch", content=body, headers=JSON)
        assert r.status_code == 200 and r.json()["ok_count"] == 0, r.text
        page = rv.get("/v1/decisions", params={"limit": 1000}).json()
        assert not any("NaN" in json.dumps(d["facts"]) or "Infinity" in json.dumps(d["facts"])
                       for d in page["decisions"])


# ------------------------------------------------------------------------------ JSON shape
def test_duplicate_keys_are_400_naming_the_key(officer):
    err = _error(officer.post("/v1/evaluate", content='{"item_id": "%s", "age": 20, "age": 10}' % TAX,
                              headers=JSON), 400, "duplicate_key")
    assert "age" in err["message_zh"] and err["details"][0]["field"] == "age"
    nested = '{"item_id": "%s", "prior_offenses": [{"date": "2020-01-01", "date": "2021-01-01", "conduct": "x"}]}'
    err = _error(officer.post("/v1/evaluate", content=nested % TAX, headers=JSON), 400, "duplicate_key")
    assert "date" in err["message_zh"] and err["details"][0]["field"] == "prior_offenses[0].date"
    batch = '{"cases": [{"harm": "minor", "harm": "none"}]}'
    err = _error(officer.post("/v1/evaluate/batch", content=batch, headers=JSON), 400, "duplicate_key")
    assert err["details"][0]["field"] == "cases[0].harm"


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", None, "application/jsonx"])
def test_wrong_content_type_is_415(officer, ctype):
    headers = {"content-type": ctype} if ctype else {}
    body = json.dumps({"item_id": TAX}).encode()
    r = officer.post("/v1/evaluate", content=body, headers=headers)
    if ctype is None:  # httpx sends no content type for raw bytes
        assert "content-type" not in r.request.headers
    err = _error(r, 415, "unsupported_media_type")
    assert "application/json" in err["message_zh"]
    _error(officer.post("/v1/evaluate/batch", content=b'{"cases": []}', headers={"content-type": "text/plain"}), 415)


def test_json_content_type_variants_accepted(officer):
    body = json.dumps({"item_id": TAX}).encode()
    for ctype in ("application/json; charset=utf-8", "Application/JSON"):
        assert officer.post("/v1/evaluate", content=body, headers={"content-type": ctype}).status_code == 200


def test_deep_nesting_is_400(officer):
    deep = '{"prior_offenses": ' + "[" * 5000 + "]" * 5000 + "}"
    err = _error(officer.post("/v1/evaluate", content=deep, headers=JSON), 400, "too_deep")
    assert "嵌套" in err["message_zh"]
    medium = '{"prior_offenses": ' + "[" * 100 + "]" * 100 + "}"
    _error(officer.post("/v1/evaluate", content=medium, headers=JSON), 400, "too_deep")


def test_huge_integer_is_400(officer):
    huge = '{"age": ' + "9" * 5000 + "}"
    err = _error(officer.post("/v1/evaluate", content=huge, headers=JSON), 400, "number_too_large")
    assert err["details"][0]["field"] == "age"
    big = '{"cases": [{"age": ' + "9" * 40 + "}]}"
    _error(officer.post("/v1/evaluate/batch", content=big, headers=JSON), 400, "number_too_large")


def test_malformed_json_still_400_with_position(officer):
    err = _error(officer.post("/v1/evaluate", content=b'{"item_id": ', headers=JSON), 400, "malformed_json")
    assert "第 1 行" in err["details"][0]["message_zh"]


# ------------------------------------------------------------------------------ batch bounds
def test_batch_full_detail_is_bounded(officer):
    from service.config import MAX_BATCH_FULL

    err = _error(officer.post("/v1/evaluate/batch?detail=full", json={"cases": [{"item_id": TAX}] * (MAX_BATCH_FULL + 1)}),
                 413, "batch_too_large")
    assert err["limit"] == MAX_BATCH_FULL and "full" in err["message_zh"]
    r = officer.post("/v1/evaluate/batch?detail=full", json={"cases": [{"item_id": TAX}] * 3})
    assert r.status_code == 200 and r.json()["results"][0]["decision"]["trace"]


def test_batch_unknown_top_level_field_and_shape(officer):
    err = _error(officer.post("/v1/evaluate/batch", json={"cases": [], "extra": 1}), 422, "validation_error")
    assert "extra" in _fields(err)
    err = _error(officer.post("/v1/evaluate/batch", json={"cases": {"a": 1}}), 422, "validation_error")
    assert "cases" in _fields(err)
    _error(officer.post("/v1/evaluate/batch", json=[]), 422, "validation_error")


# ------------------------------------------------------------------------------ a tight server
BODY_TIMEOUT = 2.0


@pytest.fixture(scope="module")
def tight(tmp_path_factory):
    """A server with a short body timeout and a small batch rate limit."""
    var = tmp_path_factory.mktemp("var-tight")
    env = server_env(var, PENALTY_RULES_BODY_TIMEOUT=str(BODY_TIMEOUT), PENALTY_RULES_BATCH_RATE="600",
                     PENALTY_RULES_BATCH_BURST="1000")
    srv = Server(var, env).start()
    yield srv
    srv.stop()


def _stalled(port: int, n: int) -> list[socket.socket]:
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 1000\r\n\r\n{\"item_id\": ")
        socks.append(s)
    return socks


def test_stalled_uploads_do_not_pin_the_server(tight):
    socks = _stalled(tight.port, 100)
    try:
        t0 = time.monotonic()
        with tight.client("officer") as c:
            r = c.post("/v1/evaluate", json=FULL, timeout=5)
        quick = time.monotonic() - t0
        assert r.status_code == 200 and quick < 2, quick
        # every stalled connection gets a 408 and is closed within the timeout (plus slack)
        deadline = time.monotonic() + BODY_TIMEOUT + 5
        closed = 0
        statuses = set()
        for s in socks:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            data = b""
            try:
                while chunk := s.recv(4096):
                    data += chunk
            except socket.timeout:
                continue
            closed += 1
            statuses.add(data.split(b"\r\n", 1)[0])
        elapsed = time.monotonic() - t0
        print(f"\n100 stalled uploads: normal request in {quick * 1000:.0f} ms, {closed} closed in {elapsed:.1f} s")
        assert closed == len(socks), statuses
        assert statuses == {b"HTTP/1.1 408 Request Timeout"}, statuses
        assert elapsed < BODY_TIMEOUT + 5
    finally:
        for s in socks:
            s.close()


def test_stalled_headers_are_closed(tight):
    socks = []
    for _ in range(50):
        s = socket.create_connection(("127.0.0.1", tight.port), timeout=10)
        s.sendall(b"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: applica")
        socks.append(s)
    try:
        t0 = time.monotonic()
        with tight.client("officer") as c:
            assert c.post("/v1/evaluate", json=FULL, timeout=5).status_code == 200
        assert time.monotonic() - t0 < 2
        deadline = time.monotonic() + BODY_TIMEOUT + 5
        closed = 0
        for s in socks:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                while s.recv(4096):
                    pass
                closed += 1
            except socket.timeout:
                pass
            except ConnectionResetError:
                closed += 1
        elapsed = time.monotonic() - t0
        print(f"\n50 stalled headers: {closed} closed in {elapsed:.1f} s")
        assert closed == len(socks) and elapsed < BODY_TIMEOUT + 5
    finally:
        for s in socks:
            s.close()


def test_batch_rate_limit_429_with_retry_after(tight):
    with tight.client("officer") as o, tight.client("reviewer") as rv:
        assert o.post("/v1/evaluate/batch", json={"cases": [{"item_id": TAX}] * 1000}).status_code == 200
        r = o.post("/v1/evaluate/batch", json={"cases": [{"item_id": TAX}] * 100})
        err = _error(r, 429, "rate_limited")
        assert int(r.headers["retry-after"]) >= 1 and "批量" in err["message_zh"]
        # per key: another key still has its own budget
        assert rv.post("/v1/evaluate/batch", json={"cases": [{"item_id": TAX}] * 100}).status_code == 200
        # single evaluations are not batch work
        assert o.post("/v1/evaluate", json=FULL).status_code == 200


# ------------------------------------------------------------------------------ start-up checks
def _run_serve(env, timeout=60):
    return subprocess.run([sys.executable, "-m", "penalty_rules.cli.app", "serve", "--port", str(free_port())],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("value", ["prod", "Production", "staging"])
def test_unknown_env_refused(tmp_path, value):
    r = _run_serve(server_env(tmp_path, PENALTY_RULES_ENV=value))
    assert r.returncode != 0 and "PENALTY_RULES_ENV" in r.stderr and "production" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("env", [{"PENALTY_RULES_BODY_TIMEOUT": "-1"}, {"PENALTY_RULES_BATCH_RATE": "lots"}])
def test_bad_limits_refused(tmp_path, env):
    r = _run_serve(server_env(tmp_path, **env))
    assert r.returncode != 0 and next(iter(env)) in r.stderr and "Traceback" not in r.stderr, r.stderr


@pytest.mark.parametrize("entries,needle", [
    ([{"name": "o" * 65, "role": "officer", "key": "secret-1"}], "64"),
    ([{"name": "a", "role": "officer", "key": "s1"}, {"name": "a", "role": "admin", "key": "s2"}], "a"),
    ([{"name": "a", "role": "officer", "key": "s1"}, {"name": "b", "role": "admin", "key": "s1"}], "sha256"),
])
def test_bad_key_names_refused(tmp_path, entries, needle):
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"keys": entries}))
    r = _run_serve(server_env(tmp_path / "var", PENALTY_RULES_ENV="production", PENALTY_RULES_KEYS_FILE=str(keys)))
    assert r.returncode != 0 and "密钥文件" in r.stderr and needle in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


# ------------------------------------------------------------------------------ replay
def test_replay_unknown_parameter_is_422(server):
    with server.client("officer") as o, server.client("reviewer") as rv:
        did = o.post("/v1/evaluate", json=FULL).json()["decision_id"]
        err = _error(rv.post(f"/v1/decisions/{did}/replay", params={"asof": "2023-05-01"}), 422, "unknown_parameter")
        assert err["details"][0]["field"] == "asof"
        _error(rv.post(f"/v1/decisions/{did}/replay", params=[("as_of", "2023-05-01"), ("as_of", "2023-06-01")]),
               422, "repeated_parameter")


def test_replay_under_named_list_version(server):
    with server.client("officer") as o, server.client("reviewer") as rv:
        facts = {"item_id": TAX, "first_offense": True, "harm": "minor", "corrected": "within_deadline"}
        did = o.post("/v1/evaluate", json=facts).json()["decision_id"]
        r = rv.post(f"/v1/decisions/{did}/replay", params={"list_version": "cn-tax-first-offense@2021-6"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["list_version"] == "cn-tax-first-offense@2021-6"
        assert "cn-tax-first-offense@2021-6" in body["replayed"]["rulesets"]
        assert "2021-04-01" <= body["as_of"] <= "2021-12-31"  # the original date moved into the period
        _error(rv.post(f"/v1/decisions/{did}/replay", params={"list_version": "cn-tax-first-offense@2099"}),
               404, "unknown_list_version")
        _error(rv.post(f"/v1/decisions/{did}/replay",
                       params={"list_version": "cn-tax-first-offense@2021-6", "as_of": "2024-01-01"}),
               422, "as_of_outside_list_version")


def _replay_ctx(original: dict, replayed: dict):
    from service import handlers

    record = {"id": "d", "created_at": "2024-01-01T00:00:00Z", "kind": "evaluate", "batch_id": None,
              "batch_index": None, "requested_item": TAX, "chosen_item": original["chosen_item"],
              "outcome": original["outcome"], "items": "[]", "basis": json.dumps(original["basis"]),
              "facts": json.dumps({"item_id": TAX, "decision_date": "2024-01-01"}), "rulesets": "{}",
              "ruleset_version": "r1", "engine_version": "e", "trace_version": "t", "decision_date": "2024-01-01",
              "api_key": "k"}

    def decision(d):
        return SimpleNamespace(outcome=d["outcome"], chosen_item=d["chosen_item"], possible_outcomes=d["possible"],
                               missing_facts=[SimpleNamespace(fact=f) for f in d["missing"]],
                               basis=[SimpleNamespace(label=b) for b in d["basis"]], rulesets={}, warnings=[],
                               decided_by=None)

    class FakeEngine:
        corpus = None

        def evaluate(self, facts):
            return decision(original if facts.decision_date == date(2024, 1, 1) else replayed)

    return handlers.Context(engine=FakeEngine(), repo=SimpleNamespace(get=lambda _id: record), ruleset_version="r1")


def test_replay_reports_possible_outcomes_and_missing_facts():
    from service import handlers

    base = {"outcome": "undetermined", "chosen_item": None, "basis": ["b"], "possible": ["no_penalty", "normal"],
            "missing": ["harm"]}
    ctx = _replay_ctx(base, {**base, "possible": ["lighter_penalty", "normal"]})
    r = handlers.replay(ctx, "d", date(2024, 6, 1))
    assert r.changed.any is True and r.changed.possible_outcomes is True
    assert r.original.possible_outcomes == ["no_penalty", "normal"]
    assert r.replayed.possible_outcomes == ["lighter_penalty", "normal"]
    assert "可能" in r.summary
    ctx = _replay_ctx(base, {**base, "missing": ["harm", "corrected"]})
    r = handlers.replay(ctx, "d", date(2024, 6, 1))
    assert r.changed.any is True and r.changed.missing_facts_added == ["corrected"]
    ctx = _replay_ctx(base, dict(base))
    r = handlers.replay(ctx, "d", date(2024, 6, 1))
    assert r.changed.any is False and "未变化" in r.summary


@pytest.mark.parametrize("path", ["/v1/items/{}?as_of=1679270400", "/v1/items/{}?as_of=2023-03-01T00:00:00Z",
                                  "/v1/items/{}?as_of=20230301"])
def test_a_query_date_is_written_yyyy_mm_dd(officer, path):
    """A re-reader: as_of read digits as a Unix timestamp and took a datetime (lax parsing of a query date)."""
    r = officer.get(path.format(TAX))
    assert r.status_code == 422, r.text
    assert officer.get(f"/v1/items/{TAX}?as_of=2023-03-01").status_code == 200


def test_a_document_date_is_written_yyyy_mm_dd():
    from pydantic import ValidationError

    from penalty_rules.documents.model import DocumentRequest

    with pytest.raises(ValidationError) as exc:
        DocumentRequest.model_validate_json('{"decision_date": "1679270400"}', strict=True)
    assert any(e["loc"] == ("decision_date",) for e in exc.value.errors())
