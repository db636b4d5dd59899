"""Second review of the condition grammar's leftovers: an outcome clause is read only where it is the row's
outcome (after 的 / as a whole clause at the end), never cut out of the middle of a condition; headings and moved
text naming another outcome are flagged; 从轻或者减轻 is one range; k-of-n and party restrictions stay in words or
flagged. Each reading is never wider than the wording."""

import pytest

from penalty_rules.importer import build
from penalty_rules.importer.grammar import parse_conditions, to_conditions
from penalty_rules.model.outcome import Outcome


def conds(text):
    return to_conditions(parse_conditions(text))


# 1. 依法…处罚 inside a condition is words of the condition (answered 符合 only as a whole)
@pytest.mark.parametrize("text,kept", [
    ("初次违法，且一年内未因同类违法行为被依法从轻处罚", "一年内未因同类违法行为被依法从轻处罚"),
    ("二年内未被依法不予处罚过", "二年内未被依法不予处罚过"),
    ("首次违法，或者有其他依法不予处罚情形的", "有其他依法不予处罚情形"),
    ("具有法律、法规、规章规定其他依法从轻处罚情形的", "具有法律、法规、规章规定其他依法从轻处罚情形"),
    ("具有法律、法规、规章规定其他从轻处罚情形的", "具有法律、法规、规章规定其他从轻处罚情形"),
])
def test_yifa_outcome_words_inside_a_condition_are_kept_whole(text, kept):
    r = parse_conditions(text)
    customs = [x["custom"] for alt in ([to_conditions(r)["all"]] + to_conditions(r).get("any_of", []))
               for x in alt if isinstance(x, dict)]
    assert customs == [kept], customs
    assert not r.outcomes and not r.moved


@pytest.mark.parametrize("text,outcome", [
    ("首次违法且及时改正的，依法不予处罚", "，依法不予处罚"),
    ("首次违法且及时改正的依法从轻处罚", "依法从轻处罚"),
    ("首次违法，依法予以减轻处罚", "，依法予以减轻处罚"),
])
def test_yifa_outcome_after_de_or_as_a_last_clause_is_the_outcome(text, outcome):  # guards: passed before
    r = parse_conditions(text)
    assert r.outcomes == [outcome]
    assert all(isinstance(x, str) for x in to_conditions(r)["all"])


# 2. 从轻或者减轻处罚 is one range: no fragment 依法从轻 as a condition; a row of either outcome agrees
@pytest.mark.parametrize("tail", ["，依法从轻或者减轻处罚", "，可以从轻或者减轻处罚", "，依法从轻、减轻处罚"])
def test_lighter_or_reduced_is_one_outcome_range(tail):
    r = parse_conditions("首次违法且及时改正的" + tail)
    assert to_conditions(r) == {"all": ["first_offense", "corrected_promptly"]}, tail
    assert build.outcome_clause_problem(r, Outcome.lighter_penalty) is None
    assert build.outcome_clause_problem(r, Outcome.reduced_penalty) is None
    assert build.outcome_clause_problem(r, Outcome.no_penalty)


# 3. a heading (or other moved text) naming an outcome is checked against the row's outcome
@pytest.mark.parametrize("text,said", [
    ("可以依法减轻处罚的情形：初次违法、危害后果轻微", Outcome.reduced_penalty),
    ("依法从轻处罚：初次违法、危害后果轻微", Outcome.lighter_penalty),
])
def test_heading_naming_another_outcome_is_a_mismatch(text, said):
    r = parse_conditions(text)
    assert to_conditions(r) == {"all": ["first_offense", "minor_harm"]}
    problem = build.outcome_clause_problem(r, Outcome.no_penalty)
    assert problem and "不予处罚" in problem
    assert build.outcome_clause_problem(r, said) is None


def test_heading_mismatch_flagged_in_the_draft(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text(
        "序号,执法领域,违法行为,违法依据,处罚依据,不予处罚依据,适用条件,处理措施,备注\n"
        "一、不予处罚事项,,,,,,,,\n"
        "1,税务,未按照规定期限办理纳税申报和报送纳税资料,《中华人民共和国税收征收管理法》第二十五条第一款,,,"
        "依法从轻处罚：初次违法、危害后果轻微,,\n", encoding="utf-8")
    result = build.build_draft(table, list_id="t", version="1", jurisdiction="371500", domain="tax")
    item, = result.document["items"]
    assert "conditions.outcome_mismatch" in item["provenance"]["flags"]


# 4. k of n: a count inside one condition stays in its words; k-of-n headings are flagged
@pytest.mark.parametrize("text,kept", [
    ("采取整改措施（至少两项）", "采取整改措施（至少两项）"),
    ("首次违法，采取整改措施（至少两项）", "采取整改措施（至少两项）"),
])
def test_count_inside_one_condition_is_kept_in_words(text, kept):
    r = parse_conditions(text)
    assert {"custom": kept} in to_conditions(r)["all"]  # never 采取整改措施 alone: one measure would answer 符合
    assert "conditions.k_of_n" in r.flags
    assert not any("比原文严" in n for n in r.notes)  # the note does not claim the stricter reading


@pytest.mark.parametrize("text", ["以下三项满足其中两项：首次违法；危害后果轻微；及时改正",
                                  "具有下列从轻情节中的两项以上：首次违法；危害后果轻微；及时改正"])
def test_k_of_n_headings_are_flagged(text):
    r = parse_conditions(text)
    assert to_conditions(r) == {"all": ["first_offense", "minor_harm", "corrected_promptly"]}
    assert "conditions.k_of_n" in r.flags
    assert any("只要求满足其中2项" in n for n in r.notes), r.notes


# 5. a bracket or heading that is only a party noun is the party the item is for: a condition in words
@pytest.mark.parametrize("text,party", [
    ("首次违法且及时改正（自然人）", "自然人"), ("首次违法且及时改正（个人）", "个人"),
    ("首次违法且及时改正（事业单位）", "事业单位"), ("首次违法且及时改正（企业）", "企业"),
    ("首次违法且及时改正（中小企业）", "中小企业"), ("个人：首次违法且及时改正", "个人"),
    ("单位：首次违法且及时改正", "单位"),
])
def test_party_noun_is_kept_as_a_condition(text, party):
    r = parse_conditions(text)
    c = to_conditions(r)
    assert {"custom": party} in c["all"] and {"first_offense", "corrected_promptly"} <= set(
        x for x in c["all"] if isinstance(x, str)), c
    assert "conditions.party" in r.flags and party not in "".join(r.moved)


@pytest.mark.parametrize("text", ["对小微企业：首次违法；对其他企业：首次违法且及时改正",
                                  "个人：首次违法；单位：首次违法且及时改正"])
def test_party_tiers_are_kept_whole(text):
    r = parse_conditions(text)
    assert to_conditions(r) == {"all": [{"custom": text}]}
    assert {"conditions.party", "conditions.structure_unclear"} <= set(r.flags)


def test_outcome_clause_before_a_bracket_is_the_outcome():
    r = parse_conditions("首次违法且及时改正的，依法不予处罚（见附件）")
    assert to_conditions(r) == {"all": ["first_offense", "corrected_promptly"]}
    assert r.outcomes == ["，依法不予处罚"]


def test_an_outcome_at_the_end_of_a_condition_without_punctuation_is_still_checked():
    """首次违法及时改正依法从轻处罚 on a 不予处罚 row: the outcome stays in the custom's words (no 的 or
    punctuation before it) but is still an outcome the row must agree with (a re-reader: the mismatch,
    which blocks publication, was no longer flagged); 一年内未被依法从轻处罚 is a condition."""
    from penalty_rules.importer.build import outcome_clause_problem

    assert outcome_clause_problem(parse_conditions("首次违法及时改正依法从轻处罚"), "no_penalty")
    assert outcome_clause_problem(parse_conditions("初次违法并及时改正依法减轻处罚"), "no_penalty")
    assert outcome_clause_problem(parse_conditions("首次违法及时改正依法从轻处罚"), "lighter_penalty") is None
    assert outcome_clause_problem(parse_conditions("一年内未被依法从轻处罚"), "no_penalty") is None
