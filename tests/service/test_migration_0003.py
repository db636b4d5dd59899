"""Migration 0003 (case_ref) up and down on SQLite keeps the append-only triggers of 0001/0002:
a table rebuild (Alembic batch mode) would drop them silently."""

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from service.audit import ALEMBIC_DIR


def _triggers(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))


def _columns(engine) -> list[str]:
    with engine.connect() as conn:
        return [r[1] for r in conn.execute(text("PRAGMA table_info(decisions)"))]


def _run(engine, action, rev):
    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        action(cfg, rev)


def test_0003_down_and_up_keeps_triggers(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    _run(engine, command.upgrade, "0003")
    before = _triggers(engine)
    assert {"decisions_no_update", "decisions_no_delete", "decisions_no_replace_id"} <= set(before)
    assert "case_ref" in _columns(engine)
    _run(engine, command.downgrade, "0002")
    assert "case_ref" not in _columns(engine)
    assert _triggers(engine) == before
    _run(engine, command.upgrade, "0003")
    assert "case_ref" in _columns(engine) and _triggers(engine) == before
    engine.dispose()
