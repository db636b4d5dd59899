"""Every refusal names its field (the API's error body {"error": {code, message_zh, details: [{field, code,
message_zh}]}}), against the real service: a query parameter given twice (FastAPI kept the last one
silently), a batch over its size, an unknown list version (which path parameter), a lone UTF-16
surrogate in a JSON string (pydantic refused the whole body as "JSON 格式错误", naming no field)."""

import json
import re

import pytest

TAX = "cn-tax-2021-6/03"
BASE = {"item_id": TAX, "act_date": "2023-03-20", "decision_date": "2023-04-10"}
JSON = {"content-type": "application/json"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _err(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code and CJK.search(err["message_zh"]), err
    return err


def _fields(err: dict) -> list[str]:
    return [d["field"] for d in err["details"]]


# ------------------------------------------------------------------ a parameter given twice
REPEATED = [
    ("officer", "POST", "/v1/evaluate?detail=full&detail=compact", BASE, "detail"),
    ("officer", "POST", "/v1/evaluate?case_ref=LC-1&case_ref=LC-2", BASE, "case_ref"),
    ("officer", "POST", "/v1/evaluate/batch?detail=compact&detail=compact", {"cases": [BASE]}, "detail"),
    ("officer", "GET", f"/v1/items/{TAX}?as_of=2023-01-01&as_of=2024-01-01", None, "as_of"),
    ("officer", "GET", f"/v1/items/{TAX}/questions?as_of=2023-01-01&as%5Fof=2023-01-01", None, "as_of"),
    ("officer", "GET", "/v1/items/search?q=申报&limit=3&limit=5", None, "limit"),
    ("reviewer", "GET", "/v1/decisions?limit=1&offset=0&limit=2", None, "limit"),
    ("reviewer", "GET", "/v1/lists/diff?from=cn-tax-first-offense@2021-6&to=cn-tax-first-offense@2021-6"
                        "&to=cn-tax-first-offense@2021-6", None, "to"),
    ("reviewer", "GET", "/v1/reviews?list=cn-tax-first-offense@2021-6&list=cn-tax-first-offense@2021-6", None, "list"),
]


@pytest.mark.parametrize("role,method,url,body,name", REPEATED, ids=[r[2].split("?")[0] + ":" + r[4] for r in REPEATED])
def test_a_parameter_given_twice_is_refused_naming_it(server, role, method, url, body, name):
    with server.client(role) as c:
        r = c.request(method, url, json=body) if body is not None else c.request(method, url)
    err = _err(r, 422, "repeated_parameter")
    assert _fields(err) == [name] and name in err["message_zh"], err


def test_each_parameter_once_still_passes(officer, reviewer):
    assert officer.post("/v1/evaluate?detail=full&case_ref=LC-9", json=BASE).status_code == 200
    assert officer.get(f"/v1/items/{TAX}?as_of=2023-01-01").status_code == 200
    assert reviewer.get("/v1/decisions?limit=1&offset=0").status_code == 200


# ------------------------------------------------------------------ a batch over its size
@pytest.mark.parametrize("query,limit", [("", 1000), ("?detail=full", 200)])
def test_batch_too_large_names_cases(officer, query, limit):
    err = _err(officer.post(f"/v1/evaluate/batch{query}", json={"cases": [{"item_id": TAX}] * (limit + 1)}),
               413, "batch_too_large")
    assert err["limit"] == limit
    assert [(d["field"], d["code"]) for d in err["details"]] == [("cases", "batch_too_large")], err


# ------------------------------------------------------------------ an unknown list version
def test_unknown_list_version_names_the_path_parameter(officer):
    err = _err(officer.get("/v1/lists/cn-tax-first-offense/versions/2099"), 404, "unknown_list_version")
    assert _fields(err) == ["version"] and "cn-tax-first-offense@2021-6" in err["close_matches"], err
    err = _err(officer.get("/v1/lists/no-such-list/versions/1"), 404, "unknown_list_version")
    assert _fields(err) == ["list_id"], err
    assert officer.get("/v1/lists/cn-tax-first-offense/versions/2021-6").status_code == 200


# ------------------------------------------------------------------ a lone surrogate
SURROGATES = [
    ('{"item_id": "\\ud800"}', "item_id"),
    ('{"item_id": "%s", "prior_offenses": [{"date": "2022-01-01", "conduct": "a\\udc00b"}]}' % TAX,
     "prior_offenses[0].conduct"),
    ('{"item_id": "%s", "\\udfffx": 1}' % TAX, "\\udfffx"),
]


@pytest.mark.parametrize("raw,field", SURROGATES)
def test_a_lone_surrogate_is_refused_naming_its_field(officer, raw, field):
    r = officer.post("/v1/evaluate", content=raw.encode(), headers=JSON)
    r.content.decode("utf-8")  # the answer itself is UTF-8 (the surrogate is written \udXXX)
    err = _err(r, 422, "validation_error")
    assert [(d["field"], d["code"]) for d in err["details"]] == [(field, "string_unicode")], err
    assert "代理" in err["details"][0]["message_zh"], err
    batch = '{"cases": [%s, %s]}' % (json.dumps(BASE), raw)
    r = officer.post("/v1/evaluate/batch", content=batch.encode(), headers=JSON)
    assert r.status_code == 200, r.text
    first, second = r.json()["results"]
    assert first["ok"] and not second["ok"]
    assert [(d["field"], d["code"]) for d in second["error"]["details"]] == [(f"cases[1].{field}", "string_unicode")]


def test_a_valid_surrogate_pair_is_a_character(officer):
    raw = '{"item_id": "%s", "conduct": "\\ud83d\\ude00"}' % TAX
    r = officer.post("/v1/evaluate", content=raw.encode(), headers=JSON)
    assert r.status_code == 200, r.text


def test_a_lone_surrogate_in_a_review_body_names_its_field(reviewer):
    raw = '{"list": "cn-tax-first-offense@2021-6", "item": "x\\ud800", "verdict": "approved"}'
    err = _err(reviewer.post("/v1/reviews", content=raw.encode(), headers=JSON), 422, "validation_error")
    assert [(d["field"], d["code"]) for d in err["details"]] == [("item", "string_unicode")], err


def test_check_command_names_the_field_of_a_lone_surrogate(tmp_path):
    from typer.testing import CliRunner

    from penalty_rules.cli.app import app

    case = tmp_path / "case.json"
    case.write_text('{"item_id": "%s", "conduct": "\\udc00"}' % TAX, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(case)])
    assert result.exit_code == 2 and "conduct: " in result.stderr and "string_unicode" in result.stderr, result.stderr
