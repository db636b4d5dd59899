"""`penalty-rules check FILE|-`: evaluate one case from a facts JSON object.

The file is read as the HTTP service reads a body (penalty_rules.model.facts_json.parse_facts_json):
strict JSON types, no duplicate keys, bounded nesting and integer size, finite non-negative
amounts. Every message is printed with Rich markup escaped (input text is never markup)."""

import re
import sys
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from penalty_rules.errors import CorpusInvalid, InvalidFacts, UnknownItem
from penalty_rules.model.facts import CaseFacts
from penalty_rules.cli.json_source import SourceProblem, read_json_object
from penalty_rules.model.facts_json import error_loc, loc_text, locate_lone_surrogate, validation_message_zh

console = Console()
err = Console(stderr=True)


def _fail(message: str) -> None:
    err.print(f"[red]输入无效: {escape(message)}[/red]", soft_wrap=True, highlight=False)
    raise typer.Exit(2)


_VERSION_KEY = re.compile(r"[a-z0-9][a-z0-9.-]*@[A-Za-z0-9][A-Za-z0-9._-]*")


def _version_of(problem) -> str | None:
    """The list version a loader problem is about: named in its field path or message, else the
    id@version of its file."""
    if problem.path and problem.path.startswith("versions."):
        return problem.path[len("versions."):]
    found = _VERSION_KEY.search(problem.message)
    if found:
        return found.group(0)
    try:
        import yaml

        from penalty_rules.config import Settings

        path = Path(problem.file or "")
        if not path.is_file():
            path = Settings.from_env().lists_dir.parent / path
        doc = yaml.safe_load(path.read_text("utf-8"))
        return f"{doc['id']}@{doc['version']}"
    except Exception:  # noqa: BLE001 (only a label for the message)
        return None


def _lists_refused(exc: CorpusInvalid) -> None:
    """The lists do not load (e.g. a published version was changed): which version and why, in
    Chinese with the error code, then exit 2 as for the other errors of this command."""
    errors = [p for p in exc.problems if p.severity == "error"] or list(exc.problems)
    lines = []
    for p in errors[:20]:
        key = _version_of(p)
        where = f"清单版本 {key}" if key else (p.file or "清单")
        lines.append(f"  {where}: {p.message} [{p.code}]")
    more = f"\n  …另有 {len(errors) - 20} 个错误" if len(errors) > 20 else ""
    err.print(escape(f"清单无效, 无法判断案件(错误 {len(errors)} 个; 运行 penalty-rules lists validate 查看):\n"
                     + "\n".join(lines) + more), style="red", soft_wrap=True, highlight=False)
    raise typer.Exit(2)


def check(
    source: str = typer.Argument(..., help="案情 JSON 文件路径, 或 - 表示标准输入"),
    as_json: bool = typer.Option(False, "--json", help="输出完整 Decision JSON"),
    no_durable: bool = typer.Option(False, "--no-durable", help="只用参考求值器(不加载 durable-rules)"),
) -> None:
    """判断一个案件: 打印处理建议、适用条目、法律依据、措施和需要补充的事实。"""
    try:
        raw, data = read_json_object(source)
    except SourceProblem as exc:
        _fail(str(exc))
    try:
        facts = CaseFacts.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        lines = []
        for e in locate_lone_surrogate(exc, data).errors():
            path = loc_text(error_loc(e)) or "(顶层)"
            lines.append(f"{path}: {validation_message_zh(e)} [{e['type']}]")
        _fail("; ".join(lines))

    from penalty_rules.engine.engine import Engine

    try:
        engine = Engine.from_settings(use_durable=not no_durable)
    except CorpusInvalid as exc:
        _lists_refused(exc)
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
        console.print(escape(decision.summary), highlight=False, soft_wrap=True)
