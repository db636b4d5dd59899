"""`penalty-rules check FILE|-`: evaluate one case from a facts JSON object."""

import json
import sys
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console

from penalty_rules.errors import InvalidFacts, UnknownItem
from penalty_rules.model.facts import CaseFacts

console = Console()
err = Console(stderr=True)


def _fail(message: str) -> None:
    err.print(f"[red]输入无效: {message}[/red]", soft_wrap=True, highlight=False)
    raise typer.Exit(2)


def check(
    source: str = typer.Argument(..., help="案情 JSON 文件路径, 或 - 表示标准输入"),
    as_json: bool = typer.Option(False, "--json", help="输出完整 Decision JSON"),
    no_durable: bool = typer.Option(False, "--no-durable", help="只用参考求值器(不加载 durable-rules)"),
) -> None:
    """判断一个案件: 打印处理建议、适用条目、法律依据、措施和需要补充的事实。"""
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        _fail(f"无法读取 {source}: {exc.strerror}")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        _fail("输入不是 UTF-8 编码")
    except json.JSONDecodeError as exc:
        _fail(f"JSON 格式错误(第 {exc.lineno} 行第 {exc.colno} 列): {exc.msg}")
    if not isinstance(data, dict):
        _fail("顶层必须是 JSON 对象")
    try:
        facts = CaseFacts.model_validate(data)
    except ValidationError as exc:
        lines = []
        for e in exc.errors():
            path = ".".join(str(p) for p in e["loc"]) or "(顶层)"
            msg = "不允许的字段" if e["type"] == "extra_forbidden" else e["msg"]
            lines.append(f"{path}: {msg} [{e['type']}]")
        _fail("; ".join(lines))

    from penalty_rules.engine.engine import Engine

    engine = Engine.from_settings(use_durable=not no_durable)
    try:
        decision = engine.evaluate(facts)
    except InvalidFacts as exc:
        _fail(f"{exc.field}: {exc.message} [{exc.code}]")
    except UnknownItem as exc:
        hint = f"; 相近条目: {', '.join(exc.close_matches)}" if exc.close_matches else ""
        _fail(f"item_id: 未找到清单条目 {exc.item_id} [unknown_item]{hint}")
    if as_json:
        sys.stdout.write(decision.model_dump_json(indent=2) + "\n")
    else:
        console.print(decision.summary, highlight=False, soft_wrap=True)
