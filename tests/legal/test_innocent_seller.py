"""The innocent seller of infringing or counterfeit-patent goods: 另有规定 of 行政处罚法 33(2).

行政处罚法(2021-01-22) 第三十三条第二款: “当事人有证据足以证明没有主观过错的，不予行政处罚。法律、行政法规另有规定的，
从其规定。”

- 商标法(2019-04-23) 第六十条第二款 (last sentence): “销售不知道是侵犯注册商标专用权的商品，能证明该商品是自己合法
  取得并说明提供者的，由工商行政管理部门责令停止销售。” 商标法实施条例(2014-04-29) 第八十条: the same, “…责令停止
  销售，并将案件情况通报侵权商品提供者所在地工商行政管理部门。”
- 专利法实施细则(2023-12-11) 第一百零一条第三款: “销售不知道是假冒专利的产品，并且能够证明该产品合法来源的，由县级
  以上负责专利执法的部门责令停止销售。” (the revision took effect on 2024-01-20; in the 2010-01-09 text the sentence
  is 第八十四条第三款 and ends “…由管理专利工作的部门责令停止销售，但免除罚款的处罚。”, while its 第一百零一条 is
  about international applications: “国务院专利行政部门根据专利法第二十条规定，受理按照专利合作条约提出的专利国际申请。”)

So a seller who proves it did not know (no fault) but cannot show lawful acquisition and the supplier (the
source) is not 不予处罚 by 33(2): the special law governs, and its condition is not met. When it is met, the
consequence is 责令停止销售, with the special article cited."""

from datetime import date

import pytest

from penalty_rules.model.facts import CaseFacts

SELLER = dict(party_type="enterprise", subjective_fault=False, act_date=date(2024, 3, 1), continuing=False,
              discovered_date=date(2024, 4, 1), decision_date=date(2024, 6, 1), minor_violation=False, harm="serious",
              corrected="not_corrected", first_offense=False, circumstances=[])
TM_LAW, TM_REG = "中华人民共和国商标法", "中华人民共和国商标法实施条例"
PATENT_LAW, PATENT_RULES = "中华人民共和国专利法", "中华人民共和国专利法实施细则"
TM_SOLD, TM_SOURCE = "trademark_infringing_goods_sold", "trademark_lawful_acquisition_supplier_named"
PT_SOLD, PT_SOURCE = "patent_counterfeit_products_sold", "patent_lawful_source_shown"


def _case(law, domain="ip", **special) -> CaseFacts:
    return CaseFacts(**SELLER, violated_law=law, domain=domain, special_law_facts=special or None)


def _cites(d, law, article, paragraph):
    return [b for b in d.basis if b.citation.law == law and b.citation.article == article
            and b.citation.paragraph == paragraph]


@pytest.mark.parametrize("law", [TM_LAW, TM_REG])
def test_a_seller_who_shows_no_lawful_acquisition_and_supplier_is_not_exempted_by_33_2(engine, law):
    d = engine.evaluate(_case(law, **{TM_SOLD: True, TM_SOURCE: False}))
    assert d.outcome == "normal" and d.chosen_rule != "law-33-2"


def test_the_reviewers_case_no_longer_gets_33_2(engine):
    # F1 probe: an enterprise proving no fault under 商标法, nothing else known
    d = engine.evaluate(CaseFacts(party_type="enterprise", subjective_fault=False, violated_law=TM_LAW, domain="market",
                                  act_date="2024-03-01", decision_date="2024-06-01", continuing=False))
    assert not (d.outcome == "no_penalty" and d.chosen_rule == "law-33-2")


@pytest.mark.parametrize("law", [TM_LAW, TM_REG])
def test_lawful_acquisition_and_supplier_shown_stop_the_sale_citing_60_2(engine, law):
    d = engine.evaluate(_case(law, **{TM_SOLD: True, TM_SOURCE: True}))
    assert d.outcome == "no_penalty" and d.chosen_rule != "law-33-2"
    assert _cites(d, TM_LAW, 60, 2)
    assert any("责令停止销售" in m for m in d.measures)
    assert any("通报侵权商品提供者所在地" in m for m in d.measures)  # 商标法实施条例 第八十条


def test_the_source_question_is_asked_while_unknown(engine):
    d = engine.evaluate(_case(TM_LAW, **{TM_SOLD: True}))
    assert d.outcome == "undetermined"
    q = next(m for m in d.missing_facts if m.fact == f"special_law_facts.{TM_SOURCE}")
    assert "合法取得" in q.question and "提供者" in q.question and q.answer_type == "boolean"


def test_whether_the_case_is_a_sale_is_asked_while_unknown(engine):
    d = engine.evaluate(_case(TM_LAW))
    assert d.outcome == "undetermined"
    assert any(m.fact == f"special_law_facts.{TM_SOLD}" for m in d.missing_facts)


def test_not_a_sale_of_infringing_goods_falls_back_to_33_2(engine):
    d = engine.evaluate(_case(TM_LAW, **{TM_SOLD: False}))
    assert d.outcome == "no_penalty" and d.chosen_rule == "law-33-2"


@pytest.mark.parametrize("law", [PATENT_LAW, PATENT_RULES])
def test_a_patent_seller_without_lawful_source_is_not_exempted_by_33_2(engine, law):
    d = engine.evaluate(_case(law, **{PT_SOLD: True, PT_SOURCE: False}))
    assert d.outcome == "normal" and d.chosen_rule != "law-33-2"


def test_a_patent_seller_with_lawful_source_shown_stops_the_sale_citing_101_3_of_the_2023_text(engine):
    d = engine.evaluate(_case(PATENT_RULES, **{PT_SOLD: True, PT_SOURCE: True}))
    assert d.outcome == "no_penalty" and d.chosen_rule != "law-33-2"
    cited = _cites(d, PATENT_RULES, 101, 3)
    assert cited and all(b.version == "2023-12-11" for b in cited), [(b.label, b.version) for b in cited]
    assert any("责令停止销售" in m for m in d.measures)


def test_before_the_2023_revision_took_effect_101_is_not_cited(engine):
    # decided 2023-12-01, before 2024-01-20: the 2010 text's 第一百零一条 is about international applications
    facts = CaseFacts(**{**SELLER, "act_date": date(2023, 9, 1), "discovered_date": date(2023, 10, 9),
                         "decision_date": date(2023, 12, 1)}, violated_law=PATENT_RULES, domain="ip",
                      special_law_facts={PT_SOLD: True, PT_SOURCE: True})
    d = engine.evaluate(facts)
    assert not _cites(d, PATENT_RULES, 101, 3)
    # the 2010 text's own sentence (第八十四条第三款) is said to the officer
    assert any("第八十四条第三款" in w and "但免除罚款的处罚" in w for w in d.warnings)
