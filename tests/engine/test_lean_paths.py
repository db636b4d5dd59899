"""The single-case speedups of issue 12 change no answer.

- model.decision.built (Decision models without validation) gives what the validated constructor
  gives, field for field and in the JSON, and refuses a missing required or unknown field;
- the durable-rules fact projected onto the fields of the candidate rules fires each of those
  rules exactly when the group's full fact does.
"""

import random

import pytest

from fast_cases import varied_cases
from penalty_rules.config import Settings
from penalty_rules.engine import durable_adapter as da
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.model.citation import Citation
from penalty_rules.model.decision import (
    AnswerOption, BasisEntry, CandidateItem, Leniency, ListCitation, MissingFact, RuleTrace, Trace, built,
)

CORPUS = load_corpus_strict(Settings.from_env().lists_dir)

SAMPLES = [
    (CandidateItem, dict(id="x/1", list="l", version="1", jurisdiction=None, binding=True, outcome="no_penalty",
                         violation="v", satisfied=None, role="not_in_force")),
    (BasisEntry, dict(role="statutory", citation=Citation(law="中华人民共和国行政处罚法", article=33, paragraph=1),
                      label="《中华人民共和国行政处罚法》第三十三条第一款", text=None, version="2021-01-22")),
    (BasisEntry, dict(role="list", document=ListCitation(list="l", version="1", title="t", issuer="i", doc_no=None,
                                                          item_no=3), label="i《t》第3项", text="v")),
    (ListCitation, dict(list="l", version="1", title="t", issuer="i", doc_no="鲁x〔2021〕1号", item_no="3")),
    (MissingFact, dict(fact="harm", question="q", needed_by=["a", "b"], answer_type="enum",
                       options=[AnswerOption(value="none", label="无")], top_outcome="no_penalty", settles=1.5)),
    (MissingFact, dict(fact="act_date", question="q")),
    (Leniency, dict(range=["lighter_penalty", "reduced_penalty"], mandatory=True, wording="w")),
    (RuleTrace, dict(rule="r", kind="item", list="l@1", binding=True, outcome="normal", satisfied=False,
                     conditions=[], note=None)),
    (Trace, dict(act_date=None, decision_date="2025-06-01", jurisdiction_stack=["371500", "CN"], selection="s",
                 rules=[], winner=None, reason="r")),
]


@pytest.mark.parametrize("cls,values", SAMPLES, ids=[f"{c.__name__}{i}" for i, (c, _) in enumerate(SAMPLES)])
def test_built_equals_validated(cls, values):
    fast, checked = built(cls, **values), cls(**values)
    assert fast == checked
    assert fast.model_dump_json() == checked.model_dump_json()
    assert list(fast.__dict__) == list(cls.model_fields)
    # fresh default containers, never shared between instances
    again = built(cls, **values)
    for name, f in cls.model_fields.items():
        if f.default_factory is not None and name not in values:
            assert getattr(fast, name) is not getattr(again, name)


def test_built_refuses_missing_or_unknown_fields():
    with pytest.raises(TypeError):
        built(MissingFact, fact="harm")
    with pytest.raises(TypeError):
        built(MissingFact, fact="harm", question="q", colour="red")


def test_projected_fact_fires_the_candidate_rules_as_the_full_fact():
    matcher = da.DurableMatcher(CORPUS)
    rnd = random.Random(5)
    compared = 0
    for facts in varied_cases(CORPUS, 400, seed=33):
        for group in rnd.sample(matcher.groups, 3):
            keys = [k for k in group.rules if k != da.WARMUP_RULE]
            wanted = frozenset(rnd.sample(keys, min(len(keys), rnd.choice([1, 1, 2, 3]))))
            first = rnd.choice([True, False, None])
            full = set(da._match(group.name, group.event_for(facts, first)))
            projected = da._match(group.name, group.event_for(facts, first, group.projection(wanted)))
            assert wanted & full == wanted & set(projected), (group.name, sorted(wanted))
            assert set(projected) <= full | {da.WARMUP_RULE}
            compared += 1
    assert compared == 1200


def test_fact_json_is_what_the_json_encoder_writes():
    rnd = random.Random(8)
    values = [True, False, 0, 1, 3, 0.5, 1e-3, 123456.789, 1e14, -0.0, 0.0, 2.5e-4, 10**20, float("inf"), "x"]
    for _ in range(5000):
        event = {da.ALWAYS: True}
        for key in ["no_harm", "生成条件x1", 'a"b', "overdue_days", "ph"]:
            if rnd.random() < 0.6:
                event[key] = rnd.choice(values)
        sid = f"s-{rnd.randint(0, 10**6)}"
        assert da._encode(event, sid) == da._dumps(dict(event, sid=sid)), event
