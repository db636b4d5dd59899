"""Grammar round 6 (issue 11): 主动改正, 经责令改正已改正 and the recurring attested wordings of the development
tables (wording from ../shared/reference/lists: housing_provident_fund.yaml, hr_social_security.yaml,
ecology.yaml, water.yaml, natural_resources.yaml). Each expected reading is written from the list's words."""

import pytest

from penalty_rules.importer.grammar import parse_conditions, to_conditions

from .test_grammar import residue


def conds(text):
    return to_conditions(parse_conditions(text))


# -- corrections ----------------------------------------------------------------------------------------------------
def test_zhudong_gaizheng_is_voluntary_not_before_discovery():
    # housing_provident_fund.yaml: 主动改正 set against the ordered correction of the second alternative
    text = ("基准的通用不予处罚情形(满足其一):违法行为轻微并主动改正且没有造成危害后果;"
            "或单位收到责令限期办理通知书后在规定时限内完成整改")
    assert conds(text) == {"all": [], "any_of": [["minor_violation", "corrected_voluntarily", "no_harm"],
                                                 ["corrected_within_deadline"]]}
    # hr_social_security.yaml (js-hrss-16 general condition): 主动 or 限期内, the verb shared
    assert conds("涉及人数不超标准、一年内无同类查处记录、无危害后果、主动或限期内改正")["any_of"] == [
        ["corrected_voluntarily"], ["corrected_within_deadline"]]
    # 发现前 said: the narrower tag; after an order: not on the party's initiative, in words
    assert conds("发现前主动改正") == {"all": ["corrected_before_discovery"]}
    assert conds("经责令改正后主动改正") == {"all": [{"custom": "经责令改正后主动改正"}]}
    r = parse_conditions("未主动改正")
    assert to_conditions(r) == {"all": [{"custom": "未主动改正"}]} and "conditions.negation" in r.flags


def test_ordered_and_corrected_names_no_deadline():
    # hr_social_security.yaml (hb-xianning-hrss-2022 item 1)
    text = "首次违法,涉及劳动者2人以下,经责令改正已改正"
    r = parse_conditions(text)
    assert to_conditions(r) == {"all": ["first_offense", {"quantity": "affected_workers", "max": 2},
                                        "corrected_after_order"]}
    assert not residue(text, r)
    assert "corrected_within_deadline" not in str(conds("经责令改正已改正"))
    # the order alone says nothing of a correction (经责令改正后仍不改正的 is the laws' own phrase)
    assert conds("经责令改正后") == {"all": [{"custom": "经责令改正后"}]}


# -- attested: the lists' recurring words -------------------------------------------------------------------------
@pytest.mark.parametrize("text, words", [
    ("发现后立即停建或恢复原状", "发现后立即停建或恢复原状"),        # zibo-eco-2024 item 2
    ("企业主动停止建设或恢复原状", "企业主动停止建设或恢复原状"),    # linyi-eco-2020 item 3
    ("现场检查后立即停止建设或恢复原状", "现场检查后立即停止建设或恢复原状"),  # bj-eco-2022 item 1
])
def test_stopped_construction_or_restored_keeps_when_and_who(text, words):
    r = parse_conditions(text)
    assert to_conditions(r) == {"all": ["stopped_construction_or_restored", {"custom": words}]}
    assert "conditions.words_kept" in r.flags


def test_stopped_construction_or_restored_alone_and_negated():
    assert conds("停止建设或恢复原状") == {"all": ["stopped_construction_or_restored"]}
    r = parse_conditions("未停止建设或恢复原状")
    assert to_conditions(r) == {"all": [{"custom": "未停止建设或恢复原状"}]} and "conditions.negation" in r.flags


def test_early_construction_stage():
    # zibo-eco-2024 item 2: the stage, the rest in words
    r = parse_conditions("仅限报告表类项目;初期建设、主体未建成、未造成生态环境危害,发现后立即停建或恢复原状。")
    c = to_conditions(r)["all"]
    assert "early_construction_stage" in c and "stopped_construction_or_restored" in c
    assert {"custom": "主体未建成、未造成生态环境危害"} in c and {"custom": "仅限报告表类项目"} in c
    assert "no_harm" not in c  # 生态环境危害 is not every harm
    # shanxi-eco (news example, without its note)
    assert conds("施工初期、未造成危害后果且及时整改") == {
        "all": ["early_construction_stage", "no_harm", "corrected_promptly"]}


def test_no_soil_erosion_harm_is_not_no_harm():
    # gd-water-2022 item 1: the first alternative names soil-erosion harm only
    r = parse_conditions("满足其一免予处罚:(1)违法行为轻微,在规定期限内完成清理,未造成水土流失危害后果;"
                         "(2)初次违法,水土流失危害后果轻微,在规定期限内完成清理。")
    c = to_conditions(r)
    assert c["all"] == ["corrected_within_deadline"]
    assert c["any_of"] == [["minor_violation", "no_soil_erosion_harm"],
                           ["first_offense", {"custom": "水土流失危害后果轻微"}]]
    assert conds("未造成水土流失危害后果和人员伤亡") == {"all": [{"custom": "未造成水土流失危害后果和人员伤亡"}]}


def test_no_substantive_construction_harm_word_for_word():
    # hunan-natres-2025 (two items, the same sentence)
    r = parse_conditions("违法行为轻微并及时改正,没有实质性动工建设等危害后果的,不予处罚。")
    assert to_conditions(r) == {"all": ["minor_violation", "corrected_promptly", "no_substantive_construction_harm"]}
    assert "no_harm" not in str(to_conditions(r))


def test_no_serious_harm_to_workers():
    # js-hrss-16 item 3 (and item 1's first alternative): neither no_harm nor minor_harm
    assert conds("未严重损害劳动者权益,且按要求及时返还") == {
        "all": ["no_serious_harm_to_workers", "corrected_promptly", {"custom": "按要求及时返还"}]}
    r = parse_conditions("未严重损害劳动者权益和社会公共利益")
    assert to_conditions(r) == {"all": [{"custom": "未严重损害劳动者权益和社会公共利益"}]}
    assert "conditions.negation" in r.flags
