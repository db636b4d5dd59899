"""`penalty-rules replay` (a caseload under two list snapshots) and `penalty-rules caseload
generate` (a synthetic caseload). Registered on the main app by `register(app)`."""

import json
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from penalty_rules.cli.dates import option_day

console = Console()
err = Console(stderr=True)

caseload_app = typer.Typer(help="合成案件集(用于测试和基准; 合成数据, 非真实案件)", no_args_is_help=True)


def _fail(message: str, code: str) -> None:
    err.print(f"[red]{escape(message)} {escape(f'[{code}]')}[/red]", soft_wrap=True, highlight=False)
    raise typer.Exit(2)


@caseload_app.command("generate")
def generate_cmd(
    n: int = typer.Option(..., "--n", min=1, help="案件数"),
    seed: int = typer.Option(2022, "--seed", help="随机种子(相同种子得到相同案件)"),
    out: Path = typer.Option(..., "--out", help="输出文件: .jsonl、.csv 或 .parquet"),
    lists: Path | None = typer.Option(None, "--lists", help="清单目录(缺省: PENALTY_RULES_LISTS 或项目 lists/)"),
    dense_dates: bool = typer.Option(False, "--dense-dates",
                                     help="日期集中在边界附近(法律和清单施行日、追责期限、首违期限、周岁生日、缺省决定日等; 不按公开数字校准)"),
    today: str | None = typer.Option(None, "--today", help="--dense-dates: 重放时的缺省决定日(缺省: 今天)"),
) -> None:
    """生成按聊城市 2022 年公开数字校准的合成案件集(见 README: 哪些数字有公开来源, 哪些是假设)。"""
    day = option_day(today, "--today")  # None: the machine's date
    from penalty_rules.errors import CorpusInvalid
    from penalty_rules.replay.caseload import generate
    from penalty_rules.replay.snapshot import lists_dir

    if out.suffix.lower() not in (".jsonl", ".ndjson", ".csv", ".parquet"):
        _fail(f"无法识别输出格式 {out.suffix or '(无扩展名)'}(支持 .jsonl、.csv、.parquet)", "unknown_format")
    from penalty_rules.load.loader import load_corpus_strict

    try:
        corpus = load_corpus_strict(lists_dir(lists))
    except CorpusInvalid as exc:
        _fail(f"清单无法加载: {exc}", "invalid_lists")
    t0 = time.perf_counter()
    count = generate(corpus, n, seed, out, dense_dates=dense_dates, today=day)
    console.print(f"已生成 {count:,} 个合成案件 → {escape(str(out))}({time.perf_counter() - t0:.1f} 秒, 种子 {seed})",
                  highlight=False)


class MemorySampler:
    """Peak memory of this process and its children (sampled every 0.2 s, MiB; proportional set
    size where the system gives it, so pages the forked workers share are counted once)."""

    def __init__(self, every: float = 0.2):
        self.every, self.peak, self._stop = every, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> float:
        try:
            import psutil

            def used(p):  # PSS: pages shared by forked workers counted once, not per process
                try:
                    info = p.memory_full_info()
                    return getattr(info, "pss", None) or info.rss
                except (psutil.AccessDenied, AttributeError):
                    return p.memory_info().rss

            me = psutil.Process()
            total = used(me)
            for child in me.children(recursive=True):
                try:
                    total += used(child)
                except psutil.Error:
                    pass
            return total / 2**20
        except ImportError:  # pragma: no cover - psutil comes with dask.distributed
            from penalty_rules.replay.runner import peak_rss_mib

            return peak_rss_mib()

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def run_replay(cases: list[Path], *, list_from=None, list_to=None, rev_from=None, rev_to=None, lock_from=None,
               lock_to=None, out: Path, workers: int = 2, dask: str | None = None, ref_column: str | None = "case_ref",
               today: date | None = None, formats=("csv", "parquet"), lists: Path | None = None,
               progress: bool = True, quiet: bool = False, chunk_rows: int = 50_000) -> dict:
    """The whole replay: snapshots, chunks, run (local processes or Dask), tables, HTML, summary.
    Returns the figures (also written to summary.json). Raises SnapshotProblem / InputProblem."""
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    from penalty_rules.replay import report, snapshot
    from penalty_rules.replay.reader import plan_chunks
    from penalty_rules.replay.runner import run_local

    t0 = time.perf_counter()
    today = today or date.today()
    with tempfile.TemporaryDirectory(prefix="replay-snap-") as tmp, MemorySampler() as mem:
        side_a, side_b = snapshot.resolve(lists, list_from, list_to, rev_from, rev_to, lock_from, lock_to, Path(tmp))
        chunks = plan_chunks(cases, chunk_rows)
        total_rows = sum(c.rows for c in chunks)
        t_load = time.perf_counter() - t0
        prog = Progress(TextColumn("[bold]重放"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[rate]} 行/秒"), TimeElapsedColumn(), TextColumn("剩余"),
                        TimeRemainingColumn(), console=err, disable=not progress, transient=False)
        t_run0 = time.perf_counter()
        with prog:
            task = prog.add_task("replay", total=total_rows, rate="-")

            def advance(n):
                prog.advance(task, n)
                done = prog.tasks[0].completed
                rate = done / max(1e-9, time.perf_counter() - t_run0)
                prog.update(task, rate=f"{rate:,.0f}")

            if dask:
                from penalty_rules.replay.dask_runner import run_dask

                partial, dask_info = run_dask([side_a.corpus, side_b.corpus], chunks, today, dask,
                                              ref_column=ref_column, progress=advance, workers=workers)
            else:
                dask_info = None
                partial = run_local([side_a.corpus, side_b.corpus], chunks, today, workers=workers,
                                    ref_column=ref_column, progress=advance)
        t_run = time.perf_counter() - t_run0
        t_rep0 = time.perf_counter()
        tables = report.build_tables(partial, report.domain_names([side_a.corpus, side_b.corpus]))
        out = Path(out)
        written = report.write_tables(tables, partial, out, formats)
        figures = {
            "rows": tables.rows, "valid": tables.valid, "bad_rows": tables.bad, "changed": tables.changed,
            "outcome_changed": tables.outcome_changed, "decisions": 2 * tables.valid,
            "distinct_projections_decided": partial.evaluated, "rows_read_by_official_path_only": partial.slow,
            "seconds_load": round(t_load, 2), "seconds_replay": round(t_run, 2),
            "workers": workers if not dask else dask_info.get("workers"), "dask": dask,
        }
        warnings = report.flag_warnings(partial, [side_a.corpus, side_b.corpus])
        figures["warnings"] = warnings
        meta = {
            "warnings": warnings,
            "describe": [["重放前", f"{side_a.label}: {side_a.describe}"], ["重放后", f"{side_b.label}: {side_b.describe}"],
                         ["案件文件", ", ".join(str(Path(c).name) for c in cases)],
                         ["缺省决定日(案件未给出决定日期时)", today.isoformat()]],
        }
        t_rep = time.perf_counter() - t_rep0
        figures["seconds_report_tables"] = round(t_rep, 2)
        meta["figures"] = [
            ["案件行数", f"{tables.rows:,}"], ["决定数(两个快照)", f"{2 * tables.valid:,}"],
            ["实际求值的不同投影(每个快照)", f"{partial.evaluated:,}"],
            ["加载清单(秒)", figures["seconds_load"]], ["重放(秒)", figures["seconds_replay"]],
            ["吞吐(案件/秒)", f"{tables.rows / max(t_run, 1e-9):,.0f}"],
            ["运行方式", f"Dask {dask}" if dask else f"本机 {workers} 个进程"],
        ]
        html_path = report.write_html(tables, partial, out / "report.html", meta)
        written.append(html_path)
    figures["seconds_total"] = round(time.perf_counter() - t0, 2)
    figures["peak_rss_mib"] = round(mem.peak, 1)
    figures["cases_per_second"] = round(tables.rows / max(t_run, 1e-9))
    meta["figures"] += [["总耗时(秒, 含报告)", figures["seconds_total"]], ["内存峰值(MiB, 含子进程)", figures["peak_rss_mib"]]]
    (out / "summary.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    if not quiet:
        report.print_summary(console, tables, meta)
        console.print(f"报告: {escape(str(html_path))}; 表格: {escape(str(out))}/*.csv, *.parquet", highlight=False)
    return figures


def replay(
    cases: list[Path] = typer.Argument(..., help="案件文件或目录(.jsonl、.csv、.parquet; 可多个)"),
    list_from: str | None = typer.Option(None, "--from", help="重放前: 清单编号@版本, 如 cn-tax-first-offense@2021-6"),
    list_to: str | None = typer.Option(None, "--to", help="重放后: 同一清单的另一版本(沿用前一版本的施行期)"),
    rev_from: str | None = typer.Option(None, "--from-rev", help="重放前: git 版本(读取该版本的 lists/)"),
    rev_to: str | None = typer.Option(None, "--to-rev", help="重放后: git 版本"),
    lock_from: Path | None = typer.Option(None, "--from-lock", help="重放前: 一个 versions.lock 状态"),
    lock_to: Path | None = typer.Option(None, "--to-lock", help="重放后: 另一个 versions.lock 状态"),
    out: Path = typer.Option(Path("replay-report"), "--out", help="输出目录(表格、report.html、summary.json)"),
    workers: int = typer.Option(2, "--workers", min=1, help="本机工作进程数"),
    dask: str | None = typer.Option(None, "--dask", help="Dask 调度器地址(tcp://host:8786), 或 local"),
    ref_column: str = typer.Option("case_ref", "--ref-column", help="案件编号列(不属于案情事实)"),
    today: str | None = typer.Option(None, "--today", help="案件未给出决定日期时使用的日期(缺省: 今天)"),
    fmt: str = typer.Option("both", "--format", help="表格格式: csv、parquet 或 both"),
    lists: Path | None = typer.Option(None, "--lists", help="清单目录(缺省: PENALTY_RULES_LISTS 或项目 lists/)"),
    no_progress: bool = typer.Option(False, "--no-progress", help="不显示进度条"),
) -> None:
    """按两个清单快照重放整批案件: 结果变化矩阵、按领域/条目的变化、新增尚不能确定、变化最多的 20 组; CSV/Parquet 表格和 HTML 报告。"""
    from penalty_rules.replay.reader import InputProblem
    from penalty_rules.replay.snapshot import SnapshotProblem

    formats = {"both": ("csv", "parquet"), "csv": ("csv",), "parquet": ("parquet",)}.get(fmt)
    if formats is None:
        _fail(f"--format 须为 csv、parquet 或 both: {fmt}", "bad_format")
    day = option_day(today, "--today")  # None: the machine's date
    try:
        run_replay(cases, list_from=list_from, list_to=list_to, rev_from=rev_from, rev_to=rev_to, lock_from=lock_from,
                   lock_to=lock_to, out=out, workers=workers, dask=dask, ref_column=ref_column or None, today=day,
                   formats=formats, lists=lists, progress=not no_progress)
    except (SnapshotProblem, InputProblem) as exc:
        _fail(exc.message, exc.code)


def register(app: typer.Typer) -> None:
    app.command("replay")(replay)
    app.add_typer(caseload_app, name="caseload")
