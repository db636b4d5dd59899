"""Documents and answers under special laws that replace 行政处罚法 art. 33(2), in their own words.
- 医疗器械监督管理条例 art. 87: “…收缴其经营、使用的不符合法定要求的医疗器械，可以免除行政处罚” — a 不予
  document says 可以免除行政处罚, not 可以不予行政处罚.
- 出境入境管理法 art. 83(2): “可以减轻或者免予处罚” — the outcome reads 减轻或者不予处罚 (not 从轻或者减轻: the
  article has no 从轻), and the agency that chooses 免予 can draft a 不予 document.
- 药品管理法实施条例 art. 75: “应当没收其销售或者使用的假药、劣药和违法所得；但是，可以免除其他行政处罚” — a
  penalty decision (没收 is a penalty, art. 9): no 不予 document; the gains confiscated once (its measure, not
  again under art. 28(2))."""

from datetime import date

import pytest

from penalty_rules.documents.build import DecisionSource, DocumentNotApplicable, build_document
from penalty_rules.documents.model import DocumentRequest
from penalty_rules.model.facts import CaseFacts

BASE = dict(party_type="enterprise", act_date=date(2023, 3, 1), discovered_date=date(2023, 5, 1),
            decision_date=date(2023, 6, 1), minor_violation=False, harm="serious", corrected="not_corrected",
            first_offense=False, circumstances=[], subjective_fault=False)
DEVICE = dict(BASE, domain="drugs", violated_law="医疗器械监督管理条例",
              special_law_facts={"device_trader_noncompliant_device": True, "device_purchase_checked_source_shown": True})
CARRIER = dict(BASE, domain="public_security", violated_law="中华人民共和国出境入境管理法",
               special_law_facts={"carrier_carried_inadmissible": True, "carrier_reasonable_precautions": True})
DRUG = dict(BASE, domain="drugs", violated_law="中华人民共和国药品管理法", illegal_gains_yuan=3000,
            special_law_facts={"drug_trader_fake_substandard": True, "drug_otherwise_compliant": True})


def _decision_paragraph(doc):
    return next(s for s in doc.sections if s.key == "decision").paragraphs[0]


def test_device_87_document_says_its_own_consequence(doc_engine, statutes):
    d = doc_engine.evaluate(CaseFacts(**DEVICE))
    assert d.outcome == "discretionary_no_penalty"
    # the general article (33(2)) is listed first, the special one after it: the summary says where it stands
    assert "由后列特别规定替代" in d.summary and "由前述特别规定替代" not in d.summary
    doc = build_document(DecisionSource(decision=d, facts=None),
                         DocumentRequest(kind="no_penalty", discretion_no_penalty=True), statutes)
    text = _decision_paragraph(doc)
    assert "(可以免除行政处罚)" in text and "可以不予行政处罚" not in text


def test_exit_entry_83_reads_reduce_or_exempt_and_drafts_either(doc_engine, statutes):
    d = doc_engine.evaluate(CaseFacts(**CARRIER))
    assert d.outcome == "reduced_penalty" and d.outcome_zh == "减轻或者不予处罚"
    assert "从轻" not in d.summary.split("\n")[0]
    with pytest.raises(DocumentNotApplicable) as refused:  # 免予 is the agency's choice: it must say so
        build_document(DecisionSource(decision=d, facts=None), DocumentRequest(kind="no_penalty"), statutes)
    assert refused.value.code == "discretion_not_exercised"
    doc = build_document(DecisionSource(decision=d, facts=None),
                         DocumentRequest(kind="no_penalty", discretion_no_penalty=True), statutes)
    assert doc.kind == "no_penalty" and "(可以减轻或者免予处罚)" in _decision_paragraph(doc)
    section = build_document(DecisionSource(decision=d, facts=None),
                             DocumentRequest(kind="leniency_section", leniency_choice="reduced_penalty"), statutes)
    assert section.kind == "leniency_section"


def test_drug_75_is_a_penalty_decision_with_the_gains_confiscated_once(doc_engine, statutes):
    d = doc_engine.evaluate(CaseFacts(**DRUG))
    assert d.outcome == "reduced_penalty"
    assert d.leniency is not None and "可以免除其他行政处罚" in d.leniency.wording
    assert sum("违法所得" in m for m in d.measures) == 1
    with pytest.raises(DocumentNotApplicable) as refused:
        build_document(DecisionSource(decision=d, facts=None),
                       DocumentRequest(kind="no_penalty", discretion_no_penalty=True), statutes)
    assert refused.value.code == "kind_mismatch"


def test_exit_entry_83_exempt_document_educates_and_its_section_speaks_of_no_lighter(doc_engine, statutes):
    """行政处罚法(2021) art. 33(3): “对当事人的违法行为依法不予行政处罚的，行政机关应当对当事人进行教育” —
    also when the agency chooses 免予 under 83(2); and 83(2) has no 从轻: the section's flag does not offer it."""
    d = doc_engine.evaluate(CaseFacts(**CARRIER))
    doc = build_document(DecisionSource(decision=d, facts=None),
                         DocumentRequest(kind="no_penalty", discretion_no_penalty=True), statutes)
    measures = next(s for s in doc.sections if s.key == "measures").paragraphs
    assert any("对当事人进行教育" in m and "第三十三条第三款" in m for m in measures)
    section = build_document(DecisionSource(decision=d, facts=None), DocumentRequest(kind="leniency_section"), statutes)
    flag = next(f for f in section.flags if f.code == "leniency_choice_missing")
    assert "从轻" not in flag.message_zh and "减轻处罚" in flag.message_zh
