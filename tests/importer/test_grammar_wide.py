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


# 2. a bracket that restricts the item (限 / 仅 / 指, a time limit, …的除外 / 不适用, …的) is a condition
def test_restricting_bracket_is_a_condition():
    for text, tag, words in [
        ("初次违法（限个体工商户）", "first_offense", "限个体工商户"),
        ("初次违法（仅限小微企业）", "first_offense", "仅限小微企业"),
        ("初次违法（当事人为自然人的）", "first_offense", "当事人为自然人"),
        ("及时改正（3日内）", "corrected_promptly", "3日内"),
        ("及时改正（指在24小时内改正）", "corrected_promptly", "指在24小时内改正"),
        ("危害后果轻微（指未造成人员伤亡和财产损失）", "minor_harm", "指未造成人员伤亡和财产损失"),
        ("初次违法（造成人员伤亡的除外）", "first_offense", "造成人员伤亡的除外"),
        ("初次违法（两年内有同类违法行为的除外）", "first_offense", "两年内有同类违法行为的除外"),
        ("初次违法(故意违法的不适用)", "first_offense", "故意违法的不适用"),
        ("期限内补办手续(补办未获批准的,期限内拆除)", "corrected_within_deadline", "补办未获批准的,期限内拆除"),
    ]:
        r = parse_conditions(text)
        assert to_conditions(r) == {"all": [tag, {"custom": words}]}, text
        assert "conditions.bracket" in r.flags and not r.moved, text
    for text in ("初次违法（造成人员伤亡的除外）", "初次违法(故意违法的不适用)"):
        assert "conditions.exclusion" in flags(text), text


def test_outcome_and_editorial_brackets_stay_remarks():
    for text in ("初次违法（不罚款）", "初次违法（以警告代替罚款）", "首次违法（以行政处罚决定为准）"):
        assert conds(text) == {"all": ["first_offense"]}, text


# 3. 有下列情形之一的，(可以)不予处罚：A；B — the outcome after the comma belongs to the marker: one of A, B
# (not an alternative "有下列情形之一" that an officer could tick alone)
def test_any_marker_with_outcome_after_comma():
    want = {"all": ["corrected_promptly"], "any_of": [["first_offense", "minor_harm"], ["minor_violation"]]}
    for text in (
        "有下列情形之一，可以不予处罚：（一）初次违法且危害后果轻微并及时改正；（二）违法行为轻微并及时改正",
        "具有下列情形之一的，可以不予处罚：初次违法且危害后果轻微并及时改正；违法行为轻微并及时改正",
        "满足下列条件之一的，不予处罚：初次违法且危害后果轻微并及时改正；违法行为轻微并及时改正",
        "具有下列情形之一的，依法不予处罚：（一）初次违法且危害后果轻微并及时改正；（二）违法行为轻微并及时改正",
    ):
        assert conds(text) == want, text


# 4. a measure / editor's / exclusion / outcome clause holding a condition word is not moved to the note
# with that condition: the condition words are read, the rest stays in words
def test_measure_and_editorial_clauses_keep_their_conditions():
    assert conds("初次违法并接受行政指导，及时改正") == {
        "all": ["first_offense", {"custom": "接受行政指导"}, "corrected_promptly"]}
    assert conds("首次违法且违法所得已被没收") == {"all": ["first_offense", {"custom": "违法所得已被没收"}]}
    assert conds("首次被发现且在页面显著位置补充公示") == {
        "all": ["first_offense", {"custom": "在页面显著位置补充公示"}]}
    assert conds("首次违法，转载作品已注明来源") == {"all": ["first_offense", {"custom": "转载作品已注明来源"}]}
    for text in ("首次违法，经约谈、行政指导后及时改正", "经预警提示后及时改正且首次违法"):
        r = parse_conditions(text)
        c = to_conditions(r)
        assert "first_offense" in c["all"] and any("及时改正" in v.get("custom", "") for v in c["all"]
                                                   if isinstance(v, dict)), text
        assert not r.moved, text
    # the editor's remarks and measures without a condition word still go to the note
    assert parse_conditions("首次违法;页面截断").editorial == ["页面截断"]
    assert parse_conditions("首次违法;据转载推测").editorial == ["据转载推测"]


def test_exclusion_definition_with_a_condition_is_kept_whole():
    r = parse_conditions("首次违法的，不认定为从重情节；危害后果轻微")
    assert to_conditions(r) == {"all": [{"custom": "首次违法的，不认定为从重情节"}, "minor_harm"]}
    assert "conditions.exclusion" in r.flags


def test_colon_outcome_holding_conditions():
    assert conds("危害后果轻微的：及时改正") == {"all": ["minor_harm", "corrected_promptly"]}


def test_measure_heading_is_no_alternative():
    text = ("有下列情形之一:主动消除或减轻危害后果;受他人胁迫;配合查处有立功表现;"
            "从轻后的裁量幅度:限期补种盗伐株数一倍的树木,并处盗伐林木价值五倍的罚款。")
    r = parse_conditions(text)
    assert to_conditions(r) == {"all": [], "any_of": [["eliminated_harm"], ["coerced"], ["meritorious"]]}
    assert "conditions.moved_to_note" in r.flags


# 5. one bound after two nouns (违法所得和货值金额不超过1000元): not "违法所得" alone and the second noun's
# threshold — the list's words, flagged
def test_shared_threshold_kept_in_words():
    for text in ("违法所得和货值金额不超过1000元", "违法所得及货值金额不超过1000元", "违法所得、货值金额不超过1000元",
                 "货值金额和违法所得不超过1000元", "违法所得和罚款不超过1000元"):
        r = parse_conditions(text)
        assert to_conditions(r) == {"all": [{"custom": text}]}, text
        assert "conditions.fragment" in r.flags, text
    # two bounds, each with its noun, stay two thresholds
    assert conds("违法所得不超过1000元且货值金额不超过3000元") == {"all": [
        {"quantity": "illegal_gains_yuan", "max": 1000}, {"quantity": "goods_value_yuan", "max": 3000}]}


# 6. 不良 is no negation: the 未 of 未造成危害后果 reaches 不良影响 (neither) — the list's words, never
# no_harm and a positive custom "不良影响"
def test_negation_reaches_buliang_nouns():
    for text in ("未造成危害后果和不良影响", "未造成危害后果、不良社会影响", "无危害后果和不良影响", "未造成危害后果及不良后果"):
        r = parse_conditions(text)
        assert to_conditions(r) == {"all": [{"custom": text}]}, text
        assert {"conditions.negation", "conditions.exclusion"} & set(r.flags), text


# 7. a heading says what is 轻微: 危害后果：轻微 is minor_harm; 社会影响 / 涉案数量：轻微 stay in words
def test_heading_before_bare_minor():
    assert conds("危害后果：轻微，及时改正") == {"all": ["minor_harm", "corrected_promptly"]}
    assert conds("社会影响：轻微，及时改正") == {"all": [{"custom": "社会影响：轻微"}, "corrected_promptly"]}
    assert conds("涉案数量：轻微，及时改正") == {"all": [{"custom": "涉案数量：轻微"}, "corrected_promptly"]}
    assert conds("违法情节：轻微；危害后果：无") == {"all": ["minor_violation", "no_harm"]}
    assert conds("总条件为：轻微、及时改正") == {"all": ["minor_violation", "corrected_promptly"]}


# 8. 或 without punctuation between atoms where one is a threshold: no crash (the condition of a threshold is
# a dict), one of them
def test_or_with_a_threshold_does_not_crash():
    assert conds("没有违法所得或违法所得不超过500元") == {"all": [], "any_of": [
        ["no_illegal_gains"], [{"quantity": "illegal_gains_yuan", "max": 500}]]}
    assert conds("违法所得不超过1000元或货值金额不超过3000元") == {"all": [], "any_of": [
        [{"quantity": "illegal_gains_yuan", "max": 1000}], [{"quantity": "goods_value_yuan", "max": 3000}]]}


def test_cli_import_of_or_threshold_rows(lists_copy, tmp_path):
    from typer.testing import CliRunner

    from penalty_rules.cli.app import app
    table = tmp_path / "or-threshold.csv"
    table.write_text(
        "序号,执法领域,违法行为,违法依据,处罚依据,不予处罚依据,适用条件,处理措施,备注\n"
        "一、不予处罚事项,,,,,,,,\n"
        "1,市场监管,经营者未按规定明码标价,,,,首次违法，没有违法所得或违法所得不超过500元，及时改正,,\n"
        "2,市场监管,未按规定公示营业执照,,,,初次违法、危害后果轻微并及时改正,,\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["lists", "import", str(table), "--list-id", "or-thr", "--version", "1",
                                   "--jurisdiction", "371500", "--domain", "market", "--lists", str(lists_copy),
                                   "--out", str(tmp_path / "out")])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "or-thr" / "1.yaml").is_file()


# 9. a condition after the 或 clause behind the same punctuation as before 或: does it go with both
# alternatives? not guessed (never the widest reading A | B∧C): the list's words, structure_unclear
def test_or_scope_over_same_level_punctuation_is_kept():
    for text in ("首次被发现，或者在责令改正期限内改正，未造成危害后果", "初次违法，或危害后果轻微，且及时改正",
                 "首次违法；或者及时改正；危害后果轻微"):
        r = parse_conditions(text)
        assert to_conditions(r) == {"all": [{"custom": text}]}, text
        assert "conditions.structure_unclear" in r.flags, text
    # the punctuation says it: ；after ，或 closes the alternatives, 、 binds within one
    assert conds("初次违法，或者危害后果轻微；及时改正") == {
        "all": ["corrected_promptly"], "any_of": [["first_offense"], ["minor_harm"]]}
    assert conds("初次违法，或者危害后果轻微，或者及时改正") == {
        "all": [], "any_of": [["first_offense"], ["minor_harm"], ["corrected_promptly"]]}


# 10. smaller readings wider than the words
def test_zixing_inside_the_phrase_keeps_the_words():
    for text in ("及时自行改正", "及时自行纠正"):
        assert conds(text) == {"all": ["corrected_promptly", {"custom": text}]}, text


def test_eliminated_harm_only_for_eliminate_or_reduce():
    assert conds("主动消除或减轻危害后果") == {"all": ["eliminated_harm"]}
    assert conds("主动消除危害后果") == {"all": ["eliminated_harm", {"custom": "主动消除危害后果"}]}


def test_outcome_tiers_are_not_anded():
    for text in ("没有造成危害后果的不予处罚，危害后果轻微的减轻处罚",
                 "违法所得在1000元以下的，不予处罚；违法所得在1000元以上的，减轻处罚"):
        r = parse_conditions(text)
        assert to_conditions(r) == {"all": [{"custom": text}]}, text
        assert "conditions.structure_unclear" in r.flags, text


def test_inclusive_mark_inside_a_threshold():
    assert conds("违法所得1000元（含）以下") == {"all": [{"quantity": "illegal_gains_yuan", "max": 1000}]}
    assert conds("违法所得1000元（不含）以下") == {"all": [{"quantity": "illegal_gains_yuan", "lt": 1000}]}


def test_closing_any_markers():
    want = {"all": [], "any_of": [["first_offense"], ["minor_harm"], ["corrected_promptly"]]}
    assert conds("初次违法；危害后果轻微；及时改正（以上条件之一）") == want
    assert conds("初次违法、危害后果轻微、及时改正三项条件之一") == want
