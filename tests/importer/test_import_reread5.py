"""A fifth re-reader's findings (issue 11): a title or cell naming the first offence must not drop it, a domain
prefix is the taxonomy's own name (a free prefix swallowed restrictions), and a neutral sub-title takes its top-level
section's outcome, not a sibling's.

行政处罚法(2021-01-22) 第三十三条第一款: “违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。初次违法且危害后果
轻微并及时改正的，可以不予行政处罚。” A list whose title says 首次违法 grants its answer to a first offence only: its rows,
without “初次违法” in their conditions, would bind repeat offenders too (and, stating 危害后果轻微, escape the first
sentence's no-harm premise)."""

import pytest

from penalty_rules.importer.build import read_title_outcome

from .draft_tables import CITE, _blocked, _build

FIRST = "conditions.first_offense_unstated"


@pytest.mark.parametrize("title", ["首次违法不予处罚事项", "首违不予处罚事项", "初次违法不予处罚情形",
                                   "聊城市市场监管领域首次违法行为不予处罚事项清单（共5项）"])
def test_a_title_naming_the_first_offence_needs_it_in_the_conditions(tmp_path, title):
    rows = [[title, "", "", "", "", ""],
            [1, "市场监管", "未按规定公示信息", CITE, "危害后果轻微并及时改正的", ""],
            [2, "市场监管", "未按规定报送信息", CITE, "初次违法且危害后果轻微并及时改正的", ""]]
    result = _build(tmp_path, rows)
    assert len(result.items) == 2, result.rejected
    assert FIRST in _blocked(result.items[0])
    assert FIRST not in _blocked(result.items[1])


@pytest.mark.parametrize("cell", ["首违不罚", "首违免罚"])
def test_a_cell_naming_the_first_offence_needs_it_in_the_conditions(tmp_path, cell):
    rows = [[1, "市场监管", "未按规定公示信息", CITE, "危害后果轻微并及时改正的", cell]]
    result = _build(tmp_path, rows)
    assert FIRST in _blocked(result.items[0])


def test_a_neutral_sub_title_named_for_the_first_offence_counts_too(tmp_path):
    rows = [["一、不予处罚事项", "", "", "", "", ""], ["（一）初次违法", "", "", "", "", ""],
            [1, "市场监管", "未按规定公示信息", CITE, "危害后果轻微并及时改正的", ""]]
    result = _build(tmp_path, rows)
    assert result.items and FIRST in _blocked(result.items[0])


@pytest.mark.parametrize("title", ["仅个体工商户领域不予处罚事项", "只涉及小微企业领域不予处罚事项", "城区以内市场监管领域不予处罚事项",
                                   "部分领域不予处罚事项", "高风险领域不予处罚事项", "经营额较小领域不予处罚事项"])
def test_a_prefix_that_restricts_is_no_domain_name(title):
    assert read_title_outcome(title) == (None, True)


@pytest.mark.parametrize("title", ["市场监管领域不予行政处罚事项清单", "生态环境领域不予行政处罚事项", "东昌府区市场监管领域不予处罚事项",
                                   "山东省市场监管领域不予处罚事项"])
def test_the_taxonomys_domain_and_a_place_still_read(title):
    assert read_title_outcome(title)[0] is not None


def test_a_neutral_sub_title_takes_the_top_level_sections_outcome(tmp_path):
    rows = [["一、可以不予处罚事项", "", "", "", "", ""], ["（一）不予处罚事项", "", "", "", "", ""],
            [1, "市场监管", "未按规定公示信息", CITE, "违法行为轻微并及时改正，没有造成危害后果的", ""],
            ["（二）市场监管领域", "", "", "", "", ""],
            [2, "市场监管", "未按规定报送信息", CITE, "违法行为轻微并及时改正，没有造成危害后果的", ""]]
    result = _build(tmp_path, rows)
    by_no = {i["provenance"]["source_item_no"]: i for i in result.items}
    assert by_no[2]["outcome"] == "discretionary_no_penalty", [(i["id"], i["outcome"]) for i in result.items]


# -- a sixth re-read ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("title, cell", [("首次违法不予处罚事项", "不予处罚"), ("首次违法可以不予处罚事项", "可以不予处罚")])
def test_the_title_counts_when_the_row_has_its_own_outcome_cell(tmp_path, title, cell):
    """The usual layout: the title names the first offence and the row's 处理结果 is filled (the check read the title
    only for rows without one)."""
    rows = [[title, "", "", "", "", ""], [1, "市场监管", "未按规定公示信息", CITE, "危害后果轻微并及时改正的", cell]]
    result = _build(tmp_path, rows)
    assert result.items and FIRST in _blocked(result.items[0])


def test_the_first_offence_in_one_alternative_only_is_not_stated(tmp_path):
    rows = [[1, "市场监管", "未按规定公示信息", CITE, "初次违法且危害后果轻微并及时改正的，或者违法行为轻微的", "首违不罚"]]
    result = _build(tmp_path, rows)
    assert FIRST in _blocked(result.items[0])


def test_the_remarks_column_naming_the_first_offence_counts(tmp_path):
    head = ["序号", "执法领域", "违法行为", "处罚依据", "适用条件", "处理结果", "备注"]
    rows = [[1, "市场监管", "未按规定公示信息", CITE, "危害后果轻微并及时改正的", "可以不予处罚", "首违不罚，限两年内首次"]]
    result = _build(tmp_path, rows, head=head)
    assert FIRST in _blocked(result.items[0])


@pytest.mark.parametrize("title", ["部分地区不予处罚事项", "高风险地区不予处罚事项", "个别地区不予处罚事项", "农村地区不予处罚事项",
                                   "偏远山区不予处罚事项"])
def test_a_place_prefix_that_restricts_is_refused(title):
    assert read_title_outcome(title) == (None, True)
