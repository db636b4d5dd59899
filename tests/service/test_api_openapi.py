"""The OpenAPI document the real service serves (/openapi.json) says what the routes answer: the 404 / 409 /
415 each can give (the routes below raise them: PublishError's 404 and default 409, item_gone, the strict
body reader's 415), and the date ranges the validation enforces (facts.MIN_DATE..MAX_DATE, birth dates from
MIN_BIRTH_DATE) as JSON Schema keywords and in the description (pydantic wrote them as "ge"/"le", which no
schema tool reads)."""

import httpx
import pytest

from penalty_rules.model.facts import MAX_DATE, MIN_BIRTH_DATE, MIN_DATE

ERROR_REF = "#/components/schemas/ErrorResponse"
PUBLISH = "/v1/lists/{list_id}/versions/{version}/publish"

DOCUMENTED = [
    ("post", "/v1/reviews", (404, 409, 415)),
    ("get", "/v1/reviews", (404, 409)),
    ("post", PUBLISH, (404, 409, 415)),
    ("post", "/v1/decisions/{decision_id}/replay", (404, 409)),
    ("post", "/v1/evaluate", (404, 415)),
    ("post", "/v1/evaluate/batch", (413, 415)),
    ("post", "/v1/decisions/{decision_id}/document", (404, 409, 415)),
]


@pytest.fixture(scope="module")
def spec(server) -> dict:
    r = httpx.get(server.url + "/openapi.json", timeout=30)
    assert r.status_code == 200
    return r.json()


@pytest.mark.parametrize("method,path,codes", DOCUMENTED, ids=[f"{m}:{p}" for m, p, _ in DOCUMENTED])
def test_error_answers_are_documented(spec, method, path, codes):
    responses = spec["paths"][path][method]["responses"]
    for code in codes:
        said = responses.get(str(code))
        assert said is not None, (path, code, sorted(responses))
        assert said["content"]["application/json"]["schema"]["$ref"] == ERROR_REF, said
        assert said.get("description"), said


def _date_schema(prop: dict) -> dict:
    """The date alternative of a property (an optional one is anyOf [date, null])."""
    return next(s for s in prop.get("anyOf", [prop]) if s.get("format") == "date")


def _walk(value):
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


def test_date_ranges_are_in_the_schema(spec):
    schemas = spec["components"]["schemas"]
    publish = spec["paths"][PUBLISH]["post"]["requestBody"]["content"]["application/json"]["schema"]
    as_of = next(p for p in spec["paths"]["/v1/items/search"]["get"]["parameters"] if p["name"] == "as_of")
    cases = [
        (schemas["CaseFacts"]["properties"]["birth_date"], MIN_BIRTH_DATE),
        (schemas["CaseFacts"]["properties"]["act_date"], MIN_DATE),
        (schemas["CaseFacts"]["properties"]["decision_date"], MIN_DATE),
        (schemas["PriorOffense"]["properties"]["date"], MIN_DATE),
        (schemas["DocumentRequest"]["properties"]["decision_date"], MIN_DATE),
        (publish["properties"]["effective_from"], MIN_DATE),
        (publish["properties"]["effective_to"], MIN_DATE),
        (as_of["schema"], MIN_DATE),
    ]
    assert MIN_BIRTH_DATE.isoformat() == "1840-01-01" and (MIN_DATE.year, MAX_DATE.year) == (1990, 2100)
    for prop, low in cases:
        d = _date_schema(prop)
        assert (d["formatMinimum"], d["formatMaximum"]) == (low.isoformat(), MAX_DATE.isoformat()), prop
        assert low.isoformat() in d["description"] and MAX_DATE.isoformat() in d["description"], prop
    assert "1990-01-01" in as_of["description"]
    # no date keeps pydantic's private ge/le (the range in no keyword a schema tool reads)
    stray = [s for s in _walk(spec) if s.get("format") in ("date", "date-time") and ({"ge", "le"} & set(s))]
    assert not stray, stray[:3]


def test_decision_query_times_say_their_range(spec):
    params = {p["name"]: p for p in spec["paths"]["/v1/decisions"]["get"]["parameters"]}
    for name in ("from", "to"):
        assert "1990" in params[name]["description"] and "2100" in params[name]["description"], params[name]
