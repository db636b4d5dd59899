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


HEAD = "序号,违法行为,违法依据,处罚依据,适用条件,处理结果\n"
LAW = "《中华人民共和国税收征收管理法》第二十五条第一款,《中华人民共和国税收征收管理法》第六十二条"


@pytest.mark.parametrize("outcome,why", [("依法从轻、减轻或者不予处罚", "单一结果"), ("不罚款", "警告也是行政处罚")])
def test_outcomes_that_are_not_one_outcome_are_rejected(tmp_path, outcome, why):
    path = tmp_path / "t.csv"
    path.write_text(HEAD + f"1,未按规定办理纳税申报,{LAW},初次违法,{outcome}\n", "utf-8")
    result = build_draft(path, list_id="x", version="1", jurisdiction="371500", domain="tax")
    [r] = result.rejected
    assert r.code == "unreadable_outcome" and r.column == "处理结果" and why in r.message and not result.items


def test_first_offence_lighter_is_lighter(tmp_path):
    from penalty_rules.importer.build import read_outcome
    from penalty_rules.model.outcome import Outcome
    assert read_outcome("首违从轻") is Outcome.lighter_penalty
    assert read_outcome("不罚款") is None and read_outcome("依法从轻、减轻或者不予处罚") is None
    # a bare 首违 names no outcome (首违不罚 and 首违轻罚 lists both exist); 首违不罚 / 首违免罚 do
    assert read_outcome("首违清单") is None and read_outcome("首违") is None
    assert read_outcome("首违不罚事项") is Outcome.no_penalty and read_outcome("首违免罚") is Outcome.no_penalty


def test_merged_header_cell_over_two_columns(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("序号,违法行为,法律依据,法律依据,适用条件,处理结果\n" + HEAD +
                    f"1,未按规定办理纳税申报,{LAW},初次违法且危害后果轻微,不予处罚\n", "utf-8")
    result = build_draft(path, list_id="x", version="1", jurisdiction="371500", domain="tax")
    item = result.items[0]
    assert item["violated"] == [{"law": "中华人民共和国税收征收管理法", "article": 25, "paragraph": 1}]
    assert item["penalty_basis"] == [{"law": "中华人民共和国税收征收管理法", "article": 62}]
    # without a second header row naming the columns: a clear error, no column dropped silently
    path.write_text("序号,违法行为,法律依据,法律依据,适用条件,处理结果\n"
                    f"1,未按规定办理纳税申报,{LAW},初次违法且危害后果轻微,不予处罚\n", "utf-8")
    with pytest.raises(TableImportError) as exc:
        build_draft(path, list_id="x", version="1", jurisdiction="371500", domain="tax")
    assert exc.value.code == "merged_header" and "法律依据" in exc.value.message and "第3列" in exc.value.message


def test_one_rows_window_is_not_applied_list_wide(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(HEAD + f"1,未按规定办理纳税申报,{LAW},两年内无违法记录且危害后果轻微,不予处罚\n"
                    f"2,未按规定设置账簿,{LAW},初次违法且危害后果轻微并及时改正,不予处罚\n"
                    f"3,未按规定保管凭证,{LAW},两年内无同类违法记录，及时改正,不予处罚\n", "utf-8")
    result = build_draft(path, list_id="x", version="1", jurisdiction="371500", domain="tax")
    assert "first_offense" not in result.document
    one, two, three = result.items
    assert one["conditions"]["all"] == ["first_offense", {"custom": "两年内无违法记录"}, "minor_harm"]
    assert two["conditions"]["all"] == ["first_offense", "minor_harm", "corrected_promptly"]
    assert three["conditions"]["all"] == ["first_offense", {"custom": "两年内无同类违法记录"}, "corrected_promptly"]
    assert "first_offense.window" in one["provenance"]["flags"] and "first_offense.window" in three["provenance"]["flags"]
    assert "first_offense.window" not in two["provenance"]["flags"]
    # every 首违 item states the same same-kind window: the list's definition, flagged
    path.write_text(HEAD + f"1,未按规定办理纳税申报,{LAW},两年内无同类违法记录，及时改正,不予处罚\n"
                    f"2,未按规定设置账簿,{LAW},两年内首次违法且危害后果轻微,不予处罚\n", "utf-8")
    result = build_draft(path, list_id="x", version="1", jurisdiction="371500", domain="tax")
    assert result.document["first_offense"]["window_years"] == 2
    assert result.items[0]["conditions"]["all"] == ["first_offense", "corrected_promptly"]
    assert all("first_offense.window" in i["provenance"]["flags"] for i in result.items)


def test_structure_flags_and_moved_text_are_reported(tmp_path):
    from penalty_rules.importer.report import summary
    path = tmp_path / "f.csv"
    path.write_text(HEAD + f"1,未按规定办理纳税申报,{LAW},同时符合下列条件：（一）初次违法；（二）危害后果轻微；以警示教育代替行政处罚,不予处罚\n",
                    "utf-8")
    result = build_draft(path, list_id="x", version="1", jurisdiction="371500", domain="tax")
    item = result.items[0]
    assert item["conditions"] == {"all": ["first_offense", "minor_harm"]}
    assert {"conditions.marker", "conditions.moved_to_note"} <= set(item["provenance"]["flags"])
    assert "以警示教育代替行政处罚" in item["provenance"]["note"]
    s = summary(result)
    assert s["moved_to_note"] == 1 and s["parse_rate"] == 1.0 and s["parse_rate_with_moved"] < 1.0
