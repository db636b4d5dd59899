"""Grammar round 5 (issue 11): the development tables' remaining custom phrases that can be read as exactly
what the words say (wording from ../shared/reference/lists: urban_management.yaml, tax.yaml)."""

import pytest

from penalty_rules.importer.grammar import parse_conditions, to_conditions

from .test_grammar import residue


def conds(text):
    return to_conditions(parse_conditions(text))


# -- a bracket naming the list's general rule (清单总则:…): its conditions hold for the item too ----------------
def test_general_rule_in_a_bracket_is_read_as_conditions():
    # urban_management.yaml (item 1): the item's own condition and the general rule's two, all of them
    text = "在限期内改正(清单总则:及时改正且未造成危害后果)。"
    r = parse_conditions(text)
    assert to_conditions(r) == {"all": ["corrected_within_deadline", "corrected_promptly", "no_harm"]}
    assert not r.custom and not r.moved and "conditions.bracket" in r.flags
    assert not residue(text, r)  # the label 清单总则: is a remark: nothing of the text is lost


@pytest.mark.parametrize("text", [
    "在限期内改正(清单总则:及时改正或者未造成危害后果)",  # an 或 inside: how it binds with the outside is not said
    "在限期内改正(清单总则:未造成危害后果的除外)",  # an exclusion: not a condition to add
    "在限期内改正(清单总则:及时改正且未造成严重后果)",  # words the lexicon does not know
    "在限期内改正(备注:及时改正且未造成危害后果)",  # no general-rule label: a bracket naming conditions, in words
    # alternatives around it: read with the last one only, the first would hold without the rule (wider)
    "首次违法，或及时改正(清单总则:未造成危害后果)",
    "满足其一:(1)首次违法;(2)及时改正(清单总则:未造成危害后果)",
])
def test_general_rule_bracket_read_only_when_it_is_plain_conditions(text):
    c = to_conditions(parse_conditions(text))
    words = [x for part in [c["all"]] + c.get("any_of", []) for x in part if isinstance(x, dict) and "custom" in x]
    assert words and "no_harm" not in str(c), c  # the bracket stays in words: its conditions are not read


# -- an intensified 轻微 on the violation (违法行为显著轻微): minor_violation AND the words ----------------------
def test_significantly_minor_violation_is_minor_violation_with_the_words():
    # tax.yaml (ah-zongyang-2023 item 1): 显著轻微 is a degree of 轻微 — the tag holds whenever the words do;
    # the words say more (显著), so they are kept beside the tag (the officer confirms them)
    text = "违法行为显著轻微、及时改正并未造成危害后果的不予处罚"
    r = parse_conditions(text)
    assert to_conditions(r) == {"all": ["minor_violation", {"custom": "违法行为显著轻微"}, "corrected_promptly",
                                        "no_harm"]}
    assert "conditions.words_kept" in r.flags and not residue(text, r)
    assert conds("情节特别轻微") == {"all": ["minor_violation", {"custom": "情节特别轻微"}]}


@pytest.mark.parametrize("words", ["社会影响显著轻微", "违法行为不属于显著轻微", "危害后果显著轻微"])
def test_intensified_minor_of_other_things_is_not_minor_violation(words):
    assert "minor_violation" not in conds(words)["all"]


def test_general_rule_bracket_reading_is_noted_for_the_reviewer():
    r = parse_conditions("在限期内改正(清单总则:及时改正且未造成危害后果)。")
    assert any("清单总则" in n and "审核人须确认" in n for n in r.notes)
