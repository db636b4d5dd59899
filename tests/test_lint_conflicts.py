"""Conflicting outcomes and shadowed items among lists binding the same place on the same day."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from penalty_rules.lint.conflicts import check_conflicts, implies, normalise_conduct
from penalty_rules.load.loader import load_corpus
from lists_fixtures import BUNDLED, empty_lists
from penalty_rules.model.conditions import Conditions


# Conduct text of the national tax list (cn-tax-2021-6/03); the documents below are test fixtures.
CONDUCT = "纳税人未按规定期限办理纳税申报和报送纳税资料"
OTHER_CONDUCT = "纳税人未按规定将其全部银行账号报送税务机关"


def item(item_id: str, outcome: str, conditions: list, *, violation: str = CONDUCT, **extra) -> dict:
    return {
        "id": item_id,
        "domain": "tax",
        "outcome": outcome,
        "violation": violation,
        "conditions": {"all": conditions},
        "provenance": {"source_item_no": 1, "confidence": "high"},
        **extra,
    }


def document(doc_id: str, items: list[dict], *, version: str = "v1", level: str = "city",
             jurisdiction: str | None = "371500", start: date = date(2022, 1, 1), **extra) -> dict:
    return {
        "id": doc_id,
        "version": version,
        "title": "测试清单",
        "issuer": "测试机关",
        "jurisdiction": jurisdiction,
        "locality": "聊城市" if level != "analogue" else "外地",
        "level": level,
        "effective_from": start,
        "status": "in_force",
        "url": None,
        **extra,
        "items": items,
    }


@pytest.fixture
def lists_dir(tmp_path: Path) -> Path:
    return empty_lists(tmp_path)


def write(root: Path, name: str, doc: dict) -> Path:
    path = root / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def problems(root: Path):
    result = load_corpus(root)
    assert result.problems == [], [str(p) for p in result.problems]
    return check_conflicts(result.corpus, root)


def test_bundled_lists_have_no_conflicts():
    result = load_corpus(BUNDLED)
    found = [p for p in check_conflicts(result.corpus, BUNDLED) if p.severity == "error"]
    assert found == [], [str(p) for p in found]


def test_seeded_conflict_is_an_error_at_the_item(lists_dir: Path):
    path = write(lists_dir, "a.yaml", document("test-a", [
        item("a/01", "no_penalty", ["first_offense", "minor_harm"]),
        # same conduct up to punctuation and spacing, same conditions in another order
        item("a/02", "reduced_penalty", ["minor_harm", "first_offense"], violation=CONDUCT.replace("期限", "期限 ,")),
    ]))
    found = problems(lists_dir)
    assert [(p.code, p.severity) for p in found] == [("conflicting_outcomes", "error")]
    p = found[0]
    assert (p.file, p.line) == ("lists/a.yaml", line_of(path, "id: a/02"))
    assert "a/01" in p.message and "不予处罚" in p.message and "减轻处罚" in p.message


def test_conflict_across_lists_of_one_jurisdiction(lists_dir: Path):
    write(lists_dir, "a.yaml", document("test-a", [item("a/01", "no_penalty", ["first_offense"])]))
    write(lists_dir, "b.yaml", document("test-b", [item("b/01", "lighter_penalty", ["first_offense"])]))
    assert [p.code for p in problems(lists_dir)] == ["conflicting_outcomes"]


def test_same_conduct_as_link_counts_as_same_conduct(lists_dir: Path):
    write(lists_dir, "a.yaml", document("test-a", [
        item("a/01", "no_penalty", ["first_offense"]),
        item("a/02", "lighter_penalty", ["first_offense"], violation=OTHER_CONDUCT, same_conduct_as=["a/01"]),
    ]))
    assert [p.code for p in problems(lists_dir)] == ["conflicting_outcomes"]


def test_no_conflict_when_conduct_conditions_or_outcome_differ(lists_dir: Path):
    write(lists_dir, "a.yaml", document("test-a", [
        item("a/01", "no_penalty", ["first_offense", "minor_harm"]),
        item("a/02", "no_penalty", ["first_offense", "minor_harm"]),  # same outcome: no conflict
        item("a/03", "reduced_penalty", ["first_offense", "minor_harm"], violation=OTHER_CONDUCT),
        item("a/04", "discretionary_no_penalty", ["no_harm"]),  # different conditions
    ]))
    assert problems(lists_dir) == []


def test_different_jurisdictions_are_not_compared(lists_dir: Path):
    write(lists_dir, "a.yaml", document("test-a", [item("a/01", "no_penalty", ["first_offense"])]))
    write(lists_dir, "b.yaml", document(
        "test-b", [item("b/01", "normal", ["first_offense"])], jurisdiction="371521", level="county"))
    assert problems(lists_dir) == []


def test_analogue_not_checked_against_binding(lists_dir: Path):
    write(lists_dir, "a.yaml", document("test-a", [item("a/01", "no_penalty", ["first_offense"])]))
    write(lists_dir, "b.yaml", document(
        "test-b", [item("b/01", "normal", ["first_offense"])], jurisdiction=None, level="analogue"))
    assert problems(lists_dir) == []


def test_versions_not_in_force_together_are_not_compared(lists_dir: Path):
    write(lists_dir, "a.yaml", document(
        "test-a", [item("a/01", "no_penalty", ["first_offense"])], effective_to=date(2021, 12, 31),
        start=date(2021, 1, 1)))
    write(lists_dir, "b.yaml", document("test-b", [item("b/01", "normal", ["first_offense"])]))
    assert problems(lists_dir) == []
    # and two versions of one list replace each other
    write(lists_dir, "a2.yaml", document(
        "test-a", [item("a/01", "normal", ["first_offense"])], version="v2", start=date(2023, 1, 1)))
    assert problems(lists_dir) == []


def test_shadowed_item_is_a_warning(lists_dir: Path):
    path = write(lists_dir, "a.yaml", document("test-a", [
        item("a/01", "no_penalty", ["first_offense"]),
        # needs more, gives no more: whenever it applies, a/01 applies and is more lenient
        item("a/02", "reduced_penalty", ["first_offense", "minor_harm"]),
        # needs more and gives more: a real refinement
        item("a/03", "no_penalty", ["first_offense", "no_harm"]),
    ]))
    found = problems(lists_dir)
    assert [(p.code, p.severity) for p in found] == [("shadowed_item", "warning"), ("shadowed_item", "warning")]
    assert [(p.file, p.line) for p in found] == [
        ("lists/a.yaml", line_of(path, "id: a/02")),
        ("lists/a.yaml", line_of(path, "id: a/03")),  # same outcome as a/01 with more conditions
    ]


def test_more_lenient_refinement_is_not_shadowed(lists_dir: Path):
    write(lists_dir, "a.yaml", document("test-a", [
        item("a/01", "lighter_penalty", ["first_offense"]),
        item("a/02", "no_penalty", ["first_offense", "no_harm"]),
    ]))
    assert problems(lists_dir) == []


def test_implies_with_alternatives():
    either = Conditions(all=["first_offense"], any_of=[["corrected_before_discovery"], ["corrected_within_deadline"]])
    one = Conditions(all=["first_offense", "corrected_within_deadline"])
    assert implies(one, either) and not implies(either, one)
    assert implies(either, Conditions(all=["first_offense"]))
    assert not implies(Conditions(all=["minor_harm"]), either)


def test_normalise_conduct_ignores_punctuation_and_width():
    assert normalise_conduct("未按规定, 报送（资料）。") == normalise_conduct("未按规定，报送(资料)")
    assert normalise_conduct("报送资料") != normalise_conduct("报送账簿")


def test_conflict_among_analogues_is_only_a_warning(lists_dir: Path):
    write(lists_dir, "a.yaml", document("test-a", [
        item("a/01", "lighter_penalty", ["corrected_within_deadline"]),
        item("a/02", "reduced_penalty", ["corrected_within_deadline"]),
    ], jurisdiction=None, level="analogue"))
    found = problems(lists_dir)
    assert [(p.code, p.severity) for p in found] == [("conflicting_outcomes", "warning")]
    assert "类比" in found[0].message
