"""The cases of the document tests (facts of real evaluations)."""

BASE = {"act_date": "2025-03-01", "decision_date": "2025-04-01", "party_type": "enterprise", "circumstances": []}
CASES = {
    # 税务 首违不罚 list item: 不予处罚, 33(1) of the 2021 text
    "tax_first": {"item_id": "cn-tax-2021-6/03", "act_date": "2024-03-20", "decision_date": "2024-04-10",
                  "first_offense": True, "harm": "minor", "corrected": "within_deadline"},
    "tax_normal": {**BASE, "item_id": "cn-tax-2021-6/03", "first_offense": False, "harm": "serious",
                   "corrected": "not_corrected", "minor_violation": False},
    "tax_open": {"item_id": "cn-tax-2021-6/03", "act_date": "2024-03-20", "decision_date": "2024-04-10",
                 "first_offense": False, "harm": "serious", "corrected": "not_corrected", "minor_violation": False},
    "discretionary": {**BASE, "conduct": "在公共场所张贴小广告", "first_offense": True, "harm": "minor",
                      "corrected": "promptly", "minor_violation": False},
    "minor_33": {**BASE, "conduct": "在公共场所张贴小广告", "harm": "none", "corrected": "promptly",
                 "minor_violation": True},
    "art32": {**BASE, "conduct": "在公共场所张贴小广告", "first_offense": False, "harm": "serious",
              "corrected": "not_corrected", "minor_violation": False, "circumstances": ["eliminated_harm"]},
    # act more than two years before discovery: 行政处罚法 art. 36, 不再给予行政处罚
    "limitation": {**BASE, "conduct": "在公共场所张贴小广告", "violated_law": "中华人民共和国城市市容和环境卫生管理条例",
                   "act_date": "2022-01-10", "discovered_date": "2025-03-01", "continuing": False, "harm": "serious",
                   "corrected": "not_corrected", "minor_violation": False, "first_offense": False,
                   "safety_related": False},
}

# the cases of the legal review (tests/documents/test_legal_review.py)
PEN = {**BASE, "conduct": "在公共场所张贴小广告"}
CASES.update({
    # 聊城 practices from the 2022 white paper (lists/liaocheng/lc-practice-2022): not a normative document
    "wp_parking": {"item_id": "lc-practice-2022/parking-notified", "act_date": "2023-05-01",
                   "decision_date": "2023-05-01", "corrected": "within_deadline", "harm": "none",
                   "minor_violation": True},  # 33(1): 违法行为轻微, which the white paper finds for no one
    # an item without conditions, facts against the party (not corrected; minor harm: serious harm takes the case
    # out of the practice, 公安机关办理行政案件程序规定 160(一), tests/legal/test_police_aggravation.py)
    "wp_ev": {"item_id": "lc-practice-2022/ev-restricted-zone", "party_type": "individual", "age": 45,
              "first_offense": True, "minor_violation": False, "harm": "minor", "corrected": "not_corrected",
              "act_date": "2023-03-01", "decision_date": "2023-03-01", "circumstances": []},
    # any_of groups: custom answers are added by the tests (their keys come from the trace)
    "mr_any_of": {**BASE, "item_id": "sd-mr-2024-reduced/x01", "circumstances": ["cooperated"], "minor_violation": True,
                  "harm": "serious", "corrected": "not_corrected"},
    # an item whose only condition is a placeholder (页面未显示,须核对原文)
    "eco_placeholder": {**BASE, "item_id": "sd-eco-2022/x01"},
    "old_law": {**PEN, "act_date": "2021-03-01", "decision_date": "2021-05-01", "harm": "none", "corrected": "promptly",
                "minor_violation": True},
    "minor_age": {**PEN, "party_type": "individual", "age": 13, "continuing": False, "harm": "serious", "corrected": "not_corrected",
                  "minor_violation": False},
    "art31": {**PEN, "party_type": "individual", "age": 40, "mental_condition": "limited",
              "mental_condition_cause": "mental_illness", "harm": "serious", "corrected": "not_corrected",
              "minor_violation": False, "first_offense": False},
    "gains_no_penalty": {**PEN, "first_offense": True, "harm": "minor", "corrected": "promptly", "minor_violation": False,
                         "illegal_gains_yuan": 500},
})

# the cases of the third legal review (tests/documents/test_legal_review.py, round 3)
CASES.update({
    # a Shandong list item (鲁司〔2021〕39号) whose conditions are the list's own; minor_violation not found
    "list_sd": {"item_id": "sd-2021/x01", "act_date": "2024-03-01", "discovered_date": "2024-03-05",
                "decision_date": "2024-04-01", "party_type": "enterprise", "corrected": "within_deadline",
                "first_offense": True, "harm": "none"},
    # act under the 2017 text, decided under the 2021 text whose 首违 rule is lighter (art. 37)
    "old_act_new_decision": {**PEN, "act_date": "2021-03-01", "discovered_date": "2021-06-01",
                             "decision_date": "2021-09-01", "first_offense": True, "harm": "minor",
                             "corrected": "promptly", "minor_violation": False},
    "art31_cannot": {**PEN, "party_type": "individual", "age": 40, "mental_condition": "cannot_recognize",
                     "mental_condition_cause": "intellectual_disability", "harm": "serious",
                     "corrected": "not_corrected", "minor_violation": False, "first_offense": False},
    "art32_gains": {**PEN, "discovered_date": "2025-03-10", "circumstances": ["coerced"], "first_offense": False,
                    "harm": "serious", "corrected": "not_corrected", "minor_violation": False,
                    "illegal_gains_yuan": 800},
})
