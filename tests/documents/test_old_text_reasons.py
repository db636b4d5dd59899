"""A document drafted from an engine answer alone (no facts record) for an act under the 2017 text:
the reasons are 第二十七条第二款's sentence (“违法行为轻微并及时纠正，没有造成危害后果”), as the 2021 path
words them from 第三十三条第一款, not the engine's condition labels (及时改正)."""

from datetime import date

from penalty_rules.documents.build import DecisionSource, build_document
from penalty_rules.documents.model import DocumentRequest
from penalty_rules.model.facts import CaseFacts

MINOR = dict(domain="market", party_type="enterprise", minor_violation=True, harm="none", corrected="promptly",
             first_offense=True, circumstances=[], continuing=False)


def _decision_text(doc_engine, statutes, act, dec):
    d = doc_engine.evaluate(CaseFacts(**MINOR, act_date=act, discovered_date=act, decision_date=dec))
    doc = build_document(DecisionSource(decision=d, facts=None), DocumentRequest(kind="no_penalty"), statutes)
    return d, next(s for s in doc.sections if s.key == "decision").paragraphs[0]


def test_2017_document_without_facts_words_article_27_2(doc_engine, statutes):
    d, text = _decision_text(doc_engine, statutes, date(2020, 3, 1), date(2021, 3, 1))
    assert d.chosen_rule == "law2017-27-2"
    assert "鉴于当事人违法行为轻微并及时纠正，没有造成危害后果，" in text
    assert "及时改正" not in text


def test_2021_document_without_facts_words_article_33_1(doc_engine, statutes):
    d, text = _decision_text(doc_engine, statutes, date(2022, 3, 1), date(2022, 6, 1))
    assert d.chosen_rule == "law-33-1a"
    assert "鉴于当事人违法行为轻微并及时改正，没有造成危害后果，" in text
