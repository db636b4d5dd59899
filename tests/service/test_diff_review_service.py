"""GET /v1/lists/diff and the workbench diff page for a legal reviewer: changes in words, their
direction (放宽 first), examples apart; the old JSON fields kept."""

import json
import re
from pathlib import Path

import yaml

from penalty_rules.model.vocabulary import VOCABULARY
from tests.lists_fixtures import lock_lists, tax_lists

OLD = "cn-tax-first-offense@2021-33"


def _lists(tmp_path: Path) -> tuple[Path, str]:
    root = tax_lists(tmp_path)
    src = root / "national" / "cn-tax-first-offense" / "2021-33.yaml"
    data = yaml.safe_load(src.read_text("utf-8"))
    data.update(version="2030-t", status="draft", effective_from=None, supersedes="2021-33")
    items = {i["id"]: i for i in data["items"]}
    items["cn-tax-2021-6/02"]["conditions"]["all"].append("cooperated")  # stricter (the ground unchanged)
    items["cn-tax-2021-6/01"]["conditions"]["any_of"].append(["corrected_promptly"])  # more lenient
    items["cn-tax-2021-6/03"]["examples"] = [{"name": "示例", "facts": {"harm": "minor"}, "expected": "undetermined"}]
    (src.parent / "2030-t.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    lock_lists(root)
    return root, "cn-tax-first-offense@2030-t"


def test_api_and_page(inprocess_app, tmp_path: Path):
    root, new = _lists(tmp_path)
    client = inprocess_app(PENALTY_RULES_LISTS=str(root), PENALTY_RULES_STATUTES="")
    keys = {k["role"]: k["key"] for k in json.loads(client.app.state.settings.dev_keys_file.read_text())["keys"]}
    r = client.get("/v1/lists/diff", params={"from": OLD, "to": new}, headers={"X-API-Key": keys["reviewer"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(c["id"], c["direction"]) for c in body["changed"]] == [
        ("cn-tax-2021-6/01", "lenient"), ("cn-tax-2021-6/02", "stricter")]
    assert body["summary"]["changed"] == 2 and body["summary"]["lenient"] == 1
    assert body["summary"]["examples_changed"] == 1 and body["figures"]["changed"] == 2
    assert [c["id"] for c in body["examples_changed"]] == ["cn-tax-2021-6/03"]
    change = body["changed"][1]["changes"][0]  # the fields of before, and the same in words
    assert change["path"] == "conditions.all" and "cooperated" in change["new"]
    assert change["field_zh"] == "条件(须全部满足)" and VOCABULARY.conditions["cooperated"].zh in change["new_zh"]

    page = client.get("/web/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.post("/web/login", data={"csrf_token": token, "api_key": keys["reviewer"], "next": "/web/check"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    r = client.get("/web/lists/diff", params={"from": OLD, "to": new})
    assert r.status_code == 200, r.text
    html = r.text
    assert "修改 2 条: 放宽 1 条、收紧 1 条;示例变化 1 条(不计入修改)" in html
    assert f"新增条件: {VOCABULARY.conditions['cooperated'].zh}" in html
    assert html.index("cn-tax-2021-6/01") < html.index("cn-tax-2021-6/02")
    examples = html[html.index('id="diff-examples"'):]
    assert "cn-tax-2021-6/03" in examples and "尚不能确定" in examples
