"""A conduct text decides an item only when it names what distinguishes that item's conduct, not when
it shares only the actor and generic verbs (fourth legal review, finding F1).

药品零售企业销售劣药 / 销售过期药品 (劣药: 药品管理法(2019) 第九十八条第三款 "有下列情形之一的药品，按劣药论
处：……（二）超过有效期的药品") and 药品零售企业未取得药品经营许可证销售药品 (第一百一十五条 "未取得药品生产许可证、
药品经营许可证或者医疗机构制剂许可证生产、销售药品的……") are not the conduct of cn-samr-2025-1/x08
(药品零售企业未按规定凭处方销售处方药): they share only the actor (药品零售企业) and the verb (销售) with it.
The search used to decide them as x08 (its score beat the runner-up by 1.3×) and answered 不予处罚 under
that list item — more lenient than the law. Now x08 is a candidate and the officer is asked for item_id."""

from datetime import date

import pytest

from penalty_rules.engine.search import ItemSearch
from penalty_rules.model.facts import CaseFacts

X08 = "cn-samr-2025-1/x08"
TODAY = date(2026, 11, 27)
# the facts of the reviewer's cases (drug conduct texts decided as x08), as given there
REVIEWER = dict(party_type="enterprise", act_date="2025-06-01", continuing=False, discovered_date="2025-06-02",
                decision_date="2025-07-01", harm="minor", corrected="promptly", first_offense=True, circumstances=[])
REVIEWER_CASES = [
    dict(conduct="药品零售企业销售劣药", domain="drugs", minor_violation=False),
    dict(conduct="药品零售企业销售过期药品", minor_violation=True),
    dict(conduct="药品零售企业未取得药品经营许可证销售药品", minor_violation=True),
]


def run(engine, **facts):
    return engine.evaluate(CaseFacts(**facts), today=TODAY)


def decided(d) -> str | None:
    """The item the conduct text clearly matched (proposed, asked as item_id), None when no clear match."""
    prefix = "按违法行为描述检索, 最佳匹配 "
    if not d.trace.selection.startswith(prefix):
        return None
    return d.trace.selection.removeprefix(prefix).split()[0]


@pytest.mark.parametrize("case", REVIEWER_CASES, ids=lambda c: c["conduct"])
def test_actor_and_verb_alone_do_not_decide_the_prescription_item(engine, case):
    d = run(engine, **REVIEWER, **case)
    assert d.chosen_item is None and d.outcome == "undetermined", (d.outcome, d.chosen_item)
    assert decided(d) is None
    assert X08 in [c.value for c in d.candidates]
    assert d.next_question is not None and d.next_question.fact == "item_id"
    assert X08 in {o.value for o in d.next_question.options}
    x08 = next(i for i in d.items if i.id == X08)
    assert x08.satisfied is None  # open: whether the case is x08 at all is asked
    # the officer is told why: the text lacks what x08 is about
    assert any("未能明确对应" in w and "未载明该条目违法行为的特征" in w and "处方" in w for w in d.warnings)


def test_the_prescription_text_proposes_x08_and_its_id_decides(engine):
    """The text naming x08's conduct is matched to x08, which is proposed, not decided: the officer
    confirms it as item_id (the only option), and the confirmed id answers as x08."""
    for conduct in ("药店没看处方就把处方药卖给顾客", "药品零售企业未凭处方销售处方药", "药品零售企业未按规定凭处方销售处方药"):
        by_text = run(engine, **REVIEWER, conduct=conduct, minor_violation=True)
        by_id = run(engine, **REVIEWER, item_id=X08, minor_violation=True)
        assert decided(by_text) == X08 and by_text.chosen_item is None, conduct
        assert by_text.next_question.fact == "item_id" and [o.value for o in by_text.next_question.options] == [X08, "none"]
        assert by_id.outcome in by_text.possible_outcomes and by_id.chosen_item == X08


FACTS = dict(act_date="2023-05-01", party_type="enterprise", first_offense=True, harm="minor",
             corrected="within_deadline", illegal_gains_yuan=0)


@pytest.mark.parametrize("conduct, domain, item", [
    ("纳税人未按规定办理相关手续", None, "cn-tax-2021-33/c12"),   # 纳税人 + 办理…手续: not 税务登记证件验证或换证
    ("个体工商户未按规定", None, "sd-lenient-list/x01"),           # the actor alone (also one of the item's keywords)
    ("食品生产经营企业未按规定经营", None, "cn-samr-2025-1/x04"),  # actor + 经营: not 食品安全管理制度/人员
    ("纳税人未按规定办理", "tax", None),
    ("扣缴义务人未按规定办理", "tax", None),
    ("排污单位未按规定办理", "ecology", None),
])
def test_generic_texts_of_other_domains_decide_no_item(engine, conduct, domain, item):
    d = run(engine, **FACTS, conduct=conduct, domain=domain)
    assert decided(d) is None and d.chosen_item is None, (conduct, d.trace.selection)
    assert d.candidates and (item is None or item in [c.value for c in d.candidates])


@pytest.mark.parametrize("conduct, item", [
    ("纳税人未按规定期限办理纳税申报", "cn-tax-2021-6/03"),
    ("个体工商户未将营业执照悬挂在经营场所", "sd-lenient-list/x01"),
    ("食品生产经营企业未配备食品安全管理人员", "cn-samr-2025-1/x04"),
    ("扣缴义务人未按规定开具税收票证", "cn-tax-2021-6/09"),
    ("盐业批发公司雇了不该雇的人", "sd-2021/x01"),
])
def test_precise_texts_still_decide_their_item(engine, conduct, item):
    """Guards: texts naming the item's conduct decide it as before (x01, an item of 个体工商户, for a
    个体工商户: an enterprise is asked, test_search_field_common)."""
    party = "individual_business" if item == "sd-lenient-list/x01" else "enterprise"
    d = run(engine, **{**FACTS, "party_type": party}, conduct=conduct)
    assert decided(d) == item, (conduct, d.trace.selection)


def test_distinguishing_words_leave_out_the_actor_and_generic_words(engine, corpus):
    search = engine.search
    assert search.distinguishing(X08) == ["凭处方", "处方药"]
    stack = corpus.registry.stack("371500")
    for ref, words in zip(search.refs, search.distinct):
        assert words, ref.item.id  # every item can be named by some text
        if ref.document.binding_level and ref.document.jurisdiction in stack:
            assert not words & {"纳税人", "扣缴义务人", "药品零售企业", "零售", "个体工商户", "销售", "经营", "办理"}, ref.item.id
    hits = search.search("药品零售企业销售劣药", domain="drugs")
    assert hits[0].ref.item.id == X08 and hits[0].distinct == ()
    assert not ItemSearch.is_clear(hits)
    assert ItemSearch.is_clear(hits, named=False)  # by the scores alone it would be clear (the old answer)
    hits = search.search("药品零售企业未凭处方销售处方药", domain="drugs")
    assert hits[0].ref.item.id == X08 and "处方药" in hits[0].distinct and ItemSearch.is_clear(hits)


def test_a_generic_text_given_with_an_item_id_is_not_said_to_match_another_item(engine):
    """With an item id, a conduct text clearly of another item is said (test_item_disagreements); a
    text sharing only the actor and verb with x08 is not clearly x08."""
    d = run(engine, **REVIEWER, item_id="cn-samr-2025-1/x10", conduct="药品零售企业销售过期药品", minor_violation=True)
    assert "cn-samr-2025-1/x10" in d.trace.selection
    assert not any(X08 in w and "明确对应" in w for w in d.warnings)


X04 = "cn-samr-2025-1/x04"  # 食品生产经营企业未按规定建立食品安全管理制度 … (食品安全法 126(1)(2))
# 食品安全法(2021-04-29) 第一百二十六条第一款: "（二）食品生产经营企业未按规定建立食品安全管理制度 …；
# （三）食品、食品添加剂生产经营者进货时未查验许可证和相关证明文件，或者未按规定建立并遵守进货查验记录、
# 出厂检验记录和销售记录制度" — two conducts; the list item is about (二) only.
RECORDS = dict(party_type="enterprise", domain="market", act_date="2026-03-01", decision_date="2026-03-10",
               first_offense=True, harm="minor", corrected="promptly")


@pytest.mark.parametrize("conduct", ["食品经营者未建立进货查验记录制度", "未按规定建立并遵守进货查验记录制度",
                                     "超市未建立进货查验记录"])
def test_another_record_does_not_decide_the_management_rules_item(engine, conduct):
    """The search decided these as x04 (their shared words: 建立 … 制度) and answered 不予处罚 under the
    首违不罚 item of 126(1)(2), while their conduct is 126(1)(3), which that item does not name."""
    d = run(engine, **RECORDS, conduct=conduct)
    assert decided(d) is None and d.chosen_item is None, (d.outcome, d.chosen_item)
    assert X04 in [c.value for c in d.candidates]
    assert d.next_question is not None and d.next_question.fact == "item_id"


def test_the_management_rules_text_still_matches_x04(engine):
    for conduct in ("未建立食品安全管理制度", "食品生产企业未按规定建立食品安全管理制度"):
        d = run(engine, **RECORDS, conduct=conduct)
        assert decided(d) == X04 and d.chosen_item is None, conduct
        assert [o.value for o in d.next_question.options] == [X04, "none"]
