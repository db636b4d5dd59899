"""`penalty-rules scenarios …`: run, new (scaffold a feature for an item), lint."""

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

app = typer.Typer(help="培训场景(中文 Gherkin): 运行、生成、检查", no_args_is_help=True)
console = Console()
DEFAULT_FEATURES = Path("features")


@app.command()
def run(
    path: Path = typer.Argument(DEFAULT_FEATURES, help="feature 文件或目录"),
    tag: str = typer.Option(None, "--tag", help="只运行带此标签的场景, 如 hc-010 或 tax"),
    reports: Path = typer.Option(Path("reports"), "--reports", help="报告目录"),
) -> None:
    """运行场景(pytest-bdd), 输出中文汇总、cucumber JSON 和 HTML 报告。有失败时退出码为 1。"""
    from penalty_rules.scenarios.runner import count_scenarios, failure_reasons_zh, run as run_features, summary_zh

    if not path.exists():
        console.print(f"[red]找不到 {escape(str(path))}[/red]")
        raise typer.Exit(2)
    if tag:
        from penalty_rules.scenarios.lint import collect_tags

        if tag.lstrip("@") not in collect_tags(path):
            console.print(f"[yellow]警告: 没有场景带标签 {escape(tag)}, 未运行任何场景[/yellow]")
            raise typer.Exit(1)
    total = count_scenarios(path)
    with Progress(TextColumn("[bold]运行场景"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[last]}", markup=False),  # scenario names are text, not markup
                  TimeElapsedColumn(), console=console, transient=False) as progress:
        task = progress.add_task("run", total=total or None, last="")

        def step(nodeid: str, status: str) -> None:
            name = nodeid.split("::", 1)[-1][:60]
            progress.update(task, advance=1, last=f"{status}: {name}")

        result = run_features(path, tag=tag, reports=reports, progress=step)
        progress.update(task, total=sum(result.counts.values()))
    colour = "green" if result.ok else "red"
    console.print(f"[{colour}]{escape(summary_zh(result))}[/{colour}]")
    for line in failure_reasons_zh(result):
        console.print(line, style="red", markup=False, highlight=False, soft_wrap=True)
    console.print(f"cucumber JSON: {escape(str(result.cucumber_json))}")
    console.print(f"HTML 报告: {escape(str(result.html_report))}")
    if not result.counts and result.returncode not in (0, 5):
        console.print(escape(result.output[-3000:]))
    if tag and not result.counts:
        console.print(f"[yellow]警告: 没有场景带标签 {escape(tag)}, 未运行任何场景[/yellow]")
        raise typer.Exit(1)
    raise typer.Exit(0 if result.ok else 1)


@app.command()
def new(
    item: str = typer.Option(..., "--item", help="清单条目编号, 如 cn-tax-2021-6/03"),
    out: Path = typer.Option(None, "--out", help="输出文件(缺省 features/<领域>/<条目>.feature)"),
    force: bool = typer.Option(False, help="覆盖已有文件"),
) -> None:
    """按条目的适用条件生成 feature: 一行全部满足, 每个条件各一行不满足; 供培训人员修改。"""
    from penalty_rules.config import Settings
    from penalty_rules.errors import CorpusInvalid
    from penalty_rules.load.loader import load_corpus_strict
    from penalty_rules.scenarios.scaffold import context_for, scaffold_feature

    try:
        corpus = load_corpus_strict(Settings.from_env().lists_dir)
    except CorpusInvalid as exc:
        console.print(str(exc), style="red", markup=False, soft_wrap=True, highlight=False)
        raise typer.Exit(1) from None
    ref = corpus.latest(item)
    if ref is None:
        console.print(f"[red]未知条目 {escape(item)}[/red]")
        raise typer.Exit(2)
    text = scaffold_feature(ref.item, context=context_for(corpus, ref))
    target = out or DEFAULT_FEATURES / ref.item.domain / (item.replace("/", "-") + ".feature")
    if target.exists() and not force:
        console.print(f"[red]{escape(str(target))} 已存在; 用 --force 覆盖[/red]")
        raise typer.Exit(1)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    console.print(f"已生成 {escape(str(target))}")


@app.command()
def lint(path: Path = typer.Argument(DEFAULT_FEATURES, help="feature 文件或目录")) -> None:
    """检查中文 Gherkin 的常见陷阱; 每个错误一行 file:line。有错误时退出码为 1。"""
    from penalty_rules.scenarios.lint import feature_files, lint_paths

    errors = lint_paths(path)
    for e in errors:
        console.print(escape(str(e)), soft_wrap=True)
    n = len(feature_files(path)) if path.exists() else 0
    console.print(f"检查 {n} 个 feature 文件: {len(errors)} 个错误")
    raise typer.Exit(1 if errors else 0)
