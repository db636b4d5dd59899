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


# 4. 危害后果：轻微的，… / 情节：轻微或…: an exclusion after 轻微的 is caught (kept whole, flagged); after 轻微或 the
# heading：X或Y is kept whole unless the words after 或 are a full condition phrase
def test_headed_minor_with_exclusion_or_bare_alternative():
    for clause in ("违法情节：轻微的，依法从重处罚", "危害后果：轻微的，按一般程序处理", "危害后果：轻微的，不适用"):
        r = parse_conditions("首次违法；" + clause)
        assert to_conditions(r) == {"all": ["first_offense", {"custom": clause}]}, clause
        assert "conditions.exclusion" in r.flags, clause
    for text in ("危害后果：轻微或无", "情节：轻微或较轻"):
        c = conds("首次违法；" + text)
        assert c == {"all": ["first_offense", {"custom": text}]}, (text, c)
    assert conds("首次违法；危害后果：轻微的，及时改正") == {"all": ["first_offense", "minor_harm", "corrected_promptly"]}
    assert conds("危害后果：轻微或没有危害后果") == {"all": ["minor_harm"]}  # read as 危害后果轻微或没有危害后果


# 2. a closing marker after ；/ 或 when a part holds 、/，/且 between conditions: two levels — kept whole, flagged,
# never (A | (B∧C)) ∧ D on a guess; read by ；only when the count fits that level and not the lower one
def test_closing_marker_under_semicolon_with_two_levels_is_kept_whole():
    for text in ("首次违法；没有违法所得、危害后果轻微（二者之一），及时改正",
                 "首次违法；没有违法所得，危害后果轻微（二者之一），及时改正",
                 "首次违法；没有违法所得、危害后果轻微（以上条件之一），及时改正",
                 "首次违法；危害后果轻微、及时改正（二者之一）",
                 "违法行为轻微，首次违法或及时改正（以上条件之一）"):
        r = parse_conditions(text)
        assert to_conditions(r) == {"all": [{"custom": text}]}, (text, to_conditions(r))
        assert "conditions.structure_unclear" in r.flags, text
    c = conds("首次违法；没有违法所得、危害后果轻微、及时改正（二者之一）")
    assert c["any_of"] == [["first_offense"], ["no_illegal_gains", "minor_harm", "corrected_promptly"]], c
    c = conds("首次违法；及时改正（二者之一），没有违法所得")
    assert c == {"all": ["no_illegal_gains"], "any_of": [["first_offense"], ["corrected_promptly"]]}, c


# 5. a measure heading goes on over a comma (处1000元以上，5000元以下罚款 / 警告，或者处…) unless the next clause holds
# a condition word or a restriction (限 / 仅 / 当事人 / 适用); ，并处 / ，并责令 always go on
def test_measure_heading_over_a_comma():
    for measure in ("裁量幅度：处1000元以上，5000元以下罚款", "处罚措施：责令改正,罚款", "处理措施：责令改正，给予警告",
                    "裁量幅度：警告，或者处500元以下罚款", "处理措施：责令改正，逾期不改正的，处1000元罚款",
                    "处理措施：责令限期改正，期限为15日"):
        r = parse_conditions("首次违法；" + measure)
        assert to_conditions(r) == {"all": ["first_offense"]}, measure
        assert r.moved == [measure] and "conditions.exclusion" not in r.flags, measure
    for text, want, moved in (
            ("首次违法；处理措施：批评教育，没有违法所得", ["first_offense", "no_illegal_gains"], "处理措施：批评教育"),
            ("首次违法；处理措施：责令改正，并处警告，限个体工商户", ["first_offense", {"custom": "限个体工商户"}],
             "处理措施：责令改正，并处警告"),
            ("首次违法；处理措施：批评教育，并且当事人为个体工商户", ["first_offense", {"custom": "当事人为个体工商户"}],
             "处理措施：批评教育")):
        r = parse_conditions(text)
        assert to_conditions(r) == {"all": want} and r.moved == [moved], text


# 3. (注：…) / (说明：…) / (参见…) hold restrictions as any bracket: only a bare pointer (详见附件 / 参见附件一) or the
# editor's own wording goes to the note (recorded in `editorial`); 页面 alone is no editor's word
def test_note_brackets_keep_restrictions():
    for inner in ("注：当事人为小微企业的", "注：未取得许可的", "参见附件一所列情形的", "注：指个体工商户", "注：个体工商户适用",
                  "注：非主要农作物种子", "说明：在城市建成区内", "在网店页面公示的", "商品详情页面未标注价格的"):
        r = parse_conditions("首次违法（" + inner + "）")
        c = to_conditions(r)
        assert c["all"][0] == "first_offense" and len(c["all"]) == 2 and "custom" in c["all"][1], (inner, c)
        assert not r.moved and not r.editorial, inner
    for bracket in ("（详见附件）", "（参见附件一）", "（注：见附件二）", "（页面截断）"):
        r = parse_conditions("首次违法" + bracket)
        assert to_conditions(r) == {"all": ["first_offense"]} and r.editorial == [bracket], bracket


def test_exclusion_heading_items_after_an_empty_line_or_indented():
    r = parse_conditions("初次违法，及时改正；下列情形除外：\n\n  1.造成人员伤亡\n  2.社会影响恶劣\n危害后果轻微")
    assert to_conditions(r)["all"] == ["first_offense", "corrected_promptly",
                                       {"custom": "下列情形除外：\n\n  1.造成人员伤亡\n  2.社会影响恶劣"}, "minor_harm"]
    r = parse_conditions("初次违法；下列情形除外：\n\n造成人员伤亡")
    assert to_conditions(r)["all"] == ["first_offense", {"custom": "下列情形除外：\n\n造成人员伤亡"}]
    assert "conditions.structure_unclear" in r.flags
