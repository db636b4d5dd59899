"""The CLI's date options read dates as the HTTP service does (penalty_rules.model.facts.iso_day: YYYY-MM-DD
only). date.fromisoformat, which each option used on its own, also takes 20230301 and 2023-W09-3; the
refusal names the option, in Chinese, with the code bad_date, exit code 2, before any work is done."""

import subprocess
import sys
from datetime import date

import pytest
from typer.testing import CliRunner

from penalty_rules.cli.app import app

NOT_ISO = ["20230301", "2023-W09-3", "2023-060", "2023-3-1", "２０２３-０３-０１", ""]

# every date option of the CLI, each with the rest of a command line that would otherwise run (or fail later)
COMMANDS = [
    (["lists", "show"], "--as-of"),
    (["lists", "coverage"], "--as-of"),
    (["lists", "publish", "cn-tax-first-offense@2021-6", "--as", "nobody"], "--effective-from"),
    (["lists", "publish", "cn-tax-first-offense@2021-6", "--as", "nobody", "--effective-from", "2031-01-01"],
     "--effective-to"),
    (["lists", "import", "no-such-table.xlsx", "--list-id", "x", "--version", "1", "--jurisdiction", "CN"],
     "--list-date"),
    (["replay", "no-such-cases.jsonl", "--from", "a@1", "--to", "a@2"], "--today"),
    (["caseload", "generate", "--n", "1", "--out", "never-written.jsonl"], "--today"),
]


@pytest.fixture
def runner(monkeypatch, tmp_path) -> CliRunner:
    monkeypatch.setenv("PENALTY_RULES_STATUTES", "")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PENALTY_RULES_VAR", str(tmp_path / "var"))
    monkeypatch.chdir(tmp_path)
    return CliRunner()


@pytest.mark.parametrize("args,option", COMMANDS, ids=[f"{a[0]}-{a[1]}-{o}" for a, o in COMMANDS])
@pytest.mark.parametrize("value", NOT_ISO)
def test_non_iso_date_options_are_refused_naming_the_option(runner, tmp_path, args, option, value):
    result = runner.invoke(app, [*args, option, value])
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    said = result.stderr
    assert f"{option} 日期无效" in said and "YYYY-MM-DD" in said and "[bad_date]" in said, said
    assert not (tmp_path / "never-written.jsonl").exists()


def test_an_impossible_day_is_named_so(runner):
    result = runner.invoke(app, ["lists", "show", "--as-of", "2023-02-29"])
    assert result.exit_code == 2 and "没有这一天" in result.stderr, result.stderr


def test_iso_dates_still_pass(runner):
    result = runner.invoke(app, ["lists", "show", "--as-of", "2022-06-01", "--json"])
    assert result.exit_code == 0, result.output


def test_one_rule_for_the_cli_and_the_facts():
    from pydantic import TypeAdapter, ValidationError

    from penalty_rules.cli.dates import option_day
    from penalty_rules.model.facts import IsoDate

    assert option_day("2024-02-29", "--today") == date(2024, 2, 29) and option_day(None, "--today") is None
    for value in NOT_ISO:
        with pytest.raises(ValidationError):
            TypeAdapter(IsoDate).validate_python(value)


def test_through_the_installed_entry_point():
    proc = subprocess.run([sys.executable, "-m", "penalty_rules.cli.app", "lists", "show", "--as-of", "20230301"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "--as-of 日期无效 '20230301'" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
