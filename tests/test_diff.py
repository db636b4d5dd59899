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
