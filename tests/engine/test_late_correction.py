"""A correction after the deadline of an order to correct (超过责令改正的期限后才改正) and one on the party's own
initiative after discovery but before any order (在行政机关发现后、责令改正前主动改正): the two values of
CaseFacts.corrected an officer had none for (docs/legal-office-questions.md question 18).

From the words:
- 行政处罚法(2021) 第三十三条第一款: “违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。初次违法且危害
  后果轻微并及时改正的，可以不予行政处罚。” A correction made only after the deadline the agency set is not 及时
  (in time), nor 在责令改正期限内改正; it is 经责令改正已改正 (已改正 names no deadline). It was made under the
  order, so it is not 主动改正 (on the party's own initiative), nor 发现前.
- A correction on the party's own initiative before any order is 主动改正 and not 发现前主动改正 (it came after
  discovery); it is 已改正. Whether it is 及时 / 期限内 follows the engine's reading of within_deadline (a
  correction before the order is earlier than any within its deadline), which the office is asked to confirm.
"""

from datetime import date

import pytest

from penalty_rules.engine.conditions import FactView, tag_value
from penalty_rules.engine.durable_adapter import DurableMatcher
from penalty_rules.engine.engine import Engine
from penalty_rules.model.facts import ENUM_LABELS, CaseFacts, Corrected

TODAY = date(2026, 11, 27)
EXPECTED = {
    "after_deadline": {"corrected_before_discovery": False, "corrected_within_deadline": False,
                       "corrected_promptly": False, "corrected_voluntarily": False, "corrected_after_order": True},
    "voluntarily_after_discovery": {"corrected_before_discovery": False, "corrected_within_deadline": True,
                                    "corrected_promptly": True, "corrected_voluntarily": True,
                                    "corrected_after_order": True},
}
# 行政处罚法 33(1) second sentence's other facts, met: 初次违法, 危害后果轻微
FIRST_MINOR = dict(domain="market", party_type="enterprise", act_date="2023-03-01", discovered_date="2023-05-01",
                   decision_date="2023-06-01", minor_violation=False, harm="minor", first_offense=True, circumstances=[])
# its first sentence's: 违法行为轻微, 没有造成危害后果
MINOR_NONE = dict(FIRST_MINOR, minor_violation=True, harm="none", first_offense=False)
LENIENT_33 = {"no_penalty", "discretionary_no_penalty"}


@pytest.fixture(scope="module")
def engines(corpus):
    return {"reference": Engine(corpus), "durable": Engine(corpus, matcher=DurableMatcher(corpus))}


def test_the_values_exist_with_their_words():
    assert ENUM_LABELS[Corrected]["after_deadline"] == "超过责令改正的期限后才改正"
    assert ENUM_LABELS[Corrected]["voluntarily_after_discovery"] == "在行政机关发现后、责令改正前主动改正"


@pytest.mark.parametrize("value", sorted(EXPECTED))
@pytest.mark.parametrize("tag", sorted(EXPECTED["after_deadline"]))
def test_tags_read_from_the_words(value, tag):
    f = CaseFacts(corrected=value)
    want = EXPECTED[value][tag]
    assert FactView(f, None).tag(tag) == (want, {"corrected": value})
    assert tag_value(tag)(f, None) is want  # the durable-rules fact writers' inline reader


@pytest.mark.parametrize("path", ["reference", "durable"])
@pytest.mark.parametrize("facts", [FIRST_MINOR, MINOR_NONE], ids=["first-minor-harm", "minor-no-harm"])
def test_a_late_correction_is_not_corrected_in_time_under_33_1(engines, path, facts):
    late = engines[path].evaluate(CaseFacts(**facts, corrected="after_deadline"), today=TODAY)
    assert late.outcome not in LENIENT_33 and late.outcome != "undetermined"
    assert not [w for w in late.warnings if "规则引擎与参考求值器结果不一致" in w]
    # the same case corrected within the deadline comes under 33(1): only the correction's time differs
    in_time = engines[path].evaluate(CaseFacts(**facts, corrected="within_deadline"), today=TODAY)
    assert in_time.outcome in LENIENT_33


@pytest.mark.parametrize("path", ["reference", "durable"])
def test_a_tax_item_of_deadline_correction_is_not_met_by_a_late_one(engines, path):
    # cn-tax-2021-6/03: 首次发生且危害后果轻微; 发现前主动改正或责令限期内改正 (lists/national/cn-tax-first-offense)
    base = dict(item_id="cn-tax-2021-6/03", act_date="2023-03-20", decision_date="2023-04-10",
                discovered_date="2023-03-20", first_offense=True, harm="minor", party_type="enterprise",
                continuing=False)
    d = engines[path].evaluate(CaseFacts(**base, corrected="after_deadline"), today=TODAY)
    rule = next(r for r in d.trace.rules if r.rule == "cn-tax-2021-6/03")
    assert rule.satisfied is False and d.outcome not in LENIENT_33
    on_time = engines[path].evaluate(CaseFacts(**base, corrected="within_deadline"), today=TODAY)
    assert next(r for r in on_time.trace.rules if r.rule == "cn-tax-2021-6/03").satisfied is True


def test_an_item_of_corrected_after_order_alone_is_met_by_a_late_correction(tmp_path):
    # 经责令改正已改正 names no deadline: a late correction meets it. On a 从轻 item no premise of 33(1) is added
    # (engine.premises: only 不予处罚 items rest on 33(1)), so the item holds; on a 不予处罚 item 及时改正 holds it back.
    import json

    import yaml

    from penalty_rules.load.loader import load_corpus_strict
    from tests.lists_fixtures import TAX, empty_lists, lock_lists

    root = empty_lists(tmp_path)
    doc = yaml.safe_load((TAX / "2021-6.yaml").read_text("utf-8"))
    base = next(i for i in doc["items"] if i["id"] == "cn-tax-2021-6/03")
    items = [dict(base, id=f"test-late/0{n}", outcome=outcome, violation=base["violation"] + f"({n})",
                  conditions={"all": ["corrected_after_order"]})
             for n, outcome in ((1, "lighter_penalty"), (2, "no_penalty"))]
    doc.update(id="test-late", version="1", title="逾期改正测试清单", items=json.loads(json.dumps(items, default=str)))
    folder = root / "national" / "test-late"
    folder.mkdir(parents=True)
    (folder / "1.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    lock_lists(root)
    corpus = load_corpus_strict(root)
    facts = dict(act_date="2023-03-20", decision_date="2023-04-10", discovered_date="2023-03-20", harm="minor",
                 party_type="enterprise", continuing=False, first_offense=True, corrected="after_deadline")
    for engine in (Engine(corpus), Engine(corpus, matcher=DurableMatcher(corpus))):
        lighter = engine.evaluate(CaseFacts(item_id="test-late/01", **facts), today=TODAY)
        assert next(r for r in lighter.trace.rules if r.rule == "test-late/01").satisfied is True
        none = engine.evaluate(CaseFacts(item_id="test-late/02", **facts), today=TODAY)
        rule = next(r for r in none.trace.rules if r.rule == "test-late/02")
        assert rule.satisfied is False and none.outcome not in LENIENT_33
        assert next(c for c in rule.conditions if c.key == "corrected_after_order").status == "met"
        assert next(c for c in rule.conditions if c.key == "corrected_promptly").status == "not_met"
