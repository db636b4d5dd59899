"""The case form's prior records: a record dated on the act's own day is asked (before_act) through the
page, the answer is kept in the table (its yes/no select) and the next evaluation reads it."""

import html as H
import re

from webtest_helpers import case_form_values, csrf_of

EV = "lc-practice-2022/ev-restricted-zone"


def test_a_same_day_record_is_asked_and_its_answer_kept_in_the_table(officer_web):
    csrf = csrf_of(officer_web.get("/web/check").text)
    data = {"csrf_token": csrf, "item_id": EV, "act_date": "2025-03-01", "decision_date": "2025-03-10",
            "party_type": "individual", "prior-0-date": "2025-03-01", "prior-0-item_id": EV, "priors_known": "true"}
    r = officer_web.post("/web/check", data=data)
    assert r.status_code == 200
    assert "与本案违法行为同日(2025-03-01)" in H.unescape(r.text)  # the question is on the page
    answer = {**case_form_values(r.text, csrf), "answer_fact": "prior_offenses[0].before_act",
              "answer_type": "boolean", "action": "answer", "answer": "true"}
    r2 = officer_web.post("/web/check", data=answer)
    assert r2.status_code == 200
    select = re.search(r'<select id="prior-0-before_act" name="prior-0-before_act">(.*?)</select>', r2.text, re.S)
    assert select and re.search(r'<option value="true" selected>', select.group(1)), r2.text[-800:]
    assert case_form_values(r2.text, csrf).get("prior-0-before_act") == "true"
