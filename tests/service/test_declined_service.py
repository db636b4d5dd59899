"""A 可以不予 answer through the live service carries `if_declined`: what binds the agency if it
penalises (行政处罚法 30: 已满十四周岁不满十八周岁…应当从轻或者减轻行政处罚), as the 从轻、减轻 part is drafted from."""

MINOR_FIRST = {"domain": "market", "party_type": "individual", "age": 15, "act_date": "2024-03-01",
               "decision_date": "2024-05-01", "continuing": False, "circumstances": [], "subjective_fault": True,
               "minor_violation": False, "corrected": "promptly", "harm": "minor", "first_offense": True}


def test_the_evaluate_answer_says_what_binds_when_declining(officer):
    r = officer.post("/v1/evaluate", json=MINOR_FIRST)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["outcome"] == "discretionary_no_penalty"
    declined = body["if_declined"]
    assert declined["rule"] == "law-30-b" and declined["leniency"]["mandatory"] is True
    assert any(b["label"] == "《中华人民共和国行政处罚法》第三十条" for b in declined["basis"])
    adult = officer.post("/v1/evaluate", json=dict(MINOR_FIRST, age=40)).json()
    assert adult["outcome"] == "discretionary_no_penalty" and adult["if_declined"] is None
