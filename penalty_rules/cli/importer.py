"""`penalty-rules lists import`: a published table (.xlsx / .docx / .csv) → a draft list version."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from penalty_rules.cli.dates import option_day
from penalty_rules.config import Settings
from penalty_rules.errors import CorpusInvalid, StatutesUnavailable
from penalty_rules.importer.build import _level, build_draft, write_draft
from penalty_rules.importer.errors import TableImportError
from penalty_rules.importer.report import print_report, summary, write_html
from penalty_rules.load.loader import load_corpus

console = Console()
err_console = Console(stderr=True)
SCHEMA_HEADER = "# yaml-language-server: $schema=../../../schema/list.schema.json\n"


def import_command(
    file: Path = typer.Argument(..., help="表格文件: .xlsx、.docx 或 .csv"),
    list_id: str = typer.Option(..., "--list-id", help="清单编号(小写 ASCII), 如 lc-2022"),
    version: str = typer.Option(..., "--version", help="版本标签, 如 3.0"),
    jurisdiction: str = typer.Option(..., "--jurisdiction", help="行政区划代码(如 371500)或 CN"),
    domain: str = typer.Option(None, "--domain", help="执法领域代码(表格没有执法领域列时必填)"),
    column_map: Path = typer.Option(None, "--column-map", help="列映射 YAML: {columns: {表头原文: 字段}}"),
    out: Path = typer.Option(None, "--out", help="输出目录(草案写到 OUT/<清单编号>/<版本>.yaml); 默认写入清单目录"),
    report: Path = typer.Option(None, "--report", help="HTML 报告路径"),
    title: str = typer.Option(None, "--title", help="清单标题"),
    issuer: str = typer.Option(None, "--issuer", help="发文机关"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出报告摘要"),
    lists_dir: Path = typer.Option(None, "--lists", help="清单目录(用于领域、行政区划和冲突检查)"),
    list_date: str = typer.Option(None, "--list-date",
                                  help="清单印发或施行日期 YYYY-MM-DD: 未注明版本的引用按当日施行的法规版本核对(默认最新版本)"),
) -> None:
    """导入清单表格, 写出草案版本(status: draft, 不具约束力), 并给出导入报告。

    有拒收的行时退出码为 1(其余条目仍写入草案); 文件无法读取时退出码为 2。"""
    settings = Settings.from_env()
    root = lists_dir or settings.lists_dir
    on = option_day(list_date, "--list-date")
    try:
        corpus = load_corpus(root).corpus
    except CorpusInvalid as exc:
        err_console.print(str(exc), style="red", markup=False)
        raise typer.Exit(2) from None
    library = None
    if settings.statutes_dir is not None:
        try:
            from penalty_rules.statutes.library import StatuteLibrary

            library = StatuteLibrary(settings.statutes_dir)
        except StatutesUnavailable as exc:
            err_console.print(f"{exc}; 引用不作核对", style="yellow", markup=False)
    try:
        result = build_draft(file, list_id=list_id, version=version, jurisdiction=jurisdiction, domain=domain,
                             column_map=column_map, title=title, issuer=issuer, corpus=corpus, library=library,
                             list_date=on)
    except TableImportError as exc:
        where = exc.where()
        err_console.print(f"导入失败 [{exc.code}] {file}{' ' + where if where else ''}: {exc.message}",
                          style="red", markup=False, soft_wrap=True, highlight=False)
        raise typer.Exit(2) from None
    if out is None:
        _, folder, _ = _level(jurisdiction, corpus.registry)
        out_dir, header = root / folder, SCHEMA_HEADER
    else:
        out_dir, header = out, None
    target = out_dir / list_id / f"{version}.yaml"
    if target.exists():
        err_console.print(f"导入失败 [exists] {target} 已存在, 不覆盖(请换版本标签或先移走旧文件)", style="red",
                          markup=False, soft_wrap=True)
        raise typer.Exit(2)
    write_draft(result, out_dir, header)
    if report is not None:
        write_html(result, report)
    if as_json:
        typer.echo(json.dumps(summary(result), ensure_ascii=False, indent=2))
    else:
        print_report(result, console)
        console.print(f"草案已写入 {result.written}" + (f"; HTML 报告: {report}" if report else ""),
                      markup=False, soft_wrap=True, highlight=False)
    if result.rejected:
        raise typer.Exit(1)
