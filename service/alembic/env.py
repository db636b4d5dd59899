"""Alembic environment for the audit database. Run programmatically by service.audit.migrate(),
which passes an open connection in config.attributes["connection"]; the command line works too
(`alembic -x url=sqlite:///var/audit.db upgrade head` with script_location pointing here)."""

from alembic import context
from sqlalchemy import create_engine

from service.audit import Base

config = context.config
target_metadata = Base.metadata


def _sqlite_transaction(connection) -> None:
    """SQLite: open the transaction now. Python's sqlite3 (legacy transaction control) begins one only at the
    first INSERT/UPDATE/DELETE and runs DDL before it in autocommit: a migration failing after an ADD COLUMN or
    a DROP TRIGGER (0006, 0007 lift append-only triggers) would leave those committed and alembic_version
    behind. Inside BEGIN, SQLite's DDL is transactional: the upgrade commits or rolls back as a whole."""
    if connection.dialect.name != "sqlite":
        return
    dbapi = connection.connection.dbapi_connection
    if not dbapi.in_transaction:
        connection.exec_driver_sql("BEGIN")


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _sqlite_transaction(connection)
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(url)
    with engine.begin() as conn:
        _sqlite_transaction(conn)
        context.configure(connection=conn, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


def run_migrations_offline() -> None:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
