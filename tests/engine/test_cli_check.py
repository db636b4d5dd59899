"""The `penalty-rules check` contract: exit 0 for any decision, 2 with a message for bad input."""

import json

from typer.testing import CliRunner

from penalty_rules.cli.app import app

runner = CliRunner()
GOOD = {"item_id": "cn-tax-2021-6/03", "first_offense": True, "harm": "minor",
        "corrected": "within_deadline", "act_date": "2023-05-01"}


def test_summary_in_chinese():
    r = runner.invoke(app, ["check", "-", "--no-durable"], input=json.dumps(GOOD))
    assert r.exit_code == 0, r.output
    assert "处理建议: 不予处罚" in r.output
    assert "cn-tax-2021-6/03" in r.output


def test_json_output_is_a_decision(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps({**GOOD, "corrected": None}), "utf-8")
    r = runner.invoke(app, ["check", str(path), "--json", "--no-durable"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["outcome"] == "undetermined"
    assert data["missing_facts"][0]["fact"] == "corrected"
    assert data["trace"]["rules"]


def test_production_path_with_durable_rules():
    r = runner.invoke(app, ["check", "-", "--json"], input=json.dumps(GOOD))
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["outcome"] == "no_penalty"


def test_unknown_field_is_named():
    r = runner.invoke(app, ["check", "-", "--no-durable"], input=json.dumps({**GOOD, "name": "张三"}))
    assert r.exit_code == 2
    assert "name" in r.stderr and "不允许的字段" in r.stderr


def test_malformed_json():
    r = runner.invoke(app, ["check", "-", "--no-durable"], input="{not json")
    assert r.exit_code == 2 and "JSON 格式错误" in r.stderr


def test_wrong_type_and_bad_enum():
    r = runner.invoke(app, ["check", "-", "--no-durable"], input=json.dumps({"harm": "huge", "age": "x"}))
    assert r.exit_code == 2
    assert "harm" in r.stderr and "age" in r.stderr


def test_unknown_item_suggests_close_matches():
    r = runner.invoke(app, ["check", "-", "--no-durable"], input=json.dumps({"item_id": "cn-tax-2021-6/3"}))
    assert r.exit_code == 2
    assert "cn-tax-2021-6/03" in r.stderr


def test_missing_file():
    r = runner.invoke(app, ["check", "/nonexistent/case.json", "--no-durable"])
    assert r.exit_code == 2 and "无法读取" in r.stderr
