"""A small table in the published layout, imported as a draft (the importer tests' one helper)."""

import csv
import io

from penalty_rules.importer.build import build_draft
from penalty_rules.lint.flags import blocking_flags
from penalty_rules.model.item import Item

HEAD = ["序号", "执法领域", "违法行为", "处罚依据", "适用条件", "处理结果"]
CITE = "《中华人民共和国行政处罚法》第三十三条第一款"


def _build(tmp_path, rows, head=HEAD, **kw):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(head)
    w.writerows(rows)
    table = tmp_path / "t.csv"
    table.write_text(buf.getvalue(), encoding="utf-8")
    return build_draft(table, list_id="t", version="1", jurisdiction="371500", domain="market", **kw)


def _blocked(item: dict) -> list[str]:
    return blocking_flags(Item.model_validate(item))
