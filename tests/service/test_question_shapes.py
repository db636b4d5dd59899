"""Questions and input errors as an officer's app reads them (the officer walk's smaller findings)."""

PARKING = "lc-practice-2022/parking-notified"
BASE = {"item_id": PARKING, "domain": "road_traffic", "act_date": "2025-06-10", "decision_date": "2025-06-12"}


def test_item_questions_carry_the_answer_model_of_the_evaluate_questions(officer):
    listed = officer.get(f"/v1/items/{PARKING}/questions").json()["questions"]
    asked = {m["fact"]: m for m in officer.post("/v1/evaluate?detail=full", json={"item_id": PARKING}).json()["missing_facts"]}
    common = [q for q in listed if q["fact"] in asked]
    assert common, (listed, sorted(asked))
    for q in common:
        m = asked[q["fact"]]
        assert (q["answer_type"], q["options"], q["answer_fact"], q["unit"]) == \
            (m["answer_type"], m["options"], m["answer_fact"], m["unit"]), q["fact"]
    assert any(q["options"] for q in common)  # an enum or yes/no question among them, with its options


def test_the_age_question_asks_for_the_date_it_takes(officer):
    body = officer.post("/v1/evaluate?detail=full", json=dict(BASE, party_type="individual")).json()
    q = next(m for m in body["missing_facts"] if m["fact"] == "age")
    assert q["answer_type"] == "date" and q["answer_fact"] == "birth_date"
    assert "出生日期" in q["question"]
    # an age in 周岁 is no date: the text must not ask for it as this answer, only point to the age field
    assert "不在此作答" in q["question"] and "age" in q["question"]


def test_a_bad_jurisdiction_is_named_in_words_not_a_regex(officer):
    r = officer.post("/v1/evaluate", json=dict(BASE, jurisdiction="37150"))
    assert r.status_code == 422
    [d] = r.json()["error"]["details"]
    assert d["field"] == "jurisdiction"
    assert "6位行政区划代码" in d["message_zh"] and "^" not in d["message_zh"] and "\\d" not in d["message_zh"]


def test_a_bad_custom_condition_key_is_named_by_its_path(officer):
    r = officer.post("/v1/evaluate", json=dict(BASE, custom_conditions={"x": True}))
    assert r.status_code == 422
    [d] = r.json()["error"]["details"]
    assert d["field"] == "custom_conditions.x"
    assert "键名" in d["message_zh"] and "custom_" in d["message_zh"] and "[0-9a-f]" not in d["message_zh"]
