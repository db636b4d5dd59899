"""The citation check over a tiny corpus written to tmp_path, against the real statute texts."""

from pathlib import Path

import pytest

from tests.lists_fixtures import base_files, lock_lists
from typer.testing import CliRunner

from penalty_rules.cli.app import app
from penalty_rules.config import Settings
from penalty_rules.lint.citations import check_citations
from penalty_rules.load.loader import load_corpus
from penalty_rules.statutes import StatuteLibrary

LIST = """\
id: test-citations
version: "1"
title: 引用核对测试清单
issuer: 测试
jurisdiction: CN
locality: 全国
level: national
effective_from: 2022-01-01
status: in_force
url: null
items:
- id: test-citations/01
  domain: tax
  outcome: no_penalty
  violation: 引用正确的条目
  exemption_basis:
  - law: 中华人民共和国行政处罚法
    article: 33
    paragraph: 1
  violated:
  - law: 税收征收管理法
  provenance:
    source_item_no: 1
    confidence: low
- id: test-citations/02
  domain: tax
  outcome: no_penalty
  violation: 引用错误的条目
  exemption_basis:
  - law: 行政处罚法
    article: 999
  provenance:
    source_item_no: 2
    confidence: low
- id: test-citations/03
  domain: tax
  outcome: no_penalty
  violation: 自有生效日期早于行政处罚法修订的条目
  effective_from: 2020-06-01
  exemption_basis:
  - law: 行政处罚法
    article: 33
  penalty_basis:
  - law: 不存在的管理办法
  provenance:
    source_item_no: 3
    confidence: low
"""


@pytest.fixture(scope="module")
def statutes() -> Path:
    path = Settings.from_env().statutes_dir
    if path is None or not path.is_dir():
        pytest.skip("法规文本目录不存在(设置 PENALTY_RULES_STATUTES 或提供 ../shared/reference/statutes)")
    return path


@pytest.fixture
def lists(tmp_path) -> Path:
    root = base_files(tmp_path / "lists")
    (root / "national").mkdir(parents=True)
    (root / "national" / "test.yaml").write_text(LIST, encoding="utf-8")
    return root


def test_check_citations(lists, statutes):
    result = load_corpus(lists)
    assert not result.errors, result.errors
    problems, report = check_citations(result.corpus, StatuteLibrary(statutes), lists)

    assert (report.total, report.resolved, report.law_only, report.unresolved) == (5, 1, 1, 3)
    # item 03 applies from 2020-06-01, when the 行政处罚法 text in force (2017) had no art. 33
    assert report.unresolved_by_reason == {"article_not_found": 2, "law_not_found": 1}
    assert report.recent_versions == 2  # 行政处罚法 dated 2021-01-22, items in force 2022-01-01
    assert report.resolution_rate == pytest.approx(1 / 5)
    assert report.found_rate == pytest.approx(2 / 5)
    assert report.summary() == "引用核对: 5 条, 已解析 1 条 (20.0%), 仅法名 1 条, 未解析 3 条"

    # the fixture's version is not in versions.lock (new): an article missing from the text of the
    # version in force is an error; a law missing from the statute folder stays a warning
    assert {(p.path, p.code, p.severity) for p in problems} == {
        ("items[1].exemption_basis[0]", "citation_not_in_text", "error"),
        ("items[2].exemption_basis[0]", "citation_not_in_text", "error"),
        ("items[2].penalty_basis[0]", "citation_unresolved", "warning"),
    }
    by_path = {p.path: p for p in problems}
    assert set(by_path) == {
        "items[1].exemption_basis[0]",
        "items[2].exemption_basis[0]",
        "items[2].penalty_basis[0]",
    }
    bad = by_path["items[1].exemption_basis[0]"]
    assert bad.file == "lists/national/test.yaml"
    assert bad.line == LIST.splitlines().index("  - law: 行政处罚法") + 1  # the article-999 citation
    assert "第九百九十九条" in bad.message and "test-citations/02" in bad.message
    assert "2022-01-01" in bad.message
    # the item's own effective date (2020-06-01) comes before the only version (2021-01-22)
    assert "2020-06-01" in by_path["items[2].exemption_basis[0]"].message


def test_validate_prints_the_citation_line(lists, statutes, monkeypatch):
    monkeypatch.setenv("PENALTY_RULES_STATUTES", str(statutes))
    out = CliRunner().invoke(app, ["lists", "validate", "--lists", str(lists)]).output
    assert "引用核对: 5 条, 已解析 1 条 (20.0%), 仅法名 1 条, 未解析 3 条" in out
    assert "citation_unresolved" in out


def test_a_locked_version_keeps_the_warning(lists, statutes):
    """Versions recorded in versions.lock (published before this check) keep warnings, so the
    bundled corpus's known gaps do not block; any change to their content makes them new again."""
    lock_lists(lists)
    problems, _ = check_citations(load_corpus(lists).corpus, StatuteLibrary(statutes), lists)
    assert {(p.code, p.severity) for p in problems} == {("citation_unresolved", "warning")}
    assert len(problems) == 3

    path = lists / "national" / "test.yaml"
    path.write_text(path.read_text("utf-8").replace("引用正确的条目", "引用正确的条目(改)"), "utf-8")
    problems, _ = check_citations(load_corpus(lists).corpus, StatuteLibrary(statutes), lists)
    assert [p.code for p in problems if p.severity == "error"] == ["citation_not_in_text"] * 2


def test_validate_and_lock_refuse_a_new_version_citing_a_missing_article(lists, statutes, monkeypatch):
    monkeypatch.setenv("PENALTY_RULES_STATUTES", str(statutes))
    runner = CliRunner()
    lock_lists(lists)  # the statutory rules and the fixture's version are published …
    lock = lists / "versions.lock"
    lock.write_text("".join(l for l in lock.read_text("utf-8").splitlines(True) if "test-citations@1" not in l), "utf-8")
    path = lists / "national" / "test.yaml"  # … then a draft of a new version cites 第999条
    path.write_text(path.read_text("utf-8").replace("status: in_force", "status: draft"), "utf-8")
    result = runner.invoke(app, ["lists", "validate", "--lists", str(lists)])
    assert result.exit_code == 1, result.output
    assert "citation_not_in_text" in result.output and "第九百九十九条" in result.output
    before = lock.read_text("utf-8")
    locked = runner.invoke(app, ["lists", "lock", "--lists", str(lists)])
    assert locked.exit_code == 1 and "citation_not_in_text" in locked.output, locked.output
    assert lock.read_text("utf-8") == before


def test_the_two_known_bundled_misses_stay_warnings(statutes, monkeypatch):
    monkeypatch.setenv("PENALTY_RULES_STATUTES", str(statutes))
    result = CliRunner().invoke(app, ["lists", "validate"])
    assert result.exit_code == 0, result.output
    assert "citation_not_in_text" not in result.output
    assert "企业名称登记管理规定》第二十六条第（五）项" in result.output
    assert "互联网上网服务营业场所管理条例》第三十二条第（五）项" in result.output


def test_validate_without_statutes(lists, monkeypatch):
    monkeypatch.setenv("PENALTY_RULES_STATUTES", "")
    out = CliRunner().invoke(app, ["lists", "validate", "--lists", str(lists)]).output
    assert "未配置法规文本目录, 跳过引用核对" in out
    assert "引用核对:" not in out
