"""Input files: native nested Parquet columns, CSV quoted cells over several lines (chunks and line
numbers), strict UTF-8 in CSV."""

import json
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from penalty_rules.replay.reader import plan_chunks, read_chunk
from penalty_rules.replay.runner import run_local

TODAY = date(2026, 11, 30)
ITEM = "sd-2021/x03"


@pytest.fixture(scope="module")
def corpora(sides):
    return [sides[0].corpus, sides[1].corpus]


def _run(corpora, paths, target=50_000):
    return run_local(corpora, plan_chunks(paths, target), TODAY, workers=1)


def test_parquet_native_nested_columns_equal_their_json_text(corpora, tmp_path):
    """list<string> circumstances, a map of quantities and list<struct> priors are read as the
    JSON values they hold: the same answers as the same rows in JSONL."""
    rows = [
        {"item_id": ITEM, "corrected": "promptly", "circumstances": ["cooperated"], "quantities": {"x_y": 1.0},
         "act_date": "2022-05-01", "prior_offenses": [{"item_id": ITEM, "date": "2021-05-01"}]},
        {"item_id": ITEM, "corrected": "promptly", "circumstances": [], "quantities": {"x_y": 1.0},
         "act_date": "2022-05-02", "prior_offenses": [{"item_id": ITEM, "date": "2021-05-01"}]},
        {"item_id": ITEM, "corrected": "promptly", "circumstances": ["cooperated"], "quantities": {"x_y": 2.0},
         "act_date": "2022-05-01", "prior_offenses": [{"item_id": ITEM, "date": "2021-05-01"}]},
    ] * 2
    with open(tmp_path / "rows.jsonl", "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    table = pa.table({
        "item_id": [r["item_id"] for r in rows], "corrected": [r["corrected"] for r in rows],
        "circumstances": pa.array([r["circumstances"] for r in rows], pa.list_(pa.string())),
        "quantities": pa.array([list(r["quantities"].items()) for r in rows], pa.map_(pa.string(), pa.float64())),
        "act_date": pa.array([date.fromisoformat(r["act_date"]) for r in rows], pa.date32()),
        "prior_offenses": pa.array([[{"item_id": p["item_id"], "date": date.fromisoformat(p["date"])}
                                     for p in r["prior_offenses"]] for r in rows],
                                   pa.list_(pa.struct([("item_id", pa.string()), ("date", pa.date32())]))),
    })
    pq.write_table(table, tmp_path / "rows.parquet")
    native = _run(corpora, [tmp_path / "rows.parquet"])
    text = _run(corpora, [tmp_path / "rows.jsonl"])
    assert (native.rows, native.bad) == (6, 0)
    assert dict(native.groups) == dict(text.groups)
    assert native.evaluated == 3  # repeated rows share their projection


def test_csv_quoted_cells_over_lines_are_never_cut_by_chunks(corpora, tmp_path):
    n = 3_000
    lines = ["item_id,conduct,act_date,case_ref"]
    lines += [f'{ITEM},"描述 ""{i}""\n续行",2022-05-01,R{i}' for i in range(n)]
    lines.append(f"{ITEM},,2022-02-30,LAST")  # a bad date on the last record
    path = tmp_path / "multi.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    chunks = plan_chunks([path], 100)
    assert len(chunks) > 1
    part = run_local(corpora, chunks, TODAY, workers=1)
    assert (part.rows, part.bad) == (n + 1, 1)
    # the row number is the line the record starts on (the header is line 1)
    assert part.bad_rows[0][1:3] == (2 + 2 * n, "LAST")
    got = [(r, ref) for c in chunks for r, ref, _ in read_chunk(c)]
    assert got[:2] == [(2, "R0"), (4, "R1")] and got[-2] == (2 * n, f"R{n - 1}")
    rows = [row for c in chunks for _, _, row in read_chunk(c)]
    assert rows[1]["conduct"] == '描述 "1"\n续行'


def test_csv_row_numbers_are_lines_in_a_single_chunk(corpora, tmp_path):
    lines = ["item_id,conduct,act_date"]
    for i in range(2, 12):
        lines.append(f'{ITEM},"第一行\n第二行",2022-05-01' if i == 4 else f"{ITEM},,2022-05-0{i % 9 + 1}")
    lines.append(f"{ITEM},,2022-02-30")
    path = tmp_path / "one.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    part = _run(corpora, [path])
    assert (part.rows, part.bad) == (11, 1) and part.bad_rows[0][1] == 13


def test_csv_stray_quote_file_is_one_chunk(tmp_path):
    lines = ["item_id,conduct,act_date"] + [f'{ITEM},长 5"的管,2022-05-01' for _ in range(5_000)]
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    chunks = plan_chunks([path], 100)
    assert len(chunks) == 1
    rows = [row for c in chunks for _, _, row in read_chunk(c)]
    assert len(rows) == 5_000 and rows[0]["conduct"] == '长 5"的管'


def test_csv_invalid_utf8_is_a_bad_row_with_its_line(corpora, tmp_path):
    path = tmp_path / "enc.csv"
    path.write_bytes(b"item_id,conduct,act_date\n" + f"{ITEM},,2022-05-01\n".encode()
                     + f'{ITEM},"\xff\xfe\n'.encode("latin-1") + "第二行\",2022-05-01\n".encode()
                     + f"{ITEM},好,2022-05-01\n".encode())
    part = _run(corpora, [path])
    assert (part.rows, part.bad) == (3, 1)
    _f, row, _ref, code, _fld, msg = part.bad_rows[0]
    assert (row, code) == (3, "invalid_encoding") and "UTF-8" in msg
    (tmp_path / "head.csv").write_bytes(b"item_id,\xff\n")
    from penalty_rules.replay.reader import InputProblem

    with pytest.raises(InputProblem) as exc:
        plan_chunks([tmp_path / "head.csv"])
    assert exc.value.code == "invalid_encoding"
