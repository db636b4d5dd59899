"""Readers: an .xlsx, .docx or .csv table → rows of cell texts (merged cells filled in).

Each row is (row number as the reader counts it, [cell text …]). Merged cells repeat their value in
every cell they cover (a 执法领域 merged down a block, a section title merged across the row);
line breaks inside a cell are kept as "\n".
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from penalty_rules.importer.errors import TableImportError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class RawRow:
    number: int  # 1-based, in the file (xlsx row, docx table row, csv line)
    cells: list[str]


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _check_container(path: Path, data: bytes, kind: str) -> None:
    if not data.strip():
        raise TableImportError("empty_file", "文件为空", None, None)
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_MARK in data:
            raise TableImportError("encrypted", f"文件受密码保护({path.name}), 请另存为不加密的{kind}文件后再导入")
        raise TableImportError("old_format", f"文件是旧版 Office 格式(.xls/.doc), 请另存为 {kind} 后再导入")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TableImportError("corrupt", f"文件已损坏或不是 {kind} 文件({path.name})")


def read_xlsx(path: Path) -> list[RawRow]:
    import openpyxl

    data = path.read_bytes()
    _check_container(path, data, ".xlsx")
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken package
        raise TableImportError("corrupt", f"无法读取 Excel 文件({type(exc).__name__}: {exc})") from None
    ws = wb.worksheets[0]
    grid: dict[tuple[int, int], str] = {}
    for row in ws.iter_rows():
        for cell in row:
            grid[(cell.row, cell.column)] = _clean(cell.value)
    for rng in ws.merged_cells.ranges:
        value = grid.get((rng.min_row, rng.min_col), "")
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                grid[(r, c)] = value
    rows = []
    width = ws.max_column or 0
    for r in range(1, (ws.max_row or 0) + 1):
        cells = [grid.get((r, c), "") for c in range(1, width + 1)]
        rows.append(RawRow(r, cells))
    return rows


def read_docx(path: Path) -> list[RawRow]:
    import docx

    data = path.read_bytes()
    _check_container(path, data, ".docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise TableImportError("corrupt", f"无法读取 Word 文件({type(exc).__name__}: {exc})") from None
    rows: list[RawRow] = []
    n = 0
    for table in document.tables:  # tables of one document continue each other (page breaks)
        for row in table.rows:
            n += 1
            # row.cells repeats a merged cell's object for every grid column it spans, across and down
            rows.append(RawRow(n, [_clean(c.text) for c in row.cells]))
    return rows


def read_csv(path: Path) -> list[RawRow]:
    data = path.read_bytes()
    if not data.strip():
        raise TableImportError("empty_file", "文件为空")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableImportError("corrupt", "CSV 文件既不是 UTF-8 也不是 GB18030 编码")
    if "\x00" in text:
        raise TableImportError("corrupt", "CSV 文件含有二进制内容, 不是文本表格")
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",\t;").delimiter
    except csv.Error:
        delimiter = ","
    # Only the delimiter is sniffed: quoting is the standard one ("" inside a quoted cell is a quote),
    # as Excel and WPS write it; a sniffed dialect may guess doublequote=False and cut a cell at its
    # first comma after a "" (which moved condition wording into the next column).
    reader = csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter)
    rows = []
    for record in reader:
        rows.append(RawRow(reader.line_num, [_clean(c) for c in record]))
    return rows


READERS = {".xlsx": read_xlsx, ".docx": read_docx, ".csv": read_csv}


def read_table(path: Path | str) -> list[RawRow]:
    path = Path(path)
    if not path.is_file():
        raise TableImportError("not_found", f"文件不存在: {path}")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise TableImportError("unsupported_format", f"不支持的文件类型 {path.suffix!r}, 请使用 .xlsx、.docx 或 .csv")
    if path.stat().st_size > MAX_BYTES:
        raise TableImportError("too_large", f"文件超过 {MAX_BYTES // (1024 * 1024)} MiB")
    rows = [r for r in reader(path) if any(c for c in r.cells)]
    if not rows:
        raise TableImportError("empty_file", "文件中没有任何内容(没有非空的行)")
    return rows
