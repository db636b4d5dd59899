"""Grammar round 4 (issue 11): general constructions read from the development tables' custom phrases —
each reading is what the words say, the narrower words kept beside the tag."""

import pytest

from penalty_rules.importer.grammar import parse_conditions, to_conditions


def conds(text):
    return to_conditions(parse_conditions(text))


# -- the correction verb with its object or its completion (改正违法行为 / 整改到位 / 整改完毕) -----------------
@pytest.mark.parametrize(("words", "tag"), [
    ("在责令改正期限内改正违法行为", "corrected_within_deadline"),
    ("在规定期限内纠正违法行为", "corrected_within_deadline"),
    ("在规定期限内整改完毕", "corrected_within_deadline"),
    ("在责令改正期限内整改到位", "corrected_within_deadline"),
    ("限期内整改完成", "corrected_within_deadline"),
    ("及时改正违法行为", "corrected_promptly"),
    ("及时纠正违法行为", "corrected_promptly"),
    ("及时整改到位", "corrected_promptly"),
    ("发现前主动纠正违法行为", "corrected_before_discovery"),
])
def test_correction_verb_with_its_object_or_completion(words, tag):
    # 改正违法行为 is 改正; 到位 / 完毕 / 完成 say the correction was done: the tag alone (before: a fragment)
    r = parse_conditions(words)
    assert to_conditions(r) == {"all": [tag]} and not r.flags


@pytest.mark.parametrize("words", ["未及时改正违法行为", "未在规定期限内整改到位", "没有及时整改到位"])
def test_negated_correction_with_completion_stays_in_words(words):
    r = parse_conditions(words)
    assert to_conditions(r) == {"all": [{"custom": words}]} and "conditions.negation" in r.flags


# -- the order to correct as the occasion, before a deadline or 立即 --------------------------------------
def test_order_then_deadline_or_at_once():
    # 责令改正后在规定期限内改正: the deadline is the one ordered — corrected within it
    assert conds("责令改正后在规定期限内改正") == {"all": ["corrected_within_deadline"]}
    assert conds("经责令整改后，在责令改正期限内改正") == {"all": ["corrected_within_deadline"]}
    # 责令改正后立即改正: 立即 says more than 及时 — the tag and the words (as 立即改正)
    r = parse_conditions("责令改正后立即改正")
    assert to_conditions(r) == {"all": ["corrected_promptly", {"custom": "责令改正后立即改正"}]}
    assert "conditions.words_kept" in r.flags
    # the order alone is still no condition
    assert conds("经责令改正后") == {"all": [{"custom": "经责令改正后"}]}


# -- 及时 + the act that corrects (按要求及时退还 / 及时补办手续) ------------------------------------------------
@pytest.mark.parametrize("words", ["按要求及时返还", "按要求及时退还", "及时补办手续", "及时办理变更登记", "立即退还"])
def test_prompt_act_is_corrected_promptly_with_the_words(words):
    # the correction is the act named: corrected_promptly AND the wording (the officer confirms the act)
    r = parse_conditions(words)
    assert to_conditions(r) == {"all": ["corrected_promptly", {"custom": words}]}
    assert "conditions.words_kept" in r.flags


def test_prompt_act_in_the_lists_sentences():
    assert conds("未严重损害劳动者权益,且按要求及时返还") == {
        "all": ["no_serious_harm_to_workers", "corrected_promptly", {"custom": "按要求及时返还"}]}  # attested (round 6)
    # negated: never the tag
    r = parse_conditions("未按要求及时退还")
    assert to_conditions(r) == {"all": [{"custom": "未按要求及时退还"}]} and "conditions.negation" in r.flags
    # 及时办理 inside the no-fault words is no correction
    assert conds("其二:能证明未及时办理无主观过错且已补登") == {"all": ["no_subjective_fault", {"custom": "已补登"}]}
    # stopping is not correcting: no correction tag — the attested stopped_construction_or_restored, 发现后立即 kept
    assert conds("发现后立即停建或恢复原状") == {
        "all": ["stopped_construction_or_restored", {"custom": "发现后立即停建或恢复原状"}]}


# -- a deadline and the act that corrects (限期内取得许可 / 30日内补办手续) -------------------------------------
def test_deadline_with_more_corrective_acts():
    r = parse_conditions("具备法定条件且愿继续经营、限期内取得许可")
    assert to_conditions(r) == {"all": [{"custom": "具备法定条件且愿继续经营"}, "corrected_within_deadline"]}
    assert "期限内改正的内容: 取得许可" in r.notes
    r = parse_conditions("责令改正后30日内补办手续")
    assert to_conditions(r) == {"all": [{"quantity": "correction_days", "max": 30}]}
    assert "期限内改正的内容: 补办手续" in r.notes
    # a bare correction after the days: no act noted
    r = parse_conditions("7日内改正违法行为")
    assert to_conditions(r) == {"all": [{"quantity": "correction_days", "max": 7}]} and not r.notes


# -- first offence: 首次发生违法行为, windows with 未发生 / 无 违法行为 ---------------------------------------------
def test_first_offense_wordings():
    assert conds("首次发生违法行为") == {"all": ["first_offense"]}
    assert conds("首次违法行为且及时改正违法行为") == {"all": ["first_offense", "corrected_promptly"]}
    r = parse_conditions("三年内未发生同类违法行为")
    assert to_conditions(r) == {"all": ["first_offense"]} and r.notes == ["首违期限: 3年内"]
    # any violation, not only the same kind: the tag and the words (as 两年内无违法记录)
    for words in ("两年内无违法行为", "两年内未发生违法行为"):
        assert conds(words) == {"all": ["first_offense", {"custom": words}]}
    assert conds("两年内无违法所得") == {"all": [{"custom": "两年内无违法所得"}]}
    r = parse_conditions("非首次发生违法行为")
    assert to_conditions(r) == {"all": [{"custom": "非首次发生违法行为"}]} and "conditions.negation" in r.flags


# -- cooperation with whoever investigates -------------------------------------------------------------
def test_cooperated_with_the_investigators_named():
    assert conds("积极配合执法人员调查") == {"all": ["cooperated"]}
    assert conds("积极配合税务机关调查") == {"all": ["cooperated"]}
    assert conds("积极配合执法人员查处") == {"all": ["cooperated", {"custom": "积极配合执法人员查处"}]}
    assert "cooperated" not in str(conds("主动配合调查"))  # 主动 is not 积极: not read


# -- plain synonyms of constructions the grammar reads ------------------------------------------------
def test_time_set_for_the_correction():
    # 规定时间 / 责令改正的时间 is the deadline; a bare 短时间内 is not
    assert conds("在规定时间内改正") == {"all": ["corrected_within_deadline"]}
    assert conds("在责令改正的时间内改正到位") == {"all": ["corrected_within_deadline"]}
    assert conds("短时间内改正") == {"all": [{"custom": "短时间内改正"}]}


def test_a_run_of_filler_words():
    # 当事人能够 (two fillers) before a tag word says nothing more
    assert conds("当事人能够当场改正") == {"all": ["corrected_promptly", {"custom": "当场改正"}]}
    assert conds("当事人已经及时改正") == {"all": ["corrected_promptly"]}
    # 本次 is not filler before 罚款已缴纳 (this case's fine), not in a run either
    assert "fines_paid" not in conds("当事人本次罚款已缴纳")["all"]


@pytest.mark.parametrize(("words", "expected"), [
    ("经执法人员指出后立即改正", ["corrected_promptly", {"custom": "经执法人员指出后立即改正"}]),
    ("经批评教育后及时改正", ["corrected_promptly"]),
    ("被发现后及时改正", ["corrected_promptly"]),
])
def test_the_officers_act_as_the_occasion(words, expected):
    # the occasion (指出 / 批评教育 / 发现 后) is no condition; the correction said after it is
    assert conds(words) == {"all": expected}


def test_first_breach_of_the_rule():
    assert conds("首次违反本规定") == {"all": ["first_offense"]}
    assert conds("首次违反《娱乐场所管理条例》的规定") == {"all": ["first_offense"]}
    assert conds("非首次违反本规定") == {"all": [{"custom": "非首次违反本规定"}]}


def test_labels_naming_the_kind_of_conditions_are_not_moved():
    # 从轻条件： / 该清单一般条件：: the kind of conditions that follow — a label (remark), not text moved to the note
    r = parse_conditions("从轻条件:因公益项目建设而非法占地。")
    assert to_conditions(r) == {"all": [{"custom": "因公益项目建设而非法占地"}]}
    assert r.moved == [] and "从轻条件:" in r.remarks
    r = parse_conditions("无违法所得、无危害后果。该清单一般条件:一年内无同类违法记录")
    assert to_conditions(r) == {"all": ["no_illegal_gains", "no_harm", "first_offense"]}
    assert r.moved == [] and "该清单一般条件:" in r.remarks
    # other words before it: still a heading moved to the note (其他从轻条件： may say more)
    assert parse_conditions("其他从轻条件：首次违法").moved == ["其他从轻条件："]


def test_a_bracket_naming_only_the_outcome_is_not_moved():
    # (不罚款) / “免于经济处罚”: the outcome, no condition — a remark, not text moved to the note
    r = parse_conditions("“免于经济处罚”(不罚款):在责令限期补办审批手续期限内补办完成。")
    assert to_conditions(r) == {"all": ["corrected_within_deadline"]}
    assert r.moved == [] and "(不罚款)" in r.remarks and "“免于经济处罚”" in r.remarks
    # with more words it may say more: still moved
    assert parse_conditions("违法行为轻微并及时改正的,不予处罚(经核实后主动不罚)。").moved == ["(经核实后主动不罚)"]
