"""The fixture builder's split of researchers' notes out of conditions_text (rules A1–A5 of
tools/build_import_fixtures.py), on wording from the reference lists."""

import importlib.util

from penalty_rules.config import PROJECT_ROOT

_spec = importlib.util.spec_from_file_location("build_import_fixtures", PROJECT_ROOT / "tools" / "build_import_fixtures.py")
builder = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builder)
split = builder.split_annotations


def test_list_wording_is_left_alone():
    text = "首次发生且危害后果轻微;发现前主动改正或责令限期内改正"
    assert split(text) == (text, [], [])
    text = "在限期内改正(清单总则:及时改正且未造成危害后果)。"  # a bracket without a marker stays
    assert split(text) == (text, [], [])


def test_whole_clause_label_and_bracket():
    # A3: a clause about the page moves whole
    assert split("首次被发现且情节轻微;自行纠正或限期内改正;其后条件及依据页面截断") == (
        "首次被发现且情节轻微;自行纠正或限期内改正", ["其后条件及依据页面截断"], [])
    # A2: only the label before the colon moves
    assert split("新闻举例:责令改正后5个工作日内完成整改。") == ("责令改正后5个工作日内完成整改。", ["新闻举例"], [])
    assert split("免于经济处罚清单第1项:“免于经济处罚”(不罚款):在责令限期补办审批手续期限内补办完成。")[1] == [
        "免于经济处罚清单第1项"]
    # A4: a bracketed remark with a marker moves, the list's words stay
    assert split("经责令改正后可以从轻处罚(新闻转述)") == ("经责令改正后可以从轻处罚", ["(新闻转述)"], [])
    # nothing left: the item's 适用条件 is empty (the importer flags it)
    assert split("页面仅列事项名称,适用条件未显示") == ("", ["页面仅列事项名称,适用条件未显示"], [])


def test_measure_clause_goes_to_measures():
    cond, notes, measures = split("有下列情形之一:主动消除或减轻危害后果;受他人胁迫;配合查处有立功表现"
                                  "(另有“其他依法从轻减轻情形”兜底,未编码);从轻后的裁量幅度:限期补种盗伐株数一倍的树木,"
                                  "并处盗伐林木价值五倍的罚款。")
    assert cond == "有下列情形之一:主动消除或减轻危害后果;受他人胁迫;配合查处有立功表现。"
    assert notes == ["(另有“其他依法从轻减轻情形”兜底,未编码)", "从轻后的裁量幅度"]
    assert measures == ["限期补种盗伐株数一倍的树木,并处盗伐林木价值五倍的罚款"]


def test_markers_named_in_the_brief():
    assert split("首次违法;重庆转载页另称两年内")[1] == ["重庆转载页另称两年内"]
    assert split('适用条件栏仅写"6个月内"')[0] == ""
    assert split("初次违法且危害后果轻微;依据为行政处罚法第三十三条")[1] == ["依据为行政处罚法第三十三条"]
