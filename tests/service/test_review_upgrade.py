"""Upgrading a database that holds versions published before the four-eyes chain check (migration
0005 and the check came the same day): the records the code before wrote (item reviews without the
@list header pseudo-item, no channel, CLI keys not registered) must not refuse start-up — the
header review applies only to records written under it (migration 0006 records which are older).
A row written after the upgrade without a channel is checked in full."""

import uuid
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

import service.audit as audit
from penalty_rules.load.loader import load_corpus
from penalty_rules.publish import files
from penalty_rules.publish.status import item_hash
from service import reviews as rv
from service.audit import ALEMBIC_DIR, make_engine
from tests.service.live_servers import pg_schema_or_skip
from tests.service.test_review_publish import R1, R2, add_draft, make_lists


def _upgrade(engine, rev: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, rev)


def _insert(engine, table: str, row: dict) -> None:
    cols = ", ".join(row)
    with engine.begin() as conn:
        conn.execute(sa.text(f"INSERT INTO {table} ({cols}) VALUES ({', '.join(':' + c for c in row)})"), row)


def publish_as_before(engine, root: Path, version: str, at: str, start: date = date(2030, 1, 1)) -> str:
    """The rows the code before 0005 wrote when publishing (reviews of every item — no @list —, a
    request by R1 and R2's approval, no channel), and the files it wrote."""
    key = add_draft(root, version)
    corpus = load_corpus(root).corpus
    doc = corpus.document(key)
    for item in doc.items:
        _insert(engine, "reviews", {
            "id": str(uuid.uuid4()), "created_at": at, "list_key": key, "content_hash": corpus.hashes[key],
            "item_id": item.id, "item_hash": item_hash(item), "reviewer": R1.name, "role": R1.role,
            "verdict": "approved"})
    p = files.plan(root, key, start)
    req = {"id": str(uuid.uuid4()), "created_at": at, "list_key": key, "content_hash": files.content_hash(doc),
           "action": "request", "actor": R1.name, "role": R1.role, "effective_from": start.isoformat(),
           "published_hash": p.published_hash, "allow_past": False}
    _insert(engine, "publications", req)
    files.write(p, record=lambda: _insert(engine, "publications", {
        **req, "id": str(uuid.uuid4()), "action": "approve", "actor": R2.name, "role": R2.role,
        "request_id": req["id"]}))
    return key


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_versions_published_before_the_chain_check_still_start(tmp_path, backend, monkeypatch):
    root = make_lists(tmp_path)
    if backend == "postgresql":  # the owner migrates to 0004 only; the service's role is granted at head
        monkeypatch.setattr(audit, "migrate", lambda engine: _upgrade(engine, "0004"))
        granted = []
        monkeypatch.setattr(audit, "setup_service_role", lambda *a, **k: granted.append((a, k)))
        pg = pg_schema_or_skip()
        monkeypatch.undo()
        owner, url = make_engine(pg.owner_url), pg.url
    else:
        url = f"sqlite:///{tmp_path / 'audit.db'}"
        owner, pg = make_engine(url), None
    try:
        if backend == "sqlite":
            _upgrade(owner, "0004")
        # the service of before registered its keys (api_keys); the CLI did not
        _insert(owner, "api_keys", {"name": R2.name, "role": R2.role, "key_sha256": "b" * 64, "source": "file",
                                    "created_at": "2026-11-01T00:00:00.000000Z"})
        key = publish_as_before(owner, root, "2030-t", "2026-11-02T00:00:00.000000Z")
        _upgrade(owner, "head")
        if pg is not None:
            audit.setup_service_role(owner, *granted[0][0][1:], **granted[0][1])
        engine = make_engine(url)
        try:
            corpus = load_corpus(root).corpus
            assert corpus.document(key).status.value == "in_force"
            assert rv.publication_problems(engine, corpus, root) == []
            assert rv.startup_refusal(engine, corpus, root) is None
            # a row written after the upgrade without a channel is no record of the code before: checked in full
            later = publish_as_before(owner, root, "2031-t", "2026-11-03T00:00:00.000000Z", date(2031, 1, 1))
            problems = rv.publication_problems(engine, load_corpus(root).corpus, root)
            assert [(p.code, later in str(p)) for p in problems] == [("publication_chain_incomplete", True)]
            assert "@list" in str(problems[0]) and "不是服务载入过的密钥" in str(problems[0])
        finally:
            engine.dispose()
    finally:
        owner.dispose()
        if pg is not None:
            pg.drop()
