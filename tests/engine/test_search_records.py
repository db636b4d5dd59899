"""The records and rules a conduct text names (…制度 / 记录 / 台账 / 档案) must be the item's to decide it
(search.kinds_fit): one character shared between two record names, or the goods both are kept for,
is not the same record.

食品安全法(2021-04-29) (../shared/reference/statutes/行政法/食品安全法(2021-04-29).md):
第五十三条第二款 "食品经营企业应当建立食品进货查验记录制度，如实记录食品的名称……"; its breach is
第一百二十六条第一款(三) "……或者未按规定建立并遵守进货查验记录、出厂检验记录和销售记录制度", while
cn-samr-2025-1/x04 is (二) "食品生产经营企业未按规定建立食品安全管理制度". The old check let the 53
wording fit x04: both record names hold 食品."""

import pytest

from penalty_rules.engine.search import ItemSearch, kinds, kinds_fit, normalize

X04 = "cn-samr-2025-1/x04"


@pytest.fixture(scope="module")
def search(corpus):
    return ItemSearch(corpus)


def _violation(corpus, item_id):
    return corpus.latest(item_id).item.violation


def _hit(search, text, item_id):
    return next(h for h in search.search(text, limit=20) if h.ref.item.id == item_id)


@pytest.mark.parametrize("conduct", ["食品经营企业未建立食品进货查验记录制度", "超市未建立食品进货台账"])
def test_the_purchase_record_of_article_53_does_not_fit_the_management_rules_item(search, conduct):
    hit = _hit(search, conduct, X04)
    assert hit.distinct and hit.weak, hit  # it names x04's words (建立 …) but another record
    same = _hit(search, "食品生产企业未按规定建立食品安全管理制度", X04)  # x04's own record still fits
    assert same.distinct and not same.weak


OTHER_RECORDS = [
    # 特种作业人员档案 / 职业健康监护档案: one character (业) shared
    ("js-safety/04", "zs-health-2021/03"),
    # 医保基金使用内部管理制度 / 信用档案: 用
    ("yn-yuanmou-medins-2022/01", "weifang-housing-2025/01"),
    # 药品耗材出入库记录、检查治疗记录 / 食品安全管理制度: 品, the goods
    ("yn-yuanmou-medins-2022/02", X04),
    # 环评制度 (环境影响评价, search._SYNONYMS) / 环境管理台账: 环
    ("linyi-eco-2020/03", "sd-eco-2022/x03"),
]


def test_other_items_records_do_not_fit_and_the_same_record_in_other_words_does(corpus):
    def fit(a, b):
        return kinds_fit(kinds(normalize(a)), kinds(normalize(b)))

    wrong = [(a, b) for a, b in OTHER_RECORDS for x, y in ((a, b), (b, a))
             if fit(_violation(corpus, x), _violation(corpus, y))]
    assert not wrong
    # an officer's 环保台账 for 环境管理台账 (tests/data/search_labels.yaml); a 造价工程师信用档案 is a 信用档案
    assert fit("企业没有记环保台账", _violation(corpus, "sd-eco-2022/x03"))
    assert fit(_violation(corpus, "pingba-housing/04"), _violation(corpus, "weifang-housing-2025/01"))


@pytest.mark.parametrize("said,item", [("未建立信访档案", "weifang-housing-2025/01"),  # 信访 / 信用档案
                                       ("未建立环卫台账", "sd-eco-2022/x03"),  # 环卫 / 环境管理台账
                                       ("未建立医疗制度", "yn-yuanmou-medins-2022/01")])  # 医疗 / 医保基金…制度
def test_a_shared_first_character_is_no_same_record(corpus, said, item):
    """Two-character record names that share only their first character name other records (the re-read of
    the record check: 7 of the 14 record names in the corpus have a two-character core)."""
    assert not kinds_fit(kinds(normalize(said)), kinds(normalize(_violation(corpus, item))))
