"""Four eyes that hold against a single person (a security review of issue 11's workflow):

1. the CLI accepts only keys the service has loaded (registered in api_keys), not a keys file the
   caller chooses, and marks its records `cli`;
2. a published version is checked from the whole chain of records (request by another person,
   every item and the list header approved on the published content), not from one `approve` row;
3. look-alike key names (case, full-width letters, zero-width characters) are one person;
4. the list-level fields (first-offense window, jurisdiction, supersedes …) are reviewed;
5. records are ordered as the database stored them, not by the writer's created_at.
Every list folder is a temporary copy (test_review_publish.make_lists)."""

import json
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from penalty_rules.load.loader import load_corpus
from penalty_rules.load.lockfile import load_lock_sections, write_lock
from penalty_rules.publish.files import PublishError
from service import reviews as rv
from service.audit import make_engine, migrate
from service.auth import KeysError, Principal, load_keys_file

from test_review_publish import (KEPT, NO_DB, R1, R2, _run_cli, add_draft, audit_db, make_lists,  # noqa: F401
                                 publish_draft, store)

try:
    from penalty_rules.publish.status import HEADER_ITEM
except ImportError:  # the code before the list header was reviewable
    HEADER_ITEM = None

ADMIN = Principal("admin-zhao", "admin")
KEYS = {"reviewer-li": "pr_rev_li_" + "a" * 24, "reviewer-wang": "pr_rev_wang_" + "b" * 24}


def reviewables(root: Path, key: str) -> list[str]:
    items = [i.id for i in load_corpus(root).corpus.document(key).items]
    return ([HEADER_ITEM] if HEADER_ITEM else []) + items


def approve_everything(st, root, key, who=R1):
    for item in reviewables(root, key):
        rv.review(st, root, key, item, "approved", None, who)


def _row(key: str, action: str, actor: str, content_hash: str, published_hash: str, request_id=None) -> dict:
    return {"id": str(uuid.uuid4()), "created_at": "2026-11-30T16:00:00.000000Z", "list_key": key,
            "content_hash": content_hash, "action": action, "actor": actor, "role": "reviewer",
            "request_id": request_id, "effective_from": "2030-06-01", "effective_to": None,
            "published_hash": published_hash, "comment": None, "allow_past": False}


def _in_force_by_hand(root: Path, key: str) -> str:
    """One person sets a draft in force in its file and locks it as published: returns its hash."""
    path = root / "national" / "cn-tax-first-offense" / f"{key.split('@')[1]}.yaml"
    path.write_text(path.read_text("utf-8").replace("status: draft", "status: in_force")
                    .replace("effective_from: null", "effective_from: 2030-06-01"), "utf-8")
    digest = load_corpus(root).corpus.hashes[key]
    sec = load_lock_sections(root)
    write_lock(root, {**sec.versions, key: digest}, {**sec.published, key: digest}, baseline=sec.baseline)
    return digest


def _chain_problems(st, root, key) -> list:
    problems = rv.publication_problems(st.engine, load_corpus(root).corpus, root)
    return [p for p in problems if key in p.message]


# -- 2. the chain, not one row -------------------------------------------------------------------
def test_a_forged_approve_row_alone_does_not_publish(tmp_path, audit_db):
    st, db_url, _ = audit_db
    root = make_lists(tmp_path)
    good = publish_draft(st, root)  # published through the workflow: no problem
    assert _chain_problems(st, root, good) == []
    # H: one approve row, no request, no review
    lone = add_draft(root, "2031-h")
    digest = _in_force_by_hand(root, lone)
    st.add_publication(_row(lone, "approve", "reviewer-li", digest, digest))
    # a request and its approval by the same person under a look-alike name, every item approved
    same = add_draft(root, "2032-s")
    approve_everything(st, root, same)
    digest = _in_force_by_hand(root, same)
    req = st.add_publication(_row(same, "request", "reviewer-li", digest, digest))
    st.add_publication(_row(same, "approve", "Reviewer-Li", digest, digest, req["id"]))
    # request and approval by two people, but the items never reviewed
    bare = add_draft(root, "2033-b")
    digest = _in_force_by_hand(root, bare)
    req = st.add_publication(_row(bare, "request", "reviewer-li", digest, digest))
    st.add_publication(_row(bare, "approve", "reviewer-wang", digest, digest, req["id"]))
    for key, words in ((lone, "不存在"), (same, "同一人"), (bare, "没有审核人员的通过结论")):
        found = _chain_problems(st, root, key)
        assert [p.code for p in found] == ["publication_chain_incomplete"], (key, [str(p) for p in found])
        assert words in found[0].message, found[0].message
    code, out = _run_cli({**NO_DB, "PENALTY_RULES_VAR": str(tmp_path / "var")}, "lists", "validate", "--lists",
                         str(root), "--db", db_url, "--no-history")
    assert code == 1 and "publication_chain_incomplete" in out and lone in out, out


# -- 3. look-alike names ---------------------------------------------------------------------------
@pytest.mark.parametrize("twin", ["Reviewer-Li", "reviewer-li\u200b", "reviewer-\uff4ci"])
def test_look_alike_names_are_one_person(tmp_path, store, twin):
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-a")
    approve_everything(store, root, key)
    req = rv.publish(store, root, key, R1, "request", date(2030, 1, 1))
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, Principal(twin, "reviewer"), "approve", request_id=req.record["id"])
    assert exc.value.code == "four_eyes"
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"keys": [{"name": "reviewer-li", "role": "reviewer", "key": KEYS["reviewer-li"]},
                                         {"name": twin, "role": "reviewer", "key": KEYS["reviewer-wang"]}]},
                               ensure_ascii=False), "utf-8")
    with pytest.raises(KeysError):
        load_keys_file(keys)


# -- 4. the list-level fields -----------------------------------------------------------------------
def test_list_level_fields_changed_after_the_items_were_approved_need_a_review(tmp_path, store):
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-b")
    approve_everything(store, root, key)
    path = root / "national" / "cn-tax-first-offense" / "2030-b.yaml"
    text = path.read_text("utf-8")
    edited = text.replace("window_years: null", "window_years: 5").replace("same_kind: true", "same_kind: false")
    assert edited != text
    path.write_text(edited, "utf-8")
    st, _, _ = rv.status(store, root, key)
    assert not st.all_approved and [(i.item_id, i.state) for i in st.blocking()] == [(HEADER_ITEM, "stale")]
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, R1, "request", date(2030, 2, 1))
    assert exc.value.code == "items_not_approved"
    rv.review(store, root, key, HEADER_ITEM, "approved", "首违界定已核对", R2)  # reviewed as it now is
    req = rv.publish(store, root, key, R1, "request", date(2030, 2, 1))
    assert rv.publish(store, root, key, R2, "approve", request_id=req.record["id"]).action == "approve"
    assert _chain_problems(store, root, key) == []


# -- 5. the database's order ------------------------------------------------------------------------
def test_an_objection_stored_after_an_earlier_stamped_approval_stays_open(tmp_path, audit_db, monkeypatch):
    st, _, _ = audit_db
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-x")
    approve_everything(st, root, key)
    real = rv.utc_now
    # an admin approves from a workstation whose clock runs 10 minutes fast (the CLI stamps created_at)
    monkeypatch.setattr(rv, "utc_now", lambda: (datetime.now(timezone.utc) + timedelta(minutes=10))
                        .strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    rv.review(st, root, key, KEPT, "approved", "已核对", ADMIN)
    monkeypatch.setattr(rv, "utc_now", real)
    rv.review(st, root, key, KEPT, "needs_change", "第二项条件与原文不符", R2)  # stored after it
    status, _, _ = rv.status(st, root, key)
    assert status.counts["needs_change"] == 1 and [i.item_id for i in status.objections()] == [KEPT]
    with pytest.raises(PublishError) as exc:
        rv.publish(st, root, key, R1, "request", date(2030, 1, 1))
    assert exc.value.code == "items_not_approved"


# -- 1. the CLI's identities --------------------------------------------------------------------------
def test_the_cli_takes_only_keys_the_service_has_loaded(tmp_path):
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-k")
    mine = tmp_path / "mine.json"  # a keys file of the caller's own making: two "reviewers"
    mine.write_text(json.dumps({"keys": [{"name": n, "role": "reviewer", "key": k} for n, k in KEYS.items()]}),
                    "utf-8")
    env = {**NO_DB, "PENALTY_RULES_VAR": str(tmp_path / "var"), "PENALTY_RULES_KEYS_FILE": str(mine),
           "PENALTY_RULES_API_KEY": KEYS["reviewer-li"]}
    code, out = _run_cli(env, "lists", "review", key, "--item", KEPT, "--verdict", "approved", "--as", "reviewer-li",
                         "--lists", str(root))
    assert code != 0 and "api_keys" in out, out
    db = make_engine(f"sqlite:///{tmp_path / 'var' / 'audit.db'}")
    try:
        migrate(db)
        assert rv.ReviewStore(db).reviews(key) == []
        from test_review_publish import register_keys

        register_keys(tmp_path / "var" / "audit.db", mine)  # the service started with this keys file
        code, out = _run_cli(env, "lists", "review", key, "--item", KEPT, "--verdict", "approved", "--as",
                             "reviewer-li", "--lists", str(root))
        assert code == 0, out
        assert [(r["reviewer"], r["channel"]) for r in rv.ReviewStore(db).reviews(key)] == [("reviewer-li", "cli")]
    finally:
        db.dispose()


def test_a_forged_admin_row_under_an_unknown_name_does_not_clear_an_objection(tmp_path, audit_db):
    """probe J: an `approved` row claiming role admin, under a name the service never loaded, stamped
    2099, inserted after a real objection: neither the workflow nor the check of a published version
    (start-up, lists validate) counts it — only keys in api_keys count."""
    from service.audit import register_keys
    from service.auth import sha256_hex

    st, _, _ = audit_db
    register_keys(st.engine, [
        {"name": n, "role": "reviewer", "key_sha256": sha256_hex(k)} for n, k in KEYS.items()], "file")
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-j")
    approve_everything(st, root, key)
    objection = rv.review(st, root, key, KEPT, "needs_change", "依据待核", R2)
    st.add_review({**objection, "id": str(uuid.uuid4()), "created_at": "2099-01-01T00:00:00.000000Z",
                   "reviewer": "nobody", "role": "admin", "verdict": "approved", "comment": None})
    with pytest.raises(PublishError) as exc:
        rv.publish(st, root, key, R1, "request", date(2030, 1, 1))
    assert exc.value.code == "items_not_approved"
    # published anyway (the approval written by a database writer as well)
    req = st.add_publication(_row(key, "request", "reviewer-li", "x", "x"))
    digest = _in_force_by_hand(root, key)
    st.add_publication(_row(key, "approve", "reviewer-wang", "x", digest, req["id"]))
    found = _chain_problems(st, root, key)
    assert [p.code for p in found] == ["publication_chain_incomplete"] and KEPT in found[0].message, found
