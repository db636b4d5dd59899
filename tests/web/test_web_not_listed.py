"""The case form offers the item_id question's answer “none of the proposed items” and decides by the law."""

import html as H
import re

from webtest_helpers import case_form_values, csrf_of

HC047 = {"conduct": "因单据审核失误，一票一般贸易出口货物单价和总价申报错误，疑似导致多退税款", "party_type": "enterprise",
         "act_date": "2023-03-10", "decision_date": "2023-05-10", "corrected": "before_discovery", "harm": "minor",
         "first_offense": "true", "minor_violation": "false", "circumstances_known": "true"}


def test_the_form_answers_none_of_the_items(officer_web):
    csrf = csrf_of(officer_web.get("/web/check").text)
    r = officer_web.post("/web/check", data={"csrf_token": csrf, **HC047})
    assert r.status_code == 200
    assert H.unescape(re.search(r'name="answer_fact" value="([^"]+)"', r.text).group(1)) == "item_id"
    radios = re.findall(r'name="answer" value="([^"]*)"[^>]*>\s*<label for="answer-\d+">([^<]+)</label>', r.text)
    assert ("none", "不属于以上条目(按行政处罚法判断)") in [(v, H.unescape(t)) for v, t in radios]
    data = {**case_form_values(r.text, csrf), "answer_fact": "item_id", "answer_type": "enum", "action": "answer",
            "answer": "none"}
    r = officer_web.post("/web/check", data=data)
    assert r.status_code == 200
    assert re.search(r'id="outcome">([^<]+)<', r.text).group(1) == "可以不予处罚"
    assert 'id="next-question"' not in r.text
    assert "不属于所提示的清单条目" in r.text
