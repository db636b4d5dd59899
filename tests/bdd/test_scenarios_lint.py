"""The feature lint: features/ is clean; a broken feature shows every error with its line."""

from pathlib import Path

from typer.testing import CliRunner

from penalty_rules.cli.app import app
from penalty_rules.scenarios.lint import lint_paths, lint_text

FEATURES = Path(__file__).resolve().parents[2] / "features"

BROKEN = """功能： 全角冒号
  说明文字

  背景:
    而且办案机关为聊城市

  场景: 没有标签
    假如当事人首次违法
    当事人及时改正
    而且违法行为为 “全角引号”
    而且危害后果轻微。
    那么处理建议为 "不予处罚

  @t
  场景: 没有标签
    假如当事人首次违法
    违法行为轻微
"""


def test_features_are_lint_clean():
    files = sorted(FEATURES.rglob("*.feature"))
    assert len(files) >= 10
    errors = lint_paths(FEATURES)
    assert errors == [], "\n".join(map(str, errors))


def test_each_lint_error_with_its_line():
    errors = {(e.line, e.code) for e in lint_text(BROKEN, "broken.feature")}
    assert errors == {
        (1, "language"),
        (1, "colon"),
        (5, "first_step"),
        (7, "untagged"),
        (9, "dangshiren"),
        (10, "quotes"),
        (11, "punctuation"),
        (12, "quotes"),
        (15, "duplicate"),
        (17, "keyword"),
    }


def test_lint_cli_prints_file_line(tmp_path):
    bad = tmp_path / "bad.feature"
    bad.write_text("# language: zh-CN\n功能: x\n\n  场景: 无标签\n    假如当事人首次违法\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["scenarios", "lint", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:4: untagged" in result.output.replace("\n", "")
    clean = CliRunner().invoke(app, ["scenarios", "lint", str(FEATURES)])
    assert clean.exit_code == 0 and "0 个错误" in clean.output


def test_features_count_and_every_case_present():
    text = "\n".join(p.read_text(encoding="utf-8") for p in FEATURES.rglob("*.feature"))
    for case_id in ["hc-002", "hc-003", "hc-010", "hc-015", "hc-016", "hc-023", "hc-028", "hc-029", "hc-030",
                    "hc-031", "hc-038", "hc-039", "hc-041", "hc-043", "hc-045", "hc-046", "hc-047", "hc-048",
                    "hc-058", "hc-061", "hc-070", "hc-071", "hc-072", "hc-073", "hc-074", "hc-075", "hc-077",
                    "hc-078", "hc-085"]:
        assert f"@{case_id}" in text, case_id
