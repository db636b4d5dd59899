"""Facts that contradict each other are refused by the live service with 422, the field named and the code
inconsistent_facts (the legal reasons: tests/legal/test_duration_dates.py, test_limitation_harm.py)."""

BASE = {"domain": "market", "party_type": "enterprise", "continuing": True, "act_date": "2025-03-01",
        "decision_date": "2025-08-01"}


def test_the_service_names_the_quantity(officer):
    body = {**BASE, "act_end_date": "2025-06-30", "quantities": {"violation_duration_months": 0.5}}
    r = officer.post("/v1/evaluate", json=body)
    assert r.status_code == 422, r.text
    details = r.json()["error"]["details"]
    assert [(d["field"], d["code"]) for d in details] == [("quantities.violation_duration_months", "inconsistent_facts")]
    assert "不一致" in details[0]["message_zh"]


def test_the_service_names_safety_related(officer):
    body = {**BASE, "continuing": False, "harm": "none", "safety_related": True}
    r = officer.post("/v1/evaluate", json=body)
    assert r.status_code == 422, r.text
    assert [(d["field"], d["code"]) for d in r.json()["error"]["details"]] == [("safety_related", "inconsistent_facts")]


def test_the_service_names_eliminated_harm_beside_no_harm(officer):
    """行政处罚法 第三十二条第（一）项 “主动消除或者减轻违法行为危害后果的” presupposes a harm (tests/legal/
    test_eliminated_harm_needs_harm.py)."""
    body = {**BASE, "continuing": False, "harm": "none", "circumstances": ["eliminated_harm"]}
    r = officer.post("/v1/evaluate", json=body)
    assert r.status_code == 422, r.text
    assert [(d["field"], d["code"]) for d in r.json()["error"]["details"]] == [("circumstances", "inconsistent_facts")]
