"""Header detection: which row is the header, and which field each column holds.

Fields: number (序号), domain (执法领域 / 实施主体), violation (违法行为), violated (违法依据),
penalty_basis (处罚依据), basis (法律依据: both together), exemption_basis (不予/减轻处罚依据),
conditions (适用条件), measures (处理措施 / 裁量基准), outcome (处理结果 / 类别), remarks (备注).
Headers are matched by synonyms after removing spaces and line breaks; a column map YAML
(`{columns: {表头原文: field}}`) names unusual headers. Every non-empty header must be known
(or mapped to `ignore`): an unknown column is an error, so no column is silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from penalty_rules.importer.errors import TableImportError
from penalty_rules.importer.tables import RawRow

FIELDS = ("number", "domain", "agency", "violation", "violated", "penalty_basis", "basis", "exemption_basis",
          "conditions", "measures", "outcome", "remarks", "ignore")

# Synonyms, compared after normalisation (spaces, line breaks and brackets removed). Longest first.
SYNONYMS: dict[str, list[str]] = {
    "number": ["序号", "编号", "项目序号", "事项序号", "条目序号", "序"],
    "domain": ["执法领域", "领域", "行政执法领域", "所属领域", "执法门类"],
    "agency": ["实施主体", "执法主体", "执法部门", "实施机关", "责任单位"],
    "violation": ["违法行为", "违法行为名称", "事项名称", "违法事项", "违法行为表现", "违法情形", "事项"],
    "violated": ["违法依据", "违反的规定", "违法条款", "违反条款"],
    "penalty_basis": ["处罚依据", "罚则", "处罚条款", "处罚依据条款"],
    "basis": ["法律依据", "法定依据", "法律法规依据", "依据", "设定依据"],
    "exemption_basis": ["不予处罚依据", "免罚依据", "免予处罚依据", "减轻处罚依据", "从轻处罚依据", "轻罚依据",
                        "不予行政处罚依据"],
    "conditions": ["适用条件", "不予处罚条件", "不予处罚的条件", "减轻处罚条件", "从轻处罚条件", "适用情形",
                   "免罚条件", "不予处罚情形", "认定标准", "适用条件和情形"],
    "measures": ["处理措施", "裁量基准", "配套措施", "处理方式", "其他措施", "处罚措施"],
    "outcome": ["处理结果", "处罚结果", "处理类别", "清单类别", "类别", "类型"],
    "remarks": ["备注", "说明"],
}
_NORMALISE = re.compile(r"[\s()（）【】\[\]:：*]")


def normalise(text: str) -> str:
    return _NORMALISE.sub("", text or "")


_LOOKUP = {normalise(s): field for field, words in SYNONYMS.items() for s in words}


@dataclass
class ColumnMap:
    """Header row number and field → column index."""

    header_row: int
    columns: dict[str, int]  # field → 0-based column index
    headers: list[str]  # the header texts as read

    def header_of(self, field: str) -> str:
        i = self.columns.get(field)
        return self.headers[i] if i is not None else field


def load_column_map(path: Path | str | None) -> dict[str, str]:
    """A YAML mapping {columns: {header text: field}} (or the mapping itself)."""
    if path is None:
        return {}
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TableImportError("column_map_invalid", f"列映射文件无法读取: {exc}") from None
    if isinstance(data, dict) and "columns" in data:
        data = data["columns"]
    if not isinstance(data, dict):
        raise TableImportError("column_map_invalid", "列映射文件须为 {表头原文: 字段名} 的映射(可放在 columns 下)")
    out = {}
    for header, field in data.items():
        if field not in FIELDS:
            raise TableImportError(
                "column_map_invalid", f"列映射中“{header}”的字段名 {field!r} 未知; 可用: {', '.join(FIELDS)}"
            )
        out[normalise(str(header))] = field
    return out


def field_of(header: str, extra: dict[str, str]) -> str | None:
    key = normalise(header)
    if key in extra:
        return extra[key]
    return _LOOKUP.get(key)


def _two_row_header(rows: list[RawRow], top: RawRow, dup: list[str], extra: dict[str, str]) -> ColumnMap | None:
    """The row under a header with a merged cell: where it names the columns under the merged cell
    with distinct known fields, the header is the two rows together (the lower row's names win)."""
    after = [r for r in rows if r.number > top.number]
    if not after:
        return None
    low = after[0]
    spans = [i for i, c in enumerate(top.cells) if c and field_of(c, extra) in dup]
    below = [field_of(low.cells[i], extra) if i < len(low.cells) else None for i in spans]
    if None in below or len(set(below)) != len(below):
        return None
    columns: dict[str, int] = {}
    headers = []
    for i, cell in enumerate(top.cells):
        sub = low.cells[i] if i < len(low.cells) else ""
        f = field_of(sub, extra) if sub else None
        name = sub if f else cell
        f = f or field_of(cell, extra)
        headers.append(name)
        if f and f != "ignore" and f not in columns:
            columns[f] = i
    if "basis" in columns and ("violated" in columns or "penalty_basis" in columns) and \
            columns["basis"] in spans:
        del columns["basis"]
    return ColumnMap(low.number, columns, headers)


def detect_header(rows: list[RawRow], extra: dict[str, str] | None = None, scan: int = 10) -> ColumnMap:
    """The first row (of the first `scan`) where a violation column and at least two other known
    columns are found."""
    extra = extra or {}
    for row in rows[:scan]:
        found: dict[str, int] = {}
        for i, cell in enumerate(row.cells):
            field = field_of(cell, extra)
            if field and field not in found:
                found[field] = i
        if "violation" in found and len(set(found) - {"ignore"}) >= 3:
            unknown = [
                (i, cell) for i, cell in enumerate(row.cells)
                if cell and field_of(cell, extra) is None
            ]
            if unknown:
                names = "、".join(f"“{c}”" for _, c in unknown)
                raise TableImportError(
                    "unknown_columns",
                    f"表头中有无法识别的列 {names}; 请用 --column-map 指定其字段(或映射为 ignore)",
                    row.number, unknown[0][1],
                )
            dup = [f for f in found if sum(1 for c in row.cells if c and field_of(c, extra) == f) > 1
                   and f != "ignore"]
            if dup:
                texts = {f: {c for c in row.cells if c and field_of(c, extra) == f} for f in dup}
                real = [f for f in dup if len(texts[f]) > 1]
                if real:
                    raise TableImportError(
                        "duplicate_columns", f"表头中有两列都是“{SYNONYMS.get(real[0], [real[0]])[0]}”", row.number,
                    )
                # a merged header cell over two columns (法律依据 over 违法依据 | 处罚依据): the second header
                # row names them; no column is dropped
                two = _two_row_header(rows, row, dup, extra)
                if two is not None:
                    return two
                cols = "、".join(f"第{i + 1}列" for i, c in enumerate(row.cells) if c and field_of(c, extra) in dup)
                raise TableImportError(
                    "merged_header",
                    f"表头“{row.cells[found[dup[0]]]}”跨{cols}(合并单元格), 下一行没有区分这些列的表头; "
                    "请用 --column-map 或拆分表头指定各列字段", row.number, row.cells[found[dup[0]]])
            return ColumnMap(row.number, {f: i for f, i in found.items() if f != "ignore"}, list(row.cells))
    first = rows[0]
    raise TableImportError(
        "no_header",
        "未找到表头: 前 {n} 行中没有同时含“违法行为”和至少两个其他已知列(如 序号、法律依据、适用条件)的行".format(
            n=min(scan, len(rows))),
        first.number,
    )
