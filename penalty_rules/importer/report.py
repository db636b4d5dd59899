"""The import report: a Rich terminal summary and a self-contained HTML file (no external assets)."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from penalty_rules.importer.build import ImportResult
from penalty_rules.lint.flags import BLOCKING_FLAGS

STATUS_ZH = {"resolved": "已核对", "law_only": "仅法名", "unresolved": "未解析", "not_checked": "未核对(无法规文本)",
             "mismatch": "与所依据版本不符或版本缺失"}


def blocking(result: ImportResult) -> list[dict]:
    """Items the reviewer must rewrite before any approval (penalty_rules.lint.flags): what and why."""
    return [{"item_id": i["id"], "flag": f, "what": BLOCKING_FLAGS[f][0], "do": BLOCKING_FLAGS[f][1]}
            for i in result.items for f in i.get("provenance", {}).get("flags", []) if f in BLOCKING_FLAGS]


def summary(result: ImportResult) -> dict:
    counts = result.citation_counts()
    custom = Counter(p.text for p in result.phrases if not p.parsed)
    return {
        "source": result.source,
        "header_row": result.header_row,
        "rows_read": result.rows_read,
        "items_written": len(result.items),
        "rows_rejected": len(result.rejected),
        "phrases": len(result.phrases),
        "phrases_parsed": result.phrases_parsed,
        "phrases_custom": len(result.phrases) - result.phrases_parsed,
        "parse_rate": round(result.parse_rate, 4),
        "moved_to_note": len(result.moved),
        "parse_rate_with_moved": round(result.parse_rate_with_moved, 4),
        "citations": counts.get("parsed", 0),
        "citations_resolved": counts.get("resolved", 0),
        "citations_law_only": counts.get("law_only", 0),
        "citations_unresolved": counts.get("unresolved", 0),
        "citations_not_checked": counts.get("not_checked", 0),
        "citations_mismatch": counts.get("mismatch", 0),
        "citation_text_unread": counts.get("unread", 0),
        "conflicts": len(result.conflicts),
        "blocking": blocking(result),
        "remarks": len(result.remarks),
        "editorial_remarks": len(result.editorial),
        "custom_phrases": [{"text": t, "count": n} for t, n in custom.most_common()],
        "rejected": [{"row": r.row, "column": r.column, "code": r.code, "message": r.message} for r in result.rejected],
        "written": str(result.written) if result.written else None,
    }


def print_report(result: ImportResult, console: Console) -> None:
    s = summary(result)
    t = Table(title=f"导入报告: {result.source}", show_header=False)
    t.add_column("项目")
    t.add_column("数值", justify="right")
    rows = [
        ("读取的条目行", s["rows_read"]), ("写入的条目", s["items_written"]), ("拒收的行", s["rows_rejected"]),
        ("条件短语", s["phrases"]), ("已解析为结构化条件", f"{s['phrases_parsed']}({s['parse_rate'] * 100:.1f}%)"),
        ("按原文保留(custom, 待审核)", s["phrases_custom"]),
        ("移入备注的文字(可能是条件, 未解析, 待审核)", s["moved_to_note"]),
        ("解析率(移入备注的计为未解析)", f"{s['parse_rate_with_moved'] * 100:.1f}%"),
        ("说明文字(未作为条件, 记入备注)", s["remarks"]), ("其中关于来源的编者说明", s["editorial_remarks"]),
        ("引用", s["citations"]), ("引用已核对到条文", s["citations_resolved"]), ("引用仅法名", s["citations_law_only"]),
        ("引用未解析", s["citations_unresolved"]), ("引用未核对(无法规文本)", s["citations_not_checked"]),
        ("依据栏中无法识别的文字", s["citation_text_unread"]), ("与现行约束性条目的冲突", s["conflicts"]),
        ("须先改写才能审核通过的条目", len({b["item_id"] for b in s["blocking"]})),
    ]
    for k, v in rows:
        t.add_row(Text(k), Text(str(v)))
    console.print(t)
    if result.rejected:
        rt = Table(title="拒收的行")
        for h in ("行", "列", "代码", "原因"):
            rt.add_column(h, overflow="fold")
        for r in result.rejected:
            rt.add_row(str(r.row), Text(r.column or "—"), r.code, Text(r.message))
        console.print(rt)
    if s["custom_phrases"]:
        ct = Table(title="按原文保留的条件短语(待审核)")
        ct.add_column("短语", overflow="fold")
        ct.add_column("次数", justify="right")
        for c in s["custom_phrases"][:30]:
            ct.add_row(Text(c["text"]), str(c["count"]))
        console.print(ct)
        if len(s["custom_phrases"]) > 30:
            console.print(f"…… 另有 {len(s['custom_phrases']) - 30} 个, 见 HTML 报告", markup=False)
    if s["blocking"]:
        bt = Table(title="须先改写才能审核通过的条目(改写后从 provenance.flags 删除该标记)")
        for h in ("条目", "问题", "须如何处理"):
            bt.add_column(h, overflow="fold")
        for b in s["blocking"]:
            bt.add_row(Text(b["item_id"]), Text(b["what"]), Text(b["do"]))
        console.print(bt)
    if result.conflicts:
        ft = Table(title="与现行约束性条目的冲突")
        for h in ("行", "新条目", "现有条目", "原因", "处理结果相同"):
            ft.add_column(h, overflow="fold")
        for c in result.conflicts:
            ft.add_row(str(c.row), Text(c.item_id), Text(c.existing), Text(c.reason), "是" if c.same_outcome else "否")
        console.print(ft)


def _table(headers: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_report(result: ImportResult) -> str:
    s = summary(result)
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>导入报告 {html.escape(result.source)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #999;padding:4px 8px;vertical-align:top}th{background:#eee}"
        ".bad{color:#a00}</style></head><body>",
        f"<h1>导入报告: {html.escape(result.source)}</h1>",
        f"<p>表头在第 {s['header_row']} 行; 草案: {html.escape(s['written'] or '未写入')}(status: draft, 不具约束力)</p>",
        _table(["项目", "数值"], [
            ["读取的条目行", s["rows_read"]], ["写入的条目", s["items_written"]], ["拒收的行", s["rows_rejected"]],
            ["条件短语", s["phrases"]], ["已解析为结构化条件", f"{s['phrases_parsed']}({s['parse_rate'] * 100:.1f}%)"],
            ["按原文保留(custom)", s["phrases_custom"]], ["说明文字(未作为条件)", s["remarks"]],
            ["移入备注的文字(可能是条件, 未解析)", s["moved_to_note"]],
            ["解析率(移入备注的计为未解析)", f"{s['parse_rate_with_moved'] * 100:.1f}%"],
            ["其中关于来源的编者说明", s["editorial_remarks"]], ["引用", s["citations"]],
            ["引用已核对到条文", s["citations_resolved"]], ["引用仅法名", s["citations_law_only"]],
            ["引用未解析", s["citations_unresolved"]], ["依据栏中无法识别的文字", s["citation_text_unread"]],
            ["与现行约束性条目的冲突", s["conflicts"]],
            ["须先改写才能审核通过的条目", len({b["item_id"] for b in s["blocking"]})],
        ]),
        "<h2 class='bad'>须先改写才能审核通过的条目</h2>",
        _table(["条目", "标记", "问题", "须如何处理"], [[b["item_id"], b["flag"], b["what"], b["do"]] for b in s["blocking"]]),
        "<h2 class='bad'>拒收的行</h2>",
        _table(["行", "列", "代码", "原因"], [[r.row, r.column or "—", r.code, r.message] for r in result.rejected]),
        "<h2>按原文保留的条件短语(custom, 待审核)</h2>",
        _table(["短语", "次数"], [[c["text"], c["count"]] for c in s["custom_phrases"]]),
        "<h2>已解析的条件短语</h2>",
        _table(["行", "条目", "短语", "条件"], [[p.row, p.item_id, p.text, p.condition] for p in result.phrases if p.parsed]),
        "<h2>适用条件中的说明文字(未作为条件)</h2>",
        _table(["行", "文字"], [[r, t] for r, t in result.remarks]),
        "<h2>引用</h2>",
        _table(["行", "条目", "字段", "引用", "结果", "说明"],
               [[c.row, c.item_id, c.field, c.label, STATUS_ZH.get(c.status, c.status), c.message]
                for c in result.citations]),
        "<h2>依据栏中无法识别的文字</h2>",
        _table(["行", "文字"], [[r, t] for r, t in result.citation_unread]),
        "<h2>与现行约束性条目的冲突</h2>",
        _table(["行", "新条目", "现有条目", "原因", "处理结果相同"],
               [[c.row, c.item_id, c.existing, c.reason, "是" if c.same_outcome else "否"] for c in result.conflicts]),
        "</body></html>",
    ]
    return "\n".join(parts)


def write_html(result: ImportResult, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_report(result), "utf-8")
    return path
