"""The importer's safety net: a list's wording it cannot read faithfully blocks (a blocking flag) or is refused (a
rejected row) — it never binds more leniently than the words (issue 11, a second reviewer's findings 1-4, 6, 8).

Every form below is a list's wording (a reviewer's probe forms: 85 ways a list says a case is excluded, 35 ways a
之一 heading carries conditions of its own). The reading expected is written from the words, never copied from the
engine: an exclusion (…的，依法处罚 / 不予免罚 / 除外 …) is no condition — the conditions model has no negated form,
so it must block (conditions.exclusion); a 之一 heading's own words (并及时改正 / 没有造成危害后果) hold for every
alternative. 可以不予 is the officer's discretion, 不予 is mandatory (行政处罚法(2021-01-22)第三十三条第一款:
“违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。初次违法且危害后果轻微并及时改正的，可以不予行政处罚。”)."""

import pytest

from penalty_rules.importer.build import read_outcome
from penalty_rules.model.outcome import Outcome

from .draft_tables import CITE, _blocked, _build

# -- exclusions: each form, alone and after a condition (初次违法，…) ---------------------------------------
CASE_EXCLUDED = [
    "造成人员伤亡的，不予免除处罚", "造成人员伤亡的，不适用免罚", "造成人员伤亡的，不享受免罚", "造成人员伤亡的，不再免罚",
    "造成人员伤亡的，不能免罚", "造成人员伤亡的，应依法处理", "造成人员伤亡的，依法予以处罚", "造成人员伤亡的，移送司法机关",
    "造成人员伤亡的，依法追究刑事责任", "造成人员伤亡的，按一般程序办理", "造成人员伤亡的，从重处罚",
    "造成人员伤亡的，按照规定予以处罚", "造成人员伤亡的，不在免罚范围内", "造成人员伤亡的，不适用本条",
    "造成人员伤亡的，不作为免罚对象", "造成人员伤亡的，不属于轻微违法", "造成人员伤亡的，不视为情节轻微",
    "造成人员伤亡的，不得免罚", "造成人员伤亡的，不予减免", "造成人员伤亡的，依据相关规定进行处罚",
    "造成人员伤亡的，须依法处罚", "造成人员伤亡的，予以立案", "造成人员伤亡的，依法立案", "造成人员伤亡的除外",
    "造成人员伤亡等情形除外", "有人员伤亡的不适用", "排除情形：造成人员伤亡", "以下情形除外：造成人员伤亡",
    "不包括造成人员伤亡的情形", "造成人员伤亡的情形不包括在内", "但造成人员伤亡的不免罚", "但不含造成人员伤亡",
    "造成人员伤亡，不予免罚", "造成人员伤亡，依法处罚", "造成人员伤亡的，应按规定给予处罚", "若造成人员伤亡，则不适用",
    "造成人员伤亡的，不予从轻", "造成人员伤亡的，处以罚款", "造成人员伤亡的，责令停产停业", "造成人员伤亡的，吊销许可证",
    "造成人员伤亡的，不能适用本清单", "造成人员伤亡的，另行处理", "造成人员伤亡的，依法严肃处理",
    "造成人员伤亡的，依照有关法律法规处理", "造成人员伤亡的，按照相关法律法规处罚", "造成人员伤亡的，依照法律规定处理",
    "造成人员伤亡的，依法依规处理", "造成人员伤亡的，按相关规定处理", "造成人员伤亡的，依《安全生产法》处罚",
    "造成人员伤亡的，给予警告并处罚款", "造成人员伤亡的，不予免罚。", "造成人员伤亡的不免于处罚",
    "造成人员伤亡的，不属于本清单范围", "造成人员伤亡的，不属本清单适用范围", "造成人员伤亡的，不纳入",
    "造成人员伤亡的，不适合免罚", "造成人员伤亡的，免罚不适用", "造成人员伤亡时不适用", "存在造成人员伤亡情形的，不予适用",
    "造成人员伤亡者，依法处罚", "造成人员伤亡者不适用", "凡造成人员伤亡的，一律处罚", "对造成人员伤亡的，依法处罚",
    "造成人员伤亡的，将依法处罚", "造成人员伤亡的，应当依法查处", "造成人员伤亡的，予以行政处罚", "造成人员伤亡的，实施处罚",
    "造成人员伤亡的，作出处罚", "造成人员伤亡的，正常处罚", "造成人员伤亡的，按正常程序处罚", "造成人员伤亡的，照常处罚",
    "造成人员伤亡的，不予轻罚",
]
LISTED_EXCLUDED = [
    "有下列情形之一的，不予免罚：(1)造成人员伤亡；(2)多次违法", "但有下列情形之一的，依法处罚：(一)造成人员伤亡；(二)多次违法",
    "下列情形不适用本清单：(1)造成人员伤亡；(2)多次违法", "存在以下情形的，不适用：(1)造成人员伤亡；(2)多次违法",
    "有下列情形之一的，不得免罚：(1)造成人员伤亡；(2)多次违法", "以下情形除外：(1)造成人员伤亡；(2)多次违法",
    "有下列情形之一的除外：(1)造成人员伤亡；(2)多次违法", "不予免罚情形：(1)造成人员伤亡；(2)多次违法",
    "排除情形：(1)造成人员伤亡；(2)多次违法", "有下列情形之一的，不属于轻微违法：(1)造成人员伤亡；(2)多次违法",
    "有下列情形之一的，应当给予处罚：(1)造成人员伤亡；(2)多次违法", "有下列情形之一的，按一般程序处理：(1)造成人员伤亡；(2)多次违法",
    "有下列情形之一的，不予适用：(1)造成人员伤亡；(2)多次违法",
]


# wordings in none of the reviewer's probes: the general rules, not a word list, must hold them
UNSEEN = ["造成人员伤亡的，交由公安机关处理", "造成人员伤亡的，不再享受本项政策", "造成人员伤亡的，不列为轻微违法",
          "造成人员伤亡的，列入重点监管", "造成人员伤亡的，视为情节严重", "造成人员伤亡的，不享有免罚待遇",
          "存在下列情形之一的，依法查处：(1)造成人员伤亡；(2)多次违法", "造成人员伤亡的，另案处理"]


@pytest.mark.parametrize("prefix", ["", "初次违法，"])
def test_every_exclusion_form_blocks(tmp_path, prefix):
    forms = CASE_EXCLUDED + LISTED_EXCLUDED + UNSEEN
    result = _build(tmp_path, [[n, "市场监管", f"未按规定公示信息{n}", CITE, prefix + form, "不予处罚"]
                               for n, form in enumerate(forms, 1)])
    assert not result.rejected
    open_ = [(form, item["conditions"]) for form, item in zip(forms, result.items)
             if "conditions.exclusion" not in _blocked(item)]
    assert not open_, f"{len(open_)} of {len(forms)} exclusions bind as conditions: {open_}"


def test_conditions_that_merely_mention_a_penalty_stay_conditions(tmp_path):
    # the past (未被立案 / 已缴纳此前的处罚款项) and a condition's own 不含 are no exclusion
    forms = ["初次违法，此前未被立案查处", "初次违法，已缴纳此前的处罚款项", "初次违法，所经营游戏不含侵权盗版和违禁内容",
             "初次违法，经营者不属于失信名单"]
    result = _build(tmp_path, [[n, "市场监管", f"未按规定公示信息{n}", CITE, f, "不予处罚"] for n, f in enumerate(forms, 1)])
    assert [("conditions.exclusion" in _blocked(i)) for i in result.items] == [False] * len(forms)


# -- 之一 headings: the heading's own words hold for every alternative --------------------------------------
# (form, the conditions the heading adds to every alternative, the listed alternatives; None: not listed in the text)
A, B = "first_offense", "minor_violation"
HEADINGS = [
    ("具有下列情形之一并及时改正：(1)初次违法；(2)违法行为轻微", {"corrected_promptly"}, [A, B]),
    ("符合下列情形之一，并在责令期限内改正的，不予处罚：(1)初次违法；(2)违法行为轻微", {"corrected_within_deadline"}, [A, B]),
    ("具备以下条件之一且没有造成危害后果：1.初次违法；2.违法行为轻微", {"no_harm"}, [A, B]),
    ("有下列情形之一，同时未造成危害后果的：（一）初次违法；（二）违法行为轻微", {"no_harm"}, [A, B]),
    ("在规定期限内改正，且具有下列情形之一的：(1)初次违法；(2)违法行为轻微", {"corrected_within_deadline"}, [A, B]),
    ("及时改正并符合下列情形之一：1.初次违法；2.违法行为轻微", {"corrected_promptly"}, [A, B]),
    ("有下列情形之一的，在责令改正期限内改正的，不予处罚：(一)初次违法；(二)违法行为轻微", {"corrected_within_deadline"}, [A, B]),
    ("以下任一情形，并及时改正：(1)初次违法；(2)违法行为轻微", {"corrected_promptly"}, [A, B]),
    ("具有下列任一情形并及时改正：(1)初次违法；(2)违法行为轻微", {"corrected_promptly"}, [A, B]),
    ("满足下列条件中的一项并及时改正：(1)初次违法；(2)违法行为轻微", {"corrected_promptly"}, [A, B]),
    ("具有下列情形之一（并及时改正）：(1)初次违法；(2)违法行为轻微", {"corrected_promptly"}, [A, B]),
    ("(1)初次违法；(2)违法行为轻微。具有上述情形之一并及时改正的", {"corrected_promptly"}, [A, B]),
    ("(1)初次违法；(2)违法行为轻微；以上情形之一，且及时改正的，不予处罚", {"corrected_promptly"}, [A, B]),
    ("初次违法或者违法行为轻微，并及时改正", {"corrected_promptly"}, [A, B]),
    ("具有下列情形之一并及时改正，没有造成危害后果：(1)初次违法；(2)违法行为轻微", {"corrected_promptly", "no_harm"}, [A, B]),
    ("具有下列情形之一且危害后果轻微并及时改正：(1)初次违法；(2)违法行为轻微", {"minor_harm", "corrected_promptly"}, [A, B]),
    ("具有下列情形之一并及时改正", {"corrected_promptly", "具有下列情形之一"}, None),  # the cases are asked
    ("并及时改正：具有下列情形之一：(1)初次违法；(2)违法行为轻微", {"corrected_promptly"}, [A, B]),
    ("具有下列情形之一的并及时改正的：(1)初次违法；(2)违法行为轻微", {"corrected_promptly"}, [A, B]),
    ("同时具备下列条件：(1)初次违法；(2)及时改正", {A, "corrected_promptly"}, None),
    ("具有下列情形之一，并经责令改正后改正：（1）初次违法；（2）违法行为轻微", {"经责令改正后改正"}, [A, B]),
    ("属于下列情形之一并且没有违法所得：①初次违法；②违法行为轻微", {"no_illegal_gains"}, [A, B]),
    ("具有下列情形之一并及时改正：①初次违法；②违法行为轻微", {"corrected_promptly"}, [A, B]),
    ("具有下列情形之一并及时改正：一是初次违法；二是违法行为轻微", {"corrected_promptly"}, [A, B]),
    ("具有下列情形之一并及时改正：一、初次违法；二、违法行为轻微", {"corrected_promptly"}, [A, B]),
    ("具有下列情形之一并及时改正：\n1、初次违法\n2、违法行为轻微", {"corrected_promptly"}, [A, B]),
    ("符合以下条件并主动改正：(1)初次违法；(2)危害后果轻微", {"corrected_voluntarily", A, "minor_harm"}, None),
    ("符合以下条件之一并主动改正：(1)初次违法；(2)危害后果轻微", {"corrected_voluntarily"}, [A, "minor_harm"]),
    ("同时符合以下条件并及时改正：(1)初次违法；(2)危害后果轻微", {"corrected_promptly", A, "minor_harm"}, None),
    ("符合以下条件的，可以不予处罚：(1)初次违法；(2)危害后果轻微", {A, "minor_harm"}, None),
    ("符合以下情形之一的，可以不予处罚：(1)初次违法；(2)危害后果轻微", set(), [A, "minor_harm"]),
    ("具有下列情形之一的，可以依法不予处罚：(1)初次违法；(2)危害后果轻微", set(), [A, "minor_harm"]),
    ("符合以下情形之一的，可以对其不予处罚：(1)初次违法；(2)危害后果轻微", set(), [A, "minor_harm"]),
]
WORDS = {A: "初次违法", B: "违法行为轻微", "minor_harm": "危害后果轻微"}  # a listed case kept in its words (①初次违法)
MARKER_ONLY = ("有下列情形之一", "具有下列情形之一", "符合以下情形之一", "以下任一情形", "但有下列情形之一", "符合下列情形之一")


def _names(cond) -> str:
    return cond if isinstance(cond, str) else cond.get("custom", "")


def _holes(form: str, conditions: dict, common: set, alts: list | None) -> list[str]:
    """How the reading could be satisfied more leniently than the words: an alternative (a bundle of the DNF)
    without a condition the heading adds, or with none of the listed cases, or a custom that is only the marker
    standing as one alternative among others. A custom holding the whole wording asks all of it."""
    branches = conditions.get("any_of") or [[]]
    holes = []
    for branch in branches:
        bundle = list(conditions["all"]) + list(branch)
        names = [_names(c) for c in bundle]
        if any(n == form.strip() for n in names):
            continue
        if len(branches) > 1 and any(n in MARKER_ONLY for n in branch and [_names(c) for c in branch]):
            holes.append(f"the marker alone is an alternative: {names}")
        for c in common:  # a tag, or the heading's words kept as a custom condition
            if not any(n == c or (not c.isascii() and c in n) for n in names):
                holes.append(f"{c} missing from {names}")
        if alts is not None and not any(a in names or any(WORDS[a] in n for n in names) for a in alts):
            holes.append(f"none of {alts} in {names}")
    return holes


def test_every_heading_form_holds_its_words_for_every_alternative(tmp_path):
    result = _build(tmp_path, [[n, "市场监管", f"未按规定公示信息{n}", CITE, form, "可以不予处罚"]
                               for n, (form, _, _) in enumerate(HEADINGS, 1)])
    assert not result.rejected
    bad = []
    for (form, common, alts), item in zip(HEADINGS, result.items):
        if _blocked(item):
            continue  # not read with certainty: the reviewer must read it before it binds
        holes = _holes(form, item["conditions"], common, alts)
        if holes:
            bad.append((form, holes))
    assert not bad, bad


@pytest.mark.parametrize("form", ["具有下列情形之一；并及时改正：(1)初次违法；(2)违法行为轻微", "首次违法；或者具有下列情形之一"])
def test_a_marker_left_as_an_alternative_blocks(tmp_path, form):
    # forms no reading rule knows: the marker (具有下列情形之一) stands as one alternative — answered 是, it would grant
    # the item with none of the cases and without 及时改正: the safety net blocks it
    result = _build(tmp_path, [[1, "市场监管", "未按规定公示信息", CITE, form, "可以不予处罚"]])
    assert "conditions.heading_unread" in _blocked(result.items[0])


def test_may_not_penalise_in_the_heading_disagrees_with_a_mandatory_column(tmp_path):
    # the conditions say 可以…不予处罚, the column 不予处罚: the item must not bind as mandatory before review
    forms = [f for f, _, _ in HEADINGS if "可以" in f]
    result = _build(tmp_path, [[n, "市场监管", f"未按规定公示信息{n}", CITE, f, "不予处罚"] for n, f in enumerate(forms, 1)])
    assert [("conditions.outcome_mismatch" in _blocked(i)) for i in result.items] == [True] * len(forms)


# -- outcome cells and section titles ---------------------------------------------------------------------
WITHHELD_TITLES = ["不适用不予处罚的情形", "不得免罚事项", "以下情形不予免罚", "不属于免罚情形", "不予免除处罚",
                   "不予处罚情形除外", "排除适用不予处罚的情形", "不能适用免罚", "不可不予处罚", "不享有免罚待遇的情形"]
DISCRETION = ["可视情况不予处罚", "可以对其不予处罚", "可以依法作出不予行政处罚决定", "酌情不予处罚", "视情免予处罚"]


@pytest.mark.parametrize("title", WITHHELD_TITLES)
def test_a_section_naming_the_excluded_cases_is_refused(tmp_path, title):
    result = _build(tmp_path, [[title] * 6, [1, "市场监管", "未按规定公示信息", CITE, "初次违法", ""]])
    assert not result.items
    assert [(r.row, r.code) for r in result.rejected] == [(3, "unreadable_outcome")]


@pytest.mark.parametrize("cell", WITHHELD_TITLES)
def test_an_outcome_cell_withholding_leniency_is_refused(cell):
    assert read_outcome(cell) is None


@pytest.mark.parametrize("cell", DISCRETION)
def test_discretion_words_anywhere_before_the_leniency_are_discretionary(cell):
    assert read_outcome(cell) is Outcome.discretionary_no_penalty


# -- continuation rows refused: the item above is flagged -------------------------------------------------
@pytest.mark.parametrize("number", ["1.1", "续", "", "1（续）"])
def test_a_refused_continuation_row_flags_the_item_above(tmp_path, number):
    result = _build(tmp_path, [[1, "市场监管", "未按规定公示信息", CITE, "初次违法且及时改正", "不予处罚"],
                               [number, "", "", "", "没有造成危害后果的", "不罚款"],
                               [2, "市场监管", "未按规定公示信息二", CITE, "初次违法", "不予处罚"]])
    assert [r.row for r in result.rejected] == [3]
    assert "source_rows_unjoined" in _blocked(result.items[0])
    assert "source_rows_unjoined" not in _blocked(result.items[1])


def test_a_refused_row_with_its_own_number_flags_nothing(tmp_path):
    result = _build(tmp_path, [[1, "市场监管", "未按规定公示信息", CITE, "初次违法且及时改正", "不予处罚"],
                               [2, "市场监管", "未按规定公示信息二", CITE, "初次违法", "不罚款"]])
    assert [r.row for r in result.rejected] == [3]
    assert "source_rows_unjoined" not in _blocked(result.items[0])


# -- a version in 备注: only for the law it names -------------------------------------------------------------
HEAD2 = ["序号", "执法领域", "违法行为", "违法依据", "处罚依据", "不予处罚依据", "适用条件", "处理结果", "备注"]


def test_a_version_in_the_remarks_without_a_law_is_not_applied_to_every_citation(tmp_path, library):
    if library is None:
        pytest.skip("no statute library")
    # 行政处罚法(2017-09-01)第二十七条第二款 “违法行为轻微并及时纠正，没有造成危害后果的，不予行政处罚。”;
    # the 备注 “2017年修正” names no law: it is not read as the 食品安全法's version nor silently as the 行政处罚法's
    row = [1, "市场监管", "未按规定公示信息", "《中华人民共和国食品安全法》第四十四条", "",
           "《中华人民共和国行政处罚法》第二十七条", "初次违法且及时改正且没有造成危害后果", "不予处罚", "2017年修正"]
    result = _build(tmp_path, [row], head=HEAD2, library=library)
    item = result.items[0]
    assert "violated.version" in _blocked(item) and "exemption_basis.version" in _blocked(item)
    assert not any("按表格注明的2017年版本" in c.message for c in result.citations)
