"""A fourth re-reader's findings on the allowlists (issue 11): ordinary published titles and outcome cells are read,
a sanction after a negated case blocks, a negated correction is no faithful condition, a cell that disagrees with its
section title blocks, and a refused row is measured against the row directly above.

The expected readings are written from the law: 行政处罚法(2021-01-22)
第二十八条第一款 “行政机关实施行政处罚时，应当责令当事人改正或者限期改正违法行为。”
第三十三条第一款 “违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。初次违法且危害后果轻微并及时改正的，
可以不予行政处罚。”
第三十三条第三款 “对当事人的违法行为依法不予行政处罚的，行政机关应当对当事人进行教育。”
The measures of 第二十八条 / 第三十三条第三款 go with every such outcome: a cell naming them beside the outcome names
one outcome. 首违不罚 lists are encoded no_penalty in the bundled reference data (国家税务总局公告2021年第6号)."""

import pytest

from penalty_rules.importer.build import read_title_outcome, split_outcome_cell
from penalty_rules.importer.grammar import parse_conditions
from penalty_rules.lint.flags import BLOCKING_FLAGS
from penalty_rules.model.outcome import Outcome

from .draft_tables import CITE, _blocked, _build

NP, DNP, RD, LT = (Outcome.no_penalty, Outcome.discretionary_no_penalty, Outcome.reduced_penalty,
                   Outcome.lighter_penalty)

# -- 1. ordinary published titles ---------------------------------------------------------------------------------
TITLES = {
    "一、不予行政处罚事项清单（共10项）": NP, "一、不予行政处罚事项清单(共10项)": NP, "一、不予行政处罚事项清单（10项）": NP,
    "市场监管领域不予行政处罚事项清单": NP, "生态环境领域轻微违法行为不予处罚清单": NP, "首次违法不予处罚事项": NP,
    "附件1 不予行政处罚事项清单": NP, "附件1：不予行政处罚事项清单": NP, "一、不予行政处罚清单（试行）": NP,
    "一、不予实施行政处罚事项清单": NP, "一、不予行政处罚事项清单（第一批）": NP, "山东省市场监管领域轻微违法行为不予处罚清单": NP,
    "一、轻微行政违法行为不予行政处罚事项": NP, "一般违法行为减轻处罚事项清单": RD, "市场监管从轻处罚事项(一)": LT,
    "首违不罚事项清单": NP, "一、可以不予行政处罚事项清单（共5项）": DNP,
}


@pytest.mark.parametrize("title", TITLES)
def test_an_ordinary_published_title_reads_as_its_outcome(title):
    assert read_title_outcome(title) == (TITLES[title], False)


@pytest.mark.parametrize("title", ["一、从轻减轻处罚事项", "二、轻罚清单", "一、不予处罚事项（情节严重的除外）",
                                   "取消免罚的情形清单", "不适用本市不予处罚事项",
                                   "不属于生态环境领域不予处罚事项", "除本市外不予处罚事项"])
def test_other_titles_still_refused(title):
    assert read_title_outcome(title) == (None, True)


# -- 1. outcome cells with the measures the law attaches to the outcome --------------------------------------------
CELLS = {
    "不予处罚，责令改正": (NP, ["责令改正"]), "不予行政处罚，并进行批评教育": (NP, ["进行批评教育"]),
    "不予行政处罚，责令限期改正": (NP, ["责令限期改正"]), "责令改正，不予处罚": (NP, ["责令改正"]),
    "不予行政处罚；责令改正": (NP, ["责令改正"]), "不予行政处罚\n责令改正": (NP, ["责令改正"]),
    "不予行政处罚并责令改正": (NP, ["责令改正"]), "批评教育、责令改正，不予行政处罚": (NP, ["批评教育", "责令改正"]),
    "不予行政处罚，对当事人进行教育": (NP, ["对当事人进行教育"]), "可以不予处罚，责令改正": (DNP, ["责令改正"]),
    "首违免罚": (NP, []), "不予处罚；": (NP, []),
}


@pytest.mark.parametrize("cell", CELLS)
def test_an_outcome_cell_with_the_statutory_measures_reads_the_outcome(cell):
    assert split_outcome_cell(cell) == CELLS[cell]


@pytest.mark.parametrize("cell", ["不予处罚，情节严重的依法处罚", "不予处罚，罚款", "从轻处罚，并处罚款", "责令改正",
                                  "不予处罚，不予处罚", "不予处罚；限首次", "不予处罚，没收违法所得", "不予处罚（首次）"])
def test_other_words_beside_the_outcome_still_refused(cell):
    assert split_outcome_cell(cell) == (None, [])


def test_a_normal_list_imports_and_keeps_its_measures(tmp_path):
    rows = [["一、不予行政处罚事项清单（共2项）"] * 6,
            [1, "市场监管", "未按规定公示信息", CITE, "违法行为轻微并及时改正，没有造成危害后果的", "不予处罚，责令改正"],
            [2, "市场监管", "未按规定标价", CITE, "违法行为轻微并及时改正，没有造成危害后果的", "不予行政处罚，并进行批评教育"]]
    result = _build(tmp_path, rows)
    assert not result.rejected
    assert [i["outcome"] for i in result.items] == ["no_penalty", "no_penalty"]
    assert result.items[0]["measures"] == ["责令改正"] and result.items[1]["measures"] == ["进行批评教育"]
    assert not any(_blocked(i) for i in result.items)


# -- 2. a sanction after a negated case (未… / 没有… 的) -------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "首次违法的，未造成损失的依法吊销营业执照", "首次违法的，没有被责令停产停业的依法吊销许可证",
    "首次违法且危害后果轻微的，未造成人员伤亡的予以警告", "首次违法的，未被责令改正的处以罚款",
    "首次违法的，未被处罚的列入经营异常名录", "首次违法的，未造成危害后果的责令停产停业"])
def test_a_sanction_after_a_negated_case_blocks(text):
    assert set(parse_conditions(text).flags) & set(BLOCKING_FLAGS)


# -- 3. a negated correction is the opposite of 及时改正 --------------------------------------------------------------
@pytest.mark.parametrize("text", ["危害后果轻微的，拒不及时改正", "危害后果轻微的，未主动改正", "危害后果轻微的，逾期仍未主动改正",
                                  "首次违法且危害后果轻微的，经责令后仍未及时改正", "危害后果轻微的，仍未及时改正"])
def test_a_negated_correction_blocks(text):
    assert set(parse_conditions(text).flags) & set(BLOCKING_FLAGS)


# -- 4. a cell that disagrees with its section title --------------------------------------------------------------
@pytest.mark.parametrize("title", ["可以不予处罚事项", "二、从轻处罚事项"])
def test_a_cell_disagreeing_with_its_section_title_blocks(tmp_path, title):
    rows = [[title] * 6, [1, "市场监管", "未按规定公示信息", CITE, "初次违法且危害后果轻微并及时改正", "不予处罚"]]
    result = _build(tmp_path, rows)
    assert all("conditions.outcome_mismatch" in _blocked(i) for i in result.items) and (result.items or result.rejected)


# -- 5. continuation rows, 存在下列情形之一, a neutral sub-title -------------------------------------------------------
def test_a_refused_row_is_measured_against_the_row_directly_above(tmp_path):
    rows = [[1, "市场监管", "未按规定公示信息", CITE, "初次违法", "不予处罚"],
            [2, "市场监管", "未按规定标价", CITE, "初次违法", "不予处罚，罚款"],
            [3, "市场监管", "未按规定亮照", CITE, "初次违法", "不予处罚，罚款"]]
    result = _build(tmp_path, rows)
    assert [r.row for r in result.rejected] == [3, 4]
    assert "source_rows_unjoined" not in result.items[0]["provenance"]["flags"]


def test_existing_heading_is_a_synonym_of_you_heading():
    a = parse_conditions("存在下列情形之一的：1.首次违法；2.危害后果轻微。")
    b = parse_conditions("有下列情形之一的：1.首次违法；2.危害后果轻微。")
    assert "conditions.heading_unread" not in a.flags
    assert [[leaf.condition for leaf in bundle] for bundle in a.bundles] == \
        [[leaf.condition for leaf in bundle] for bundle in b.bundles]


def test_a_neutral_sub_title_keeps_the_sections_outcome(tmp_path):
    rows = [["一、不予处罚事项"] * 6, ["（一）市场监管领域"] * 6,
            [1, "市场监管", "未按规定公示信息", CITE, "违法行为轻微并及时改正，没有造成危害后果的", ""]]
    result = _build(tmp_path, rows)
    assert not result.rejected
    assert result.items[0]["outcome"] == "no_penalty"


def test_a_neutral_title_of_the_same_level_is_a_new_section(tmp_path):
    rows = [["一、不予处罚事项"] * 6, ["二、市场监管领域"] * 6,
            [1, "市场监管", "未按规定公示信息", CITE, "违法行为轻微并及时改正，没有造成危害后果的", ""]]
    result = _build(tmp_path, rows)
    assert not result.items and [r.code for r in result.rejected] == ["unreadable_outcome"]
