"""The findings of the legal review of the drafted documents, one test (or more) each. Expectations
come from the statute files (statute_text.py), the list files and shared/reference/documents.md,
never from the output of the code under test."""

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from penalty_rules.documents import DecisionSource, DocumentNotApplicable, DocumentRequest, build_document
from penalty_rules.documents.build import BLANK
from penalty_rules.model.numerals import zh_number

from statute_text import article_of_line, paragraph_text, statute_file

ROOT = Path(__file__).resolve().parents[2]
PENALTY_2021 = "行政处罚法(2021-01-22).md"
PENALTY_2017 = "行政处罚法(2017-09-01).md"
REVIEW_2023 = "行政复议法(2023-09-01).md"
REVIEW_2017 = "行政复议法(2017-09-01).md"


def _list(path: str) -> dict:
    return yaml.safe_load((ROOT / "lists" / path).read_text(encoding="utf-8"))


def _item(doc: dict, item_id: str) -> dict:
    return next(i for i in doc["items"] if i["id"] == item_id)


def _doc(decide, statutes, case, request=None, domain=None, **changes):
    decision, facts = decide(case, **changes)
    return build_document(DecisionSource(decision, facts, "t", domain=domain), request or DocumentRequest(), statutes)


def _body(doc) -> str:
    """The document's sections (what is printed above the appendix and the drafting notes)."""
    return "\n".join(p for s in doc.sections for p in s.paragraphs)


def _codes(doc) -> set[str]:
    return {f.code for f in doc.flags}


def _custom_keys(decide, case) -> dict[str, str]:
    """label → key of the custom conditions of the case's item (keys are opaque; labels are the list's words)."""
    decision, _ = decide(case)
    rule = next(r for r in decision.trace.rules if r.rule == CASE_ITEMS[case])
    return {c.label: c.key for c in rule.conditions if c.key.startswith("custom_")}


CASE_ITEMS = {"mr_any_of": "sd-mr-2024-reduced/x01", "eco_placeholder": "sd-eco-2022/x01"}


# 1. a list is cited only when it is a normative document with a known issuer
def test_white_paper_practice_is_not_cited_as_a_legal_basis(decide, statutes):
    practice = _list("liaocheng/lc-practice-2022/2022.yaml")
    assert "未见来源" in practice["issuer"] and practice["doc_no"] is None  # the file's own words
    doc = _doc(decide, statutes, "wp_parking")
    assert doc.kind == "no_penalty"
    assert practice["title"] not in _body(doc) and "白皮书" not in _body(doc)
    assert "list_not_citable" in _codes(doc)
    lenient = _doc(decide, statutes, "wp_ev")  # its only ground is the practice
    text = lenient.section("leniency").paragraphs[0]
    assert f"符合《{BLANK}》第{BLANK}条规定的情形" in text and practice["title"] not in _body(lenient)
    assert {"list_not_citable", "ground_missing"} <= _codes(lenient)


def test_a_published_list_is_cited_with_its_document_number(decide, statutes):
    tax = _list("national/cn-tax-first-offense/2021-33.yaml")
    ruling = _doc(decide, statutes, "tax_first").section("decision").paragraphs[0]
    assert f"《{tax['title']}》({tax['doc_no']})" in ruling
    mr = _list("shandong/sd-mr-2024-reduced/2024.yaml")  # known issuer, 文号 not in the source
    assert mr["doc_no"] is None and mr["issuer"]
    keys = _custom_keys(decide, "mr_any_of")
    doc = _doc(decide, statutes, "mr_any_of", custom_conditions={k: True for k in keys.values()})
    assert f"《{mr['title']}》" in doc.section("leniency").paragraphs[0]
    assert "list_doc_no_missing" in _codes(doc)


# 2. reasons: only the deciding rule's met conditions, never facts against the party
def test_no_met_conditions_leaves_a_blank_and_never_prints_adverse_facts(decide, statutes):
    item = _item(_list("liaocheng/lc-practice-2022/2022.yaml"), "lc-practice-2022/ev-restricted-zone")
    assert item["conditions"] == {"all": [], "any_of": []}  # nothing the decision rests on but the practice
    doc = _doc(decide, statutes, "wp_ev")
    body = _body(doc)
    for adverse in ("未改正", "危害后果较重", "不属轻微"):
        assert adverse not in body
    assert f"鉴于当事人{BLANK}，" in doc.section("leniency").paragraphs[0]
    assert "reasons_missing" in _codes(doc)


# 3. any_of: only the groups that hold
def test_conditions_of_groups_that_do_not_hold_are_not_printed(decide, statutes):
    groups = _item(_list("shandong/sd-mr-2024-reduced/2024.yaml"), "sd-mr-2024-reduced/x01")["conditions"]["any_of"]
    assert groups[0] == ["cooperated", {"custom": "主动提供证据材料"}]
    assert groups[1] == ["minor_violation", {"custom": "社会危害性小"}]
    keys = _custom_keys(decide, "mr_any_of")
    answers = {keys["主动提供证据材料"]: False, keys["社会危害性小"]: True,
               **{k: False for label, k in keys.items() if label.startswith("符合")}}
    decision, _ = decide("mr_any_of", custom_conditions=answers)
    assert decision.outcome == "reduced_penalty"
    doc = _doc(decide, statutes, "mr_any_of", custom_conditions=answers)
    text = doc.section("leniency").paragraphs[0]
    assert "违法行为轻微" in text and "社会危害性小" in text  # group 2 holds in full
    assert "积极配合调查" not in text and "主动提供证据材料" not in text  # group 1 does not
    assert "积极配合调查" not in doc.section("facts").paragraphs[0]


# 4. placeholders never printed; 33(1) checked against the facts
def test_placeholder_conditions_are_flagged_not_printed(decide, statutes, statutes_dir):
    condition = _item(_list("shandong/sd-eco-2022/2022.yaml"), "sd-eco-2022/x01")["conditions"]["all"][0]["custom"]
    assert "须核对原文" in condition
    key = next(iter(_custom_keys(decide, "eco_placeholder").values()))
    words = paragraph_text(statute_file(statutes_dir, PENALTY_2021), "第三十三条", 1).split("。")[0]
    words = words.removesuffix("的，不予行政处罚")
    doc = _doc(decide, statutes, "eco_placeholder", custom_conditions={key: True}, harm="none", corrected="promptly",
               minor_violation=True)
    assert "须核对原文" not in _body(doc) and "页面未显示" not in _body(doc)
    assert "placeholder_condition" in _codes(doc)
    assert doc.section("decision").paragraphs[0].startswith(f"鉴于当事人{words}，")
    # harm and correction (33(1): 及时改正) must be established before any 不予处罚 (the engine asks them:
    # engine.premises); minor_violation still unknown: the ruling's 33(1) facts are flagged as unverified
    decision, _ = decide("eco_placeholder", custom_conditions={key: True}, harm="none")
    assert decision.outcome == "undetermined" and "corrected" in {m.fact for m in decision.missing_facts}
    unknown = _doc(decide, statutes, "eco_placeholder", custom_conditions={key: True}, harm="none", corrected="promptly")
    assert "ground_facts_unverified" in _codes(unknown) and "须核对原文" not in _body(unknown)


def test_facts_contradicting_33_1_refuse_the_document(decide, statutes, statutes_dir):
    text = paragraph_text(statute_file(statutes_dir, PENALTY_2021), "第三十三条", 1)
    assert "没有造成危害后果" in text and "危害后果轻微" in text  # neither sentence fits serious harm
    key = next(iter(_custom_keys(decide, "eco_placeholder").values()))
    # the engine no longer grants the item's 不予处罚 on facts that contradict 33(1) (engine.premises) …
    decision, _ = decide("eco_placeholder", custom_conditions={key: True}, harm="serious", corrected="not_corrected",
                         minor_violation=False)
    assert decision.outcome != "no_penalty"
    # … and the document builder refuses a decision whose facts contradict its ground (an edited decision file)
    decision, facts = decide("eco_placeholder", custom_conditions={key: True}, harm="none", corrected="promptly",
                             minor_violation=True)
    assert decision.outcome == "no_penalty" and any("第三十三条第一款" in b.label for b in decision.basis)
    edited = {**facts, "harm": "serious", "corrected": "not_corrected", "minor_violation": False}
    with pytest.raises(DocumentNotApplicable) as exc:
        build_document(DecisionSource(decision, edited, "t"), DocumentRequest(), statutes)
    assert exc.value.code == "facts_contradict_ground" and exc.value.field == "facts"
    assert "第三十三条第一款" in exc.value.message


# 5. education (33(3)) only where the decision has it; the law's words
def test_old_law_has_no_education_paragraph_and_says_jiuzheng(decide, statutes, statutes_dir):
    old = statute_file(statutes_dir, PENALTY_2017)
    heading, line, par = article_of_line(old, "没有造成危害后果的，不予行政处罚")
    assert "及时纠正" in line
    assert "应当对当事人进行教育" not in old.read_text(encoding="utf-8")
    doc = _doc(decide, statutes, "old_law")
    ruling = doc.section("decision").paragraphs[0]
    assert f"{heading}第{zh_number(par)}款" in ruling
    assert ruling.startswith(f"鉴于当事人{line.split('的，不予行政处罚')[0]}，") and "及时改正" not in ruling
    assert "教育" not in "".join(doc.section("measures").paragraphs if doc.section("measures") else [])
    assert not [c for c in doc.citations if "教育" in (c.text or "")]


def test_education_uses_the_words_of_33_3(decide, statutes, statutes_dir):
    text = paragraph_text(statute_file(statutes_dir, PENALTY_2021), "第三十三条", 3)
    assert text.endswith("对当事人进行教育。")
    measures = _doc(decide, statutes, "minor_33").section("measures").paragraphs
    assert any("第三十三条第三款" in p and "对当事人进行教育" in p for p in measures)
    assert not any("批评教育" in p for p in measures)


def test_no_33_3_in_a_leniency_section(decide, statutes, statutes_dir):
    education = paragraph_text(statute_file(statutes_dir, PENALTY_2021), "第三十三条", 3)
    for case in ("wp_ev", "art32"):
        doc = _doc(decide, statutes, case)
        assert doc.kind == "leniency_section"
        assert "第三十三条第三款" not in _body(doc)
        assert not [c for c in doc.citations if c.text == education]


# 6. 复议前置 for penalties decided on the spot (行政复议法 2023 art. 23)
def test_on_the_spot_penalty_states_review_first(decide, statutes, statutes_dir):
    review = statute_file(statutes_dir, REVIEW_2023)
    heading, item, _ = article_of_line(review, "对当场作出的行政处罚决定不服")
    _, tell, _ = article_of_line(review, "应当告知.*先向行政复议机关申请行政复议")
    doc = _doc(decide, statutes, "art32", DocumentRequest(on_the_spot=True, review_body="聊城市东昌府区人民政府"))
    text = doc.section("remedies").paragraphs[0]
    assert f"《中华人民共和国行政复议法》{heading}" in text and "应当先" in text
    assert "也可以自收到本决定书之日起" not in text  # no direct suit
    cited = [c.text for c in doc.citations]
    assert tell in cited and any(item in (t or "") for t in cited)
    unknown = _doc(decide, statutes, "art32")
    assert "on_the_spot_unknown" in _codes(unknown)
    # before the 2023 revision applies there is no such rule (the 2017 text has none)
    assert "当场作出的行政处罚决定" not in statute_file(statutes_dir, REVIEW_2017).read_text(encoding="utf-8")
    before = _doc(decide, statutes, "art32", DocumentRequest(on_the_spot=True), act_date="2023-03-01",
                  decision_date="2023-04-01")
    assert "应当先" not in before.section("remedies").paragraphs[0]


# 7. 可以从轻或者减轻 (art. 31) and every two-way range: the decision must say which
def test_art31_may_lighten_and_the_choice_is_the_agencys(decide, statutes, statutes_dir):
    heading, line, _ = article_of_line(statute_file(statutes_dir, PENALTY_2021),
                                       "尚未完全丧失辨认或者控制自己行为能力.*可以从轻或者减轻行政处罚")
    assert heading == "第三十一条"
    doc = _doc(decide, statutes, "art31")
    text = doc.section("leniency").paragraphs[0]
    assert "第三十一条" in text and "可以从轻或者减轻行政处罚" in text
    assert "决定对当事人从轻或者减轻" not in text and f"决定对当事人{BLANK}处罚" in text
    assert "leniency_choice_missing" in _codes(doc)
    chosen = _doc(decide, statutes, "art31", DocumentRequest(leniency_choice="lighter_penalty"))
    assert "决定对当事人从轻处罚" in chosen.section("leniency").paragraphs[0]
    assert "leniency_choice_missing" not in _codes(chosen)


# 8. the document date
def test_document_date_before_the_decision_is_refused_later_is_flagged(decide, statutes):
    with pytest.raises(DocumentNotApplicable) as exc:
        _doc(decide, statutes, "minor_33", DocumentRequest(decision_date=date(2025, 3, 31)))
    assert exc.value.code == "document_date_before_decision" and exc.value.field == "decision_date"
    later = _doc(decide, statutes, "minor_33", DocumentRequest(decision_date=date(2025, 5, 6)))
    assert "document_date_differs" in _codes(later)
    assert later.section("closing").paragraphs[-1] == "2025年5月6日"
    same = _doc(decide, statutes, "minor_33", DocumentRequest(decision_date=date(2025, 4, 1)))
    assert "document_date_differs" not in _codes(same)


# 9. a decision whose outcome does not follow from its trace / has no ground
def test_edited_outcome_is_refused(decide, statutes):
    normal, facts = decide("tax_normal")
    edited = normal.model_copy(update={"outcome": "no_penalty"})
    with pytest.raises(DocumentNotApplicable) as exc:
        build_document(DecisionSource(edited, facts, "t"), DocumentRequest(), statutes)
    assert exc.value.code == "ground_missing"
    lenient, facts = decide("art32")
    edited = lenient.model_copy(update={"outcome": "no_penalty"})
    with pytest.raises(DocumentNotApplicable) as exc:
        build_document(DecisionSource(edited, facts, "t"), DocumentRequest(), statutes)
    assert exc.value.code == "decision_inconsistent"


# 10. other measures: their basis, amounts left blank; 警告 in the penalty content
def test_confiscation_cites_its_basis_and_leaves_the_amount_blank(decide, statutes, statutes_dir):
    heading, _, par = article_of_line(statute_file(statutes_dir, PENALTY_2021), "当事人有违法所得，除依法应当退赔的外，应当予以没收")
    doc = _doc(decide, statutes, "gains_no_penalty", DocumentRequest(discretion_no_penalty=True))
    line = next(p for p in doc.section("measures").paragraphs if "没收违法所得" in p)
    assert line.startswith(f"依据《中华人民共和国行政处罚法》{heading}第{zh_number(par)}款的规定，没收违法所得{BLANK}元")
    assert "measure_amount_missing" in _codes(doc)


def test_warning_is_penalty_content_not_a_measure(decide, statutes, statutes_dir):
    heading, line, _ = article_of_line(statute_file(statutes_dir, PENALTY_2021), "^（一）警告")
    assert heading == "第九条"  # 警告 is a kind of penalty
    doc = _doc(decide, statutes, "wp_ev")
    assert "决定对当事人从轻处罚：警告" in doc.section("leniency").paragraphs[0]
    assert "警告。" not in doc.section("measures").paragraphs


# 11. the violated provision without article
def test_violated_law_without_article_has_a_blank_article(decide, statutes):
    finding = _doc(decide, statutes, "tax_first").section("finding").paragraphs[0]
    assert f"《中华人民共和国税收征收管理法》第{BLANK}条" in finding
    from document_cases import CASES

    law = CASES["limitation"]["violated_law"]
    finding = _doc(decide, statutes, "limitation").section("finding").paragraphs[0]
    assert finding == f"当事人的上述行为违反了《{law}》第{BLANK}条的规定。"


# 13. the review body per 行政复议法 in force
def test_review_body_rules_are_quoted_from_the_law_in_force(decide, statutes, statutes_dir):
    review = statute_file(statutes_dir, REVIEW_2023)
    _, dept, _ = article_of_line(review, "对本级人民政府工作部门作出的行政行为不服")
    _, branch, _ = article_of_line(review, "派出机构.*由本级人民政府管辖")
    doc = _doc(decide, statutes, "minor_33")
    cited = [c.text or "" for c in doc.citations if c.role == "review_body"]
    assert any(dept in t for t in cited) and branch in cited
    assert {"review_body_department", "review_body_branch"} <= _codes(doc)
    _, choice, _ = article_of_line(statute_file(statutes_dir, REVIEW_2017), "由申请人选择")
    before = _doc(decide, statutes, "minor_33", act_date="2023-03-01", decision_date="2023-04-01")
    assert choice in [c.text for c in before.citations] and "review_body_choice" in _codes(before)


# 14. a leniency section says what the full decision still needs
def test_leniency_section_lists_what_the_full_decision_needs(decide, statutes, statutes_dir):
    path = statute_file(statutes_dir, PENALTY_2021)
    needs = [article_of_line(path, pattern)[1] for pattern in (
        "^（三）行政处罚的种类和依据", "^（四）行政处罚的履行方式和期限", "陈述、申辩、要求听证等权利", "不停止执行")]
    doc = _doc(decide, statutes, "art32")
    message = next(f.message_zh for f in doc.flags if f.code == "full_decision_contents")
    for text in needs:
        assert text in message
    assert "full_decision_contents" not in _codes(_doc(decide, statutes, "minor_33"))


# 15. wording
def test_ages_in_the_laws_numerals_and_no_engine_notes(decide, statutes, statutes_dir):
    _, line, _ = article_of_line(statute_file(statutes_dir, PENALTY_2021), "不满十四周岁的未成年人有违法行为的，不予行政处罚")
    assert "十四周岁" in line
    ruling = _doc(decide, statutes, "minor_age").section("decision").paragraphs[0]
    assert "不满十四周岁" in ruling and not re.search(r"\d", ruling.split("根据")[0])
    body = _body(_doc(decide, statutes, "discretionary", DocumentRequest(discretion_no_penalty=True)))
    assert "首违" not in body
    assert "期限届满后才发现" not in _body(_doc(decide, statutes, "limitation"))


def test_party_block_follows_the_party_kind(decide, statutes):
    # no kind given, none in the facts: 地址 (行政处罚法 59(一)), flagged
    doc = _doc(decide, statutes, "tax_first", DocumentRequest(party={"name": "某某"}))
    assert "地址：＿＿＿＿" in doc.section("party").paragraphs and "party_kind_missing" in _codes(doc)
    # the facts say enterprise: 住所 (documents.md party block), not 住址
    doc = _doc(decide, statutes, "minor_33", DocumentRequest(party={"name": "某公司"}))
    party = doc.section("party").paragraphs
    assert f"住所：{BLANK}" in party and not [p for p in party if p.startswith("住址")]
    # a person: 公民身份号码 (documents.md: "person = 姓名, 住址, 公民身份号码")
    doc = _doc(decide, statutes, "minor_age", DocumentRequest(party={"kind": "individual", "name": "张某",
                                                                     "id_number": "371500200001010000"}))
    assert "公民身份号码：371500200001010000" in doc.section("party").paragraphs


# ---------------------------------------------------------------- round 3 (documents reviewer, 2026-11-30)
def test_a_list_item_decides_with_its_own_conditions_not_an_engine_premise(decide, statutes):
    """sd-2021/x01 (conditions_text 在限期内改正; 不予处罚 on 33(1) first sentence, so without harm):
    the item's conditions are the reasons; the engine's premise that the officer has not found the
    act not minor (minor_not_denied) is no circumstance of the party, and 33(1)'s second sentence
    (初次违法且危害后果轻微) is not what the item asks: harm none must not be restated as 危害后果轻微."""
    item = _item(_list("shandong/sd-2021/2021.yaml"), "sd-2021/x01")
    assert item["outcome"] == "no_penalty" and item["provenance"]["conditions_text"] == "在限期内改正"
    doc = _doc(decide, statutes, "list_sd")
    assert doc.outcome == "no_penalty"
    ruling = doc.section("decision").paragraphs[0]
    assert "未认定" not in ruling and "不属轻微" not in ruling
    assert "危害后果轻微" not in ruling  # the recorded harm is none
    assert "在责令改正期限内改正" in ruling and "没有造成危害后果" in ruling
    assert "经裁量" not in ruling  # the list, not the agency's discretion, makes it 不予


def test_art31_names_which_of_the_two_the_party_is(decide, statutes, statutes_dir):
    """2021 art. 31: 精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为的，不予行政处罚:
    the ruling says which the party is (系智力残疾人), not both."""
    text = paragraph_text(statute_file(statutes_dir, PENALTY_2021), "第三十一条", 1)
    assert text.startswith("精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为的，不予行政处罚")
    doc = _doc(decide, statutes, "art31_cannot")
    ruling = doc.section("decision").paragraphs[0]
    assert ruling.startswith("鉴于当事人系智力残疾人，在不能辨认或者不能控制自己行为时有违法行为，")
    assert "精神病人" not in ruling.split("根据")[0]


def test_art37_is_cited_when_the_decision_applies_the_lighter_new_text(decide, statutes, statutes_dir):
    """An act of 2021-03-01 (2017 text: no 首违 rule) decided on 2021-09-01 under the 2021 text's
    art. 33(1) second sentence: the ruling cites art. 37 (新的规定处罚较轻…适用新的规定) beside it."""
    heading, line, _ = article_of_line(statute_file(statutes_dir, PENALTY_2021), "新的规定处罚较轻")
    assert "作出行政处罚决定时" in line
    doc = _doc(decide, statutes, "old_act_new_decision", DocumentRequest(discretion_no_penalty=True))
    assert doc.outcome == "discretionary_no_penalty"
    ruling = doc.section("decision").paragraphs[0]
    assert "第三十三条第一款" in ruling and f"《中华人民共和国行政处罚法》{heading}" in ruling
    assert any(heading in c.label and "新的规定处罚较轻" in (c.text or "") for c in doc.citations)


def test_a_correction_deadline_not_after_the_document_is_refused(decide, statutes):
    """责令改正 orders what the party must do from now on: a deadline on or before the document date
    cannot be met (documents.md: 责令改正通知书 gives a time limit to come)."""
    decision, facts = decide("art32")
    assert any("责令" in m and "改正" in m for m in decision.measures)
    on = date.fromisoformat(facts["decision_date"])
    for deadline in (on, date(on.year, on.month, 1)):
        with pytest.raises(DocumentNotApplicable) as exc:
            build_document(DecisionSource(decision, facts, "t"),
                           DocumentRequest(leniency_choice="lighter_penalty", correction_deadline=deadline), statutes)
        assert exc.value.field == "correction_deadline"
    later = build_document(DecisionSource(decision, facts, "t"),
                           DocumentRequest(leniency_choice="lighter_penalty", correction_deadline=date(2025, 5, 1)),
                           statutes)
    assert any("2025年5月1日前改正" in p for p in later.section("measures").paragraphs)


def test_confiscation_in_a_no_penalty_document_is_flagged_for_review(decide, statutes, statutes_dir):
    """2021 art. 9 lists 没收违法所得 among the kinds of penalty, art. 28(2) orders it: in a 不予
    decision it is kept but flagged for the legal office (practice differs), never silently."""
    heading, line, _ = article_of_line(statute_file(statutes_dir, PENALTY_2021), "没收违法所得、没收非法财物")
    assert heading == "第九条"
    doc = _doc(decide, statutes, "gains_no_penalty", DocumentRequest(discretion_no_penalty=True))
    flag = next(f for f in doc.flags if f.code == "confiscation_in_no_penalty")
    assert heading in flag.message_zh and flag.field == "measures"
    assert not any(f.code == "confiscation_in_no_penalty" for f in _doc(decide, statutes, "minor_33").flags)


def test_confiscation_is_its_own_sentence_not_the_reduced_penalty(decide, statutes, statutes_dir):
    """Art. 28(2) (应当予以没收) applies whatever the leniency of art. 32: the ruling does not list
    没收违法所得 as what is lightened or reduced, but orders it in a sentence of its own."""
    heading, _, par = article_of_line(statute_file(statutes_dir, PENALTY_2021), "当事人有违法所得，除依法应当退赔的外，应当予以没收")
    doc = _doc(decide, statutes, "art32_gains", DocumentRequest(leniency_choice="reduced_penalty"))
    text = doc.section("leniency").paragraphs[0]
    decided = text.split("本机关决定对当事人减轻处罚：", 1)[1]
    content, rest = decided.split("。", 1)
    assert "没收违法所得" not in content
    assert f"依据《中华人民共和国行政处罚法》{heading}第{zh_number(par)}款的规定，没收违法所得{BLANK}元" in rest


def test_a_list_applied_by_the_lighter_rule_is_flagged_not_cited_as_art37(decide, statutes, statutes_dir):
    """Art. 37 speaks of 法律、法规、规章 (its text, read here); a list version in force at the decision
    but not at the act is applied as the lighter rule by the product's analogy: the engine says so
    (never 依行政处罚法第三十七条, which was not even in force for a decision of 2021-05-01), and the
    document flags it for the legal office instead of citing art. 37."""
    _, line, _ = article_of_line(statute_file(statutes_dir, PENALTY_2021), "新的规定处罚较轻")
    assert "法律、法规、规章" in line
    decision, _ = decide("tax_first", act_date="2021-03-01", decision_date="2021-05-01")
    assert decision.outcome == "no_penalty" and decision.chosen_item == "cn-tax-2021-6/03"
    notes = decision.trace.temporal
    assert notes and not any("依行政处罚法第三十七条" in t for t in notes)
    assert any("参照该条" in t and "法律、法规、规章" in t for t in notes)
    doc = _doc(decide, statutes, "tax_first", act_date="2021-03-01", decision_date="2021-05-01")
    assert "list_temporal_analogy" in _codes(doc)
    assert not any("第三十七条" in c.label for c in doc.citations)
    assert "第三十七条" not in doc.section("decision").paragraphs[0]


def test_a_late_correction_contradicts_33_1_in_the_document(decide, statutes, statutes_dir):
    # 第三十三条第一款: both sentences require 及时改正; a correction only after the deadline of the order is not
    text = paragraph_text(statute_file(statutes_dir, PENALTY_2021), "第三十三条", 1)
    assert text.count("及时改正") == 2
    key = next(iter(_custom_keys(decide, "eco_placeholder").values()))
    decision, facts = decide("eco_placeholder", custom_conditions={key: True}, harm="none", corrected="promptly",
                             minor_violation=True)
    assert decision.outcome == "no_penalty" and any("第三十三条第一款" in b.label for b in decision.basis)
    late = {**facts, "corrected": "after_deadline"}  # an edited decision file
    with pytest.raises(DocumentNotApplicable) as exc:
        build_document(DecisionSource(decision, late, "t"), DocumentRequest(), statutes)
    assert exc.value.code == "facts_contradict_ground"
    assert "超过责令改正的期限后才改正" in exc.value.message  # the officer's answer, in its words
