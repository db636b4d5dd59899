"""Declining a 可以不予 answer (third-round review, F4): 行政处罚法(2021-01-22) 第三十三条第一款 “初次违法且危害后果
轻微并及时改正的，可以不予行政处罚” leaves the choice to the agency; for a party of 15 第三十条 “已满十四周岁不满十八周岁
的未成年人有违法行为的，应当从轻或者减轻行政处罚” binds it if it penalises. The answer said so in its summary, but no
从轻、减轻 part could be drafted from it (kind_mismatch): the officer who declined had no document."""

from datetime import date

import pytest

from penalty_rules.documents import DecisionSource, DocumentNotApplicable, DocumentRequest, build_document
from penalty_rules.model.facts import CaseFacts

TODAY = date(2026, 11, 30)
FIRST = dict(act_date="2024-03-01", decision_date="2024-05-01", continuing=False, circumstances=[],
             subjective_fault=True, party_type="individual", minor_violation=False, corrected="promptly",
             harm="minor", first_offense=True)


def test_a_minor_whose_discretion_is_declined_gets_the_art30_part(doc_engine, statutes):
    facts = dict(FIRST, age=15)
    d = doc_engine.evaluate(CaseFacts(**facts), today=TODAY)
    assert d.outcome == "discretionary_no_penalty"
    dc = d.if_declined
    assert dc is not None and dc.rule == "law-30-b" and dc.leniency.mandatory
    assert set(dc.leniency.range) == {"lighter_penalty", "reduced_penalty"}
    assert [b.label for b in dc.basis if b.role == "statutory"] == ["《中华人民共和国行政处罚法》第三十条"]
    doc = build_document(DecisionSource(decision=d, facts=facts),
                         DocumentRequest(kind="leniency_section", leniency_choice="reduced_penalty"), statutes)
    section = next(s for s in doc.sections if s.key == "leniency").paragraphs[0]
    assert section.startswith("鉴于当事人违法行为时已满十四周岁不满十八周岁，符合《中华人民共和国行政处罚法》第三十条")
    assert "应当从轻或者减轻行政处罚" in section and "本机关决定对当事人减轻处罚" in section
    assert "第三十三条" not in section
    assert "discretion_declined" in [f.code for f in doc.flags]
    # the 不予 document stays the agency's other choice, as before
    no = build_document(DecisionSource(decision=d, facts=facts), DocumentRequest(discretion_no_penalty=True), statutes)
    assert no.outcome == "discretionary_no_penalty"


def test_an_adult_has_no_part_to_draft_when_declining(doc_engine, statutes):
    facts = dict(FIRST, age=40)
    d = doc_engine.evaluate(CaseFacts(**facts), today=TODAY)
    assert d.outcome == "discretionary_no_penalty" and d.if_declined is None
    with pytest.raises(DocumentNotApplicable) as e:
        build_document(DecisionSource(decision=d, facts=facts), DocumentRequest(kind="leniency_section"), statutes)
    assert e.value.code == "kind_mismatch"


def test_a_second_ground_is_cited_when_declining(doc_engine, statutes):
    """(re-reader) Age 15 and 受他人胁迫 (第三十二条 “当事人有下列情形之一，应当从轻或者减轻行政处罚：……（二）受他人
    胁迫或者诱骗实施违法行为的”): the declined part cited art. 30 alone."""
    facts = dict(FIRST, age=15, circumstances=["coerced"])
    d = doc_engine.evaluate(CaseFacts(**facts), today=TODAY)
    assert d.outcome == "discretionary_no_penalty" and d.if_declined is not None
    labels = [b.label for b in d.if_declined.basis]
    assert "《中华人民共和国行政处罚法》第三十条" in labels and any("第三十二条" in x for x in labels), labels
    doc = build_document(DecisionSource(decision=d, facts=facts),
                         DocumentRequest(kind="leniency_section", leniency_choice="reduced_penalty"), statutes)
    section = next(s for s in doc.sections if s.key == "leniency").paragraphs[0]
    assert "第三十二条" in section and "受他人胁迫" in section, section
