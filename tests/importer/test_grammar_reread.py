"""Gaps of the first mends for wide readings (a re-reader's findings, numbered as there): a clause that
reaches over ；/ a line break, two punctuation levels flattened, an exclusion not caught … Each phrase here
was read wider than its words (or lost words); the words are kept (custom), flagged."""

from penalty_rules.importer.grammar import parse_conditions, to_conditions


def conds(text):
    return to_conditions(parse_conditions(text))


# 1. a measure heading (处理措施：/ 处罚幅度：/ 配套措施：) reaches to ；/ a line break / a comma (not ，并处…):
# what follows stays a condition in its words
def test_measure_heading_stops_at_semicolon_and_line_break():
    for text, want, moved in [
        ("首次违法；处理措施：责令改正；限个体工商户", ["first_offense", {"custom": "限个体工商户"}], "处理措施：责令改正"),
        ("处理措施：责令改正\n当事人为个体工商户", [{"custom": "当事人为个体工商户"}], "处理措施：责令改正"),
        ("处罚幅度：警告；仅适用于个体工商户", [{"custom": "仅适用于个体工商户"}], "处罚幅度：警告"),
        ("首次违法，及时改正；配套措施：约谈，当事人承诺整改",
         ["first_offense", "corrected_promptly", {"custom": "当事人承诺整改"}], "配套措施：约谈"),
    ]:
        r = parse_conditions(text)
        assert to_conditions(r) == {"all": want}, text
        assert r.moved == [moved] and "conditions.moved_to_note" in r.flags, text
