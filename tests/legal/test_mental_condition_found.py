"""行政处罚法 第三十一条 (2021-01-22 text): “精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为的，不予行政处罚，
但应当责令其监护人严加看管和治疗。间歇性精神病人在精神正常时有违法行为的，应当给予行政处罚。…” — the 2017-09-01 text's
第二十六条: “精神病人在不能辨认或者不能控制自己行为时有违法行为的，不予行政处罚，但应当责令其监护人严加看管和治疗。
间歇性精神病人在精神正常时有违法行为的，应当给予行政处罚。” 公安机关办理行政案件程序规定(2019-04-27) 第八十九条第三款:
“对精神病的鉴定，由有精神病鉴定资格的鉴定机构进行。”

The condition is the state at the time of the act, and a 间歇性 patient in a normal spell is punished: the fact is the
agency's finding (经鉴定或者查明), not the party's claim. The field, its options, the web form and the question say so,
and every 不予 answer on that article quotes the article's own sentences (each text its own words) as a warning."""

from datetime import date

import pytest

from penalty_rules.model.facts import CaseFacts

ART31_2021 = "精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为的，不予行政处罚"
ART26_2017 = "精神病人在不能辨认或者不能控制自己行为时有违法行为的，不予行政处罚"
INTERMITTENT = "间歇性精神病人在精神正常时有违法行为的，应当给予行政处罚。"
POLICE_89_3 = "对精神病的鉴定，由有精神病鉴定资格的鉴定机构进行。"
CASE = dict(party_type="individual", age=40, domain="ecology", continuing=False, mental_condition="cannot_recognize",
            mental_condition_cause="mental_illness")


@pytest.fixture(scope="module")
def library(settings):
    if settings.statutes_dir is None:
        pytest.skip("未配置法规文本目录")
    from penalty_rules.statutes.library import StatuteLibrary

    return StatuteLibrary(settings.statutes_dir)


def test_the_quoted_sentences_are_the_statute_texts(library):
    """Guard on the test's own quotations: each is in the text of its version."""
    law = "中华人民共和国行政处罚法"
    art31 = library.article(law, 31, date(2024, 6, 1)).text
    art26 = library.article(law, 26, date(2020, 6, 1)).text
    assert ART31_2021 in art31 and INTERMITTENT in art31
    assert ART26_2017 in art26 and INTERMITTENT in art26 and "智力残疾人" not in art26
    police = library.article("公安机关办理行政案件程序规定", 89, date(2024, 6, 1)).text
    assert POLICE_89_3 in police


@pytest.mark.parametrize("act, dec, rule, own, other", [
    (date(2024, 3, 1), date(2024, 6, 1), "law-31-a", ART31_2021, ART26_2017),
    (date(2020, 3, 1), date(2020, 6, 1), "law2017-26", ART26_2017, ART31_2021),
])
def test_a_no_penalty_on_the_article_quotes_its_own_words_and_the_intermittent_sentence(engine, act, dec, rule, own,
                                                                                         other):
    d = engine.evaluate(CaseFacts(**CASE, act_date=act, decision_date=dec))
    assert (d.outcome, d.chosen_rule) == ("no_penalty", rule)
    said = [w for w in d.warnings if INTERMITTENT in w]
    assert len(said) == 1
    assert f"“{own}”" in said[0] and other not in said[0]
    assert "鉴定" in said[0] and POLICE_89_3 in said[0]


def test_the_warning_also_when_the_article_is_cited_beside_another_no_penalty(engine):
    """Art. 31 beside art. 30 (a 13-year-old, also found unable to recognise): both are grounds of the 不予."""
    d = engine.evaluate(CaseFacts(**{**CASE, "age": 13}, act_date=date(2024, 3, 1), decision_date=date(2024, 6, 1)))
    assert d.outcome == "no_penalty" and any(b.label.endswith("第三十一条") for b in d.basis)
    assert any(INTERMITTENT in w for w in d.warnings)


def test_no_such_warning_where_the_article_does_not_decide(engine):
    """Guard: a finding of normal capacity (the 间歇性 patient in a normal spell included) gives no 31 answer."""
    d = engine.evaluate(CaseFacts(**{**CASE, "mental_condition": "none"}, act_date=date(2024, 3, 1),
                                  decision_date=date(2024, 6, 1), first_offense=False, harm="serious",
                                  corrected="not_corrected", minor_violation=False, circumstances=[]))
    assert d.outcome == "normal" and not any(INTERMITTENT in w for w in d.warnings)


def test_the_field_and_its_options_are_the_agencys_finding_at_the_time_of_the_act():
    schema = CaseFacts.model_json_schema()["properties"]
    field = schema["mental_condition"]
    assert "经鉴定或者查明" in field["description"] and "违法行为时" in field["description"]
    labels = field["x-enum-labels"]
    for value in ("cannot_recognize", "limited"):
        assert labels[value].startswith("经鉴定或者查明") and "违法行为时" in labels[value]
    assert "间歇性精神病人在精神正常时" in labels["none"]
    assert "违法行为时" in schema["mental_condition_cause"]["description"]


def test_the_cause_question_asks_the_finding_at_the_time_of_the_act(engine):
    d = engine.evaluate(CaseFacts(**{**CASE, "mental_condition_cause": None}, act_date=date(2024, 3, 1),
                                  decision_date=date(2024, 6, 1)))
    q = next(m for m in d.missing_facts if m.fact == "mental_condition_cause")
    assert "经鉴定或者查明" in q.question and "违法行为时" in q.question


def test_the_web_form_labels_the_finding():
    from service.web.facts_form import fields

    by_name = {f.name: f for f in fields([], [])}
    assert "经鉴定或者查明" in by_name["mental_condition"].label and "违法行为时" in by_name["mental_condition"].label
    assert any("违法行为时" in label for _v, label in by_name["mental_condition"].options if _v == "cannot_recognize")
    assert "经鉴定或者查明" in by_name["mental_condition_cause"].label
