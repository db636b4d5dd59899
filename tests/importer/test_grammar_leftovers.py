"""Leftovers of the condition grammar: ；或 followed by a comma clause, k-of-n lists (满足其中两项), an outcome
clause at the end of a condition text (…的，依法不予处罚), a party restriction (对小微企业) in a bracket or a heading.
Each reading is never wider than the wording: kept in words or flagged."""

import pytest

from penalty_rules.importer import build
from penalty_rules.importer.build import build_draft
from penalty_rules.importer.grammar import parse_conditions, to_conditions
from penalty_rules.model.outcome import Outcome


def conds(text):
    return to_conditions(parse_conditions(text))


# 1. ；或者B，C: does C go with B only, or with both alternatives? Not guessed (as for A，或B，C).
@pytest.mark.parametrize("text", ["首次违法；或者及时改正，没有违法所得", "首次违法。或者及时改正，没有违法所得",
                                  "首次违法;或及时改正,没有违法所得", "危害后果轻微，首次违法；或者及时改正，没有违法所得"])
def test_semicolon_or_then_comma_is_kept_whole(text):
    r = parse_conditions(text)
    assert to_conditions(r) == {"all": [{"custom": text}]}
    assert "conditions.structure_unclear" in r.flags


def test_semicolon_or_without_a_later_comma_clause_is_read():  # guards: passed before the change
    assert conds("首次违法；或者及时改正且没有违法所得") == {
        "all": [], "any_of": [["first_offense"], ["corrected_promptly", "no_illegal_gains"]]}
    assert conds("首次违法；或者及时改正、没有违法所得") == {
        "all": [], "any_of": [["first_offense"], ["corrected_promptly", "no_illegal_gains"]]}
    # an announced 之一 marker says the ；parts are the alternatives
    assert conds("满足其一：首次违法；或者及时改正，没有违法所得") == {
        "all": [], "any_of": [["first_offense"], ["corrected_promptly", "no_illegal_gains"]]}
    # an outcome after the comma is no condition
    assert conds("首次违法；或者及时改正的，不予处罚") == {
        "all": [], "any_of": [["first_offense"], ["corrected_promptly"]]}


# 2. k of n: the condition model has no k-of-n form — every part is kept (stricter than the wording), flagged
# conditions.k_of_n with a note naming how many the list asks
@pytest.mark.parametrize("text", [
    "首次违法、危害后果轻微、及时改正（满足其中两项）",
    "满足其中两项：首次违法；危害后果轻微；及时改正",
    "具备下列条件中的两项：（1）首次违法；（2）危害后果轻微；（3）及时改正",
    "满足其中两项：（1）首次违法；（2）危害后果轻微；（3）及时改正",
    "符合以下任意两项：首次违法、危害后果轻微、及时改正",
    "首次违法，危害后果轻微，及时改正，以上条件满足两项即可",
    "首次违法、危害后果轻微、及时改正，三项中至少符合两项",
])
def test_k_of_n_keeps_every_part_and_is_flagged(text):
    r = parse_conditions(text)
    assert to_conditions(r) == {"all": ["first_offense", "minor_harm", "corrected_promptly"]}, text
    assert "conditions.k_of_n" in r.flags, text
    assert any("只要求满足其中2项" in n for n in r.notes), r.notes
    assert "conditions.moved_to_note" not in r.flags  # the marker is structure, not a moved condition


@pytest.mark.parametrize("text", ["首次违法；危害后果轻微；及时改正（三项同时满足）", "同时具备三项：首次违法；危害后果轻微；及时改正",
                                  "首次违法；第三项按违法比例设限", "首次违法、危害后果轻微（满足其一）"])
def test_all_or_one_of_markers_are_not_k_of_n(text):  # guards: passed before the change
    assert "conditions.k_of_n" not in parse_conditions(text).flags


# 3. an outcome clause at the end of a condition text is no condition: …的，依法不予处罚 and the like
@pytest.mark.parametrize("tail", ["，依法不予处罚", "，可以依法不予处罚", "，依法可以不予处罚", "，依法从轻处罚",
                                  "，依法予以减轻处罚", "，依法免予处罚", "，应当依法不予行政处罚"])
def test_outcome_clause_with_yifa_is_no_condition(tail):
    r = parse_conditions("首次违法且及时改正的" + tail)
    assert to_conditions(r) == {"all": ["first_offense", "corrected_promptly"]}, tail
    assert any(tail.lstrip("，") in x for x in r.outcomes), r.outcomes


def test_exclusions_stay_exclusions():  # guards: passed before the change
    for tail in ("造成危害后果的，依法处罚", "造成危害后果的，依法从重处罚"):
        r = parse_conditions("首次违法；" + tail)
        assert to_conditions(r) == {"all": ["first_offense", {"custom": tail}]}
        assert "conditions.exclusion" in r.flags


def test_outcome_clause_checked_against_the_outcome_column():
    agree = parse_conditions("首次违法且及时改正的，依法不予处罚")
    assert build.outcome_clause_problem(agree, Outcome.no_penalty) is None
    problem = build.outcome_clause_problem(agree, Outcome.lighter_penalty)
    assert problem and "依法不予处罚" in problem and "从轻处罚" in problem
    maybe = parse_conditions("初次违法且危害后果轻微并及时改正的，可以不予处罚")
    assert build.outcome_clause_problem(maybe, Outcome.discretionary_no_penalty) is None
    assert build.outcome_clause_problem(maybe, Outcome.no_penalty)  # 可以不予 is not 不予
    # an outcome clause naming no one outcome (免予警告和罚款) is not compared
    assert build.outcome_clause_problem(parse_conditions("首次违法的，免予警告和罚款"), Outcome.no_penalty) is None


def test_outcome_mismatch_flagged_in_the_draft(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text(
        "序号,执法领域,违法行为,违法依据,处罚依据,不予处罚依据,适用条件,处理措施,备注\n"
        "一、从轻处罚事项,,,,,,,,\n"
        "1,税务,未按照规定期限办理纳税申报和报送纳税资料,《中华人民共和国税收征收管理法》第二十五条第一款,,,"
        "首次违法且及时改正的，依法不予处罚,,\n"
        "2,税务,未按照规定设置、保管账簿,《中华人民共和国税收征收管理法》第二十五条第一款,,,"
        "首次违法且及时改正的，依法从轻处罚,,\n", encoding="utf-8")
    result = build_draft(table, list_id="t", version="1", jurisdiction="371500", domain="tax")
    first, second = result.document["items"]
    assert first["conditions"] == second["conditions"] == {"all": ["first_offense", "corrected_promptly"]}
    assert "conditions.outcome_mismatch" in first["provenance"]["flags"]
    assert "依法不予处罚" in first["provenance"]["note"] and "从轻处罚" in first["provenance"]["note"]
    assert "conditions.outcome_mismatch" not in second["provenance"]["flags"]


# 4. 对 is no restriction word: the party it names (对小微企业 / 个体工商户) never vanishes into the note
@pytest.mark.parametrize("text,party", [
    ("首次违法且及时改正（对小微企业）", "对小微企业"),
    ("首次违法且及时改正（适用于小微企业）", "适用于小微企业"),
    ("首次违法且及时改正（小微企业）", "小微企业"),
    ("对小微企业：首次违法且及时改正", "对小微企业"),
    ("小微企业：首次违法且及时改正", "小微企业"),
    ("针对个体工商户：首次违法且及时改正", "针对个体工商户"),
])
def test_party_restriction_is_kept_as_a_condition(text, party):
    r = parse_conditions(text)
    c = to_conditions(r)
    assert {"custom": party} in c["all"] and {"first_offense", "corrected_promptly"} <= set(
        x for x in c["all"] if isinstance(x, str)), c
    assert "conditions.party" in r.flags


@pytest.mark.parametrize("text,kept", [
    ("对初次违法的个体工商户", "对初次违法的个体工商户"),
    ("对小微企业首次违法的，不予处罚", "对小微企业首次违法"),
    ("对个体工商户，首次违法且及时改正的", "对个体工商户"),
])
def test_party_in_plain_text_stays_in_words(text, kept):  # guards: passed before the change
    assert {"custom": kept} in conds(text)["all"]
