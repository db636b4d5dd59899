"""`penalty-rules lists import` through the Typer runner and as a subprocess."""

import subprocess
import sys

from typer.testing import CliRunner

from penalty_rules.cli.app import app
from penalty_rules.load.loader import load_corpus

from .conftest import DATA

runner = CliRunner()


def test_import_writes_a_draft_that_validates(lists_copy, tmp_path):
    report = tmp_path / "report.html"
    res = runner.invoke(app, ["lists", "import", str(DATA / "dev" / "tax-all.docx"), "--list-id", "lc-tax-import",
                              "--version", "2026-1", "--jurisdiction", "371500", "--lists", str(lists_copy),
                              "--report", str(report)])
    assert res.exit_code == 0, res.output
    path = lists_copy / "liaocheng" / "lc-tax-import" / "2026-1.yaml"
    assert path.is_file() and report.is_file()
    assert "导入报告" in res.output and "已解析为结构化条件" in res.output
    loaded = load_corpus(lists_copy)
    assert not [p for p in loaded.errors if "lc-tax-import" in (p.file or "")]
    assert loaded.corpus.document("lc-tax-import@2026-1").status.value == "draft"
    check = runner.invoke(app, ["lists", "validate", "--lists", str(lists_copy)])
    assert check.exit_code == 0, check.output
    assert "错误 0 个" in check.output
    # not overwritten
    again = runner.invoke(app, ["lists", "import", str(DATA / "dev" / "tax-all.docx"), "--list-id", "lc-tax-import",
                                "--version", "2026-1", "--jurisdiction", "371500", "--lists", str(lists_copy)])
    assert again.exit_code == 2


def test_rejected_rows_exit_1_and_json(lists_copy, tmp_path):
    res = runner.invoke(app, ["lists", "import", str(DATA / "bad" / "duplicate-number.csv"), "--list-id", "dup",
                              "--version", "1", "--jurisdiction", "371500", "--domain", "tax",
                              "--lists", str(lists_copy), "--out", str(tmp_path), "--json"])
    assert res.exit_code == 1
    assert '"duplicate_number"' in res.output and (tmp_path / "dup" / "1.yaml").is_file()


def test_subprocess_error_message(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "penalty_rules.cli.app", "lists", "import", str(DATA / "bad" / "unknown-column.csv"),
         "--list-id", "x", "--version", "1", "--jurisdiction", "371500", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "unknown_columns" in proc.stderr and "第1行" in proc.stderr and "联系人" in proc.stderr
