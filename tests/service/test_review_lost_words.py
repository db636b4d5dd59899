"""An imported item whose words may be lost (text moved to the note, a continuation row not joined, citation
words not read) cannot be approved or published until the reviewer has checked the words and deleted the
flag (penalty_rules.lint.flags: the deletion is the recorded reason, in the draft's diff). Before, only
conditions.exclusion and conditions.outcome_mismatch blocked: the item was approvable as it read, without
the words. The table is test content in the published layout; every folder is a temporary copy."""

import pytest
import yaml

from penalty_rules.load.loader import load_corpus
from penalty_rules.publish.files import PublishError
from service import reviews as rv

from test_review_exclusion import run_import  # noqa: F401
from test_review_publish import NO_DB, R1, R2, _run_cli, check_published, draft_items, make_lists, store  # noqa: F401

KEY = "lc-air-import@2026-1"
ROW = ("1,人民防空,城市新建民用建筑违反国家规定不修建战时可用于防空的地下室,,"
       "《中华人民共和国人民防空法》第四十八条,《中华人民共和国行政处罚法》第三十三条,{cond},,\n")
HEAD = ("人民防空领域包容审慎监管清单(审核流程测试表格),,,,,,,,\n"
        "序号,执法领域,违法行为,违法依据,处罚依据,不予处罚依据,适用条件,处理措施,备注\n"
        "一、不予处罚事项,,,,,,,,\n")


def _flag_off(path, flag):
    doc = yaml.safe_load(path.read_text("utf-8"))
    for item in doc["items"]:
        item["provenance"]["flags"] = [f for f in item["provenance"]["flags"] if f != flag]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")


def test_words_moved_to_the_note_block_approval_and_publication(tmp_path, store):
    # 其他条件： a heading with no condition word: its words are moved to the note (the item reads without them)
    root, _ = run_import(tmp_path, HEAD + ROW.format(cond="初次违法、危害后果轻微并及时改正。其他条件：经核实后主动不罚"))
    path = root / "liaocheng" / "lc-air-import" / "2026-1.yaml"
    [item] = load_corpus(root).corpus.document(KEY).items
    assert "conditions.moved_to_note" in item.provenance.flags, item.provenance.flags
    with pytest.raises(PublishError) as exc:
        rv.review(store, root, KEY, item.id, "approved", None, R1)
    assert exc.value.code == "unresolved_moved_words" and exc.value.status == 422
    for i in draft_items(root, KEY):
        if i != item.id:
            rv.review(store, root, KEY, i, "approved", None, R1)
    with pytest.raises(PublishError) as exc:
        rv.publish(store, root, KEY, R1, "request", rv.date(2036, 12, 1))
    assert exc.value.code == "unresolved_moved_words"
    _flag_off(path, "conditions.moved_to_note")  # checked against the table: the reviewer deletes the flag
    rv.review(store, root, KEY, item.id, "approved", None, R1)
    req = rv.publish(store, root, KEY, R1, "request", rv.date(2036, 12, 1))
    rv.publish(store, root, KEY, R2, "approve", request_id=req.record["id"])
    check_published(root, KEY, "2036-12-01")


def test_continuation_row_not_joined_blocks_approval(tmp_path, store):
    head = HEAD.replace("备注\n", "处理结果\n")
    row = ROW.removesuffix(",,\n")
    root = make_lists(tmp_path)
    table = tmp_path / "table.csv"
    table.write_text(head + row.format(cond="初次违法") + ",,不予处罚\n" + row.format(cond="危害后果轻微") + ",,从轻处罚\n",
                     "utf-8")
    code, out = _run_cli({**NO_DB, "PENALTY_RULES_VAR": str(tmp_path / "var")}, "lists", "import", str(table),
                         "--list-id", "lc-air-import", "--version", "2026-1", "--jurisdiction", "371500",
                         "--lists", str(root))
    assert code == 1 and "continuation_not_joined" in out, out  # the row not joined is refused (row 5)
    [item] = load_corpus(root).corpus.document(KEY).items
    assert "source_rows_unjoined" in item.provenance.flags
    with pytest.raises(PublishError) as exc:
        rv.review(store, root, KEY, item.id, "approved", None, R1)
    assert exc.value.code == "unresolved_continuation_row"
