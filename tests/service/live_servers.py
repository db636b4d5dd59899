"""Real servers for the service and web tests: `penalty-rules serve` in a subprocess on 127.0.0.1
and a free port, with its own var/ directory; PostgreSQL in a fresh schema per run (dropped after),
the service connecting as an INSERT-and-SELECT-only role (PgSchema). Imported by its full name
(`tests.service.live_servers`), never as `conftest`: with several conftest.py files in one run, a
bare `from conftest import` takes whichever was imported first."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_BASE = os.environ.get("PENALTY_RULES_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("PENALTY_RULES_REQUIRE_POSTGRES") == "1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    var: Path
    env: dict
    port: int = 0
    proc: subprocess.Popen | None = None
    keys: dict = field(default_factory=dict)
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60, port: int | None = None, workers: int = 1) -> "Server":
        self.port = port or free_port()
        self.log = self.var / f"server-{self.port}-{int(time.time() * 1000)}.log"
        self.var.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "penalty_rules.cli.app", "serve", "--port", str(self.port),
                 "--log-level", "warning", *(["--workers", str(workers)] if workers > 1 else [])],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.output()}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError(f"server not ready in {timeout}s:\n{self.output()}")
        keys_file = self.var / "dev-keys.json"
        if keys_file.exists():
            self.keys = {k["role"]: k["key"] for k in json.loads(keys_file.read_text())["keys"]}
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def kill9(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def client(self, role: str | None = "officer", **kw) -> httpx.Client:
        headers = {"X-API-Key": self.keys[role]} if role else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=kw.pop("timeout", 30), **kw)


def server_env(var: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PENALTY_RULES_") and k != "DATABASE_URL"}
    env.update({"PENALTY_RULES_VAR": str(var), "PYTHONUNBUFFERED": "1"})
    for k in ("PENALTY_RULES_LISTS", "PENALTY_RULES_STATUTES"):
        if k in os.environ:
            env[k] = os.environ[k]
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


# ------------------------------------------------------------------------------ PostgreSQL
def _pg_reachable() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_BASE.replace("postgresql+psycopg", "postgresql"), connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL here
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class PgSchema:
    """A fresh schema; the URLs set search_path to it, so every table (and alembic_version) lands there.

    As in production, two roles: the owner (PG_BASE's user) migrates, and the service connects as
    its own login role `<schema>_svc` with INSERT and SELECT only (created and granted by
    service.audit.setup_service_role). `url` is the service's URL; `owner_url` the migrations'."""

    def __init__(self):
        import psycopg
        from sqlalchemy.engine import make_url

        from service.audit import make_engine, migrate, setup_service_role

        self.name = "pr_test_" + uuid.uuid4().hex[:10]
        self.role = self.name + "_svc"
        self._dsn = PG_BASE.replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(self._dsn, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.name}"')
        options = f"options=-csearch_path%3D{self.name}"
        self.owner_url = f"{PG_BASE}?{options}"
        password = uuid.uuid4().hex
        service = make_url(PG_BASE).set(username=self.role, password=password)
        self.url = f"{service.render_as_string(hide_password=False)}?{options}"
        owner = make_engine(self.owner_url)
        try:
            migrate(owner)
            setup_service_role(owner, self.role, password=password)
        finally:
            owner.dispose()

    def server_env(self) -> dict:
        """What a server needs: the service's URL, and the owner's for migrations at startup."""
        return {"DATABASE_URL": self.url, "PENALTY_RULES_MIGRATE_URL": self.owner_url}

    def connect(self):
        """A connection as the owner (migrations)."""
        import psycopg

        return psycopg.connect(self._dsn, options=f"-csearch_path={self.name}", autocommit=True)

    def drop(self):
        import psycopg

        with psycopg.connect(self._dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')
            try:
                conn.execute(f'DROP OWNED BY "{self.role}"')
                conn.execute(f'DROP ROLE IF EXISTS "{self.role}"')
            except psycopg.Error:  # still connected somewhere: a leftover login role without objects
                pass


def pg_schema_or_skip() -> PgSchema:
    why = _pg_reachable()
    if why is not None:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL 不可用, 而 PENALTY_RULES_REQUIRE_POSTGRES=1: {why}")
        pytest.skip(f"PostgreSQL 不可用({PG_BASE}), 跳过 PostgreSQL 审计测试: {why}")
    return PgSchema()
