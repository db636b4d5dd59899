"""`penalty-rules lists …`: validate, show, coverage, diff, schema, lock."""

from pathlib import Path

import typer
from rich.console import Console

from penalty_rules.config import Settings
from penalty_rules.load.loader import load_corpus

app = typer.Typer(help="清单: 校验、查看、覆盖率、版本差异、JSON Schema", no_args_is_help=True)
console = Console()


def _root(lists_dir: Path | None) -> Path:
    return lists_dir or Settings.from_env().lists_dir


@app.command()
def validate(
    lists_dir: Path = typer.Option(None, "--lists", help="清单目录"),
    strict: bool = typer.Option(False, help="警告也视为失败"),
) -> None:
    """校验全部清单: 语法、字段、条件词表、重复编号、版本锁。有错误时退出码为 1。"""
    result = load_corpus(_root(lists_dir))
    for p in result.problems:
        style = "red" if p.severity == "error" else "yellow"
        console.print(f"[{style}]{p}[/{style}]", soft_wrap=True, highlight=False)
    corpus = result.corpus
    items = sum(len(d.items) for d in corpus.documents)
    console.print(
        f"清单版本 {len(corpus.documents)} 个, 条目 {items} 条; "
        f"错误 {len(result.errors)} 个, 警告 {len(result.warnings)} 个"
    )
    if result.errors or (strict and result.warnings):
        raise typer.Exit(1)
