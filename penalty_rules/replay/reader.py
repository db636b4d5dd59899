"""Caseload files: JSONL, CSV or Parquet (one file, many files, or a folder of them), read in
chunks with their row numbers.

Row numbers are what a user finds in the file: the line number for JSONL, the line a record
starts on for CSV (the header is line 1; a quoted cell may span lines, and CSV chunks end only
between records), the 1-based row index for Parquet. Text is UTF-8, decoded strictly. A bad row
(bad JSON or encoding, unknown field, bad value or date) is returned as a RowError with its row
number; it never stops the run.

Columns: every CaseFacts field; nested fields (prior_offenses, circumstances, quantities,
special_law_facts, custom_conditions) as JSON text in CSV and Parquet cells (read strictly), or as
native Parquet lists, maps and structs. An empty CSV cell / a Parquet null is an unknown fact.
The optional case reference column (`case_ref` by default) is kept apart from the facts.
"""

import csv
import hashlib
import io
import json
import mmap
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from penalty_rules.model.facts_json import JsonInputError, load_json_strict
from penalty_rules.replay.projection import RowError

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".parquet": "parquet",
           ".pq": "parquet"}
BOOL_FIELDS = {"first_offense", "minor_violation", "subjective_fault", "continuing", "safety_related"}
INT_FIELDS = {"age"}
FLOAT_FIELDS = {"illegal_gains_yuan", "goods_value_yuan"}
JSON_FIELDS = {"prior_offenses", "circumstances", "quantities", "special_law_facts", "custom_conditions", "attested"}
_INT = re.compile(r"^-?(0|[1-9]\d{0,19})$")
_NUMBER = re.compile(r"^-?(0|[1-9]\d{0,19})(\.\d+)?([eE][+-]?\d{1,3})?$")
_BIG_INT = re.compile(rb"\d{21}")
_STRAY_QUOTE = re.compile(rb'[^,\r\n"]"[^,\r\n"]')  # a quote inside a cell, not at its start or end


class InputProblem(Exception):
    """A file that cannot be read at all (missing, unknown format, bad header)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Chunk:
    path: str
    fmt: str
    start: int  # byte offset (jsonl, csv) or first row group (parquet)
    stop: int  # byte offset (exclusive) or last row group (exclusive)
    first_row: int  # row number of the chunk's first row
    rows: int  # rows (lines) in the chunk, for progress
    header: tuple[str, ...] | None = None  # csv


def input_files(paths: list[str | Path]) -> list[tuple[Path, str]]:
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in FORMATS)
            if not found:
                raise InputProblem("empty_input", f"目录 {p} 中没有 .jsonl/.csv/.parquet 文件")
            out += [(f, FORMATS[f.suffix.lower()]) for f in found]
        elif p.is_file():
            fmt = FORMATS.get(p.suffix.lower())
            if fmt is None:
                raise InputProblem("unknown_format", f"无法识别文件格式 {p.name}(支持 .jsonl、.csv、.parquet)")
            out.append((p, fmt))
        else:
            raise InputProblem("input_not_found", f"输入文件不存在: {p}")
    return out


def _line_chunks(path: Path, fmt: str, target_rows: int) -> list[Chunk]:
    size = path.stat().st_size
    if size == 0:
        return []
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        header = None
        pos, line_no = 0, 1
        if fmt == "csv":
            end = mm.find(b"\n")
            end = size if end < 0 else end + 1
            try:
                text = mm[:end].decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise InputProblem("invalid_encoding",
                                   f"{path.name}: CSV 第 1 行(列名)须为 UTF-8 编码(第 {exc.start + 1} 字节无效)") from None
            header = tuple(next(csv.reader([text]), []))
            header = tuple(h.strip() for h in header)
            if not header or not any(header):
                raise InputProblem("bad_header", f"{path.name}: CSV 第 1 行须为列名")
            dup = sorted({h for h in header if header.count(h) > 1})
            if dup:
                raise InputProblem("duplicate_column", f"{path.name}: CSV 列名重复: {', '.join(dup)}")
            pos, line_no = end, 2
        sample = mm[pos:pos + (1 << 20)]
        avg = max(1, len(sample) // max(1, sample.count(b"\n")))
        step = max(1 << 16, avg * target_rows)
        # CSV: a chunk ends only where no quoted field is open (a quoted cell may hold newlines).
        # Outside quoted fields the number of quote characters read so far is even; a quote
        # inside an unquoted cell (a"b, which the csv module keeps as text) would upset that
        # count, so such a file is read as one chunk.
        whole = fmt == "csv" and _STRAY_QUOTE.search(mm, pos) is not None
        chunks = []
        while pos < size:
            stop = size if whole else min(size, pos + step)
            if stop < size:
                nl = mm.find(b"\n", stop)
                stop = size if nl < 0 else nl + 1
                if fmt == "csv":
                    quotes = mm[pos:stop].count(b'"')
                    while quotes % 2 and stop < size:
                        nl = mm.find(b"\n", stop)
                        nxt = size if nl < 0 else nl + 1
                        quotes += mm[stop:nxt].count(b'"')
                        stop = nxt
            lines = mm[pos:stop].count(b"\n") + (0 if mm[stop - 1:stop] == b"\n" else 1)
            chunks.append(Chunk(str(path), fmt, pos, stop, line_no, lines, header))
            line_no += lines
            pos = stop
    return chunks


def _parquet_chunks(path: Path, target_rows: int) -> list[Chunk]:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    chunks, row, g = [], 1, 0
    while g < meta.num_row_groups:
        start, rows = g, 0
        while g < meta.num_row_groups and (rows == 0 or rows + meta.row_group(g).num_rows <= target_rows):
            rows += meta.row_group(g).num_rows
            g += 1
        chunks.append(Chunk(str(path), "parquet", start, g, row, rows))
        row += rows
    return chunks


def plan_chunks(paths: list[str | Path], target_rows: int = 50_000) -> list[Chunk]:
    chunks = []
    for path, fmt in input_files(paths):
        chunks += _parquet_chunks(path, target_rows) if fmt == "parquet" else _line_chunks(path, fmt, target_rows)
    return chunks


# ---------------------------------------------------------------------------- cells
def _dup_hook(pairs):
    d = dict(pairs)
    if len(d) != len(pairs):
        raise ValueError("duplicate")
    return d


_JSON_CACHE: dict[str, object] = {}


def _json_cell(text: str, field: str):
    got = _JSON_CACHE.get(text)
    if got is not None:
        return got
    try:
        value = load_json_strict(text)
    except JsonInputError as exc:
        raise RowError(exc.code, f"{field}: {exc.message}", field) from None
    if len(_JSON_CACHE) < 100_000 and len(text) < 2000:
        _JSON_CACHE[text] = value
    return value


def cell_value(field: str, text: str):
    """A CSV cell (never empty here) as the JSON value the facts contract expects; a value of the
    wrong kind is kept as text, so strict validation names the field and the reason."""
    if field in JSON_FIELDS:
        return _json_cell(text, field)
    if field in BOOL_FIELDS:
        return {"true": True, "false": False}.get(text, text)
    if field in INT_FIELDS:
        return int(text) if _INT.match(text) else text
    if field in FLOAT_FIELDS:
        if _NUMBER.match(text):
            return int(text) if _INT.match(text) else float(text)
        return text
    return text


# ---------------------------------------------------------------------------- rows
def _jsonl_rows(chunk: Chunk, ref_column: str | None):
    with open(chunk.path, "rb") as fh:
        fh.seek(chunk.start)
        data = fh.read(chunk.stop - chunk.start)
    row_no = chunk.first_row
    for line in data.split(b"\n")[: chunk.rows]:
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line.strip():
            yield row_no, None, RowError("empty_row", "空行(不是 JSON 对象)")
            row_no += 1
            continue
        obj = None
        if not _BIG_INT.search(line):
            try:
                obj = json.loads(line, object_pairs_hook=_dup_hook)
            except (ValueError, RecursionError):
                obj = None
        if obj is None:  # the official boundary names the problem
            try:
                obj = load_json_strict(line)
            except JsonInputError as exc:
                yield row_no, None, RowError(exc.code, exc.message, exc.field)
                row_no += 1
                continue
        if type(obj) is not dict:
            yield row_no, None, RowError("not_object", "每行须为一个 JSON 对象")
        else:
            ref = obj.pop(ref_column, None) if ref_column else None
            yield row_no, None if ref is None else str(ref), obj
        row_no += 1


def _csv_rows(chunk: Chunk, ref_column: str | None):
    with open(chunk.path, "rb") as fh:
        fh.seek(chunk.start)
        data = fh.read(chunk.stop - chunk.start)
    header = chunk.header
    n = len(header)
    ref_i = header.index(ref_column) if ref_column and ref_column in header else -1
    fields = [(i, h) for i, h in enumerate(header) if i != ref_i and h]
    try:
        text = data.decode("utf-8")
        bad_lines = None
    except UnicodeDecodeError:
        # strict: a record with bytes that are not UTF-8 is a bad row (as in JSONL), never altered;
        # the rest of the chunk is read as usual (csv structure is ASCII, kept by the replacement)
        bad_lines = {}
        parts = []
        for i, line in enumerate(data.split(b"\n")):
            try:
                parts.append(line.decode("utf-8"))
            except UnicodeDecodeError as exc:
                bad_lines[i] = exc.start + 1
                parts.append(line.decode("utf-8", errors="replace"))
        text = "\n".join(parts)
    reader = csv.reader(io.StringIO(text, newline="\n"))  # lines end at \n only, as the chunks count
    # the row number of a record is the line it starts on (a quoted cell may span lines)
    first, done = chunk.first_row, 0
    for cells in reader:
        row_no, start, done = first + done, done, reader.line_num
        if bad_lines and any(i in bad_lines for i in range(start, done)):
            at = next(i for i in range(start, done) if i in bad_lines)
            yield row_no, None, RowError("invalid_encoding",
                                         f"输入须为 UTF-8 编码(第 {first + at} 行第 {bad_lines[at]} 字节无效)")
            continue
        if not cells:
            yield row_no, None, RowError("empty_row", "空行")
            continue
        if len(cells) != n:
            yield row_no, None, RowError("bad_columns", f"列数为 {len(cells)}, 与表头的 {n} 列不符")
            continue
        try:
            row = {h: cell_value(h, cells[i]) for i, h in fields if cells[i] != ""}
        except RowError as exc:
            yield row_no, None, exc
            continue
        ref = cells[ref_i] if ref_i >= 0 and cells[ref_i] != "" else None
        yield row_no, ref, row


def _is_map(typ) -> bool:
    import pyarrow as pa

    return pa.types.is_map(typ)


def _map_values(values: list) -> list:
    """A native Parquet map column (cells as lists of (key, value) pairs) as JSON objects; a cell
    with a repeated key stays a list, so the facts contract refuses it by name."""
    out = []
    for v in values:
        if type(v) is list:
            d = dict(v)
            v = d if len(d) == len(v) else v
        out.append(v)
    return out


def _parquet_column(table, i) -> list:
    values = table.column(i).to_pylist()
    return _map_values(values) if _is_map(table.schema.field(i).type) else values


def _parquet_rows(chunk: Chunk, ref_column: str | None):
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(chunk.path)
    row_no = chunk.first_row
    for g in range(chunk.start, chunk.stop):
        table = pf.read_row_group(g)
        names = table.column_names
        cols = [_parquet_column(table, i) for i in range(len(names))]
        ref_i = names.index(ref_column) if ref_column and ref_column in names else -1
        plan = []
        for i, name in enumerate(names):
            if i == ref_i:
                continue
            typ = table.schema.field(i).type
            plan.append((i, name, name in JSON_FIELDS and str(typ) in ("string", "large_string")))
        refs = cols[ref_i] if ref_i >= 0 else None
        for r in range(table.num_rows):
            try:
                row = {}
                for i, name, as_json in plan:
                    v = cols[i][r]
                    if v is None:
                        continue
                    row[name] = _json_cell(v, name) if as_json else v
            except RowError as exc:
                yield row_no, None, exc
                row_no += 1
                continue
            ref = refs[r] if refs is not None else None
            yield row_no, None if ref is None else str(ref), row
            row_no += 1


def read_chunk(chunk: Chunk, ref_column: str | None = "case_ref"):
    """(row number, case reference or None, row dict or RowError) for every row of the chunk."""
    if chunk.fmt == "jsonl":
        return _jsonl_rows(chunk, ref_column)
    if chunk.fmt == "csv":
        return _csv_rows(chunk, ref_column)
    return _parquet_rows(chunk, ref_column)


def jsonable(row: dict) -> dict:
    """The row with date values as ISO text (Parquet gives dates), for the JSON boundary."""
    out = {}
    for k, v in row.items():
        if isinstance(v, date):  # date (or datetime: then refused by the boundary, naming the field)
            v = v.isoformat()
        elif k == "prior_offenses" and type(v) is list:
            v = [{a: (b.isoformat() if type(b) is date else b) for a, b in p.items()} if type(p) is dict else p
                 for p in v]
        out[k] = v
    return out


DATE_ORDER = ("act_date", "decision_date", "discovered_date", "act_end_date", "birth_date")


@dataclass
class ColumnGroup:
    """One Parquet row group split for the columnar fast path."""

    first_row: int
    rows: int
    names: tuple[str, ...]  # columns other than dates, prior_offenses and the case reference
    json_cols: frozenset  # of those, JSON text cells
    layout: str  # digest of the columns' names and types: a value's meaning depends on both
    cols: list  # value lists, one per name
    dates: list  # five value lists (DATE_ORDER), None where the column is absent
    priors: list | None
    refs: list | None
    nested: frozenset = frozenset()  # indexes (in names) of native nested columns: lists, maps, structs


def parquet_groups(chunk: Chunk, ref_column: str | None):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(chunk.path)
    row = chunk.first_row
    for g in range(chunk.start, chunk.stop):
        table = pf.read_row_group(g)
        names, cols, json_cols, types, nested = [], [], set(), [], set()
        dates = [None] * 5
        priors = refs = None
        for i, name in enumerate(table.column_names):
            values = _parquet_column(table, i)
            if name == ref_column:
                refs = [None if v is None else str(v) for v in values]
            elif name in DATE_ORDER:
                dates[DATE_ORDER.index(name)] = values
            elif name == "prior_offenses":
                priors = values
            else:
                typ = table.schema.field(i).type
                if pa.types.is_nested(typ):
                    nested.add(len(names))
                names.append(name)
                cols.append(values)
                types.append(str(typ))
                if name in JSON_FIELDS and str(table.schema.field(i).type) in ("string", "large_string"):
                    json_cols.add(name)
        layout = hashlib.sha256(repr((names, types)).encode()).hexdigest()[:16]
        yield ColumnGroup(row, table.num_rows, tuple(names), frozenset(json_cols), layout, cols, dates, priors, refs,
                          frozenset(nested))
        row += table.num_rows


def prior_value(v):
    """A prior_offenses cell: JSON text (read strictly) or a native list."""
    return _json_cell(v, "prior_offenses") if type(v) is str else v
