"""An exclusion the importer kept as a condition (flag `conditions.exclusion`) cannot be approved,
requested or published, and a version in force holding one loads with a warning that its answers (and the replay report) repeat.

The importer keeps `造成较大社会影响的，依法处罚` whole as a custom condition in `all` (the conditions
model has no negated form): answered “符合”, it would make the item apply to the very cases the list
excludes. Before this check nothing in review, publish or load read the flag: a reviewer could
approve and publish the item as it read. The table here is test content in the published layout
(its condition wording is the exclusion form the README names); every folder is a temporary copy."""

import json
import re
from pathlib import Path

import pytest
import yaml

from penalty_rules.load.loader import load_corpus, load_corpus_strict
from penalty_rules.load.lockfile import load_lock_sections, write_lock
from penalty_rules.publish.files import PublishError
from service import reviews as rv

from test_review_publish import NO_DB, R1, R2, _run_cli, check_published, draft_items, make_lists, store  # noqa: F401

EXCLUSION = "造成较大社会影响的，依法处罚"
TABLE = ("人民防空领域包容审慎监管清单(审核流程测试表格),,,,,,,,\n"
         "序号,执法领域,违法行为,违法依据,处罚依据,不予处罚依据,适用条件,处理措施,备注\n"
         "一、不予处罚事项,,,,,,,,\n"
         "1,人民防空,城市新建民用建筑违反国家规定不修建战时可用于防空的地下室,,"
         "《中华人民共和国人民防空法》第四十八条,《中华人民共和国行政处罚法》第三十三条,"
         f"初次违法、危害后果轻微并及时改正。{EXCLUSION}。,,\n")
KEY = "lc-air-import@2026-1"


def run_import(tmp_path: Path, text: str, *extra: str) -> tuple[Path, str]:
    """`penalty-rules lists import` of a one-row table into a copy of the bundled lists: (root, output)."""
    root = make_lists(tmp_path)
    table = tmp_path / "table.csv"
    table.write_text(text, "utf-8")
    code, out = _run_cli({**NO_DB, "PENALTY_RULES_VAR": str(tmp_path / "var")}, "lists", "import", str(table),
                         "--list-id", "lc-air-import", "--version", "2026-1", "--jurisdiction", "371500",
                         "--lists", str(root), *extra)
    assert code == 0, out
    return root, out


def import_draft(tmp_path: Path) -> tuple[Path, Path, str]:
    """(lists root, the draft's file, the flagged item's id) after `penalty-rules lists import`."""
    root, _ = run_import(tmp_path, TABLE)
    path = root / "liaocheng" / "lc-air-import" / "2026-1.yaml"
    [item] = load_corpus(root).corpus.document(KEY).items
    assert "conditions.exclusion" in item.provenance.flags
    assert EXCLUSION in [c.custom for c in item.conditions.all if hasattr(c, "custom")]
    return root, path, item.id


def resolve(path: Path) -> None:
    """What the reviewer does: the exclusion rewritten as a negated condition, the flag deleted."""
    doc = yaml.safe_load(path.read_text("utf-8"))
    [item] = doc["items"]
    item["conditions"]["all"] = [c if c != {"custom": EXCLUSION} else {"custom": "未造成较大社会影响"}
                                 for c in item["conditions"]["all"]]
    item["provenance"]["flags"] = [f for f in item["provenance"]["flags"] if f != "conditions.exclusion"]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")


def test_draft_with_an_exclusion_is_flagged_by_validate(tmp_path):
    root, _, item_id = import_draft(tmp_path)
    code, out = _run_cli({**NO_DB, "PENALTY_RULES_VAR": str(tmp_path / "var")}, "lists", "validate", "--lists",
                         str(root), "--no-history")
    assert code == 0, out  # a draft may hold it: a warning, naming the item and what to do
    assert "unresolved_exclusion" in out and item_id in out and "改写" in out, out


def test_exclusion_cannot_be_approved_or_published_until_rewritten(tmp_path, store):
    root, path, item_id = import_draft(tmp_path)
    others = [i for i in draft_items(root, KEY) if i != item_id]
    for i in others:
        rv.review(store, root, KEY, i, "approved", None, R1)
    with pytest.raises(PublishError) as exc:
        rv.review(store, root, KEY, item_id, "approved", None, R1)
    assert exc.value.code == "unresolved_exclusion" and exc.value.status == 422
    assert item_id in exc.value.message and "改写" in exc.value.message
    rv.review(store, root, KEY, item_id, "needs_change", "排除情形须改写为否定条件", R1)  # an objection is fine
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, KEY, R1, "request", rv.date(2036, 12, 1))
    assert exc.value.code == "unresolved_exclusion"
    resolve(path)
    rv.review(store, root, KEY, item_id, "approved", None, R1)  # the objector lifts their own objection
    req = rv.publish(store, root, KEY, R1, "request", rv.date(2036, 12, 1))
    rv.publish(store, root, KEY, R2, "approve", request_id=req.record["id"])
    check_published(root, KEY, "2036-12-01")


def test_flag_put_back_after_the_approvals_blocks_the_approval(tmp_path, store):
    """Approvals of a flagged item cannot exist through the service, but records written before this
    check (or by hand) may: publication reads the flag itself, not the approvals."""
    root, path, item_id = import_draft(tmp_path)
    text = path.read_text("utf-8")
    resolve(path)
    for i in draft_items(root, KEY):
        rv.review(store, root, KEY, i, "approved", None, R1)
    req = rv.publish(store, root, KEY, R1, "request", rv.date(2036, 12, 1))
    path.write_text(text, "utf-8")  # the exclusion and its flag back: the item's content changed
    for i in draft_items(root, KEY):
        if i != item_id:
            rv.review(store, root, KEY, i, "approved", None, R1)
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, KEY, R2, "approve", request_id=req.record["id"])
    assert exc.value.code in ("unresolved_exclusion", "request_stale")
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, KEY, R1, "request", rv.date(2036, 12, 2))
    assert exc.value.code == "unresolved_exclusion", exc.value.message


def published_with_exclusion(tmp_path: Path) -> tuple[Path, str]:
    """(lists root, item id): the imported draft set in force from 2026-01-01 and locked as published
    without the rewrite, as the code before the review gate let a version through."""
    root, path, item_id = import_draft(tmp_path)
    text = path.read_text("utf-8")
    text = re.sub(r"^status: draft$", "status: in_force", text, flags=re.M)
    text = re.sub(r"^effective_from: null$", "effective_from: 2026-01-01", text, flags=re.M)
    path.write_text(text, "utf-8")
    sec = load_lock_sections(root)
    digest = load_corpus(root).corpus.hashes[KEY]
    write_lock(root, {**sec.versions, KEY: digest}, {**sec.published, KEY: digest}, baseline=sec.baseline)
    return root, item_id


def test_version_published_holding_an_exclusion_loads_with_a_warning_and_its_answers_say_so(tmp_path):
    """A version published before these checks (the old code let it through) must not stop the service
    that ran it the day before, and cannot be edited: it loads with a warning naming the remedy (a new
    version), and an answer it decides names the exclusion (a re-reader: refusing it at load left no
    way out)."""
    from penalty_rules.engine.engine import Engine
    from penalty_rules.model.facts import CaseFacts

    root, item_id = published_with_exclusion(tmp_path)
    from penalty_rules.lint.corpus import corpus_checks

    found = [p for p in corpus_checks(load_corpus(root).corpus, root) if p.code == "unresolved_exclusion"]
    assert len(found) == 1 and found[0].severity == "warning" and item_id in found[0].message
    assert "新的版本号" in found[0].message and found[0].file.endswith("2026-1.yaml") and found[0].line
    corpus = load_corpus_strict(root)  # starts
    engine = Engine(corpus, search=None)
    item = corpus.document(KEY).items[0]
    custom = next(c for c in item.conditions.all if getattr(c, "custom", None) == EXCLUSION)
    facts = CaseFacts(item_id=item_id, jurisdiction="371500", act_date=rv.date(2026, 3, 2),
                      decision_date=rv.date(2026, 3, 20), first_offense=True, harm="minor", corrected="promptly",
                      minor_violation=True, custom_conditions={custom.key: True})
    d = engine.evaluate(facts)
    assert d.chosen_item == item_id, (d.outcome, d.warnings)
    assert any("发布前未处理的导入问题" in w and EXCLUSION in w and "不应适用本条目" in w for w in d.warnings), d.warnings


def test_replay_report_names_the_cases_decided_by_an_item_published_with_an_exclusion(tmp_path):
    """The replay reads answers without their warnings (Engine.verdict): a reviewer replaying a caseload
    onto a snapshot holding such a version must still be told which item and how many answers it gave
    (the report, the terminal summary and summary.json), and only on the side that holds it."""
    import shutil

    from penalty_rules.cli.replay import run_replay
    from penalty_rules.model.facts import CaseFacts

    bundled_lock = tmp_path / "before.lock"
    root, item_id = published_with_exclusion(tmp_path)
    shutil.copy(Path(__file__).parents[2] / "lists" / "versions.lock", bundled_lock)
    item = load_corpus(root).corpus.document(KEY).items[0]
    custom = next(c for c in item.conditions.all if getattr(c, "custom", None) == EXCLUSION)
    case = CaseFacts(item_id=item_id, jurisdiction="371500", act_date=rv.date(2026, 3, 2),
                     decision_date=rv.date(2026, 3, 20), first_offense=True, harm="minor", corrected="promptly",
                     minor_violation=True, custom_conditions={custom.key: True})
    other = CaseFacts(jurisdiction="371500", domain="tax", act_date=rv.date(2026, 3, 2), decision_date=rv.date(2026, 3, 20))
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(c.model_dump_json(exclude_none=True) for c in (case, case, other)) + "\n", "utf-8")
    fig = run_replay([cases], lock_from=bundled_lock, lock_to=root / "versions.lock", lists=root,
                     out=tmp_path / "r", workers=1, progress=False, quiet=True, formats=("csv",))
    assert fig["rows"] == 3 and fig["bad_rows"] == 0
    [warning] = fig["warnings"]
    assert warning.startswith("重放后快照") and KEY in warning and item_id in warning and "答案 2 件" in warning
    html = (tmp_path / "r" / "report.html").read_text("utf-8")
    assert "<h2>警告</h2>" in html and item_id in html.split("<h2>警告</h2>")[1].split("</ul>")[0]
    assert json.loads((tmp_path / "r" / "summary.json").read_text("utf-8"))["warnings"] == [warning]


def test_deleting_the_flag_without_the_rewrite_does_not_pass(tmp_path, store):
    root, path, item_id = import_draft(tmp_path)
    path.write_text(path.read_text("utf-8").replace("    - conditions.exclusion\n", ""), "utf-8")
    [item] = load_corpus(root).corpus.document(KEY).items
    assert "conditions.exclusion" not in item.provenance.flags  # only the flag is gone
    with pytest.raises(PublishError) as exc:
        rv.review(store, root, KEY, item_id, "approved", None, R1)
    assert exc.value.code == "unresolved_exclusion" and EXCLUSION in exc.value.message
    resolve(path)
    rv.review(store, root, KEY, item_id, "approved", None, R1)


def test_bundled_lists_hold_no_unresolved_exclusion():
    """Guard (passes before and after): no bundled version carries the flag."""
    lists = Path(__file__).resolve().parents[2] / "lists"
    flagged = [(d.key, i.id) for d in load_corpus(lists).corpus.documents for i in d.items
               if "conditions.exclusion" in i.provenance.flags]
    assert flagged == [], json.dumps(flagged, ensure_ascii=False)


def test_service_refuses_the_approval_and_the_item_page_says_why(tmp_path):
    """Through the real service: POST /v1/reviews answers 422 unresolved_exclusion naming the item,
    and the reviewer's item page says why it cannot be approved."""
    from tests.service.live_servers import Server, server_env

    root, _, item_id = import_draft(tmp_path)
    var = tmp_path / "var-svc"
    env = server_env(var, PENALTY_RULES_LISTS=str(root), PENALTY_RULES_DURABLE="0", PENALTY_RULES_STATUTES="")
    srv = Server(var, env).start()
    try:
        with srv.client("reviewer") as rev:
            r = rev.post("/v1/reviews", json={"list": KEY, "item": item_id, "verdict": "approved"})
            assert r.status_code == 422, r.text
            err = r.json()["error"]
            assert err["code"] == "unresolved_exclusion" and item_id in err["message_zh"], err
            r = rev.post("/v1/reviews", json={"list": KEY, "item": item_id, "verdict": "needs_change",
                                              "comment": "排除情形须改写"})
            assert r.status_code == 201, r.text
        from tests.web.webtest_helpers import login_client

        web = login_client(srv, "reviewer")
        try:
            page = web.get(f"/web/items/{item_id}", params={"list": KEY})
            assert page.status_code == 200, page.text[:500]
            assert "不能通过审核" in page.text and "改写" in page.text
        finally:
            web.close()
    finally:
        srv.stop()


MISMATCH_TABLE = TABLE.replace(f"初次违法、危害后果轻微并及时改正。{EXCLUSION}。", "初次违法、危害后果轻微并及时改正的，依法从轻处罚。")


def test_an_outcome_clause_other_than_the_rows_blocks_approval_until_settled(tmp_path, store):
    """The row sits under 不予处罚事项 but its conditions end “…的，依法从轻处罚”: as imported the item
    would give 不予处罚 where the list's words say 从轻 — approval and publication are refused."""
    root, _ = run_import(tmp_path, MISMATCH_TABLE)
    [item] = load_corpus(root).corpus.document(KEY).items
    assert item.outcome.value == "no_penalty" and "conditions.outcome_mismatch" in item.provenance.flags
    with pytest.raises(PublishError) as exc:
        rv.review(store, root, KEY, item.id, "approved", None, R1)
    assert exc.value.code == "unresolved_outcome_clause" and "处理结果" in exc.value.message
    path = root / "liaocheng" / "lc-air-import" / "2026-1.yaml"
    doc = yaml.safe_load(path.read_text("utf-8"))
    doc["items"][0]["outcome"] = "lighter_penalty"  # the reviewer follows the list's words
    doc["items"][0]["provenance"]["flags"].remove("conditions.outcome_mismatch")
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    for i in draft_items(root, KEY):
        rv.review(store, root, KEY, i, "approved", None, R1)
    req = rv.publish(store, root, KEY, R1, "request", rv.date(2036, 12, 1))
    rv.publish(store, root, KEY, R2, "approve", request_id=req.record["id"])
    check_published(root, KEY, "2036-12-01")


def test_import_report_lists_the_items_to_rewrite(tmp_path):
    report = tmp_path / "report.html"
    root, out = run_import(tmp_path, TABLE, "--report", str(report))
    [item] = load_corpus(root).corpus.document(KEY).items
    squeezed = re.sub(r"[\s│┃]", "", out)  # cells fold over lines in a narrow terminal
    assert "须先改写才能审核通过的条目" in squeezed and item.id in squeezed, out
    page = report.read_text("utf-8")
    assert "须先改写才能审核通过的条目" in page and item.id in page and "conditions.exclusion" in page


EXCLUSION_WORDINGS = [  # each is kept whole and flagged conditions.exclusion by the importer's grammar
    "造成较大社会影响的，依法处罚", "未在规定期限内改正的，依法查处", "不按期改正的，依法查处", "造成危害后果的，应予处罚",
    "造成危害后果的，予以行政处罚", "造成危害后果的，仍应处罚", "造成危害后果的，须依法处罚", "逾期不改正的，处1000元罚款",
    "造成危害后果的，按一般程序处理", "造成危害后果的，不予适用", "以下情形不适用：造成危害后果",
    "造成人员伤亡的除外",
]


@pytest.mark.parametrize("wording", EXCLUSION_WORDINGS)
def test_every_exclusion_the_importer_flags_blocks_without_its_flag(wording):
    """A re-reader found 12 of 26 such wordings passed once the flag was deleted (negated starts like
    未在规定期限内改正的 were taken for rewrites): the lint reads them with the importer's own patterns."""
    from penalty_rules.importer.grammar import parse_conditions
    from penalty_rules.lint.flags import reads_as_exclusion

    assert "conditions.exclusion" in parse_conditions(wording).flags  # what the importer says of it
    assert reads_as_exclusion(wording)


@pytest.mark.parametrize("wording", ["未造成较大社会影响", "非散装熟食销售(原文:散装熟食销售除外)", "位于名录所列环境敏感区以外",
                                     "未在规定期限内改正"])
def test_rewritten_or_plain_conditions_do_not_read_as_exclusions(wording):
    from penalty_rules.lint.flags import reads_as_exclusion

    assert not reads_as_exclusion(wording)
