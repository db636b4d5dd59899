"""Bad input: a clear error with an English code, a Chinese message, and the row / column."""

import pytest

from penalty_rules.importer.build import build_draft
from penalty_rules.importer.errors import TableImportError

from .conftest import DATA

BAD = DATA / "bad"


def run(name, **kw):
    kw.setdefault("domain", "tax")
    return build_draft(BAD / name, list_id="bad", version="1", jurisdiction="371500", **kw)


@pytest.mark.parametrize("name,code", [
    ("empty.csv", "empty_file"), ("empty.xlsx", "empty_file"), ("no-header.csv", "no_header"),
    ("corrupt.xlsx", "corrupt"), ("corrupt.docx", "corrupt"), ("password.xlsx", "encrypted"),
])
def test_unreadable_files(name, code):
    with pytest.raises(TableImportError) as exc:
        run(name)
    assert exc.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)


def test_unknown_column_names_row_and_column():
    with pytest.raises(TableImportError) as exc:
        run("unknown-column.csv")
    assert exc.value.code == "unknown_columns" and exc.value.row == 1 and exc.value.column == "联系人"
    assert "第1行" in str(exc.value) and "联系人" in str(exc.value)


def test_column_map_reads_unusual_headers():
    result = run("custom-headers.csv", column_map=BAD / "custom-headers.map.yaml")
    assert len(result.items) == 1 and result.items[0]["violated"][0]["article"] == 25


def test_duplicate_number_rejects_the_row():
    result = run("duplicate-number.csv")
    assert len(result.items) == 1
    [r] = result.rejected
    assert (r.code, r.row, r.column) == ("duplicate_number", 4, "序号") and "第3行" in r.message


def test_unreadable_outcome():
    result = run("unreadable-outcome.csv")
    assert not result.items
    [r] = result.rejected
    assert r.code == "unreadable_outcome" and r.row == 3 and "其他事项" in r.message


def test_outcome_column():
    result = run("outcome-column.csv")
    assert [i["outcome"] for i in result.items] == ["no_penalty"]
    [r] = result.rejected
    assert (r.code, r.row, r.column) == ("unreadable_outcome", 3, "处理结果") and "酌情处理" in r.message


def test_unsupported_and_missing(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    with pytest.raises(TableImportError) as exc:
        build_draft(tmp_path / "a.pdf", list_id="x", version="1", jurisdiction="371500")
    assert exc.value.code == "unsupported_format"
    with pytest.raises(TableImportError) as exc:
        build_draft(tmp_path / "none.csv", list_id="x", version="1", jurisdiction="371500")
    assert exc.value.code == "not_found"
