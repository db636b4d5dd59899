"""聊城市道路交通安全条例 art. 75(2) (“因让行而产生的违反交通信号灯、交通标志、标线等行为，不予处罚。”) through the
live service: the answer, its basis and the question when the yielding is unknown."""

RED_LIGHT = {"jurisdiction": "371502", "domain": "road_traffic", "violated_law": "中华人民共和国道路交通安全法",
             "party_type": "individual", "age": 35, "act_date": "2025-05-06", "continuing": False,
             "discovered_date": "2025-05-06", "decision_date": "2025-05-20", "minor_violation": False, "harm": "none",
             "corrected": "not_corrected", "first_offense": False, "circumstances": []}


def test_the_service_answers_75_2_and_asks_the_yielding(officer):
    r = officer.post("/v1/evaluate", json=dict(RED_LIGHT, special_law_facts={"lc_traffic_yield_emergency": True}))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["outcome"] == "no_penalty"
    assert any(b["label"] == "《聊城市道路交通安全条例》第七十五条第二款" for b in body["basis"])
    unknown = officer.post("/v1/evaluate", json=RED_LIGHT).json()
    assert unknown["outcome"] == "undetermined"
    assert "special_law_facts.lc_traffic_yield_emergency" in {m["fact"] for m in unknown["missing_facts"]}
