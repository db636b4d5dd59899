"""Semantics of the decision engine, on real items of the bundled lists."""

from datetime import date

import pytest

from penalty_rules.errors import InvalidFacts, UnknownItem
from penalty_rules.model.facts import CaseFacts

TODAY = date(2026, 11, 27)
TAX_03 = "cn-tax-2021-6/03"  # 未按规定期限办理纳税申报 (national first-offence list, batch 1)
TAX_B2 = "cn-tax-2021-33/01"  # batch 2 item, in force from 2022-01-01
EV = "lc-practice-2022/ev-restricted-zone"
PARKING = "lc-practice-2022/parking-notified"
# No leniency beyond the list unless facts say so: rule out art. 32 / 33(1) routes explicitly.
PLAIN = dict(circumstances=[], minor_violation=False)


# Facts the agency establishes (party type, discovery date, a continuing act) are asked when
# unknown; tests about something else state them: an enterprise, an act that is not continuing,
# discovered on the day it was committed.
SETTLED = dict(party_type="enterprise", continuing=False)


def run(engine, **facts):
    full = {**SETTLED, **facts}
    if "act_date" in full and "discovered_date" not in full:
        full["discovered_date"] = full["act_date"]
    return engine.evaluate(CaseFacts(**full), today=TODAY)


def run_raw(engine, **facts):
    return engine.evaluate(CaseFacts(**facts), today=TODAY)


def rule(decision, rule_id):
    return next(r for r in decision.trace.rules if r.rule == rule_id)


# ---------------------------------------------------------------- three-valued answers
def test_list_item_satisfied_gives_its_outcome_with_basis(engine):
    d = run(engine, item_id=TAX_03, first_offense=True, harm="minor", corrected="within_deadline",
            act_date="2023-05-01")
    assert d.outcome == "no_penalty"
    assert d.chosen_item == TAX_03
    assert any(b.citation and b.citation.law == "中华人民共和国行政处罚法" and b.citation.article == 33 for b in d.basis)
    assert "对当事人进行教育" in d.measures
    assert d.missing_facts == []


def test_list_item_not_satisfied_falls_back_to_normal(engine):
    d = run(engine, item_id=TAX_03, first_offense=False, harm="minor", corrected="within_deadline",
            act_date="2023-05-01", **PLAIN)
    assert d.outcome == "normal"
    assert rule(d, TAX_03).satisfied is False
    assert d.chosen_item is None


def test_unknown_fact_gives_undetermined_with_questions(engine):
    d = run(engine, item_id=TAX_03, first_offense=True, harm="minor", act_date="2023-05-01")
    assert d.outcome == "undetermined"
    assert "no_penalty" in d.possible_outcomes and "normal" in d.possible_outcomes
    facts = [m.fact for m in d.missing_facts]
    assert facts[0] == "corrected"
    assert all("?" in m.question for m in d.missing_facts)
    assert TAX_03 in d.missing_facts[0].needed_by


def test_never_more_lenient_than_known_facts_support(engine):
    # serious harm: the list item fails whatever the unknown correction is
    d = run(engine, item_id=TAX_03, first_offense=True, harm="serious", act_date="2023-05-01", **PLAIN)
    assert rule(d, TAX_03).satisfied is False
    assert d.outcome == "normal"
    assert "corrected" not in [m.fact for m in d.missing_facts]


def test_only_facts_that_can_change_the_answer_are_asked(engine):
    # already no_penalty by the list: nothing more lenient exists, so nothing is asked
    d = run(engine, item_id=TAX_03, first_offense=True, harm="none", corrected="before_discovery",
            act_date="2023-05-01")
    assert d.outcome == "no_penalty" and d.missing_facts == []


def test_nothing_known_lists_statutory_questions(engine):
    d = run_raw(engine, domain="tax")
    assert d.outcome == "undetermined"
    asked = {m.fact for m in d.missing_facts}
    assert {"minor_violation", "corrected", "harm", "first_offense", "party_type", "act_date"} <= asked
    assert d.items == []


# ---------------------------------------------------------------- jurisdiction stack
def test_county_case_uses_national_list(engine):
    d = run(engine, item_id=TAX_03, jurisdiction="371524", first_offense=True, harm="minor",
            corrected="promptly", act_date="2023-05-01")
    assert d.outcome == "no_penalty"
    assert d.trace.jurisdiction_stack == ["371524", "371500", "370000", "CN"]


def test_analogue_item_is_never_binding(engine, corpus):
    analogue = next(
        r for r in corpus.all_refs() if r.document.level.value == "analogue" and not r.item.escalation
    )
    facts = dict(item_id=analogue.item.id, act_date="2023-05-01", **PLAIN)
    d = run(engine, **facts)
    cand = [i for i in d.items if i.id == analogue.item.id]
    assert cand and all(not i.binding and i.role == "similar_elsewhere" for i in cand)
    assert d.chosen_item is None
    assert any("外地清单" in w for w in d.warnings)


def test_unknown_jurisdiction_and_domain_are_rejected(engine):
    with pytest.raises(InvalidFacts) as exc:
        run(engine, item_id=TAX_03, jurisdiction="110000")
    assert exc.value.field == "jurisdiction"
    with pytest.raises(InvalidFacts) as exc:
        run(engine, domain="nonexistent")
    assert exc.value.field == "domain"


def test_unknown_item_gives_close_matches(engine):
    with pytest.raises(UnknownItem) as exc:
        run(engine, item_id="cn-tax-2021-6/3")
    assert TAX_03 in exc.value.close_matches


# ---------------------------------------------------------------- precedence
def test_most_lenient_satisfied_rule_wins_and_disagreement_is_traced(engine):
    # the list item (no_penalty) and art. 33(1) 2nd sentence (discretionary) both hold
    d = run(engine, item_id=TAX_03, first_offense=True, harm="minor", corrected="promptly",
            act_date="2023-05-01")
    assert d.outcome == "no_penalty"
    assert rule(d, "law-33-1b").satisfied is True
    assert "《中华人民共和国行政处罚法》第三十三条第一款(可以不予处罚)" in d.trace.reason  # the rule by its article, not its id


# ---------------------------------------------------------------- statutory rules
@pytest.mark.parametrize(
    "facts, rule_id, expected",
    [
        (dict(minor_violation=True, corrected="promptly", harm="none"), "law-33-1a", "no_penalty"),
        (dict(first_offense=True, harm="minor", corrected="within_deadline", minor_violation=False),
         "law-33-1b", "discretionary_no_penalty"),
        (dict(subjective_fault=False, violated_law="中华人民共和国广告法"), "law-33-2", "no_penalty"),
        (dict(party_type="individual", age=13), "law-30-a", "no_penalty"),
        (dict(party_type="individual", age=16, **PLAIN, first_offense=False), "law-30-b", "lighter_penalty"),
        (dict(party_type="individual", mental_condition="cannot_recognize", mental_condition_cause="mental_illness"),
         "law-31-a", "no_penalty"),
        (dict(party_type="individual", age=30, mental_condition="limited", mental_condition_cause="intellectual_disability",
              **PLAIN, first_offense=False),
         "law-31-b", "lighter_penalty"),
        (dict(circumstances=["eliminated_harm"], minor_violation=False, first_offense=False), "law-32",
         "lighter_penalty"),
        (dict(act_date="2020-01-01", discovered_date="2022-06-01", safety_related=False), "law-36",
         "no_penalty"),
        (dict(act_date="2017-01-01", discovered_date="2022-06-01", safety_related=True), "law-36",
         "no_penalty"),
    ],
)
def test_statutory_rule_positive(engine, facts, rule_id, expected):
    d = run(engine, domain="market", **{"act_date": "2023-05-01", **facts})
    assert rule(d, rule_id).satisfied is True
    assert d.outcome == expected
    assert d.chosen_rule is not None


@pytest.mark.parametrize(
    "facts, rule_id",
    [
        (dict(minor_violation=True, corrected="promptly", harm="minor"), "law-33-1a"),
        (dict(first_offense=True, harm="serious", corrected="promptly"), "law-33-1b"),
        (dict(subjective_fault=True), "law-33-2"),
        (dict(party_type="individual", age=14), "law-30-a"),
        (dict(party_type="enterprise", age=16), "law-30-b"),
        (dict(party_type="individual", age=18), "law-30-b"),
        (dict(party_type="individual", mental_condition="none"), "law-31-a"),
        (dict(party_type="individual", mental_condition="cannot_recognize", mental_condition_cause="other"), "law-31-a"),
        (dict(circumstances=["cooperated"]), "law-32"),
        (dict(act_date="2021-01-01", discovered_date="2022-06-01"), "law-36"),
        (dict(act_date="2018-01-01", discovered_date="2022-06-01", safety_related=True), "law-36"),
    ],
)
def test_statutory_rule_negative(engine, facts, rule_id):
    d = run(engine, domain="market", **{"act_date": "2023-05-01", **facts})
    assert rule(d, rule_id).satisfied is False


def test_limitation_depends_on_safety_when_between_two_and_five_years(engine):
    d = run(engine, domain="market", act_date="2021-08-01", discovered_date="2024-06-01", **PLAIN,
            first_offense=False)
    assert rule(d, "law-36").satisfied is None
    assert d.outcome == "undetermined"
    assert "safety_related" in [m.fact for m in d.missing_facts]
    # an act before 2021-07-15: the old text's flat two years applies (art. 37), safety or not
    old = run(engine, domain="market", act_date="2018-01-01", discovered_date="2022-06-01", **PLAIN,
              first_offense=False)
    assert old.outcome == "no_penalty" and old.chosen_rule == "law2017-29"


def test_party_raised_rules_do_not_block_when_unknown(engine):
    # proof of no fault and a mental condition are raised by the party: unknown = not raised
    d = run(engine, domain="market", minor_violation=False, first_offense=False, circumstances=[],
            act_date="2023-05-01")
    for rid in ("law-33-2", "law-30-a", "law-31-a", "law-36"):
        assert rule(d, rid).satisfied is False
    assert d.outcome == "normal"


def test_agency_facts_block_when_unknown(engine):
    # the party type, a natural person's age and the discovery date are the agency's to establish
    facts = dict(domain="market", minor_violation=False, first_offense=False, circumstances=[])
    no_party = run_raw(engine, act_date="2025-05-01", decision_date="2025-06-01", **facts)
    assert no_party.outcome == "undetermined" and "party_type" in [m.fact for m in no_party.missing_facts]
    no_age = run_raw(engine, party_type="individual_business", act_date="2025-05-01", decision_date="2025-06-01",
                     **facts)
    assert no_age.outcome == "undetermined" and "age" in [m.fact for m in no_age.missing_facts]
    undiscovered = run_raw(engine, party_type="enterprise", act_date="2022-05-01", decision_date="2025-06-01",
                           continuing=False, **facts)
    assert undiscovered.outcome == "undetermined"
    assert "discovered_date" in [m.fact for m in undiscovered.missing_facts]


# ---------------------------------------------------------------- time (art. 37)
def test_item_added_later_applies_when_milder_at_decision_time(engine):
    base = dict(item_id=TAX_B2, first_offense=True, harm="minor", corrected="within_deadline",
                illegal_gains_yuan=0, **PLAIN)
    before = run(engine, act_date="2021-06-01", decision_date="2021-09-01", **base)
    assert rule(before, TAX_B2).satisfied is True  # evaluated, but the item is not in force
    assert [i.role for i in before.items if i.id == TAX_B2] == ["not_in_force"]
    assert before.chosen_item is None
    after = run(engine, act_date="2021-06-01", decision_date="2022-03-01", **base)
    assert after.chosen_item == TAX_B2 and after.outcome == "no_penalty"
    assert any("第三十七条" in t for t in after.trace.temporal)


def test_version_in_force_on_act_date_is_used(engine):
    d = run(engine, item_id=TAX_03, first_offense=True, harm="minor", corrected="promptly",
            act_date="2021-05-01", decision_date="2021-06-01")
    applicable = [i for i in d.items if i.role == "applicable"]
    assert [i.version for i in applicable] == ["2021-6"]


def test_before_any_version_the_item_is_not_in_force(engine):
    d = run(engine, item_id=TAX_03, first_offense=True, harm="minor", corrected="promptly",
            act_date="2020-05-01", decision_date="2020-06-01", **PLAIN)
    assert all(i.role == "not_in_force" for i in d.items)
    assert d.chosen_item is None


# ---------------------------------------------------------------- history and escalation
def test_first_offense_derived_from_prior_offenses(engine):
    base = dict(item_id=TAX_03, harm="minor", corrected="within_deadline", act_date="2023-05-01", **PLAIN)
    clean = run(engine, prior_offenses=[{"item_id": "cn-tax-2021-6/01", "date": "2022-01-01"}], **base)
    assert clean.outcome == "no_penalty"  # a prior of another kind does not count
    again = run(engine, prior_offenses=[{"item_id": TAX_03, "date": "2022-01-01"}], **base)
    assert again.outcome == "normal"
    derived = again.trace.derived_facts  # kept apart from the facts the officer gave
    assert any(k.startswith("first_offense@cn-tax-first-offense") and v["value"] is False for k, v in derived.items())


def test_officer_judgement_not_first_offense_prevails(engine):
    d = run(engine, item_id=TAX_03, first_offense=False, prior_offenses=[], harm="minor",
            corrected="within_deadline", act_date="2023-05-01", **PLAIN)
    assert d.outcome == "normal"


@pytest.mark.parametrize(
    "priors, outcome, measure",
    [
        ([], "lighter_penalty", "警告"),
        ([{"item_id": EV, "date": "2023-01-10"}], "normal", "依法处罚"),
        ([{"item_id": EV, "date": "2023-01-10"}, {"item_id": EV, "date": "2023-02-10"}], "normal",
         "暂扣车辆(直至强制报废)"),
    ],
)
def test_escalation_by_prior_count(engine, priors, outcome, measure):
    d = run(engine, item_id=EV, prior_offenses=priors, act_date="2023-03-01", harm="none",
            corrected="not_corrected", party_type="individual", age=45, **PLAIN)
    assert d.outcome == outcome
    assert measure in d.measures


def test_escalation_unknown_history_is_undetermined(engine):
    d = run(engine, item_id=EV, act_date="2023-03-01", harm="none", corrected="not_corrected",
            party_type="individual", age=45, **PLAIN)
    assert d.outcome == "undetermined"
    assert "prior_offenses" in [m.fact for m in d.missing_facts]


def test_not_first_settles_escalation_without_a_history(engine):
    # a second or later entry is never the first-entry warning: every later step is 依法处罚
    d = run(engine, item_id=EV, act_date="2023-03-01", harm="none", corrected="not_corrected",
            party_type="individual", age=45, first_offense=False, **PLAIN)
    assert d.outcome == "normal"
    assert "依法处罚" in d.measures


def test_prior_given_by_conduct_text_is_matched_or_asked(engine):
    base = dict(item_id=TAX_03, harm="minor", corrected="within_deadline", act_date="2023-05-01", **PLAIN)
    same = run(engine, prior_offenses=[{"conduct": "未按照规定期限办理纳税申报和报送纳税资料", "date": "2022-01-01"}],
               **base)
    assert same.outcome == "normal"  # the search finds this very item: not a first offence
    vague = run(engine, prior_offenses=[{"conduct": "其他问题", "date": "2022-01-01"}], **base)
    assert vague.outcome == "undetermined"
    asked = [m for m in vague.missing_facts if m.fact == "prior_offenses[0].same_conduct"]
    assert asked and "其他问题" in asked[0].question
    answered = run(engine, prior_offenses=[{"conduct": "其他问题", "date": "2022-01-01", "same_conduct": False}],
                   **base)
    assert answered.outcome == "no_penalty"


def test_city_parking_practice(engine):
    # 33(1) first sentence also requires 违法行为轻微: the white paper's practice is nobody's finding of it
    ok = run(engine, item_id=PARKING, corrected="within_deadline", act_date="2023-05-01", harm="none",
             minor_violation=True)
    assert ok.outcome == "no_penalty"
    # 不予处罚 rests on 行政处罚法 33(1), whose premise 没有造成危害后果 the agency must establish
    unknown = run(engine, item_id=PARKING, corrected="within_deadline", act_date="2023-05-01")
    assert unknown.outcome == "undetermined" and "harm" in [m.fact for m in unknown.missing_facts]
    not_moved = run(engine, item_id=PARKING, corrected="not_corrected", act_date="2023-05-01",
                    harm="none", first_offense=False, **PLAIN)
    assert not_moved.outcome == "normal"
    assert "责令当事人改正或者限期改正违法行为" in not_moved.measures


# ---------------------------------------------------------------- search path
def test_conduct_text_finds_the_item_and_asks_it_confirmed(engine):
    d = run(engine, conduct="纳税人没有按照规定期限办理纳税申报", first_offense=True, harm="minor",
            corrected="within_deadline", act_date="2023-05-01")
    assert d.chosen_item is None and f"最佳匹配 {TAX_03} " in d.trace.selection
    assert d.next_question.fact == "item_id" and [o.value for o in d.next_question.options] == [TAX_03, "none"]


def test_unclear_conduct_falls_back_to_statutory_rules_and_says_so(engine):
    d = run(engine, conduct="当事人有违法行为", **PLAIN, first_offense=False)
    assert d.chosen_item is None
    assert any("未能明确对应" in w for w in d.warnings)


def test_decision_before_2021_revision_does_not_apply_its_new_rules(engine):
    facts = dict(domain="market", first_offense=True, harm="minor", corrected="promptly", **PLAIN)
    before = run(engine, act_date="2021-03-01", decision_date="2021-05-01", **facts)
    assert "law-33-1b" not in [r.rule for r in before.trace.rules]  # the 2021 text is not in force
    assert [v.split("(")[0] for v in before.trace.law_versions] == ["xzcf@2017"]
    assert before.outcome == "normal"
    after = run(engine, act_date="2021-03-01", decision_date="2021-09-01", **facts)
    assert after.outcome == "discretionary_no_penalty"
    assert any("第三十七条" in t for t in after.trace.temporal)


def test_analogue_far_ahead_means_no_clear_binding_match(engine):
    # the only close item is an analogue (shanxi-eco/x02); a weaker binding hit must not be chosen
    d = run(engine, conduct="持证排污单位未按规定公开自行监测方案、监测数据等污染物排放信息", domain="ecology",
            first_offense=True, harm="minor", corrected="within_deadline", act_date="2023-05-01", **PLAIN)
    assert d.chosen_item is None
    assert d.outcome == "discretionary_no_penalty"
    assert any("未能明确对应" in w for w in d.warnings)


def test_basis_carries_the_cited_paragraph_text_when_statutes_are_configured(corpus, settings):
    if settings.statutes_dir is None:
        pytest.skip("未配置法规文本目录(PENALTY_RULES_STATUTES), 跳过条文原文测试")
    from penalty_rules.engine.engine import Engine
    from penalty_rules.statutes.library import StatuteLibrary

    engine = Engine(corpus, statutes=StatuteLibrary(settings.statutes_dir))
    d = run(engine, item_id=TAX_03, first_offense=True, harm="minor", corrected="promptly", act_date="2023-05-01")
    education = next(b for b in d.basis if b.citation and b.citation.article == 33 and b.citation.paragraph == 3)
    assert education.text.startswith("对当事人的违法行为依法不予行政处罚的")
    assert len({b.citation or b.label for b in d.basis}) == len(d.basis)  # each citation once
    listed = next(b for b in d.basis if b.role == "list")  # the list document and item number
    assert listed.document.doc_no and listed.document.item_no == 3 and "第3项" in listed.label
    ground = next(b for b in d.basis if b.role == "leniency_ground")  # the paragraph the list rests on
    assert (ground.citation.article, ground.citation.paragraph) == (33, 1) and ground.text.startswith("违法行为轻微")


@pytest.mark.parametrize(
    "prior_date, expected",
    [("2022-06-01", "no_penalty"), ("2024-06-01", "normal")],  # 3 years before vs 1 year before
)
def test_first_offense_window_of_the_list(engine, corpus, prior_date, expected):
    # 市场监管总局首违不罚清单: 首违 = 两年内无同类违法记录 (first_offense.window_years: 2)
    item = "cn-samr-2025-1/x06"
    premises = {  # the item's own conditions (e.g. 不影响食品安全且不会对消费者造成误导) hold
        c.key: True for ref in corpus.item_refs(item) for c in ref.item.conditions.iter_all() if hasattr(c, "custom")
    }
    d = run(engine, item_id=item, prior_offenses=[{"item_id": item, "date": prior_date}], harm="minor",
            corrected="promptly", act_date="2025-06-01", decision_date="2025-07-01", custom_conditions=premises,
            **PLAIN)
    assert d.outcome == expected
    assert any("2年内同类违法" in (r.note or "") for r in d.trace.rules if r.rule == item)


@pytest.mark.parametrize(
    "act, circumstance, article, item, words",
    [
        ("2023-05-01", "confessed", 32, 3, "主动供述行政机关尚未掌握的违法行为"),  # 2021 text, art. 32(三)
        ("2020-05-01", "coerced", 27, 2, "受他人胁迫有违法行为"),  # 2017 text, art. 27(1)(二)
    ],
)
def test_leniency_cites_the_item_with_its_paragraphs_consequence(corpus, settings, act, circumstance, article,
                                                                 item, words):
    if settings.statutes_dir is None:
        pytest.skip("未配置法规文本目录(PENALTY_RULES_STATUTES), 跳过条文原文测试")
    from datetime import date as _date

    from penalty_rules.engine.engine import Engine
    from penalty_rules.statutes.library import StatuteLibrary

    engine = Engine(corpus, statutes=StatuteLibrary(settings.statutes_dir))
    when = _date.fromisoformat(act)
    d = run(engine, domain="market", act_date=act, decision_date=when.replace(month=9).isoformat(),
            circumstances=[circumstance], minor_violation=False, first_offense=False, harm="serious",
            corrected="not_corrected")
    ground = d.basis[0]
    assert (ground.citation.article, ground.citation.item) == (article, item)
    assert words in ground.text and "从轻或者减轻行政处罚" in ground.text
