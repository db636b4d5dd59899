"""Security review of the review / publish workflow (issue 11): approvals tied to a request, open
objections, four eyes from the filesystem (baseline), crash- and race-safe publishing, the impact
replay's bounds, the cached review status, personal data in comments. SQLite and PostgreSQL
through the fixtures of test_review_publish (every list folder is a temporary copy)."""

import asyncio
import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
import yaml

from penalty_rules.load.loader import load_corpus
from penalty_rules.load.lockfile import LOCK_NAME, load_lock_sections, write_lock
from penalty_rules.publish import files
from penalty_rules.publish.files import PublishError, edit_text
from service import reviews as rv
from service.auth import Principal

from test_review_publish import (ADDED, BUNDLED, CHANGED, KEPT, NO_DB, R1, R2, _run_cli, add_draft, approve_all,
                                 audit_db, make_lists, publish_draft, register_keys, serve_refused, store)  # noqa: F401 (fixtures)

R3 = Principal("reviewer-zhou", "reviewer")
ADMIN = Principal("admin-chen", "admin")
DRAFT_FILE = Path("national") / "cn-tax-first-offense" / "2030-t.yaml"


# ------------------------------------------------------------- 1. approval tied to a request
def test_approval_names_the_newest_request_and_past_dates_need_allow_past(tmp_path, store):
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-t")
    approve_all(store, root, key)
    first = rv.publish(store, root, key, R1, "request", date(2030, 1, 1)).record
    with pytest.raises(PublishError) as exc:  # backdating is refused without allow_past
        rv.publish(store, root, key, R1, "request", date(2020, 1, 1))
    assert exc.value.code == "effective_from_in_past" and exc.value.status == 422
    assert exc.value.field == "effective_from" and "allow_past" in exc.value.message
    backdated = rv.publish(store, root, key, R1, "request", date(2020, 1, 1), allow_past=True).record
    assert backdated["allow_past"] is True and backdated["effective_from"] == "2020-01-01"
    # the requester swaps the dates again: the approver's request (the first) is void
    swapped = rv.publish(store, root, key, R1, "request", date(2030, 6, 1)).record
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, R2, "approve", request_id=first["id"])
    assert exc.value.code == "request_superseded" and swapped["id"] in exc.value.message
    assert "2030-06-01" in exc.value.message
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, R2, "approve", request_id=backdated["id"])
    assert exc.value.code == "request_superseded"
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, R2, "approve", request_id="00000000-0000-0000-0000-000000000000")
    assert exc.value.code == "unknown_request" and exc.value.status == 404
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, R2, "approve")
    assert exc.value.code == "request_id_required" and swapped["id"] in exc.value.message
    # GET /v1/reviews (reviews_out) shows the open request with its id and dates
    st, rows, pubs = rv.status(store, root, key)
    out = rv.reviews_out(st, rows, pubs)
    assert out["open_request"]["id"] == swapped["id"] and out["open_request"]["effective_from"] == "2030-06-01"
    assert [p["allow_past"] for p in out["publications"]] == [False, True, False]
    # the date passed while the request waited: the approver must say allow_past too (recorded)
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, R2, "approve", request_id=swapped["id"], today=date(2030, 7, 1))
    assert exc.value.code == "effective_from_in_past" and "批准人" in exc.value.message
    done = rv.publish(store, root, key, R2, "approve", request_id=swapped["id"], allow_past=True,
                      today=date(2030, 7, 1))
    assert done.record["request_id"] == swapped["id"] and done.record["allow_past"] is True
    assert [(r["request_id"], r["allow_past"]) for r in store.publications() if r["action"] == "approve"] == [(swapped["id"], True)]
    assert load_corpus(root).corpus.document(key).effective_from == date(2030, 6, 1)


# ------------------------------------------------------------- 2. open objections block
def test_needs_change_blocks_until_the_same_reviewer_or_an_admin_approves(tmp_path, store):
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-t")
    approve_all(store, root, key)
    rv.review(store, root, key, CHANGED, "needs_change", "处理结果应为不予处罚, 请核对原文", R2)
    rv.review(store, root, key, KEPT, "needs_change", "引用条款有误", R2)
    rv.review(store, root, key, CHANGED, "approved", None, R1)  # R1 cannot override R2's objection
    rv.review(store, root, key, KEPT, "approved", None, R1)
    st, _, _ = rv.status(store, root, key)
    states = {i.item_id: i for i in st.items}
    assert states[CHANGED].state == "needs_change" and states[CHANGED].reviewer == "reviewer-wang"
    assert [o["reviewer"] for o in states[CHANGED].objections] == ["reviewer-wang"]
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, R1, "request", date(2030, 1, 1))
    msg = exc.value.message
    assert exc.value.code == "items_not_approved" and "未解决的需修改意见" in msg
    assert f"条目 {CHANGED}: 审核人员 reviewer-wang" in msg and f"条目 {KEPT}: 审核人员 reviewer-wang" in msg
    assert {p.code for p in exc.value.problems} == {"open_objection"}
    rv.review(store, root, key, KEPT, "approved", "已改正", R2)  # the objector approves
    rv.review(store, root, key, CHANGED, "approved", "管理员裁定", ADMIN)  # or an admin
    st, _, _ = rv.status(store, root, key)
    assert st.all_approved and not st.objections()
    req = rv.publish(store, root, key, R1, "request", date(2030, 1, 1)).record
    # an objection arriving after the request blocks the approval, named in the refusal
    rv.review(store, root, key, ADDED, "needs_change", "测试条目不应发布", R3)
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, R2, "approve", request_id=req["id"])
    assert exc.value.code == "items_not_approved" and f"条目 {ADDED}: 审核人员 reviewer-zhou" in exc.value.message
    # editing the item: the objection no longer applies, the item needs a new review
    path = root / DRAFT_FILE
    path.write_text(path.read_text("utf-8").replace("测试条目: 仅用于审核流程测试的违法行为", "测试条目: 已按意见改写"),
                    "utf-8")
    st, _, _ = rv.status(store, root, key)
    assert {i.item_id: i.state for i in st.items}[ADDED] == "stale"
    rv.review(store, root, key, ADDED, "approved", None, R1)
    assert rv.status(store, root, key)[0].all_approved


# ------------------------------------------------------------- 3. four eyes from the filesystem
def _in_force_by_hand(root: Path, key: str) -> None:
    path = root / DRAFT_FILE
    path.write_text(edit_text(path.read_text("utf-8"), {"status": "in_force", "effective_from": "2030-01-01"}),
                    "utf-8")
    assert load_corpus(root).corpus.document(key).status.value == "in_force"


def test_unreviewed_in_force_version_is_not_locked_nor_served(tmp_path, audit_db):
    store, db_url, db_env = audit_db
    root = make_lists(tmp_path)
    legacy = (root / LOCK_NAME).read_text("utf-8")
    baseline = set(load_lock_sections(root).versions)
    assert load_lock_sections(root).baseline == baseline and "baseline" not in legacy  # older lock: all baseline
    key = add_draft(root, "2030-t")
    _in_force_by_hand(root, key)  # never reviewed
    code, out = _run_cli(NO_DB, "lists", "lock", "--lists", str(root), "--db", db_url)
    assert code == 1 and "unreviewed_version" in out and key in out and "四眼" in out, out
    assert (root / LOCK_NAME).read_text("utf-8") == legacy
    code, out = _run_cli(NO_DB, "lists", "lock", "--lists", str(root), "--accept-changes", "--db", db_url)
    assert code == 1 and "unreviewed_version" in out
    # without a database lists lock cannot check: it says so and writes the baseline explicitly
    code, out = _run_cli({**NO_DB, "PENALTY_RULES_VAR": str(tmp_path / "no-var")}, "lists", "lock",
                         "--lists", str(root))
    assert code == 0 and "未能核对" in out and key in out, out
    written = yaml.safe_load((root / LOCK_NAME).read_text("utf-8"))
    assert key in written["versions"] and set(written["baseline"]) == baseline and key not in written["baseline"]
    # ... and every check with the database refuses it: validate, lock again, the service's start
    code, out = _run_cli(NO_DB, "lists", "validate", "--lists", str(root), "--db", db_url)
    assert code == 1 and "unreviewed_version" in out, out
    err = serve_refused(root, tmp_path / "var", db_env)
    assert "unreviewed_version" in err and key in err, err
    # a re-lock without database does not extend the baseline
    _run_cli({**NO_DB, "PENALTY_RULES_VAR": str(tmp_path / "no-var")}, "lists", "lock", "--lists", str(root))
    assert key not in load_lock_sections(root).baseline


def test_published_mark_without_record_and_bundled_baseline(tmp_path, audit_db):
    store, db_url, db_env = audit_db
    root = make_lists(tmp_path)
    key = publish_draft(store, root)
    sections = load_lock_sections(root)
    assert key in sections.published and key not in sections.baseline and sections.baseline
    code, out = _run_cli(NO_DB, "lists", "validate", "--lists", str(root), "--db", db_url)
    assert code == 0, out
    # another (empty) database: the lock's published mark has no approval behind it
    other = f"sqlite:///{tmp_path / 'other.db'}"
    from service.audit import make_engine, migrate

    engine = make_engine(other)
    migrate(engine)
    engine.dispose()
    code, out = _run_cli(NO_DB, "lists", "validate", "--lists", str(root), "--db", other)
    assert code == 1 and "published_without_record" in out and "unreviewed_version" in out, out
    err = serve_refused(root, tmp_path / "var2", {"DATABASE_URL": other})
    assert "published_without_record" in err and key in err, err
    # the bundled lists: a lock without sections is all baseline — 0 errors with a database too
    code, out = _run_cli(NO_DB, "lists", "validate", "--lists", str(BUNDLED), "--db", other)
    assert code == 0 and "错误 0 个" in out, out


def test_bundled_lock_is_rewritten_byte_identical(tmp_path):
    import shutil

    copy = tmp_path / "lists"
    shutil.copytree(BUNDLED, copy)
    before = (copy / LOCK_NAME).read_bytes()
    write_lock(copy, load_corpus(copy).corpus.hashes)
    assert (copy / LOCK_NAME).read_bytes() == before == (BUNDLED / LOCK_NAME).read_bytes()


# ------------------------------------------------------------- 4. crash and race
def test_publishing_writes_atomically_and_ignores_planted_temp_names(tmp_path, store):
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-t")
    approve_all(store, root, key)
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched", "utf-8")
    folder = (root / DRAFT_FILE).parent
    for name in (".2030-t.yaml.publish-tmp", ".versions.lock.publish-tmp"):  # the old fixed names
        (folder / name).symlink_to(victim)
        (root / name).symlink_to(victim)
    req = rv.publish(store, root, key, R1, "request", date(2030, 1, 1)).record
    rv.publish(store, root, key, R2, "approve", request_id=req["id"])
    assert victim.read_text("utf-8") == "untouched"
    leftovers = [p.name for p in list(folder.iterdir()) + list(root.iterdir()) if p.name.endswith(".tmp")]
    assert leftovers == []
    assert oct((root / LOCK_NAME).stat().st_mode & 0o777) == "0o644"
    assert (root / files.PUBLISH_LOCK).exists()


def test_lock_write_failure_leaves_the_old_lock(tmp_path, monkeypatch):
    root = make_lists(tmp_path)
    before = (root / LOCK_NAME).read_text("utf-8")
    hashes = dict(load_lock_sections(root).versions)

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_lock(root, {**hashes, "x@1": "sha256:" + "1" * 64})
    monkeypatch.undo()
    assert (root / LOCK_NAME).read_text("utf-8") == before
    assert not [p for p in root.iterdir() if p.name.endswith(".tmp")]


HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_publish_lock_is_held_across_processes(tmp_path, store, monkeypatch):
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-t")
    approve_all(store, root, key)
    monkeypatch.setattr(files, "PUBLISH_LOCK_TIMEOUT", 0.3)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(root / files.PUBLISH_LOCK), "30"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(PublishError) as exc:
            rv.publish(store, root, key, R1, "request", date(2030, 1, 1))
        assert exc.value.code == "publish_busy"
        assert store.publications(key) == []
    finally:
        holder.kill()
        holder.wait()
    rv.publish(store, root, key, R1, "request", date(2030, 1, 1))  # free again
    # in process: two threads publishing at once are serialized (one request recorded, the other the same)
    results = []

    def ask():
        results.append(rv.publish(store, root, key, R1, "request", date(2030, 2, 1)).record["id"])

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(store.publications(key)) == 2


# ------------------------------------------------------------- 5. impact bounded, shared, cached
def test_impact_single_flight_and_cache(monkeypatch):
    from service import review_routes

    runner = review_routes.ImpactRunner()
    state = {"newest": ("d1", 1)}
    monkeypatch.setattr(rv, "newest_decision", lambda engine: state["newest"])

    def slow(ctx, a, b, limit):
        runner.computed += 1
        time.sleep(0.3)
        return {"a": a, "b": b, "limit": limit, "run": runner.computed}

    monkeypatch.setattr(runner, "_compute", slow)

    class Ctx:
        class repo:
            engine = None

    from types import SimpleNamespace

    import anyio

    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(impact=runner, ctx=Ctx)))

    async def scenario():
        together = await asyncio.gather(*(runner.get(Ctx, "x@1", "x@2", 100) for _ in range(5)))
        again = await runner.get(Ctx, "x@1", "x@2", 100)
        # a synchronous caller in the thread pool (the workbench's diff page) shares the same cache
        sync = await anyio.to_thread.run_sync(review_routes.impact_of, request, "x@1", "x@2", 100)
        state["newest"] = ("d2", 2)  # a new decision: computed again
        fresh = await runner.get(Ctx, "x@1", "x@2", 100)
        return together, again, sync, fresh

    try:
        together, again, sync, fresh = asyncio.run(scenario())
    finally:
        runner.close()
    assert [r["run"] for r in together] == [1] * 5 and again["run"] == 1 and sync["run"] == 1
    assert fresh["run"] == 2 and runner.computed == 2


def test_impact_limit_is_capped(inprocess_app, tmp_path):
    root = make_lists(tmp_path)
    add_draft(root, "2030-t")
    client = inprocess_app(PENALTY_RULES_LISTS=str(root), PENALTY_RULES_STATUTES="")
    import json

    dev_keys = json.loads((tmp_path / "dev-keys.json").read_text())["keys"]
    keys = {k["name"].removeprefix("dev-"): k["key"] for k in dev_keys}
    params = {"from": "cn-tax-first-offense@2021-33", "to": "cn-tax-first-offense@2030-t", "impact": "true"}
    r = client.get("/v1/lists/diff", params={**params, "limit": "10001"}, headers={"X-API-Key": keys["reviewer"]})
    assert r.status_code == 422, r.text
    r = client.get("/v1/lists/diff", params={**params, "limit": "10000"}, headers={"X-API-Key": keys["reviewer"]})
    assert r.status_code == 200 and r.json()["impact"]["decisions"] == 0, r.text
    assert client.app.state.impact.computed == 1
    r = client.get("/v1/lists/diff", params={**params, "limit": "10000"}, headers={"X-API-Key": keys["reviewer"]})
    assert r.status_code == 200 and client.app.state.impact.computed == 1  # cached: no new decision


# ------------------------------------------------------------- 6. the review status is cached
def test_review_status_reads_the_lists_once_while_unchanged(tmp_path, store, monkeypatch):
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-t")
    calls = []
    real = files.load_corpus

    def counting(path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(files, "load_corpus", counting)
    rv.status(store, root, key)
    rv.review(store, root, key, KEPT, "approved", None, R1)
    rv.status(store, root, key)
    assert len(calls) == 1
    path = root / DRAFT_FILE
    path.write_text(path.read_text("utf-8").replace("测试草案(仅存在于测试的临时目录)", "测试草案(改)"), "utf-8")
    rv.status(store, root, key)
    assert len(calls) == 2
    (root / "national" / "extra.yaml").write_text("id: [broken\n", "utf-8")  # a new file: read again
    rv.status(store, root, key)
    assert len(calls) == 3


# ------------------------------------------------------------- 7. personal data in comments
@pytest.mark.parametrize("comment", ["当事人电话13812345678", "身份证号 110101199003071233", "当事人:张三,已核对"])
def test_comments_with_personal_data_are_refused(tmp_path, store, comment):
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-t")
    with pytest.raises(PublishError) as exc:
        rv.review(store, root, key, KEPT, "needs_change", comment, R1)
    assert (exc.value.code, exc.value.field, exc.value.status) == ("comment_personal_data", "comment", 422)
    approve_all(store, root, key)
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, R1, "request", date(2030, 1, 1), comment=comment)
    assert exc.value.code == "comment_personal_data"
    assert store.publications(key) == [] and all(r["comment"] is None for r in store.reviews(key))
    rv.review(store, root, key, KEPT, "approved", "已核对原文第3项", R1)  # ordinary text is fine


def test_cli_refuses_personal_data_in_comments(tmp_path):
    import json

    root = make_lists(tmp_path)
    key = add_draft(root, "2030-t")
    keys_file = tmp_path / "keys.json"
    keys_file.write_text(json.dumps({"keys": [{"name": "reviewer-li", "role": "reviewer",
                                               "key": "pr_rev_li_" + "a" * 24}]}), "utf-8")
    env = {"PENALTY_RULES_VAR": str(tmp_path / "var"), "PENALTY_RULES_STATUTES": "", "DATABASE_URL": None,
           "PENALTY_RULES_MIGRATE_URL": None, "PENALTY_RULES_KEYS_FILE": str(keys_file),
           "PENALTY_RULES_API_KEY": "pr_rev_li_" + "a" * 24}
    register_keys(tmp_path / "var" / "audit.db", keys_file)  # the service has loaded this keys file
    code, out = _run_cli(env, "lists", "review", key, "--item", KEPT, "--verdict", "needs_change", "--comment",
                         "联系电话 13812345678", "--as", "reviewer-li", "--lists", str(root))
    assert code == 1 and "comment_personal_data" in out, out


def test_a_version_cannot_take_effect_outside_the_dates_a_case_can_have(tmp_path, store):
    """An API fuzzer published a draft effective 9999-12-31 (and a second key approved it): a version no case date
    (CaseFacts: 1990-01-01..2100-12-31) can reach. Refused with the field named, on request and on approval."""
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-t")
    approve_all(store, root, key)
    for since, until, field in ((date(9999, 12, 31), None, "effective_from"), (date(2030, 1, 1), date(2101, 1, 1), "effective_to")):
        with pytest.raises(PublishError) as exc:
            rv.publish(store, root, key, R1, "request", since, until)
        assert exc.value.code == "date_out_of_range" and exc.value.status == 422 and exc.value.field == field
    assert rv.publish(store, root, key, R1, "request", date(2030, 1, 1)).record["effective_from"] == "2030-01-01"
