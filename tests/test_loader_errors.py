"""Every loader error names its file and the exact line (and column) it comes from."""

from pathlib import Path

import pytest

from penalty_rules.load.loader import load_corpus
from lists_fixtures import empty_lists


# A valid city-level list version used as a test fixture; the item text is that of the national
# tax list (cn-tax-2021-6/03). Line numbers below refer to this text.
GOOD = """\
id: test-list
version: v1
title: 测试清单
issuer: 测试机关
jurisdiction: "371500"
locality: 聊城市
level: city
effective_from: 2022-01-01
status: in_force
url: null
items:
- id: test/01
  domain: tax
  outcome: no_penalty
  violation: 纳税人未按规定期限办理纳税申报和报送纳税资料
  conditions:
    all:
    - first_offense
    - minor_harm
  provenance:
    source_item_no: 1
    confidence: high
"""

SECOND_ITEM = """\
- id: test/02
  domain: tax
  outcome: no_penalty
  violation: 纳税人未按规定将其全部银行账号报送税务机关
  conditions:
    all:
    - first_offense
    - minor_harm
  provenance:
    source_item_no: 2
    confidence: high
"""


def lines_of(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def replace_line(text: str, number: int, new: str) -> str:
    lines = lines_of(text)
    assert lines[number - 1].strip(), "fixture line must not be blank"
    lines[number - 1] = new + "\n"
    return "".join(lines)


def insert_after(text: str, number: int, new: str) -> str:
    lines = lines_of(text)
    lines.insert(number, new + "\n")
    return "".join(lines)


@pytest.fixture
def lists_dir(tmp_path: Path) -> Path:
    return empty_lists(tmp_path)


def only_problem(root: Path):
    result = load_corpus(root)
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    return result, result.problems[0]


def test_fixture_is_valid(lists_dir: Path):
    (lists_dir / "good.yaml").write_text(GOOD, "utf-8")
    result = load_corpus(lists_dir)
    assert result.problems == []
    assert [d.key for d in result.corpus.documents] == ["test-list@v1"]


@pytest.mark.parametrize(
    ("name", "text", "code", "line", "column"),
    [
        # a mapping value inside a plain scalar: "mapping values are not allowed here"
        ("syntax", replace_line(GOOD, 15, "  violation: 纳税人: 未按规定期限办理纳税申报"), "yaml_syntax", 15, 17),
        ("duplicate-key", insert_after(GOOD, 14, "  outcome: reduced_penalty"), "duplicate_key", 15, 3),
        ("unknown-field", insert_after(GOOD, 15, "  fine_yuan: 200"), "unknown_field", 16, 3),
        ("unknown-tag", replace_line(GOOD, 18, "    - first_ofense"), "unknown_condition", 18, 7),
        ("bad-date", replace_line(GOOD, 8, "effective_from: 2021-02-30"), "bad_date", 8, 17),
        ("duplicate-id", GOOD + SECOND_ITEM.replace("test/02", "test/01"), "duplicate_item_id", 23, 3),
        ("unknown-domain", replace_line(GOOD, 13, "  domain: taxes"), "unknown_domain", 13, 3),
    ],
)
def test_error_is_located(lists_dir: Path, name, text, code, line, column):
    (lists_dir / f"{name}.yaml").write_text(text, "utf-8")
    result, problem = only_problem(lists_dir)
    assert problem.code == code
    assert problem.severity == "error"
    assert (problem.file, problem.line, problem.column) == (f"lists/{name}.yaml", line, column)
    assert str(problem).startswith(f"lists/{name}.yaml:{line}:{column}: error: {code}")
    assert result.corpus.documents == []


def test_duplicate_key_message_names_first_line(lists_dir: Path):
    (lists_dir / "dup.yaml").write_text(insert_after(GOOD, 14, "  outcome: reduced_penalty"), "utf-8")
    _, problem = only_problem(lists_dir)
    assert "第 14 行" in problem.message


def test_unknown_tag_message_lists_vocabulary(lists_dir: Path):
    (lists_dir / "tag.yaml").write_text(replace_line(GOOD, 18, "    - first_ofense"), "utf-8")
    _, problem = only_problem(lists_dir)
    assert "first_ofense" in problem.message and "first_offense" in problem.message
    assert problem.path == "items[0].conditions.all[0]"


def test_version_with_one_bad_item_is_rejected_whole(lists_dir: Path):
    bad_second = SECOND_ITEM.replace("    - minor_harm", "    - minor_harms")
    (lists_dir / "bad.yaml").write_text(GOOD + bad_second, "utf-8")
    good_other = GOOD.replace("id: test-list", "id: test-other").replace("test/01", "other/01")
    (lists_dir / "good.yaml").write_text(good_other, "utf-8")

    result = load_corpus(lists_dir)
    assert [p.code for p in result.errors] == ["unknown_condition"]
    assert (result.errors[0].file, result.errors[0].line) == ("lists/bad.yaml", 30)
    assert [d.key for d in result.corpus.documents] == ["test-other@v1"]
    # neither the bad item nor its good sibling in the same version was loaded
    assert result.corpus.item_ids() == ["other/01"]
    assert result.corpus.item_refs("test/01") == []


def test_unknown_tag_inside_any_of_is_located(lists_dir: Path):
    text = insert_after(GOOD, 19, "    any_of:\n    - - corrected_before_discovery\n    - - corrected_in_time")
    (lists_dir / "any.yaml").write_text(text, "utf-8")
    _, problem = only_problem(lists_dir)
    assert (problem.code, problem.line, problem.column) == ("unknown_condition", 22, 9)
    assert problem.path == "items[0].conditions.any_of[1][0]"
