"""`penalty-rules lists diff --from-rev A --to-rev B`: the whole corpus between two git revisions of a repository
made from the bundled lists — per list and per domain, items added / removed / changed with 放宽/收紧 marks and
the city's figures, in the terminal and in JSON; and between two versions.lock states."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from penalty_rules.cli.app import app
from penalty_rules.config import Settings
from penalty_rules.model.vocabulary import VOCABULARY
from lists_fixtures import lock_lists

DRAFT = Path("national") / "cn-samr-2024-draft" / "2024.yaml"
TAX = Path("national") / "cn-tax-first-offense"


def _git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(repo), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env).stdout


def _committed_copy(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """(a git repository, its lists/): the bundled lists committed as A."""
    if shutil.which("git") is None:
        pytest.skip("git 不可用")
    monkeypatch.setenv("PENALTY_RULES_STATUTES", "")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    repo = tmp_path / "repo"
    root = repo / "lists"
    shutil.copytree(Settings.from_env().lists_dir, root)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "A")
    return repo, root


@pytest.fixture
def history(tmp_path, monkeypatch) -> Path:
    """A repository whose lists/ is the bundled folder (commit A), then (commit B): the draft's item 01 loses its
    condition 属于食品经营环节 (a wider condition: fewer requirements admit more cases → 放宽), and a new draft
    version t1 of the tax list adds 积极配合调查 to item 02 (one more requirement → 收紧) and drops item 03."""
    repo, root = _committed_copy(tmp_path, monkeypatch)
    draft = root / DRAFT
    text = draft.read_text("utf-8")
    old = "    - first_offense\n    - custom: 属于食品经营环节\n"
    assert text.count(old) == 1  # item cn-samr-2024-draft/01
    draft.write_text(text.replace(old, "    - first_offense\n"), "utf-8")
    data = yaml.safe_load((root / TAX / "2021-33.yaml").read_text("utf-8"))
    data.update(version="t1", status="draft", effective_from=None, effective_to=None)
    items = {i["id"]: i for i in data["items"]}
    items["cn-tax-2021-6/02"]["conditions"]["all"].append("cooperated")
    data["items"] = [i for i in data["items"] if i["id"] != "cn-tax-2021-6/03"]
    (root / TAX / "t1.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    lock_lists(root)  # the drafts' new hashes accepted (lists lock --accept-changes)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "B")
    return root


def test_corpus_diff_between_two_git_revisions(history):
    runner = CliRunner()
    args = ["lists", "diff", "--from-rev", "HEAD~1", "--to-rev", "HEAD", "--lists", str(history)]
    r = runner.invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    by_list = {x["list_id"]: x for x in data["lists"]}
    assert set(by_list) == {"cn-samr-2024-draft", "cn-tax-first-offense"}
    draft = by_list["cn-samr-2024-draft"]
    assert [(e["kind"], e["a"], e["b"]) for e in draft["entries"]] == [
        ("changed_in_place", "cn-samr-2024-draft@2024", "cn-samr-2024-draft@2024")]
    change = draft["entries"][0]["diff"]["changed"]
    assert [(c["id"], c["direction"]) for c in change] == [("cn-samr-2024-draft/01", "lenient")]
    assert draft["counts"] == {"added": 0, "removed": 0, "changed": 1, "lenient": 1, "stricter": 0, "review": 0,
                               "no_effect": 0, "document_fields": 0, "document_lenient": 0, "document_stricter": 0,
                               "document_review": 0}
    tax = by_list["cn-tax-first-offense"]
    # t1 follows the tax list's latest version in both states: 2021-33 (effective_from 2022-01-01)
    assert [(e["kind"], e["a"], e["b"]) for e in tax["entries"]] == [
        ("new_version", "cn-tax-first-offense@2021-33", "cn-tax-first-offense@t1")]
    assert (tax["counts"]["added"], tax["counts"]["removed"], tax["counts"]["changed"],
            tax["counts"]["stricter"]) == (0, 1, 1, 1)
    # the list's figures are of its latest version in each state: 2021-33, then the draft t1 (one item fewer)
    n = len(yaml.safe_load((history / TAX / "2021-33.yaml").read_text("utf-8"))["items"])
    assert (tax["figures"]["items_a"], tax["figures"]["items_b"]) == (n, n - 1)
    assert tax["figures"]["text_zh"] == f"条目 +0 / −1(修改 1 条), 条目数 {n} → {n - 1}, 领域 1 → 1"
    domains = {d["domain"]: d["counts"] for d in data["by_domain"]}
    assert domains["market"]["lenient"] == 1 and domains["tax"]["removed"] == 1 and domains["tax"]["stricter"] == 1
    assert data["counts"]["lenient"] == 1 and data["counts"]["stricter"] == 1 and data["counts"]["removed"] == 1
    assert data["figures"]["changes_zh"] == "修改 2 条: 放宽 1 条、收紧 1 条"
    assert data["lists"][0]["list_id"] == "cn-samr-2024-draft"  # 放宽 first

    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    text = out.stdout
    assert "放宽" in text and "收紧" in text and "按执法领域" in text and "+0 / −1" in text
    assert "删去条件: 属于食品经营环节" in text
    assert f"新增条件: {VOCABULARY.conditions['cooperated'].zh}" in text
    assert "修改 2 条: 放宽 1 条、收紧 1 条" in text


def test_corpus_diff_between_two_lock_states(history, tmp_path):
    """The lock of A records the draft's old hash: its content now differs, so state A leaves it out; B has it."""
    old_lock = tmp_path / "a.lock"
    old_lock.write_text(_git(history.parent, "show", "HEAD~1:lists/versions.lock"), "utf-8")
    r = CliRunner().invoke(app, ["lists", "diff", "--from-lock", str(old_lock), "--to-lock",
                                 str(history / "versions.lock"), "--lists", str(history), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    kinds = {(x["list_id"], e["kind"]) for x in data["lists"] for e in x["entries"]}
    assert ("cn-samr-2024-draft", "new_version") in kinds and ("cn-tax-first-offense", "new_version") in kinds


def test_corpus_diff_refuses_mixed_arguments(history):
    r = CliRunner().invoke(app, ["lists", "diff", "cn-tax-first-offense@2021-6", "--from-rev", "HEAD~1",
                                 "--to-rev", "HEAD", "--lists", str(history)])
    assert r.exit_code == 2 and "corpus_diff_arguments" in r.output
    r = CliRunner().invoke(app, ["lists", "diff", "--from-rev", "nope", "--to-rev", "HEAD", "--lists", str(history)])
    assert r.exit_code == 2 and "bad_git_revision" in r.output


def test_corpus_diff_shows_a_change_of_the_list_itself(tmp_path, monkeypatch):
    """A list-level change counts and shows, with its direction. 市场监管总局 国市监法〔2025〕10号 (cn-samr-2025-1) defines 首违
    as no prior of the same kind within two years (first_offense.window_years 2); shortened to one year, a prior of
    eighteen months before no longer counts: more cases are 首违 and reach the list's 不予处罚 — 放宽. No item changes."""
    repo, root = _committed_copy(tmp_path, monkeypatch)
    path = root / "national" / "cn-samr-2025-1" / "2025.yaml"
    text = path.read_text("utf-8")
    assert text.count("  window_years: 2\n") == 1
    path.write_text(text.replace("  window_years: 2\n", "  window_years: 1\n"), "utf-8")
    lock_lists(root)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "B")
    domains = {i["domain"] for i in yaml.safe_load(text)["items"]}

    args = ["lists", "diff", "--from-rev", "HEAD~1", "--to-rev", "HEAD", "--lists", str(root)]
    r = CliRunner().invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    [lc] = data["lists"]
    assert lc["list_id"] == "cn-samr-2025-1"
    [change] = lc["entries"][0]["diff"]["document_changes"]
    assert (change["path"], change["old"], change["new"], change["direction"]) == (
        "first_offense.window_years", 2, 1, "lenient")
    assert (lc["counts"]["changed"], lc["counts"]["document_fields"], lc["counts"]["document_lenient"]) == (0, 1, 1)
    assert (data["counts"]["document_fields"], data["counts"]["document_lenient"]) == (1, 1)
    assert {d["domain"] for d in data["by_domain"]} == domains
    assert all(d["counts"]["document_lenient"] == 1 for d in data["by_domain"])
    assert "清单字段变化 1 处: 放宽 1 处" in data["figures"]["changes_zh"]

    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    text = out.stdout
    assert "清单字段的变化" in text and "window_years" in text and "放宽" in text
    assert "清单字段变化 1 处: 放宽 1 处" in text
