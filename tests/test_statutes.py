"""Statute library over the real statute texts (../shared/reference/statutes or
PENALTY_RULES_STATUTES); the parser and numerals also on small synthetic inputs."""

from datetime import date

import pytest

from penalty_rules.statutes.articles import INFO_END
from penalty_rules.config import Settings
from penalty_rules.errors import StatutesUnavailable
from penalty_rules.model.citation import Citation
from penalty_rules.statutes import ResolutionStatus as S, StatuteLibrary
from penalty_rules.statutes.articles import parse_statute
from penalty_rules.statutes.names import normalise_law_name, parse_file_name
from penalty_rules.statutes.numbering import article_label, parse_article_heading, parse_article_key

APL = "中华人民共和国行政处罚法"
APL_FILE = "行政法/行政处罚法(2021-01-22).md"


@pytest.fixture(scope="module")
def library() -> StatuteLibrary:
    path = Settings.from_env().statutes_dir
    if path is None or not path.is_dir():
        pytest.skip("法规文本目录不存在(设置 PENALTY_RULES_STATUTES 或提供 ../shared/reference/statutes)")
    return StatuteLibrary(path)


def cite(law=APL, article=None, paragraph=None, item=None) -> Citation:
    return Citation(law=law, article=article, paragraph=paragraph, item=item)


# -- numerals and names (no statutes needed) ---------------------------------------------------
@pytest.mark.parametrize(
    "line, expected",
    [
        ("第一条 为了规范", ("1", "为了规范")),
        ("第十条 法律可以", ("10", "法律可以")),
        ("第三十三条 违法行为", ("33", "违法行为")),
        ("第一百零五条\u3000期间", ("105", "期间")),
        ("第一千二百六十条 本法", ("1260", "本法")),
        ("第三十三条之一 内容", ("33-1", "内容")),
        ("第一百二十条之二 内容", ("120-2", "内容")),
        ("笫五十四条 内容", ("54", "内容")),  # a typo of 第 found in the source texts
        ("第九条", ("9", "")),
    ],
)
def test_article_heading(line, expected):
    assert parse_article_heading(line) == expected


@pytest.mark.parametrize("line", ["第三十一条的决定》第一次修正", "第二十八条第一款规定的", "（一）警告", "第一章 总则"])
def test_not_an_article_heading(line):
    assert parse_article_heading(line) is None


def test_article_keys_and_labels():
    assert article_label("33-1") == "第三十三条之一"
    assert article_label("105") == "第一百零五条"
    assert parse_article_key("第三十三条之一") == "33-1"
    assert parse_article_key("三十三条") == "33"
    assert parse_article_key("33-1") == "33-1"
    with pytest.raises(ValueError):
        parse_article_key("第三十三款")


def test_normalise_law_name():
    assert normalise_law_name("《中华人民共和国行政处罚法》") == "行政处罚法"
    assert normalise_law_name(" 中华人民共和国 行政处罚法 ") == "行政处罚法"
    assert normalise_law_name("刑法修正案（七）") == normalise_law_name("刑法修正案(七)")
    assert normalise_law_name("山东省实施《中华人民共和国渔业法》办法") == normalise_law_name(
        "山东省实施《渔业法》办法"
    )


def test_parse_file_name():
    parsed = parse_file_name("行政处罚法(2021-01-22).md")
    assert (parsed.short_name, parsed.version_date) == ("行政处罚法", date(2021, 1, 22))
    assert parse_file_name("刑法.md").version_date is None
    assert parse_file_name("notes.txt") is None


def test_parser_paragraphs_items_and_boundaries():
    text = "\n\n".join(
        [
            "# 示例条例",
            "2000年1月1日 通过",
            INFO_END,
            "## 第一章 总则",
            "第一条 甲段。",
            "乙段：",
            "（一）甲项；",
            "1．甲项的细目；",
            "(二)乙项。",
            "丙段。",
            "## 第二章 附则",
            "第一条之一 插入的条文。",
            "笫二条 本条例自公布之日起施行。",
            "附件：示例表格",
            "表格内容。",
        ]
    )
    parsed = parse_statute(text, "x.md")
    assert list(parsed.articles) == ["1", "1-1", "2"]
    first = parsed.articles["1"]
    assert [p.text for p in first.paragraphs] == ["甲段。", "乙段：", "丙段。"]
    assert first.paragraphs[1].items == ["（一）甲项；\n1．甲项的细目；", "(二)乙项。"]
    assert first.text.startswith("第一条\u3000甲段。\n乙段：\n（一）甲项；")
    assert [p.text for p in parsed.articles["2"].paragraphs] == ["本条例自公布之日起施行。"]


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(StatutesUnavailable, match="法规文本目录不存在"):
        StatuteLibrary(tmp_path / "absent")


# -- the real statute folder ---------------------------------------------------------------------
def test_catalogue_reads_no_article_until_asked(library):
    laws = library.laws()
    assert len(laws) > 1000
    apl = library.find_law(APL)
    version = library.version_on(apl, None)
    library.resolve(cite(article=33), None)
    assert version.parsed
    unparsed = [v for law in laws for v in law.dated if not v.parsed]
    assert len(unparsed) > 1000  # only the versions that were asked for are parsed


@pytest.mark.parametrize("name", [APL, "行政处罚法", "《中华人民共和国行政处罚法》", "《行政处罚法》", " 行政 处罚法"])
def test_law_names(library, name):
    law = library.find_law(name)
    assert law is not None and law.title == APL


def test_article_33_paragraphs(library):
    one = library.resolve(cite(article=33, paragraph=1), date(2022, 5, 1))
    assert one.status is S.resolved
    assert one.text == (
        "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。"
        "初次违法且危害后果轻微并及时改正的，可以不予行政处罚。"
    )
    assert one.file == APL_FILE and one.law_title == APL
    two = library.resolve(cite(article=33, paragraph=2), date(2022, 5, 1))
    assert two.status is S.resolved
    assert two.text.startswith("当事人有证据足以证明没有主观过错的，不予行政处罚。")
    assert "第三十三条第二款" in two.message
    four = library.resolve(cite(article=33, paragraph=4), date(2022, 5, 1))
    assert four.status is S.paragraph_not_found and "共 3 款" in four.message


def test_article_30(library):
    res = library.resolve(cite(article=30), date(2022, 5, 1))
    assert res.status is S.resolved
    assert res.text.startswith("第三十条\u3000不满十四周岁的未成年人有违法行为的，不予行政处罚")
    assert library.article_text(cite(article=30)) == res.text


def test_article_999(library):
    res = library.resolve(cite(article=999), None)
    assert res.status is S.article_not_found
    assert "第九百九十九条" in res.message and res.text is None
    assert library.article_text(cite(article=999)) is None


def test_unknown_law(library):
    res = library.resolve(cite(law="中华人民共和国不存在的法", article=1), None)
    assert res.status is S.law_not_found and "不存在的法" in res.message


def test_unknown_law_suggests_close_titles(library):
    res = library.resolve(cite(law="税收征管法", article=60), None)
    assert res.status is S.law_not_found
    assert "中华人民共和国税收征收管理法" in res.message


def test_version_in_force_for_an_act_in_2022(library):
    res = library.resolve(cite(article=33, paragraph=1), date(2022, 3, 1))
    assert res.version_date == date(2021, 1, 22)


def test_recent_version_is_flagged(library):
    # dated 2021-01-22 (adoption of the revision); it took effect only on 2021-07-15
    res = library.resolve(cite(article=33), date(2021, 4, 1))
    assert res.status is S.resolved and res.version_date == date(2021, 1, 22)
    assert res.recent_version and "请核对该版本当日是否已经施行" in res.note
    later = library.resolve(cite(article=33), date(2022, 3, 1))
    assert not later.recent_version and later.note is None


def test_version_before_the_earliest(library):
    res = library.resolve(cite(article=33), date(2017, 1, 1))
    assert res.status is S.version_not_found
    assert "2017-09-01" in res.message and "2021-01-22" in res.message


def test_article_new_in_2021_is_not_in_the_earlier_text(library):
    # art. 33 exists only since the 2021 revision; on 2020-12-31 the 2017 text is the version
    res = library.resolve(cite(article=33), date(2020, 12, 31))
    assert res.status is S.article_not_found and res.version_date == date(2017, 9, 1)
    old = library.resolve(cite(article=27, paragraph=2), date(2020, 12, 31))
    assert old.ok and old.text.startswith("违法行为轻微并及时纠正")


def test_version_choice_among_several(library):
    law = "道路运输条例"
    dates = library.find_law(law).version_dates()
    assert dates[:3] == [date(2019, 3, 2), date(2022, 3, 29), date(2023, 7, 20)]
    assert library.version_on(law, date(2022, 6, 1)).version_date == date(2022, 3, 29)
    assert library.version_on(law, date(2023, 7, 20)).version_date == date(2023, 7, 20)
    assert library.version_on(law, date(2022, 3, 28)).version_date == date(2019, 3, 2)
    assert library.version_on(law, None).version_date == dates[-1]
    assert library.version_on(law, date(2010, 1, 1)) is None


def test_items_of_article_9(library):
    res = library.resolve(cite(article=9, item=1), date(2022, 1, 1))
    assert res.status is S.resolved and res.text == "（一）警告、通报批评；"
    explicit = library.resolve(cite(article=9, paragraph=1, item=2), date(2022, 1, 1))
    assert explicit.text == "（二）罚款、没收违法所得、没收非法财物；"
    assert "第九条第一款第（二）项" in explicit.message
    whole = library.resolve(cite(article=9, paragraph=1), date(2022, 1, 1))
    assert whole.text.startswith("行政处罚的种类：\n（一）警告、通报批评；")
    assert whole.text.count("\n") == 6
    seventh = library.resolve(cite(article=9, item=7), None)
    assert seventh.status is S.item_not_found and "共 6 项" in seventh.message
    no_items = library.resolve(cite(article=33, paragraph=1, item=1), None)
    assert no_items.status is S.item_not_found


def test_article_with_zhi_yi(library):
    art = library.article("中华人民共和国刑法", "第十七条之一")
    assert art is not None and art.key == "17-1"
    assert art.text.startswith("第十七条之一\u3000已满七十五周岁的人")
    assert library.article("刑法", "17") is not library.article("刑法", "17-1")


def test_undated_version_is_used_with_a_note(library):
    res = library.resolve(cite(law="刑法", article=17), date(2022, 1, 1))
    assert res.status is S.resolved and res.version_date is None
    assert res.note and "未注明日期" in res.note


def test_code_in_parts_is_one_law(library):
    first = library.resolve(cite(law="民法典", article=1), None)
    last = library.resolve(cite(law="中华人民共和国民法典", article=1260), None)
    assert first.status is last.status is S.resolved
    assert first.file != last.file  # 总则.md and 附则.md
    assert library.find_law("总则") is None  # part names are not law names


def test_same_version_in_two_folders_is_one_version(library):
    law = library.find_law("广告法")
    assert [v.version_date for v in law.dated].count(date(2021, 4, 29)) == 1


def test_law_only_citation(library):
    res = library.resolve(cite(law="税收征收管理法"), date(2021, 4, 1))
    assert res.status is S.article_unspecified and res.ok
    assert res.version_date == date(2015, 4, 24)


def test_similar_laws_kept_per_name_and_copied(library):
    """A law missing from the collection is named case after case: its similar titles are worked out
    once (difflib over the catalogue) and each caller gets its own list."""
    first = library.similar_laws("中华人民共和国行政处罚条例")  # no such law; close to 行政处罚法
    assert first and all(isinstance(t, str) for t in first)
    first.append("changed by the caller")
    again = library.similar_laws("《行政处罚条例》")  # the same name, normalised
    assert "changed by the caller" not in again
    assert again == first[:-1]
    found = library.resolve(Citation(law="中华人民共和国行政处罚条例", article="1"), None)
    assert found.status.value == "law_not_found" and "相近的法规" in found.message
