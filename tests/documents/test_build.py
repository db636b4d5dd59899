"""build_document on real decisions: the expectations are read from the statute files here, not
copied from the code under test (article numbers, time limits, texts)."""

import re
import shutil
from datetime import date

import pytest

from penalty_rules.documents import DecisionSource, DocumentNotApplicable, DocumentRequest, build_document
from penalty_rules.model.numerals import zh_number

from statute_text import article_of_line, in_force_from, paragraph_text, statute_file

REVIEW_2023 = "行政复议法(2023-09-01).md"
REVIEW_2017 = "行政复议法(2017-09-01).md"
LITIGATION = "行政诉讼法(2017-06-27).md"
PENALTY_2021 = "行政处罚法(2021-01-22).md"


def _doc(decide, statutes, case, request=None, **changes):
    decision, facts = decide(case, **changes)
    source = DecisionSource(decision=decision, facts=facts, decision_id="test")
    return build_document(source, request or DocumentRequest(), statutes)


def _remedy_expectation(root, file_name):
    """(article heading, paragraph number, time limit) of the review (or litigation) limit, read from the file."""
    path = statute_file(root, file_name)
    if "复议" in file_name:
        heading, line, par = article_of_line(path, "内提出行政复议申请")
        limit = re.search(r"之日起(.+?)内提出行政复议申请", line).group(1)
    else:
        heading, line, par = article_of_line(path, "直接向人民法院提起诉讼的.*之日起.+?内提出")
        limit = re.search(r"之日起(.+?)内提出", line).group(1)
    return heading, par, limit, line


def test_remedies_quote_the_time_limits_of_the_statute_in_force(decide, statutes, statutes_dir):
    """Decided after the 2023 revision of 行政复议法 applies: its article and limit; decided before: the 2017
    text's. The switch date is the 本法自…起施行 date read from the 2023 file."""
    switch = in_force_from(statute_file(statutes_dir, REVIEW_2023))
    lit_heading, lit_par, lit_limit, lit_line = _remedy_expectation(statutes_dir, LITIGATION)
    seen = set()
    for when, file_name in ((switch, REVIEW_2023), (date.fromordinal(switch.toordinal() - 1), REVIEW_2017)):
        heading, par, limit, line = _remedy_expectation(statutes_dir, file_name)
        # decided on `when` (the document date is the decision's: never earlier than the evaluation)
        doc = _doc(decide, statutes, "tax_first", DocumentRequest(review_body="国家税务总局聊城市税务局",
                                                                  court="聊城市东昌府区人民法院"),
                   act_date="2023-11-01", decision_date=when.isoformat())
        review, litigation = doc.remedies
        assert review.remedy == "administrative_review" and review.limit == limit
        assert review.article == f"{heading}第{zh_number(par)}款"
        assert review.version == file_name.split("(")[1].rstrip(").md")
        assert litigation.limit == lit_limit and litigation.article == f"{lit_heading}第{zh_number(lit_par)}款"
        text = doc.section("remedies").paragraphs[0]
        assert f"自收到本决定书之日起{limit}内向国家税务总局聊城市税务局申请行政复议" in text
        assert f"自收到本决定书之日起{lit_limit}内向聊城市东昌府区人民法院提起行政诉讼" in text
        quoted = {c.label: c.text for c in doc.citations}
        assert quoted[f"《中华人民共和国行政复议法》{review.article}"] == line
        assert quoted[f"《中华人民共和国行政诉讼法》{litigation.article}"] == lit_line
        assert not [f for f in doc.flags if f.code.endswith("_limit_unknown")]
        seen.add(heading)
    assert len(seen) == 2, "the 2017 and 2023 texts number the review article differently"


def test_remedies_cite_the_contents_rule_of_the_penalty_law(decide, statutes, statutes_dir):
    heading, item, _ = article_of_line(statute_file(statutes_dir, PENALTY_2021),
                                       "^[（(][一二三四五六七八九十]+[）)]申请行政复议、提起行政诉讼的途径和期限")
    doc = _doc(decide, statutes, "tax_first")
    labels = [c.label for c in doc.citations if c.role == "decision_contents"]
    # art. 59 binds decisions imposing a penalty: a 不予 decision follows it by analogy (documents.md §1)
    assert len(labels) == 1 and labels[0].startswith(f"参照《中华人民共和国行政处罚法》{heading}")
    assert item in next(c.text for c in doc.citations if c.role == "decision_contents")


def test_missing_review_law_leaves_the_limit_out_and_flags_it(decide, statutes_dir, tmp_path):
    from penalty_rules.statutes import StatuteLibrary

    for name in (PENALTY_2021, LITIGATION):  # a folder without 行政复议法
        src = statute_file(statutes_dir, name)
        (tmp_path / src.parent.name).mkdir(exist_ok=True)
        shutil.copy(src, tmp_path / src.parent.name / src.name)
    _, _, review_limit, _ = _remedy_expectation(statutes_dir, REVIEW_2023)
    doc = _doc(decide, StatuteLibrary(tmp_path), "tax_first")
    text = doc.section("remedies").paragraphs[0]
    assert "在法定期限内" in text.split("申请行政复议")[0] and review_limit not in text.split("申请行政复议")[0]
    assert [f.code for f in doc.flags].count("administrative_review_limit_unknown") == 1
    assert doc.remedies[0].limit is None and doc.remedies[0].article is None


def test_no_penalty_document_cites_article_33_for_a_first_offence_decision(decide, statutes, statutes_dir):
    decision, _ = decide("tax_first")
    assert decision.outcome == "no_penalty"
    expected = paragraph_text(statute_file(statutes_dir, PENALTY_2021), "第三十三条", 1)
    doc = _doc(decide, statutes, "tax_first", DocumentRequest(party={"name": "聊城市某商贸有限公司", "kind": "entity"},
                                                              case_ref="LC-2024-0001"))
    assert doc.kind == "no_penalty" and doc.title.endswith("行政处罚决定书") and doc.title.startswith("不予")
    ruling = doc.section("decision").paragraphs[0]
    assert "《中华人民共和国行政处罚法》第三十三条第一款" in ruling and ruling.endswith("决定不予行政处罚。")
    assert "初次违法" in ruling  # the met condition of the 首违不罚 item, not the 轻微 sentence
    quoted = {c.label: c for c in doc.citations}
    assert quoted["《中华人民共和国行政处罚法》第三十三条第一款"].text == expected
    assert quoted["《中华人民共和国行政处罚法》第三十三条第一款"].version == "2021-01-22"
    education = paragraph_text(statute_file(statutes_dir, PENALTY_2021), "第三十三条", 3)
    assert quoted["《中华人民共和国行政处罚法》第三十三条第三款"].text == education
    assert any("第三十三条第三款" in p and "教育" in p for p in doc.section("measures").paragraphs)
    assert "当事人：聊城市某商贸有限公司" in doc.section("party").paragraphs
    assert "办案编号：LC-2024-0001" in doc.section("header").paragraphs


@pytest.mark.parametrize("kind", ["auto", "no_penalty", "leniency_section"])
def test_a_normal_decision_gives_no_document(decide, statutes, kind):
    decision, _ = decide("tax_normal")
    assert decision.outcome == "normal"
    with pytest.raises(DocumentNotApplicable) as exc:
        _doc(decide, statutes, "tax_normal", DocumentRequest(kind=kind))
    assert exc.value.code == "outcome_not_lenient" and "依法处罚" in exc.value.message


def test_an_undetermined_decision_gives_no_document(decide, statutes):
    decision, _ = decide("tax_open")
    assert decision.outcome == "undetermined"
    with pytest.raises(DocumentNotApplicable) as exc:
        _doc(decide, statutes, "tax_open", DocumentRequest(kind="no_penalty"))
    assert exc.value.code == "decision_undetermined"


def test_discretionary_no_penalty_needs_the_agencys_choice(decide, statutes):
    decision, _ = decide("discretionary")
    assert decision.outcome == "discretionary_no_penalty"
    with pytest.raises(DocumentNotApplicable) as exc:
        _doc(decide, statutes, "discretionary")
    assert exc.value.code == "discretion_not_exercised" and exc.value.field == "discretion_no_penalty"
    doc = _doc(decide, statutes, "discretionary", DocumentRequest(discretion_no_penalty=True))
    ruling = doc.section("decision").paragraphs[0]
    assert "第三十三条第一款" in ruling and "经裁量" in ruling and ruling.endswith("不予行政处罚。")


def test_minor_violation_uses_the_first_sentence_of_33_1(decide, statutes, statutes_dir):
    first_sentence = paragraph_text(statute_file(statutes_dir, PENALTY_2021), "第三十三条", 1).split("。")[0]
    words = first_sentence.removesuffix("的，不予行政处罚")  # 违法行为轻微并及时改正，没有造成危害后果
    assert words != first_sentence
    doc = _doc(decide, statutes, "minor_33")
    ruling = doc.section("decision").paragraphs[0]
    assert "初次违法" not in ruling and "第三十三条第一款" in ruling
    assert ruling.startswith(f"鉴于当事人{words}，根据")


def test_leniency_section_states_the_ground_and_the_range(decide, statutes, statutes_dir):
    decision, _ = decide("art32")
    assert decision.outcome == "lighter_penalty" and decision.leniency.range == ["lighter_penalty", "reduced_penalty"]
    heading, item, _ = article_of_line(statute_file(statutes_dir, PENALTY_2021), "主动消除或者减轻违法行为危害后果")
    assert heading == "第三十二条"
    lead = paragraph_text(statute_file(statutes_dir, PENALTY_2021), "第三十二条", 1)
    wording = re.search(r"，(应当从轻或者减轻行政处罚)：$", lead).group(1)  # the law's words, from the file
    doc = _doc(decide, statutes, "art32")
    assert doc.kind == "leniency_section"
    text = doc.section("leniency").paragraphs[0]
    assert "第三十二条" in text and f"规定的情形，{wording}。" in text
    # no choice made: the decided result is left blank, never "从轻或者减轻" as if decided
    assert "决定对当事人＿＿＿＿处罚" in text and "决定对当事人从轻或者减轻" not in text
    assert "leniency_choice_missing" in [f.code for f in doc.flags]
    assert any(item in (c.text or "") for c in doc.citations if "第三十二条" in c.label)
    chosen = _doc(decide, statutes, "art32", DocumentRequest(leniency_choice="reduced_penalty"))
    assert "决定对当事人减轻处罚" in chosen.section("leniency").paragraphs[0]
    with pytest.raises(DocumentNotApplicable):
        _doc(decide, statutes, "art32", DocumentRequest(kind="no_penalty"))


def test_officer_fields_fill_the_blanks_and_clear_their_flags(decide, statutes):
    bare = _doc(decide, statutes, "minor_33")
    codes = {f.code for f in bare.flags}
    assert {"party_missing", "agency_missing", "evidence_missing", "review_body_missing", "court_missing",
            "case_ref_missing"} <= codes
    full = _doc(decide, statutes, "minor_33", DocumentRequest(
        party={"kind": "entity", "name": "某公司", "address": "聊城市东昌府区某路1号", "id_number": "91371500MA3C000000"},
        agency_name="聊城市东昌府区综合行政执法局", document_no="东综执不罚〔2025〕1号", case_ref="DC-2025-7",
        evidence=["现场检查笔录", "整改照片"], education="当场宣讲相关法规", facts_found="2025年3月1日，当事人在某处张贴小广告，当日清除。",
        correction_deadline="2025-04-10", review_body="聊城市东昌府区人民政府", court="聊城市东昌府区人民法院"))
    left = {f.code for f in full.flags}
    assert not left & {"party_missing", "party_address_missing", "agency_missing", "evidence_missing",
                       "review_body_missing", "court_missing", "case_ref_missing", "document_no_missing",
                       "facts_generated", "education_missing"}
    assert full.section("facts").paragraphs[0].startswith("经查，2025年3月1日")
    assert full.section("evidence").paragraphs[1:] == ["1.现场检查笔录", "2.整改照片"]
    assert full.section("closing").paragraphs == ["聊城市东昌府区综合行政执法局(印章)", "2025年4月1日"]


def test_tax_form_and_review_body_rule(decide, statutes, statutes_dir):
    """A 税务 decision: the tax form's title, and the rule sending review to the next higher department,
    cited from the 行政复议法 text in force (read from the file here)."""
    decision, facts = decide("tax_first")
    doc = build_document(DecisionSource(decision, facts, "t", domain="tax"), DocumentRequest(), statutes)
    assert doc.title == "不予税务行政处罚决定书"
    heading, line, _ = article_of_line(statute_file(statutes_dir, REVIEW_2023), "税务.*向上一级主管部门申请行政复议")
    cited = [c for c in doc.citations if c.role == "review_body"]
    assert len(cited) == 1 and cited[0].label.endswith(heading) and cited[0].text == line
    assert any(f.code == "review_body_tax" and heading in f.message_zh for f in doc.flags)
    plain = build_document(DecisionSource(decision, facts, "t"), DocumentRequest(), statutes)
    assert plain.title == "不予行政处罚决定书" and not [c for c in plain.citations if c.text == line]
    # a tax decision naming a 人民政府 as review body is warned about
    wrong = build_document(DecisionSource(decision, facts, "t", domain="tax"),
                           DocumentRequest(review_body="聊城市人民政府"), statutes)
    assert any(f.code == "review_body_tax_government" and "聊城市人民政府" in f.message_zh for f in wrong.flags)
    right = build_document(DecisionSource(decision, facts, "t", domain="tax"),
                           DocumentRequest(review_body="国家税务总局聊城市税务局"), statutes)
    assert "review_body_tax_government" not in {f.code for f in right.flags}


def test_case_ref_of_the_record_is_used_and_a_different_one_flagged(decide, statutes):
    decision, facts = decide("minor_33")
    recorded = DecisionSource(decision, facts, "t", case_ref="LC-REC-1")
    doc = build_document(recorded, DocumentRequest(), statutes)
    assert doc.case_ref == "LC-REC-1" and "case_ref_differs" not in {f.code for f in doc.flags}
    other = build_document(recorded, DocumentRequest(case_ref="LC-OTHER-2"), statutes)
    assert other.case_ref == "LC-OTHER-2" and "case_ref_differs" in {f.code for f in other.flags}


def test_limitation_decision_says_no_longer_punished_with_the_article_text(decide, statutes, statutes_dir):
    decision, _ = decide("limitation")
    assert decision.outcome == "no_penalty" and decision.chosen_rule == "law-36"
    heading, line, par = article_of_line(statute_file(statutes_dir, PENALTY_2021), "未被发现的，不再给予行政处罚")
    doc = _doc(decide, statutes, "limitation")
    ruling = doc.section("decision").paragraphs[0]
    label = f"《中华人民共和国行政处罚法》{heading}第{zh_number(par)}款"
    assert label in ruling and ruling.endswith("本机关决定不再给予行政处罚。")
    assert {c.label: c.text for c in doc.citations}[label] == line


def test_length_messages_say_characters_for_text_and_items_for_lists():
    """API review: the document request's text fields said 至多 64 项 (items) for a string too long."""
    from pydantic import ValidationError

    from penalty_rules.model.facts_json import validation_message_zh

    with pytest.raises(ValidationError) as exc:
        DocumentRequest(case_ref="x" * 100)
    assert [validation_message_zh(e) for e in exc.value.errors()] == ["长度不得超过 64 个字符"]
    with pytest.raises(ValidationError) as exc:
        DocumentRequest(evidence=["a"] * 60)
    assert [validation_message_zh(e) for e in exc.value.errors()] == ["至多 50 项"]


def test_a_leniency_choice_on_a_no_penalty_document_is_flagged(decide, statutes):
    """API review: leniency_choice (从轻/减轻) sent with a 不予 decision was ignored without a word."""
    doc = _doc(decide, statutes, "tax_first", DocumentRequest(leniency_choice="reduced_penalty"))
    assert doc.kind == "no_penalty"
    assert any(f.code == "leniency_choice_ignored" and f.field == "leniency_choice" for f in doc.flags)
    assert not any(f.code == "leniency_choice_ignored" for f in _doc(decide, statutes, "tax_first").flags)
