"""Fixtures of the service tests: the real servers and PostgreSQL schemas of
tests/service/live_servers.py (import helpers from there, by its full name, not from conftest)."""

import pytest

from tests.service.live_servers import Server, pg_schema_or_skip, server_env


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The main server: SQLite audit log in a temporary var/ directory."""
    var = tmp_path_factory.mktemp("var-sqlite")
    srv = Server(var, server_env(var)).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def pg_schema():
    schema = pg_schema_or_skip()
    yield schema
    schema.drop()


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory, pg_schema):
    var = tmp_path_factory.mktemp("var-pg")
    srv = Server(var, server_env(var, **pg_schema.server_env())).start()
    yield srv
    srv.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def audit_server(request):
    """Each audit test runs once against SQLite and once against PostgreSQL."""
    return request.getfixturevalue("server" if request.param == "sqlite" else "pg_server")


@pytest.fixture
def officer(server):
    with server.client("officer") as c:
        yield c


@pytest.fixture
def reviewer(server):
    with server.client("reviewer") as c:
        yield c


@pytest.fixture
def inprocess_app(tmp_path, monkeypatch):
    """The app in process (TestClient) on a fresh SQLite audit log under tmp_path, reference
    evaluator only; `inprocess_app(**env)` sets more PENALTY_RULES_* settings first."""
    from contextlib import ExitStack

    from fastapi.testclient import TestClient

    from service.app import create_app

    stack = ExitStack()

    def start(**env) -> TestClient:
        for k in ("DATABASE_URL", "PENALTY_RULES_ENV", "PENALTY_RULES_KEYS_FILE", "PENALTY_RULES_AUDIT_SALT",
                  "PENALTY_RULES_MIGRATE_URL"):
            monkeypatch.delenv(k, raising=False)
        monkeypatch.setenv("PENALTY_RULES_VAR", str(tmp_path))
        monkeypatch.setenv("PENALTY_RULES_DURABLE", "0")
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        return stack.enter_context(TestClient(create_app()))

    with stack:
        yield start
