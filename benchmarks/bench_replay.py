"""Replay benchmark: a generated Liaocheng-scale caseload (1.52 M cases) under two list versions
(3.04 M decisions), with the report; the naive loop over Engine.evaluate measured on a sample in
the same run (extrapolated); the equality check of replay answers against the production path
(durable-rules, statute library, each case on its own) on a sample of 100,000 cases.

    .venv/bin/python benchmarks/bench_replay.py [--n 1520000] [--verify-n 100000] [--naive-n 1000]

Wall-clock figures on a shared machine are noisy: CPU seconds are printed next to them.
Exit status 1 when the equality check finds a difference.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from penalty_rules.config import Settings  # noqa: E402
from penalty_rules.load.loader import load_corpus_strict  # noqa: E402
from penalty_rules.replay import snapshot, verify  # noqa: E402
from penalty_rules.replay.caseload import generate  # noqa: E402
from penalty_rules.replay.projection import RowError, read_row  # noqa: E402
from penalty_rules.replay.reader import jsonable, plan_chunks, read_chunk  # noqa: E402

TODAY = date(2026, 11, 30)


def cpu_seconds() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def naive(corpora, path: Path, n: int, statutes_dir) -> tuple[float, float, int]:
    """(wall, CPU) seconds per case of the naive replay: each row read by the strict boundary and decided by
    the production engine (durable-rules) under both snapshots, one by one."""
    engines = [verify.production_engine(c, statutes_dir) for c in corpora]
    rows = []
    for chunk in plan_chunks([path], n):
        for row_no, _ref, row in read_chunk(chunk):
            if len(rows) >= n:
                break
            rows.append(row)
        if len(rows) >= n:
            break
    t0, c0 = time.perf_counter(), time.process_time()
    done = 0
    for row in rows:
        try:
            facts = read_row(jsonable(row))
        except RowError:
            continue
        for e in engines:
            verify.production_answer(e, facts, TODAY)
        done += 1
    return (time.perf_counter() - t0) / max(1, done), (time.process_time() - c0) / max(1, done), done


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_520_000)
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--from", dest="list_from", default="cn-tax-first-offense@2021-6")
    ap.add_argument("--to", dest="list_to", default="cn-tax-first-offense@2021-33")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--verify-n", type=int, default=100_000)
    ap.add_argument("--naive-n", type=int, default=1_000)
    ap.add_argument("--dense-dates", action="store_true",
                    help="boundary-dense dates (caseload generate --dense-dates): fewer shared projections, "
                         "the equality check over the date classes")
    ap.add_argument("--keep", type=Path, default=None, help="keep the caseload and the report in this folder")
    ap.add_argument("--dask-scaling", type=int, default=0, metavar="ROWS",
                    help="also replay the first ROWS cases on a Dask LocalCluster of 1 and of 2 workers")
    args = ap.parse_args()

    from penalty_rules.cli.replay import run_replay

    settings = Settings.from_env()
    corpus = load_corpus_strict(settings.lists_dir)
    tmp = tempfile.TemporaryDirectory(prefix="bench-replay-")
    work = args.keep or Path(tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    cases = work / f"caseload-{args.n}-{args.seed}{'-dense' if args.dense_dates else ''}.parquet"
    dense = ", dense dates" if args.dense_dates else ""
    print(f"replay benchmark: {args.n:,} generated cases (seed {args.seed}{dense}), {args.list_from} → {args.list_to}, "
          f"{args.workers} workers, {os.cpu_count()} CPUs (shared machine: wall figures are noisy)")
    if not cases.exists():
        t0 = time.perf_counter()
        generate(corpus, args.n, args.seed, cases, dense_dates=args.dense_dates, today=TODAY)
        print(f"  caseload generated in {time.perf_counter() - t0:.1f} s ({cases.stat().st_size / 2**20:.1f} MiB Parquet)")

    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    fig = run_replay([cases], list_from=args.list_from, list_to=args.list_to, out=work / "report",
                     workers=args.workers, today=TODAY, progress=False, quiet=True)
    wall = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    print(f"  replay + report: {wall:.1f} s wall ({cpu:.1f} s CPU), {fig['rows']:,} cases, {fig['decisions']:,} decisions, "
          f"{fig['rows'] / wall:,.0f} cases/s ({fig['decisions'] / wall:,.0f} decisions/s)")
    print(f"  peak memory (PSS of the process and its workers): {fig['peak_rss_mib']:,.0f} MiB; "
          f"distinct projections decided: {fig['distinct_projections_decided']:,}; bad rows {fig['bad_rows']}; "
          f"answers changed {fig['changed']:,} (outcome {fig['outcome_changed']:,})")
    print(f"  target: 3.04 M decisions with the report in ≤ 60 s wall, ≤ 2048 MiB → "
          f"{'met' if wall <= 60 else 'NOT met'} (wall), {'met' if fig['peak_rss_mib'] <= 2048 else 'NOT met'} (memory)")

    a, b = snapshot.list_versions(corpus, args.list_from, args.list_to)
    per_case, per_case_cpu, done = naive([a.corpus, b.corpus], cases, args.naive_n, settings.statutes_dir)
    naive_total = per_case * fig["rows"]
    naive_cpu = per_case_cpu * fig["rows"]
    print(f"  naive loop (strict read + Engine.evaluate with durable-rules, both versions, one process), measured on "
          f"{done:,} cases and extrapolated to {fig['rows']:,}: {per_case * 1e3:.2f} ms/case wall "
          f"({per_case_cpu * 1e3:.2f} ms CPU) → {naive_total:,.0f} s wall, {naive_cpu:,.0f} s CPU; "
          f"replay is {naive_total / wall:,.0f}× faster in wall time, {naive_cpu / cpu:,.0f}× less CPU")

    if args.dask_scaling:
        from penalty_rules.replay.dask_runner import run_dask

        chunks, rows = [], 0
        for c in plan_chunks([cases], 25_000):
            if rows >= args.dask_scaling:
                break
            chunks.append(c)
            rows += c.rows
        base = None
        for n_workers in (1, 2):
            cpu0 = cpu_seconds()
            t0 = time.perf_counter()
            part, info = run_dask([a.corpus, b.corpus], chunks, TODAY, "local", workers=n_workers)
            wall = time.perf_counter() - t0
            base = base or wall
            print(f"  Dask LocalCluster, {n_workers} worker(s): {part.rows:,} cases in {wall:.1f} s "
                  f"({part.rows / wall:,.0f} cases/s, {base / wall:.2f}× of 1 worker; cluster start included; "
                  f"{part.seconds:.1f} s summed in partitions)")

    if args.verify_n:
        chunks, rows = [], 0
        for c in plan_chunks([cases], 50_000):
            if rows >= args.verify_n:
                break
            chunks.append(c)
            rows += c.rows
        t0 = time.perf_counter()
        eq = verify.check([a.corpus, b.corpus], chunks, TODAY, statutes_dir=settings.statutes_dir,
                          workers=args.workers)
        print(f"  equality vs production path (durable-rules, each case on its own): {eq.cases:,} cases, "
              f"{eq.decisions:,} decisions, {eq.differences} differences "
              f"({time.perf_counter() - t0:.0f} s; production {eq.seconds_production:.0f} s, replay {eq.seconds_replay:.0f} s)")
        for f, r, side, prod, rep in eq.examples[:5]:
            print(f"    row {r} ({side}): production {prod} / replay {rep}")
        if eq.differences:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
