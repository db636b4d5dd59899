"""reviews and publications: insertion order from the database, and the channel of each record

`seq` (PostgreSQL): an identity column numbered by the database as rows are stored, so the review
workflow orders records by when the database stored them, not by `created_at`, which the writer
supplies (the CLI writes it from its host's clock: an approval stamped earlier, stored after an
objection, must not sort before it). SQLite has the same order in its rowid, guarded by 0004's
triggers (never reused, at least 1) and gets no column. (As written here, a writer could still give
a rowid, or on PostgreSQL a seq with OVERRIDING SYSTEM VALUE, below a stored one: 0006 refuses
SQLite's and narrows PostgreSQL's — a seq is drawn at insert, not at commit, see README, residual.)
Rows stored before this revision are numbered in the table's physical order, which is not their
order (a slot freed by VACUUM is reused): those rows are ordered by created_at (legacy, 0006).

`channel`: through which program the record was written — `service` (a key proven by the HTTP
service) or `cli` (the command line, whose key is read from the keys file of the service's
configuration; see README, 审核与发布: the limits of the CLI). NULL for rows before this revision.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("reviews", "publications")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("channel", sa.String(8), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY")


def downgrade() -> None:
    for table in TABLES:  # native DROP COLUMN: batch mode would drop 0004's SQLite triggers
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"ALTER TABLE {table} DROP COLUMN seq")
        op.execute(f"ALTER TABLE {table} DROP COLUMN channel")
