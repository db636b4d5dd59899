"""An imported table is never read more leniently than its words (review of the importer, issue 11).

Each case is built from a list's wording: the reading expected is what the words say (行政处罚法(2021-01-22)
第三十三条第一款: “…没有造成危害后果的，不予行政处罚。初次违法且危害后果轻微并及时改正的，可以不予行政处罚。”
— 可以不予 is the officer's discretion, 不予 is mandatory), never the engine's output copied."""

import pytest

from penalty_rules.importer import build
from penalty_rules.importer.build import build_draft
from penalty_rules.importer.grammar import parse_conditions, to_conditions
from penalty_rules.lint.flags import BLOCKING_FLAGS, reads_as_exclusion
from penalty_rules.model.outcome import Outcome

HEAD = "序号,执法领域,违法行为,处罚依据,适用条件,处理结果\n"
CITE = "《中华人民共和国行政处罚法》第三十三条第一款"


def _table(tmp_path, body: str, head: str = HEAD):
    table = tmp_path / "t.csv"
    table.write_text(head + body, encoding="utf-8")
    return build_draft(table, list_id="t", version="1", jurisdiction="371500", domain="market")


# 1. 可 / 可以 / 原则上 before 不予 / 免罚 (依法 between): discretionary, never the mandatory outcome
@pytest.mark.parametrize("words", ["可依法不予处罚", "可以依法不予行政处罚", "可以免罚", "可免罚", "原则上不予处罚",
                                   "可以依法免予处罚", "可以不予处罚"])
def test_may_not_penalise_is_discretionary(words):
    assert build.read_outcome(words) is Outcome.discretionary_no_penalty


@pytest.mark.parametrize("words", ["不予处罚", "依法不予处罚", "免予处罚", "不予行政处罚"])
def test_shall_not_penalise_stays_mandatory(words):  # guard: passed before
    assert build.read_outcome(words) is Outcome.no_penalty


def test_outcome_cell_read_as_discretionary_and_kept_in_words(tmp_path):
    rows = "".join(f"{n},市场监管,未按规定公示信息{n},{CITE},初次违法且危害后果轻微并及时改正,{w}\n"
                   for n, w in enumerate(["可依法不予处罚", "可以依法不予行政处罚", "可以免罚", "原则上不予处罚"], 1))
    result = _table(tmp_path, rows)
    assert [i["outcome"] for i in result.items] == ["discretionary_no_penalty"] * 4
    for item, w in zip(result.items, ["可依法不予处罚", "可以依法不予行政处罚", "可以免罚", "原则上不予处罚"]):
        assert w in item["provenance"]["note"]  # the cell's own words, for the reviewer


def test_section_title_may_not_penalise(tmp_path):
    result = _table(tmp_path, "原则上不予处罚事项,,,,,\n1,市场监管,未按规定公示信息,"
                              f"{CITE},初次违法且危害后果轻微并及时改正,\n",
                    head="序号,执法领域,违法行为,处罚依据,适用条件,处理措施\n")
    assert result.items[0]["outcome"] == "discretionary_no_penalty"


@pytest.mark.parametrize("tail", ["的，可以依法不予处罚", "的，可依法不予处罚", "的，可以免罚"])
def test_conditions_naming_may_not_penalise_in_a_shall_not_section(tail):
    r = parse_conditions("初次违法且危害后果轻微并及时改正" + tail)
    assert build.outcome_clause_problem(r, Outcome.no_penalty)


# 2. An exclusion is never a condition that 是 satisfies: kept whole, flagged conditions.exclusion (blocking)
EXCLUSIONS = [
    ("排除：被投诉举报", "排除：被投诉举报"),
    ("造成人员伤亡的，不予免罚", "造成人员伤亡的，不予免罚"),
    ("造成人员伤亡的，不纳入免罚范围", "造成人员伤亡的，不纳入免罚范围"),
    ("但多次违法的不在此列", "但多次违法的不在此列"),
    ("情节严重的，依法立案查处", "情节严重的，依法立案查处"),
    ("多次违法的不得适用", "多次违法的不得适用"),
    ("多次违法的，排除适用", "多次违法的，排除适用"),
    ("如造成危害后果，则依法处罚", "如造成危害后果，则依法处罚"),
    ("若有违法所得，应当处罚", "若有违法所得，应当处罚"),
    ("造成不良影响的，按规定处理", "造成不良影响的，按规定处理"),
    ("除多次违法外", "除多次违法外"),
    ("被投诉举报的，不属于免罚范围", "被投诉举报的，不属于免罚范围"),
]


@pytest.mark.parametrize("clause,kept", EXCLUSIONS)
def test_exclusion_is_kept_whole_and_blocks(clause, kept):
    r = parse_conditions("初次违法，" + clause)
    c = to_conditions(r)
    assert c == {"all": ["first_offense", {"custom": kept}]}, c
    assert "conditions.exclusion" in r.flags and "conditions.exclusion" in BLOCKING_FLAGS
    assert reads_as_exclusion(kept)  # the flag deleted without the rewrite still blocks


@pytest.mark.parametrize("text", ["以往违法均已处理", "两年内未受过处罚", "未被依法查处过", "初次违法且及时改正"])
def test_conditions_about_past_penalties_are_no_exclusions(text):  # guard
    r = parse_conditions(text)
    assert "conditions.exclusion" not in r.flags, r.flags


# 3. A 之一 heading's own conditions hold for every alternative: all_of [heading, any_of [...]]
@pytest.mark.parametrize("text,common", [
    ("具有下列情形之一并及时改正：(1)初次违法；(2)违法行为轻微", ["corrected_promptly"]),
    ("以下情形之一，且及时改正：(1)初次违法；(2)违法行为轻微", ["corrected_promptly"]),
    ("具有下列情形之一且未造成危害后果的：(1)初次违法；(2)违法行为轻微", ["no_harm"]),
    ("有下列情形之一，且无违法所得的，不予处罚：(1)初次违法；(2)违法行为轻微", ["no_illegal_gains"]),
])
def test_any_heading_keeps_its_own_conditions(text, common):
    c = to_conditions(parse_conditions(text))
    assert c == {"all": common, "any_of": [["first_offense"], ["minor_violation"]]}, c


def test_any_heading_without_own_conditions_unchanged():  # guard: passed before
    c = to_conditions(parse_conditions("具有下列情形之一：(1)初次违法；(2)违法行为轻微"))
    assert c == {"all": [], "any_of": [["first_offense"], ["minor_violation"]]}


# 4. A bracket the grammar does not understand may restrict the item: kept as a condition in its words, flagged
@pytest.mark.parametrize("text,tag,words", [
    ("初次违法(告知承诺制)", "first_offense", "告知承诺制"),
    ("首次违法(广播电视领域)", "first_offense", "广播电视领域"),
    ("初次违法(在城市建成区内)", "first_offense", "在城市建成区内"),
    ("初次违法(经营面积50平方米以下)", "first_offense", "经营面积50平方米以下"),
    ("初次违法（已取得许可证）", "first_offense", "已取得许可证"),
    ("初次违法（餐饮服务环节）", "first_offense", "餐饮服务环节"),
])
def test_unknown_bracket_stays_a_condition(text, tag, words):
    r = parse_conditions(text)
    assert to_conditions(r) == {"all": [tag, {"custom": words}]}, to_conditions(r)
    assert "conditions.bracket" in r.flags and not r.moved


@pytest.mark.parametrize("text", ["初次违法（不罚款）", "首次违法（以行政处罚决定为准）", "初次违法（详见附件）"])
def test_remark_brackets_stay_remarks(text):  # guard: passed before
    assert to_conditions(parse_conditions(text)) == {"all": ["first_offense"]}


# 5./6. An item's words over two rows: joined to the item (flagged), never dropped nor taken as a section title
SEC = "序号,执法领域,违法行为,处罚依据,适用条件\n一、可以不予处罚事项,,,,\n"


def test_conditions_fragment_row_is_the_items_second_line(tmp_path):
    result = _table(tmp_path, f"1,市场监管,甲行为,{CITE},（1）初次违法；\n,,,,（2）危害后果轻微并及时改正的，不予处罚\n"
                              f"2,市场监管,乙行为,{CITE},首次违法\n", head=SEC)
    first, second = result.items
    assert "危害后果轻微并及时改正" in first["provenance"]["conditions_text"]
    assert "source_rows_joined" in first["provenance"]["flags"]
    # the fragment is no section title: the next item stays in the 可以不予处罚 section
    assert second["outcome"] == "discretionary_no_penalty" and not result.rejected


@pytest.mark.parametrize("number", ["1", ""])
def test_continuation_row_with_same_or_blank_number_is_joined(tmp_path, number):
    result = _table(tmp_path, f"1,市场监管,未按规定公示营业执照,{CITE},初次违法,不予处罚\n"
                              f"{number},市场监管,未按规定公示营业执照,{CITE},危害后果轻微并及时改正,不予处罚\n")
    assert len(result.items) == 1 and not result.rejected
    item = result.items[0]
    assert item["conditions"] == {"all": ["first_offense", "minor_harm", "corrected_promptly"]}
    assert "source_rows_joined" in item["provenance"]["flags"]


def test_continuation_row_with_another_outcome_is_refused_and_the_item_blocked(tmp_path):
    result = _table(tmp_path, f"1,市场监管,未按规定公示营业执照,{CITE},初次违法,不予处罚\n"
                              f"1,市场监管,未按规定公示营业执照,{CITE},危害后果轻微,从轻处罚\n")
    assert [r.row for r in result.rejected] == [3]
    assert "source_rows_unjoined" in result.items[0]["provenance"]["flags"]
    assert "source_rows_unjoined" in BLOCKING_FLAGS


# 7. A citation is checked against the version the row names (行政处罚法(2017年修正)第二十七条第二款: “违法行为轻微并及时
# 纠正，没有造成危害后果的，不予行政处罚。”; in the 2021-01-22 text 第二十七条 is 移送司法机关), never said 已核对
# against another version
CT = ("序号,执法领域,违法行为,处罚依据,不予处罚依据,适用条件,备注\n一、不予处罚事项,,,,,,\n"
      "1,文化和旅游,娱乐场所未在显著位置悬挂娱乐经营许可证,《娱乐场所管理条例》第四十九条,{basis},首次发现且当场纠正,{remark}\n")


def _cite(tmp_path, library, corpus, basis, remark=""):
    if library is None:
        pytest.skip("no statute texts configured")
    table = tmp_path / "c.csv"
    table.write_text(CT.format(basis=basis, remark=remark), encoding="utf-8")
    result = build_draft(table, list_id="t", version="1", jurisdiction="371500", corpus=corpus, library=library)
    [rec] = [c for c in result.citations if c.field == "exemption_basis"]
    return result, rec


@pytest.mark.parametrize("basis,remark", [
    ("《中华人民共和国行政处罚法》第二十七条", "不予处罚依据为行政处罚法(2017年修正)第27条"),
    ("《中华人民共和国行政处罚法》（2017年修正）第二十七条", ""),
])
def test_citation_read_at_the_version_the_row_names(tmp_path, library, corpus, basis, remark):
    result, rec = _cite(tmp_path, library, corpus, basis, remark)
    assert rec.status == "resolved" and "2017-09-01" in rec.message, rec.message
    flags = result.items[0]["provenance"]["flags"]
    assert not any(f.startswith("exemption_basis.") for f in flags), flags


def test_citation_that_does_not_fit_at_the_newest_version_is_flagged(tmp_path, library, corpus):
    result, rec = _cite(tmp_path, library, corpus, "《中华人民共和国行政处罚法》第二十七条")
    assert rec.status != "resolved" and "2021-01-22" in rec.message
    assert "exemption_basis.version" in result.items[0]["provenance"]["flags"]
    assert "exemption_basis.version" in BLOCKING_FLAGS


def test_version_named_but_not_in_the_library_is_flagged(tmp_path, library, corpus):
    result, rec = _cite(tmp_path, library, corpus, "《中华人民共和国行政处罚法》（2009年修正）第二十七条")
    assert rec.status != "resolved" and "2009" in rec.message
    assert "exemption_basis.version" in result.items[0]["provenance"]["flags"]


# 8. Lists and ranges of numbers keep every member; a full-width comma inside a number is one number
@pytest.mark.parametrize("text,labels", [
    ("《娱乐场所管理条例》第四十九条第（一）、（二）项", ["第四十九条第（一）项", "第四十九条第（二）项"]),
    ("《娱乐场所管理条例》第四十九条第（一）至（三）项", ["第四十九条第（一）项", "第四十九条第（二）项", "第四十九条第（三）项"]),
    ("《中华人民共和国食品安全法》第一百二十二条至第一百二十六条",
     ["第一百二十二条", "第一百二十三条", "第一百二十四条", "第一百二十五条", "第一百二十六条"]),
    ("《中华人民共和国行政处罚法》第三十三条第一、二款", ["第三十三条第一款", "第三十三条第二款"]),
])
def test_citation_ranges_keep_every_member(text, labels):
    from penalty_rules.importer.citations import parse_citations

    r = parse_citations(text)
    assert [c.citation.label().split("》")[1] for c in r.citations] == labels and not r.unread


def test_fullwidth_thousands_comma_is_one_number():
    assert to_conditions(parse_conditions("初次违法，违法所得不超过1，000元")) == {
        "all": ["first_offense", {"quantity": "illegal_gains_yuan", "max": 1000}]}


@pytest.mark.parametrize("text,want", [
    ("在城市建成区内具有下列情形之一：(1)初次违法；(2)违法行为轻微",
     {"all": [{"custom": "在城市建成区内"}], "any_of": [["first_offense"], ["minor_violation"]]}),
])
def test_heading_words_before_or_after_the_marker_are_conditions(text, want):
    assert to_conditions(parse_conditions(text)) == want


def test_heading_words_after_an_all_marker_hold_with_every_numbered_condition():
    """符合以下条件并主动改正: 主动改正 (corrected_voluntarily, grammar round 6) and both numbered conditions are all
    required — none of them an alternative. (The marker's own words 符合以下条件 may stay as a custom condition the
    officer confirms: narrower, never wider.)"""
    got = to_conditions(parse_conditions("符合以下条件并主动改正：(1)初次违法；(2)违法行为轻微"))
    assert not got.get("any_of")
    assert {"corrected_voluntarily", "first_offense", "minor_violation"} <= set(c for c in got["all"] if isinstance(c, str))


def test_bare_consequence_takes_the_clause_before_it():
    r = parse_conditions("初次违法；违法所得超过1000元，则依法处罚")
    assert to_conditions(r) == {"all": ["first_offense", {"custom": "违法所得超过1000元，则依法处罚"}]}
    assert "conditions.exclusion" in r.flags


# A correction limit's start (自被发现之日起 / 责令改正之日起): the vocabulary's 改正用时 counts from the order, the
# inspection or the discovery — which one the list means is kept in its words beside the bound
@pytest.mark.parametrize("text,bound", [
    ("自被发现之日起3日内改正", {"quantity": "correction_days", "max": 3}),
    ("责令改正之日起10日内改正完毕", {"quantity": "correction_days", "max": 10}),
])
def test_correction_limit_keeps_its_start(text, bound):
    assert to_conditions(parse_conditions(text)) == {"all": [bound, {"custom": text}]}


def test_citation_read_at_the_list_date(tmp_path, library, corpus):
    # a list of 2020 naming no version: 行政处罚法 in force then is the 2017-09-01 text (第二十七条第二款: 不予行政处罚)
    if library is None:
        pytest.skip("no statute texts configured")
    from datetime import date

    table = tmp_path / "c.csv"
    table.write_text(CT.format(basis="《中华人民共和国行政处罚法》第二十七条", remark=""), encoding="utf-8")
    result = build_draft(table, list_id="t", version="1", jurisdiction="371500", corpus=corpus, library=library,
                         list_date=date(2020, 6, 1))
    [rec] = [c for c in result.citations if c.field == "exemption_basis"]
    assert rec.status == "resolved" and "2017-09-01" in rec.message, rec.message


def test_fragment_after_a_title_is_refused_not_a_title(tmp_path):
    # （2）…的，不予处罚 alone in the 适用条件 column under the section title: neither an item nor a new section
    result = _table(tmp_path, ",,,,（2）危害后果轻微并及时改正的，不予处罚\n"
                              f"1,市场监管,甲行为,{CITE},初次违法且危害后果轻微并及时改正\n", head=SEC)
    assert [(r.row, r.code) for r in result.rejected] == [(3, "orphan_fragment")]
    assert result.items[0]["outcome"] == "discretionary_no_penalty"  # still the 可以不予处罚 section


def test_item_merged_over_two_rows_in_xlsx_keeps_both_conditions(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "执法领域", "违法行为", "处罚依据", "适用条件", "处理结果"])
    ws.append([1, "市场监管", "未按规定公示营业执照", CITE, "初次违法", "可以不予处罚"])
    ws.append([None, None, None, None, "危害后果轻微并及时改正", None])
    for col in "ABCDF":  # 序号 … 处理结果 merged down the item's two rows, 适用条件 one line per row
        ws.merge_cells(f"{col}2:{col}3")
    wb.save(tmp_path / "m.xlsx")
    result = build_draft(tmp_path / "m.xlsx", list_id="t", version="1", jurisdiction="371500", domain="market")
    [item] = result.items
    assert item["conditions"] == {"all": ["first_offense", "minor_harm", "corrected_promptly"]}
    assert not result.rejected and "source_rows_joined" in item["provenance"]["flags"]


@pytest.mark.parametrize("flag", ["conditions.moved_to_note", "source_rows_unjoined", "violated.unread",
                                  "penalty_basis.unresolved", "exemption_basis.version"])
def test_flags_of_words_lost_block(flag):
    from penalty_rules.lint.flags import CODES

    assert flag in BLOCKING_FLAGS and flag in CODES


@pytest.mark.parametrize("flag", ["conditions.custom", "conditions.bracket", "conditions.structure_unclear",
                                  "conditions.k_of_n", "source_rows_joined", "conditions.words_kept"])
def test_flags_of_words_kept_narrower_do_not_block(flag):  # guard
    assert flag not in BLOCKING_FLAGS


def test_no_version_in_force_holds_a_new_blocking_flag(corpus):
    # a flag that versions in force already carry (e.g. violated.article from the reference import) must not
    # become blocking: their answers would all carry the warning (explain.decide) — only flags no published
    # version holds were added
    from penalty_rules.lint.flags import published_flagged_items

    assert published_flagged_items(corpus) == {}
