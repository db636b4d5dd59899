"""Interviews: answering `next_question` in order reaches a firm outcome on every bundled item.

For every bundled binding item (and a few analogue items) the walk starts from the item id and the
act and decision dates only, and answers `next_question` along every answer path: every option of
a boolean, enum or list question (a list question: none, or each option alone), and for dates,
numbers and text a small set of representative values (the act date as discovery date, a birth date
giving 30 and 15 full years, quantities below, at and above each threshold the item reads, a count
of earlier offences around each escalation step). Every path must end in a firm outcome within
MAX_QUESTIONS, never asking for a fact that already has an answer. Identical fact sets are walked
once (memoised); beyond STATE_BUDGET fact sets per item, only the first and last option of each
further question are followed, so the work stays bounded.
"""

import json
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import ValidationError

from penalty_rules.errors import InvalidFacts
from penalty_rules.model.conditions import Threshold
from penalty_rules.model.facts import CaseFacts
from penalty_rules.model.outcome import Outcome

MAX_QUESTIONS = 15
STATE_BUDGET = 5000
ANALOGUES = 3
TODAY = date(2026, 11, 27)
LAWS = ["中华人民共和国税收征收管理法", "中华人民共和国治安管理处罚法", "中华人民共和国食品安全法",
        "中华人民共和国产品质量法", "中华人民共和国行政许可法"]


@dataclass
class Walk:
    paths: int = 0  # answer paths that ended in a firm outcome
    questions: int = 0  # questions asked, summed over those paths
    longest: int = 0
    expected: float = 0.0  # questions expected when each answer is equally likely


class Interview:
    """Walks every answer path of one starting case (see the module docstring)."""

    def __init__(self, engine, thresholds: dict[str, list[float]], steps: list[int], item_id: str | None,
                 conducts: list[str] = ()):
        self.engine, self.thresholds, self.steps, self.item_id = engine, thresholds, steps, item_id
        self.conducts = list(conducts) or ["未按规定办理"]
        self.memo: dict[str, Walk] = {}
        self.failures: list[str] = []
        self.states = 0

    # ------------------------------------------------------------------ answers
    def answers(self, q, facts: dict) -> list:
        act = date.fromisoformat(facts["act_date"]) if facts.get("act_date") else TODAY - timedelta(days=60)
        dec = date.fromisoformat(facts["decision_date"])
        t = q.answer_type
        if t in ("boolean", "enum"):
            values = [o.value for o in q.options]
        elif t == "list_enum":
            values = [[]] + [[o.value] for o in q.options]
        elif q.fact == "age":
            values = [_years_before(act, 30).isoformat(), _years_before(act, 15).isoformat()]
        elif t == "date":
            values = {"act_date": [act], "discovered_date": [act, dec],
                      "act_end_date": [act + timedelta(days=min(10, (dec - act).days)), dec]}.get(q.fact, [act])
            values = [v.isoformat() for v in dict.fromkeys(values)]
        elif q.fact == "prior_offenses":
            low = 1 if facts.get("first_offense") is False else 0
            values = list(range(low, max(self.steps + [0]) + 2))
        elif t == "number":
            name = q.fact.removeprefix("quantities.")
            values = sorted({0.0, *(v for b in self.thresholds.get(name, [100.0]) for v in _around(b))})
        elif q.fact == "conduct":
            values = self.conducts
        elif q.fact == "violated_law":
            values = LAWS
        else:
            values = ["其他"]
        return values

    def apply(self, q, facts: dict, value) -> dict:
        out = json.loads(json.dumps(facts))
        path = q.answer_fact or q.fact
        if q.fact == "prior_offenses":
            act = date.fromisoformat(facts["act_date"])
            out["prior_offenses"] = [
                {"item_id": self.item_id, "date": (act - timedelta(days=30 * (i + 1))).isoformat()}
                if self.item_id else {"conduct": facts.get("conduct") or "同一违法行为", "date":
                                      (act - timedelta(days=30 * (i + 1))).isoformat(), "same_conduct": True}
                for i in range(value)
            ]
        elif path.startswith("prior_offenses["):
            index = int(path[len("prior_offenses["):path.index("]")])
            out["prior_offenses"][index]["same_conduct"] = value
        elif "." in path:
            group, key = path.split(".", 1)
            out.setdefault(group, {})[key] = value
        else:
            out[path] = value
        return out

    @staticmethod
    def answered(q, facts: dict) -> bool:
        path = q.answer_fact or q.fact
        if path.startswith("prior_offenses["):
            index = int(path[len("prior_offenses["):path.index("]")])
            return facts["prior_offenses"][index].get("same_conduct") is not None
        if "." in path:
            group, key = path.split(".", 1)
            return key in (facts.get(group) or {})
        return facts.get(path) is not None or (q.fact == "age" and facts.get("age") is not None)

    # ------------------------------------------------------------------ walk
    def walk(self, facts: dict, depth: int = 0) -> Walk:
        key = json.dumps(facts, sort_keys=True, ensure_ascii=False)
        if key in self.memo:
            return self.memo[key]
        self.states += 1
        d = self.engine.evaluate(CaseFacts(**facts), today=TODAY)
        result = Walk()
        q = d.next_question
        if d.outcome != "undetermined":
            result.paths = 1
        elif q is None:
            self.failures.append(f"undetermined with no question: {key}")
        elif q is not d.missing_facts[0]:
            self.failures.append(f"next_question is not missing_facts[0]: {key}")
        elif self.answered(q, facts):
            self.failures.append(f"asks {q.fact} again: {key}")
        elif depth >= MAX_QUESTIONS:
            self.failures.append(f"more than {MAX_QUESTIONS} questions: {key}")
        else:
            values = self.answers(q, facts)
            if self.states > STATE_BUDGET and len(values) > 2:
                values = [values[0], values[-1]]
            followed, expected = 0, 0.0
            for value in values:
                try:
                    nxt = self.apply(q, facts, value)
                    CaseFacts(**nxt)
                except (ValidationError, InvalidFacts):
                    continue  # an answer the facts do not admit (e.g. a date before the act)
                followed += 1
                sub = self.walk(nxt, depth + 1)
                result.paths += sub.paths
                result.questions += sub.questions + sub.paths
                result.longest = max(result.longest, sub.longest + 1)
                expected += sub.expected + 1
            if not followed:
                self.failures.append(f"no admissible answer to {q.fact}: {key}")
            else:
                result.expected = expected / followed
        self.memo[key] = result
        return result


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years) - timedelta(days=20)
    except ValueError:
        return d.replace(year=d.year - years, day=28) - timedelta(days=20)


def _around(bound: float) -> list[float]:
    step = 1.0 if bound >= 2 else bound / 2 or 1.0
    return [max(bound - step, 0.0), bound, bound + step]


def _item_thresholds(refs) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for ref in refs:
        conds = list(ref.item.conditions.all) + [c for b in ref.item.conditions.any_of for c in b]
        for c in conds:
            if isinstance(c, Threshold):
                out.setdefault(c.quantity, []).append(c.bound)
                if c.quantity == "illegal_gains_yuan" or c.quantity == "goods_value_yuan":
                    out.setdefault(c.quantity, []).append(c.bound)
    return out


def _dates(engine, refs) -> tuple[date, date]:
    """An act date on which the item (its first binding version, else any) is in force."""
    binding = [r for r in refs if r.document.binding_level]
    for ref in binding or refs:
        start = max(d for d in (ref.document.start, ref.item.effective_from, date(2015, 1, 1)) if d is not None)
        for offset in (30, 120, 400):
            act = start + timedelta(days=offset)
            if act < TODAY - timedelta(days=60) and (not binding or engine.item_in_force(ref, act)):
                return act, act + timedelta(days=30)
    return date(2023, 6, 1), date(2023, 7, 1)


def _cases(corpus):
    binding = sorted({r.item.id for r in corpus.all_refs() if r.document.binding_level})
    analogue = sorted({r.item.id for r in corpus.all_refs() if not r.document.binding_level} - set(binding))
    step = max(len(analogue) // ANALOGUES, 1)
    return binding + analogue[::step][:ANALOGUES]


def interview_item(engine, item_id: str) -> tuple[Interview, Walk, bool]:
    refs = engine.corpus.item_refs(item_id)
    act, dec = _dates(engine, refs)
    steps = sorted({e.prior_count for r in refs for e in (r.item.escalation or [])})
    iv = Interview(engine, _item_thresholds(refs), steps, item_id)
    start = {"item_id": item_id, "act_date": act.isoformat(), "decision_date": dec.isoformat()}
    first = engine.evaluate(CaseFacts(**start), today=TODAY)
    return iv, iv.walk(start), first.outcome == "undetermined"


def run_interviews(engine, corpus) -> dict:
    per_case, failures, total_paths, total_questions = {}, {}, 0, 0
    for item_id in _cases(corpus):
        iv, walk, undetermined = interview_item(engine, item_id)
        if iv.failures:
            failures[item_id] = iv.failures[:3]
        if undetermined and walk.paths:
            per_case[item_id] = (walk.questions / walk.paths, walk.longest, walk.paths, iv.states, walk.expected)
            total_paths += walk.paths
            total_questions += walk.questions
    return {"per_case": per_case, "failures": failures, "paths": total_paths, "questions": total_questions}


# ---------------------------------------------------------------------------------- tests
def test_every_question_is_renderable(engine):
    d = engine.evaluate(CaseFacts(item_id="cn-tax-2021-6/03", act_date="2023-05-01", decision_date="2023-06-01"),
                        today=TODAY)
    assert d.outcome == "undetermined" and d.next_question == d.missing_facts[0]
    by_fact = {m.fact: m for m in d.missing_facts}
    first = by_fact["first_offense"]
    assert first.answer_type == "boolean" and "初次违法" in first.question
    assert [(o.value, o.label) for o in first.options] == [(True, "是"), (False, "否")]
    assert by_fact["party_type"].answer_type == "enum"
    assert {o.value: o.label for o in by_fact["party_type"].options}["individual_business"] == "个体工商户"
    assert by_fact["circumstances"].answer_type == "list_enum" and len(by_fact["circumstances"].options) == 6
    assert by_fact["age"].answer_type == "date" and by_fact["age"].answer_fact == "birth_date"
    ranks = [engine.corpus.registry.rank(Outcome(m.top_outcome)) for m in d.missing_facts]
    assert ranks == sorted(ranks, reverse=True)
    assert all(m.settles > 0 for m in d.missing_facts)
    for m in d.missing_facts:
        assert m.question.endswith("?") or "?" in m.question
        if m.answer_type in ("boolean", "enum", "list_enum"):
            assert m.options and all(o.label for o in m.options)


def test_special_fact_types(engine):
    d = engine.evaluate(CaseFacts(item_id="cn-samr-2025-1/x02", act_date="2025-06-01", decision_date="2025-07-01",
                                  first_offense=True, corrected="promptly"), today=TODAY)
    kinds = {m.fact: m.answer_type for m in d.missing_facts}
    assert kinds["quantities.violation_duration_months"] == "number"
    assert all(kinds[f] == "boolean" for f in kinds if f.startswith("custom_conditions."))
    vague = engine.evaluate(CaseFacts(item_id="cn-tax-2021-6/03", act_date="2023-05-01", decision_date="2023-06-01",
                                      prior_offenses=[{"conduct": "某种行为", "date": "2023-01-01"}]), today=TODAY)
    same = next(m for m in vague.missing_facts if m.fact == "prior_offenses[0].same_conduct")
    assert same.answer_type == "boolean" and [o.label for o in same.options] == ["是", "否"]
    food = engine.evaluate(CaseFacts(domain="market", act_date="2023-05-01", decision_date="2023-06-01",
                                     subjective_fault=False, violated_law="中华人民共和国食品安全法"), today=TODAY)
    special = [m for m in food.missing_facts if m.fact.startswith("special_law_facts.")]
    assert special and all(m.answer_type == "boolean" for m in special)


def test_without_item_or_conduct_the_conduct_is_asked_first(engine):
    d = engine.evaluate(CaseFacts(act_date="2023-05-01", decision_date="2023-06-01"), today=TODAY)
    assert d.outcome == "undetermined"
    assert d.next_question.fact == "conduct" and d.missing_facts[0].fact == "conduct"
    assert d.next_question.answer_type == "text"


def test_enum_labels_in_openapi():
    from fastapi.testclient import TestClient

    from service.app import create_app

    schema = TestClient(create_app()).get("/openapi.json").json()
    props = schema["components"]["schemas"]["CaseFacts"]["properties"]
    for name, value in [("party_type", "enterprise"), ("corrected", "promptly"), ("harm", "minor"),
                        ("mental_condition", "limited"), ("mental_condition_cause", "mental_illness"),
                        ("circumstances", "confessed")]:
        assert props[name]["x-enum-labels"][value], name
    mf = schema["components"]["schemas"]["MissingFact"]["properties"]
    assert {"answer_type", "options", "top_outcome", "settles"} <= set(mf)
    assert "next_question" in schema["components"]["schemas"]["EvaluateResponse"]["properties"]


def test_interview_reaches_a_firm_outcome_on_every_item(engine, corpus, capsys):
    report = run_interviews(engine, corpus)
    assert not report["failures"], json.dumps(report["failures"], ensure_ascii=False, indent=1)
    cases = report["per_case"]
    assert cases
    mean_case = sum(m for m, *_ in cases.values()) / len(cases)
    mean_path = report["questions"] / report["paths"]
    mean_expected = sum(c[4] for c in cases.values()) / len(cases)
    with capsys.disabled():
        print(f"\ninterview: {len(cases)} undetermined starting cases, {report['paths']} answer paths; "
              f"mean questions per case {mean_case:.2f} (per path {mean_path:.2f}; "
              f"expected with equally likely answers {mean_expected:.2f}); "
              f"longest {max(lg for _, lg, *_ in cases.values())}")


def test_interview_without_item_or_conduct_asks_the_conduct_first_and_ends_firm(engine, corpus):
    texts = [ref.item.violation for ref in corpus.all_refs()
             if ref.item.id in ("cn-tax-2021-6/03", "sd-2021/x03")][:2] + ["在路边摆放杂物"]
    iv = Interview(engine, {}, [], None, conducts=texts)
    start = {"act_date": "2023-05-01", "decision_date": "2023-06-01"}
    first = engine.evaluate(CaseFacts(**start), today=TODAY)
    assert first.next_question.fact == "conduct"
    walk = iv.walk(start)
    assert not iv.failures, iv.failures[:3]
    assert walk.paths and walk.longest <= MAX_QUESTIONS
