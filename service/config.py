"""Service settings from the environment (the engine's own settings come from penalty_rules.config)."""

import os
from dataclasses import dataclass, field
from pathlib import Path

from penalty_rules.config import PROJECT_ROOT, Settings

MAX_BODY_BYTES = 1024 * 1024  # 1 MiB
MAX_BATCH = 1000
# Work of a batch request: one unit per case, FULL_WEIGHT units per case with ?detail=full (trace and
# items make a response several times larger). A request carries at most MAX_BATCH units.
FULL_WEIGHT = 5
MAX_BATCH_FULL = MAX_BATCH // FULL_WEIGHT
ENVS = ("dev", "production")
WEB_SECURE_MODES = ("auto", "always", "never")  # PENALTY_RULES_WEB_SECURE_COOKIE
KEY_NAME_MAX = 64  # api_keys.name and decisions.api_key are VARCHAR(64) (alembic 0001)


def _env_number(name: str, default: str, kind=float, minimum: float = 0, what: str = "") -> float:
    raw = os.environ.get(name, default)
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value != value or value in (float("inf"), float("-inf")) or value < minimum:
        kind_zh = "整数" if kind is int else "数字"
        raise SystemExit(f"{name} 须为不小于 {minimum:g} 的{kind_zh}{what}, 而不是 {raw!r}; 服务未启动")
    return value


@dataclass(frozen=True)
class ServiceSettings:
    engine: Settings
    var_dir: Path
    database_url: str
    env: str  # "dev" | "production"
    keys_file: Path | None
    audit_mode: str  # "group": a writer thread commits batches; "direct": one commit per request
    audit_salt: str
    use_durable: bool = True
    decision_memo: int = 10_000  # decisions kept for repeated identical facts (0 = off)
    body_timeout: float = 15.0  # seconds to receive a whole request body (408 and close after)
    batch_rate: float = 30_000  # batch work units per minute per API key (0 = no limit)
    batch_burst: int = 5_000  # units a key may use at once (>= MAX_BATCH)
    max_connections: int = 1000  # uvicorn limit_concurrency: beyond it new requests get 503
    audit_timeout: float = 5.0  # seconds a write may wait for the audit database (lock) before 503
    migrate_url: str | None = None  # PostgreSQL: the tables' owner, for migrations; the service uses database_url
    eval_threads: int = 1  # threads per process that run evaluations off the event loop (service.pool)
    eval_queue: int = 64  # evaluations admitted per process at once (running + waiting); beyond: 503 + Retry-After
    web_secret: str = field(default="", repr=False)  # PENALTY_RULES_WEB_SECRET; empty: var/web-secret
    web_secure_cookie: str = "auto"  # the workbench cookies' Secure flag: auto (https requests) | always | never

    @property
    def service_role(self) -> str | None:
        """PostgreSQL: the role the service connects as when migrations use another one (granted
        INSERT and SELECT only at startup, see service.audit.setup_service_role)."""
        from service.audit import service_role_of

        return service_role_of(self.database_url, self.migrate_url)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def dev_keys_file(self) -> Path:
        return self.var_dir / "dev-keys.json"

    @classmethod
    def from_env(cls, engine: Settings | None = None) -> "ServiceSettings":
        var = Path(os.environ.get("PENALTY_RULES_VAR") or PROJECT_ROOT / "var")
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{var / 'audit.db'}"
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        migrate_url = os.environ.get("PENALTY_RULES_MIGRATE_URL") or None
        if migrate_url and (migrate_url.startswith("postgresql://") or migrate_url.startswith("postgres://")):
            migrate_url = "postgresql+psycopg://" + migrate_url.split("://", 1)[1]
        keys = os.environ.get("PENALTY_RULES_KEYS_FILE")
        mode = os.environ.get("PENALTY_RULES_AUDIT_MODE", "group")
        if mode not in ("group", "direct"):
            raise SystemExit(f"PENALTY_RULES_AUDIT_MODE 须为 group 或 direct, 而不是 {mode!r}")
        env = os.environ.get("PENALTY_RULES_ENV", "dev")
        if env not in ENVS:
            raise SystemExit(f"PENALTY_RULES_ENV 须为 dev 或 production(区分大小写), 而不是 {env!r}; 服务未启动")
        secure = os.environ.get("PENALTY_RULES_WEB_SECURE_COOKIE") or ("always" if env == "production" else "auto")
        if secure not in WEB_SECURE_MODES:
            raise SystemExit(f"PENALTY_RULES_WEB_SECURE_COOKIE 须为 auto、always 或 never, 而不是 {secure!r}; 服务未启动")
        return cls(
            engine=engine or Settings.from_env(),
            var_dir=var,
            database_url=url,
            env=env,
            keys_file=Path(keys) if keys else None,
            audit_mode=mode,
            audit_salt=os.environ.get("PENALTY_RULES_AUDIT_SALT", ""),
            use_durable=os.environ.get("PENALTY_RULES_DURABLE", "1") != "0",
            decision_memo=int(_env_number("PENALTY_RULES_DECISION_MEMO", "10000", int)),
            body_timeout=_env_number("PENALTY_RULES_BODY_TIMEOUT", "15", minimum=0.1, what="(秒)"),
            batch_rate=_env_number("PENALTY_RULES_BATCH_RATE", "30000", what="(每分钟每个密钥的批量案件数, 0 为不限)"),
            batch_burst=int(_env_number("PENALTY_RULES_BATCH_BURST", "5000", int, minimum=MAX_BATCH,
                                        what="(一次可用的批量额度, 不小于单次批量上限)")),
            max_connections=int(_env_number("PENALTY_RULES_MAX_CONNECTIONS", "1000", int, minimum=10)),
            audit_timeout=min(_env_number("PENALTY_RULES_AUDIT_TIMEOUT", "5", minimum=0.1, what="(秒)"), 300.0),
            migrate_url=migrate_url,
            eval_threads=int(_env_number("PENALTY_RULES_EVAL_THREADS", "1", int, minimum=1)),
            eval_queue=int(_env_number("PENALTY_RULES_EVAL_QUEUE", "64", int, minimum=1)),
            web_secret=os.environ.get("PENALTY_RULES_WEB_SECRET", ""),
            web_secure_cookie=secure,
        )
