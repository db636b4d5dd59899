"""Grammar round 7 (issue 11): numbered cases with no 之一 / 同时 word, and Latin list labels (（a） / a. / I.).
Wording from ../shared/reference/lists (development domains only: hr_social_security.yaml, housing_construction.yaml)
and ../shared/reference/statutes (行政处罚法第三十三条第一款). Each expected reading is written from the words."""

import pytest

from penalty_rules.importer.grammar import parse_conditions, to_conditions, tokenize

from .draft_tables import CITE, _blocked, _build
from .test_grammar import residue


def conds(text):
    return to_conditions(parse_conditions(text))


# -- numbered cases, no marker ---------------------------------------------------------------------------------------
# hr_social_security.yaml (tj-hrss-2021 item 1): two cases, each stating its harm and its correction (the researchers
# read them as alternatives: “3个月门槛仅属第一种情形”). 以下 includes the figure (刑法第九十九条 “本法所称以上、以下、
# 以内，包括本数”; 民法典第一千二百五十九条): 持续3个月以下 is at most 3 months. 及时自行改正 is 及时改正 said with
# 自行 (on one's own): the tag and the words; 或 without punctuation binds the two corrections only.
TJ_HRSS_1 = "其一:持续3个月以下、及时自行改正或责令期限内改正、无危害后果;\n其二:初次违法、危害轻微并及时改正。"


def test_numbered_cases_each_with_harm_and_correction_are_alternatives():
    r = parse_conditions(TJ_HRSS_1)
    three_months = {"quantity": "violation_duration_months", "max": 3}
    assert to_conditions(r) == {"all": [], "any_of": [
        [three_months, "corrected_promptly", {"custom": "及时自行改正"}, "no_harm"],
        [three_months, "corrected_within_deadline", "no_harm"],
        ["first_offense", "minor_harm", "corrected_promptly"]]}
    assert "conditions.numbered_cases" in r.flags and "conditions.structure_unclear" not in r.flags
    assert any("审核人须核对" in n for n in r.notes)
    assert not residue(TJ_HRSS_1, r)


def test_numbered_cases_reading_blocks_until_a_reviewer_confirms_it():
    # read as alternatives (wider than "all of them") by inference, not by a word of the list: like words read more
    # widely, the flag blocks approval and publication until the reviewer checks the table and deletes it
    from penalty_rules.lint.flags import BLOCKING_FLAGS, CODES

    assert "conditions.numbered_cases" in parse_conditions(TJ_HRSS_1).flags
    assert "conditions.numbered_cases" in BLOCKING_FLAGS
    assert CODES["conditions.numbered_cases"] == "unresolved_numbered_cases"


def test_the_two_grounds_of_article_33_numbered():
    # 行政处罚法第三十三条第一款: “违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。初次违法且危害后果轻微并及时
    # 改正的，可以不予行政处罚。” — the two grounds, numbered with no marker: either one
    text = "(1)违法行为轻微并及时改正，没有造成危害后果；(2)初次违法且危害后果轻微并及时改正"
    # (a condition of every alternative is written once, in `all`)
    assert conds(text) == {"all": ["corrected_promptly"], "any_of": [["minor_violation", "no_harm"],
                                                                     ["first_offense", "minor_harm"]]}


@pytest.mark.parametrize("text", [
    # hr_social_security.yaml (js-hrss-16 item 1): the second part states no harm and no correction — not read
    "其一:未严重损害劳动者权益且及时办理登记;\n其二:能证明未及时办理无主观过错且已补登",
    # a condition before the numbers: whose is it? (one part without it)
    "违法行为轻微:(1)及时纠正,没有造成危害后果;(2)危害后果轻微并及时改正",
    # a sentence after the last case: its own or all of theirs?
    "(1)违法行为轻微并及时改正，没有造成危害后果；(2)初次违法且危害后果轻微并及时改正。没有违法所得",
    # each case with its own outcome (行政处罚法第三十三条第一款's two sentences with theirs): tiers, not alternatives
    # of one item
    "（一）违法行为轻微并及时改正，没有造成危害后果的，不予处罚；（二）初次违法且危害后果轻微并及时改正的，可以不予处罚",
    # only one part states a correction
    "(1)违法行为轻微并及时改正，没有造成危害后果；(2)初次违法且危害后果轻微",
])
def test_numbered_parts_not_each_a_whole_case_stay_whole(text):
    r = parse_conditions(text)
    assert to_conditions(r) == {"all": [{"custom": text}]}
    assert "conditions.structure_unclear" in r.flags


def test_numbered_parts_under_same_time_words_still_all_hold():
    text = "同时符合下列条件：(1)违法行为轻微并及时改正，没有造成危害后果；(2)初次违法且危害后果轻微并及时改正"
    assert "any_of" not in conds(text)


# -- Latin labels in a 之一 list -----------------------------------------------------------------------------------------
# housing_construction.yaml (anshun item 1): “满足其一即可免予处罚:(1)违法行为轻微并及时纠正,没有造成危害后果;(2)初次违法且
# 危害后果轻微并及时改正” — the same list with its numbers written (a)/a./I.: the labels are structure, as (1)/(2)
# (及时纠正 / 及时改正 in both: written once, in `all` — as the reference itself codes the item)
HC_READING = {"all": ["corrected_promptly"], "any_of": [["minor_violation", "no_harm"], ["first_offense", "minor_harm"]]}
LABELS = [("(1)", "(2)"), ("（a）", "（b）"), ("(a)", "(b)"), ("a.", "b."), ("A．", "B．"), ("I.", "II."), ("I、", "II、")]


@pytest.mark.parametrize("one,two", LABELS)
def test_latin_labels_read_as_list_labels(one, two):
    text = f"满足其一即可免予处罚:{one}违法行为轻微并及时纠正,没有造成危害后果;{two}初次违法且危害后果轻微并及时改正"
    r = parse_conditions(text)
    assert to_conditions(r) == HC_READING
    assert not r.custom and not residue(text, r)


@pytest.mark.parametrize("one,two", LABELS)
def test_latin_labels_in_a_table_row(tmp_path, one, two):
    cell = f"满足其一即可免予处罚:\n{one}违法行为轻微并及时纠正,没有造成危害后果\n{two}初次违法且危害后果轻微并及时改正"
    # the outcome as the reference gives it (“清单措辞为‘可以免予处罚’”)
    result = _build(tmp_path, [[1, "住房城乡建设", "违反规定预售商品房", CITE, cell, "可以免予处罚"]])
    item = result.items[0]
    assert not result.rejected and not _blocked(item)
    assert item["conditions"] == HC_READING


@pytest.mark.parametrize("text", ["达到A.级标准", "维生素A.含量合格", "COD(a)值未超标", "执行GB.II.级标准"])
def test_a_letter_inside_words_is_no_label(text):
    assert not [t for t in tokenize(f"违法行为轻微，{text}") if t.kind == "ENUM"]


def test_latin_labels_beside_another_kind_are_a_sub_list_kept_whole():
    # a. / b. under (1): a sub-list — read flat, 及时改正 would be one alternative on its own (wider than the words)
    text = "满足其一：(1)初次违法且同时满足：a.及时改正；b.无危害后果；(2)违法行为轻微"
    r = parse_conditions(text)
    assert to_conditions(r) == {"all": [{"custom": text}]} and "conditions.structure_unclear" in r.flags
