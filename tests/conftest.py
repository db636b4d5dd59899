"""Shared fixtures: the bundled corpus and engines, built once per test session."""

from datetime import date
from pathlib import Path

import pytest

from penalty_rules.config import Settings
from penalty_rules.engine.engine import Engine
from penalty_rules.load.loader import load_corpus_strict

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 27)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="session")
def corpus(settings):
    return load_corpus_strict(settings.lists_dir)


@pytest.fixture(scope="session")
def engine(corpus) -> Engine:
    """The reference evaluator alone (no durable-rules): fast, deterministic."""
    return Engine(corpus)
