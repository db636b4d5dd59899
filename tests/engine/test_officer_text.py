"""Officer-facing text (summary, trace reason, notes, questions, warnings): findings of the legal
review of the Chinese sentences. Each test states the sentence the law requires and the article."""

from datetime import date

from penalty_rules.model.facts import CaseFacts
from penalty_rules.model.vocabulary import VOCABULARY

# a case that is not lenient on its own: only the rule under test decides it
PLAIN = dict(domain="market", party_type="enterprise", minor_violation=False, harm="serious",
             corrected="not_corrected", first_offense=False, circumstances=[], continuing=False)


def run(engine, **facts):
    return engine.evaluate(CaseFacts(**{**PLAIN, **facts}))


def line(summary: str, head: str) -> str:
    return next((x for x in summary.splitlines() if x.startswith(head)), "")


# ---------------------------------------------------------------- 1. old text cited with its version
def test_old_text_article_cited_with_its_version(engine):
    """行政处罚法 2017 text 第二十九条 (act 2019, found 2021-08) applied by 第三十七条 beside the measures of
    the 2021 text in force at the decision: the old article says which text it is from."""
    d = run(engine, act_date=date(2019, 3, 1), discovered_date=date(2021, 8, 1), decision_date=date(2021, 9, 1))
    assert d.chosen_rule == "law2017-29"
    basis = line(d.summary, "法律依据")
    assert "《中华人民共和国行政处罚法》(2017年文本)第二十九条第一款" in basis
    assert "《中华人民共和国行政处罚法》第二十八条第一款" in basis  # the text in force at the decision: no version
    winner = next(r for r in d.trace.rules if r.rule == d.trace.winner)
    assert winner.citation == "《中华人民共和国行政处罚法》(2017年文本)第二十九条第一款"


def test_text_in_force_at_decision_cited_without_version(engine):
    d = run(engine, act_date=date(2018, 3, 1), discovered_date=date(2020, 8, 1), decision_date=date(2021, 3, 1))
    assert d.chosen_rule == "law2017-29"
    assert "(2017年文本)" not in line(d.summary, "法律依据")
    assert "《中华人民共和国行政处罚法》第二十九条第一款" in line(d.summary, "法律依据")


# ---------------------------------------------------------------- 2. the special limitation period named
def test_tax_limitation_names_article_86(engine):
    """税收征收管理法第八十六条: five years replace 行政处罚法 (2017) 第二十九条's two (法律另有规定的除外)."""
    d = run(engine, domain="tax", act_date=date(2016, 3, 1), discovered_date=date(2021, 8, 1),
            decision_date=date(2021, 9, 1))
    assert d.outcome == "no_penalty"
    rule = line(d.summary, "适用规则")
    assert "《中华人民共和国税收征收管理法》第八十六条" in rule and "二年" not in rule
    assert line(d.summary, "法律依据").startswith("法律依据: 《中华人民共和国税收征收管理法》第八十六条")
    assert "第八十六条" in d.trace.reason and "law2017-29" not in d.trace.reason


def test_security_limitation_names_article_22(engine):
    """治安管理处罚法第二十二条: six months replace 行政处罚法第三十六条's two years."""
    d = run(engine, domain="public_security", violated_law="中华人民共和国治安管理处罚法",
            act_date=date(2022, 3, 1), discovered_date=date(2022, 12, 1), decision_date=date(2023, 1, 1))
    assert d.outcome == "no_penalty"
    rule = line(d.summary, "适用规则")
    assert "《中华人民共和国治安管理处罚法》第二十二条" in rule and "二年" not in rule and "五年" not in rule
    winner = next(r for r in d.trace.rules if r.rule == d.trace.winner)
    assert "第二十二条" in (winner.citation or "") and "二年" not in (winner.title or "")
    assert "治安管理处罚法》第二十二条" in winner.note and "第三十六条第二款" not in winner.note
    assert "(2021年文本)" not in winner.note  # the text in force at the decision is cited bare
    assert line(d.summary, "法律规定").startswith("法律规定: 不再处罚")  # the law's own words: “…的，不再处罚”


# ---------------------------------------------------------------- 3. the premise note of the old text
def test_premise_note_cites_2017_article_27_2(engine):
    """sd-lenient-list/x01 (no harm condition of its own) for an act of 2020: the premise is 2017 text
    第二十七条第二款 “违法行为轻微并及时纠正，没有造成危害后果的，不予行政处罚”, not 第三十三条."""
    d = run(engine, item_id="sd-lenient-list/x01", act_date=date(2020, 6, 1), discovered_date=date(2020, 6, 1),
            decision_date=date(2021, 3, 1))
    note = next(r.note for r in d.trace.rules if r.rule == "sd-lenient-list/x01")
    assert "第二十七条第二款" in note and "第三十三条" not in note
    d21 = run(engine, item_id="sd-lenient-list/x01", act_date=date(2021, 8, 1), discovered_date=date(2021, 8, 1),
              decision_date=date(2021, 9, 1))
    notes = [r.note or "" for r in d21.trace.rules if r.rule == "sd-lenient-list/x01"]
    assert not notes or all("第二十七条" not in n for n in notes)


# ---------------------------------------------------------------- 4. 胁迫 or 诱骗: the follow-up question
def test_coerced_or_deceived_follow_up_is_asked(engine):
    """Act and decision under the 2017 text: 第二十七条第一款第（二）项 names only 受他人胁迫. 受胁迫或者诱骗
    without saying which leaves the answer open: the question asks which of the two."""
    d = run(engine, circumstances=["coerced_or_deceived"], act_date=date(2020, 6, 1),
            discovered_date=date(2020, 6, 1), decision_date=date(2021, 3, 1))
    assert d.outcome == "undetermined"
    asked = next(m for m in d.missing_facts if m.fact == "circumstances")
    assert asked.question == VOCABULARY.conditions["coerced"].question


# ---------------------------------------------------------------- 5. a white paper is no 法律依据
def _ev_first_entry(engine):
    """A first entry of a low-speed e-vehicle into the restricted zone (lc-practice-2022, a white paper's practice)."""
    return engine.evaluate(CaseFacts(item_id="lc-practice-2022/ev-restricted-zone", jurisdiction="371502",
                                     party_type="individual", age=40, act_date=date(2023, 5, 1),
                                     discovered_date=date(2023, 5, 1), continuing=False, first_offense=True,
                                     prior_offenses=[], circumstances=[], minor_violation=False, harm="minor",
                                     corrected="not_corrected", decision_date=date(2023, 6, 1)))


def test_white_paper_practice_is_not_legal_basis(engine):
    d = _ev_first_entry(engine)
    assert d.chosen_item == "lc-practice-2022/ev-restricted-zone"
    assert "白皮书" not in line(d.summary, "法律依据")
    assert "白皮书" in line(d.summary, "参考依据")


# ---------------------------------------------------------------- 6. no engine codes in Chinese text
def test_no_domain_code_in_warnings(engine):
    d = run(engine, act_date=date(2023, 3, 1), discovered_date=date(2023, 3, 1), decision_date=date(2023, 6, 1))
    text = "\n".join(d.warnings)
    assert "执法领域 market" not in text and "市场监管" in text


def test_reason_names_rules_not_ids(engine):
    d = run(engine, minor_violation=True, harm="none", corrected="promptly", first_offense=True,
            circumstances=["confessed"], act_date=date(2023, 3, 1), discovered_date=date(2023, 3, 1),
            decision_date=date(2023, 6, 1))
    assert d.chosen_rule == "law-33-1a"
    reason = d.trace.reason
    assert "law-" not in reason and "按声明的优先顺序" not in reason
    assert "第三十三条第一款" in reason and "第三十二条" in reason


def test_summary_names_the_item_without_list_key(engine):
    d = _ev_first_entry(engine)
    assert "@" not in line(d.summary, "适用条目")


# ---------------------------------------------------------------- the discovery-date question (发现)
DISCOVERY_BASE = dict(domain="hr_social_security", party_type="enterprise", act_date=date(2022, 3, 1), continuing=False,
                      decision_date=date(2024, 6, 1), minor_violation=False, harm="serious", corrected="not_corrected",
                      first_offense=False, circumstances=[], safety_related=False)


def test_discovery_question_says_a_report_or_complaint_dates_it(engine):
    d = engine.evaluate(CaseFacts(**DISCOVERY_BASE))
    asked = {m.fact: m.question for m in d.missing_facts}
    assert "discovered_date" in asked
    assert "举报、投诉" in asked["discovered_date"] and "收到举报、投诉之日" in asked["discovered_date"]


def test_discovery_question_says_the_earliest_day_counts(engine):
    d = engine.evaluate(CaseFacts(**DISCOVERY_BASE))
    question = next(m.question for m in d.missing_facts if m.fact == "discovered_date")
    assert "最早的一日" in question


def test_a_national_draft_is_not_called_another_places_list(engine):
    """cn-samr-2024-draft (食品安全违法行为首违不罚清单(征求意见稿), national, status draft) binds nowhere because it is a
    draft, not because it is another province's: the warning says so (the legal review: it was 来自外地清单)."""
    d = engine.evaluate(CaseFacts(item_id="cn-samr-2024-draft/01", jurisdiction="371500", domain="market",
                                  party_type="enterprise", act_date=date(2025, 5, 1), decision_date=date(2025, 6, 1)))
    assert not any("外地清单" in w for w in d.warnings)
    assert any("征求意见稿" in w and "草案" in w and "不具约束力" in w for w in d.warnings)
