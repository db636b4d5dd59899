"""Differences between list versions, by item id and field."""

import shutil
from pathlib import Path

import pytest
import yaml

from penalty_rules.load.loader import load_corpus
from penalty_rules.report.diff import UnknownVersionKey, diff, field_changes

BUNDLED = Path(__file__).resolve().parent.parent / "lists"
OLD, NEW = "cn-tax-first-offense@2021-6", "cn-tax-first-offense@2021-33"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(BUNDLED).corpus


def test_tax_second_batch_adds_the_two_sourced_items(corpus):
    result = diff(corpus, OLD, NEW)
    assert [i.id for i in result.added] == ["cn-tax-2021-33/01", "cn-tax-2021-33/c12"]
    assert result.removed == []
    assert result.summary.added == 2 and result.summary.removed == 0
    assert result.summary.changed + result.summary.unchanged == 10
    assert all(i.outcome.value == "no_penalty" and i.domain == "tax" for i in result.added)


def test_tax_document_fields(corpus):
    changes = {c.path: (c.old, c.new) for c in diff(corpus, OLD, NEW).document_changes}
    assert changes["version"] == ("2021-6", "2021-33")
    assert changes["doc_no"] == ("国家税务总局公告2021年第6号", "国家税务总局公告2021年第33号")
    assert changes["effective_from"] == ("2021-04-01", "2022-01-01")
    assert changes["supersedes"] == (None, "2021-6")
    assert "items" not in changes and "issuer" not in changes


def test_reverse_diff_removes_them(corpus):
    result = diff(corpus, NEW, OLD)
    assert [i.id for i in result.removed] == ["cn-tax-2021-33/01", "cn-tax-2021-33/c12"]
    assert result.added == []


def test_same_version_has_no_changes(corpus):
    result = diff(corpus, NEW, NEW)
    assert result.summary.model_dump() == {
        "added": 0, "removed": 0, "changed": 0, "unchanged": 12, "document_fields_changed": 0,
        "lenient": 0, "stricter": 0, "review": 0, "no_effect": 0, "examples_changed": 0,
    }


def test_field_level_changes(tmp_path: Path):
    root = tmp_path / "lists"
    shutil.copytree(BUNDLED, root)
    path = root / "national" / "cn-tax-first-offense" / "2021-33.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["version"] = "2021-33-edited"
    data["items"][1]["outcome"] = "discretionary_no_penalty"
    data["items"][1]["conditions"]["all"].append("no_illegal_gains")
    data["items"][1]["provenance"]["source_item_no"] = 20
    (path.parent / "edited.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    corpus = load_corpus(root).corpus

    result = diff(corpus, NEW, "cn-tax-first-offense@2021-33-edited")
    assert result.summary.changed == 1 and result.summary.added == 0 and result.summary.removed == 0
    (change,) = result.changed
    assert change.id == "cn-tax-2021-6/02"
    got = {c.path: (c.old, c.new) for c in change.changes}
    assert got == {
        "outcome": ("no_penalty", "discretionary_no_penalty"),
        "conditions.all": (["first_offense", "minor_harm"], ["first_offense", "minor_harm", "no_illegal_gains"]),
        "provenance.source_item_no": (2, 20),
    }


def test_field_changes_of_nested_values():
    old = {"a": 1, "b": {"c": [1, 2], "d": "x"}}
    new = {"a": 1, "b": {"c": [1, 3], "d": "x"}, "e": True}
    assert [(c.path, c.old, c.new) for c in field_changes(old, new)] == [
        ("b.c[1]", 2, 3),
        ("e", None, True),
    ]


def test_unknown_key_suggests_close_matches(corpus):
    with pytest.raises(UnknownVersionKey) as info:
        diff(corpus, "cn-tax-first-offense@2021-7", NEW)
    assert info.value.key == "cn-tax-first-offense@2021-7"
    assert OLD in info.value.close_matches


# -- for legal reviewers: changes in words, their direction, examples apart ---------------------

from penalty_rules.model.outcome import Outcome  # noqa: E402
from penalty_rules.model.vocabulary import VOCABULARY  # noqa: E402
from lists_fixtures import BUNDLED as _BUNDLED, tax_lists  # noqa: E402

SAMR = _BUNDLED / "national" / "cn-samr-2025-1"


def _edited(root: Path, src: Path, version: str, edit) -> str:
    """A copy of the version file `src` as `version` in `root`, its items changed by edit(items by id)."""
    data = yaml.safe_load(src.read_text("utf-8"))
    data["version"] = version
    edit({i["id"]: i for i in data["items"]})
    folder = root / "national" / data["id"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{version}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return f"{data['id']}@{version}"


@pytest.fixture
def lists_root(tmp_path: Path) -> Path:
    root = tax_lists(tmp_path)
    shutil.copytree(SAMR, root / "national" / "cn-samr-2025-1")
    return root


def _tax_edit(items):
    items["cn-tax-2021-6/01"]["conditions"]["all"] = ["minor_harm"]  # a condition removed from all
    items["cn-tax-2021-6/02"]["outcome"] = "lighter_penalty"  # no_penalty → lighter_penalty
    items["cn-tax-2021-6/03"]["conditions"]["any_of"] = []  # the alternatives no longer required


def test_changed_item_in_words(lists_root: Path):
    b = _edited(lists_root, lists_root / "national/cn-tax-first-offense/2021-33.yaml", "t1", _tax_edit)
    result = diff(load_corpus(lists_root).corpus, NEW, b)
    by_id = {c.id: c for c in result.changed}
    first = VOCABULARY.conditions["first_offense"].zh
    part, premises = by_id["cn-tax-2021-6/01"].parts  # 初次违法 dropped: the ground moves (premises)
    assert premises.field == "premises" and premises.direction_zh == "需审核"
    assert part.field == "conditions.all" and part.field_zh == "条件(须全部满足)"
    assert part.text_zh == f"删去条件: {first}"
    (raw,) = by_id["cn-tax-2021-6/01"].changes  # the raw change kept, its values also in words
    assert raw.path == "conditions.all" and raw.old == ["first_offense", "minor_harm"]
    assert raw.old_zh == f"{first}、{VOCABULARY.conditions['minor_harm'].zh}"
    assert raw.new_zh == VOCABULARY.conditions["minor_harm"].zh
    part = by_id["cn-tax-2021-6/02"].parts[0]
    assert part.field_zh == "处理结果" and (part.old_zh, part.new_zh) == (Outcome.no_penalty.zh, Outcome.lighter_penalty.zh)
    part = by_id["cn-tax-2021-6/03"].parts[0]
    assert part.field == "conditions.any_of" and VOCABULARY.conditions["corrected_before_discovery"].zh in part.text_zh
    assert "corrected_before_discovery" not in part.text_zh


def _plain_edit(items):
    """Changes that leave the item's ground and the engine's premises as they are."""
    items["cn-tax-2021-6/01"]["conditions"]["any_of"].append(["corrected_promptly"])  # an alternative added
    items["cn-tax-2021-6/04"]["conditions"]["any_of"].append(["corrected_promptly"])
    items["cn-tax-2021-6/02"]["conditions"]["all"].append("cooperated")  # a condition added


def test_direction_of_each_changed_item(lists_root: Path):
    b = _edited(lists_root, lists_root / "national/cn-tax-first-offense/2021-33.yaml", "t1", _plain_edit)
    result = diff(load_corpus(lists_root).corpus, NEW, b)
    # 放宽 first: an alternative added; then the condition added
    assert [(c.id, c.direction_zh) for c in result.changed] == [
        ("cn-tax-2021-6/01", "放宽"), ("cn-tax-2021-6/04", "放宽"), ("cn-tax-2021-6/02", "收紧")]
    s = result.summary
    assert (s.changed, s.lenient, s.stricter, s.review) == (3, 2, 1, 0)
    assert result.figures.changes_zh == "修改 3 条: 放宽 2 条、收紧 1 条"
    assert result.by_domain[0].lenient == 2


def test_a_change_that_moves_the_engines_premises_needs_review(lists_root: Path):
    """The engine adds conditions by law (engine.premises) from an item's outcome and conditions: 不予处罚 →
    从轻处罚 drops 33(1)'s harm and correction premises, dropping 初次违法 moves the ground to 33(1)'s first
    sentence (轻微): neither is 收紧 or 放宽 by the list's own change alone (the re-read: both were labelled 收紧
    or 放宽 while an answer moved the other way)."""
    b = _edited(lists_root, lists_root / "national/cn-tax-first-offense/2021-33.yaml", "t1", _tax_edit)
    result = diff(load_corpus(lists_root).corpus, NEW, b)
    assert {c.id: c.direction_zh for c in result.changed} == {
        "cn-tax-2021-6/01": "需审核", "cn-tax-2021-6/02": "需审核", "cn-tax-2021-6/03": "需审核"}
    outcome = {c.id: c for c in result.changed}["cn-tax-2021-6/02"]
    assert any(p.field == "premises" and "法定前提变化" in p.text_zh for p in outcome.parts)


def test_thresholds_wording_alternatives_and_dates(lists_root: Path):
    def edit(items):
        x10 = items["cn-samr-2025-1/x10"]["conditions"]["all"]
        next(c for c in x10 if isinstance(c, dict) and c.get("quantity") == "goods_value_yuan")["max"] = 1000
        x02 = items["cn-samr-2025-1/x02"]["conditions"]["all"]
        i = x02.index({"custom": "实际具备取得食品经营许可证的条件"})
        x02[i] = {"custom": "实际具备取得食品经营许可证的条件(经核实)"}

    corpus_root = lists_root
    b = _edited(corpus_root, SAMR / "2025.yaml", "t1", edit)
    result = diff(load_corpus(corpus_root).corpus, "cn-samr-2025-1@2025", b)
    by_id = {c.id: c for c in result.changed}
    unit = VOCABULARY.quantities["goods_value_yuan"]
    (part,) = by_id["cn-samr-2025-1/x10"].parts  # ≤ 500 → ≤ 1000: more cases meet it
    assert part.direction_zh == "放宽" and part.new_zh == f"{unit.zh}不超过1000{unit.unit}"
    assert by_id["cn-samr-2025-1/x02"].direction_zh == "需审核"  # wording changed: not decidable
    assert [c.id for c in result.changed] == ["cn-samr-2025-1/x10", "cn-samr-2025-1/x02"]

    def stricter(items):  # a bound lowered for 不超过, the item's end date set (was open)
        x10 = items["cn-samr-2025-1/x10"]["conditions"]["all"]
        next(c for c in x10 if isinstance(c, dict) and c.get("quantity") == "goods_value_yuan")["max"] = 200
        items["cn-samr-2025-1/x10"]["effective_to"] = "2030-01-01"

    c = _edited(corpus_root, SAMR / "2025.yaml", "t2", stricter)
    result = diff(load_corpus(corpus_root).corpus, "cn-samr-2025-1@2025", c)
    (change,) = result.changed
    assert change.direction_zh == "收紧" and {p.direction_zh for p in change.parts} == {"收紧"}

    def mixed(items):  # bound raised but a condition added: never 收紧, never 放宽
        x10 = items["cn-samr-2025-1/x10"]["conditions"]["all"]
        next(c for c in x10 if isinstance(c, dict) and c.get("quantity") == "goods_value_yuan")["max"] = 1000
        x10.append("no_illegal_gains")

    d = _edited(corpus_root, SAMR / "2025.yaml", "t3", mixed)
    (change,) = diff(load_corpus(corpus_root).corpus, "cn-samr-2025-1@2025", d).changed
    assert change.direction_zh == "需审核"


def test_alternative_added_and_dates_widened_are_lenient(lists_root: Path):
    def edit(items):
        items["cn-tax-2021-6/01"]["conditions"]["any_of"].append(["no_harm"])  # one more alternative
        items["cn-tax-2021-6/02"]["effective_from"] = "2021-04-01"  # before the list's 2022-01-01

    b = _edited(lists_root, lists_root / "national/cn-tax-first-offense/2021-33.yaml", "t1", edit)
    result = diff(load_corpus(lists_root).corpus, NEW, b)
    assert {c.id: c.direction_zh for c in result.changed} == {"cn-tax-2021-6/01": "放宽", "cn-tax-2021-6/02": "放宽"}


def test_outcome_direction_follows_the_corpus_precedence(lists_root: Path):
    registry = yaml.safe_load((lists_root / "domains.yaml").read_text("utf-8"))
    registry["precedence"] = ["no_penalty", "discretionary_no_penalty", "lighter_penalty", "reduced_penalty"]
    (lists_root / "domains.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False), "utf-8")

    def edit(items):
        items["cn-samr-2025-1/x10"]["outcome"] = "reduced_penalty"

    a = _edited(lists_root, SAMR / "2025.yaml", "ta", lambda items: items["cn-samr-2025-1/x10"].update(
        outcome="lighter_penalty"))
    b = _edited(lists_root, SAMR / "2025.yaml", "tb", edit)
    (change,) = diff(load_corpus(lists_root).corpus, a, b).changed
    assert change.direction_zh == "收紧"  # reduced_penalty ranks below lighter_penalty in this corpus


def test_examples_only_change_is_not_counted_as_a_change(lists_root: Path):
    def edit(items):
        ex = items["cn-tax-2021-6/03"]["examples"][0]
        ex["expected"] = "discretionary_no_penalty"

    b = _edited(lists_root, lists_root / "national/cn-tax-first-offense/2021-6.yaml", "t1", edit)
    result = diff(load_corpus(lists_root).corpus, OLD, b)
    assert result.changed == [] and result.summary.changed == 0 and result.figures.changed == 0
    assert result.summary.examples_changed == 1 and result.summary.unchanged == 10
    assert "(修改 0 条)" in result.figures.text_zh and result.by_domain[0].changed == 0
    (change,) = result.examples_changed
    (part,) = change.examples
    assert "{" not in part.text_zh and "discretionary_no_penalty" not in part.text_zh
    assert f"预期 {Outcome.discretionary_no_penalty.zh}" in part.new_zh
    assert "是否首次违法: 是" in part.new_zh  # facts in words


@pytest.mark.parametrize("path, old, new, want", [
    # engine.history.derive_first_offense: a prior before the window's start or before counted_from does not count;
    # fewer priors counting make more cases 首违 (the list's lenient outcome): 放宽
    ("first_offense.window_years", 2, 1, "lenient"),
    ("first_offense.window_years", 1, 3, "stricter"),
    ("first_offense.window_years", None, 2, "lenient"),  # no window: every prior counts
    ("first_offense.window_years", 2, None, "stricter"),
    ("first_offense.counted_from", "2019-01-01", "2020-01-01", "lenient"),
    ("first_offense.counted_from", "2020-01-01", None, "stricter"),
    ("first_offense.same_kind", True, False, "review"),
    ("effective_from", "2021-04-01", "2021-03-01", "review"),
    ("doc_no", "国家税务总局公告2021年第6号", "国家税务总局公告2021年第33号", "none"),
])
def test_direction_of_a_change_of_the_list_itself(path, old, new, want):
    from penalty_rules.report.diff import document_direction

    assert document_direction(path, old, new) == want


def test_one_list_diff_marks_its_document_changes(corpus):
    result = diff(corpus, OLD, NEW)
    assert result.document_changes and all(c.direction in ("lenient", "stricter", "review", "none")
                                           for c in result.document_changes)
