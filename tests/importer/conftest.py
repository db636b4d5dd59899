import shutil
from pathlib import Path

import pytest

from penalty_rules.config import PROJECT_ROOT, Settings
from penalty_rules.load.loader import load_corpus

DATA = PROJECT_ROOT / "tests" / "data" / "import"


@pytest.fixture(scope="session")
def corpus():
    return load_corpus(PROJECT_ROOT / "lists").corpus


@pytest.fixture(scope="session")
def library():
    statutes = Settings.from_env().statutes_dir
    if statutes is None:
        return None
    from penalty_rules.statutes.library import StatuteLibrary

    return StatuteLibrary(statutes)


@pytest.fixture
def lists_copy(tmp_path) -> Path:
    """A copy of the bundled lists: drafts are never written into the bundled tree."""
    target = tmp_path / "lists"
    shutil.copytree(PROJECT_ROOT / "lists", target)
    return target
