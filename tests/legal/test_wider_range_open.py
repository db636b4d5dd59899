"""A list item decides 从轻 while 行政处罚法(2021) art. 32 is open: “当事人有下列情形之一，应当从轻或者减轻
行政处罚: (一)主动消除或者减轻违法行为危害后果的; (二)受他人胁迫或者诱骗实施违法行为的; (三)主动供述行政机关
尚未掌握的违法行为的; (四)配合行政机关查处违法行为有立功表现的…”. The item's 从轻 is within that range (the
answer stands), but with the circumstances unknown 减轻 may also be open: the answer says so and asks; with
none it says nothing, with one the range itself is the answer (Precedence.companion)."""

from datetime import date

from penalty_rules.model.facts import CaseFacts

EV = dict(item_id="lc-practice-2022/ev-restricted-zone", jurisdiction="371500", party_type="individual", age=45,
          first_offense=True, minor_violation=False, harm="none", corrected="not_corrected",
          act_date=date(2023, 3, 1), decision_date=date(2023, 3, 1))


def _art32(d):
    return [w for w in d.warnings if "第三十二条" in w and "尚不能确定" in w]


def test_circumstances_unknown_the_item_stands_and_reduction_is_said_open(engine):
    d = engine.evaluate(CaseFacts(**EV))
    assert d.outcome == "lighter_penalty" and d.chosen_item == "lc-practice-2022/ev-restricted-zone"
    found = _art32(d)
    assert found and "还可以减轻处罚" in found[0] and "当事人是否有下列情节" in found[0]


def test_no_circumstance_nothing_said_one_circumstance_the_range(engine):
    none = engine.evaluate(CaseFacts(**EV, circumstances=[]))
    assert none.outcome == "lighter_penalty" and not _art32(none)
    confessed = engine.evaluate(CaseFacts(**EV, circumstances=["confessed"]))
    assert confessed.outcome_zh == "从轻或者减轻处罚" and not _art32(confessed)
