"""`penalty-rules lists …` through the Typer CLI: output and exit codes."""

import copy
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from penalty_rules.cli.app import app
from penalty_rules.errors import CorpusInvalid
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.load.json_schema import dumps, list_schema
from penalty_rules.load.lockfile import LOCK_NAME
from lists_fixtures import TAX, tax_lists



@pytest.fixture
def runner(monkeypatch, tmp_path) -> CliRunner:
    monkeypatch.setenv("PENALTY_RULES_STATUTES", "")  # citation check off: not under test here
    # no audit database (a developer's var/audit.db would make lock/validate check the records:
    # tests/service/test_review_publish.py and test_review_security.py test that)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PENALTY_RULES_VAR", str(tmp_path / "var"))
    return CliRunner()


@pytest.fixture
def tax_only(tmp_path: Path) -> Path:
    return tax_lists(tmp_path)


def run(runner: CliRunner, *args: str):
    return runner.invoke(app, ["lists", *args])


# -- validate and lock ------------------------------------------------------------------------

def test_validate_bundled_lists(runner):
    result = run(runner, "validate")
    assert result.exit_code == 0, result.output
    assert "错误 0 个" in result.output


def test_validate_fails_on_a_seeded_conflict(runner, tax_only: Path):
    doc = yaml.safe_load((TAX / "2021-6.yaml").read_text("utf-8"))
    doc.update(id="test-city", version="1", jurisdiction="CN", title="测试清单")
    first = doc["items"][0]
    doc["items"] = [dict(first, id="test-city/01"),  # a deep copy: PyYAML would dump shared values as aliases
                    dict(copy.deepcopy(first), id="test-city/02", outcome="reduced_penalty")]
    (tax_only / "city.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    result = run(runner, "validate", "--lists", str(tax_only))
    assert result.exit_code == 1
    assert "lists/city.yaml:" in result.output and "conflicting_outcomes" in result.output


def test_lock_then_change_a_locked_version(runner, tax_only: Path):
    unlocked = run(runner, "validate", "--lists", str(tax_only), "--strict")
    assert unlocked.exit_code == 1 and "unlocked_version" in unlocked.output

    locked = run(runner, "lock", "--lists", str(tax_only))
    assert locked.exit_code == 0, locked.output
    lock = yaml.safe_load((tax_only / LOCK_NAME).read_text("utf-8"))
    assert sorted(lock["versions"]) == [
        "cn-tax-first-offense@2021-33", "cn-tax-first-offense@2021-6", "special-laws@5", "test-analogue@1",
        "xzcf@2017", "xzcf@2021",  # the statutory rules are locked like the lists
    ]
    assert all(v.startswith("sha256:") for v in lock["versions"].values())
    clean = run(runner, "validate", "--lists", str(tax_only), "--strict")
    assert clean.exit_code == 0, clean.output

    path = tax_only / "national" / "cn-tax-first-offense" / "2021-6.yaml"
    path.write_text(path.read_text("utf-8").replace("outcome: no_penalty", "outcome: reduced_penalty", 1), "utf-8")
    changed = run(runner, "validate", "--lists", str(tax_only))
    assert changed.exit_code == 1
    assert "locked_version_changed" in changed.output and "cn-tax-first-offense@2021-6" in changed.output
    with pytest.raises(CorpusInvalid, match="locked_version_changed"):  # the engine and service refuse it too
        load_corpus_strict(tax_only)

    before = (tax_only / LOCK_NAME).read_text("utf-8")
    refused = run(runner, "lock", "--lists", str(tax_only))
    assert refused.exit_code == 1 and "未写入" in refused.stderr
    assert (tax_only / LOCK_NAME).read_text("utf-8") == before

    # 2021-6 is published (status in_force, locked before the review workflow): never re-locked,
    # --accept-changes or not (issue 11: a published version never changes)
    refused = run(runner, "lock", "--lists", str(tax_only), "--accept-changes")
    assert refused.exit_code == 1, refused.output
    assert "published_version_changed" in refused.stderr and "cn-tax-first-offense@2021-6" in refused.stderr
    assert "已发布版本 cn-tax-first-offense@2021-6(status in_force" in refused.stderr and "--accept-changes 也不行" in refused.stderr
    assert "已确认" not in refused.stderr
    assert (tax_only / LOCK_NAME).read_text("utf-8") == before


def _draft_copy(root: Path, version: str = "2030-d") -> tuple[str, Path]:
    """A draft copy of the tax list 2021-6 (status draft, no dates) in `root`: (key, path)."""
    doc = yaml.safe_load((TAX / "2021-6.yaml").read_text("utf-8"))
    doc.update(version=version, status="draft", effective_from=None, effective_to=None, doc_no=None)
    path = root / "national" / "cn-tax-first-offense" / f"{version}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return f"cn-tax-first-offense@{version}", path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_accept_changes_relocks_drafts_and_statutory_files_only(runner, tax_only: Path):
    """Issue 11, gap 2: `lists lock --accept-changes` re-locked published versions that have no
    publication record (locked by hand before the workflow: the lock's baseline). Now it refuses
    every published one (status in_force / repealed), changed or deleted, naming it; drafts and the
    statutory files (no status, locked by hand) are still re-locked. (Before the fix the refusals
    below were accepted: exit 0 and `已确认`.)"""
    key, draft = _draft_copy(tax_only)
    assert run(runner, "lock", "--lists", str(tax_only)).exit_code == 0
    lock = tax_only / LOCK_NAME
    assert key in yaml.safe_load(lock.read_text("utf-8"))["versions"]

    # a locked draft, edited: re-locked with --accept-changes (not without)
    _edit(draft, "outcome: no_penalty", "outcome: reduced_penalty")
    before = lock.read_text("utf-8")
    assert run(runner, "lock", "--lists", str(tax_only)).exit_code == 1
    accepted = run(runner, "lock", "--lists", str(tax_only), "--accept-changes")
    assert accepted.exit_code == 0, accepted.output
    assert "已确认" in accepted.stderr and key in accepted.stderr
    # outside git, a draft might be a reverted published version: said, not refused
    assert "未能核对(无 git 历史)" in accepted.stderr and f"{key} 现为草案" in accepted.stderr
    assert lock.read_text("utf-8") != before

    # a statutory file (not a list version, no status) stays re-lockable by hand
    _edit(tax_only / "statutory" / "special-laws.yaml", "文本库只有2015-04-24版本", "文本库只有2015-04-24版本(测试)")
    accepted = run(runner, "lock", "--lists", str(tax_only), "--accept-changes")
    assert accepted.exit_code == 0, accepted.output
    assert "已确认" in accepted.stderr and "special-laws@5" in accepted.stderr

    # a published version (in_force), its file deleted: its lock entry is not dropped
    published = tax_only / "national" / "cn-tax-first-offense" / "2021-33.yaml"
    published_text = published.read_text("utf-8")
    published.unlink()
    before = lock.read_text("utf-8")
    refused = run(runner, "lock", "--lists", str(tax_only), "--accept-changes")
    assert refused.exit_code == 1, refused.output
    assert "published_version_missing" in refused.stderr and "cn-tax-first-offense@2021-33" in refused.stderr
    assert lock.read_text("utf-8") == before

    published.write_text(published_text, "utf-8")
    assert run(runner, "validate", "--lists", str(tax_only), "--strict").exit_code == 0

    # a locked draft whose file is gone: without git history it may have been published: refused
    draft.unlink()
    refused = run(runner, "lock", "--lists", str(tax_only), "--accept-changes")
    assert refused.exit_code == 1 and "published_version_missing" in refused.stderr and key in refused.stderr
    assert "无法确定它锁定时是否为草案" in refused.stderr


def test_lock_refuses_invalid_lists(runner, tax_only: Path):
    (tax_only / "broken.yaml").write_text("id: [unclosed\n", "utf-8")
    result = run(runner, "lock", "--lists", str(tax_only))
    assert result.exit_code == 1
    assert "yaml_syntax" in result.stderr
    assert not (tax_only / LOCK_NAME).exists()


# -- show -------------------------------------------------------------------------------------

def show_json(runner, root: Path, *args: str) -> list[dict]:
    result = run(runner, "show", "--lists", str(root), "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_show_all_versions(runner, tax_only: Path):
    rows = show_json(runner, tax_only)
    assert len(rows) == 10 + 12 + 1
    assert {r["list"] for r in rows} == {
        "cn-tax-first-offense@2021-6", "cn-tax-first-offense@2021-33", "test-analogue@1",
    }
    first = next(r for r in rows if r["id"] == "cn-tax-2021-6/03")
    assert first["outcome_zh"] == "不予处罚" and first["binding"] is True and first["domain"] == "tax"


def test_show_as_of_keeps_versions_in_force(runner, tax_only: Path):
    rows = show_json(runner, tax_only, "--as-of", "2021-06-01")
    assert {r["list"] for r in rows} == {"cn-tax-first-offense@2021-6", "test-analogue@1"}
    rows = show_json(runner, tax_only, "--as-of", "2022-06-01", "--jurisdiction", "371502")
    assert {r["list"] for r in rows} == {"cn-tax-first-offense@2021-33"}
    assert len(rows) == 12 and all(r["binding"] for r in rows)


def test_show_jurisdiction_excludes_analogues(runner, tax_only: Path):
    rows = show_json(runner, tax_only, "--jurisdiction", "371500")
    assert "test-analogue@1" not in {r["list"] for r in rows}
    assert len(rows) == 22


def test_show_domain_filter_and_table(runner, tax_only: Path):
    assert show_json(runner, tax_only, "--domain", "market") == []
    table = run(runner, "show", "--lists", str(tax_only), "--domain", "tax", "--as-of", "2022-06-01")
    assert table.exit_code == 0
    assert "cn-tax-2021-33/c12" in table.stdout and "类比" in table.stdout and "共 13 条" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--domain", "taxx"], "未知的执法领域代码"),
        (["--jurisdiction", "999999"], "未知的行政区划代码"),
        (["--as-of", "2021-02-30"], "日期无效"),
    ],
)
def test_show_rejects_bad_filters(runner, tax_only: Path, args, message):
    result = run(runner, "show", "--lists", str(tax_only), *args)
    assert result.exit_code == 2
    assert message in result.stderr


# -- coverage ---------------------------------------------------------------------------------

def test_coverage_json_and_table(runner, tax_only: Path):
    result = run(runner, "coverage", "--lists", str(tax_only), "--json", "--as-of", "2022-06-01")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["rows"]) == 41
    tax = next(r for r in data["rows"] if r["domain"] == "tax")
    assert tax["binding_outcomes"]["no_penalty"] == 12 and tax["analogue"] == 1

    table = run(runner, "coverage", "--lists", str(tax_only), "--as-of", "2022-06-01")
    assert table.exit_code == 0
    assert "税务" in table.stdout and "不予处罚" in table.stdout
    assert "有约束性条目的领域 1/41 个" in table.stdout
    assert "官方数字: 未载入城市清单 manifest" in table.stdout


# -- diff -------------------------------------------------------------------------------------

def test_diff_json(runner):
    result = run(runner, "diff", "cn-tax-first-offense@2021-6", "cn-tax-first-offense@2021-33", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [i["id"] for i in data["added"]] == ["cn-tax-2021-33/01", "cn-tax-2021-33/c12"]
    assert data["removed"] == [] and data["summary"]["added"] == 2


def test_diff_table(runner):
    result = run(runner, "diff", "cn-tax-first-offense@2021-6", "cn-tax-first-offense@2021-33")
    assert result.exit_code == 0
    assert "+ cn-tax-2021-33/c12 [tax] 不予处罚" in result.stdout
    assert "新增 2 条, 删除 0 条" in result.stdout


def test_diff_unknown_key(runner):
    result = run(runner, "diff", "cn-tax-first-offense@2021-7", "cn-tax-first-offense@2021-33")
    assert result.exit_code == 2
    assert "未找到清单版本 cn-tax-first-offense@2021-7" in result.stderr
    assert "cn-tax-first-offense@2021-6" in result.stderr


# -- schema -----------------------------------------------------------------------------------

def test_schema_stdout_and_file(runner, tmp_path: Path):
    result = run(runner, "schema")
    assert result.exit_code == 0
    assert result.stdout == dumps(list_schema())
    out = tmp_path / "list.schema.json"
    result = run(runner, "schema", "--output", str(out))
    assert result.exit_code == 0
    assert out.read_text("utf-8") == dumps(list_schema())


def test_validate_counts_every_printed_warning_and_strict_fails(monkeypatch):
    """The summary counts the citation warnings it printed (it said 警告 0 个 after 66 of them);
    --strict fails on any warning, citation warnings included."""
    from penalty_rules.config import Settings

    monkeypatch.delenv("PENALTY_RULES_STATUTES", raising=False)
    if Settings.from_env().statutes_dir is None:
        pytest.skip("no statute texts: no citation check")
    result = CliRunner().invoke(app, ["lists", "validate"])
    assert result.exit_code == 0, result.output
    printed = result.output.count(": warning:")
    assert printed > 0
    summary = [line for line in result.output.splitlines() if line.startswith("清单版本")]
    assert summary and f"警告 {printed} 个" in summary[-1], summary
    strict = CliRunner().invoke(app, ["lists", "validate", "--strict"])
    assert strict.exit_code == 1
    assert "--strict: 警告视为失败" in strict.output


def test_validate_strict_passes_without_warnings(runner):
    result = run(runner, "validate", "--strict")
    assert "警告 0 个" in result.output
    assert result.exit_code == 0, result.output


# -- usage errors in Chinese (every command, through the installed entry point) ---------------------
@pytest.mark.parametrize("args, message", [
    (["scenarios", "new"], "缺少选项 --item"),
    (["check"], "缺少参数 source"),
    (["lists", "show", "--as-of"], "选项 --as-of 需要一个值"),
    (["lists", "coverage", "--format", "x"], "没有选项 --format"),
    (["check", "case.json", "--jsn"], "没有选项 --jsn; 是否要用 --json?"),
    (["no-such-command"], "没有命令 no-such-command"),
])
def test_usage_errors_are_chinese(args, message):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "penalty_rules.cli.app", *args], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert f"错误: {message}" in proc.stderr, proc.stderr
    assert "Usage" not in proc.stderr and "Error" not in proc.stderr


def test_usage_message_translation():
    from penalty_rules.cli.usage_zh import message_zh

    assert message_zh("Invalid value for '--limit': 'x' is not a valid integer.") == "--limit 的取值无效: 'x' 不是有效的整数"
    assert message_zh("Got unexpected extra argument (b)") == "多余的参数: b"
    assert message_zh("something new") == "something new"
