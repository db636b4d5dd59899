"""A list grants its leniency to the conduct it names, and where that conduct begins with its party, to that
party's conduct only (engine.premises: party premises).

sd-lenient-list/x01 (鲁司〔2020〕35号, Shandong's list): “个体工商户未将营业执照置于经营场所醒目位置”, 不予处罚. The duty is
every market entity's (市场主体登记管理条例(2021-07-27) 第三十六条: “市场主体应当将营业执照置于住所或者主要经营场所的
醒目位置”), and for any of them 第四十八条: “由登记机关责令改正；拒不改正的，处3万元以下的罚款”. The list exempts the
个体工商户 only; an enterprise's same conduct is judged by the law (行政处罚法 第三十三条), not by the item. A reviewer
found an enterprise's case answered 不予处罚 by the item (a firm answer, a warning beside it) and a case with no party
type answered the same without asking it.

cn-samr-2025-1/x08: “药品零售企业未按规定凭处方销售处方药” — a …企业's conduct: not a natural person's.
"""

from datetime import date

import pytest

from penalty_rules.model.facts import CaseFacts

X01, X08 = "sd-lenient-list/x01", "cn-samr-2025-1/x08"
BASE = dict(act_date=date(2020, 7, 1), decision_date=date(2020, 7, 31), corrected="within_deadline", harm="none",
            first_offense=True, circumstances=[])


def item(d, item_id):
    return next(i for i in d.items if i.id == item_id)


@pytest.mark.parametrize("party", ["enterprise", "other", "individual"])
def test_the_items_leniency_is_not_another_partys(engine, party):
    d = engine.evaluate(CaseFacts(item_id=X01, party_type=party, age=40 if party == "individual" else None, **BASE))
    assert item(d, X01).satisfied is False and d.chosen_item is None
    assert d.outcome != "no_penalty" or d.chosen_rule.startswith("law-")  # only the law itself may exempt it


def test_an_unknown_party_is_asked(engine):
    d = engine.evaluate(CaseFacts(item_id=X01, **BASE))
    assert d.outcome == "undetermined" and item(d, X01).satisfied is None
    assert "party_type" in [m.fact for m in d.missing_facts]
    answered = engine.evaluate(CaseFacts(item_id=X01, party_type="individual_business", age=40, **BASE))
    assert answered.chosen_item == X01 and answered.outcome == "no_penalty"


def test_an_enterprise_item_is_no_natural_persons(engine):
    drug = {**BASE, "act_date": date(2025, 9, 1), "decision_date": date(2025, 10, 8)}
    person = engine.evaluate(CaseFacts(item_id=X08, party_type="individual", age=40, **drug))
    assert item(person, X08).satisfied is False
    # 药品管理法实施条例 art. 77 defines 药品零售企业 by function: a licensed 个体 pharmacy may be one
    for party in ("enterprise", "individual_business", "other"):
        d = engine.evaluate(CaseFacts(item_id=X08, party_type=party, age=40 if party == "individual_business" else None,
                                      **drug))
        assert item(d, X08).satisfied is not False, party
