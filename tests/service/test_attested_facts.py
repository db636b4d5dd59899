"""Officer-attested list conditions (CaseFacts.attested) through the real service: the question is
asked with the vocabulary's Chinese question, the answer is given in `attested` and decides the
item; wrong keys and non-boolean answers are refused naming the field; the OpenAPI schema
enumerates the keys with their Chinese labels.

The server runs on a lists folder of its own (tests/lists_fixtures.attested_lists: one locked national
list whose tax-item copies carry attested tags); the bundled lists have no such tag."""

import pytest

from tests.service.live_servers import Server, server_env
from penalty_rules.model.vocabulary import VOCABULARY
from tests.lists_fixtures import ATTESTED_LIST, attested_lists

TAG, OTHER = "prior_violations_handled", "fines_paid"
ITEM = f"{ATTESTED_LIST}/01"
FACTS = {"item_id": ITEM, "act_date": "2023-03-20", "decision_date": "2023-04-10", "discovered_date": "2023-03-20",
         "first_offense": True, "harm": "minor", "corrected": "within_deadline", "party_type": "enterprise",
         "continuing": False}


@pytest.fixture(scope="module")
def attested_server(tmp_path_factory):
    lists = attested_lists(tmp_path_factory.mktemp("attested-lists"), (TAG, OTHER))
    var = tmp_path_factory.mktemp("var-attested")
    srv = Server(var, server_env(var, PENALTY_RULES_LISTS=str(lists))).start()
    yield srv
    srv.stop()


@pytest.fixture
def client(attested_server):
    with attested_server.client("officer") as c:
        yield c


def test_asked_then_answered_through_the_api(client):
    r = client.post("/v1/evaluate", json=FACTS)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["outcome"] == "undetermined"
    q = next(m for m in body["missing_facts"] if m["fact"] == f"attested.{TAG}")
    assert q["question"] == VOCABULARY.conditions[TAG].question and q["answer_type"] == "boolean"
    assert [(o["value"], o["label"]) for o in q["options"]] == [(True, "是"), (False, "否")]
    assert ITEM in q["needed_by"]
    # the answer goes where the fact name says: attested.<tag>
    r = client.post("/v1/evaluate?detail=full", json={**FACTS, "attested": {TAG: True}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["outcome"] == "no_penalty" and body["chosen_item"] == ITEM
    rule = next(x for x in body["trace"]["rules"] if x["rule"] == ITEM)
    cond = next(c for c in rule["conditions"] if c["key"] == TAG)
    assert cond["status"] == "met" and cond["label"] == VOCABULARY.conditions[TAG].zh
    body = client.post("/v1/evaluate", json={**FACTS, "attested": {TAG: False}}).json()
    assert body["outcome"] not in ("undetermined", "no_penalty")
    assert not any(m["fact"].startswith("attested.") for m in body["missing_facts"])


def test_item_questions_name_the_attested_fact(client):
    r = client.get(f"/v1/items/{ITEM}/questions")
    assert r.status_code == 200, r.text
    q = next(x for x in r.json()["questions"] if x["fact"] == f"attested.{TAG}")
    assert q["question"] == VOCABULARY.conditions[TAG].question and q["group"] == "all"


@pytest.mark.parametrize(("attested", "field", "words"), [
    ({"cooperated": True}, "attested", "不是由执法人员认定的条件标签"),
    ({"no_such_tag": True}, "attested", "不是由执法人员认定的条件标签"),
    ({TAG: "true"}, f"attested.{TAG}", "true 或 false"),
    ({TAG: 1}, f"attested.{TAG}", "true 或 false"),
])
def test_wrong_keys_and_answers_are_refused_naming_the_field(client, attested, field, words):
    r = client.post("/v1/evaluate", json={**FACTS, "attested": attested})
    assert r.status_code == 422, r.text
    details = r.json()["error"]["details"]
    hit = next(d for d in details if d["field"] == field)
    assert words in hit["message_zh"], hit


def test_openapi_enumerates_the_attested_keys(client):
    props = client.get("/openapi.json").json()["components"]["schemas"]["CaseFacts"]["properties"]
    attested = props["attested"]
    assert attested["x-enum-labels"] == {t: d.zh for t, d in VOCABULARY.attested.items()}
    obj = next(s for s in attested["anyOf"] if s.get("type") == "object")
    assert obj["propertyNames"]["enum"] == list(VOCABULARY.attested)


class _Form(dict):
    def getlist(self, key):
        return [self[key]] if key in self else []


def test_workbench_form_answers_and_carries_attested_facts():
    from service.web import facts_form

    facts = facts_form.apply_answer({"item_id": ITEM}, _Form(
        {"answer_fact": f"attested.{TAG}", "answer_type": "boolean", "answer": "false", "action": "answer"}))
    assert facts == {"item_id": ITEM, "attested": {TAG: False}}
    hidden = facts_form.extras_of(facts)
    assert hidden == [(f"extra.attested.{TAG}", "false")]
    assert facts_form.facts_from_form(_Form(dict(hidden)), facts_form.fields([], [])) == {"attested": {TAG: False}}


@pytest.mark.parametrize(("attested", "field", "words"), [
    ({"Fines_paid": True}, "attested", "prior_violations_handled"),  # the allowed tags are listed
    ({"": True}, "attested", "不是由执法人员认定的条件标签"),
    ({OTHER: None}, f"attested.{OTHER}", "未认定的请不填该键"),
])
def test_bad_keys_and_null_get_a_message_that_helps(client, attested, field, words):
    r = client.post("/v1/evaluate", json={**FACTS, "attested": attested})
    assert r.status_code == 422, r.text
    hit = next(d for d in r.json()["error"]["details"] if d["field"] == field)
    assert words in hit["message_zh"], hit
