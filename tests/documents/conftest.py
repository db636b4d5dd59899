"""Fixtures of the document tests: an engine with the statute texts (article texts in the basis),
and decisions of real cases (statute_text.py reads the statute files the expectations come from)."""

import os
from pathlib import Path

import pytest

from penalty_rules.engine.engine import Engine
from penalty_rules.model.facts import CaseFacts

from document_cases import CASES


def _required() -> bool:
    """In CI the document tests must run: a missing statute folder fails them instead of skipping."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes") \
        or os.environ.get("PENALTY_RULES_REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def statutes_dir(settings) -> Path:
    folder = settings.statutes_dir
    if folder is None or not Path(folder).is_dir():
        why = "法规文本库不可用(PENALTY_RULES_STATUTES / ../shared/reference/statutes): 文书测试须读取条文原文"
        if _required():
            pytest.fail(f"{why}; CI 中(CI=true 或 PENALTY_RULES_REQUIRE_POSTGRES=1)不得跳过", pytrace=False)
        pytest.skip(f"{why}, 跳过")
    return Path(folder)


@pytest.fixture(scope="session")
def statutes(statutes_dir):
    from penalty_rules.statutes import StatuteLibrary

    return StatuteLibrary(statutes_dir)


@pytest.fixture(scope="session")
def doc_engine(corpus, statutes) -> Engine:
    return Engine(corpus, statutes=statutes)


@pytest.fixture(scope="session")
def decide(doc_engine):
    def run(name: str, **changes):
        facts = {**CASES[name], **changes}
        return doc_engine.evaluate(CaseFacts.model_validate(facts)), facts

    return run
