"""Keys whose role or name changes in the keys file (same secret), and key names that are not
people: a deployed service must not drop a reviewer's records nor refuse its own next start.

1. the keys file gives reviewer-li the admin role after a first start: the reviews, request and
   approval li gives as admin count (key_registrations keeps every (name, role) loaded), the
   publication passes the chain check; li's earlier reviewer records still count;
2. a key the service never loaded cannot request or approve (nothing written), and a request under
   such a name is no open request;
3. look-alike names (variation selectors, fillers, dash variants) are one person and refused at load;
4. a name ending in "+" is refused at load (the service marks a rotated key that way)."""

import uuid
from datetime import date
import pytest

from penalty_rules.load.loader import load_corpus
from penalty_rules.publish.files import PublishError
from penalty_rules.publish.status import HEADER_ITEM, person_key
from service import reviews as rv
from service.audit import register_keys
from service.auth import KeysError, Principal, _check_entries

from test_review_publish import R1, R2, add_draft, audit_db, make_lists, store  # noqa: F401


def _sync(engine, li_role: str) -> None:
    """A start of the service with its keys file (li's role as given; same secrets)."""
    register_keys(engine, [
        {"name": "reviewer-li", "role": li_role, "key_sha256": "a" * 64},
        {"name": "reviewer-wang", "role": "reviewer", "key_sha256": "b" * 64}], "file")


def _everything(root, key) -> list[str]:
    return [HEADER_ITEM] + [i.id for i in load_corpus(root).corpus.document(key).items]


def approved_draft(store, tmp_path, label: str):
    """Keys registered as a start-up does, a draft `label` with the header and every item approved by R1:
    (lists root, version key)."""
    _sync(store.engine, "reviewer")
    root = make_lists(tmp_path)
    key = add_draft(root, label)
    for item in _everything(root, key):
        rv.review(store, root, key, item, "approved", None, R1)
    return root, key


def test_a_role_changed_in_the_keys_file_keeps_every_record_counting(tmp_path, audit_db):
    st, _, _ = audit_db
    _sync(st.engine, "reviewer")
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-k")
    items = _everything(root, key)
    rv.review(st, root, key, items[1], "approved", None, R1)  # as reviewer, before the change
    _sync(st.engine, "admin")  # the keys file now makes li an admin; the service restarted
    li = Principal("reviewer-li", "admin")
    for item in items[2:] + items[:1]:
        rv.review(st, root, key, item, "approved", None, li)
    status, _, _ = rv.status(st, root, key)
    assert status.all_approved, status.summary_zh()
    for item in items:
        rv.review(st, root, key, item, "approved", None, R2)
    req = rv.publish(st, root, key, R2, "request", date(2030, 1, 1))
    assert rv.publish(st, root, key, li, "approve", request_id=req.record["id"]).action == "approve"
    assert rv.publication_problems(st.engine, load_corpus(root).corpus, root) == []
    assert rv.startup_refusal(st.engine, load_corpus(root).corpus, root) is None


def test_an_unregistered_key_cannot_publish_and_its_request_is_not_open(tmp_path, store):
    root, key = approved_draft(store, tmp_path, "2030-u")
    stranger = Principal("reviewer-zhao", "reviewer")
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, key, stranger, "request", date(2030, 1, 1))
    assert exc.value.code == "key_not_registered"
    assert store.publications(key) == []
    draft = rv.files.content_hash(load_corpus(root).corpus.document(key))
    store.add_publication({"id": str(uuid.uuid4()), "created_at": "2026-11-30T16:00:00.000000Z", "list_key": key,
                           "content_hash": draft, "action": "request", "actor": "reviewer-zhao", "role": "reviewer",
                           "request_id": None, "effective_from": "2030-01-01", "effective_to": None,
                           "published_hash": None, "comment": None, "allow_past": False})
    status, _, _ = rv.status(store, root, key)
    assert status.open_request is None  # a request under a name the service never loaded does not stand
    with pytest.raises(PublishError) as exc:  # and R1's approval cannot name it
        rv.publish(store, root, key, R2, "approve", request_id=store.publications(key)[0]["id"])
    assert exc.value.code == "request_superseded"


@pytest.mark.parametrize("twin", ["reviewer-li\ufe0f", "reviewer-\u034fli", "reviewer-li\u3164", "reviewer\u2010li",
                                  "reviewer\u2011li", "reviewer\u2212li", "reviewer-\u115fli", "reviewer-li\u180b"])
def test_look_alike_names_are_one_person(twin):
    assert person_key(twin) == person_key("reviewer-li")
    with pytest.raises(KeysError):
        _check_entries([{"name": "reviewer-li", "role": "reviewer", "sha256": "a" * 64},
                        {"name": twin, "role": "admin", "sha256": "b" * 64}], "keys.json")


@pytest.mark.parametrize("name", ["\ufe0f", "\u3164\u034f", "li+", "reviewer-li++"])
def test_names_that_are_no_person_or_end_in_plus_are_refused(name):
    with pytest.raises(KeysError):
        _check_entries([{"name": name, "role": "admin", "sha256": "b" * 64}], "keys.json")


def test_a_start_with_a_changed_role_registers_it_before_the_check(tmp_path, monkeypatch):
    """A database where reviewer-li, registered as reviewer, approved as admin (the keys file had
    changed; the code of 0005 let that approval through): the next start with that keys file
    registers (reviewer-li, admin) before checking the publications, and starts."""
    import asyncio
    import json

    from penalty_rules.publish import files
    from service.app import create_app
    from service.audit import make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    migrate(engine)
    _sync(engine, "reviewer")
    st = rv.ReviewStore(engine)
    root = make_lists(tmp_path)
    key = add_draft(root, "2030-c")
    li = Principal("reviewer-li", "admin")
    for item in _everything(root, key):
        for who in (li, R2):
            rv.review(st, root, key, item, "approved", None, who)
    req = rv.publish(st, root, key, R2, "request", date(2030, 1, 1)).record
    p = rv.files.plan(root, key, date(2030, 1, 1))
    files.write(p, record=lambda: st.add_publication({
        **req, "id": str(uuid.uuid4()), "action": "approve", "actor": li.name, "role": li.role,
        "request_id": req["id"], "published_hash": p.published_hash}))
    assert rv.startup_refusal(engine, load_corpus(root).corpus, root)  # not registered as admin yet
    engine.dispose()
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"keys": [{"name": "reviewer-li", "role": "admin", "sha256": "a" * 64},
                                         {"name": "reviewer-wang", "role": "reviewer", "sha256": "b" * 64}]}))
    for k in ("DATABASE_URL", "PENALTY_RULES_ENV", "PENALTY_RULES_MIGRATE_URL"):
        monkeypatch.delenv(k, raising=False)
    for k, v in {"PENALTY_RULES_VAR": str(tmp_path), "PENALTY_RULES_KEYS_FILE": str(keys),
                 "PENALTY_RULES_LISTS": str(root), "PENALTY_RULES_STATUTES": "", "PENALTY_RULES_DURABLE": "0"}.items():
        monkeypatch.setenv(k, v)
    app = create_app()

    async def start():
        async with app.router.lifespan_context(app):
            pass

    asyncio.run(start())  # no StartupRefused


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_key_registration_is_stored_once(tmp_path, backend, monkeypatch):
    """Two workers registering the same key at once (both read it absent): one row (unique index,
    insert-if-absent), no error."""
    import sqlalchemy as sa

    import service.audit as audit
    from tests.service.live_servers import pg_schema_or_skip

    pg = None
    if backend == "postgresql":
        monkeypatch.setattr(audit, "setup_service_role", lambda *a, **k: None)
        pg = pg_schema_or_skip()
        monkeypatch.undo()
        engine = audit.make_engine(pg.owner_url)
    else:
        engine = audit.make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
        audit.migrate(engine)
    try:
        entry = {"key_sha256": "c" * 64, "name": "reviewer-zhao", "role": "reviewer"}
        register_keys(engine, [entry])
        stale = sa.select(sa.literal_column("1")).where(sa.false())  # the other worker read nothing
        monkeypatch.setattr(audit, "select", lambda *a: stale if a and getattr(a[0], "table", None) is not None
                            and a[0].table.name == "key_registrations" else sa.select(*a))
        register_keys(engine, [entry])
        monkeypatch.undo()
        with engine.connect() as c:
            assert c.execute(sa.text("SELECT count(*) FROM key_registrations WHERE name = 'reviewer-zhao'")).scalar() == 1
    finally:
        engine.dispose()
        if pg is not None:
            pg.drop()
