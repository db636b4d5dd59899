"""`decided_by` in the evaluate answer, the audit record (GET /v1/decisions/{id}, ?decided_by=) and the replay,
on SQLite and PostgreSQL; migration 0007 on a database holding records written before it: the value is derived
only where the record makes it certain, the rest is NULL with decided_by_source 'unknown', and the log stays
append-only. Expected values come from the lists' dates and the statute text (tests/engine/test_decided_by.py)."""

import json
import uuid

import pytest
import sqlalchemy as sa

from service.audit import make_engine
from tests.service.live_servers import pg_schema_or_skip
from tests.service.test_review_upgrade import _insert, _upgrade

# lists/national/cn-tax-first-offense/2021-33.yaml (effective_from 2022-01-01): the only version for 2023
LIST_CASE = {"item_id": "cn-tax-2021-6/03", "act_date": "2023-03-20", "decision_date": "2023-04-10",
             "first_offense": True, "harm": "minor", "corrected": "within_deadline"}
# 行政处罚法(2021) 第三十六条: 违法行为在二年内未被发现的，不再给予行政处罚 (no harm: not the five-year case)
STATUTE_CASE = {"jurisdiction": "371502", "domain": "market", "act_date": "2021-09-01", "discovered_date": "2024-03-01",
                "harm": "none", "continuing": False, "decision_date": "2024-04-01"}
UNDETERMINED_CASE = {"jurisdiction": "371502", "domain": "market", "decision_date": "2024-04-01"}


def test_decided_by_answered_recorded_and_searchable(audit_server):
    expected = {"list": "cn-tax-first-offense@2021-33", "statute": "xzcf@2021", "undetermined": None}
    ids = {}
    with audit_server.client("officer") as o, audit_server.client("reviewer") as rv:
        for name, facts in (("list", LIST_CASE), ("statute", STATUTE_CASE), ("undetermined", UNDETERMINED_CASE)):
            r = o.post("/v1/evaluate", json=facts)
            assert r.status_code == 200, r.text
            assert r.json()["decided_by"] == expected[name], name
            ids[name] = r.json()["decision_id"]
        for name, did in ids.items():
            rec = rv.get(f"/v1/decisions/{did}").json()
            assert (rec["decided_by"], rec["decided_by_source"]) == (expected[name], "engine"), name
        page = rv.get("/v1/decisions", params={"decided_by": "xzcf@2021", "limit": 1000}).json()
        found = {d["id"] for d in page["decisions"]}
        assert ids["statute"] in found and ids["list"] not in found
        assert all(d["decided_by"] == "xzcf@2021" for d in page["decisions"])
        bad = rv.get("/v1/decisions", params={"decided_by": "xzcf"})
        assert bad.status_code == 422
        rep = rv.post(f"/v1/decisions/{ids['list']}/replay").json()
        assert rep["original"]["decided_by"] == rep["replayed"]["decided_by"] == expected["list"]
        assert rep["original"]["decided_by_known"] is True and rep["changed"]["decided_by"] is False


# ------------------------------------------------------------------------------ migration 0007
def _old(outcome: str, chosen_item: str | None, rulesets: dict) -> dict:
    """A record as the code before 0007 wrote it: rulesets as canonical JSON with sorted keys (audit.dumps)."""
    return {"id": str(uuid.uuid4()), "created_at": "2026-11-30T08:00:00.000000Z", "kind": "evaluate",
            "chosen_item": chosen_item, "requested_item": chosen_item, "outcome": outcome, "items": "[]", "basis": "[]",
            "facts": "{}", "rulesets": json.dumps(rulesets, sort_keys=True, separators=(",", ":")),
            "ruleset_version": "abc", "engine_version": "0", "trace_version": "1", "decision_date": "2026-11-30"}


OLD = {
    # nothing decided: the engine names no chosen rule while a more lenient rule is open
    "undetermined": (_old("undetermined", None, {"xzcf@2017": "h", "xzcf@2021": "h"}), (None, "migration")),
    # one list version beside the law texts: the deciding item's version (it is always recorded)
    "one_list": (_old("no_penalty", "cn-tax-2021-6/03", {"cn-tax-first-offense@2021-33": "h", "special-laws@4": "h",
                                                          "xzcf@2021": "h"}),
                 ("cn-tax-first-offense@2021-33", "migration")),
    # the act-date and decision-date versions of one list (从旧兼从轻): the record does not say which held the item
    "two_versions": (_old("no_penalty", "cn-tax-2021-6/03", {"cn-tax-first-offense@2021-33": "h",
                                                             "cn-tax-first-offense@2021-6": "h", "xzcf@2017": "h",
                                                             "xzcf@2021": "h"}), (None, "unknown")),
    # a statute decided (no chosen item) while a list's item applied: sorted keys put the list first, which did
    # not decide; and the special-law table was not recorded before 2026-12-01 even when its row decided
    "statute": (_old("no_penalty", None, {"sd-2021@2021": "h", "xzcf@2021": "h"}), (None, "unknown")),
    # 依法处罚 with no chosen item: no statutory rule has outcome normal — no rule decided
    "normal": (_old("normal", None, {"xzcf@2021": "h"}), (None, "migration")),
}


def _triggers(engine) -> list:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            q = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'decisions' ORDER BY name"
        else:
            q = ("SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'decisions'::regclass AND NOT tgisinternal "
                 "ORDER BY tgname")
        return [tuple(r) for r in conn.execute(sa.text(q))]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migration_0007_on_records_written_before(tmp_path, backend, monkeypatch):
    import service.audit as audit

    if backend == "postgresql":  # the owner migrates to 0006 only; no service role is needed here
        monkeypatch.setattr(audit, "migrate", lambda engine: _upgrade(engine, "0006"))
        monkeypatch.setattr(audit, "setup_service_role", lambda *a, **k: None)
        pg = pg_schema_or_skip()
        monkeypatch.undo()
        owner = make_engine(pg.owner_url)
    else:
        pg, owner = None, make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
        _upgrade(owner, "0006")
    try:
        for row, _ in OLD.values():
            _insert(owner, "decisions", row)
        before = _triggers(owner)
        assert before  # the append-only triggers of 0001/0002
        _upgrade(owner, "head")
        with owner.connect() as conn:
            got = {r.id: (r.decided_by, r.decided_by_source) for r in conn.execute(
                sa.text("SELECT id, decided_by, decided_by_source FROM decisions"))}
            kept = {r.id: r.rulesets for r in conn.execute(sa.text("SELECT id, rulesets FROM decisions"))}
        for name, (row, want) in OLD.items():
            assert got[row["id"]] == want, name
            assert kept[row["id"]] == row["rulesets"], name  # no other column touched
        assert _triggers(owner) == before  # the same triggers, enabled
        for stmt in ("UPDATE decisions SET decided_by = 'x@1'", "DELETE FROM decisions"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                with owner.begin() as conn:
                    conn.execute(sa.text(stmt))
        with owner.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM decisions")).scalar_one() == len(OLD)
    finally:
        owner.dispose()
        if pg is not None:
            pg.drop()


def test_0007_failing_on_sqlite_rolls_back_whole(tmp_path):
    """0007 drops decisions_no_update on SQLite to backfill decided_by. Python's sqlite3 opens a transaction only
    at the first INSERT/UPDATE/DELETE, so the ADD COLUMNs and the DROP TRIGGER before the backfill were committed
    one by one: a failure in the backfill left the log open to UPDATE, the columns added and alembic_version at
    0006 (the next start failed with "duplicate column name"). The upgrade is one transaction: a failure
    changes nothing and the retry succeeds. The failure is injected as a trigger refusing the backfill's UPDATE."""
    from service.audit import migrate
    from tests.service.test_migration_0003 import _columns

    engine = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    try:
        _upgrade(engine, "0006")
        row, want = OLD["one_list"]
        _insert(engine, "decisions", row)
        before = _triggers(engine)
        assert "decisions_no_update" in [name for name, _ in before]
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TRIGGER injected_failure BEFORE UPDATE ON decisions "
                                 "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"))
        with pytest.raises(sa.exc.DBAPIError, match="injected failure"):
            migrate(engine)
        assert [t for t in _triggers(engine) if t[0] != "injected_failure"] == before
        assert "decided_by" not in _columns(engine) and "decided_by_source" not in _columns(engine)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == "0006"
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TRIGGER injected_failure"))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(sa.text("UPDATE decisions SET outcome = 'normal'"))
        migrate(engine)  # the retry
        assert _triggers(engine) == before
        with engine.connect() as conn:
            got = conn.execute(sa.text("SELECT decided_by, decided_by_source FROM decisions")).one()
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == "0007"
        assert tuple(got) == want
    finally:
        engine.dispose()


def test_0007_down_and_up_keeps_the_triggers(tmp_path):
    from alembic import command

    from tests.service.test_migration_0003 import _columns, _run
    from tests.service.test_migration_0003 import _triggers as names

    engine = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    try:
        _upgrade(engine, "head")
        before = names(engine)
        assert {"decided_by", "decided_by_source"} <= set(_columns(engine))
        _run(engine, command.downgrade, "0006")
        assert "decided_by" not in _columns(engine) and names(engine) == before
        _run(engine, command.upgrade, "0007")
        assert "decided_by" in _columns(engine) and names(engine) == before
    finally:
        engine.dispose()


def test_replay_under_a_version_that_applied_but_did_not_decide(server):
    """Item x01 of sd-mr-2024-reduced@2024 (in force from 2024-11-21) names the conduct, but 行政处罚法(2021) 第三十六条
    bars the case (act 2023-01-10, no harm, discovered 2025-03-01: two years run): 不再给予行政处罚 — the statute
    decides, not the list. Replayed under that list version, the answer says the version applied and who decided."""
    facts = {"item_id": "sd-mr-2024-reduced/x01", "jurisdiction": "371502", "act_date": "2023-01-10",
             "discovered_date": "2025-03-01", "decision_date": "2025-04-01", "harm": "none", "continuing": False}
    with server.client("officer") as o, server.client("reviewer") as rv:
        r = o.post("/v1/evaluate", json=facts)
        assert r.status_code == 200, r.text
        assert r.json()["outcome"] == "no_penalty" and r.json()["decided_by"] == "xzcf@2021"
        rec = rv.get(f"/v1/decisions/{r.json()['decision_id']}").json()
        assert "sd-mr-2024-reduced@2024" in rec["rulesets"]  # the item applied
        rep = rv.post(f"/v1/decisions/{rec['id']}/replay", params={"list_version": "sd-mr-2024-reduced@2024"}).json()
        assert rep["replayed"]["decided_by"] == "xzcf@2021"
        assert any("sd-mr-2024-reduced@2024 适用于本案但未作出结论, 作出结论的是 xzcf@2021" in w for w in rep["warnings"])
