"""decided_by: which ruleset decided a recorded decision, and how that is known

`decided_by` is the key (one of the record's `rulesets`) of the version whose rule decided the answer: the
deciding item's list version (cn-tax-first-offense@2021-33); when no list item decided, the law version of the
statutory rule that did (xzcf@2021), or the special-law table (special-laws@4) when one of its rows did; NULL
when no rule decided (undetermined, or 依法处罚 with no lenient rule met). The service writes it with every
decision from this revision on (`decided_by_source` 'engine').

Records written before: `rulesets` cannot tell by its order — it is stored as canonical JSON with sorted keys
(service.audit.dumps), so its first entry is the alphabetically first key, not the deciding version (a statute
deciding a case to which a list item also applied is stored as {"<list>@…": …, "xzcf@2021": …}, the list
first). `decided_by` is derived only where the record makes it certain (`decided_by_source` 'migration'):

* outcome undetermined: NULL (no rule decided; the engine names no chosen rule while a more lenient rule is open);
* no chosen item and outcome normal: NULL (no statutory rule has outcome normal in any version of lists/statutory
  or of the code before it, penalty_rules/engine/statutory.py: 依法处罚 without an item is no rule's answer);
* a chosen item and exactly one list version among the rulesets (keys other than xzcf@… and special-laws@…):
  that version (the deciding item's version was always recorded; before 2026-12-01 the other versions holding
  the item id were recorded too, so one list version means no other held it).

Everything else stays NULL with `decided_by_source` 'unknown': a chosen item with two or more list versions
(the act-date and decision-date versions of one list under 从旧兼从轻, or drafts and versions not in force,
recorded before 2026-12-01) — the record does not say which held the deciding item; a lenient outcome with no
chosen item (a statutory rule decided) — until 2026-12-01 the record did not name the special-law table even
when one of its rows decided (税收征收管理法 86's limitation), and with both texts of 行政处罚法 recorded it
does not say which one decided.

The decisions table is append-only (0001, 0002): the derived values are written here, once, by the tables'
owner in the transaction that adds the columns, with the UPDATE trigger lifted for that transaction only
(SQLite: dropped and created again with its stored SQL; PostgreSQL: DISABLE/ENABLE TRIGGER, which only the
owner can do); no other column of a stored record is touched, and on commit the triggers stand as before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

STATUTORY_IDS = ("xzcf", "special-laws")  # the ids of lists/statutory in every version before this revision


def derive(outcome: str, chosen_item: str | None, rulesets_json: str) -> tuple[str | None, str]:
    """(decided_by, source) of a record written before this revision: source 'migration' when certain,
    'unknown' (decided_by None) when the record does not settle it (the module's notes say why)."""
    if outcome == "undetermined":
        return None, "migration"
    if chosen_item is None:
        return (None, "migration") if outcome == "normal" else (None, "unknown")
    try:
        keys = list(json.loads(rulesets_json or "{}"))
    except ValueError:
        return None, "unknown"
    lists = [k for k in keys if k.split("@", 1)[0] not in STATUTORY_IDS]
    return (lists[0], "migration") if len(lists) == 1 else (None, "unknown")


def upgrade() -> None:
    op.add_column("decisions", sa.Column("decided_by", sa.String(200), nullable=True))
    op.add_column("decisions", sa.Column("decided_by_source", sa.String(16), nullable=True))
    op.create_index("ix_decisions_decided_by", "decisions", ["decided_by"])
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, outcome, chosen_item, rulesets FROM decisions")).all()
    if not rows:
        return
    dialect = bind.dialect.name
    trigger_sql = None
    if dialect == "sqlite":
        trigger_sql = bind.execute(sa.text(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'decisions_no_update'")).scalar()
        if trigger_sql:
            bind.execute(sa.text("DROP TRIGGER decisions_no_update"))
    elif dialect == "postgresql":
        bind.execute(sa.text("ALTER TABLE decisions DISABLE TRIGGER decisions_append_only"))
    update = sa.text("UPDATE decisions SET decided_by = :d, decided_by_source = :s WHERE id = :id")
    params = []
    for r in rows:
        value, source = derive(r.outcome, r.chosen_item, r.rulesets)
        params.append({"id": r.id, "d": value, "s": source})
    bind.execute(update, params)
    if dialect == "sqlite" and trigger_sql:
        bind.execute(sa.text(trigger_sql))
    elif dialect == "postgresql":
        bind.execute(sa.text("ALTER TABLE decisions ENABLE TRIGGER decisions_append_only"))


def downgrade() -> None:
    # native DROP COLUMN (SQLite >= 3.35, PostgreSQL): batch mode would rebuild the SQLite table without its triggers
    op.drop_index("ix_decisions_decided_by", table_name="decisions")
    op.execute("ALTER TABLE decisions DROP COLUMN decided_by_source")
    op.execute("ALTER TABLE decisions DROP COLUMN decided_by")
