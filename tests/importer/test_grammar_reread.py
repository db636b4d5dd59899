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


# 2. a closing 之一 marker after two levels of punctuation (A，B、C（以上条件之一）): one of A, B, C, or A and one
# of B, C? not guessed (never any one alone); nor when its count (三者 / 两项) is not the number of parts
def test_closing_marker_over_two_punctuation_levels_is_kept_whole():
    for text in ("违法行为轻微，初次违法、及时改正（满足其一）", "违法行为轻微，初次违法、及时改正（以上条件之一）",
                 "违法行为轻微，初次违法、及时改正，以上条件之一", "首次违法、危害后果轻微，及时改正（以上条件之一）",
                 "初次违法、及时改正（三者之一）"):
        r = parse_conditions(text)
        assert to_conditions(r) == {"all": [{"custom": text}]}, text
        assert "conditions.structure_unclear" in r.flags, text
    want = {"all": [], "any_of": [["first_offense"], ["minor_harm"], ["corrected_promptly"]]}
    for text in ("初次违法、危害后果轻微、及时改正，以上条件之一", "初次违法，危害后果轻微，及时改正（三者之一）",
                 "初次违法、危害后果轻微、及时改正三项条件之一"):
        assert conds(text) == want, text
    # the count says it: three parts, three alternatives
    assert conds("违法行为轻微，初次违法、及时改正（三者之一）") == {
        "all": [], "any_of": [["minor_violation"], ["first_offense"], ["corrected_promptly"]]}
    # a bracket condition stays with its condition, not an alternative of its own
    assert conds("初次违法（限个体工商户）、及时改正两项条件之一") == {
        "all": [], "any_of": [["first_offense", {"custom": "限个体工商户"}], ["corrected_promptly"]]}


# 5. an exclusion heading (…不适用： / …除外：) reaches over a line break only into a numbered line: the
# conditions on the next lines are not swallowed; the exclusion keeps the list's wording (its line breaks)
def test_exclusion_heading_stops_at_an_unnumbered_line():
    r = parse_conditions("有下列情形之一的，不适用：\n1.造成人员伤亡\n2.社会影响恶劣\n首次违法且及时改正")
    assert to_conditions(r) == {"all": [{"custom": "有下列情形之一的，不适用：\n1.造成人员伤亡\n2.社会影响恶劣"},
                                        "first_offense", "corrected_promptly"]}
    assert "conditions.exclusion" in r.flags
    assert conds("初次违法，及时改正；下列情形除外：造成人员伤亡\n危害后果轻微") == {
        "all": ["first_offense", "corrected_promptly", {"custom": "下列情形除外：造成人员伤亡"}, "minor_harm"]}


# 3. the 或-scope check also under a number or a 之一 marker (per alternative), and behind a stronger separator
# the parser does not resolve (A、或B，C / A；或B。C): never A | (B∧C) on a guess
def test_or_scope_checked_per_alternative_and_across_levels():
    for text in ("1.首次违法，或者及时改正，没有违法所得", "（一）首次违法，或者及时改正，没有违法所得",
                 "有下列情形之一：首次违法，或者及时改正，没有违法所得",
                 "首次违法、或者及时改正，没有违法所得", "首次违法；或者及时改正。没有违法所得"):
        r = parse_conditions(text)
        assert to_conditions(r) == {"all": [{"custom": text}]}, text
        assert "conditions.structure_unclear" in r.flags, text
    # the levels the parser does resolve: the last condition goes with both
    for text in ("首次违法，或者及时改正；没有违法所得", "首次违法、或者及时改正；没有违法所得",
                 "首次违法，或者及时改正。没有违法所得"):
        assert conds(text) == {"all": ["no_illegal_gains"], "any_of": [["first_offense"], ["corrected_promptly"]]}, text
    # a closing marker ends the alternatives: D is for all of them
    assert conds("初次违法，或危害后果轻微，或及时改正（三者之一），没有违法所得") == {
        "all": ["no_illegal_gains"], "any_of": [["first_offense"], ["minor_harm"], ["corrected_promptly"]]}


# 4. more wordings of an exclusion without 除外: …的，(仍 / 应当 / 应予 / 依法 / 从重 / 给予 / 可以 …)处罚 / 查处 /
# 处(以)…罚款 / 按一般程序处理 — kept whole in its words, flagged (never a condition an officer answers alone)
def test_more_exclusion_clause_wordings():
    for clause in ("造成危害后果的，依法从重处罚", "造成危害后果的，应当依法处罚", "造成危害后果的，应予处罚",
                   "造成危害后果的，应当给予行政处罚", "造成危害后果的，仍应处罚", "造成危害后果的，依法予以查处",
                   "造成危害后果的，按一般程序处理", "逾期不改正的，依法处以罚款", "逾期不改正的，可以处1000元罚款",
                   "逾期不改正的，处1000元以上5000元以下罚款"):
        r = parse_conditions("初次违法，及时改正；" + clause)
        assert to_conditions(r) == {"all": ["first_offense", "corrected_promptly", {"custom": clause}]}, clause
        assert "conditions.exclusion" in r.flags, clause
    # outcomes stay outcomes
    assert conds("初次违法，危害后果轻微并及时改正的，可以从轻处罚") == {
        "all": ["first_offense", "minor_harm", "corrected_promptly"]}


# 11. 的处罚款项 / 的处罚决定 / 的处置 are nouns, not "处…罚款" of an exclusion: the words kept, not flagged exclusion
def test_penalty_nouns_are_no_exclusion():
    for text, words in [("首次违法，已缴纳此前的处罚款项", "已缴纳此前的处罚款项"),
                        ("首次违法，已履行前次的处罚决定中的罚款", "已履行前次的处罚决定中的罚款"),
                        ("首次违法，涉案物品的处置以罚款方式", "涉案物品的处置以罚款方式")]:
        r = parse_conditions(text)
        assert to_conditions(r) == {"all": ["first_offense", {"custom": words}]}, text
        assert "conditions.exclusion" not in r.flags, text


# 10. the bracket rule: an editor's remark or a pointer ending in 的 is no restriction (the note, not a required
# condition); 适用 / 以外 / 期限内 restrict the item (a condition in its words, never moved to the note)
def test_editor_brackets_and_more_restricting_brackets():
    for text, bracket in [("首次违法（页面截断的）", "（页面截断的）"), ("初次违法（注：转载自某网页的）", "（注：转载自某网页的）"),
                          ("初次违法（详见附件的）", "（详见附件的）")]:
        r = parse_conditions(text)
        assert to_conditions(r) == {"all": ["first_offense"]}, text
        assert r.moved == [bracket] and "conditions.bracket" not in r.flags, text
    assert parse_conditions("首次违法（页面截断的）").editorial == ["（页面截断的）"]
    # a remark that says the conditions are cut off, or names a restriction, stays a condition in its words
    assert conds("及时改正(原文其后条件截断)") == {"all": ["corrected_promptly", {"custom": "原文其后条件截断"}]}
    assert conds("初次违法（注：限个体工商户）") == {"all": ["first_offense", {"custom": "注：限个体工商户"}]}
    for text, tag, words in [("初次违法（个体工商户适用）", "first_offense", "个体工商户适用"),
                             ("初次违法（自然人以外）", "first_offense", "自然人以外"),
                             ("及时改正（责令改正期限内）", "corrected_promptly", "责令改正期限内")]:
        r = parse_conditions(text)
        assert to_conditions(r) == {"all": [tag, {"custom": words}]}, text
        assert "conditions.bracket" in r.flags and not r.moved, text
    assert "conditions.exclusion" in parse_conditions("初次违法（自然人以外）").flags


# 8. one bound after a chain of nouns (违法所得、货值金额和罚款 / 违法所得和/或货值金额): the whole chain in words
def test_shared_bound_over_a_noun_chain():
    for text in ("违法所得、货值金额和罚款不超过1000元", "违法所得和/或货值金额不超过1000元"):
        r = parse_conditions(text)
        assert to_conditions(r) == {"all": [{"custom": text}]}, text
        assert "conditions.fragment" in r.flags, text


# 7. 不利 / 不当 / 不可挽回 … are adjectives like 不良: the 未 / 无 of the tag word reaches the noun (neither)
def test_negation_reaches_more_bu_adjective_nouns():
    for text in ("未造成危害后果和不利影响", "无危害后果和不当得利", "未造成危害后果、不可挽回的损失"):
        r = parse_conditions(text)
        assert to_conditions(r) == {"all": [{"custom": text}]}, text
        assert {"conditions.negation", "conditions.exclusion"} & set(r.flags), text


# 9. a heading before a bare 轻微 also when 的 / a bracket / 或 follows it: never a bare custom "轻微"
def test_heading_before_minor_with_de_bracket_or():
    assert conds("危害后果：轻微的，及时改正") == {"all": ["minor_harm", "corrected_promptly"]}
    assert conds("危害后果：轻微或者没有危害后果") == {"all": ["minor_harm"]}
    assert conds("社会影响：轻微（未造成投诉）") == {"all": [{"custom": "社会影响：轻微"}, {"custom": "未造成投诉"}]}


# 12. a closing marker in mid-text: the alternatives are before it, what follows is for all of them; a marker
# pointing at conditions not in the text stays in words
def test_closing_marker_mid_text():
    assert conds("初次违法、危害后果轻微两项条件之一，及时改正") == {
        "all": ["corrected_promptly"], "any_of": [["first_offense"], ["minor_harm"]]}
    assert conds("初次违法；危害后果轻微；及时改正（以上条件之一），没有违法所得") == {
        "all": ["no_illegal_gains"], "any_of": [["first_offense"], ["minor_harm"], ["corrected_promptly"]]}
    assert conds("符合上述条件之一，及时改正") == {"all": [{"custom": "符合上述条件之一"}, "corrected_promptly"]}
    text = "首次违法；初次违法，或危害后果轻微（二者之一），及时改正"  # two levels before the marker
    r = parse_conditions(text)
    assert to_conditions(r) == {"all": [{"custom": text}]} and "conditions.structure_unclear" in r.flags


# 6. the explanation of a custom condition kept in words reaches the result's notes (the item's note)
def test_notes_of_kept_words_reach_the_result():
    for text, note in [("初次违法，及时改正；造成危害后果的，依法处罚", "排除情形"),
                       ("违法所得和货值金额不超过1000元", "数额共用一个界限"),
                       ("社会影响：轻微，及时改正", "“轻微”所指见标题"),
                       ("初次违法（限个体工商户）", "括号中的条件"),
                       ("初次违法且危害后果轻微或及时改正", "且/或的结合方式不明")]:
        assert any(n.startswith(note) for n in parse_conditions(text).notes), text


# 13. an exclusion is kept as a custom condition in `all`: its note tells the reviewer to rewrite it (e.g. as a
# negated condition) before publishing — answered "holds" as written, it would make the item apply
def test_exclusion_note_says_rewrite_before_publishing():
    for text in ("初次违法，及时改正；造成危害后果的，依法处罚", "初次违法（造成人员伤亡的除外）",
                 "初次违法，造成人员伤亡、社会影响恶劣的除外", "初次违法；下列情形除外：造成人员伤亡"):
        r = parse_conditions(text)
        assert "conditions.exclusion" in r.flags, text
        note = next(n for n in r.notes if n.startswith("排除情形"))
        assert "发布前审核人须改写" in note and "否定" in note and "答“符合”会使本条目适用" in note, text
