"""Reading a JSON object from a file argument or `-` (standard input) for the CLI commands, through
the strict JSON boundary (penalty_rules.model.facts_json); problems as Chinese messages."""

import sys
from pathlib import Path

from penalty_rules.model.facts_json import JsonInputError, load_json_strict

_READ_ERRORS = {FileNotFoundError: "文件不存在", IsADirectoryError: "这是目录, 不是文件",
                PermissionError: "没有读取权限"}


class SourceProblem(Exception):
    """The source could not be read, or is not one strict JSON object; str() is the Chinese message."""


def read_json_object(source: str, what: str = "JSON 对象") -> tuple[bytes, dict]:
    """(raw bytes, the JSON object) of the file `source` (or standard input for `-`), read strictly."""
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise SourceProblem(f"无法读取 {source}: {_READ_ERRORS.get(type(exc), exc.strerror)}") from None
    try:
        data = load_json_strict(raw)
    except JsonInputError as exc:
        raise SourceProblem(f"{exc.field}: {exc.message} [{exc.code}]" if exc.field
                            else f"{exc.message} [{exc.code}]") from None
    if not isinstance(data, dict):
        raise SourceProblem(f"顶层必须是{what}")
    return raw, data
