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
