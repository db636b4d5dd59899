"""Readings wider than the list's wording (a reviewer's findings): each phrase here was read so that
the item gave 不予处罚 to cases its source does not cover. The words are kept (custom), flagged."""

from penalty_rules.importer.grammar import parse_conditions, to_conditions


def conds(text):
    return to_conditions(parse_conditions(text))


def flags(text):
    return parse_conditions(text).flags


# 1. an exclusion said without 除外 (…的，依法处罚 / 不适用 / 处…罚款) is not a required condition
def test_exclusion_clause_without_chuwai():
    for text, clause in [
        ("初次违法，及时改正；造成危害后果的，依法处罚", "造成危害后果的，依法处罚"),
        ("初次违法，及时改正；造成危害后果的，不适用本清单", "造成危害后果的，不适用本清单"),
        ("初次违法，及时改正；两年内再次违法的，从重处罚", "两年内再次违法的，从重处罚"),
        ("初次违法，及时改正；逾期不改正的，处1000元罚款", "逾期不改正的，处1000元罚款"),
        ("初次违法，及时改正，但已造成危害后果的应当处罚", "但已造成危害后果的应当处罚"),
        ("初次违法，及时改正，故意违法的不适用", "故意违法的不适用"),
    ]:
        assert conds(text) == {"all": ["first_offense", "corrected_promptly", {"custom": clause}]}, text
        assert "conditions.exclusion" in flags(text), text


def test_exclusion_heading_makes_what_follows_exclusions():
    for text, clause in [
        ("初次违法，及时改正；有下列情形之一的，不适用：造成人员伤亡；社会影响恶劣",
         "有下列情形之一的，不适用：造成人员伤亡；社会影响恶劣"),
        ("初次违法，及时改正，但有下列情形除外：造成人员伤亡、社会影响恶劣",
         "但有下列情形除外：造成人员伤亡、社会影响恶劣"),
        ("初次违法，及时改正；存在下列情形的除外：造成人员伤亡、社会影响恶劣",
         "存在下列情形的除外：造成人员伤亡、社会影响恶劣"),
    ]:
        assert conds(text) == {"all": ["first_offense", "corrected_promptly", {"custom": clause}]}, text
        assert "conditions.exclusion" in flags(text), text


def test_outcome_clauses_stay_outcomes():
    assert conds("首次违法，及时改正的，不予处罚") == {"all": ["first_offense", "corrected_promptly"]}
    assert conds("初次违法，危害后果轻微的，可以不予处罚") == {"all": ["first_offense", "minor_harm"]}
