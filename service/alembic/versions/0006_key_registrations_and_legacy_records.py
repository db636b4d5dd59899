"""Every (name, role) a key was loaded under, and which review records predate the chain check

`key_registrations` (append-only): one row per (key_sha256, name, role) the service has loaded
(unique: two workers registering the same key at once insert it once).
`api_keys` keeps the first name and role of a secret (its unique columns; a rotated key of a known
name stored as `name+`): a key whose role or name changed in the keys file (same secret) was still
registered under the old ones only, so its new records did not count and the next start was
refused. Records count by any (name, role) the key was loaded under (service.reviews.registered_keys).
Filled from `api_keys` (a `name+` row under the name it renamed).

`legacy_records` (append-only): per review table, the highest `seq` (SQLite rowid, PostgreSQL
identity) of the rows written before 0005 (`channel` NULL, and below the first row with a channel:
the code of 0005 writes one on every row, a channel-less row after it came from another writer and
is no legacy): records of the code before the
four-eyes chain check (no `@list` header review, keys not registered by the CLI). The chain check
holds them to the rules they were written under (penalty_rules.publish.check.check_chains); a
row written later, with or without a channel, is checked in full.

SQLite: `seq` (rowid) can no longer be given lower than a stored one (an AFTER INSERT trigger: a
writer inserting rowid 500 after 1000 is refused). PostgreSQL: `seq` must be the identity's own
value (OVERRIDING SYSTEM VALUE refused by a BEFORE INSERT trigger comparing it with the session's
currval of the identity; a unique index refuses a repeated seq). This narrows, does not close,
a PostgreSQL writer's placing of a row before stored ones: a seq is drawn at insert, not at commit
(a transaction held open stores its row behind rows committed meanwhile), and a value drawn in a
rolled-back insert is still the session's currval (README, residual).

A key name ending in `+` beside the name without it is folded into that name (a real `li+` too:
the service's rotated-key renaming cannot be told from it here).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ("reviews", "publications")
NEW = ("key_registrations", "legacy_records")


def upgrade() -> None:
    op.create_table(
        "key_registrations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key_sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("key_sha256", "name", "role", name="uq_key_registrations_key_name_role"),
    )
    op.create_table(
        "legacy_records",
        sa.Column("table_name", sa.String(32), primary_key=True),
        sa.Column("max_seq", sa.BigInteger, nullable=False),
    )
    bind = op.get_bind()
    dialect = bind.dialect.name
    keys = bind.execute(sa.text("SELECT key_sha256, name, role, source, created_at FROM api_keys ORDER BY id")).all()
    names = {k.name for k in keys}
    for k in keys:
        name = k.name
        while name.endswith("+") and name[:-1] in names:  # the service's renaming of a rotated key
            name = name[:-1]
        bind.execute(sa.text("INSERT INTO key_registrations (key_sha256, name, role, source, created_at) "
                             "VALUES (:s, :n, :r, :src, :c)"),
                     {"s": k.key_sha256, "n": name, "r": k.role, "src": k.source, "c": k.created_at})
    for table in TABLES:
        seq = "rowid" if dialect == "sqlite" else "seq"
        top = bind.execute(sa.text(f"SELECT max({seq}) FROM {table} WHERE channel IS NULL")).scalar()
        first = bind.execute(sa.text(f"SELECT min({seq}) FROM {table} WHERE channel IS NOT NULL")).scalar()
        if top is not None and first is not None:  # a channel-less row after 0005's first is no legacy
            top = min(int(top), int(first) - 1)
        bind.execute(sa.text("INSERT INTO legacy_records (table_name, max_seq) VALUES (:t, :m)"),
                     {"t": table, "m": int(top or 0)})
    if dialect == "sqlite":
        for table in NEW:
            refuse = f"SELECT RAISE(ABORT, '{table} is append-only')"
            op.execute(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN {refuse}; END")
            op.execute(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN {refuse}; END")
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_rowid_ascending AFTER INSERT ON {table} "
                f"WHEN NEW.rowid < (SELECT max(rowid) FROM {table}) "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: rowid must be assigned by SQLite'); END")
    elif dialect == "postgresql":
        for table in NEW:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION review_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION review_append_only()")
        op.execute("REVOKE ALL ON key_registrations, legacy_records FROM PUBLIC")
        # seq is the identity's own value: OVERRIDING SYSTEM VALUE (a writer's seq) is refused
        op.execute(
            "CREATE FUNCTION review_seq_assigned() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ "
            "BEGIN IF NEW.seq IS DISTINCT FROM currval(pg_get_serial_sequence(format('%I.%I', TG_TABLE_SCHEMA, "
            "TG_TABLE_NAME), 'seq')) THEN RAISE EXCEPTION '%: seq must be assigned by the database', TG_TABLE_NAME; "
            "END IF; RETURN NEW; END $$")
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_seq_assigned BEFORE INSERT ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION review_seq_assigned()")
            op.execute(f"CREATE UNIQUE INDEX ux_{table}_seq ON {table} (seq)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_rowid_ascending")
    elif dialect == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_seq_assigned ON {table}")
            op.execute(f"DROP INDEX IF EXISTS ux_{table}_seq")
        op.execute("DROP FUNCTION IF EXISTS review_seq_assigned()")
    for table in NEW:
        op.drop_table(table)
