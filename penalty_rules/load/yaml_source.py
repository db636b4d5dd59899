"""Safe YAML reading with positions: every value keeps the line and column it came from.

Duplicate keys and malformed dates are errors with a position, not silent overwrites. Aliases
(`*name`, also under merge keys `<<`) are refused before anything is constructed: list files are
plain trees, and an alias can expand exponentially ("billion laughs") or refer to itself. A file
is read only if it is a regular file of at most MAX_FILE_BYTES inside the lists folder.
"""

import os
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Marks = dict[tuple, tuple[int, int]]  # field path → (line, column), both 1-based

MAX_FILE_BYTES = 1024 * 1024  # one YAML file of the lists folder (the largest bundled is ~12 KB)


def size_label(n: int) -> str:
    return f"{n // 2**20} MiB" if n % 2**20 == 0 else f"{n} 字节"


@dataclass
class YamlProblem(Exception):
    code: str
    message: str
    line: int | None
    column: int | None
    path: str | None = None


# libyaml's parser when PyYAML was built with it (about 8× faster), else the pure-Python one.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):
    """SafeLoader that refuses duplicate keys and reports bad dates with their position."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                first = seen[key].start_mark
                raise YamlProblem(
                    "duplicate_key",
                    f"重复的键 {key!r}(第一次出现在第 {first.line + 1} 行)",
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):
        try:
            value = super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise YamlProblem(
                "bad_date",
                f"日期无效 {node.value!r}: {exc}",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            ) from None
        return value.date() if hasattr(value, "date") and not isinstance(value, date) else value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)


def _collect_marks(node: Node, path: tuple, marks: Marks) -> None:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode):
                key = key_node.value
                marks[path + (key, "__key__")] = (
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
                _collect_marks(value_node, path + (key,), marks)
    elif isinstance(node, SequenceNode):
        for i, child in enumerate(node.value):
            _collect_marks(child, path + (i,), marks)


def refuse_aliases(text: str) -> None:
    """Raise YamlProblem (yaml_alias) at the first alias event (the parser's events, before any node
    is composed): nothing an alias would expand is ever built."""
    if "*" not in text:  # every alias starts with '*'
        return
    parser = _SafeLoader(text)
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.AliasEvent):
                raise YamlProblem(
                    "yaml_alias",
                    f"不允许使用 YAML 别名 *{event.anchor}(清单文件中不得使用锚点 & 与别名 *, 包括合并键 <<: *…;"
                    "请把内容直接写出)",
                    event.start_mark.line + 1,
                    event.start_mark.column + 1,
                )
    finally:
        parser.dispose()


def read_yaml_text(text: str) -> tuple[Any, Marks]:
    """Parse YAML text; return (data, marks). Raises YamlProblem with a position."""
    try:
        refuse_aliases(text)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, {}
            marks: Marks = {}
            _collect_marks(node, (), marks)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlProblem(
            "yaml_syntax",
            f"YAML 语法错误: {exc.problem or exc}",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem("yaml_syntax", f"YAML 错误: {exc}", None, None) from None
    return data, marks


def read_bytes_bounded(path: Path, root: Path | None = None, limit: int | None = None) -> bytes:
    """The bytes of `path`, refused (YamlProblem) if it resolves outside `root`, is not a regular
    file (a FIFO or a device would block or never end) or holds more than `limit` bytes."""
    limit = MAX_FILE_BYTES if limit is None else limit
    path = Path(path)
    if root is not None:
        real, top = path.resolve(), Path(root).resolve()
        if not real.is_relative_to(top):
            raise YamlProblem("symlink_outside", f"{path.name} 指向清单目录之外({real}), 拒绝读取", None, None)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise YamlProblem("unreadable", f"无法读取文件: {exc.strerror or exc}", None, None) from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise YamlProblem("not_a_file", f"{path.name} 不是普通文件, 拒绝读取", None, None)
        raw = f.read(limit + 1)
    if len(raw) > limit:
        raise YamlProblem(
            "file_too_large",
            f"文件超过单个清单文件的大小上限 {size_label(limit)}, 未读取(见 README 清单一节)",
            None, None,
        )
    return raw


def read_yaml(path: Path, root: Path | None = None) -> tuple[Any, Marks]:
    """Read and parse one YAML file (see read_bytes_bounded for what is refused)."""
    raw = read_bytes_bounded(path, root)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblem("encoding", f"文件不是 UTF-8 编码: {exc}", None, None) from None
    return read_yaml_text(text)


def mark_for(marks: Marks, loc: tuple) -> tuple[int | None, int | None]:
    """The position of the deepest known prefix of a pydantic error location."""
    loc = tuple(loc)
    # an unknown field: point at its key
    if loc and (loc + ("__key__",))[:-1] in marks:
        key_mark = marks.get(loc[:-1] + (loc[-1], "__key__"))
        if key_mark:
            return key_mark
    for n in range(len(loc), -1, -1):
        if loc[:n] in marks:
            return marks[loc[:n]]
    return None, None


def format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
