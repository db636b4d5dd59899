"""The other ways to name the two sides: git revisions and versions.lock states."""

import shutil
import subprocess
from datetime import date

import pytest

from penalty_rules.cli.replay import run_replay

TODAY = date(2026, 11, 30)


@pytest.fixture()
def few_cases(caseload_files, tmp_path):
    lines = caseload_files["jsonl"].read_text(encoding="utf-8").splitlines()[:400]
    path = tmp_path / "few.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_git_revisions(few_cases, settings, tmp_path):
    if shutil.which("git") is None or subprocess.run(
            ["git", "-C", str(settings.lists_dir), "rev-parse", "HEAD"], capture_output=True).returncode:
        pytest.skip("not a git checkout")
    fig = run_replay([few_cases], rev_from="HEAD", rev_to="HEAD", out=tmp_path / "r", workers=1, today=TODAY,
                     progress=False, quiet=True)
    assert fig["rows"] == 400 and fig["changed"] == 0


def test_lock_states(few_cases, settings, tmp_path):
    lock = (settings.lists_dir / "versions.lock").read_text(encoding="utf-8")
    older = tmp_path / "older.lock"
    older.write_text("".join(line + "\n" for line in lock.splitlines() if "cn-tax-first-offense@2021-33" not in line),
                     encoding="utf-8")
    fig = run_replay([few_cases], lock_from=older, lock_to=settings.lists_dir / "versions.lock", out=tmp_path / "r",
                     workers=1, today=TODAY, progress=False, quiet=True)
    assert fig["rows"] == 400 and fig["changed"] > 0  # the tax list of 2021-33 only in the newer state
    same = run_replay([few_cases], lock_from=older, lock_to=older, out=tmp_path / "s", workers=1, today=TODAY,
                      progress=False, quiet=True)
    assert same["changed"] == 0
