"""A question's answer options can never be read the wrong way round.

行政处罚法(2021-01-22) 第三十三条第二款: “当事人有证据足以证明没有主观过错的，不予行政处罚。” The fact
`subjective_fault` is false when the party proved it had no fault (CaseFacts), and the list condition
`no_subjective_fault` holds then. A 是/否 question “当事人是否提供了足以证明其没有主观过错的证据?” whose 是
wrote `subjective_fault: true` read 是 as “fault”: an officer answering 是 lost the 33(2) leniency, 否 gained it
(the reviewer's F1). The rule pinned here: for every vocabulary condition decided by one boolean fact, either the
question is a 是/否 question whose 是 makes the condition hold, or its options are labelled with what they mean
(the option that makes the condition hold says the condition in its own words, and the question names every
option) — in the engine's missing facts, the HTTP API's question objects (the same objects) and the web
workbench's next-question flow (service/web/facts_form.py)."""

import pytest

from penalty_rules.config import Settings
from penalty_rules.engine.conditions import FactView, missing_fact_names
from penalty_rules.engine.engine import Engine
from penalty_rules.explain.questions import answer_spec, question_for
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.model.conditions import Conditions
from penalty_rules.model.facts import CaseFacts
from penalty_rules.model.vocabulary import VOCABULARY

YES_NO = ["是", "否"]
NO_FAULT_33_2 = "当事人有证据足以证明没有主观过错"  # 行政处罚法(2021) 第三十三条第二款, word for word


def _single_boolean_conditions():
    out = []
    for tag in VOCABULARY.conditions:
        facts = missing_fact_names(tag)
        if len(facts) == 1 and answer_spec(facts[0])["answer_type"] == "boolean":
            out.append((tag, facts[0]))
    return out


def _facts_with(fact: str, value: bool) -> CaseFacts:
    if fact.startswith("attested."):
        return CaseFacts(attested={fact.removeprefix("attested."): value})
    return CaseFacts(**{fact: value})


def test_the_conditions_checked_include_33_2_and_first_offence():
    tags = {tag for tag, _ in _single_boolean_conditions()}
    assert {"no_subjective_fault", "first_offense", "minor_violation", "prior_violations_handled"} <= tags


@pytest.mark.parametrize(("tag", "fact"), _single_boolean_conditions())
def test_yes_means_the_condition_holds_or_the_options_say_what_they_mean(tag, fact):
    spec = answer_spec(fact)
    labels = [o.label for o in spec["options"]]
    question = question_for(fact, tag)
    holds = []
    for option in spec["options"]:
        facts = _facts_with(fact, option.value)
        value, _ = FactView(facts, facts.first_offense).tag(tag)
        holds.append(value)
    assert sorted(holds) == [False, True], (tag, holds)  # each option decides the condition, one each way
    if labels == YES_NO:
        assert holds[labels.index("是")] is True, f"{tag}: 是 must make “{VOCABULARY.conditions[tag].zh}” hold ({question})"
    else:
        assert not set(labels) & set(YES_NO), labels  # no bare 是/否 beside labelled options
        met = spec["options"][holds.index(True)].label
        assert VOCABULARY.conditions[tag].zh in met, (tag, met)
        for label in labels:  # the question offers the options by their words, not as a yes-no question
            assert label in question, (tag, label, question)


def test_the_33_2_question_offers_the_articles_words_and_its_other_answer():
    spec = answer_spec("subjective_fault")
    by_label = {o.label: o.value for o in spec["options"]}
    assert by_label[NO_FAULT_33_2] is False  # CaseFacts: false = 当事人证明没有主观过错
    assert len(by_label) == 2 and NO_FAULT_33_2 in question_for("subjective_fault", "no_subjective_fault")


# the statutory rule law-33-2: an adult, 2024 act and decision, not minor, not corrected, no first offence —
# nothing but 33(2) can give 不予处罚
ADULT = dict(party_type="individual", age=40, act_date="2024-03-01", decision_date="2024-06-01", continuing=False,
             domain="ecology", minor_violation=False, corrected="not_corrected", harm="minor", first_offense=False,
             circumstances=[])


def _answer(label: str) -> bool:
    return {o.label: o.value for o in answer_spec("subjective_fault")["options"]}[label]


def test_choosing_the_33_2_wording_gives_no_penalty_by_law_33_2(engine):
    d = engine.evaluate(CaseFacts(**ADULT, subjective_fault=_answer(NO_FAULT_33_2)))
    assert d.outcome == "no_penalty" and d.chosen_rule == "law-33-2"
    other = next(o.label for o in answer_spec("subjective_fault")["options"] if o.label != NO_FAULT_33_2)
    d = engine.evaluate(CaseFacts(**ADULT, subjective_fault=_answer(other)))
    assert d.outcome != "no_penalty" and d.chosen_rule != "law-33-2"


@pytest.fixture(scope="module")
def no_fault_item_engine():
    """A fresh corpus whose parking practice item reads (in memory) 责令期限内改正 or 有证据足以证明没有主观过错:
    the engine then asks subjective_fault as a list condition (no binding list names 33(2) today)."""
    corpus = load_corpus_strict(Settings.from_env().lists_dir)
    for doc in corpus.documents:
        for item in doc.items:
            if item.id == "lc-practice-2022/parking-notified":
                object.__setattr__(item, "conditions", Conditions(
                    all=[], any_of=[["corrected_within_deadline"], ["no_subjective_fault"]]))
                return Engine(corpus)
    pytest.skip("lc-practice-2022/parking-notified not bundled")


CASE = dict(item_id="lc-practice-2022/parking-notified", act_date="2024-03-01", decision_date="2024-06-01",
            party_type="individual", age=40, continuing=False, corrected="not_corrected", harm="none")


def test_the_engines_question_and_the_web_answer_write_the_party_s_proof_the_right_way(no_fault_item_engine):
    from service.web import facts_form

    d = no_fault_item_engine.evaluate(CaseFacts(**CASE))
    q = next(m for m in d.missing_facts if m.fact == "subjective_fault")
    assert q.answer_type == "boolean"
    chosen = next(o for o in q.options if o.label == NO_FAULT_33_2)

    class Form(dict):
        def getlist(self, key):
            return [self[key]] if key in self else []

    value = str(chosen.value).lower()  # as check.html renders a boolean option's value
    facts = facts_form.apply_answer(dict(CASE), Form(
        answer_fact=q.answer_fact or q.fact, answer_type=q.answer_type, answer=value, action="answer"))
    assert facts["subjective_fault"] is False
    assert no_fault_item_engine.evaluate(CaseFacts(**facts)).outcome == "no_penalty"
    # the workbench's own field offers the same options as the question
    field = next(f for f in facts_form.fields([], []) if f.name == "subjective_fault")
    assert dict(field.options)[value] == NO_FAULT_33_2
