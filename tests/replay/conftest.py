"""Shared: a small generated caseload (JSONL, CSV and Parquet with the same rows) and the two
snapshots of the tax first-offence list (2021-6 → 2021-33)."""

from datetime import date

import pytest

from penalty_rules.replay import snapshot
from penalty_rules.replay.caseload import Caseload, write

TODAY = date(2026, 11, 30)
FROM, TO = "cn-tax-first-offense@2021-6", "cn-tax-first-offense@2021-33"


@pytest.fixture(scope="session")
def sides(corpus):
    return snapshot.list_versions(corpus, FROM, TO)


@pytest.fixture(scope="session")
def caseload_rows(corpus):
    return list(Caseload(corpus, seed=7).rows(5_000))


@pytest.fixture(scope="session")
def caseload_files(caseload_rows, tmp_path_factory):
    folder = tmp_path_factory.mktemp("caseload")
    out = {}
    for ext in ("jsonl", "csv", "parquet"):
        path = folder / f"cases.{ext}"
        write(iter(caseload_rows), path, batch=1_000)
        out[ext] = path
    return out
