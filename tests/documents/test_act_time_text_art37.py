"""The act-time text applied to a decision made under a later text says why, and the document cites art. 37.

行政处罚法(2021-01-22) 第三十七条: “实施行政处罚，适用违法行为发生时的法律、法规、规章的规定。但是，作出行政处罚决定
时，法律、法规、规章已被修改或者废止，且新的规定处罚较轻或者不认为是违法的，适用新的规定。” An act of 2020-03-01
decided on 2021-08-01 (the 2021 text in force from 2021-07-15) is judged by the 2017 text (第二十七条第二款 “违法行为
轻微并及时纠正，没有造成危害后果的，不予行政处罚”) because of 第三十七条 (first sentence; the new text is not
lighter): that is a ground of the ruling as much as 第二十七条 — the trace says it (README: the reason is in
`trace.temporal`) and the draft cites 第三十七条 of the text in force on the decision date (the reviewer's F5)."""

from datetime import date

from penalty_rules.documents.build import DecisionSource, build_document
from penalty_rules.documents.model import DocumentRequest
from penalty_rules.model.facts import CaseFacts

MINOR = dict(party_type="enterprise", minor_violation=True, harm="none", corrected="promptly", continuing=False,
             domain="ecology")
ART37 = "第三十七条"


def _draft(doc_engine, statutes, act, dec):
    facts = dict(MINOR, act_date=act, decision_date=dec)
    d = doc_engine.evaluate(CaseFacts(**facts))
    return d, build_document(DecisionSource(decision=d, facts=facts), DocumentRequest(kind="no_penalty"), statutes)


def test_the_2017_text_applied_to_a_2021_decision_gives_its_reason_and_cites_art37(doc_engine, statutes):
    d, doc = _draft(doc_engine, statutes, date(2020, 3, 1), date(2021, 8, 1))
    assert d.outcome == "no_penalty" and d.chosen_rule == "law2017-27-2"
    notes = [t for t in d.trace.temporal if ART37 in t]
    assert notes, d.trace.temporal
    assert "2017" in notes[0] and "2021" in notes[0]  # the text applied and the one in force at the decision
    cited = [c for c in doc.citations if ART37 in c.label]
    assert cited, [c.label for c in doc.citations]
    assert "适用违法行为发生时的法律、法规、规章的规定" in cited[0].text
    assert str(cited[0].version).startswith("2021")
    ruling = "\n".join(p for s in doc.sections if s.key == "decision" for p in s.paragraphs)
    assert ART37 in ruling and "第二十七条第二款" in ruling


def test_no_art37_when_act_and_decision_fall_under_one_text(doc_engine, statutes):
    for act, dec in ((date(2020, 3, 1), date(2021, 3, 1)), (date(2022, 3, 1), date(2022, 6, 1))):
        d, doc = _draft(doc_engine, statutes, act, dec)
        assert d.outcome == "no_penalty"
        assert not any(ART37 in t for t in d.trace.temporal), (act, d.trace.temporal)
        assert not any(ART37 in c.label for c in doc.citations), (act, [c.label for c in doc.citations])


def test_a_list_items_ground_read_in_the_act_time_text_gives_the_reason_and_cites_art37(doc_engine, statutes):
    """A 2021 Shandong list item (its ground: 违法行为轻微…没有造成危害后果, 2017 text 第二十七条第二款 for an act of
    2021-03-01) decided on 2021-09-01 under the 2021 text: the ground is read in the act-time text, by art. 37."""
    facts = dict(item_id="sd-2021/x01", party_type="enterprise", harm="none", corrected="before_discovery",
                 act_date="2021-03-01", decision_date="2021-09-01", continuing=False, first_offense=True,
                 circumstances=[], illegal_gains_yuan=0)
    d = doc_engine.evaluate(CaseFacts(**facts))
    assert d.outcome == "no_penalty" and d.chosen_item == "sd-2021/x01"
    assert "《中华人民共和国行政处罚法》(2017年文本)第二十七条第二款" in [b.label for b in d.basis]
    assert any(ART37 in t and "2017年文本" in t and "依行政处罚法第三十七条" in t for t in d.trace.temporal), d.trace.temporal
    doc = build_document(DecisionSource(decision=d, facts=facts), DocumentRequest(kind="no_penalty"), statutes)
    assert any(ART37 in c.label for c in doc.citations), [c.label for c in doc.citations]
