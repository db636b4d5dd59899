"""The condition grammar: vocabulary tags, thresholds, conjunctions; custom wording kept."""

import pytest

from penalty_rules.importer.grammar import ENUM, parse_conditions, to_conditions


def conds(text):
    return to_conditions(parse_conditions(text))


def test_art33_wordings():
    assert conds("初次违法、危害后果轻微并及时改正") == {"all": ["first_offense", "minor_harm", "corrected_promptly"]}
    assert conds("违法行为轻微并及时纠正，没有造成危害后果") == {
        "all": ["minor_violation", "corrected_promptly", "no_harm"]}
    assert conds("当事人有证据足以证明没有主观过错") == {"all": ["no_subjective_fault"]}
    assert conds("情节轻微；在责令改正期限内改正") == {"all": ["minor_violation", "corrected_within_deadline"]}
    assert conds("税务机关发现前主动改正") == {"all": ["corrected_before_discovery"]}


def test_first_offense_window():
    r = parse_conditions("两年内首次违法且危害后果轻微")
    assert to_conditions(r) == {"all": ["first_offense", "minor_harm"]}
    assert "首违期限: 2年内" in r.notes
    r = parse_conditions("一年内无同类违法记录，及时改正")
    assert to_conditions(r) == {"all": ["first_offense", "corrected_promptly"]}
    assert "首违期限: 1年内" in r.notes


def test_thresholds_units_and_numerals():
    assert conds("违法所得不超过五百元") == {"all": [{"quantity": "illegal_gains_yuan", "max": 500}]}
    assert conds("货值金额不足1万元") == {"all": [{"quantity": "goods_value_yuan", "lt": 10000}]}
    assert conds("罚款额不足5万元且积极配合调查") == {
        "all": [{"quantity": "fine_amount_yuan", "lt": 50000}, "cooperated"]}
    assert conds("违法所得2000元以下") == {"all": [{"quantity": "illegal_gains_yuan", "max": 2000}]}
    assert conds("违法所得不超过人民币5千元") == {"all": [{"quantity": "illegal_gains_yuan", "max": 5000}]}
    assert conds("违法所得在一千元以下，尚未造成危害后果") == {
        "all": [{"quantity": "illegal_gains_yuan", "max": 1000}, "no_harm"]}


def test_or_and_alternatives():
    assert conds("首次发生且危害后果轻微；发现前主动改正或责令限期内改正") == {
        "all": ["first_offense", "minor_harm"],
        "any_of": [["corrected_before_discovery"], ["corrected_within_deadline"]],
    }
    assert conds("违法行为轻微并及时改正，没有造成危害后果；或者初次违法且危害后果轻微并及时改正") == {
        "all": ["corrected_promptly"],
        "any_of": [["minor_violation", "no_harm"], ["first_offense", "minor_harm"]],
    }
    assert conds("有下列情形之一：主动消除或者减轻违法行为危害后果；受他人胁迫；配合查处有立功表现") == {
        "all": [], "any_of": [["eliminated_harm"], ["coerced"], ["meritorious"]]}


def test_unknown_wording_is_kept_not_guessed():
    r = parse_conditions("首次违法；能如实说明进货来源；未发生食品安全事故")
    c = to_conditions(r)
    assert c["all"][0] == "first_offense"
    assert {"custom": "能如实说明进货来源"} in c["all"] and {"custom": "未发生食品安全事故"} in c["all"]
    assert [leaf.text for leaf in r.custom] == ["能如实说明进货来源", "未发生食品安全事故"]
    # an unknown OR is not split on a guess: one phrase in the list's words
    r = parse_conditions("企业主动整改或恢复生产")
    assert [leaf.text for leaf in r.leaves] == ["企业主动整改或恢复生产"] and not r.parsed


def test_remarks_are_not_conditions():
    r = parse_conditions("初次违法且危害后果轻微并及时改正的，可以不予处罚（新闻转述）")
    assert to_conditions(r) == {"all": ["first_offense", "minor_harm", "corrected_promptly"]}
    assert any("可以不予处罚" in x for x in r.remarks) and "（新闻转述）" in r.remarks


def test_no_phrase_lost():
    text = "首次被发现且情节轻微;自行纠正或限期内改正;无危害后果;其后条件及依据页面截断"
    r = parse_conditions(text)
    for leaf in r.leaves:
        assert leaf.text in text
    # a remark about the source is not a condition: kept as a remark (the item's note), not dropped
    # 自行纠正 is not just 及时改正: the tag is written and the wording kept beside it
    assert to_conditions(r) == {"all": ["first_offense", "minor_violation", "no_harm"],
                                "any_of": [["corrected_promptly", {"custom": "自行纠正"}], ["corrected_within_deadline"]]}
    assert r.editorial == ["其后条件及依据页面截断"] and "其后条件及依据页面截断" in r.remarks
    assert residue(text, r) == ""


STRUCTURE = set(" \n\t,，、;；。:：.…()（）且并或者及和同时的属系为已均经即等能够后须可当事人情形以上其则查实")


def residue(text, result):
    """What of the text is neither a phrase nor a remark (structure words and punctuation aside)."""
    rest = text.replace("\n", "；")
    for piece in sorted([leaf.text for leaf in result.leaves] + list(result.remarks), key=len, reverse=True):
        rest = rest.replace(piece.replace("\n", "；"), "", 1)
    rest = ENUM.sub("", rest)  # (1) / 其一: enumeration marks are structure
    return "".join(ch for ch in rest if ch not in STRUCTURE)


# -- rules added in the second grammar round (wording from the development tables) ------------------
TRAFFIC_A = "未造成交通事故或交通拥堵,且本次违法前半年内车辆和驾驶人无违法记录、以往违法均已处理的,可以只给予警告,不罚款、不记分。"
TRAFFIC_B = "以往违法均已处理、罚款已缴纳、车辆状态正常,本次违法前6个月内无违法记录,且未造成事故或拥堵的,以警告代替罚款记分(记0分、罚0元)。"


def test_month_window_is_first_offense_with_the_wording_kept():
    r = parse_conditions(TRAFFIC_A)
    # 未造成交通事故或交通拥堵 and 以往违法均已处理 are the officer-attested tags of the same words
    assert to_conditions(r) == {"all": [
        "no_traffic_accident_or_congestion", "first_offense",
        {"custom": "本次违法前半年内车辆和驾驶人无违法记录"}, "prior_violations_handled"]}
    window = next(leaf for leaf in r.leaves if leaf.condition == "first_offense")
    assert window.keep_words and window.note.startswith("首违期限: 半年内") and "车辆和驾驶人" in window.note
    r = parse_conditions(TRAFFIC_B)
    c = to_conditions(r)["all"]
    assert "first_offense" in c and {"custom": "本次违法前6个月内无违法记录"} in c
    # three conditions in a 、 list, each a tag of its own words; 事故或拥堵 is neither of them (not no_harm);
    # a bare 事故 is any accident, more than the tag's traffic accident: the tag and the words, both required
    assert c == ["prior_violations_handled", "fines_paid", "vehicle_status_normal", "first_offense",
                 {"custom": "本次违法前6个月内无违法记录"}, "no_traffic_accident_or_congestion",
                 {"custom": "未造成事故或拥堵"}]
    assert "no_harm" not in c and any("首违期限: 6个月内" in n for n in r.notes)


def test_year_window_forms_and_the_limitation_period():
    r = parse_conditions("两年内无同类违法，及时改正")
    assert to_conditions(r) == {"all": ["first_offense", "corrected_promptly"]} and "首违期限: 2年内" in r.notes
    # 两年内未被发现 is the limitation period (行政处罚法第三十六条), not a first offence
    r = parse_conditions("行政处罚法第33条各情形,或两年内未被发现")
    assert "first_offense" not in str(to_conditions(r)) and "两年内未被发现" in [leaf.text for leaf in r.custom]


def test_shared_verb_after_or():
    # 主动改正 (on one's own, not necessarily before discovery) is corrected_voluntarily, never
    # corrected_before_discovery: the shared verb reads 主动改正 or 限期内改正 (hr_social_security, js-hrss-16's
    # general condition 主动或限期内改正)
    r = parse_conditions("无危害后果、主动或限期内改正")
    assert to_conditions(r) == {"all": ["no_harm"],
                                "any_of": [["corrected_voluntarily"], ["corrected_within_deadline"]]}


def test_deadline_acts():
    assert conds("在责令整改期限内补报备并提供真实信息") == {
        "all": ["corrected_within_deadline", {"custom": "提供真实信息"}]}
    assert conds("危害后果轻微,并同时具备:期限内拆除违法建筑物、构筑物并恢复原状;属首次违法;承诺不再违法。") == {
        "all": ["minor_harm", "corrected_within_deadline", "first_offense", "promised_no_repeat"]}
    r = parse_conditions("初次违反,在规定期限内停止违法行为并采取补救措施消除负面影响。")
    # the time limit governs the remedy too (…并采取补救措施): the whole wording is kept beside the tags
    assert to_conditions(r) == {"all": ["first_offense", "corrected_within_deadline",
                                        "remedied_negative_effects",
                                        {"custom": "在规定期限内停止违法行为并采取补救措施消除负面影响"}]}
    assert "期限内改正的内容: 停止违法行为" in r.notes
    assert conds("本年度未检测,经责令改正在限定期限内完成检测且卫生质量符合标准,主动消除或减轻危害后果的,从轻处罚。") == {
        "all": [{"custom": "本年度未检测"}, "corrected_within_deadline", {"custom": "卫生质量符合标准"}, "eliminated_harm"]}
    assert conds("或单位收到责令限期办理通知书后在规定时限内完成整改") == {"all": ["corrected_within_deadline"]}
    assert conds("在责令限期补办审批手续期限内补办完成。") == {"all": ["corrected_within_deadline"]}
    r = parse_conditions("检查之日起3个月内完成审批、验收并公开报告。")
    # the start (检查之日起) and the acts are kept in the list's words beside the bound (issue 11: the quantity counts
    # “自责令改正或检查、发现之日起”, which one the list means was only in the note)
    assert to_conditions(r) == {"all": [{"quantity": "correction_months", "max": 3},
                                        {"custom": "检查之日起3个月内完成审批、验收并公开报告"}]}
    assert r.notes[0].startswith("期限自检查之日起计算; 期限内改正的内容: 完成审批、验收并公开报告")


def test_by_the_deadline():
    assert conds("责令限期改正后,能按期改正违法建设部分。") == {"all": ["corrected_within_deadline"]}
    assert conds("已处验收阶段,责令改正后按期完成验收") == {
        "all": [{"custom": "已处验收阶段"}, "corrected_within_deadline"]}
    assert conds("已设原始记录和台账但不合规;认真整改并在规定期限内完成") == {
        "all": [{"custom": "已设原始记录和台账但不合规"}, "corrected_within_deadline"]}


def test_elliptic_second_amounts():
    r = parse_conditions("违法数额占应报数10%以下且在5000万元以下,并满足其一:轻微及时改正无危害;初次违法危害轻微及时改正;能证明无主观过错")
    assert to_conditions(r) == {
        "all": [{"quantity": "illegal_amount_ratio_pct", "max": 10}, {"quantity": "illegal_amount_yuan", "max": 50000000}],
        "any_of": [["minor_violation", "corrected_promptly", "no_harm"], ["first_offense", "minor_harm", "corrected_promptly"],
                   ["no_subjective_fault"]]}
    c = conds("初次违法;卷烟雪茄不超过3条(600支)、金额不超过3000元且未同时寄其他烟草制品,或烟叶烟丝复烤烟叶不超过12.5公斤")
    assert c["any_of"][0] == [{"quantity": "cigarettes_cartons", "max": 3}, {"quantity": "cigarettes_sticks", "max": 600},
                              {"quantity": "cigarettes_value_yuan", "max": 3000}, {"custom": "未同时寄其他烟草制品"}]
    r = parse_conditions("此前无涉烟违法;收购烟叶不超过30公斤且金额不超过1000元;在责令限期内改正(三项同时满足)")
    assert {"quantity": "illegal_amount_yuan", "max": 1000} in to_conditions(r)["all"]
    assert any("涉案金额" in n for n in r.notes)
    # no amount before: a bare 金额 is not read
    assert not parse_conditions("金额不超过3000元").parsed


def test_fault_report_boiler_ph_and_classification():
    assert conds("其二:能证明未及时办理无主观过错且已补登") == {"all": ["no_subjective_fault", {"custom": "已补登"}]}
    assert conds("24小时内报告并采取停产措施") == {
        "all": [{"quantity": "report_hours", "max": 24}, {"custom": "采取停产措施"}]}
    assert conds("锅炉总容量上限10吨/小时") == {"all": [{"quantity": "boiler_capacity_t_per_h", "max": 10}]}
    assert conds("超标倍数0.1倍以内,或pH值在5至10之间,或噪声超标1分贝以内(三者之一),次日完成整改并达标排放。") == {
        "all": [{"custom": "次日完成整改并达标排放"}],
        "any_of": [[{"quantity": "exceedance_multiple", "max": 0.1}], [{"quantity": "ph", "min": 5}, {"quantity": "ph", "max": 10}],
                   [{"quantity": "noise_exceedance_db", "max": 1}]]}
    r = parse_conditions("违规存续3个月内属轻微违法;在《责令限期整改通知书》规定时限内完成整改的,可不予处罚")
    assert to_conditions(r) == {"all": [{"quantity": "violation_duration_months", "max": 3}, "corrected_within_deadline"]}
    assert "属轻微违法" in r.remarks


def test_headings_before_labels():
    r = parse_conditions("基准的通用不予处罚情形(满足其一):违法行为轻微并主动改正且没有造成危害后果;或单位收到责令限期办理通知书后在规定时限内完成整改。")
    assert to_conditions(r) == {"all": [], "any_of": [["minor_violation", "corrected_voluntarily", "no_harm"],
                                                      ["corrected_within_deadline"]]}
    assert "基准的通用不予处罚情形" in r.remarks
    r = parse_conditions("现场检查后立即停止建设或恢复原状;总条件为轻微、及时改正、无危害后果。")
    # the attested tag stopped_construction_or_restored, with 现场检查后立即 kept in words beside it
    c = to_conditions(r)["all"]
    assert "总条件为" in r.remarks and not r.custom and "conditions.words_kept" in r.flags
    assert c[c.index("stopped_construction_or_restored") + 1] == {"custom": "现场检查后立即停止建设或恢复原状"}


def test_elliptic_order_is_not_a_vocabulary_tag():
    # 经责令改正后 does not say "within the deadline": kept in words
    r = parse_conditions("经责令改正后可以从轻处罚")
    assert to_conditions(r) == {"all": [{"custom": "经责令改正后"}]}


def test_by_the_deadline_needs_the_order_for_other_acts():
    # 按期完成 alone may mean "as usual": not read as correction within the deadline
    assert not parse_conditions("按期完成年度报告公示").parsed
    assert conds("能证明其已改正且无主观过错") == {"all": [{"custom": "能证明其已改正"}, "no_subjective_fault"]}


# -- legal review of the import (the quoted wording of each finding) ---------------------------------
def test_numbered_conditions_under_an_all_marker_are_and():
    r = parse_conditions("同时符合下列条件：（一）初次违法；（二）危害后果轻微；（三）及时改正")
    assert to_conditions(r) == {"all": ["first_offense", "minor_harm", "corrected_promptly"]}
    assert "conditions.marker" in r.flags
    assert conds("具备下列条件：1.初次违法；2.及时改正") == {"all": ["first_offense", "corrected_promptly"]}
    assert conds("(1)初次违法;(2)危害后果轻微(三项同时满足)") == {"all": ["first_offense", "minor_harm"]}
    # an explicit one-of marker: alternatives
    assert conds("有下列情形之一：(1)初次违法；(2)危害后果轻微") == {
        "all": [], "any_of": [["first_offense"], ["minor_harm"]]}
    # no marker at all: neither guessed — the words kept, flagged
    r = parse_conditions("(1)初次违法；(2)危害后果轻微；(3)及时改正")
    assert to_conditions(r) == {"all": [{"custom": "(1)初次违法；(2)危害后果轻微；(3)及时改正"}]}
    assert "conditions.structure_unclear" in r.flags


def test_a_full_stop_or_and_closes_the_alternatives():
    r = parse_conditions("有下列情形之一：(1)初次违法；(2)危害后果轻微。且积极配合调查")
    assert to_conditions(r) == {"all": ["cooperated"], "any_of": [["first_offense"], ["minor_harm"]]}
    assert conds("有下列情形之一：(1)初次违法；(2)危害后果轻微；并积极配合调查") == {
        "all": ["cooperated"], "any_of": [["first_offense"], ["minor_harm"]]}


def test_enumeration_comma_keeps_shared_negations_and_exclusions():
    for words in ("不存在拒不接受调查处理、阻碍执法、煽动抗拒执法等妨碍公务行为", "未造成路产损害、交通事故或拥堵",
                  "危险物品生产经营储存单位、非煤矿山、金属冶炼单位除外", "限于侵权盗版、含违禁内容以外的非网络游戏",
                  "采取停产、限产措施"):
        r = parse_conditions(words)
        assert to_conditions(r) == {"all": [{"custom": words}]}, words
    assert "conditions.exclusion" in parse_conditions("危险物品生产经营储存单位、非煤矿山、金属冶炼单位除外").flags
    # every part a tag: split as before
    assert conds("初次违法、危害后果轻微并及时改正") == {"all": ["first_offense", "minor_harm", "corrected_promptly"]}
    assert conds("未造成危害后果、交通事故") == {"all": [{"custom": "未造成危害后果、交通事故"}]}


@pytest.mark.parametrize("words", ["非首次违法", "不属于首次违法", "未及时改正", "没有及时改正", "不能证明没有主观过错",
                                   "无法证明没有主观过错", "初次违法的除外"])
def test_a_negated_tag_word_is_not_the_tag(words):
    r = parse_conditions(words)
    assert to_conditions(r) == {"all": [{"custom": words}]}
    assert "conditions.negation" in r.flags
    # the tag's own negation stays the tag
    assert conds("没有造成危害后果") == {"all": ["no_harm"]} and conds("未造成危害后果") == {"all": ["no_harm"]}


def test_news_report_condition_is_not_an_editorial_remark():
    r = parse_conditions("未被新闻媒体报道，未造成危害后果")
    assert to_conditions(r) == {"all": [{"custom": "未被新闻媒体报道"}, "no_harm"]} and not r.editorial
    assert parse_conditions("首次违法;页面截断").editorial == ["页面截断"]
    assert parse_conditions("首次违法;据转载推测").editorial == ["据转载推测"]


def test_brackets_naming_conditions_are_read():
    # a bracket naming conditions without a general-rule label: kept as a condition in the list's words
    r = parse_conditions("在限期内改正(须及时改正且未造成危害后果)")
    assert to_conditions(r) == {"all": ["corrected_within_deadline", {"custom": "须及时改正且未造成危害后果"}]}
    assert "conditions.bracket" in r.flags
    # (清单总则:…) with plain conditions: read as conditions (round 5, test_grammar_round5.py)
    assert conds("违法所得1万元以下（不含1万元）") == {"all": [{"quantity": "illegal_gains_yuan", "lt": 10000}]}
    assert conds("违法所得1万元以下（含1万元）") == {"all": [{"quantity": "illegal_gains_yuan", "max": 10000}]}
    assert conds("违法所得不足1万元（含本数）") == {"all": [{"quantity": "illegal_gains_yuan", "max": 10000}]}
    # a bracket whose amount is not the threshold's: kept in words
    assert conds("违法所得1万元以下（不含5000元）") == {"all": [{"custom": "违法所得1万元以下（不含5000元）"}]}


def test_windows_without_same_kind_keep_their_words():
    r = parse_conditions("两年内无违法记录")
    assert to_conditions(r) == {"all": ["first_offense", {"custom": "两年内无违法记录"}]}
    assert conds("一年内未受过行政处罚") == {"all": ["first_offense", {"custom": "一年内未受过行政处罚"}]}
    assert conds("此前无涉烟违法") == {"all": ["first_offense", {"custom": "此前无涉烟违法"}]}
    r = parse_conditions("两年内无同类违法记录")
    assert to_conditions(r) == {"all": ["first_offense"]} and r.notes == ["首违期限: 2年内"]


def test_correction_wordings_only_where_the_meaning_is_the_same():
    # 主动改正 / 主动纠正: on the party's own initiative, not necessarily before discovery — corrected_voluntarily,
    # never corrected_before_discovery; after an order (经责令改正后主动改正) it stays in words
    assert conds("主动改正") == {"all": ["corrected_voluntarily"]}
    assert conds("主动纠正") == {"all": ["corrected_voluntarily"]}
    assert conds("经责令改正后主动改正") == {"all": [{"custom": "经责令改正后主动改正"}]}
    assert conds("发现前主动改正") == {"all": ["corrected_before_discovery"]}
    for w in ("当场改正", "立即改正", "自行改正"):
        assert conds(w) == {"all": ["corrected_promptly", {"custom": w}]}
    assert conds("及时改正") == {"all": ["corrected_promptly"]}
    # no deadline said: corrected_after_order (已改正), not corrected_within_deadline
    assert conds("经责令改正已改正") == {"all": ["corrected_after_order"]}
    assert "corrected_within_deadline" not in str(conds("经责令改正后及时改正"))
    # the order is the occasion; the condition said is 及时改正 (no deadline): corrected_promptly alone
    for w in ("经责令改正后及时改正", "责令整改后及时整改", "经责令后及时改正"):
        assert conds(w) == {"all": ["corrected_promptly"]}, w


# (违法行为显著轻微: minor_violation AND the words since round 5, test_grammar_round5.py)
@pytest.mark.parametrize("words", ["社会影响轻微", "不危害公共安全",
                                   "对水利工程运行和安全未造成危害后果或损失", "积极配合整改",
                                   "水土流失危害后果轻微"])
def test_fragments_of_tag_words_stay_in_words(words):
    assert conds(words) == {"all": [{"custom": words}]}


def test_one_of_markers_without_a_verb():
    for text in ("下列之一:初次违法;及时改正", "以下情形之一：初次违法；及时改正"):
        assert conds(text) == {"all": [], "any_of": [["first_offense"], ["corrected_promptly"]]}


def test_and_or_without_punctuation_is_not_grouped_on_a_guess():
    r = parse_conditions("初次违法且危害后果轻微或者及时改正")
    assert to_conditions(r) == {"all": [{"custom": "初次违法且危害后果轻微或者及时改正"}]}
    assert "conditions.structure_unclear" in r.flags


def test_numbers_separators_decimals_and_ji_yi_shang():
    assert conds("违法所得1,000元以下") == {"all": [{"quantity": "illegal_gains_yuan", "max": 1000}]}
    assert conds("违法所得0.07万元以下") == {"all": [{"quantity": "illegal_gains_yuan", "max": 700}]}
    r = parse_conditions("已满足规定数量的2/3及以上")
    assert to_conditions(r) == {"all": [{"custom": "已满足规定数量的2/3及以上"}]}


def test_outcome_and_measure_text_goes_to_the_note():
    text = "首次违法；以警示教育代替行政处罚；不得选择性适用；未整改处1万元罚款；配套预警提示、行政指导；纳入双随机抽查；征求意见稿；可免除其他处罚"
    r = parse_conditions(text)
    assert to_conditions(r) == {"all": ["first_offense"]}
    for words in ("以警示教育代替行政处罚", "不得选择性适用", "未整改处1万元罚款", "配套预警提示、行政指导", "纳入双随机抽查",
                  "征求意见稿", "可免除其他处罚"):
        assert words in r.remarks and words in r.moved
    assert "conditions.moved_to_note" in r.flags and residue(text, r) == ""
    assert parse_conditions("清单类型为首违不罚").moved == ["清单类型为首违不罚"]


# -- conditions the officer attests (vocabulary kind: attested): the lists' recurring wordings ------
@pytest.mark.parametrize(("words", "tag"), [
    ("以往违法均已处理", "prior_violations_handled"),
    ("以往违法行为均已处理完毕", "prior_violations_handled"),
    ("以往罚款均已缴清", "fines_paid"),
    ("以前罚款已缴纳", "fines_paid"),
    ("车辆状态正常", "vehicle_status_normal"),
    ("机动车辆状态正常", "vehicle_status_normal"),
    ("未造成交通事故或交通拥堵", "no_traffic_accident_or_congestion"),
    ("没有造成交通拥堵或者交通事故", "no_traffic_accident_or_congestion"),
    ("未造成环境污染", "no_environmental_pollution"),
    ("没有造成生态环境污染", "no_environmental_pollution"),
    ("承诺不再违法", "promised_no_repeat"),
    ("承诺不再实施违法行为", "promised_no_repeat"),
    ("承诺今后不再违法", "promised_no_repeat"),
    ("承诺以后不再实施违法行为", "promised_no_repeat"),
    ("承诺不再发生违法行为", "promised_no_repeat"),
    ("采取补救措施消除负面影响", "remedied_negative_effects"),
    ("采取补救措施消除不良影响", "remedied_negative_effects"),
])
def test_attested_tags_of_the_lists_words(words, tag):
    r = parse_conditions(words)
    assert to_conditions(r) == {"all": [tag]} and not r.flags


@pytest.mark.parametrize("words", [
    "未造成交通事故",  # an accident only: congestion not said
    "未造成交通事故、交通拥堵等危害后果",  # …等危害后果: more than the two
    "无污染物产生",  # no pollutant at all: another fact
    "未造成污染",  # 环境 not said: in a food list 污染 is contamination
    "未造成生态环境危害",  # harm to the environment, not pollution
    "主动采取补救措施消除负面影响",  # 主动: on whose initiative is more than the tag says
    "以往违法未处理",  # the opposite
    "经责令改正后",  # the occasion only, no condition said
    "经查证后放行并提示",  # a procedure
])
def test_near_wordings_are_not_attested_tags(words):
    c = to_conditions(parse_conditions(words))
    assert not any(isinstance(x, str) for x in c["all"]), c


def test_attested_tags_in_the_lists_sentences():
    # 以往违法均已处理、罚款已缴纳、车辆状态正常: three conditions, all of them
    assert conds("以往违法均已处理、罚款已缴纳、车辆状态正常") == {
        "all": ["prior_violations_handled", "fines_paid", "vehicle_status_normal"]}
    # 7日内自行纠正: the time is the threshold; 自行 (on its own) says more: the words kept beside it
    assert conds("具备备案条件,被发现后7日内自行纠正,且未造成环境污染。") == {"all": [
        {"custom": "具备备案条件"}, {"quantity": "correction_days", "max": 7}, {"custom": "被发现后7日内自行纠正"},
        "no_environmental_pollution"]}
    assert conds("7日内改正") == {"all": [{"quantity": "correction_days", "max": 7}]}
    # a negation before the tag's words keeps them whole (never read as the tag)
    c = conds("不属于未造成交通事故或交通拥堵")
    assert "no_traffic_accident_or_congestion" not in str(c)


def test_cooperated_with_the_handling_keeps_the_words():
    # 积极配合查处: 查处 = 调查 and 处理, more than 积极配合调查: the tag and the wording, both required
    r = parse_conditions("积极配合查处")
    assert to_conditions(r) == {"all": ["cooperated", {"custom": "积极配合查处"}]}
    assert "conditions.words_kept" in r.flags
    assert conds("积极配合调查") == {"all": ["cooperated"]}
    # 配合查处有立功表现 is meritorious (art. 32), never cooperated
    assert "cooperated" not in str(conds("积极配合查处有立功表现"))
    assert conds("配合查处有立功表现") == {"all": ["meritorious"]}


# -- review of the attested tags: readings that would have been more lenient than the wording ----------
@pytest.mark.parametrize("words", [
    "未造成环境污染和人员伤亡",
    "未造成环境污染和生态破坏后果",
    "未造成交通事故或交通拥堵和人员伤亡",
    "无交通事故或拥堵及投诉",
    "未造成危害后果和人员伤亡",
])
def test_negation_of_a_tag_reaches_a_bare_noun_after_and(words):
    # 未造成A和B: neither A nor B was caused — never "A not caused" plus a bare "B" (which a case that did
    # cause B would meet): one condition in the list's words, flagged
    r = parse_conditions(words)
    assert to_conditions(r) == {"all": [{"custom": words}]}
    assert "conditions.negation" in r.flags


@pytest.mark.parametrize("words", ["书面承诺不再违法", "当事人书面承诺不再违法", "书面承诺今后不再违法",
                                   "书面承诺不再实施同类违法行为", "书面承诺不再违规"])
def test_written_promise_keeps_the_word_written(words):
    # a spoken promise meets 承诺不再违法 but not 书面承诺: the words are required beside the tag
    r = parse_conditions(words)
    c = to_conditions(r)["all"]
    assert "promised_no_repeat" in c
    kept = [x["custom"] for x in c if isinstance(x, dict)]
    assert len(kept) == 1 and "书面" in kept[0] and "conditions.words_kept" in r.flags


@pytest.mark.parametrize("words", ["承诺不再违规", "承诺今后不再违规", "承诺不再实施同类违法行为", "承诺不再发生类似违法行为",
                                   "承诺不再实施同类违法违规行为", "承诺不再发生同类违法"])
def test_promise_in_other_words_keeps_the_words(words):
    # the lists say 承诺不再违法 / 承诺不再实施违法行为; 违规 (a rule, not the law) and 同类 / 类似 (the
    # same kind only) say another thing: the tag AND the list's words, both required, flagged
    r = parse_conditions(words)
    assert to_conditions(r) == {"all": ["promised_no_repeat", {"custom": words}]}
    assert "conditions.words_kept" in r.flags


@pytest.mark.parametrize("words", ["罚款已缴纳", "罚款均已缴清", "罚款已经缴纳完毕"])
def test_bare_fines_paid_keeps_the_words(words):
    # fines_paid asks about the EARLIER fines; with no 以往 before it, 罚款已缴纳 may be this case's fine
    r = parse_conditions(words)
    assert to_conditions(r) == {"all": ["fines_paid", {"custom": words}]}
    assert "conditions.words_kept" in r.flags


def test_fines_paid_after_prior_violations_is_the_tag_alone():
    # 以往违法均已处理、罚款已缴纳 (cs-traffic-warning): 以往 from the clause before, in the same sentence
    for words, prior in (("以往违法均已处理、罚款已缴纳", "prior_violations_handled"),
                         ("以往违法均已处理,且罚款已缴纳", "prior_violations_handled")):
        r = parse_conditions(words)
        assert to_conditions(r) == {"all": [prior, "fines_paid"]} and not r.flags, words
    # another sentence: no 以往 context any more
    r = parse_conditions("以往违法均已处理。罚款已缴纳")
    assert to_conditions(r) == {"all": ["prior_violations_handled", "fines_paid", {"custom": "罚款已缴纳"}]}
    assert "conditions.words_kept" in r.flags


def test_prior_traffic_violations_are_not_the_general_tag():
    # 以往交通违法均已处理 asks about traffic violations only (no list's own sentence says it: the
    # reference's reading of traffic-15-warning, whose text says 以往违法均已处理): never the general tag,
    # whose question asks about every violation — the words kept as a custom condition
    for words in ("以往交通违法均已处理", "既往交通违法行为都已经处理完毕"):
        assert to_conditions(parse_conditions(words)) == {"all": [{"custom": words}]}, words
    # and the fines after it lose the 以往 context it would have given: the words kept beside the tag
    assert to_conditions(parse_conditions("以往交通违法均已处理、罚款已缴纳")) == {
        "all": [{"custom": "以往交通违法均已处理"}, "fines_paid", {"custom": "罚款已缴纳"}]}


@pytest.mark.parametrize("words", ["未造成交通事故或交通拥堵等", "未造成环境污染等", "罚款已缴纳等", "以往违法均已处理等"])
def test_trailing_deng_is_not_swallowed(words):
    # 等 widens the tag's words (other harms too): not the bare tag
    r = parse_conditions(words)
    c = to_conditions(r)["all"]
    assert {"custom": words} in c and not any(isinstance(x, str) for x in c)
    assert "conditions.fragment" in r.flags


@pytest.mark.parametrize("words", ["本次罚款已缴纳", "本案罚款已缴纳"])
def test_this_case_fine_is_not_the_earlier_fines(words):
    # fines_paid asks about earlier fines; 本次 / 本案 罚款 is the fine of this case
    r = parse_conditions(words)
    assert to_conditions(r) == {"all": [{"custom": words}]} and "conditions.fragment" in r.flags


@pytest.mark.parametrize("words", ["以往违法已处理或正在处理", "罚款已缴纳或已分期缴纳"])
def test_subject_shared_over_or_after_a_tag(words):
    # 正在处理 / 已分期缴纳 have no subject of their own: they are about the same 以往违法 / 罚款
    r = parse_conditions(words)
    assert to_conditions(r) == {"all": [{"custom": words}]} and "conditions.fragment" in r.flags


@pytest.mark.parametrize("words", ["未发生交通事故或交通拥堵", "无事故或拥堵", "未造成事故或拥堵", "无交通事故或拥堵"])
def test_traffic_tag_is_not_wider_than_the_words(words):
    # only 未造成 交通事故 / 交通拥堵 is the tag alone: 未发生 / 无 (none occurred) and a bare 事故 (any
    # accident) say another or more — the words are required beside the tag
    r = parse_conditions(words)
    c = to_conditions(r)["all"]
    assert {"custom": words} in c and "conditions.words_kept" in r.flags


@pytest.mark.parametrize("words", ["在规定期限内停止违法行为并采取补救措施消除负面影响", "7日内改正并采取补救措施消除不良影响"])
def test_time_limit_shared_with_the_remedy_keeps_the_words(words):
    # the limit governs both verbs: the remedy too must be within it, which remedied_negative_effects
    # does not say — the whole wording is required beside the tags
    r = parse_conditions(words)
    c = to_conditions(r)["all"]
    assert "remedied_negative_effects" in c and {"custom": words} in c and "conditions.words_kept" in r.flags
    # without a time limit before it, the remedy is the tag alone
    assert conds("首次违法并采取补救措施消除负面影响") == {"all": ["first_offense", "remedied_negative_effects"]}
