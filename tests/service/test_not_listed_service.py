"""The item_id question's answer “none of the proposed items” (item_id: none): offered as an option, then the
statutory rules alone decide, the answer says so, and the audit record keeps it with the other facts."""

# hc-047 of the officer walk: a tax declaration error the conduct search cannot place on one list item
HC047 = {"conduct": "因单据审核失误，一票一般贸易出口货物单价和总价申报错误，疑似导致多退税款", "party_type": "enterprise",
         "act_date": "2023-03-10", "decision_date": "2023-05-10", "corrected": "before_discovery", "harm": "minor",
         "first_offense": True, "minor_violation": False, "circumstances": []}


def test_none_of_the_items_is_offered_and_answered(officer, reviewer):
    asked = officer.post("/v1/evaluate?detail=full", json=HC047)
    assert asked.status_code == 200, asked.text
    q = asked.json()["next_question"]
    assert q["fact"] == "item_id" and q["answer_type"] == "enum"
    assert q["options"][-1] == {"value": "none", "label": "不属于以上条目(按行政处罚法判断)"}
    assert len(q["options"]) >= 2  # the candidate items, then “none of them”
    r = officer.post("/v1/evaluate?detail=full", json=dict(HC047, item_id="none"))
    assert r.status_code == 200, r.text
    body = r.json()
    # 行政处罚法 第三十三条第一款: “初次违法且危害后果轻微并及时改正的，可以不予行政处罚。”
    assert body["outcome"] == "discretionary_no_penalty" and body["chosen_item"] is None
    assert body["next_question"] is None
    assert any("不属于所提示的清单条目" in w and "行政处罚法" in w for w in body["warnings"])
    assert "不属于所提示的清单条目" in body["summary"]
    rec = reviewer.get(f"/v1/decisions/{body['decision_id']}").json()
    assert rec["facts"]["item_id"] == "none"
