"""reviews and publications: the review record of list versions (issue 11), append-only

`reviews`: one row per verdict a reviewer gives on one item of one list version (key name, role,
when, approved / needs_change, comment), with the hash of the item's content and of the version's
content at that moment, so a verdict on content that was edited afterwards does not count.
`publications`: the four-eyes record of publishing a version: a `request` by one reviewer key (with
the effective dates) and an `approve` by a different reviewer key, naming the request; `allow_past`
records that an effective_from before that day was given on purpose (by the requester on the
request, by the approver on the approval).

Append-only like `decisions` (0001/0002): SQLite triggers refuse UPDATE, DELETE and inserts that
would replace a stored row (by id or rowid); PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE,
and the service's role gets INSERT and SELECT only (service.audit.setup_service_role).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("reviews", "publications")


def _sqlite_triggers(table: str) -> dict[str, str]:
    refuse = f"SELECT RAISE(ABORT, '{table} is append-only')"
    return {
        f"{table}_no_update": f"BEFORE UPDATE ON {table} BEGIN {refuse}; END",
        f"{table}_no_delete": f"BEFORE DELETE ON {table} BEGIN {refuse}; END",
        f"{table}_no_replace_id": (
            f"BEFORE INSERT ON {table} WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: this id is already recorded'); END"
        ),
        f"{table}_no_replace_rowid": (
            f"BEFORE INSERT ON {table} WHEN EXISTS (SELECT 1 FROM {table} WHERE rowid = NEW.rowid) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: this rowid is already recorded'); END"
        ),
        f"{table}_positive_rowid": (
            f"AFTER INSERT ON {table} WHEN NEW.rowid < 1 "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: rowid must be assigned by SQLite'); END"
        ),
    }


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("list_key", sa.String(200), nullable=False),
        sa.Column("content_hash", sa.String(71), nullable=False),
        sa.Column("item_id", sa.String(120), nullable=False),
        sa.Column("item_hash", sa.String(71), nullable=False),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text, nullable=True),
    )
    op.create_index("ix_reviews_list_key", "reviews", ["list_key"])
    op.create_table(
        "publications",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("list_key", sa.String(200), nullable=False),
        sa.Column("content_hash", sa.String(71), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("request_id", sa.String(36), nullable=True),
        sa.Column("effective_from", sa.String(10), nullable=False),
        sa.Column("effective_to", sa.String(10), nullable=True),
        sa.Column("published_hash", sa.String(71), nullable=True),
        sa.Column("comment", sa.Text, nullable=True),
        # an effective_from before the day of the request / approval was explicitly intended
        sa.Column("allow_past", sa.Boolean, nullable=True),
    )
    op.create_index("ix_publications_list_key", "publications", ["list_key"])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in TABLES:
            for name, body in _sqlite_triggers(table).items():
                op.execute(f"CREATE TRIGGER {name} {body}")
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION review_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION review_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION review_append_only()"
            )
        op.execute("REVOKE ALL ON reviews, publications FROM PUBLIC")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.drop_table("publications")
    op.drop_table("reviews")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS review_append_only()")
