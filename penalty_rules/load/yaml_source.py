"""Safe YAML reading with positions: every value keeps the line and column it came from.

Duplicate keys and malformed dates are errors with a position, not silent overwrites.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Marks = dict[tuple, tuple[int, int]]  # field path → (line, column), both 1-based


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


def read_yaml_text(text: str) -> tuple[Any, Marks]:
    """Parse YAML text; return (data, marks). Raises YamlProblem with a position."""
    try:
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


def read_yaml(path: Path) -> tuple[Any, Marks]:
    raw = path.read_bytes()
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
