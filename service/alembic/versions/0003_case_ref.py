"""case_ref: the officer's case reference (办案编号) on a decision, indexed for reviewers' search

An evaluation may carry the agency's case reference (`?case_ref=` on /v1/evaluate, `case_refs` in a
batch). It is stored as given (personal data is refused at the boundary, not masked) so reviewers
can find the decisions of one case (GET /v1/decisions?case_ref=… or case_ref_contains=…). Records
written before this revision have NULL. The append-only triggers of 0001/0002 are row triggers and
cover the new column as they cover the others.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("decisions", sa.Column("case_ref", sa.String(64), nullable=True))
    op.create_index("ix_decisions_case_ref", "decisions", ["case_ref"])


def downgrade() -> None:
    # A native DROP COLUMN (SQLite >= 3.35, PostgreSQL): Alembic's batch mode would rebuild the
    # SQLite table and silently drop the append-only triggers of 0001 and 0002 with it.
    op.drop_index("ix_decisions_case_ref", table_name="decisions")
    op.execute("ALTER TABLE decisions DROP COLUMN case_ref")
