"""Rules of the law satisfied beside the one that decides (third-round review, F2 / F3).

行政处罚法(2021-01-22) 第三十条: "不满十四周岁的未成年人有违法行为的，不予行政处罚，责令监护人加以管教；
已满十四周岁不满十八周岁的未成年人有违法行为的，应当从轻或者减轻行政处罚。"
第三十一条: "精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为的，不予行政处罚，但应当责令其
监护人严加看管和治疗。……尚未完全丧失辨认或者控制自己行为能力的精神病人、智力残疾人有违法行为的，可以从轻或者
减轻行政处罚。"

A child of 13 whose case also met 33(1) (or a 不予 list item) was decided by that rule alone: the
guardian order art. 30 makes mandatory was missing from the measures, the basis and the 不予行政处罚
决定书. A second 从轻或者减轻 ground (art. 31 / 32 beside art. 30) was cited nowhere but the trace, and
an escalation step deciding beside art. 30 left the 鉴于 reason blank though the age was given."""

from datetime import date

import pytest

from penalty_rules.documents import DecisionSource, DocumentRequest, build_document
from penalty_rules.model.facts import CaseFacts

TODAY = date(2026, 11, 30)
BASE = dict(act_date="2024-03-01", decision_date="2024-05-01", continuing=False, circumstances=[],
            subjective_fault=True, party_type="individual")
ART30, ART31 = "《中华人民共和国行政处罚法》第三十条", "《中华人民共和国行政处罚法》第三十一条"
TIES = {
    "age13-33-1": (dict(BASE, age=13, minor_violation=True, corrected="promptly", harm="none", first_offense=False),
                   ART30, "责令监护人加以管教"),
    "mental-33-1": (dict(BASE, age=40, mental_condition="cannot_recognize", mental_condition_cause="mental_illness",
                         minor_violation=True, corrected="promptly", harm="none", first_offense=False),
                    ART31, "责令其监护人严加看管和治疗"),
    "age13-tax-item": (dict(BASE, age=13, item_id="cn-tax-2021-6/03", minor_violation=False, corrected="within_deadline",
                            harm="minor", first_offense=True), ART30, "责令监护人加以管教"),
}


def _text(doc) -> str:
    return "\n".join(p for s in doc.sections for p in s.paragraphs)


@pytest.mark.parametrize("name", TIES)
def test_the_guardian_order_follows_a_tie_at_no_penalty(doc_engine, statutes, name):
    facts, article, order = TIES[name]
    d = doc_engine.evaluate(CaseFacts(**facts), today=TODAY)
    assert d.outcome == "no_penalty"
    assert order in d.measures, d.measures
    assert article in [b.label for b in d.basis], [b.label for b in d.basis]
    text = _text(build_document(DecisionSource(decision=d, facts=facts), DocumentRequest(), statutes))
    assert order in text and article.split("》")[1] in text


SECOND = dict(BASE, minor_violation=False, corrected="not_corrected", harm="serious", first_offense=False)


@pytest.mark.parametrize("facts, article, reason", [
    (dict(SECOND, age=15, circumstances=["eliminated_harm"]), "第三十二条", "主动消除或者减轻违法行为危害后果"),
    (dict(SECOND, age=15, mental_condition="limited", mental_condition_cause="mental_illness"), "第三十一条",
     "尚未完全丧失辨认或者控制自己行为能力"),
], ids=["art32", "art31"])
def test_a_second_leniency_ground_is_cited_with_its_circumstance(doc_engine, statutes, facts, article, reason):
    d = doc_engine.evaluate(CaseFacts(**facts), today=TODAY)
    assert d.chosen_rule == "law-30-b"
    assert any(article in b.label for b in d.basis), [b.label for b in d.basis]
    doc = build_document(DecisionSource(decision=d, facts=facts), DocumentRequest(leniency_choice="reduced_penalty"),
                         statutes)
    section = next(s for s in doc.sections if s.key == "leniency").paragraphs[0]
    assert article in section and reason in section and "已满十四周岁不满十八周岁" in section


def test_an_escalation_step_beside_art30_says_the_age(doc_engine, statutes):
    facts = dict(SECOND, age=16, harm="none", first_offense=True, item_id="lc-practice-2022/ev-restricted-zone")
    d = doc_engine.evaluate(CaseFacts(**facts), today=TODAY)
    assert d.chosen_item == "lc-practice-2022/ev-restricted-zone" and ART30 in [b.label for b in d.basis]
    doc = build_document(DecisionSource(decision=d, facts=facts), DocumentRequest(leniency_choice="lighter_penalty"),
                         statutes)
    section = next(s for s in doc.sections if s.key == "leniency").paragraphs[0]
    assert section.startswith("鉴于当事人违法行为时已满十四周岁不满十八周岁"), section
    assert "reasons_missing" not in [f.code for f in doc.flags]


def test_two_items_of_art32_cite_the_article_not_the_first_item(doc_engine):
    """第三十二条: "（一）主动消除或者减轻违法行为危害后果的；……（三）主动供述行政机关尚未掌握的违法行为的" —
    both met: the answer cited 第三十二条第（一）项 alone while its reasons named (三) too."""
    one = doc_engine.evaluate(CaseFacts(**dict(SECOND, age=40, circumstances=["eliminated_harm"])), today=TODAY)
    both = doc_engine.evaluate(CaseFacts(**dict(SECOND, age=40, circumstances=["eliminated_harm", "confessed"])),
                               today=TODAY)
    assert one.chosen_rule == both.chosen_rule == "law-32"
    assert "《中华人民共和国行政处罚法》第三十二条第（一）项" in [b.label for b in one.basis]
    labels = [b.label for b in both.basis]
    assert "《中华人民共和国行政处罚法》第三十二条" in labels and not any("第三十二条第" in x for x in labels), labels


def test_only_the_text_applied_is_cited_beside(doc_engine, statutes):
    """(re-reader) An act of 2020-06-01 decided on 2021-08-01, a child of 13: 2017 art. 25 and 2021 art. 30
    give the same result; 行政处罚法(2021) 第三十七条 "实施行政处罚，适用违法行为发生时的法律、法规、规章的
    规定。但是，作出行政处罚决定时，法律、法规、规章已被修改或者废止，且新的规定处罚较轻……适用新的规定" —
    the new text is not lighter, so the act-time text alone is cited, not both side by side."""
    facts = dict(BASE, act_date="2020-06-01", decision_date="2021-08-01", age=13, minor_violation=False,
                 corrected="not_corrected", harm="serious", first_offense=False)
    d = doc_engine.evaluate(CaseFacts(**facts), today=TODAY)
    labels = [b.label for b in d.basis]
    assert "《中华人民共和国行政处罚法》(2017年文本)第二十五条" in labels and ART30 not in labels, labels
    text = _text(build_document(DecisionSource(decision=d, facts=facts), DocumentRequest(), statutes))
    assert "第三十条" not in text
