"""Every binding item through the case form of the real service: start from the item's conduct
text alone, answer each next question as the page offers it (first option, or last option), until
the outcome is firm. Proves the form ↔ question model mapping for every answer type the lists need
(enum, boolean, date, multi-choice, integer, number)."""

import html as H
import re
from collections import Counter

import pytest
from webtest_helpers import case_form_values, csrf_of


@pytest.fixture(scope="module")
def binding_items():
    from penalty_rules.config import Settings
    from penalty_rules.load.loader import load_corpus_strict

    corpus = load_corpus_strict(Settings.from_env().lists_dir)
    ids = sorted({i.id for d in corpus.documents if d.binding_level for i in d.items})
    return [(i, corpus.latest(i).item.violation) for i in ids]


@pytest.mark.parametrize("pick", ["first", "last"])
def test_every_binding_item_reaches_a_firm_outcome_through_the_form(officer_web, binding_items, pick):
    csrf = csrf_of(officer_web.get("/web/check").text)
    kinds, outcomes, stuck = Counter(), Counter(), []
    for item_id, violation in binding_items:
        r = officer_web.post("/web/check", data={"csrf_token": csrf, "conduct": violation})
        for _ in range(25):
            assert r.status_code == 200, (item_id, r.status_code, re.sub(r"<[^>]+>", " ", r.text)[-600:])
            if 'id="next-question"' not in r.text:
                outcomes[re.search(r'id="outcome">([^<]+)<', r.text).group(1)] += 1
                break
            kind = re.search(r'name="answer_type" value="([^"]+)"', r.text).group(1)
            fact = H.unescape(re.search(r'name="answer_fact" value="([^"]+)"', r.text).group(1))
            kinds[kind] += 1
            data = {**case_form_values(r.text, csrf), "answer_fact": fact, "answer_type": kind, "action": "answer"}
            if kind in ("boolean", "enum"):
                options = re.findall(r'id="answer-\d+" name="answer" value="([^"]*)"', r.text)
                choice = options[0] if pick == "first" or fact == "item_id" else options[-1]
                data["answer"] = H.unescape(choice)
            elif kind == "date":
                data["answer"] = "1980-01-01" if fact == "birth_date" else "2024-06-10"
            elif kind in ("number", "integer"):
                data["answer"] = "0"
            elif kind == "text":
                data["answer"] = "其他"
            r = officer_web.post("/web/check", data=data)
        else:
            stuck.append(item_id)
    assert not stuck, f"no firm outcome after 25 answers: {stuck}"
    assert sum(outcomes.values()) == len(binding_items)
    assert "尚不能确定" not in outcomes
    print(f"{pick}: {dict(outcomes)}; questions by answer type: {dict(kinds)}")
