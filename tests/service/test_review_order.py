"""The database's insertion order of review records is the database's, not the writer's:

5. a writer cannot give a row a lower `seq` than a stored one (SQLite: rowid 500 after 1000;
   PostgreSQL: OVERRIDING SYSTEM VALUE) — refused by migration 0006's triggers;
6. the publication checks (published_keys: the latest approval per version) use that order, not
   created_at."""

import uuid

import pytest
import sqlalchemy as sa

from penalty_rules.publish.check import published_keys

from test_review_publish import audit_db  # noqa: F401


def _row(**over) -> dict:
    row = {"id": str(uuid.uuid4()), "created_at": "2026-11-30T16:00:00.000000Z", "list_key": "l@v",
           "content_hash": "x", "item_id": "01", "item_hash": "x", "reviewer": "reviewer-li", "role": "reviewer",
           "verdict": "approved", "comment": None, "channel": "service"}
    return {**row, **over}


def _insert(conn, row: dict, prefix: str = "INSERT INTO reviews", extra: str = "") -> None:
    cols = ", ".join(row)
    conn.execute(sa.text(f"{prefix} ({cols}) {extra} VALUES ({', '.join(':' + c for c in row)})"), row)


def test_a_writer_cannot_insert_a_row_before_a_stored_one(audit_db):
    st, _, _ = audit_db
    pg = st.engine.dialect.name == "postgresql"
    seq = "seq" if pg else "rowid"
    with st.engine.begin() as conn:
        _insert(conn, _row(**({} if pg else {"rowid": 1000})))
    with pytest.raises(sa.exc.DBAPIError):
        with st.engine.begin() as conn:
            _insert(conn, _row(**{seq: 500}), extra="OVERRIDING SYSTEM VALUE" if pg else "")
    with st.engine.begin() as conn:  # the database's own numbering still works
        _insert(conn, _row())
        assert conn.execute(sa.text("SELECT count(*) FROM reviews")).scalar() == 2


def test_the_latest_approval_is_the_latest_stored():
    rows = [{"action": "approve", "list_key": "l@v", "published_hash": "sha256:later", "seq": 2,
             "created_at": "2026-01-01T00:00:00.000000Z", "id": "a"},
            {"action": "approve", "list_key": "l@v", "published_hash": "sha256:earlier", "seq": 1,
             "created_at": "2026-12-01T00:00:00.000000Z", "id": "b"}]
    assert published_keys(rows) == {"l@v": "sha256:later"}
