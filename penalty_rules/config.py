"""Paths and settings, from environment variables with project-relative defaults."""

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_statutes() -> Path | None:
    candidate = PROJECT_ROOT.parent / "shared" / "reference" / "statutes"
    return candidate if candidate.is_dir() else None


@dataclass(frozen=True)
class Settings:
    lists_dir: Path
    statutes_dir: Path | None  # None: citations cannot be checked; said so in reports

    @classmethod
    def from_env(cls) -> "Settings":
        lists = Path(os.environ.get("PENALTY_RULES_LISTS", PROJECT_ROOT / "lists"))
        statutes_env = os.environ.get("PENALTY_RULES_STATUTES")
        if statutes_env is not None:
            statutes = Path(statutes_env) if statutes_env else None
        else:
            statutes = _default_statutes()
        return cls(lists_dir=lists, statutes_dir=statutes)
