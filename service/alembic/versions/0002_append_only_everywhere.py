"""append-only, every route: no REPLACE / upsert overwrite in SQLite, no TRUNCATE in PostgreSQL

SQLite: REPLACE INTO, INSERT OR REPLACE and INSERT ... ON CONFLICT DO UPDATE replaced a stored
decision despite the UPDATE and DELETE triggers (REPLACE deletes the conflicting row without firing
DELETE triggers unless recursive_triggers is on). BEFORE INSERT triggers now refuse an insert whose
id or rowid is already stored, and an AFTER INSERT trigger refuses a non-positive rowid (SQLite only
assigns positive ones, and NEW.rowid of an insert without a rowid reads -1 in a BEFORE trigger, so
no stored row can be the target of an explicit-rowid REPLACE).

PostgreSQL: a BEFORE TRUNCATE trigger (TRUNCATE does not fire row triggers). The privileges of the
service's role are granted by service.audit.setup_service_role (the role name is configuration).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = {
    "decisions_no_replace_id": (
        "BEFORE INSERT ON decisions WHEN EXISTS (SELECT 1 FROM decisions WHERE id = NEW.id) "
        "BEGIN SELECT RAISE(ABORT, 'decisions is append-only: this id is already recorded'); END"
    ),
    "decisions_no_replace_rowid": (
        "BEFORE INSERT ON decisions WHEN EXISTS (SELECT 1 FROM decisions WHERE rowid = NEW.rowid) "
        "BEGIN SELECT RAISE(ABORT, 'decisions is append-only: this rowid is already recorded'); END"
    ),
    "decisions_positive_rowid": (
        "AFTER INSERT ON decisions WHEN NEW.rowid < 1 "
        "BEGIN SELECT RAISE(ABORT, 'decisions is append-only: rowid must be assigned by SQLite'); END"
    ),
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    elif dialect == "postgresql":
        op.execute(
            "CREATE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON decisions "
            "FOR EACH STATEMENT EXECUTE FUNCTION decisions_append_only()"
        )
        op.execute("REVOKE ALL ON decisions, api_keys FROM PUBLIC")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS decisions_no_truncate ON decisions")
