"""`penalty-rules search TEXT`: list items for a conduct text, binding items of the jurisdiction's
stack first (then analogues of other places), each with its text, list, version and score.
Everything is printed literally (Rich markup escaped: list texts and queries are never markup)."""

import json
import sys

import typer
from rich.console import Console
from rich.markup import escape

console = Console()
err = Console(stderr=True)


def search(
    text: str = typer.Argument(..., help="违法行为描述(执法人员的说法即可)"),
    jurisdiction: str = typer.Option("371500", "--jurisdiction", help="办案机关行政区划代码"),
    domain: str | None = typer.Option(None, "--domain", help="执法领域代码"),
    limit: int = typer.Option(10, "--limit", min=1, max=50, help="最多列出的条目数"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """按违法行为描述检索清单条目(本地有约束力的在前, 外地类比参考在后)。"""
    from penalty_rules.config import Settings
    from penalty_rules.engine.search import ItemSearch
    from penalty_rules.load.loader import load_corpus_strict

    if not text.strip():
        err.print("[red]输入无效: 违法行为描述为空[/red]", highlight=False)
        raise typer.Exit(2)
    corpus = load_corpus_strict(Settings.from_env().lists_dir)
    registry = corpus.registry
    if registry.jurisdiction(jurisdiction) is None:
        err.print(f"[red]输入无效: 不支持的行政区划代码 {escape(jurisdiction)}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    if domain is not None and registry.domain(domain) is None:
        err.print(f"[red]输入无效: 未知的执法领域代码 {escape(domain)}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    stack = registry.stack(jurisdiction)
    hits = ItemSearch(corpus).search(text, domain=domain, prefer=stack, limit=limit)
    rows = [
        {
            "id": h.ref.item.id, "violation": h.ref.item.violation, "list": h.ref.document.id,
            "list_title": h.ref.document.title, "version": h.ref.document.version,
            "jurisdiction": h.ref.document.jurisdiction, "binding": h.binding_in(stack),
            "domain": h.ref.item.domain, "outcome": h.ref.item.outcome.value, "score": round(h.score, 4),
        }
        for h in hits
    ]
    if as_json:
        out = {"query": text, "jurisdiction": jurisdiction, "count": len(rows), "hits": rows}
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return
    if not rows:
        console.print("没有找到相近的清单条目", highlight=False)
        return
    for i, r in enumerate(rows, 1):
        kind = "有约束力" if r["binding"] else "外地类比参考"
        where = r["jurisdiction"] or "外地"
        console.print(
            escape(f"{i}. {r['id']}  {r['violation']}\n   {r['list_title']}({r['list']}@{r['version']}, {where}, "
                   f"{kind}) 得分 {r['score']:.2f}"),
            highlight=False, soft_wrap=True,
        )
