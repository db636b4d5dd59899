"""Issue 11, gap 1: a published version whose lock lines were deleted and whose file was set back to
`status: draft` loads as an unlocked draft (a warning) from the lists alone; the audit database's
publication records catch it, but only where the database is. The git history of versions.lock
catches it without the database (penalty_rules.load.lock_history): `lists validate` and `lists
lock` check it whenever the lists folder is in a git work tree, and the bundled lists are checked
against their own history here (`make test`: CI runs on a git clone).

Before the fix, `lists validate` accepted every tampered folder below (exit 0) and `lists lock`
wrote the tampered lock."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from lists_fixtures import BUNDLED, tax_lists
from penalty_rules.cli.app import app
from penalty_rules.load.loader import load_corpus, load_corpus_strict
from penalty_rules.load.lock_history import STRICT_FROM, check_history, read_lock_history
from penalty_rules.load.lockfile import LOCK_NAME, load_lock_sections, write_lock
from penalty_rules.model.listdoc import Status

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git 未安装: 锁文件历史无法核对")

KEY = "cn-tax-first-offense@2021-6"
AFTER = "2027-01-0{}T10:00:00+00:00"  # commit dates after STRICT_FROM (day 1, 2, …)
BEFORE = "2026-01-0{}T10:00:00+00:00"  # and before it


@pytest.fixture
def runner(monkeypatch, tmp_path) -> CliRunner:
    monkeypatch.setenv("PENALTY_RULES_STATUTES", "")  # citation check: not under test
    monkeypatch.delenv("DATABASE_URL", raising=False)  # no audit database: the history alone
    monkeypatch.setenv("PENALTY_RULES_VAR", str(tmp_path / "var"))
    return CliRunner()


def run(runner: CliRunner, *args: str):
    return runner.invoke(app, ["lists", *args])


def git(repo: Path, *args: str, when: str | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    r = subprocess.run(["git", "-C", str(repo), "-c", "user.name=test", "-c", "user.email=test@example.invalid",
                       *args], env=env, capture_output=True, text=True, check=True)
    return r.stdout.strip()


def commit(repo: Path, when: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "lists", when=when)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git work tree holding lists/ (the tax lists, locked), without any commit yet."""
    top = tmp_path / "repo"
    top.mkdir()
    git(top, "init", "-q")
    root = tax_lists(top)
    write_lock(root, load_corpus(root).corpus.hashes)
    return top


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def drop_lock_lines(root: Path, key: str) -> None:
    """Delete every line of `key` from versions.lock (its `versions` and `published` entries)."""
    path = root / LOCK_NAME
    path.write_text("".join(l for l in path.read_text("utf-8").splitlines(True)
                            if not l.strip().startswith(key + ":")), "utf-8")


def revert_to_draft(root: Path) -> Path:
    path = root / "national" / "cn-tax-first-offense" / "2021-6.yaml"
    edit(path, "status: in_force", "status: draft")
    return path


@pytest.mark.parametrize("marked", [False, True], ids=["baseline", "published-section"])
def test_published_version_reverted_to_draft_and_unlocked(repo: Path, runner, marked: bool):
    root = repo / "lists"
    if marked:  # published through the workflow: also in the lock's `published` section
        versions = load_lock_sections(root).versions
        write_lock(root, versions, {KEY: versions[KEY]})
    commit(repo, AFTER.format(1))
    assert run(runner, "validate", "--lists", str(root)).exit_code == 0
    clean_lock = (root / LOCK_NAME).read_text("utf-8")
    path = revert_to_draft(root)
    published_text = path.read_text("utf-8").replace("status: draft", "status: in_force", 1)
    drop_lock_lines(root, KEY)

    # the lists alone: an unlocked draft, a warning (the gap)
    load_corpus_strict(root)
    assert run(runner, "validate", "--lists", str(root), "--no-history").exit_code == 0
    # the history: an error naming the version, what changed and when it was published
    result = run(runner, "validate", "--lists", str(root))
    assert result.exit_code == 1, result.output
    assert f"lock_history_unlocked [versions.{KEY}]" in result.output
    assert "lock_history_reverted [status]" in result.output and "状态被改回草案" in result.output
    assert ("published 一节" if marked else "status in_force") in result.output
    assert "锁文件历史核对的错误 2 个" in result.output and "已发布版本不能修改" in result.output

    # lists lock does not record it as the draft it now claims to be, not even with --accept-changes
    before = (root / LOCK_NAME).read_text("utf-8")
    refused = run(runner, "lock", "--lists", str(root), "--accept-changes")
    assert refused.exit_code == 1, refused.output
    assert "lock_history" in refused.stderr and KEY in refused.stderr and "未写入" in refused.stderr
    assert (root / LOCK_NAME).read_text("utf-8") == before

    # committed, it is still caught (and the commit named); restored, it passes again
    tampered = commit(repo, AFTER.format(2))
    result = run(runner, "validate", "--lists", str(root))
    assert result.exit_code == 1 and f"提交 {tampered[:10]}" in result.output, result.output
    path.write_text(published_text, "utf-8")
    (root / LOCK_NAME).write_text(clean_lock, "utf-8")
    assert run(runner, "validate", "--lists", str(root), "--strict").exit_code == 0
    commit(repo, AFTER.format(3))
    assert run(runner, "validate", "--lists", str(root), "--history", "--strict").exit_code == 0


def test_published_version_relocked_by_hand(repo: Path, runner):
    """Editing a published version and writing its new hash into the lock by hand (what `lists lock
    --accept-changes` did before it refused): consistent files, caught by the history only."""
    root = repo / "lists"
    commit(repo, AFTER.format(1))
    edit(root / "national" / "cn-tax-first-offense" / "2021-6.yaml", "outcome: no_penalty", "outcome: reduced_penalty")
    write_lock(root, load_corpus(root).corpus.hashes)
    load_corpus_strict(root)  # the lists alone accept it
    result = run(runner, "validate", "--lists", str(root))
    assert result.exit_code == 1 and f"lock_history_changed [versions.{KEY}]" in result.output, result.output
    commit(repo, AFTER.format(2))
    assert run(runner, "validate", "--lists", str(root)).exit_code == 1


def test_changes_committed_before_the_rule_stand(repo: Path, runner):
    """Lock changes committed before STRICT_FROM (the bundled lists were re-locked by hand) are
    accepted as they stand: the base is the state of the last such commit."""
    root = repo / "lists"
    commit(repo, BEFORE.format(1))
    edit(root / "national" / "cn-tax-first-offense" / "2021-6.yaml", "outcome: no_penalty", "outcome: reduced_penalty")
    write_lock(root, load_corpus(root).corpus.hashes)
    commit(repo, BEFORE.format(2))
    assert run(runner, "validate", "--lists", str(root), "--history").exit_code == 0
    history = read_lock_history(root)
    assert history.base[KEY].hash == load_lock_sections(root).versions[KEY]
    # … but a lock commit dated before the rule that follows one dated after it is held to it
    doc = yaml.safe_load((root / "national" / "cn-tax-first-offense" / "2021-6.yaml").read_text("utf-8"))
    doc.update(version="2030-d", status="draft", effective_from=None, effective_to=None, doc_no=None)
    (root / "national" / "cn-tax-first-offense" / "2030-d.yaml").write_text(
        yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    write_lock(root, load_corpus(root).corpus.hashes)  # a draft locked: the lock changes, nothing published
    commit(repo, AFTER.format(1))
    assert run(runner, "validate", "--lists", str(root)).exit_code == 0
    edit(root / "national" / "cn-tax-first-offense" / "2021-6.yaml", "outcome: reduced_penalty", "outcome: no_penalty")
    write_lock(root, load_corpus(root).corpus.hashes)
    commit(repo, BEFORE.format(3))  # backdated
    assert run(runner, "validate", "--lists", str(root)).exit_code == 1


def test_drafts_are_relocked_inside_git(repo: Path, runner):
    """A version that was only ever a draft is re-locked with --accept-changes, history or not."""
    root = repo / "lists"
    doc = yaml.safe_load((root / "national" / "cn-tax-first-offense" / "2021-6.yaml").read_text("utf-8"))
    doc.update(version="2030-d", status="draft", effective_from=None, effective_to=None, doc_no=None)
    draft = root / "national" / "cn-tax-first-offense" / "2030-d.yaml"
    draft.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    assert run(runner, "lock", "--lists", str(root)).exit_code == 0
    commit(repo, AFTER.format(1))
    edit(draft, "outcome: no_penalty", "outcome: reduced_penalty")
    accepted = run(runner, "lock", "--lists", str(root), "--accept-changes")
    assert accepted.exit_code == 0 and "已确认" in accepted.stderr, accepted.output
    commit(repo, AFTER.format(2))
    draft.unlink()  # a locked draft deleted: the history says it never was published
    accepted = run(runner, "lock", "--lists", str(root), "--accept-changes")
    assert accepted.exit_code == 0, accepted.output
    assert "cn-tax-first-offense@2030-d" not in load_lock_sections(root).versions


def test_outside_git_the_check_says_it_could_not_run(tmp_path: Path, runner):
    root = tax_lists(tmp_path)
    write_lock(root, load_corpus(root).corpus.hashes)
    result = run(runner, "validate", "--lists", str(root))
    assert result.exit_code == 0 and "未能核对锁文件历史" in result.output, result.output
    result = run(runner, "validate", "--lists", str(root), "--history")
    assert result.exit_code == 1 and "锁文件历史核对的错误 1 个" in result.output, result.output


def test_bundled_lists_agree_with_their_lock_history():
    """Every bundled list version published in the history of lists/versions.lock is still locked
    with its hash and not a draft (the working tree against its git history)."""
    history = read_lock_history(BUNDLED)
    if not history.available:
        pytest.skip(f"the bundled lists are not in a git work tree: {history.note}")
    corpus = load_corpus(BUNDLED).corpus
    published = {d.key for d in corpus.documents if d.status is not Status.draft}
    assert set(history.base) == published  # not vacuous: every published version has a base
    assert check_history(history, load_lock_sections(BUNDLED).versions, corpus, BUNDLED) == []
    assert STRICT_FROM.tzinfo is not None


def test_a_broken_lock_is_not_compared_with_the_history(repo: Path, runner):
    root = repo / "lists"
    commit(repo, AFTER.format(1))
    (root / LOCK_NAME).write_text("versions: [1, 2]\n", "utf-8")
    for command in ("validate", "lock"):
        result = run(runner, command, "--lists", str(root))
        assert result.exit_code == 1 and "bad_lock" in result.output, result.output
        assert "lock_history" not in result.output
