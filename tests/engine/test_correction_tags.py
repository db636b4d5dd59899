"""主动改正 (corrected_voluntarily) and 经责令改正已改正 (corrected_after_order): decided from CaseFacts.corrected
as their words say, asked while it is unknown; the durable-rules path decides like the reference evaluator.

Words → values (vocabulary.yaml): 主动 is on the party's own initiative, without an order — a correction
before discovery is one (its label: 在行政机关发现前主动改正), a correction within the deadline of an order
to correct is not (the lists set the two against each other: 主动或限期内改正), 及时改正 says when, not on
whose initiative (unknown: asked again, never taken as met); a correction on the party's own initiative after
discovery but before any order is one (its label: 在行政机关发现后、责令改正前主动改正), a correction only after
the deadline of the order is not (under the order). 经责令改正已改正: the order is the occasion, the condition is
已改正 — any correction meets it, a late one too (超过责令改正的期限后才改正: no deadline in the words), 未改正 does
not. The items rest on 行政处罚法 第三十三条第一款 (“…并及时改正的，可以不予行政处罚”): the engine adds the premise
及时改正 (engine.premises), which a correction after the deadline does not meet.

The lists are one national tax item copied with its correction conditions replaced by the tag (in
tmp_path: the bundled lists are never changed)."""

import json
from datetime import date

import pytest
import yaml

from penalty_rules.engine.conditions import FactView, missing_fact_names, tag_value
from penalty_rules.engine.durable_adapter import DurableMatcher
from penalty_rules.engine.engine import Engine
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.model.facts import CaseFacts
from penalty_rules.model.vocabulary import VOCABULARY
from penalty_rules.scenarios.scaffold import TAG_STEPS
from tests.lists_fixtures import TAX, empty_lists, lock_lists

TODAY = date(2026, 11, 27)
TAGS = ("corrected_voluntarily", "corrected_after_order")
LIST = "test-corrections"
FACTS = dict(act_date="2023-03-20", decision_date="2023-04-10", discovered_date="2023-03-20", first_offense=True,
             harm="minor", party_type="enterprise", continuing=False)
# from the words (module docstring); None = unknown, asked
EXPECTED = {
    "corrected_voluntarily": {"before_discovery": True, "voluntarily_after_discovery": True, "within_deadline": False,
                              "promptly": None, "after_deadline": False, "not_corrected": False, None: None},
    "corrected_after_order": {"before_discovery": True, "voluntarily_after_discovery": True, "within_deadline": True,
                              "promptly": True, "after_deadline": True, "not_corrected": False, None: None},
}
# the premise 及时改正 of 第三十三条第一款 (the items state neither 发现前主动改正, 期限内改正 nor 及时改正)
PROMPT = {"before_discovery": True, "voluntarily_after_discovery": True, "within_deadline": True, "promptly": True,
          "after_deadline": False, "not_corrected": False, None: None}
VALUES = ["before_discovery", "voluntarily_after_discovery", "within_deadline", "promptly", "after_deadline",
          "not_corrected", None]


def _item(tag: str) -> str:
    return f"{LIST}/0{TAGS.index(tag) + 1}"


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    root = empty_lists(tmp_path_factory.mktemp("corrections"))
    doc = yaml.safe_load((TAX / "2021-6.yaml").read_text("utf-8"))
    base = next(i for i in doc["items"] if i["id"] == "cn-tax-2021-6/03")
    items = [dict(base, id=_item(tag), violation=base["violation"] + f"({n})",
                  conditions={"all": ["first_offense", "minor_harm", tag]}) for n, tag in enumerate(TAGS, 1)]
    doc.update(id=LIST, version="1", title="改正条件测试清单", items=json.loads(json.dumps(items, default=str)))
    folder = root / "national" / LIST
    folder.mkdir(parents=True)
    (folder / "1.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    lock_lists(root)
    corpus = load_corpus_strict(root)
    return {"reference": Engine(corpus), "durable": Engine(corpus, matcher=DurableMatcher(corpus))}


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize("corrected", VALUES)
def test_decided_from_corrected_as_the_words_say(tag, corrected):
    f = CaseFacts(corrected=corrected)
    want = EXPECTED[tag][corrected]
    assert FactView(f, None).tag(tag) == (want, {"corrected": corrected})
    assert tag_value(tag)(f, None) is want  # the compiled reader (durable-rules fact writers) agrees
    assert missing_fact_names(tag) == ["corrected"]


@pytest.mark.parametrize("path", ["reference", "durable"])
@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize("corrected", VALUES)
def test_engine_asks_while_unknown_and_decides_from_facts(engines, path, tag, corrected):
    item = _item(tag)
    d = engines[path].evaluate(CaseFacts(item_id=item, corrected=corrected, **FACTS), today=TODAY)
    assert not [w for w in d.warnings if "规则引擎与参考求值器结果不一致" in w]
    rule = next(r for r in d.trace.rules if r.rule == item)
    cond = next(c for c in rule.conditions if c.key == tag)
    want = EXPECTED[tag][corrected]
    assert cond.label == VOCABULARY.conditions[tag].zh
    assert cond.status == {True: "met", False: "not_met", None: "unknown"}[want]
    if want is None:  # asked: the one question about `corrected`, with its options
        q = next(m for m in d.missing_facts if m.fact == "corrected")
        assert item in q.needed_by and q.answer_type == "enum"
        assert d.outcome == "undetermined"
    elif want and PROMPT[corrected]:
        assert rule.satisfied is True and d.outcome == "no_penalty"
    else:  # the tag or the premise 及时改正 not met (a late correction: 已改正, not 及时改正)
        assert rule.satisfied is False and d.outcome != "no_penalty"
        premise = next(c for c in rule.conditions if c.key == "corrected_promptly")
        assert premise.status == ("met" if PROMPT[corrected] else "not_met")


def test_trainers_scaffold_reads_the_tags_as_the_engine():
    from penalty_rules.scenarios.scaffold import _STEP_FACTS

    for tag in TAGS:
        ok, bad = TAG_STEPS[tag]
        for step, want in ((ok, True), (bad, False)):
            value = _STEP_FACTS[step][1]
            corrected = "not_corrected" if value == "not" else value
            assert EXPECTED[tag][corrected] is want, (tag, step)


def test_trainers_scaffold_reads_every_correction_step_as_the_engine():
    from penalty_rules.engine.conditions import CORRECTION_TAGS
    from penalty_rules.scenarios.scaffold import _STEP_FACTS, _holds
    from penalty_rules.scenarios.steps import CORRECTED_LABELS

    steps = {step: value for step, (fact, value) in _STEP_FACTS.items() if fact == "corrected"}
    assert {"not_corrected" if v == "not" else v for v in steps.values()} == set(VALUES) - {None}  # every value
    for step, value in steps.items():
        corrected = "not_corrected" if value == "not" else value
        assert CORRECTED_LABELS[step].value == corrected, step  # the step library sets what the scaffold reads
        for tag in CORRECTION_TAGS:
            assert _holds(tag, {"corrected": value}) is tag_value(tag)(CaseFacts(corrected=corrected), None), (step, tag)
