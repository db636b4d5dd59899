"""Several worker processes start at once (`serve --workers N`): each migrates and grants the service's role
its INSERT and SELECT. Concurrent GRANTs on one schema make PostgreSQL fail one of them ("tuple concurrently
updated"), and that worker refused to start (seen in CI: test_two_workers_lose_no_audit_record[postgresql]).
The setup is serialised by an advisory lock: run from many threads at once, every call succeeds."""

from concurrent.futures import ThreadPoolExecutor

from service.audit import make_engine, setup_service_role


def test_concurrent_setups_all_succeed(pg_schema):
    owners = [make_engine(pg_schema.owner_url) for _ in range(6)]

    def setup(owner):  # (the schema is migrated by the fixture; alembic's context is no thread's own)
        setup_service_role(owner, pg_schema.role)
        return True

    try:
        for _ in range(10):  # rounds: the race is a matter of timing
            with ThreadPoolExecutor(len(owners)) as pool:
                assert all(pool.map(setup, owners))
    finally:
        for owner in owners:
            owner.dispose()
