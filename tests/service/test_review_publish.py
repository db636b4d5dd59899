"""Review and publish (issue 11): review records in the audit database (append-only), four-eyes
publication writing the YAML and versions.lock, published versions frozen at load, the reviewer's
diff with per-domain figures and the replay impact on past decisions — a publish → diff → impact
round trip through the service and through the CLI, on SQLite and on PostgreSQL.

Every list folder here is a temporary copy: the draft is the bundled binding tax list 2021-33
copied as a new version with one item changed, one removed and one added (test content, in the
temporary folder only)."""

import copy
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from typer.testing import CliRunner

from penalty_rules.cli.app import app as cli_app
from penalty_rules.errors import CorpusInvalid
from penalty_rules.load.hashing import content_hash
from penalty_rules.load.loader import load_corpus, load_corpus_strict
from penalty_rules.load.lockfile import LOCK_NAME, load_lock, load_lock_full, write_lock
from penalty_rules.publish.files import PublishError, edit_text
from penalty_rules.publish.status import HEADER_ITEM
from service import reviews as rv
from service.audit import make_engine, migrate
from service.auth import Principal

from tests.service.live_servers import ROOT, Server, free_port, pg_schema_or_skip, server_env

BUNDLED = Path(__file__).resolve().parents[2] / "lists"
TAX_DIR = BUNDLED / "national" / "cn-tax-first-offense"
A = "cn-tax-first-offense@2021-33"
CHANGED, REMOVED, KEPT = "cn-tax-2021-6/02", "cn-tax-2021-6/03", "cn-tax-2021-6/04"
ADDED = "cn-tax-test/t01"
R1, R2 = Principal("reviewer-li", "reviewer"), Principal("reviewer-wang", "reviewer")


def make_lists(tmp: Path) -> Path:
    """domains.yaml, the statutory rules and the two tax versions, locked as bundled."""
    root = tmp / "lists"
    root.mkdir(parents=True)
    shutil.copy(BUNDLED / "domains.yaml", root / "domains.yaml")
    shutil.copytree(BUNDLED / "statutory", root / "statutory")
    shutil.copytree(TAX_DIR, root / "national" / "cn-tax-first-offense")
    write_lock(root, load_corpus(root).corpus.hashes)
    return root


def add_draft(root: Path, version: str) -> str:
    """A draft copy of 2021-33: item 02 lighter, item 03 removed, one test item added."""
    doc = yaml.safe_load((TAX_DIR / "2021-33.yaml").read_text("utf-8"))
    doc.update(version=version, status="draft", effective_from=None, effective_to=None, supersedes="2021-33",
               doc_no=None, notes="测试草案(仅存在于测试的临时目录)")
    items = []
    for item in doc["items"]:
        if item["id"] == REMOVED:
            continue
        if item["id"] == CHANGED:
            item = dict(item, outcome="lighter_penalty")
        items.append(item)
    items.append(dict(copy.deepcopy(doc["items"][0]), id=ADDED, violation="测试条目: 仅用于审核流程测试的违法行为"))
    doc["items"] = items
    path = root / "national" / "cn-tax-first-offense" / f"{version}.yaml"
    path.write_text("# yaml-language-server: $schema=../../../schema/list.schema.json\n"
                    + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return f"cn-tax-first-offense@{version}"


CASES = [  # act and decision in 2023: version 2021-33 in force
    {"item_id": CHANGED, "act_date": "2023-03-20", "decision_date": "2023-04-10", "first_offense": True,
     "harm": "minor", "corrected": "within_deadline"},
    {"item_id": REMOVED, "act_date": "2023-03-20", "decision_date": "2023-04-10", "first_offense": True,
     "harm": "minor", "corrected": "within_deadline"},
    {"item_id": KEPT, "act_date": "2023-05-02", "decision_date": "2023-06-01", "first_offense": True,
     "harm": "minor", "corrected": "within_deadline"},
]


def draft_items(root: Path, key: str) -> list[str]:
    """Everything a reviewer approves before publishing: the list header pseudo-item, then every item."""
    return [HEADER_ITEM] + [i.id for i in load_corpus(root).corpus.document(key).items]


def register_keys(db: Path, keys_file: Path) -> None:
    """What the service does at start-up with its keys file (service.app: AuditRepository.sync_keys):
    the CLI accepts only keys the service has loaded (registered in api_keys)."""
    from service.audit import register_keys as register
    from service.auth import load_keys_file

    db.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{db}")
    try:
        migrate(engine)
        register(engine, load_keys_file(keys_file), "file")
    finally:
        engine.dispose()


def check_published(root: Path, key: str, start: str) -> None:
    corpus = load_corpus_strict(root)  # the published folder loads strictly (lock complete)
    doc = corpus.document(key)
    assert doc.status.value == "in_force" and doc.effective_from.isoformat() == start
    assert load_lock(root)[0][key] == content_hash(doc) == corpus.hashes[key]


def check_diff(body: dict) -> None:
    assert body["figures"]["added"] == 1 and body["figures"]["removed"] == 1 and body["figures"]["changed"] == 1
    assert body["figures"]["text_zh"] == "条目 +1 / −1(修改 1 条), 条目数 12 → 12, 领域 1 → 1"
    [tax] = body["by_domain"]
    assert tax["domain"] == "tax" and tax["zh"] == "税务" and tax["fields"] == {"outcome": 1}
    assert [c["fields"] for c in body["changed"]] == [["outcome"]]


def check_impact(impact: dict) -> None:
    assert impact["decisions"] == 3 and impact["changed"] == 2 and impact["unchanged"] == 1
    assert impact["outcome_changed"] == 1 and impact["item_removed"] == 1 and impact["skipped"] == 0
    by_reason = {e["reason"]: e for e in impact["examples"]}
    assert by_reason["outcome"]["before_outcome"] == "no_penalty"
    assert by_reason["outcome"]["after_outcome"] != "no_penalty"
    assert by_reason["item_removed"]["before_item"] == REMOVED
    assert "2 件结果不同" in impact["summary_zh"]
    # items 02 and 03 of 2021-33 (the only version in force in 2023) ask 首违, 危害后果轻微 and correction, which
    # those cases give: that version decided both (decided_by in the record), and both change; item 04 also asks
    # 无违法所得 (no_illegal_gains), which its case does not give: undetermined, no version decided it
    assert (impact["decided_by_a"], impact["changed_decided_by_a"], impact["decided_by_unknown"]) == (2, 2, 0)
    assert "原由 cn-tax-first-offense@2021-33 作出结论的 2 件, 其中结果不同 2 件" in impact["summary_zh"]


# ------------------------------------------------------------------------ in process (SQLite)
@pytest.fixture
def store(tmp_path) -> rv.ReviewStore:
    engine = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    migrate(engine)
    yield rv.ReviewStore(engine)
    engine.dispose()


def approve_all(store, root, key, who=R1):
    for item in draft_items(root, key):
        rv.review(store, root, key, item, "approved", None, who)


def test_status_is_derived_from_records_and_stale_after_edit(tmp_path, store):
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-t")
    st, _, _ = rv.status(store, root, key)
    assert st.counts["unreviewed"] == 13 and not st.all_approved  # 12 items and the header pseudo-item
    rv.review(store, root, key, CHANGED, "needs_change", "结果应核对原文", R1)
    with pytest.raises(PublishError) as exc:
        rv.review(store, root, key, KEPT, "needs_change", None, R1)
    assert exc.value.code == "comment_required" and exc.value.field == "comment"
    approve_all(store, root, key)
    st, rows, _ = rv.status(store, root, key)
    assert st.all_approved and len(rows) == 14  # the needs_change stays recorded; the latest verdict counts
    # editing an approved item after its review makes that review stale
    path = root / "national" / "cn-tax-first-offense" / "2030-t.yaml"
    path.write_text(path.read_text("utf-8").replace("测试条目: 仅用于审核流程测试的违法行为", "测试条目: 已改写"), "utf-8")
    st, _, _ = rv.status(store, root, key)
    assert [(i.item_id, i.state) for i in st.blocking()] == [(ADDED, "stale")]
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, R1, "request", rv.date(2030, 1, 1))
    assert exc.value.code == "items_not_approved" and ADDED in exc.value.message


def test_officer_cannot_review(tmp_path, store):
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-t")
    with pytest.raises(PublishError) as exc:
        rv.review(store, root, key, KEPT, "approved", None, Principal("officer-zhao", "officer"))
    assert exc.value.status == 403


def test_four_eyes_and_published_version_is_frozen(tmp_path, store):
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-t")
    approve_all(store, root, key)
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, R1, "approve")
    assert exc.value.code == "no_publication_request"
    req = rv.publish(store, root, key, R1, "request", rv.date(2030, 1, 1))
    assert req.action == "request" and "另一位审核人员" in req.message_zh()
    with pytest.raises(PublishError) as exc:  # the requester cannot approve their own request
        rv.publish(store, root, key, R1, "approve", request_id=req.record["id"])
    assert exc.value.code == "four_eyes" and exc.value.status == 403
    assert load_corpus(root).corpus.document(key).status.value == "draft"
    with pytest.raises(PublishError) as exc:  # approving needs the request named
        rv.publish(store, root, key, R2, "auto")
    assert exc.value.code == "request_id_required" and req.record["id"] in exc.value.message
    done = rv.publish(store, root, key, R2, "auto", request_id=req.record["id"])  # auto + request id → approve
    assert done.action == "approve" and done.record["request_id"] == req.record["id"]
    check_published(root, key, "2030-01-01")
    text = (root / "national" / "cn-tax-first-offense" / "2030-t.yaml").read_text("utf-8")
    assert text.startswith("# yaml-language-server")  # a line edit: the comment header stays
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, R1, "request", rv.date(2031, 1, 1))
    assert exc.value.code == "not_a_draft"
    with pytest.raises(PublishError):
        rv.review(store, root, key, KEPT, "approved", None, R1)

    # deleting the published version's lock entry: an error at load, not a warning
    lock_path = root / LOCK_NAME
    locked = lock_path.read_text("utf-8")
    lock_path.write_text("".join(l for l in locked.splitlines(True) if not l.strip().startswith(key + ":")), "utf-8")
    with pytest.raises(CorpusInvalid) as err:
        load_corpus_strict(root)
    assert [(p.code, p.severity) for p in err.value.problems if key in p.message] == [("unlocked_version", "error")]
    lock_path.write_text(locked, "utf-8")
    load_corpus_strict(root)
    # editing the published file: an error at load
    path = root / "national" / "cn-tax-first-offense" / "2030-t.yaml"
    path.write_text(path.read_text("utf-8").replace("测试条目: 仅用于审核流程测试的违法行为", "测试条目: 发布后改写"), "utf-8")
    with pytest.raises(CorpusInvalid) as err:
        load_corpus_strict(root)
    assert [(p.code, p.severity) for p in err.value.problems if key in p.message] == [
        ("locked_version_changed", "error")]
    runner = CliRunner()
    result = runner.invoke(cli_app, ["lists", "validate", "--lists", str(root)], env={"PENALTY_RULES_STATUTES": ""})
    assert result.exit_code == 1 and "locked_version_changed" in result.output


def test_request_counts_only_for_the_content_it_was_made_on(tmp_path, store):
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-t")
    approve_all(store, root, key)
    req = rv.publish(store, root, key, R1, "request", rv.date(2030, 1, 1))
    path = root / "national" / "cn-tax-first-offense" / "2030-t.yaml"
    path.write_text(path.read_text("utf-8").replace("测试草案(仅存在于测试的临时目录)", "测试草案(已修改)"), "utf-8")
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, R2, "approve")
    assert exc.value.code == "no_publication_request"
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, R2, "approve", request_id=req.record["id"])
    assert exc.value.code == "request_stale"


def test_edit_text_keeps_layout():
    text = "# c\nid: x\nstatus: draft\neffective_from: null\nitems:\n- id: a\n  status: draft\n"
    out = edit_text(text, {"status": "in_force", "effective_from": "2030-01-01", "effective_to": "null"})
    assert out == ("# c\nid: x\nstatus: in_force\neffective_from: 2030-01-01\neffective_to: null\nitems:\n"
                   "- id: a\n  status: draft\n")


def test_sqlite_review_tables_are_append_only(tmp_path, store):
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-t")
    row = rv.review(store, root, key, KEPT, "approved", None, R1)
    db = sqlite3.connect(tmp_path / "audit.db")
    for stmt in ("UPDATE reviews SET verdict = 'needs_change'", "DELETE FROM reviews",
                 f"INSERT OR REPLACE INTO reviews SELECT * FROM reviews WHERE id = '{row['id']}'",
                 "UPDATE publications SET actor = 'x'", "DELETE FROM publications"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            if "publications" in stmt:
                db.execute("INSERT INTO publications (id, created_at, list_key, content_hash, action, actor, role, "
                           "effective_from) VALUES ('p1', 'now', 'k', 'h', 'request', 'a', 'reviewer', '2030-01-01')")
            db.execute(stmt)
        db.rollback()
    db.close()
    assert [r["verdict"] for r in store.reviews(key)] == ["approved"]


# --------------------------------------------------------------- round trip: service and CLI
def _run_cli(env: dict, *args) -> tuple[int, str]:
    result = CliRunner().invoke(cli_app, list(args), env=env)
    return result.exit_code, result.output


def _round_trip(tmp_path, backend: str):
    root = make_lists(tmp_path)
    key_service = add_draft(root, "2030-svc")
    key_cli = add_draft(root, "2031-cli")
    var = tmp_path / "var"
    if backend == "postgresql":
        pg = pg_schema_or_skip()
        db_env, cli_db = pg.server_env(), pg.url
    else:
        pg = None
        db_env, cli_db = {}, f"sqlite:///{var / 'audit.db'}"
    env = server_env(var, PENALTY_RULES_LISTS=str(root), PENALTY_RULES_DURABLE="0", PENALTY_RULES_STATUTES="",
                     **db_env)
    srv = Server(var, env).start()
    try:
        with srv.client("officer") as officer:
            ids = []
            for case in CASES:
                r = officer.post("/v1/evaluate", json=case)
                assert r.status_code == 200, r.text
                ids.append(r.json()["decision_id"])
        # -- service: review every item, four-eyes publication
        with srv.client("reviewer") as rev, srv.client("admin") as adm, srv.client("officer") as off:
            r = off.post("/v1/reviews", json={"list": key_service, "item": KEPT, "verdict": "approved"})
            assert r.status_code == 403
            r = rev.post("/v1/reviews", json={"list": key_service, "item": CHANGED, "verdict": "needs_change"})
            assert r.status_code == 422 and r.json()["error"]["code"] == "comment_required"
            assert r.json()["error"]["details"][0]["field"] == "comment"
            r = rev.post("/v1/reviews", json={"list": key_service, "item": CHANGED, "verdict": "needs_change",
                                              "comment": "当事人电话13812345678, 请核对"})
            assert r.status_code == 422 and r.json()["error"]["code"] == "comment_personal_data", r.text
            assert r.json()["error"]["details"][0]["field"] == "comment"
            r = rev.post("/v1/reviews", json={"list": key_service, "item": "cn-tax-2021-6/99", "verdict": "approved"})
            assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_item"
            for item in draft_items(root, key_service):
                r = rev.post("/v1/reviews", json={"list": key_service, "item": item, "verdict": "approved",
                                                  "comment": "已逐字核对"})
                assert r.status_code == 201, r.text
            body = rev.get("/v1/reviews", params={"list": key_service}).json()
            assert body["all_approved"] and body["counts"]["approved"] == 13  # 12 items and the header
            assert {i["reviewer"] for i in body["items"]} == {"dev-reviewer"}
            path = f"/v1/lists/{key_service.replace('@', '/versions/')}/publish"
            r = rev.post(path, json={"action": "request", "effective_from": "2030-01-01"})
            assert r.status_code == 200 and r.json()["action"] == "request", r.text
            req = r.json()["request"]
            assert req["id"] == r.json()["request_id"] and req["effective_from"] == "2030-01-01"
            # what the draft changes against the version it supersedes, for both reviewers (audit review)
            changes = r.json()["changes"]
            assert changes["from"] == "cn-tax-first-offense@2021-33"
            assert changes["added"] == [ADDED] and changes["removed"] == [REMOVED]
            assert CHANGED in changes["review"] and "条目 +1 / −1" in changes["figures_zh"]
            assert req["effective_to"] is None and req["allow_past"] is False
            shown = rev.get("/v1/reviews", params={"list": key_service}).json()["open_request"]
            assert shown["id"] == req["id"] and shown["effective_from"] == "2030-01-01"
            r = rev.post(path, json={"action": "approve", "request_id": req["id"]})
            assert r.status_code == 403 and r.json()["error"]["code"] == "four_eyes"
            r = adm.post(path, json={"action": "approve"})
            assert r.status_code == 422 and r.json()["error"]["code"] == "request_id_required", r.text
            r = adm.post(path, json={"action": "approve", "request_id": req["id"]})
            assert r.status_code == 200 and r.json()["restart_required"], r.text
            assert r.json()["changes"] == changes  # the approver sees the same
            assert r.json()["request_id"] == req["id"]
        check_published(root, key_service, "2030-01-01")

        # -- CLI: the same on the second draft, writing the same database
        keys = {k["name"]: k["key"] for k in json.loads((var / "dev-keys.json").read_text())["keys"]}
        cli_env = {"PENALTY_RULES_VAR": str(var), "PENALTY_RULES_STATUTES": "", "DATABASE_URL": cli_db,
                   "PENALTY_RULES_MIGRATE_URL": None, "PENALTY_RULES_KEYS_FILE": None}
        as_reviewer = {**cli_env, "PENALTY_RULES_API_KEY": keys["dev-reviewer"]}
        as_admin = {**cli_env, "PENALTY_RULES_API_KEY": keys["dev-admin"]}
        code, out = _run_cli(as_reviewer, "lists", "review", key_cli, "--item", KEPT, "--verdict", "approved",
                             "--as", "dev-admin", "--lists", str(root))
        assert code == 2 and "dev-reviewer" in out  # the key proves the name
        for item in draft_items(root, key_cli):
            code, out = _run_cli(as_reviewer, "lists", "review", key_cli, "--item", item, "--verdict", "approved",
                                 "--comment", "已核对", "--as", "dev-reviewer", "--lists", str(root))
            assert code == 0, out
        code, out = _run_cli(as_reviewer, "lists", "publish", key_cli, "--effective-from", "2031-01-01",
                             "--as", "dev-reviewer", "--lists", str(root))
        assert code == 0 and "须由另一位审核人员批准" in out, out
        code, out = _run_cli(as_reviewer, "lists", "publish", key_cli, "--as", "dev-reviewer", "--lists", str(root))
        assert code == 0 and "已登记发布申请" in out  # asked again by the same key: still only a request
        code, out = _run_cli(as_admin, "lists", "publish", key_cli, "--as", "dev-admin", "--lists", str(root))
        assert code == 1 and "request_id_required" in out, out  # the approver names the request
        code, out = _run_cli(cli_env, "lists", "reviews", key_cli, "--json", "--lists", str(root))
        pending = json.loads(out)["open_request"]
        assert pending["effective_from"] == "2031-01-01" and pending["actor"] == "dev-reviewer"
        code, out = _run_cli(as_admin, "lists", "publish", key_cli, "--request", pending["id"], "--as", "dev-admin",
                             "--lists", str(root))
        assert code == 0 and "已批准并发布" in out, out
        check_published(root, key_cli, "2031-01-01")
        code, out = _run_cli(cli_env, "lists", "reviews", key_cli, "--json", "--lists", str(root))
        assert code == 0, out
        pubs = json.loads(out)["publications"]
        assert [(p["action"], p["actor"]) for p in pubs] == [("request", "dev-reviewer"), ("approve", "dev-admin")]

        # -- diff and impact: CLI
        code, out = _run_cli(cli_env, "lists", "diff", A, key_cli, "--impact", "--db", cli_db, "--json",
                             "--lists", str(root))
        assert code == 0, out
        cli_body = json.loads(out)
        check_diff(cli_body)
        check_impact(cli_body["impact"])
        code, out = _run_cli(cli_env, "lists", "diff", A, key_cli, "--impact", "--db", cli_db, "--lists", str(root))
        assert code == 0 and "条目 +1 / −1(修改 1 条), 条目数 12 → 12, 领域 1 → 1" in out and "2 件结果不同" in out

        # -- the service picks the published versions up after a restart, then diff and impact
        srv.stop()
        srv.start()
        with srv.client("reviewer") as rev:
            lists = rev.get(f"/v1/lists/{key_service.replace('@', '/versions/')}").json()
            assert lists["document"]["status"] == "in_force"
            r = rev.get("/v1/lists/diff", params={"from": A, "to": key_service, "impact": "true"})
            assert r.status_code == 200, r.text
            svc_body = r.json()
            check_diff(svc_body)
            check_impact(svc_body["impact"])
            assert {e["decision_id"] for e in svc_body["impact"]["examples"]} == set(ids[:2])
        return svc_body, cli_body
    finally:
        srv.stop()
        if pg is not None:
            pg.drop()


def test_round_trip_sqlite(tmp_path):
    svc, cli = _round_trip(tmp_path, "sqlite")
    print("SQLITE", svc["figures"]["text_zh"], "|", svc["impact"]["summary_zh"], "|", cli["impact"]["summary_zh"])


def test_round_trip_postgresql(tmp_path):
    svc, cli = _round_trip(tmp_path, "postgresql")
    print("POSTGRESQL", svc["figures"]["text_zh"], "|", svc["impact"]["summary_zh"], "|", cli["impact"]["summary_zh"])


def test_pg_review_tables_are_append_only_for_the_service_role(tmp_path):
    pg = pg_schema_or_skip()
    try:
        engine = make_engine(pg.url)  # the service's INSERT/SELECT role
        store = rv.ReviewStore(engine)
        root = make_lists(tmp_path)
        key = add_draft(root, "2030-t")
        rv.review(store, root, key, KEPT, "approved", None, R1)
        for stmt in ("UPDATE reviews SET verdict = 'needs_change'", "DELETE FROM reviews", "TRUNCATE reviews",
                     "DELETE FROM publications"):
            with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="permission denied"):
                conn.execute(sa.text(stmt))
        engine.dispose()
        with pg.connect() as conn:  # the owner: refused by the triggers
            import psycopg

            for stmt in ("UPDATE reviews SET verdict = 'needs_change'", "DELETE FROM reviews", "TRUNCATE reviews"):
                with pytest.raises(psycopg.Error, match="append-only"):
                    conn.execute(stmt)
        assert [r["verdict"] for r in rv.ReviewStore(make_engine(pg.url)).reviews(key)] == ["approved"]
    finally:
        pg.drop()


# ------------------------------------------------------------------ import → review → publish
IMPORT_TABLE = Path(__file__).resolve().parents[1] / "data" / "import" / "dev" / "tax-all.docx"
# The table's two items whose conditions end in a definition by exclusion (…的,不认定为危害后果轻微): the
# importer keeps it as a custom condition flagged conditions.exclusion, which blocks approval and
# publication until the reviewer rewrites it (test_review_exclusion). The reviewer's rewrite:
TAX_EXCLUSION = ("造成不可挽回的税费损失或较大社会影响的,不认定为危害后果轻微", "未造成不可挽回的税费损失或较大社会影响")


def rewrite_exclusions(path: Path, wording: tuple[str, str]) -> list[str]:
    """The reviewer's edit of an imported draft: each flagged exclusion rewritten as a negated
    condition and its flag deleted. Returns the ids of the items edited."""
    doc = yaml.safe_load(path.read_text("utf-8"))
    edited = []
    for item in doc["items"]:
        if "conditions.exclusion" not in item["provenance"]["flags"]:
            continue
        conds = item["conditions"]
        for group in [conds.get("all", [])] + [b for b in conds.get("any_of", []) or []]:
            for n, c in enumerate(group):
                if c == {"custom": wording[0]}:
                    group[n] = {"custom": wording[1]}
        item["provenance"]["flags"].remove("conditions.exclusion")
        edited.append(item["id"])
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return edited


@pytest.mark.skipif(not IMPORT_TABLE.exists(), reason="the import test tables are not built")
def test_imported_table_is_reviewed_and_published_through_the_cli(tmp_path):
    root = make_lists(tmp_path)
    keys_file = tmp_path / "keys.json"
    keys = {"reviewer-li": "pr_rev_li_" + "a" * 24, "reviewer-wang": "pr_rev_wang_" + "b" * 24}
    keys_file.write_text(json.dumps({"keys": [
        {"name": name, "role": "reviewer", "key": key} for name, key in keys.items()]}), "utf-8")
    env = {"PENALTY_RULES_VAR": str(tmp_path / "var"), "PENALTY_RULES_STATUTES": "", "DATABASE_URL": None,
           "PENALTY_RULES_MIGRATE_URL": None, "PENALTY_RULES_KEYS_FILE": str(keys_file)}
    code, out = _run_cli(env, "lists", "import", str(IMPORT_TABLE), "--list-id", "lc-tax-import", "--version",
                         "2026-1", "--jurisdiction", "371500", "--lists", str(root))
    assert code == 0, out
    key = "lc-tax-import@2026-1"
    register_keys(tmp_path / "var" / "audit.db", keys_file)  # the service has loaded this keys file
    items = draft_items(root, key)
    assert items
    li = {**env, "PENALTY_RULES_API_KEY": keys["reviewer-li"]}
    wang = {**env, "PENALTY_RULES_API_KEY": keys["reviewer-wang"]}
    draft = root / "liaocheng" / "lc-tax-import" / "2026-1.yaml"
    code, out = _run_cli(li, "lists", "review", key, "--item", "lc-tax-import/np-11", "--verdict", "approved",
                         "--as", "reviewer-li", "--lists", str(root))
    assert code == 1 and "unresolved_exclusion" in out, out  # not as it reads: rewritten first
    assert rewrite_exclusions(draft, TAX_EXCLUSION) == ["lc-tax-import/np-11", "lc-tax-import/np-12"]
    code, out = _run_cli(li, "lists", "publish", key, "--effective-from", "2036-12-01", "--as", "reviewer-li",
                         "--lists", str(root))
    assert code == 1 and "items_not_approved" in out and f"未审核 {len(items)} 条" in out
    for item in items:
        code, out = _run_cli(li, "lists", "review", key, "--item", item, "--verdict", "approved", "--as",
                             "reviewer-li", "--lists", str(root))
        assert code == 0, out
    code, out = _run_cli(li, "lists", "publish", key, "--effective-from", "2036-12-01", "--as", "reviewer-li",
                         "--lists", str(root))
    assert code == 0 and "已登记发布申请" in out, out
    [request_id] = [p["id"] for p in rv.ReviewStore(make_engine(f"sqlite:///{tmp_path / 'var' / 'audit.db'}"))
                    .publications(key)]
    code, out = _run_cli(wang, "lists", "publish", key, "--request", request_id, "--as", "reviewer-wang",
                         "--lists", str(root))
    assert code == 0 and "已批准并发布" in out, out
    check_published(root, key, "2036-12-01")


# ------------------------------------------- a published version stays published (start-up, validate, lock)
# The lists folder alone cannot tell a published version set back to `status: draft` whose lock
# entries were deleted from a draft never locked: the publication records in the audit database
# can, and the service, `lists validate --db` and `lists lock` check them; `lists lock
# --accept-changes` never re-locks a published version (lock's `published` section or the records).
NO_DB = {"DATABASE_URL": None, "PENALTY_RULES_MIGRATE_URL": None, "PENALTY_RULES_STATUTES": ""}


@pytest.fixture(params=["sqlite", "postgresql"])
def audit_db(request, tmp_path):
    """(review store, URL for the CLI's --db, environment of a server) on SQLite or PostgreSQL."""
    if request.param == "postgresql":
        pg = pg_schema_or_skip()
        engine = make_engine(pg.url)  # the service's INSERT/SELECT role, as the CLI would connect
        try:
            yield rv.ReviewStore(engine), pg.url, pg.server_env()
        finally:
            engine.dispose()
            pg.drop()
    else:
        url = f"sqlite:///{tmp_path / 'audit.db'}"
        engine = make_engine(url)
        migrate(engine)
        yield rv.ReviewStore(engine), url, {"DATABASE_URL": url}
        engine.dispose()


def publish_draft(store, root: Path, version: str = "2030-t") -> str:
    key = add_draft(root, version)
    approve_all(store, root, key)
    req = rv.publish(store, root, key, R1, "request", rv.date(2030, 1, 1))
    rv.publish(store, root, key, R2, "approve", request_id=req.record["id"])
    check_published(root, key, "2030-01-01")
    assert load_lock_full(root)[1] == {key: load_lock(root)[0][key]}  # marked published in the lock
    assert [r["list_key"] for r in store.publications() if r["action"] == "approve"] == [key]
    return key


def drop_lock_lines(root: Path, key: str) -> None:
    """Delete every line of `key` from versions.lock (its `versions` and `published` entries)."""
    path = root / LOCK_NAME
    lines = path.read_text("utf-8").splitlines(True)
    path.write_text("".join(l for l in lines if not l.strip().startswith(key + ":")), "utf-8")


def serve_refused(root: Path, var: Path, db_env: dict) -> str:
    import subprocess
    import sys

    env = server_env(var, PENALTY_RULES_LISTS=str(root), PENALTY_RULES_DURABLE="0", PENALTY_RULES_STATUTES="",
                     **db_env)
    r = subprocess.run([sys.executable, "-m", "penalty_rules.cli.app", "serve", "--port", str(free_port())],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert r.returncode != 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    return r.stderr


def test_published_version_set_back_to_draft_and_unlocked_is_refused(tmp_path, audit_db):
    store, db_url, db_env = audit_db
    root = make_lists(tmp_path)
    key = publish_draft(store, root)
    path = root / "national" / "cn-tax-first-offense" / "2030-t.yaml"
    published_text, locked_text = path.read_text("utf-8"), (root / LOCK_NAME).read_text("utf-8")
    path.write_text(edit_text(published_text, {"status": "draft", "effective_from": "null", "effective_to": "null"}),
                    "utf-8")
    drop_lock_lines(root, key)
    # the lists alone: just a draft not yet locked (a warning) — the loophole the records close
    load_corpus_strict(root)
    assert key not in load_lock(root)[0] and load_lock_full(root)[1] == {}

    # the service refuses to start, naming the version and what differs
    err = serve_refused(root, tmp_path / "var", db_env)
    assert "服务拒绝启动" in err and key in err, err
    assert "published_version_reverted [status]" in err and f"published_version_unlocked [versions.{key}]" in err
    assert "状态被改回草案" in err and "已发布版本不能修改" in err

    # lists validate: with the database an error (exit 1); without one it says it could not check
    code, out = _run_cli(NO_DB, "lists", "validate", "--lists", str(root), "--db", db_url)
    assert code == 1 and "published_version_reverted" in out and key in out and "发布记录核对的错误 3 个" in out, out
    code, out = _run_cli({**NO_DB, "PENALTY_RULES_VAR": str(tmp_path / "no-var")}, "lists", "validate",
                         "--lists", str(root))
    assert code == 0 and "未能核对发布记录" in out, out
    code, out = _run_cli(NO_DB, "lists", "validate", "--lists", str(root), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert code == 1 and "不存在, 未能核对发布记录" in out and not (tmp_path / "x.db").exists()

    # lists lock does not record the reverted draft as a draft, not even with --accept-changes
    before = (root / LOCK_NAME).read_text("utf-8")
    code, out = _run_cli(NO_DB, "lists", "lock", "--lists", str(root), "--accept-changes", "--db", db_url)
    assert code == 1 and "published_version_reverted" in out and "新的版本号" in out, out
    assert (root / LOCK_NAME).read_text("utf-8") == before
    # nor publishes it again through the workflow
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, R1, "request", rv.date(2031, 1, 1))
    assert exc.value.code == "already_published"

    # restoring the published file: lists lock (with the records) restores the entry and its mark
    path.write_text(published_text, "utf-8")
    code, out = _run_cli(NO_DB, "lists", "lock", "--lists", str(root), "--db", db_url)
    assert code == 0, out
    assert (root / LOCK_NAME).read_text("utf-8") == locked_text
    code, out = _run_cli(NO_DB, "lists", "validate", "--lists", str(root), "--db", db_url)
    assert code == 0 and "经审核发布的版本 1 个, 与清单不符 0 处" in out, out


def test_edited_published_version_is_not_relocked(tmp_path, audit_db):
    store, db_url, db_env = audit_db
    root = make_lists(tmp_path)
    key = publish_draft(store, root)
    path = root / "national" / "cn-tax-first-offense" / "2030-t.yaml"
    path.write_text(path.read_text("utf-8").replace("测试条目: 仅用于审核流程测试的违法行为", "测试条目: 发布后改写"), "utf-8")
    lock_path = root / LOCK_NAME
    before = lock_path.read_text("utf-8")
    # the lock's published section refuses, no database needed
    code, out = _run_cli({**NO_DB, "PENALTY_RULES_VAR": str(tmp_path / "no-var")}, "lists", "lock",
                         "--lists", str(root), "--accept-changes")
    assert code == 1 and "published_version_changed" in out and key in out and "不能重新锁定" in out, out
    assert "penalty-rules lists publish" in out and "已确认" not in out
    assert lock_path.read_text("utf-8") == before
    # a lock without the published section (older, or the section deleted): the records refuse
    write_lock(root, load_lock(root)[0], published={})
    unmarked = lock_path.read_text("utf-8")
    assert "published" not in yaml.safe_load(unmarked)
    code, out = _run_cli(NO_DB, "lists", "lock", "--lists", str(root), "--accept-changes", "--db", db_url)
    assert code == 1 and "published_version_changed [content_hash]" in out and key in out, out
    assert lock_path.read_text("utf-8") == unmarked
    code, out = _run_cli(NO_DB, "lists", "validate", "--lists", str(root), "--db", db_url)
    assert code == 1 and "locked_version_changed" in out and "published_version_changed" in out
    # the service refuses it as well (the lock check, then the records)
    err = serve_refused(root, tmp_path / "var", db_env)
    assert "locked_version_changed" in err and key in err


def test_lock_published_section(tmp_path):
    root = make_lists(tmp_path)
    versions, published, problems = load_lock_full(root)
    assert published == {} and not problems and "published" not in yaml.safe_load((root / LOCK_NAME).read_text("utf-8"))
    key = next(iter(versions))
    write_lock(root, versions, {key: versions[key]})
    assert load_lock_full(root)[1] == {key: versions[key]}
    with pytest.raises(ValueError):  # a published hash is never rewritten
        write_lock(root, {**versions, key: "sha256:" + "0" * 64})
    text = (root / LOCK_NAME).read_text("utf-8")
    (root / LOCK_NAME).write_text(text.replace(f"  {key}: {versions[key]}\n", "", 1), "utf-8")  # versions entry gone
    _, _, problems = load_lock_full(root)
    assert [p.code for p in problems] == ["bad_lock"] and key in problems[0].message
    with pytest.raises(CorpusInvalid, match="bad_lock"):
        load_corpus_strict(root)
    assert load_lock_full(BUNDLED)[1] == {} and not load_lock_full(BUNDLED)[2]  # the bundled lock: no section



def test_app_lifespan_refuses_a_reverted_publication(tmp_path, store, monkeypatch):
    """create_app itself (uvicorn --factory, TestClient) refuses too, not only `penalty-rules serve`."""
    import asyncio

    from service.app import StartupRefused, create_app

    root = make_lists(tmp_path)
    key = publish_draft(store, root)
    path = root / "national" / "cn-tax-first-offense" / "2030-t.yaml"
    path.write_text(edit_text(path.read_text("utf-8"), {"status": "draft", "effective_from": "null",
                                                        "effective_to": "null"}), "utf-8")
    drop_lock_lines(root, key)
    for k in ("DATABASE_URL", "PENALTY_RULES_ENV", "PENALTY_RULES_KEYS_FILE", "PENALTY_RULES_MIGRATE_URL"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("PENALTY_RULES_VAR", str(tmp_path))  # audit database tmp_path/audit.db: the store's
    for k, v in {"PENALTY_RULES_LISTS": str(root), "PENALTY_RULES_STATUTES": "", "PENALTY_RULES_DURABLE": "0"}.items():
        monkeypatch.setenv(k, v)
    app = create_app()

    async def start():
        async with app.router.lifespan_context(app):
            pass

    with pytest.raises(StartupRefused) as exc:
        asyncio.run(start())
    assert "published_version_reverted" in str(exc.value) and key in str(exc.value)
