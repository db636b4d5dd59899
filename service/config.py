"""Service settings from the environment (the engine's own settings come from penalty_rules.config)."""

import os
from dataclasses import dataclass
from pathlib import Path

from penalty_rules.config import PROJECT_ROOT, Settings

MAX_BODY_BYTES = 1024 * 1024  # 1 MiB
MAX_BATCH = 1000


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
        keys = os.environ.get("PENALTY_RULES_KEYS_FILE")
        mode = os.environ.get("PENALTY_RULES_AUDIT_MODE", "group")
        if mode not in ("group", "direct"):
            raise SystemExit(f"PENALTY_RULES_AUDIT_MODE 须为 group 或 direct, 而不是 {mode!r}")
        return cls(
            engine=engine or Settings.from_env(),
            var_dir=var,
            database_url=url,
            env=os.environ.get("PENALTY_RULES_ENV", "dev"),
            keys_file=Path(keys) if keys else None,
            audit_mode=mode,
            audit_salt=os.environ.get("PENALTY_RULES_AUDIT_SALT", ""),
            use_durable=os.environ.get("PENALTY_RULES_DURABLE", "1") != "0",
            decision_memo=int(os.environ.get("PENALTY_RULES_DECISION_MEMO", "10000")),
        )
