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


def test_an_enterprise_item_is_no_natural_persons_nor_another_organisations(engine):
    drug = {**BASE, "act_date": date(2025, 9, 1), "decision_date": date(2025, 10, 8)}
    person = engine.evaluate(CaseFacts(item_id=X08, party_type="individual", age=40, **drug))
    assert item(person, X08).satisfied is False
    other = engine.evaluate(CaseFacts(item_id=X08, party_type="other", **drug))
    assert item(other, X08).satisfied is False  # a re-reader: 其他组织 passed a …企业 item
    # 药品管理法实施条例 art. 77 defines 药品零售企业 by function: a licensed 个体 pharmacy may be one
    for party in ("enterprise", "individual_business"):
        d = engine.evaluate(CaseFacts(item_id=X08, party_type=party, age=40 if party == "individual_business" else None,
                                      **drug))
        assert item(d, X08).satisfied is not False, party


@pytest.mark.parametrize("text", [
    "个体工商户、企业未按规定公示", "个体工商户和企业未按规定", "个体工商户及其他市场主体未按规定", "个人或企业未按规定",
    "自然人或者企业未按规定", "企业和个人未按规定", "企业事业单位和其他生产经营者未按规定",
    # the party is a person of the enterprise: 安全生产法 第九十四条 fines the 主要负责人 himself
    "企业主要负责人未依法履行安全生产管理职责", "企业法定代表人未按规定", "企业安全生产管理人员未履行职责",
    "道路运输企业驾驶员未按规定", "出租汽车企业驾驶员未按规定", "企业职工未按规定",
])
def test_no_single_party_is_read_where_the_words_name_several_or_a_person(text):
    """A re-reader's probes: such texts were read as one party's (个体工商户 only, or the enterprise premise that
    refuses natural persons) — stricter than the list, but not what it says."""
    from penalty_rules.engine.premises import _ITEM_PARTY

    assert _ITEM_PARTY.match(text) is None


@pytest.mark.parametrize("text", [
    "企业的实际控制人未按规定报告", "企业实际控制人未按规定报告", "企业股东未按期缴纳出资", "企业投资人未按规定申报",
    "企业主未按规定申报", "企业经营者未按规定公示", "企业合伙人未按规定申报", "外国企业常驻代表机构未按规定登记",
])
def test_a_person_of_the_enterprise_or_a_representative_office_is_no_enterprise_party(text):
    """A re-reader's finding 8: the actor is a person of the enterprise (its 实际控制人 / 股东 / 投资人 …), or a
    representative office — 外国企业常驻代表机构登记管理条例(2018-09-18)第二条: “…从事与该外国企业业务有关的非营利性活动的
    办事机构。代表机构不具有法人资格。” — not the enterprise: no single party is read."""
    from penalty_rules.engine.premises import _ITEM_PARTY

    assert _ITEM_PARTY.match(text) is None


def test_a_sole_proprietorship_is_an_enterprise_party():
    """个人独资企业法(1999-08-30)第二条: “本法所称个人独资企业，是指…由一个自然人投资…的经营实体。” — an enterprise."""
    from penalty_rules.engine.premises import _ITEM_PARTY

    m = _ITEM_PARTY.match("个人独资企业未按规定办理变更登记")
    assert m is not None and m.group(2) == "个人独资企业"
    assert _ITEM_PARTY.match("企业主体未按规定公示").group(2) == "企业"
