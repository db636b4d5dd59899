"""The 不予处罚决定书 of a 聊城 case decided by 聊城市道路交通安全条例 art. 75(2) (“因让行而产生的违反交通信号灯、
交通标志、标线等行为，不予处罚。”): the document stands on that paragraph, quoted from the library's text, and
educates the party (行政处罚法 art. 33(3): “对当事人的违法行为依法不予行政处罚的，行政机关应当对当事人进行教育。”)."""

from datetime import date

from penalty_rules.documents.build import DecisionSource, build_document
from penalty_rules.documents.model import DocumentRequest
from penalty_rules.model.facts import CaseFacts

YIELDED = dict(jurisdiction="371502", domain="road_traffic", violated_law="中华人民共和国道路交通安全法",
               party_type="individual", age=35, act_date=date(2025, 5, 6), continuing=False,
               discovered_date=date(2025, 5, 6), decision_date=date(2025, 5, 20), minor_violation=False,
               harm="none", corrected="not_corrected", first_offense=False, circumstances=[],
               special_law_facts={"lc_traffic_yield_emergency": True})


def test_the_no_penalty_document_cites_and_quotes_75_2(doc_engine, statutes):
    d = doc_engine.evaluate(CaseFacts(**YIELDED))
    assert d.outcome == "no_penalty" and d.chosen_rule == "lc-traffic-75"
    entry = next(b for b in d.basis if b.label == "《聊城市道路交通安全条例》第七十五条第二款")
    assert entry.text.startswith("因让行而产生的违反交通信号灯、交通标志、标线等行为，不予处罚")
    doc = build_document(DecisionSource(decision=d, facts=None), DocumentRequest(kind="no_penalty"), statutes)
    assert doc.kind == "no_penalty"
    text = "\n".join(p for s in doc.sections for p in s.paragraphs)
    assert "《聊城市道路交通安全条例》第七十五条第二款" in text
    decision = next(s for s in doc.sections if s.key == "decision").paragraphs[0]
    assert "不予" in decision and "因让行执行紧急任务的警车、消防车、救护车、工程救险车而违反交通信号灯" in decision
    # where, which cases and when the paragraph governs are the engine's premises, not the party's circumstance
    assert "2021-12-03" not in text and "行政区域内的机关办理" not in text and "调整" not in decision
    assert "教育" in text
