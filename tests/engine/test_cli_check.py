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
    assert "corrected" in [m["fact"] for m in data["missing_facts"]]
    assert data["next_question"] == data["missing_facts"][0]  # the documented asking order
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


# ------------------------------------------------------------------------------ strict input
import pytest  # noqa: E402


@pytest.mark.parametrize("facts,field", [
    ({"age": True}, "age"), ({"age": "15"}, "age"), ({"first_offense": "yes"}, "first_offense"),
    ({"first_offense": 1}, "first_offense"), ({"illegal_gains_yuan": "5"}, "illegal_gains_yuan"),
])
def test_no_type_coercion(facts, field):
    r = runner.invoke(app, ["check", "-", "--no-durable"], input=json.dumps({**GOOD, **facts}))
    assert r.exit_code == 2, r.output
    assert field in r.stderr and "Traceback" not in r.output


@pytest.mark.parametrize("raw", ['{"quantities": {"overdue_days": NaN}}', '{"goods_value_yuan": Infinity}',
                                 '{"quantities": {"overdue_days": -2}}', '{"illegal_gains_yuan": -Infinity}'])
def test_non_finite_or_negative_numbers(raw):
    r = runner.invoke(app, ["check", "-", "--no-durable"], input=raw)
    assert r.exit_code == 2, r.output
    assert "有限" in r.stderr or "不得小于" in r.stderr


def test_duplicate_key_named(tmp_path):
    path = tmp_path / "case.json"
    path.write_text('{"item_id": "cn-tax-2021-6/03", "harm": "minor", "harm": "none"}', "utf-8")
    r = runner.invoke(app, ["check", str(path), "--no-durable"])
    assert r.exit_code == 2 and "harm" in r.stderr and "重复" in r.stderr


@pytest.mark.parametrize("raw,needle", [
    ('{"prior_offenses": ' + "[" * 100_000 + "]" * 100_000 + "}", "嵌套"),
    ('{"age": ' + "9" * 5000 + "}", "数字"),
])
def test_deep_or_huge_input_is_a_clean_error(tmp_path, raw, needle):
    path = tmp_path / "case.json"
    path.write_text(raw, "utf-8")
    r = runner.invoke(app, ["check", str(path), "--no-durable"])
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert needle in r.stderr and "Traceback" not in r.output


def test_rich_markup_in_input_is_printed_literally():
    r = runner.invoke(app, ["check", "-", "--no-durable"], input=json.dumps({**GOOD, "[/red][bold]x": 1}))
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "[/red][bold]x" in r.stderr
