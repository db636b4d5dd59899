"""A 首违不罚 list item rests on 行政处罚法(2021-01-22 text, in force 2021-07-15) 第三十三条第一款: “初次违法且
危害后果轻微并及时改正的，可以不予行政处罚。” The text in force before (2017-09-01) has no such sentence: its
第二十七条第二款 reads “违法行为轻微并及时纠正，没有造成危害后果的，不予行政处罚。” (both files under
../shared/reference/statutes/行政法/).

- An act of 2021-05-01 decided on 2021-08-01: the new text is in force at the decision and is lighter (第三十七条:
  “但是，作出行政处罚决定时，法律、法规、规章已被修改或者废止，且新的规定处罚较轻或者不认为是违法的，适用新的规定”):
  the item's ground is the 2021 text's 33(1), cited, and the answer says why.
- Decided on 2021-06-01: no text in force grants 不予 for a first offence with minor harm; the item (税务总局公告
  2021年第6号, in force from 2021-04-01) stands, but the answer warns that it may grant more than the law then in
  force, for the legal office."""

from datetime import date

from penalty_rules.model.facts import CaseFacts

CASE = dict(item_id="cn-tax-2021-6/01", domain="tax", party_type="enterprise", first_offense=True, harm="minor",
            corrected="within_deadline", circumstances=[], continuing=False, act_date=date(2021, 5, 1))


def _ground(d):
    return [b.label for b in d.basis if b.role == "leniency_ground"]


def test_decided_after_the_new_text_cites_its_first_offence_sentence(engine):
    d = engine.evaluate(CaseFacts(**CASE, decision_date=date(2021, 8, 1)))
    assert d.outcome == "no_penalty"
    assert _ground(d) == ["《中华人民共和国行政处罚法》第三十三条第一款"]
    assert any("第三十七条" in t for t in d.trace.temporal)


def test_decided_before_it_warns_that_no_text_in_force_grants_it(engine):
    d = engine.evaluate(CaseFacts(**CASE, decision_date=date(2021, 6, 1)))
    assert _ground(d) == []
    assert any("初次违法" in w and "法制审核" in w and "2021-07-15" in w for w in d.warnings)


def test_decided_long_after_cites_the_same_sentence(engine):
    """Guard: an act under the 2021 text cites 33(1) (passes before the change)."""
    d = engine.evaluate(CaseFacts(**{**CASE, "act_date": date(2023, 3, 1)}, decision_date=date(2023, 4, 1)))
    assert _ground(d) == ["《中华人民共和国行政处罚法》第三十三条第一款"]


def test_a_list_version_later_than_the_act_is_said_in_the_warnings(engine):
    """税务总局公告2021年第33号 (cn-tax-2021-33, in force 2022-01-01) applied to an act of 2021-10-01 decided on
    2022-03-01: the list is no 法律、法规、规章 (第三十七条's words), so applying the later list as the lighter rule
    is the product's analogy, for the legal office — said where the officer reads (warnings), not only in the trace."""
    d = engine.evaluate(CaseFacts(item_id="cn-tax-2021-33/01", domain="tax", party_type="enterprise", first_offense=True,
                                  harm="minor", corrected="within_deadline", illegal_gains_yuan=0, circumstances=[],
                                  continuing=False, act_date=date(2021, 10, 1), decision_date=date(2022, 3, 1)))
    assert d.outcome == "no_penalty"
    assert any("尚未施行" in w and "法制审核" in w for w in d.warnings)


def test_a_continuing_act_that_ended_under_the_new_text_is_judged_by_it(engine):
    """A continuing act is judged by the text in force when it ended (行政处罚法 36(2) counts from its end; the
    product reads the version at the end): 2021-05-01..2021-09-01 ended under the 2021 text, whose 33(1) is
    cited with no art. 37 reasoning (the new text is not reaching an earlier act)."""
    d = engine.evaluate(CaseFacts(**{**CASE, "continuing": True}, act_end_date=date(2021, 9, 1),
                                  decision_date=date(2022, 1, 1)))
    assert _ground(d) == ["《中华人民共和国行政处罚法》第三十三条第一款"]
    assert not any("本条目以初次违法" in t for t in d.trace.temporal)
