"""Outcome cells, section titles and continuation rows read by ALLOWLIST (issue 11, a third reviewer's probes):
what is not positively recognised is refused or blocks — never an outcome more lenient than the words.

The expected readings are written from the words: 不予处罚 is mandatory, 可以不予处罚 is the officer's discretion
(行政处罚法(2021-01-22)第三十三条第一款: “违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。初次违法且危害后果
轻微并及时改正的，可以不予行政处罚。”); a cell or title with other words than one outcome wording is no outcome."""

import csv
import io

import pytest

from penalty_rules.importer.build import build_draft, read_outcome_strict, read_title_outcome
from penalty_rules.lint.flags import blocking_flags
from penalty_rules.model.item import Item
from penalty_rules.model.outcome import Outcome

HEAD = ["序号", "执法领域", "违法行为", "处罚依据", "适用条件", "处理结果"]
CITE = "《中华人民共和国行政处罚法》第三十三条第一款"


def _build(tmp_path, rows, head=HEAD, **kw):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(head)
    w.writerows(rows)
    table = tmp_path / "t.csv"
    table.write_text(buf.getvalue(), encoding="utf-8")
    return build_draft(table, list_id="t", version="1", jurisdiction="371500", domain="market", **kw)


def _blocked(item: dict) -> list[str]:
    return blocking_flags(Item.model_validate(item))


NP, DNP, RD, LT = (Outcome.no_penalty, Outcome.discretionary_no_penalty, Outcome.reduced_penalty,
                   Outcome.lighter_penalty)
KNOWN_CELLS = {
    "不予处罚": NP, "不予行政处罚": NP, "依法不予处罚": NP, "应当不予处罚": NP, "不予处罚。": NP, "免予处罚": NP,
    "可以不予处罚": DNP, "可不予处罚": DNP, "可依法不予处罚": DNP, "可以依法不予行政处罚。": DNP, "可免予处罚": DNP,
    "根据情况不予处罚": DNP, "原则上不予处罚": DNP, "一般不予处罚": DNP, "得不予处罚": DNP, "根据情节不予处罚": DNP,
    "依情不予处罚": DNP, "斟酌不予处罚": DNP, "酌情不予处罚": DNP, "视情不予处罚": DNP, "可视情节不予处罚": DNP,
    "减轻处罚": RD, "可以减轻处罚": RD, "从轻处罚": LT, "可以从轻处罚": LT, "依法从轻处罚": LT,
    "依法处罚": Outcome.normal,
}


@pytest.mark.parametrize("cell", KNOWN_CELLS)
def test_a_known_outcome_wording_is_read(tmp_path, cell):
    result = _build(tmp_path, [[1, "市场监管", "未按规定公示信息", CITE, "初次违法", cell]])
    assert not result.rejected
    assert result.items[0]["outcome"] == KNOWN_CELLS[cell].value


# the reviewer's cells: words beside the outcome (a limit, an exception, a negation, another outcome) — refused
REFUSED_CELLS = [
    "禁止免罚情形", "严禁不予处罚", "免罚不适用情形", "取消免罚的情形", "不予處罰", "不適用不予處罰的情形", "可予免罚",
    "能够不予处罚", "视情节轻重不予处罚", "经研究后不予处罚", "不予处罚（情节严重的除外）", "首次不予处罚，再次依法处罚",
    "未予免罚", "拒绝免罚", "免罚除外情形", "免罚例外情形", "除外情形：不予处罚", "以下不予处罚", "不予处罚的例外情形",
    "否定免罚", "勿予免罚", "无免罚", "从轻处罚以外的情形", "非免罚事项", "可以考虑不予处罚", "不予处罚或从轻处罚",
    "一般情况下不予处罚", "不予处罚；情节严重的，依法处罚", "不予处罚（初次）", "不予处罚，再犯从重",
    "可以不予处罚，但应责令改正", "不予处罚(限首次)",
]


@pytest.mark.parametrize("cell", REFUSED_CELLS)
def test_an_outcome_cell_with_other_words_is_refused_with_its_row_and_words(tmp_path, cell):
    result = _build(tmp_path, [[1, "市场监管", "未按规定公示信息", CITE, "初次违法", cell]])
    assert not result.items
    assert [(r.row, r.code) for r in result.rejected] == [(2, "unreadable_outcome")]
    assert cell in result.rejected[0].message
    assert read_outcome_strict(cell) is None


KNOWN_TITLES = {
    "一、不予处罚事项": NP, "二、可以不予处罚事项": DNP, "（一）减轻处罚清单": RD, "(二)从轻处罚事项：": LT,
    "1.从轻处罚的违法行为": LT, "不予处罚事项清单": NP, "轻微违法行为不予处罚清单": NP, "适用不予处罚的情形": NP,
    "第一部分 不予处罚事项": NP,
}


@pytest.mark.parametrize("title", KNOWN_TITLES)
def test_a_known_section_title_gives_its_outcome(tmp_path, title):
    assert read_title_outcome(title) == (KNOWN_TITLES[title], False)
    result = _build(tmp_path, [[title] * 6, [1, "市场监管", "未按规定公示信息", CITE, "初次违法", ""]])
    assert not result.rejected and result.items[0]["outcome"] == KNOWN_TITLES[title].value


REFUSED_TITLES = ["禁止免罚事项", "非免罚事项", "不予处罚的例外情形", "免罚例外情形", "无免罚事项", "未予免罚事项",
                  "不予处罚（限首次）事项", "严禁不予处罚情形", "取消免罚的情形"]


@pytest.mark.parametrize("title", REFUSED_TITLES)
def test_a_title_speaking_of_penalty_in_other_words_refuses_its_rows_even_with_an_outcome_cell(tmp_path, title):
    """The rows under 禁止免罚事项 are the cases the list withholds leniency from: their own 不予处罚 cell must not
    make them lenient items."""
    result = _build(tmp_path, [[title] * 6, [1, "市场监管", "未按规定公示信息", CITE, "初次违法", "不予处罚"]])
    assert not result.items
    assert [(r.row, r.code) for r in result.rejected] == [(3, "unreadable_outcome")]
    assert title in result.rejected[0].message


def test_a_neutral_title_keeps_the_outcome_cells(tmp_path):
    result = _build(tmp_path, [["市场监管领域"] * 6, [1, "市场监管", "未按规定公示信息", CITE, "初次违法", "不予处罚"]])
    assert not result.rejected and result.items[0]["outcome"] == "no_penalty"


@pytest.mark.parametrize("number", ["", "7", "续", "1-2", "一", "甲", "3"])
def test_a_refused_row_under_an_item_flags_it_unless_the_next_number(tmp_path, number):
    result = _build(tmp_path, [[1, "市场监管", "未按规定公示信息", CITE, "初次违法", "不予处罚"],
                               [number, "市场监管", "未按规定公示信息二", CITE, "初次违法", "不予处罚(限首次)"]])
    assert len(result.items) == 1 and result.rejected
    assert "source_rows_unjoined" in _blocked(result.items[0])


def test_a_refused_row_with_the_next_number_does_not_flag_the_item_above(tmp_path):
    result = _build(tmp_path, [[1, "市场监管", "未按规定公示信息", CITE, "初次违法", "不予处罚"],
                               [2, "市场监管", "未按规定公示信息二", CITE, "初次违法", "不予处罚(限首次)"]])
    assert len(result.items) == 1 and result.rejected
    assert "source_rows_unjoined" not in _blocked(result.items[0])
