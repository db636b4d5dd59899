"""Command-line usage errors (a missing option, an unknown option, a bad value) in Chinese, like the
commands' own validation messages and the HTTP service's. Click writes them in English; `run` runs
the Typer app without Click's standalone handling and translates them."""

from __future__ import annotations

import re

from rich.console import Console

try:  # Typer ≥ 0.25 carries its own copy of Click
    from typer._click import exceptions as click_exceptions
    from typer.exceptions import Abort
except ImportError:  # pragma: no cover - older Typer on the real Click
    from click import exceptions as click_exceptions
    from click.exceptions import Abort

err = Console(stderr=True)

PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^Missing option '?(?P<x>[^'.]+)'?\.?$"), "缺少选项 {x}"),
    (re.compile(r"^Missing argument '?(?P<x>[^'.]+)'?\.?$"), "缺少参数 {x}"),
    (re.compile(r"^No such option: (?P<x>\S+)(?: Did you mean (?P<y>\S+?)\?| \(Possible options: (?P<z>.*)\))?$"),
     "没有选项 {x}"),
    (re.compile(r"^No such command '?(?P<x>[^'.]+)'?\.?$"), "没有命令 {x}"),
    (re.compile(r"^Got unexpected extra arguments? \((?P<x>.*)\)$"), "多余的参数: {x}"),
    (re.compile(r"^Option '?(?P<x>[^']+)'? requires an argument\.?$"), "选项 {x} 需要一个值"),
    (re.compile(r"^Option '?(?P<x>[^']+)'? does not take a value\.?$"), "选项 {x} 不接受值"),
    (re.compile(r"^Invalid value for '?(?P<x>[^':]+)'?: (?P<y>.*)$", re.S), "{x} 的取值无效: {y}"),
]
VALUE_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^'(?P<v>.*)' is not a valid (?P<t>integer|float|boolean)\.?$"),
     "'{v}' 不是有效的{t}"),
    (re.compile(r"^'?(?P<v>.*?)'? is not one of (?P<c>.*)\.?$"), "'{v}' 不是可选值之一: {c}"),
    (re.compile(r"^(?:File|Path|Directory) '(?P<v>.*)' does not exist\.?$"), "文件或目录 '{v}' 不存在"),
]
TYPES_ZH = {"integer": "整数", "float": "数字", "boolean": "布尔值(true/false)"}


def message_zh(message: str) -> str:
    """A Click usage message in Chinese (the English text is kept when no pattern knows it)."""
    message = message.strip()
    for pattern, template in PATTERNS:
        m = pattern.match(message)
        if not m:
            continue
        parts = {k: (v or "") for k, v in m.groupdict().items()}
        if "y" in parts and template.endswith("{y}"):
            parts["y"] = value_zh(parts["y"])
        text = template.format(**parts)
        if pattern.pattern.startswith("^No such option") and (parts.get("y") or parts.get("z")):
            text += f"; 是否要用 {parts.get('y') or parts.get('z')}?"
        return text
    return message


def value_zh(text: str) -> str:
    text = text.strip()
    for pattern, template in VALUE_PATTERNS:
        m = pattern.match(text)
        if m:
            parts = m.groupdict()
            if "t" in parts:
                parts["t"] = TYPES_ZH.get(parts["t"], parts["t"])
            return template.format(**parts)
    return text


def run(app) -> int:
    """Run the app; usage errors are printed in Chinese with the usage line (exit code 2)."""
    try:
        rv = app(standalone_mode=False)
    except click_exceptions.NoArgsIsHelpError as exc:  # `penalty-rules lists`: the help, as before
        from typer import rich_utils

        rich_utils.rich_format_error(exc)
        return exc.exit_code
    except click_exceptions.UsageError as exc:
        usage = exc.ctx.get_usage() if exc.ctx else ""
        if usage:
            err.print(usage.replace("Usage:", "用法:"), markup=False, highlight=False, soft_wrap=True)
        command = exc.ctx.command_path if exc.ctx else "penalty-rules"
        err.print(f"错误: {message_zh(exc.format_message())}", style="red", markup=False, highlight=False,
                  soft_wrap=True)
        err.print(f"用 {command} --help 查看帮助", markup=False, highlight=False)
        return exc.exit_code
    except click_exceptions.ClickException as exc:  # e.g. a file that cannot be opened
        err.print(f"错误: {message_zh(exc.format_message())}", style="red", markup=False, highlight=False,
                  soft_wrap=True)
        return exc.exit_code
    except Abort:
        err.print("已中止", style="red")
        return 1
    return rv if isinstance(rv, int) else 0
