"""Replay: answers equal the production path case by case; the report; bad rows; formats; Dask."""

import json
import re
from datetime import date

import pytest
from typer.testing import CliRunner

from penalty_rules.replay import verify
from penalty_rules.replay.reader import plan_chunks
from penalty_rules.replay.runner import run_local

TODAY = date(2026, 11, 30)
FROM, TO = "cn-tax-first-offense@2021-6", "cn-tax-first-offense@2021-33"


def test_replay_answers_equal_the_production_path(sides, caseload_files, settings):
    """5,000 generated cases, both list versions: the production path (durable-rules, statute
    library, each case on its own) and the replay path (projection memo) give the same answers.
    benchmarks/bench_replay.py runs the same check on 100,000 cases."""
    chunks = plan_chunks([caseload_files["parquet"]], 1_000)
    eq = verify.check([sides[0].corpus, sides[1].corpus], chunks, TODAY, statutes_dir=settings.statutes_dir,
                      workers=2)
    assert eq.cases == 5_000 and eq.decisions == 10_000
    assert eq.differences == 0, eq.examples[:5]


def _counts(partial):
    return dict(partial.groups), partial.bad, partial.rows


def test_three_formats_give_the_same_counts(sides, caseload_files):
    corpora = [sides[0].corpus, sides[1].corpus]
    results = {ext: _counts(run_local(corpora, plan_chunks([path], 1_000), TODAY, workers=2))
               for ext, path in caseload_files.items()}
    assert results["jsonl"] == results["csv"] == results["parquet"]
    groups, bad, rows = results["jsonl"]
    assert rows == 5_000 and bad == 0
    assert sum(n for g, n in groups.items() if g[2] != g[3]) > 0  # the tax list change shows


BAD_LINES = [
    '{"item_id": "lc-practice-2022/parking-notified", "colour": "red"}',  # unknown field
    '{"item_id": "lc-practice-2022/parking-notified", "act_date": "2022-02-30"}',  # bad date
    '{"item_id": "lc-practice-2022/parking-notified", "act_date": ',  # bad JSON
    '{"item_id": "lc-practice-2022/parking-notified", "age": "40"}',  # no coercion
    '{"item_id": "a", "item_id": "b"}',  # duplicate key
    '{"act_date": "2022-05-02", "decision_date": "2022-05-01"}',  # decision before the act
    "[1, 2]",  # not an object
]


@pytest.fixture()
def with_bad_rows(caseload_files, tmp_path):
    lines = caseload_files["jsonl"].read_text(encoding="utf-8").splitlines()[:300]
    at = [10, 50, 51, 120, 200, 250, 299]  # 1-based line numbers of the bad rows
    for line_no, bad in zip(at, BAD_LINES):
        lines.insert(line_no - 1, bad)
    path = tmp_path / "with-bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, at


def test_bad_rows_reported_with_row_numbers_and_counted(sides, with_bad_rows):
    path, at = with_bad_rows
    part = run_local([sides[0].corpus, sides[1].corpus], plan_chunks([path], 100), TODAY, workers=2)
    assert part.rows == 300 + len(BAD_LINES)
    assert part.bad == len(BAD_LINES)
    assert sum(part.groups.values()) == 300
    found = sorted((r, code) for _f, r, _ref, code, _fld, _msg in part.bad_rows)
    assert [r for r, _ in found] == at
    codes = [code for _, code in found]
    assert codes[0] == "extra_forbidden" and codes[2] == "malformed_json" and codes[3] == "int_type"
    assert codes[1] in ("date_parsing", "date_from_datetime_parsing")
    # decision before the act: the one code of that fault, as the engine's with decision_date implicit
    assert codes[4:] == ["duplicate_key", "act_after_decision", "not_object"]


def test_report_files_and_self_contained_html(sides, with_bad_rows, tmp_path):
    from penalty_rules.cli.replay import run_replay

    path, at = with_bad_rows
    out = tmp_path / "report"
    fig = run_replay([path], list_from=FROM, list_to=TO, out=out, workers=1, today=TODAY, progress=False,
                     quiet=True)
    assert fig["bad_rows"] == len(BAD_LINES) and fig["rows"] == 300 + len(BAD_LINES)
    for name in ("matrix", "by_domain", "by_item", "newly_undetermined", "top_groups", "changed_cases", "bad_rows"):
        assert (out / f"{name}.csv").is_file() and (out / f"{name}.parquet").is_file()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"https?://", html)
    assert not re.search(r"""(src|href)\s*=\s*['"](?!data:|#)""", html)
    assert html.count("data:image/png;base64,") == 3
    assert "结果变化矩阵" in html and "变化最多的 20 组案件" in html
    bad = (out / "bad_rows.csv").read_text(encoding="utf-8")
    assert all(f",{n}," in bad for n in at)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["changed"] > 0


def test_cli_errors_in_chinese_with_code(caseload_files, tmp_path):
    from penalty_rules.cli.app import app

    result = CliRunner().invoke(app, ["replay", str(caseload_files["jsonl"]), "--from", "cn-tax-first-offense@1999",
                                      "--to", TO, "--out", str(tmp_path / "r"), "--no-progress"])
    assert result.exit_code == 2
    assert "未找到清单版本" in result.output and "unknown_list_version" in result.output
    result = CliRunner().invoke(app, ["replay", str(tmp_path / "missing.jsonl"), "--from", FROM, "--to", TO,
                                      "--out", str(tmp_path / "r"), "--no-progress"])
    assert result.exit_code == 2 and "input_not_found" in result.output


def test_dask_local_cluster_gives_the_single_process_counts(sides, caseload_rows, tmp_path):
    """A partitioned Parquet dataset (two files, row groups of 500) on a LocalCluster of two worker
    processes: the same counts as one process."""
    distributed = pytest.importorskip("distributed")
    from penalty_rules.replay.caseload import write
    from penalty_rules.replay.dask_runner import run_dask

    dataset = tmp_path / "dataset"
    dataset.mkdir()
    write(iter(caseload_rows[:2_500]), dataset / "part-0.parquet", batch=500)
    write(iter(caseload_rows[2_500:]), dataset / "part-1.parquet", batch=500)
    corpora = [sides[0].corpus, sides[1].corpus]
    chunks = plan_chunks([dataset], 1_000)
    assert len(chunks) >= 4
    single = run_local(corpora, chunks, TODAY, workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        part, info = run_dask(corpora, chunks, TODAY, cluster.scheduler_address)
    assert info["workers"] == 2
    assert dict(part.groups) == dict(single.groups)
    assert (part.rows, part.bad, len(part.changed_rows)) == (single.rows, single.bad, len(single.changed_rows))
    assert sorted((f, r) for f, r, _, _ in part.changed_rows) == sorted((f, r) for f, r, _, _ in single.changed_rows)


def test_parquet_files_with_other_column_layouts_are_read_by_their_own_schema(sides, tmp_path):
    """The same values under other column names or types are other facts (a float age is refused)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"item_id": ["sd-2021/x03"], "corrected": ["promptly"],
                             "age": pa.array([40], pa.int64())}), tmp_path / "a.parquet")
    pq.write_table(pa.table({"corrected": ["sd-2021/x03"], "item_id": ["promptly"],
                             "age": pa.array([40.0], pa.float64())}), tmp_path / "b.parquet")
    part = run_local([sides[0].corpus, sides[1].corpus], plan_chunks([tmp_path / "a.parquet", tmp_path / "b.parquet"]),
                     TODAY, workers=1)
    assert (part.rows, part.bad) == (2, 1)
    assert part.bad_rows[0][0].endswith("b.parquet") and part.bad_rows[0][1] == 1


def test_a_prior_under_another_item_is_not_copied_across_snapshots(corpus, tmp_path):
    # a prior under an item outside the case's group is matched by searching that item's wording over
    # the whole corpus (Engine._prior_item_matcher): when only that item's list differs between the
    # snapshots, the second answer must be evaluated, not copied from the first
    import shutil
    from pathlib import Path

    from penalty_rules.load.loader import load_corpus
    from penalty_rules.model.facts import CaseFacts
    from penalty_rules.replay.runner import ReplayCore, evaluate_answer, replay_engine

    lists = Path(__file__).resolve().parents[2] / "lists"
    case_item, prior_item = "cn-samr-2025-1/x04", "lc-practice-2022/ev-restricted-zone"
    copy = tmp_path / "lists"
    shutil.copytree(lists, copy)
    path = copy / "liaocheng" / "lc-practice-2022" / "2022.yaml"
    old = corpus.item_refs(prior_item)[0].item.violation
    new = corpus.item_refs(case_item)[0].item.violation  # B: the prior's item now says the case's conduct
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    other = load_corpus(copy).corpus
    facts = CaseFacts.model_validate(dict(
        item_id=case_item, party_type="enterprise", act_date="2025-10-01", decision_date="2025-12-01",
        corrected="promptly", harm="none", continuing=False, prior_offenses=[{"date": "2024-05-01", "item_id": prior_item}]))
    today = date(2026, 1, 1)
    core = ReplayCore([corpus, other], today)
    _, _, a, b = core.decide(facts)
    assert a == evaluate_answer(replay_engine(corpus), facts, today)
    assert b == evaluate_answer(replay_engine(other), facts, today)
    assert "prior_offenses[0].same_conduct" in b[-1] and a != b  # B asks whether the prior is the same conduct
