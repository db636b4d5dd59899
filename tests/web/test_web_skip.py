"""The case form's 不知道/暂不回答: the question is put off and the next missing fact is asked, as an API client
moves on to the next of missing_facts; the put-off fact stays unknown (not written into the facts)."""

import html as H
import re

from webtest_helpers import case_form_values, csrf_of

# the parking practice, nothing known: several facts are missing
CASE = {"item_id": "lc-practice-2022/parking-notified", "domain": "road_traffic", "act_date": "2025-06-10",
        "decision_date": "2025-06-12"}


def _asked(page: str) -> str | None:
    m = re.search(r'name="question_fact" value="([^"]+)"', page)
    return H.unescape(m.group(1)) if m else None


def _missing_count(page: str) -> int:
    block = page.split('id="result"', 1)[1]
    return len(re.findall(r"<li>", block.split("其他待补问的事实", 1)[1].split("</ol>", 1)[0])) + 1


def test_skip_moves_on_to_the_next_missing_fact(officer_web):
    csrf = csrf_of(officer_web.get("/web/check").text)
    r = officer_web.post("/web/check", data={"csrf_token": csrf, **CASE})
    assert r.status_code == 200
    first = _asked(r.text)
    assert first is not None and 'id="answer-skip"' in r.text and "不知道/暂不回答" in r.text
    seen = [first]
    for _ in range(_missing_count(r.text) - 1):
        data = {**case_form_values(r.text, csrf), "question_fact": seen[-1], "action": "skip",
                "skipped": re.search(r'name="skipped" value="([^"]*)"', r.text).group(1)}
        r = officer_web.post("/web/check", data=data)
        assert r.status_code == 200
        nxt = _asked(r.text)
        assert nxt is not None and nxt not in seen, (seen, nxt)  # a new question each time, none asked twice
        seen.append(nxt)
        assert re.search(r'id="outcome">([^<]+)<', r.text).group(1) == "尚不能确定"  # nothing was answered
    # every missing fact put off: no question, said so
    data = {**case_form_values(r.text, csrf), "question_fact": seen[-1], "action": "skip",
            "skipped": re.search(r'name="skipped" value="([^"]*)"', r.text).group(1)}
    r = officer_web.post("/web/check", data=data)
    assert _asked(r.text) is None and 'id="all-skipped"' in r.text
    assert len(seen) >= 2, seen


def test_skip_with_a_chosen_option_writes_nothing(officer_web):
    csrf = csrf_of(officer_web.get("/web/check").text)
    r = officer_web.post("/web/check", data={"csrf_token": csrf, **CASE})
    first = _asked(r.text)
    kind = re.search(r'name="answer_type" value="([^"]+)"', r.text).group(1)
    data = {**case_form_values(r.text, csrf), "question_fact": first, "answer_fact": first, "answer_type": kind,
            "action": "skip", "answer": "true" if kind == "boolean" else "x", "skipped": ""}
    r = officer_web.post("/web/check", data=data)
    assert r.status_code == 200 and _asked(r.text) != first
    assert first not in case_form_values(r.text, csrf) or not case_form_values(r.text, csrf)[first]
