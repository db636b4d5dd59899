"""decisions (append-only audit log) and api_keys

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=True),
        sa.Column("batch_index", sa.Integer, nullable=True),
        sa.Column("requested_item", sa.String(120), nullable=True),
        sa.Column("chosen_item", sa.String(120), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("items", sa.Text, nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("facts", sa.Text, nullable=False),
        sa.Column("rulesets", sa.Text, nullable=False),
        sa.Column("ruleset_version", sa.String(32), nullable=False),
        sa.Column("engine_version", sa.String(32), nullable=False),
        sa.Column("trace_version", sa.String(16), nullable=False),
        sa.Column("decision_date", sa.String(10), nullable=False),
        sa.Column("api_key", sa.String(64), nullable=True),
    )
    op.create_index("ix_decisions_created_at", "decisions", ["created_at"])
    op.create_index("ix_decisions_requested_item", "decisions", ["requested_item"])
    op.create_index("ix_decisions_chosen_item", "decisions", ["chosen_item"])
    op.create_index("ix_decisions_ruleset_version", "decisions", ["ruleset_version"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("key_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    # The audit log is append-only: refuse UPDATE and DELETE in the database itself.
    if op.get_bind().dialect.name == "sqlite":
        for what in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER decisions_no_{what.lower()} BEFORE {what} ON decisions "
                "BEGIN SELECT RAISE(ABORT, 'decisions is append-only'); END"
            )
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'decisions is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions "
            "FOR EACH ROW EXECUTE FUNCTION decisions_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS decisions_append_only ON decisions")
        op.execute("DROP FUNCTION IF EXISTS decisions_append_only()")
    op.drop_table("api_keys")
    op.drop_table("decisions")
