"""Third re-reading of the condition grammar: readings wider than the list's wording (exclusion lists after a
line break, 危害后果：轻微的，… exclusions, closing markers under ；, commas in measure headings)."""
from penalty_rules.importer.grammar import parse_conditions, to_conditions


def conds(text):
    return to_conditions(parse_conditions(text))


def _whole_flagged(text, flag="conditions.structure_unclear"):
    r = parse_conditions(text)
    return r, to_conditions(r)


# 1. an exclusion heading followed by a line break keeps its items: the break right after the colon does not
# end it; 一、 / ① / - / • count as numbered lines; unnumbered item lines: kept to 。, flagged structure_unclear
def test_exclusion_heading_keeps_items_after_a_line_break():
    r = parse_conditions("初次违法。但有下列情形的除外：\n没有违法所得")
    c = to_conditions(r)
    assert "no_illegal_gains" not in str(c)
    assert c["all"][1:] == [{"custom": "但有下列情形的除外：\n没有违法所得"}]
    assert {"conditions.exclusion", "conditions.structure_unclear"} <= set(r.flags)
    r = parse_conditions("初次违法。有下列情形之一的，不适用：\n违法所得不足1000元")
    c = to_conditions(r)
    assert c["all"][1:] == [{"custom": "有下列情形之一的，不适用：\n违法所得不足1000元"}], c
    assert "conditions.structure_unclear" in r.flags
    r = parse_conditions("初次违法，及时改正；下列情形除外：\n造成人员伤亡\n社会影响恶劣")
    assert to_conditions(r)["all"] == ["first_offense", "corrected_promptly",
                                       {"custom": "下列情形除外：\n造成人员伤亡\n社会影响恶劣"}]
    assert {"conditions.exclusion", "conditions.structure_unclear"} <= set(r.flags)
    for items in ("-造成人员伤亡\n-社会影响恶劣", "一、造成人员伤亡\n二、社会影响恶劣", "①造成人员伤亡\n②社会影响恶劣",
                  "•造成人员伤亡\n•社会影响恶劣"):
        r = parse_conditions("初次违法，及时改正；下列情形除外：\n" + items + "\n危害后果轻微")
        assert to_conditions(r)["all"] == ["first_offense", "corrected_promptly",
                                           {"custom": "下列情形除外：\n" + items}, "minor_harm"], items
        assert "conditions.exclusion" in r.flags and "conditions.structure_unclear" not in r.flags, items
