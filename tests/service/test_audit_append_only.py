"""The audit log cannot be changed through SQL, whatever the route (the hardening issue, "Audit log").

SQLite: every SQL statement that could change or remove a stored decision is refused by triggers
(UPDATE, DELETE, REPLACE INTO, INSERT OR REPLACE, upsert, and the same by rowid). DROP TRIGGER
remains possible for whoever can write the file: there, the file's permissions are the boundary
(the file is created 0600).

PostgreSQL: the service connects as a role with INSERT and SELECT only; the owner (migrations)
is refused TRUNCATE, UPDATE and DELETE by triggers.
"""

import sqlite3
import stat
import uuid

import pytest

from service.audit import AuditWriter, make_engine, migrate

COLUMNS = ("id, created_at, kind, outcome, items, basis, facts, rulesets, ruleset_version, engine_version, "
           "trace_version, decision_date")
VALUES = ("(:id, '2026-01-01T00:00:00.000000Z', 'evaluate', 'normal', '[]', '[]', '{}', '{}', 'forged', 'x', "
          "'1', '2026-01-01')")


def _row(decision_id: str) -> dict:
    return {"id": decision_id, "created_at": "2026-01-01T00:00:00.000000Z", "kind": "evaluate", "batch_id": None,
            "batch_index": None, "requested_item": "cn-tax-2021-6/03", "chosen_item": "cn-tax-2021-6/03",
            "outcome": "no_penalty", "items": "[]", "basis": "[]", "facts": '{"conduct":"原文"}', "rulesets": "{}",
            "ruleset_version": "r1", "engine_version": "e1", "trace_version": "1", "decision_date": "2026-01-01",
            "api_key": "dev-officer"}


# SQL routes that would change or remove the stored row `:id` (rowid :rowid) if nothing refused them
SQLITE_ROUTES = {
    "update": "UPDATE decisions SET outcome = 'normal' WHERE id = :id",
    "update_or_replace": "UPDATE OR REPLACE decisions SET outcome = 'normal' WHERE id = :id",
    "delete": "DELETE FROM decisions WHERE id = :id",
    "replace_into": f"REPLACE INTO decisions ({COLUMNS}) VALUES {VALUES}",
    "insert_or_replace": f"INSERT OR REPLACE INTO decisions ({COLUMNS}) VALUES {VALUES}",
    "upsert": f"INSERT INTO decisions ({COLUMNS}) VALUES {VALUES} ON CONFLICT (id) DO UPDATE SET outcome = 'normal'",
    "upsert_excluded": f"INSERT INTO decisions ({COLUMNS}) VALUES {VALUES} "
                       "ON CONFLICT DO UPDATE SET outcome = excluded.outcome, facts = excluded.facts",
    # a new id on the stored row's rowid: REPLACE would delete the stored row
    "replace_by_rowid": f"INSERT OR REPLACE INTO decisions (rowid, {COLUMNS}) "
                        f"VALUES (:rowid, {VALUES[1:].replace(':id', ':other')}",
    "upsert_by_rowid": f"INSERT INTO decisions (rowid, {COLUMNS}) VALUES (:rowid, {VALUES[1:].replace(':id', ':other')} "
                       "ON CONFLICT (rowid) DO UPDATE SET outcome = 'normal'",
    # a row with a non-positive rowid could later be replaced by an explicit-rowid insert
    "insert_rowid_minus_1": f"INSERT INTO decisions (rowid, {COLUMNS}) VALUES (-1, {VALUES[1:].replace(':id', ':other')}",
}


@pytest.fixture
def sqlite_db(tmp_path):
    """A migrated SQLite audit database holding one decision written by the service's writer."""
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    engine = make_engine(url)
    migrate(engine)
    writer = AuditWriter(engine)
    did = str(uuid.uuid4())
    writer.submit([_row(did)]).result(10)
    writer.close()
    engine.dispose()
    yield tmp_path / "audit.db", did


def _snapshot(conn: sqlite3.Connection):
    return conn.execute("SELECT rowid, * FROM decisions ORDER BY rowid").fetchall()


@pytest.mark.parametrize("route", sorted(SQLITE_ROUTES))
def test_sqlite_no_sql_route_changes_a_decision(sqlite_db, route):
    path, did = sqlite_db
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        before = _snapshot(conn)
        rowid = conn.execute("SELECT rowid FROM decisions WHERE id = ?", (did,)).fetchone()[0]
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(SQLITE_ROUTES[route], {"id": did, "rowid": rowid, "other": str(uuid.uuid4())})
        assert _snapshot(conn) == before
    finally:
        conn.close()


def test_sqlite_recursive_triggers_do_not_open_a_route(sqlite_db):
    """With recursive_triggers on, REPLACE's implicit delete would fire the DELETE trigger; with it off
    (the default), only the INSERT trigger stands in the way. Both must refuse."""
    path, did = sqlite_db
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for setting in ("ON", "OFF"):
            conn.execute(f"PRAGMA recursive_triggers = {setting}")
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(f"REPLACE INTO decisions ({COLUMNS}) VALUES {VALUES}", {"id": did})
        assert conn.execute("SELECT outcome FROM decisions WHERE id = ?", (did,)).fetchone()[0] == "no_penalty"
    finally:
        conn.close()


def test_sqlite_new_rows_still_insert(sqlite_db):
    path, did = sqlite_db
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"INSERT INTO decisions ({COLUMNS}) VALUES {VALUES}", {"id": str(uuid.uuid4())})
        assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 2
        assert conn.execute("SELECT min(rowid) FROM decisions").fetchone()[0] >= 1
    finally:
        conn.close()


def test_sqlite_file_is_private(sqlite_db):
    """DROP TRIGGER cannot be refused by SQLite to whoever can write the file: the file's
    permissions are the boundary, so the service creates it readable and writable by its owner only."""
    path, _ = sqlite_db
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# ------------------------------------------------------------------------------ PostgreSQL
def _pg_service_connect(pg_server):
    """A psycopg connection with exactly the credentials the running service uses."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(pg_server.env["DATABASE_URL"])
    return psycopg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, dbname=url.database,
        options=url.query.get("options"), autocommit=True,
    )


@pytest.fixture
def pg_decision(pg_server):
    with pg_server.client("officer") as o:
        r = o.post("/v1/evaluate", json={"item_id": "cn-tax-2021-6/03", "act_date": "2023-03-20",
                                        "decision_date": "2023-04-10", "first_offense": True, "harm": "minor",
                                        "corrected": "within_deadline"})
    assert r.status_code == 200
    return r.json()["decision_id"]


PG_SERVICE_REFUSED = {
    "update": "UPDATE decisions SET outcome = 'normal' WHERE id = %(id)s",
    "delete": "DELETE FROM decisions WHERE id = %(id)s",
    "truncate": "TRUNCATE decisions",
    "upsert": f"INSERT INTO decisions ({COLUMNS}) VALUES {VALUES.replace(':id', '%(id)s')} "
              "ON CONFLICT (id) DO UPDATE SET outcome = 'normal'",
    "disable_trigger": "ALTER TABLE decisions DISABLE TRIGGER ALL",
    "disable_user_triggers": "ALTER TABLE decisions DISABLE TRIGGER USER",
    "replica": "SET session_replication_role = replica",
    "drop_trigger": "DROP TRIGGER decisions_append_only ON decisions",
    "drop_table": "DROP TABLE decisions",
}


@pytest.mark.parametrize("route", sorted(PG_SERVICE_REFUSED))
def test_pg_service_role_cannot_change_the_log(pg_server, pg_decision, route):
    import psycopg

    with _pg_service_connect(pg_server) as conn:
        with pytest.raises(psycopg.Error) as err:
            conn.execute(PG_SERVICE_REFUSED[route], {"id": pg_decision} if "%(id)s" in PG_SERVICE_REFUSED[route] else None)
        assert err.value.sqlstate in ("42501", "P0001"), err.value  # insufficient_privilege (or the trigger)
        row = conn.execute("SELECT outcome, (SELECT count(*) FROM decisions) FROM decisions WHERE id = %s",
                           (pg_decision,)).fetchone()
    assert row is not None and row[0] == "no_penalty" and row[1] >= 1


def test_pg_service_role_is_insert_and_select_only(pg_server, pg_decision):
    with _pg_service_connect(pg_server) as conn:
        user, superuser = conn.execute(
            "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
        owner = conn.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'decisions' "
                             "AND schemaname = current_schema()").fetchone()[0]
        privs = {p: conn.execute("SELECT has_table_privilege('decisions', %s)", (p,)).fetchone()[0]
                 for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")}
    assert not superuser and user != owner
    assert privs == {"SELECT": True, "INSERT": True, "UPDATE": False, "DELETE": False, "TRUNCATE": False,
                     "REFERENCES": False, "TRIGGER": False}


@pytest.mark.parametrize("stmt", ["TRUNCATE decisions", "UPDATE decisions SET outcome = 'normal'",
                                  "DELETE FROM decisions"])
def test_pg_owner_is_refused_by_triggers(pg_schema, pg_server, pg_decision, stmt):
    import psycopg

    with pg_schema.connect() as conn:  # the owner (migrations)
        with pytest.raises(psycopg.Error, match="append-only"):
            conn.execute(stmt)
        assert conn.execute("SELECT count(*) FROM decisions WHERE id = %s", (pg_decision,)).fetchone()[0] == 1
