"""`penalty-rules lists diff` as a legal reviewer reads it, its --impact table, and `penalty-rules
check` on lists that do not load (a published version changed in place)."""

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from penalty_rules.cli.app import app
from penalty_rules.model.outcome import UNDETERMINED_ZH, Outcome
from penalty_rules.model.vocabulary import VOCABULARY
from penalty_rules.report.impact import ChangedDecision, ImpactSummary
from lists_fixtures import lock_lists, tax_lists

OLD = "cn-tax-first-offense@2021-33"


@pytest.fixture
def runner(monkeypatch, tmp_path) -> CliRunner:
    monkeypatch.setenv("PENALTY_RULES_STATUTES", "")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PENALTY_RULES_VAR", str(tmp_path / "var"))
    return CliRunner()


def _version(root: Path, version: str, edit) -> str:
    src = root / "national" / "cn-tax-first-offense" / "2021-33.yaml"
    data = yaml.safe_load(src.read_text("utf-8"))
    data["version"] = version
    edit({i["id"]: i for i in data["items"]})
    (src.parent / f"{version}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return f"cn-tax-first-offense@{version}"


def _edit(items):
    items["cn-tax-2021-6/01"]["conditions"]["any_of"].append(["corrected_promptly"])
    items["cn-tax-2021-6/02"]["conditions"]["all"].append("cooperated")
    items["cn-tax-2021-6/03"]["examples"] = [{"name": "示例", "facts": {"first_offense": True, "harm": "minor"},
                                             "expected": "undetermined"}]


def test_diff_table_reads_in_chinese_and_marks_the_lenient_item(runner, tmp_path: Path):
    root = tax_lists(tmp_path)
    b = _version(root, "t1", _edit)
    r = runner.invoke(app, ["lists", "diff", OLD, b, "--lists", str(root)])
    assert r.exit_code == 0, r.output
    out = r.stdout
    for raw in ('"corrected_promptly"', "cooperated", "no_penalty", "undetermined", '{"'):
        assert raw not in out
    assert VOCABULARY.conditions["corrected_promptly"].zh in out
    assert f"新增条件: {VOCABULARY.conditions['cooperated'].zh}" in out
    assert "修改 2 条(放宽 1 条、收紧 1 条)" in out and "示例变化 1 条(不计入修改)" in out
    assert f"预期 {UNDETERMINED_ZH}" in out
    assert out.index("cn-tax-2021-6/01") < out.index("cn-tax-2021-6/02")  # 放宽 first
    data = json.loads(runner.invoke(app, ["lists", "diff", OLD, b, "--lists", str(root), "--json"]).stdout)
    assert data["summary"]["lenient"] == 1 and data["changed"][0]["direction"] == "lenient"
    assert {"path", "old", "new"} <= set(data["changed"][0]["changes"][0])  # the old shape kept


def test_impact_table_outcomes_in_chinese(runner, tmp_path: Path, monkeypatch):
    root = tax_lists(tmp_path)
    b = _version(root, "t1", _edit)
    summary = ImpactSummary(
        a=OLD, b=b, decisions=1, changed=1, outcome_changed=1, item_changed=0, item_removed=0, unchanged=0,
        skipped=0, drift=0, transitions={}, truncated=False, summary_zh="审计库中 1 件决定",
        examples=[ChangedDecision(decision_id="d-1", decision_date="2023-04-10", before_outcome="undetermined",
                                  after_outcome="no_penalty", before_item=None, after_item="cn-tax-2021-6/01",
                                  reason="outcome")])
    monkeypatch.setattr("penalty_rules.cli.review.impact_for", lambda *args, **kw: summary)
    r = runner.invoke(app, ["lists", "diff", OLD, b, "--lists", str(root), "--impact"])
    assert r.exit_code == 0, r.output
    assert UNDETERMINED_ZH in r.stdout and Outcome.no_penalty.zh in r.stdout
    assert "undetermined" not in r.stdout and "no_penalty" not in r.stdout


def test_check_on_a_changed_published_version(runner, tmp_path: Path, monkeypatch):
    root = tax_lists(tmp_path)
    lock_lists(root)
    path = root / "national" / "cn-tax-first-offense" / "2021-33.yaml"
    path.write_text(path.read_text("utf-8").replace("纳税人未按规定将其全部银行账号报送税务机关",
                                                    "纳税人未按规定将其全部银行账号报送税务机关(改)"), "utf-8")
    monkeypatch.setenv("PENALTY_RULES_LISTS", str(root))
    facts = {"item_id": "cn-tax-2021-6/03", "first_offense": True, "harm": "minor",
             "corrected": "within_deadline", "act_date": "2023-05-01"}
    r = runner.invoke(app, ["check", "-", "--no-durable"], input=json.dumps(facts))
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.output and "CorpusInvalid" not in r.output
    assert "清单无效" in r.stderr and "cn-tax-first-offense@2021-33" in r.stderr
    assert "[locked_version_changed]" in r.stderr
