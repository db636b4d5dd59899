"""The report: changed cases name their file, Chinese fact and domain names, the bad-row cap said
aloud; the memo survives the template-cache cap; the public first-offence window start."""

import csv
from datetime import date

import pytest

from penalty_rules.replay import projection, runner
from penalty_rules.replay.reader import plan_chunks
from penalty_rules.replay.runner import ReplayCore, run_local

TODAY = date(2026, 11, 30)
FROM, TO = "cn-tax-first-offense@2021-6", "cn-tax-first-offense@2021-33"


@pytest.fixture(scope="module")
def two_files(caseload_files, tmp_path_factory):
    folder = tmp_path_factory.mktemp("two")
    lines = caseload_files["jsonl"].read_text(encoding="utf-8").splitlines()
    (folder / "a.jsonl").write_text("\n".join(lines[:400]) + "\n", encoding="utf-8")
    (folder / "b.jsonl").write_text("\n".join(lines[400:800]) + "\n" + '{"act_date": "2022-02-30"}\n' * 3,
                                    encoding="utf-8")
    return folder


def _csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_changed_cases_name_their_file_and_labels_are_chinese(two_files, tmp_path, monkeypatch):
    from penalty_rules.cli.replay import run_replay

    monkeypatch.setattr(runner, "MAX_BAD_DETAILS", 2)
    out = tmp_path / "report"
    fig = run_replay([two_files / "a.jsonl", two_files / "b.jsonl"], list_from=FROM, list_to=TO, out=out,
                     workers=1, today=TODAY, progress=False, quiet=True, formats=("csv",))
    assert fig["rows"] == 803 and fig["bad_rows"] == 3
    changed = _csv(out / "changed_cases.csv")
    assert {r["file"] for r in changed} == {"a.jsonl", "b.jsonl"}
    keys = [(r["file"], r["row"]) for r in changed]
    assert len(keys) == len(set(keys)) == fig["changed"]
    rows_a = {r["row"] for r in changed if r["file"] == "a.jsonl"}
    rows_b = {r["row"] for r in changed if r["file"] == "b.jsonl"}
    assert rows_a & rows_b  # the same row numbers in both files: told apart by the file
    by_domain = _csv(out / "by_domain.csv")
    assert {"domain": "tax", "domain_zh": "税务"}.items() <= next(r for r in by_domain if r["domain"] == "tax").items()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<td>税务</td>" in html and "<td>tax</td>" not in html
    newly = _csv(out / "newly_undetermined.csv")
    asked = " ".join(r["facts_asked"] for r in newly)
    assert asked and not any(k in asked for k in ("first_offense", "minor_violation", "circumstances", "harm"))
    assert "是否首次违法" in asked or "违法行为是否轻微" in asked or "从轻、减轻情节" in asked
    answers = " ".join(r["to_answer"] for r in _csv(out / "top_groups.csv"))
    assert "待补: " in answers and "first_offense" not in answers
    # bad rows: 3 counted, 2 listed, and the report says so
    assert len(_csv(out / "bad_rows.csv")) == 2
    assert "只列出前 2 行" in html and "逐行列于 bad_rows.csv" not in html


def test_fact_names():
    from penalty_rules.replay.report import fact_zh

    assert fact_zh("first_offense") == "是否首次违法"
    assert fact_zh("prior_offenses[1].same_conduct") == "第 2 条违法记录是否同类违法行为"
    assert fact_zh("quantities.illegal_gains_yuan") == "违法所得"
    assert fact_zh("custom_conditions.custom_abc").endswith("custom_abc")


def test_memo_export_after_the_template_cache_cap(sides, caseload_files, monkeypatch):
    """Past the cap, templates still referenced by the memo are kept: export_memo and a second
    process seeded with it give the same counts."""
    monkeypatch.setattr(projection, "MAX_CACHED_TEMPLATES", 1)
    corpora = [sides[0].corpus, sides[1].corpus]
    chunks = plan_chunks([caseload_files["jsonl"]], 1_000)[:2]
    core = ReplayCore(corpora, TODAY)
    first = core.process(chunks[0])
    exported = core.export_memo()
    assert len(exported["memo"]) == len(core.memo) > 1
    other = ReplayCore(corpora, TODAY)
    assert other.import_memo(exported) == len(core.memo)
    again = other.process(chunks[0])
    assert dict(again.groups) == dict(first.groups) and again.evaluated == 0
    single = run_local(corpora, chunks, TODAY, workers=1)
    assert single.rows == sum(c.rows for c in chunks)


def test_window_start_is_public():
    from penalty_rules.engine import history

    assert history._shift_years is history.window_start
    assert history.window_start(date(2024, 2, 29), 1) == date(2023, 2, 28)
    assert projection.window_start is history.window_start


def test_a_caseload_of_bad_rows_only_still_gets_its_report(tmp_path):
    """A re-reader: when every row is bad the HTML report crashed (imshow of an empty outcome matrix); the bad rows
    are what the reader needs then."""
    from penalty_rules.cli.replay import run_replay

    path = tmp_path / "allbad.jsonl"
    path.write_text('{"act_date": "1679270400"}\n{"act_date": "2022-02-30"}\n{"nonsense": 1}\n', encoding="utf-8")
    out = tmp_path / "report"
    fig = run_replay([path], list_from=FROM, list_to=TO, out=out, workers=1, today=TODAY, progress=False, quiet=True,
                     formats=("csv",))
    assert fig["rows"] == 3 and fig["bad_rows"] == 3
    assert "案件重放报告" in (out / "report.html").read_text(encoding="utf-8")
    assert len(_csv(out / "bad_rows.csv")) == 3


def test_typed_parquet_columns_are_read_or_bad_rows_never_a_crash(tmp_path):
    """A re-reader: a decimal column (yuan) or a binary column stopped the whole replay with a TypeError. A decimal is a
    number; a binary value is a bad row naming its field (issue 12: bad rows never stop the run)."""
    from decimal import Decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    from penalty_rules.cli.replay import run_replay

    path = tmp_path / "typed.parquet"
    pq.write_table(pa.table({
        "item_id": ["cn-tax-2021-6/03"] * 3, "act_date": ["2023-03-20"] * 3, "decision_date": ["2023-04-10"] * 3,
        "illegal_gains_yuan": pa.array([Decimal("12.50"), Decimal("0.00"), None], pa.decimal128(12, 2)),
        "conduct": pa.array([None, None, b"x"], pa.binary()),
    }), path)
    out = tmp_path / "report"
    fig = run_replay([path], list_from=FROM, list_to=TO, out=out, workers=1, today=TODAY, progress=False, quiet=True,
                     formats=("csv",))
    assert fig["rows"] == 3 and fig["bad_rows"] == 1
    bad = _csv(out / "bad_rows.csv")
    assert bad[0]["row"] == "3" and bad[0]["field"] == "conduct" and "二进制" in bad[0]["message"]
