"""行政处罚法(2021) 第三十三条第一款 first sentence: “违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。”
The city practice lc-practice-2022/parking-notified is described by a white paper (issuer: 白皮书所述; 具体发文机关
未见来源), not issued as a normative document: nobody has found its conduct 轻微, so the officer is asked."""

PARKING = {"conduct": "机动车违法停放，经拍照取证并通知车主在限定时间内驶离", "domain": "road_traffic",
           "act_date": "2025-06-10", "decision_date": "2025-06-12", "party_type": "individual", "age": 40,
           "special_law_facts": {"lc_traffic_yield_emergency": False}, "corrected": "within_deadline", "harm": "none",
           "item_id": "lc-practice-2022/parking-notified"}


def test_the_white_paper_practice_asks_whether_the_violation_is_minor(officer):
    r = officer.post("/v1/evaluate?detail=full", json=PARKING)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["outcome"] == "undetermined"
    assert body["next_question"]["fact"] == "minor_violation"
    found = officer.post("/v1/evaluate?detail=full", json=dict(PARKING, minor_violation=True)).json()
    assert found["outcome"] == "no_penalty"
    assert found["chosen_item"] == "lc-practice-2022/parking-notified"
