"""聊城市道路交通安全条例(2021-12-03 text) art. 75(2): “因让行而产生的违反交通信号灯、交通标志、标线等行为，
不予处罚。” — art. 39: “遇有开启警报器、标志灯具等执行紧急任务的警车、消防车、救护车、工程救险车，其他车辆和行人
应当按照下列规定让行”; art. 2: “本市行政区域内的车辆驾驶人、行人、乘车人以及与道路交通活动有关的单位和个人，应当
遵守本条例。” (a 聊城 local regulation: 聊城市 371500 and the jurisdictions under it, road traffic cases).
Time: the library holds only the text as amended by the decision approved by the province on 2021-12-03
(立法法(2015) art. 72(2): “设区的市的地方性法规须报省、自治区的人民代表大会常务委员会批准后施行”): the amended
text is not in force before that day, and when it took effect is not known; a public page carried it as the
current text on 2024-07-25 (the row's in_force_from). Read against the decision date: once the text is in force
it reaches earlier acts too, being lighter (行政处罚法(2021) 第三十七条 “……作出行政处罚决定时，法律、法规、规章
已被修改或者废止，且新的规定处罚较轻或者不认为是违法的，适用新的规定”); a decision before that date is warned,
never decided by it (re-reader: a firm 不予 from 2021-12-03, the approval date, was not justified).
Relation to 道路交通安全法 art. 53(1) (“其他车辆和行人应当让行”) and art. 90: for the legal office (warning)."""

from datetime import date

from penalty_rules.model.facts import CaseFacts

FACT = "lc_traffic_yield_emergency"
CITED = "《聊城市道路交通安全条例》第七十五条第二款"
# a red light run in 东昌府区 (under 聊城市), found and decided the same month; not minor, not corrected, not a
# first offence: without 75(2) the law gives 依法处罚
RED_LIGHT = dict(jurisdiction="371502", domain="road_traffic", violated_law="中华人民共和国道路交通安全法",
                 party_type="individual", age=35, act_date=date(2025, 5, 6), continuing=False,
                 discovered_date=date(2025, 5, 6), decision_date=date(2025, 5, 20), minor_violation=False,
                 harm="none", corrected="not_corrected", first_offense=False, circumstances=[])


def _case(**changes) -> CaseFacts:
    return CaseFacts(**{**RED_LIGHT, **changes})


def _yielded(value=True, **changes) -> CaseFacts:
    return _case(special_law_facts={FACT: value}, **changes)


def _applied(d) -> bool:
    return any(r.rule == "lc-traffic-75" and r.satisfied is True for r in d.trace.rules)


def test_a_red_light_run_to_give_way_in_liaocheng_is_not_penalised_under_75_2(engine):
    d = engine.evaluate(_yielded())
    assert d.outcome == "no_penalty" and d.chosen_rule == "lc-traffic-75" and d.chosen_item is None
    assert d.leniency.mandatory is True and d.leniency.wording == "不予处罚"
    cited = [b for b in d.basis if b.label == CITED]
    assert cited and cited[0].citation.law == "聊城市道路交通安全条例"
    assert (cited[0].citation.article, cited[0].citation.paragraph) == (75, 2)
    assert CITED in d.summary and "因让行而产生的违反交通信号灯、交通标志、标线等行为，不予处罚" in d.summary
    assert "对当事人进行教育" in d.measures  # 行政处罚法 33(3): every 不予行政处罚
    # the relation to the national law is said, for the legal office
    national = [w for w in d.warnings if w.startswith("本结论依《聊城市道路交通安全条例》第七十五条第二款")]
    assert national and "第五十三条第一款" in national[0] and "其他车辆和行人应当让行" in national[0]
    assert "待法制机构确认" in national[0]


def test_the_city_itself_is_in_the_regulations_area(engine):
    assert engine.evaluate(_yielded(jurisdiction="371500")).outcome == "no_penalty"


def test_the_text_is_quoted_from_the_library(engine):
    d = engine.evaluate(_yielded())
    entry = next(b for b in d.basis if b.label == CITED)
    if entry.text is not None:  # the statute folder configured
        assert entry.text.startswith("因让行而产生的违反交通信号灯、交通标志、标线等行为，不予处罚")


def test_whether_the_party_gave_way_unknown_is_asked_not_assumed(engine):
    d = engine.evaluate(_case())
    assert d.outcome == "undetermined"
    assert "no_penalty" in d.possible_outcomes and "normal" in d.possible_outcomes
    asked = {m.fact: m.question for m in d.missing_facts}
    question = asked.get(f"special_law_facts.{FACT}")
    assert question is not None and "让行" in question and "救护车" in question and "交通信号灯" in question
    assert not _applied(d)


def test_not_given_way_the_answer_is_what_the_law_otherwise_gives(engine):
    d = engine.evaluate(_yielded(False))
    assert d.outcome == "normal" and not _applied(d)
    assert not any(CITED in w for w in d.warnings)


def test_outside_liaocheng_the_regulation_does_not_apply(engine):
    d = engine.evaluate(_yielded(jurisdiction="370000"))  # 山东省: not under 聊城市
    assert d.outcome == "normal" and not any(r.rule == "lc-traffic-75" for r in d.trace.rules)
    unknown = engine.evaluate(_case(jurisdiction="370000"))
    assert unknown.outcome == "normal" and not unknown.missing_facts


def test_another_domain_is_not_governed(engine):
    d = engine.evaluate(_yielded(domain="market", violated_law="中华人民共和国广告法"))
    assert d.outcome == "normal" and not any(r.rule == "lc-traffic-75" for r in d.trace.rules)
    unknown = engine.evaluate(_case(domain="market", violated_law="中华人民共和国广告法"))
    assert unknown.outcome == "normal"


def test_a_decision_before_the_text_is_known_in_force_is_not_decided_by_it_but_warned(engine):
    for act, dec in ((date(2021, 11, 1), date(2021, 11, 20)), (date(2021, 12, 3), date(2021, 12, 4)),
                     (date(2024, 7, 1), date(2024, 7, 24))):
        d = engine.evaluate(_yielded(act_date=act, discovered_date=act, decision_date=dec))
        assert d.outcome == "normal" and not _applied(d), (act, dec)  # kept: not a firm 不予处罚
        said = [w for w in d.warnings if CITED in w and "因让行而产生的违反交通信号灯、交通标志、标线等行为" in w]
        assert said and "2024年7月25日" in said[0] and "法制机构" in said[0] and "第三十七条" in said[0]


def test_an_earlier_act_decided_once_the_text_is_in_force_is_reached_by_it(engine):
    """行政处罚法 37: the lighter new rule applies to an act before it, decided after it took effect (the
    re-reader: an act of 2021-11-01 decided later got a firm 依法处罚 against the row's own premise)."""
    for act, dec in ((date(2021, 11, 1), date(2024, 8, 1)), (date(2024, 7, 1), date(2024, 7, 25))):
        d = engine.evaluate(_yielded(act_date=act, discovered_date=act, decision_date=dec))
        assert d.outcome == "no_penalty" and d.chosen_rule == "lc-traffic-75", (act, dec, d.outcome)


def test_the_act_date_is_not_what_75_2_reads(engine):
    d = engine.evaluate(_yielded(act_date=None, continuing=None))
    rule = next(r for r in d.trace.rules if r.rule == "lc-traffic-75")
    assert rule.satisfied is True  # the decision date (2025-05-20) decides its time; others may still ask


def test_a_city_item_case_keeps_its_answer_and_asks_about_giving_way(engine):
    """A 聊城 practice item names the conduct (驶入限行区域, second time: 依法处罚): with the yielding
    unknown the item's answer stands and the question is said; given, 75(2) decides."""
    facts = dict(item_id="lc-practice-2022/ev-restricted-zone", party_type="individual", age=45,
                 prior_offenses=[{"item_id": "lc-practice-2022/ev-restricted-zone", "date": date(2025, 3, 1)}],
                 act_date=date(2025, 4, 1), decision_date=date(2025, 4, 1), minor_violation=False, harm="none",
                 corrected="not_corrected", circumstances=[])
    d = engine.evaluate(CaseFacts(**facts))
    assert d.outcome == "normal"
    assert any(w.startswith("本案如属“因让行") and CITED in w for w in d.warnings)
    given = engine.evaluate(CaseFacts(**facts, special_law_facts={FACT: True}))
    assert given.outcome == "no_penalty" and given.chosen_rule == "lc-traffic-75"


def test_the_verdict_path_agrees(engine):
    outcome, _item, rule, possible, missing = engine.verdict(_yielded())
    assert (outcome, rule) == ("no_penalty", "lc-traffic-75")
    outcome, _item, rule, possible, missing = engine.verdict(_case())
    assert outcome == "undetermined" and f"special_law_facts.{FACT}" in missing


def test_an_item_not_in_force_still_names_the_conduct(engine):
    """The city's low-speed EV practice is applied from 2022-07-10: an entry on 2022-05-01 is decided by the law
    (依法处罚 here); the item still names the conduct, so the yielding is said, not asked."""
    d = engine.evaluate(CaseFacts(item_id="lc-practice-2022/ev-restricted-zone", party_type="individual", age=45,
                                  act_date=date(2022, 5, 1), decision_date=date(2022, 5, 2), continuing=False,
                                  first_offense=True, minor_violation=False, harm="minor",
                                  corrected="not_corrected", circumstances=[]))
    assert d.outcome == "normal" and any(w.startswith("本案如属“因让行") for w in d.warnings)



def test_an_earlier_act_reached_by_75_2_cites_art37(engine, settings):
    """(re-reader) An act of 2020 decided in 2025: whether the 2017 text had 75(2) is not known, so the
    amended text reaches the act through 行政处罚法(2021) 第三十七条 “……新的规定处罚较轻……适用新的规定”:
    the answer and the 不予行政处罚决定书 say so."""
    from penalty_rules.documents import DecisionSource, DocumentRequest, build_document
    from penalty_rules.statutes import StatuteLibrary

    assert settings.statutes_dir is not None, "the statute texts are needed to cite art. 37"
    statutes = StatuteLibrary(settings.statutes_dir)
    facts = {**RED_LIGHT, "act_date": date(2024, 7, 1), "discovered_date": date(2024, 7, 1),
             "decision_date": date(2025, 1, 1), "special_law_facts": {FACT: True}}
    d = engine.evaluate(CaseFacts(**facts))
    assert d.outcome == "no_penalty" and d.chosen_rule == "lc-traffic-75"
    assert any("第三十七条" in t for t in d.trace.temporal), d.trace.temporal
    doc = build_document(DecisionSource(decision=d, facts=facts), DocumentRequest(), statutes)
    ruling = "\n".join(p for s in doc.sections if s.key == "decision" for p in s.paragraphs)
    assert "第三十七条" in ruling and "第七十五条第二款" in ruling
    later = engine.evaluate(_yielded())  # act 2025-05-06: the text was in force at the act
    assert not any("第三十七条" in t for t in later.trace.temporal)


def test_the_row_that_decided_is_in_the_trace(engine):
    """Which special-law row decided a past case is what a legal reviewer audits (trace.overrides): the
    exemption rows are gathered with the statutory results like the other rows."""
    d = engine.evaluate(_yielded())
    assert d.trace.overrides == ["lc-traffic-75"]
    assert any(v.startswith("xzcf@2021") for v in d.trace.law_versions)


def test_the_answered_fact_is_not_dropped_when_neither_domain_nor_law_is_given(engine):
    """A reviewer: the officer answered 75(2)'s own fact (因让行) true, but gave no domain and no violated law; the
    row was left out and the answer was a firm 依法处罚 with no word of 75(2). The answer names the law now: which law
    was violated is asked, and 不予处罚 stays possible."""
    d = engine.evaluate(_yielded(domain=None, violated_law=None, conduct="为让行救护车闯红灯"))
    assert d.outcome == "undetermined" and "no_penalty" in d.possible_outcomes
    assert "violated_law" in [m.fact for m in d.missing_facts]
    denied = engine.evaluate(_yielded(False, domain=None, violated_law=None, conduct="为让行救护车闯红灯"))
    assert denied.outcome == "normal"


def test_a_denied_fact_names_no_law_for_an_unrelated_case(engine):
    """A re-reader: answered false, the row still stood in trace.overrides (适用的单行法另有规定) of a case with no domain."""
    d = engine.evaluate(_yielded(False, domain=None, violated_law=None, conduct="未按规定公示年度报告"))
    assert "lc-traffic-75" not in (d.trace.overrides or [])
