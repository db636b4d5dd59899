"""What the engine shares between cases (condition traces, memoised questions, issue 12) must not
carry one case's edits into the next: the engine edits a rule's result for the case at hand (the
首违 question replaced by questions about named priors, escalation and search candidates made
open, statutory traces and facts added), and a rule may word a question for one case only. A case
evaluated after another with the same raw values gets exactly what an engine with empty caches gives.
"""

from penalty_rules.config import Settings
from penalty_rules.engine import reference
from penalty_rules.engine.conditions import FactView
from penalty_rules.engine.engine import Engine
from penalty_rules.engine.premises import effective_conditions
from penalty_rules.explain import questions
from penalty_rules.explain.questions import question_for
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.model.facts import CaseFacts

CORPUS = load_corpus_strict(Settings.from_env().lists_dir)
# a binding list item whose conditions require 首违 (the fact the engine's edits are about)
REF = next(r for r in CORPUS.all_refs()
           if r.document.binding_level and not r.item.escalation and "first_offense" in effective_conditions(r.item, r.document.citable).all)
BASE = {"item_id": REF.item.id, "act_date": "2024-03-01", "decision_date": "2024-06-01"}
# 首违 unknown in both: in A because an earlier violation is described only by a conduct text the
# engine cannot match (so it asks whether that record is the same conduct instead of asking 首违),
# in B because nothing is known about the history (so it asks 首违)
CASE_A = CaseFacts.model_validate({**BASE, "prior_offenses": [{"conduct": "其他行为", "date": "2023-01-01"}]})
CASE_B = CaseFacts.model_validate(BASE)


def _clear_module_caches() -> None:
    reference._TRACES.clear()
    reference._PLANS.clear()
    questions._QUESTIONS.clear()


def _cold(facts: CaseFacts) -> str:
    _clear_module_caches()
    return Engine(CORPUS).evaluate(facts).model_dump_json()


def test_each_evaluation_of_conditions_gets_fresh_containers():
    conditions = effective_conditions(REF.item, REF.document.citable)
    view = FactView(CASE_B, None)
    _clear_module_caches()
    first = reference.evaluate_conditions(conditions, view)
    expected = (first.satisfied, list(first.traces), dict(first.missing))
    # what the engine does to a result of its own (Engine._ask_priors, _escalate, _open_candidates;
    # StatutoryRules appends traces)
    first.missing.clear()
    first.missing["item_id"] = "candidate"
    first.traces.append(first.traces[0])
    first.satisfied = False
    again = reference.evaluate_conditions(conditions, view)  # the traces now come from _TRACES
    assert again.missing is not first.missing and again.traces is not first.traces
    assert (again.satisfied, again.traces, again.missing) == expected
    assert "first_offense" in again.missing and again.satisfied is None


def test_rule_result_after_a_case_whose_result_the_engine_edited():
    engine = Engine(CORPUS)
    a = engine._evaluate_item(REF, "applicable", CASE_A)
    b = engine._evaluate_item(REF, "applicable", CASE_B)
    assert "first_offense" not in a.result.missing and "prior_offenses[0].same_conduct" in a.result.missing
    assert "first_offense" in b.result.missing and "prior_offenses[0].same_conduct" not in b.result.missing


def test_decisions_after_each_other_equal_an_engine_with_empty_caches():
    expected = {"a": _cold(CASE_A), "b": _cold(CASE_B)}
    assert '"fact":"first_offense"' in expected["b"] and '"fact":"first_offense"' not in expected["a"]
    engine = Engine(CORPUS)
    for name, facts in [("a", CASE_A), ("b", CASE_B), ("a", CASE_A), ("b", CASE_B)]:
        assert engine.evaluate(facts).model_dump_json() == expected[name], name


def test_a_memoised_question_gives_way_to_the_rules_own_wording():
    questions._QUESTIONS.clear()
    fact = "custom_conditions.test-shared"
    general = question_for(fact, "test-shared", "未发生食品安全事故")
    assert general == "是否符合清单条件: 未发生食品安全事故?"  # the list's condition, asked as it reads
    assert question_for(fact, "test-shared", "未发生食品安全事故", {fact: "本案的具体问题"}) == "本案的具体问题"
    assert question_for(fact, "test-shared", "未发生食品安全事故") == general
    # another label for the same fact and condition is a question of its own
    assert question_for(fact, "test-shared", "非散装熟食销售") == "是否符合清单条件: 非散装熟食销售?"


def test_the_question_memo_is_bounded():
    questions._QUESTIONS.clear()
    for i in range(5000):  # fact names of custom conditions come from requests
        question_for(f"custom_conditions.c{i}", f"c{i}")
    assert len(questions._QUESTIONS) <= 4096
    assert question_for("custom_conditions.c4999", "c4999") == "是否符合清单条件: c4999?"
