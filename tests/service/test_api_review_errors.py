"""API review (hostile requests), against the real service: cross-field date errors name their field;
one code for an act after the decision; case_ref in the query refused when not UTF-8; unknown query
parameters refused; error details capped; message_zh Chinese throughout (no English of json or
pydantic)."""

import json
import re

import pytest

TAX = "cn-tax-2021-6/03"
BASE = {"item_id": TAX, "act_date": "2023-03-20", "decision_date": "2023-04-10"}
JSON = {"content-type": "application/json"}


def _err(r, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    if code is not None:
        assert err["code"] == code, err
    return err


# ------------------------------------------------------------------ 1. cross-field dates name the field
DATE_FAULTS = [
    ({"act_end_date": "2023-03-01", "continuing": True}, "act_end_date"),
    ({"continuing": False, "act_end_date": "2023-03-25"}, "act_end_date"),
    ({"discovered_date": "2023-03-01"}, "discovered_date"),
    ({"discovered_date": "2023-05-01"}, "discovered_date"),
    ({"birth_date": "2023-06-01"}, "birth_date"),
    ({"birth_date": "2000-01-01", "age": 40}, "age"),
    ({"act_date": "2023-05-01"}, "act_date"),
]


@pytest.mark.parametrize("facts,field", DATE_FAULTS)
def test_cross_field_date_errors_name_the_field(officer, facts, field):
    err = _err(officer.post("/v1/evaluate", json={**BASE, **facts}), 422)
    assert [d["field"] for d in err["details"]] == [field], err
    r = officer.post("/v1/evaluate/batch", json={"cases": [BASE, {**BASE, **facts}]})
    assert r.status_code == 200, r.text
    case = r.json()["results"][1]
    assert not case["ok"] and [d["field"] for d in case["error"]["details"]] == [f"cases[1].{field}"], case


# ------------------------------------------------------------------ 2. one code for an act after the decision
def test_act_after_decision_has_one_code_explicit_or_implicit(officer):
    explicit = _err(officer.post("/v1/evaluate", json={**BASE, "act_date": "2023-05-01"}), 422)
    implicit = _err(officer.post("/v1/evaluate", json={"item_id": TAX, "act_date": "2099-05-01"}), 422)
    for err in (explicit, implicit):
        assert err["code"] == "act_after_decision", err
        assert [(d["field"], d["code"]) for d in err["details"]] == [("act_date", "act_after_decision")], err
    r = officer.post("/v1/evaluate/batch", json={"cases": [{**BASE, "act_date": "2023-05-01"},
                                                           {"item_id": TAX, "act_date": "2099-05-01"}]})
    codes = [(c["error"]["code"], c["error"]["details"][0]["field"]) for c in r.json()["results"]]
    assert codes == [("act_after_decision", "cases[0].act_date"), ("act_after_decision", "cases[1].act_date")]
    # the batch says which case (a lone error keeps its code and its message, prefixed by the case)
    said = [c["error"]["message_zh"] for c in r.json()["results"]]
    assert said[0].startswith("第 1 个案件(cases[0]): ") and said[1].startswith("第 2 个案件(cases[1]): "), said


# ------------------------------------------------------------------ 3. case_ref not UTF-8
@pytest.mark.parametrize("query", ["case_ref=AB%FF%FEcd", "detail=full&case_ref=AB%C3%28", "case_ref=%ED%A0%80"])
def test_case_ref_not_utf8_is_refused(officer, reviewer, query):
    err = _err(officer.post(f"/v1/evaluate?{query}", json=BASE), 422)
    assert [d["field"] for d in err["details"]] == ["case_ref"], err
    assert re.search(r"[\u4e00-\u9fff]", err["message_zh"]) and "\ufffd" not in json.dumps(err)
    # and a search by such a reference is refused alike (it matched U+FFFD)
    _err(reviewer.get("/v1/decisions?case_ref_contains=%FF"), 422, "invalid_encoding")


def test_case_ref_replacement_or_surrogate_is_refused(officer):
    err = _err(officer.post("/v1/evaluate", params={"case_ref": "AB\ufffdcd"}, json=BASE), 422,
               "case_ref_characters")
    assert err["details"][0]["field"] == "case_ref"
    raw = '{"cases": [%s], "case_refs": ["LC-\\ud800"]}' % json.dumps(BASE)  # was a 503 (audit insert failed)
    err = _err(officer.post("/v1/evaluate/batch", content=raw, headers=JSON), 422, "case_ref_characters")
    assert err["details"][0]["field"] == "case_refs[0]"


# ------------------------------------------------------------------ 4. unknown query parameters
UNKNOWN_PARAMS = [
    ("officer", "post", "/v1/evaluate?decison_date=2023-01-01", BASE, "decison_date"),
    ("officer", "post", "/v1/evaluate?detail=full&casref=X", BASE, "casref"),
    ("officer", "post", "/v1/evaluate/batch?details=full", {"cases": [BASE]}, "details"),
    ("officer", "get", "/v1/items/search?q=申报&lmit=3", None, "lmit"),
    ("officer", "get", f"/v1/items/{TAX}?asof=2023-01-01", None, "asof"),
    ("officer", "get", f"/v1/items/{TAX}/questions?asof=2023-01-01", None, "asof"),
    ("officer", "get", "/v1/domains?x=1", None, "x"),
    ("officer", "get", "/v1/lists?x=1", None, "x"),
    ("reviewer", "get", "/v1/decisions?itme=x", None, "itme"),
    ("reviewer", "get", "/v1/reviews?list=cn-tax-first-offense@2021-6&verdict=x", None, "verdict"),
]


@pytest.mark.parametrize("role,method,url,body,name", UNKNOWN_PARAMS)
def test_unknown_query_parameter_is_refused(server, role, method, url, body, name):
    with server.client(role) as c:
        r = c.request(method.upper(), url, json=body) if body is not None else c.request(method.upper(), url)
    err = _err(r, 422, "unknown_parameter")
    assert err["details"][0]["field"] == name and name in err["message_zh"], err


def test_declared_query_parameters_still_pass(officer, reviewer):
    assert officer.post("/v1/evaluate?detail=full&case_ref=LC-2024-77", json=BASE).status_code == 200
    assert officer.get("/v1/items/search", params={"q": "申报", "domain": "tax", "jurisdiction": "371500",
                                                   "as_of": "2023-01-01", "limit": 3}).status_code == 200
    assert reviewer.get("/v1/decisions", params={"case_ref": "LC-2024-77", "limit": 5, "offset": 0}).status_code == 200


# ------------------------------------------------------------------ 5. details capped
def test_error_details_are_capped_and_counted(officer, reviewer):
    many = {f"k{i}": 1 for i in range(80_000)}
    err = _err(officer.post("/v1/evaluate", content=json.dumps(many), headers=JSON), 422, "validation_error")
    assert len(err["details"]) == 50 and err["details_omitted"] == 79_950
    assert "79950" in err["message_zh"] and "50" in err["message_zh"]
    r = officer.post("/v1/evaluate/batch", content=json.dumps({"cases": [BASE, dict(list(many.items())[:60_000])]}),
                     headers=JSON)
    assert r.status_code == 200, r.text
    case = r.json()["results"][1]["error"]
    assert len(case["details"]) == 50 and case["details_omitted"] == 59_950 and "59950" in case["message_zh"]
    err = _err(officer.post("/v1/evaluate/batch", content=json.dumps({"cases": [BASE], **many}), headers=JSON), 422)
    assert len(err["details"]) == 50 and err["details_omitted"] == 79_950
    err = _err(reviewer.post("/v1/reviews", content=json.dumps(many), headers=JSON), 422)
    assert len(err["details"]) == 50 and err["details_omitted"] > 79_000
    few = _err(officer.post("/v1/evaluate", json={**BASE, "a": 1, "b": 2}), 422)
    assert len(few["details"]) == 2 and "details_omitted" not in few


# ------------------------------------------------------------------ 6. message_zh in Chinese
# an English phrase (two words), pydantic's "'a' or 'b'", or a json module message ("Expecting ':' delimiter")
ENGLISH = re.compile(r"[A-Za-z]{2,} [a-z]{2,}|' or '|\b(?:Expecting|Invalid|Input|Extra|Unterminated|Illegal)\b")


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [m for k, v in value.items() for m in ([v] if k == "message_zh" else _messages(v))]
    return [m for v in value for m in _messages(v)] if isinstance(value, list) else []


RAW_BODIES = ['{', '{"item_id": }', '{"item_id": "x",}', "{'item_id': 1}", '{"a": 1} x', '{"a": "\\x"}',
              '{"a": "b', '{"a" 1}', '[1 2]', '']
FACTS = [{"party_type": "company"}, {"circumstances": ["x"]}, {"harm": 3}, {"age": "15"},
         {"act_date": "2023-02-30"}, {"illegal_gains_yuan": 1e300}, {"surname": "张"}]


@pytest.mark.parametrize("raw", RAW_BODIES)
def test_malformed_json_message_is_chinese(officer, raw):
    for path in ("/v1/evaluate", "/v1/evaluate/batch"):
        err = _err(officer.post(path, content=raw.encode(), headers=JSON), 400, "malformed_json")
        assert not [m for m in _messages(err) if ENGLISH.search(m)], err


@pytest.mark.parametrize("facts", FACTS)
def test_validation_messages_are_chinese(officer, facts):
    err = _err(officer.post("/v1/evaluate", json={**BASE, **facts}), 422)
    assert not [m for m in _messages(err) if ENGLISH.search(m)], err


def test_other_english_fragments_are_gone(officer, reviewer):
    raw = '{"cases": [{"item_id": "\\ud800"}]}'  # pydantic: "Input should be a valid string, unable to parse..."
    r = officer.post("/v1/evaluate/batch", content=raw, headers=JSON)
    assert r.status_code == 200, r.text
    assert not [m for m in _messages(r.json()) if ENGLISH.search(m)], r.text
    for resp in (officer.post("/v1/evaluate?detail=everything", json=BASE),  # FastAPI's literal error
                 reviewer.post("/v1/reviews", json={"list": "a@b", "item": "x", "verdict": "maybe"})):
        err = _err(resp, 422)
        assert not [m for m in _messages(err) if ENGLISH.search(m)], err



@pytest.mark.parametrize("raw,encoded", [(True, False), (False, True)])
def test_unencoded_utf8_query_is_told_to_percent_encode(raw, encoded):
    """README's example as curl sends it (the URL's UTF-8 bytes unencoded; uvicorn's httptools
    refuses such a request line itself, other front ends pass it on): the answer says to
    percent-encode and claims no invalid bytes; invalid UTF-8 after decoding says so (finding 8)."""
    from urllib.parse import quote

    from starlette.requests import Request

    from service.app import check_query
    from service.errors import ApiError

    ref = "聊市监罚〔2026〕12号"
    query = ("case_ref=" + ref).encode() if raw else b"case_ref=" + quote(ref).encode() + b"%FF"
    with pytest.raises(ApiError) as exc:
        check_query(Request({"type": "http", "query_string": query, "headers": []}))
    err = exc.value.body()["error"]
    assert err["code"] == "invalid_encoding" and err["details"][0]["field"] == "case_ref", err
    assert ("请按百分号编码" in err["message_zh"]) is raw and ("无效字节" in err["message_zh"]) is encoded, err
    check_query(Request({"type": "http", "query_string": b"case_ref=" + quote(ref).encode(), "headers": []}))
