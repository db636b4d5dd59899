"""Records of the code before the chain check (legacy: migration 0006's legacy_records) are held to
their own rules, and only they: the order of a legacy request and approval is the writer's
created_at (PostgreSQL's 0005 numbered them in physical order), a legacy approval counts only
legacy reviews, and a channel-less row written after the code of 0005 wrote one with a channel is
no legacy (in 0006 and before it)."""

import uuid
from datetime import date

import sqlalchemy as sa

import service.audit as audit
import tests.service.test_review_upgrade as up
from penalty_rules.load.loader import load_corpus
from service import reviews as rv
from service.audit import make_engine
from tests.service.live_servers import pg_schema_or_skip
from tests.service.test_review_publish import R2, make_lists


def _key_of_before(engine) -> None:
    up._insert(engine, "api_keys", {"name": R2.name, "role": R2.role, "key_sha256": "b" * 64, "source": "file",
                                    "created_at": "2026-11-01T00:00:00.000000Z"})


def test_legacy_approval_in_a_reused_slot_still_starts(tmp_path, monkeypatch):
    """PostgreSQL: a rolled-back insert and VACUUM free a slot before the request; the approval stored
    in it gets the lower seq from 0005 — the legacy order is the writer's created_at."""
    root = make_lists(tmp_path)
    monkeypatch.setattr(audit, "migrate", lambda engine: up._upgrade(engine, "0004"))
    monkeypatch.setattr(audit, "setup_service_role", lambda *a, **k: None)
    pg = pg_schema_or_skip()
    monkeypatch.undo()
    owner = make_engine(pg.owner_url)
    try:
        _key_of_before(owner)
        row = {"id": str(uuid.uuid4()), "created_at": "2026-11-01T00:00:00.000000Z", "list_key": "x@y",
               "content_hash": "x", "action": "request", "actor": "reviewer-zhao", "role": "reviewer",
               "effective_from": "2030-01-01", "allow_past": False}
        up._insert(owner, "publications", row)
        with owner.connect() as c:
            tx = c.begin()
            c.execute(sa.text("INSERT INTO publications (id, created_at, list_key, content_hash, action, actor, "
                              "role, effective_from, allow_past) VALUES (:id, :created_at, :list_key, "
                              ":content_hash, :action, :actor, :role, :effective_from, :allow_past)"),
                      {**row, "id": str(uuid.uuid4())})
            tx.rollback()
        real = up._insert

        def insert(engine, table, values):
            if table == "publications" and values.get("action") == "approve":
                with owner.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                    c.exec_driver_sql("VACUUM publications")
            real(engine, table, values)

        monkeypatch.setattr(up, "_insert", insert)
        key = up.publish_as_before(owner, root, "2030-t", "2026-11-02T00:00:00.000000Z")
        monkeypatch.undo()
        up._upgrade(owner, "head")
        with owner.connect() as c:
            order = [a for (a,) in c.execute(sa.text(
                "SELECT action FROM publications WHERE list_key = :k ORDER BY seq"), {"k": key})]
        assert order == ["approve", "request"]  # the case this test is about (physical order)
        assert rv.publication_problems(owner, load_corpus(root).corpus, root) == []
    finally:
        owner.dispose()
        pg.drop()


def test_a_later_review_does_not_count_for_a_legacy_approval(tmp_path):
    """A needs_change row by a name no key was loaded under, backdated, written after the upgrade:
    not legacy, so it neither blocks nor makes a legacy approval."""
    root = make_lists(tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    try:
        up._upgrade(engine, "0004")
        _key_of_before(engine)
        key = up.publish_as_before(engine, root, "2030-t", "2026-11-02T00:00:00.000000Z")
        up._upgrade(engine, "head")
        corpus = load_corpus(root).corpus
        assert rv.publication_problems(engine, corpus, root) == []
        r = next(x for x in rv.ReviewStore(engine).reviews() if x["list_key"] == key)
        rv.ReviewStore(engine, "cli").add_review({
            **{k: r[k] for k in ("list_key", "content_hash", "item_id", "item_hash")}, "id": str(uuid.uuid4()),
            "created_at": "2026-11-02T00:00:00.000001Z", "reviewer": "nobody-never-loaded", "role": "admin",
            "verdict": "needs_change", "comment": None})
        assert rv.publication_problems(engine, corpus, root) == []
    finally:
        engine.dispose()


def test_channel_less_rows_after_the_first_with_a_channel_are_checked_in_full(tmp_path):
    """A database at 0005 (the code of 0005 writes a channel on every row): rows without one stored
    after such a row are no records of the code before — neither before 0006 nor after it."""
    root = make_lists(tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    try:
        up._upgrade(engine, "0005")
        _key_of_before(engine)
        up._insert(engine, "reviews", {"id": str(uuid.uuid4()), "created_at": "2026-11-30T16:55:00.000000Z",
                                       "list_key": "x@y", "content_hash": "x", "item_id": "01", "item_hash": "x",
                                       "reviewer": R2.name, "role": R2.role, "verdict": "approved",
                                       "channel": "service"})
        up._insert(engine, "publications", {"id": str(uuid.uuid4()), "created_at": "2026-11-30T16:56:00.000000Z",
                                            "list_key": "x@y", "content_hash": "x", "action": "request",
                                            "actor": R2.name, "role": R2.role, "effective_from": "2030-01-01",
                                            "allow_past": False, "channel": "service"})
        key = up.publish_as_before(engine, root, "2030-w", "2026-11-30T17:00:00.000000Z", date(2030, 1, 1))
        for _ in range(2):  # at 0005, then at head
            problems = rv.publication_problems(engine, load_corpus(root).corpus, root)
            assert [(p.code, key in str(p)) for p in problems] == [("publication_chain_incomplete", True)]
            assert "@list" in str(problems[0]) and "不是服务载入过的密钥" in str(problems[0])
            up._upgrade(engine, "head")
        with engine.connect() as c:
            assert dict(c.exec_driver_sql("SELECT table_name, max_seq FROM legacy_records").all()) == {
                "reviews": 0, "publications": 0}
    finally:
        engine.dispose()
