"""`penalty-rules lists …`: validate, show, coverage, diff, schema, lock.

Everything that comes from the lists (titles, violations, version labels, problem messages) is
printed without Rich markup (markup=False or Text cells): `[/red]` in a list is text.
"""

import difflib
import json
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from penalty_rules.cli.dates import option_day
from penalty_rules.config import Settings
from penalty_rules.errors import CorpusInvalid, Problem
from penalty_rules.lint.corpus import corpus_checks
from penalty_rules.load.json_schema import dumps, list_schema
from penalty_rules.load.loader import load_corpus
from penalty_rules.load.lockfile import LOCK_NAME, load_lock, write_lock
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.listdoc import Level, ListDocument
from penalty_rules.model.outcome import Outcome
from penalty_rules.report.coverage import coverage as coverage_report
from penalty_rules.model.outcome import outcome_zh
from penalty_rules.report.diff import LENIENT, UnknownVersionKey, diff as diff_report

app = typer.Typer(help="清单: 校验、查看、覆盖率、版本差异、JSON Schema", no_args_is_help=True)
console = Console()


def _root(lists_dir: Path | None) -> Path:
    return lists_dir or Settings.from_env().lists_dir


def _print_problem(p: Problem, out: Console | None = None, prefix: str = "", style: str | None = None) -> None:
    style = style or ("red" if p.severity == "error" else "yellow")
    (out or console).print(prefix + str(p), style=style, markup=False, soft_wrap=True, highlight=False)


def _refused(exc: CorpusInvalid, out: Console | None = None) -> typer.Exit:
    """The lists could not be loaded at all (registry, size, …): the problems, then exit 1."""
    for p in exc.problems:
        _print_problem(p, out)
    errors = sum(p.severity == "error" for p in exc.problems)
    (out or console).print(f"清单无法载入: 错误 {errors} 个", style="red", markup=False, highlight=False)
    return typer.Exit(1)


@app.command()
def validate(
    lists_dir: Path = typer.Option(None, "--lists", help="清单目录"),
    strict: bool = typer.Option(False, help="警告也视为失败"),
    db: str = typer.Option(None, "--db", help="审计库地址, 核对经审核发布的版本(默认 DATABASE_URL 或存在时的 var/audit.db)"),
    history: bool = typer.Option(
        None, "--history/--no-history",
        help="按 versions.lock 的 git 历史核对已发布版本仍以原哈希锁定、未被改回草案(默认: 清单目录在 git 仓库中时核对;"
             " --history: 无法核对即为错误)"),
) -> None:
    """校验全部清单: 语法、字段、条件词表、重复编号、版本锁; 有审计库时核对发布记录(已发布版本未被改回草案、
    内容和锁定记录与发布时相同); 清单目录在 git 仓库中时按锁文件的 git 历史核对同样的事(无需审计库)。
    有错误时退出码为 1。"""
    from penalty_rules.cli import review as review_cli

    root = _root(lists_dir)
    try:
        result = load_corpus(root)
    except CorpusInvalid as exc:
        raise _refused(exc) from None
    result.problems.extend(corpus_checks(result.corpus, root))
    for p in result.problems:
        _print_problem(p)
    corpus = result.corpus
    items = sum(len(d.items) for d in corpus.documents)
    counts: dict[str, int] = {}
    citation_errors = citation_check(corpus, root, counts=counts)
    published, _, note, level = review_cli.publication_check(corpus, root, db)
    for p in published or []:
        _print_problem(p)
    console.print(note, style={"error": "red", "warning": "yellow"}.get(level), markup=False, soft_wrap=True,
                  highlight=False)
    publication_errors = len(published or []) + (level == "error")
    history_errors = 0
    if history is not False:
        from penalty_rules.load.lock_history import check_history, read_lock_history
        from penalty_rules.load.lockfile import load_lock_sections

        past = read_lock_history(root)
        sections = load_lock_sections(root)  # a broken lock (bad_lock) is an error above: not compared
        found = check_history(past, corpus, sections.versions, root) if past.available and not sections.problems \
            else []
        for p in found:
            _print_problem(p)
        required = history is True and not past.available
        console.print(past.note, style="red" if required else None if past.available else "yellow", markup=False,
                      soft_wrap=True, highlight=False)
        history_errors = len(found) + required
    errors = len(result.errors) + citation_errors + publication_errors + history_errors
    warnings = len(result.warnings) + counts.get("warnings", 0) + (level == "warning")  # every warning printed above
    console.print(
        f"清单版本 {len(corpus.documents)} 个, 条目 {items} 条; 错误 {errors} 个, 警告 {warnings} 个"
        f"(含引用核对的错误 {citation_errors} 个、警告 {counts.get('warnings', 0)} 个"
        + (f", 发布记录核对的错误 {publication_errors} 个" if publication_errors else "")
        + (f", 锁文件历史核对的错误 {history_errors} 个" if history_errors else "") + ")"
        + ("; --strict: 警告视为失败" if strict and warnings else ""),
        markup=False, soft_wrap=True, highlight=False,
    )
    if errors or (strict and warnings):
        raise typer.Exit(1)


def citation_check(corpus: Corpus, root: Path, quiet: bool = False, counts: dict | None = None) -> int:
    """Resolve every citation against the statute texts (when configured) and print the rate.
    List citations give warnings, not counted: a miss is often a gap in the reference texts;
    but an article missing from the law's text in a new version (not in versions.lock with its
    content) is an error. The statutory rules' citations must resolve in the version they name:
    their misses are errors. Returns the number of errors; `quiet` prints only the errors; `counts`
    receives the number of warnings printed (`counts["warnings"]`)."""
    from penalty_rules.errors import StatutesUnavailable
    from penalty_rules.lint.citations import check_citations, check_statutory_citations
    from penalty_rules.statutes.library import StatuteLibrary

    out = err_console if quiet else console
    statutes_dir = Settings.from_env().statutes_dir
    if statutes_dir is None:
        if not quiet:
            console.print("未配置法规文本目录, 跳过引用核对", markup=False)
        return 0
    try:
        library = StatuteLibrary(statutes_dir)
    except StatutesUnavailable as exc:
        out.print(f"{exc}, 跳过引用核对", style="yellow", markup=False, soft_wrap=True, highlight=False)
        if counts is not None:
            counts["warnings"] = counts.get("warnings", 0) + 1
        return 0
    problems, report = check_citations(corpus, library, root)
    if counts is not None and not quiet:
        counts["warnings"] = counts.get("warnings", 0) + sum(p.severity != "error" for p in problems)
    for p in problems:
        if not quiet or p.severity == "error":
            _print_problem(p, out)
    if not quiet:
        console.print(report.summary(), markup=False, soft_wrap=True, highlight=False)
    statutory = check_statutory_citations(corpus, library)
    for p in statutory:
        _print_problem(p, out, style="red")
    rows = sum(len(v.rules) + len(v.measures) + len(v.grounds) for v in corpus.statutory.versions) \
        if corpus.statutory else 0
    rows += len(corpus.statutory.special.overrides) if corpus.statutory and corpus.statutory.special else 0
    if not quiet:
        console.print(f"法定规则引用核对: {rows} 条, 未解析 {len(statutory)} 条", markup=False, soft_wrap=True,
                      highlight=False)
    return len(statutory) + sum(p.severity == "error" for p in problems)


# -- corpus checks, show, coverage, diff, schema, lock ----------------------------------------
err_console = Console(stderr=True)

KIND_ZH = {"binding": "约束", "analogue": "类比", "draft": "草案"}


def _load(lists_dir: Path | None) -> Corpus:
    """The corpus for reading commands; rejected versions are left out and said so on stderr."""
    try:
        result = load_corpus(_root(lists_dir))
    except CorpusInvalid as exc:
        raise _refused(exc, err_console) from None
    if result.errors:
        err_console.print(
            f"[yellow]注意: 清单有 {len(result.errors)} 个错误, 出错的版本未载入"
            "(运行 penalty-rules lists validate 查看)[/yellow]"
        )
    return result.corpus


def _fail(message: str, code: int = 2) -> typer.Exit:
    err_console.print(message, style="red", markup=False, soft_wrap=True, highlight=False)
    return typer.Exit(code)


def _kind(doc: ListDocument) -> str:
    if doc.binding_level:
        return "binding"
    return "analogue" if doc.level is Level.analogue else "draft"


def _print_table(table: Table, width: int) -> None:
    """Tables keep a readable width when the output is piped (Rich assumes 80 columns there)."""
    if console.is_terminal:
        console.print(table)
    else:
        Console(width=max(console.width, width)).print(table)


def _echo_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@app.command()
def show(
    domain: str = typer.Option(None, "--domain", help="执法领域代码, 如 tax"),
    jurisdiction: str = typer.Option(None, "--jurisdiction", help="行政区划代码(如 371500)或 CN: 只列在此有约束力的清单"),
    as_of: str = typer.Option(None, "--as-of", help="日期 YYYY-MM-DD: 只列当日有效的版本"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
    lists_dir: Path = typer.Option(None, "--lists", help="清单目录"),
) -> None:
    """列出清单条目: 编号、领域、处理结果、违法行为、所在清单版本、效力。"""
    corpus = _load(lists_dir)
    day = option_day(as_of, "--as-of")
    if domain is not None and corpus.registry.domain(domain) is None:
        codes = sorted(corpus.registry.domain_codes())
        close = difflib.get_close_matches(domain, codes, n=5, cutoff=0.4)
        raise _fail(f"未知的执法领域代码 {domain!r};" + (f"相近的: {'、'.join(close)}" if close else f"可用: {'、'.join(codes)}"))
    if jurisdiction is not None and jurisdiction != "CN" and corpus.registry.jurisdiction(jurisdiction) is None:
        known = ["CN"] + [f"{j.code}({j.zh})" for j in corpus.registry.jurisdictions]
        raise _fail(f"未知的行政区划代码 {jurisdiction!r};可用: {'、'.join(known)}")

    docs = corpus.documents_in_force(day) if day else list(corpus.documents)
    if jurisdiction is not None:
        stack = corpus.registry.stack(jurisdiction)
        docs = [d for d in docs if d.binding_level and d.jurisdiction in stack]
    docs.sort(key=lambda d: (d.id, d.start or date.min, d.version))
    rows = [
        {
            "id": item.id,
            "domain": item.domain,
            "outcome": item.outcome.value,
            "outcome_zh": item.outcome.zh,
            "violation": item.violation,
            "list": doc.key,
            "kind": _kind(doc),
            "binding": doc.binding_level,
        }
        for doc in docs
        for item in doc.items
        if domain is None or item.domain == domain
    ]
    if as_json:
        _echo_json(rows)
        return
    table = Table(title="清单条目", show_lines=False)
    for header in ("编号", "领域", "处理结果"):
        table.add_column(header, no_wrap=True)
    table.add_column("违法行为", overflow="fold", min_width=30)
    table.add_column("清单版本", no_wrap=True)
    table.add_column("效力", no_wrap=True)
    for r in rows:
        table.add_row(*(Text(v) for v in (r["id"], r["domain"], r["outcome_zh"], r["violation"], r["list"],
                                          KIND_ZH[r["kind"]])))
    _print_table(table, 180)
    console.print(f"共 {len(rows)} 条, 来自 {len({r['list'] for r in rows})} 个清单版本", markup=False)


@app.command()
def coverage(
    as_of: str = typer.Option(None, "--as-of", help="日期 YYYY-MM-DD(默认今天): 各清单按当日有效版本计"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
    lists_dir: Path = typer.Option(None, "--lists", help="清单目录"),
) -> None:
    """41 个执法领域的覆盖情况: 各处理结果条目数、约束性/类比条目数、官方数字。"""
    report = coverage_report(_load(lists_dir), option_day(as_of, "--as-of"))
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    table = Table(title=f"执法领域覆盖情况({report.as_of.isoformat()})")
    table.add_column("代码", no_wrap=True)
    table.add_column("领域", no_wrap=True)
    for header in ("条目",) + tuple(o.zh for o in Outcome) + ("约束性", "类比", "官方条目数"):
        table.add_column(header, justify="right", no_wrap=True)
    for r in report.rows:
        table.add_row(
            Text(r.domain), Text(r.zh), str(r.items), *(str(r.outcomes[o]) for o in Outcome),
            str(r.binding), str(r.analogue), "—" if r.official_items is None else str(r.official_items),
        )
    _print_table(table, 150)
    console.print(coverage_summary_line(report), markup=False, soft_wrap=True, highlight=False)


def coverage_summary_line(report) -> str:
    s = report.summary
    empty = "、".join(s.empty_domains) if s.empty_domains else "无"
    line = (
        f"有约束性条目的领域 {s.domains_with_binding}/{s.domains} 个;"
        f"空白领域 {len(s.empty_domains)} 个: {empty};"
        f"已编码条目 {s.encoded_items} 条(约束性 {s.binding_items} 条, 类比 {s.analogue_items} 条)"
    )
    if s.official is None:
        return line + ";官方数字: 未载入城市清单 manifest"
    o = s.official
    official = "未知" if o.official_items is None else f"{o.official_items} 条"
    domains = "" if o.official_domains is None else f", {o.official_domains} 个领域"
    return line + f";{o.title} {o.version}版官方 {official}{domains}"


@app.command()
def diff(
    a: str = typer.Argument(None, help="旧版本, 形如 <清单编号>@<版本>(比较整个清单目录时不给)"),
    b: str = typer.Argument(None, help="新版本, 形如 <清单编号>@<版本>(比较整个清单目录时不给)"),
    rev_from: str = typer.Option(None, "--from-rev", help="比较整个清单目录: 旧状态为 git 版本(读取该版本的 lists/)"),
    rev_to: str = typer.Option(None, "--to-rev", help="比较整个清单目录: 新状态为 git 版本"),
    lock_from: Path = typer.Option(None, "--from-lock", help="比较整个清单目录: 旧状态为该 versions.lock 记录的版本"),
    lock_to: Path = typer.Option(None, "--to-lock", help="比较整个清单目录: 新状态为该 versions.lock 记录的版本"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
    lists_dir: Path = typer.Option(None, "--lists", help="清单目录"),
    impact: bool = typer.Option(False, "--impact", help="重放审计库中的决定: 按新版本代替旧版本有多少件结果不同"),
    db: str = typer.Option(None, "--db", help="--impact 所用的审计库地址(默认 DATABASE_URL 或 var/audit.db)"),
    limit: int = typer.Option(10000, "--limit", min=1, max=1_000_000, help="--impact 至多重放的决定数(最新的)"),
) -> None:
    """两个清单版本的差异: 新增、删除、修改的条目(逐字段)、按执法领域的数字及清单本身字段的变化;
    --impact 另给出审计库中过去的决定按新版本重放后结果不同的件数。
    --from-rev/--to-rev(或 --from-lock/--to-lock): 整个清单目录两个状态之间, 每个清单和每个执法领域新增、删除、修改的条目
    (放宽/收紧/需审核)及城市清单形式的数字。"""
    from penalty_rules.cli import review as review_cli

    if rev_from or rev_to or lock_from or lock_to:
        if a or b or impact:
            raise _fail("比较整个清单目录(--from-rev/--to-rev 或 --from-lock/--to-lock)时不能再给出两个清单版本或 --impact"
                        " [corpus_diff_arguments]")
        return _corpus_diff(lists_dir, rev_from, rev_to, lock_from, lock_to, as_json)
    if not (a and b):
        raise _fail("须给出两个清单版本(<清单编号>@<版本>), 或 --from-rev/--to-rev、--from-lock/--to-lock [diff_arguments]")
    corpus = _load(lists_dir)
    try:
        result = diff_report(corpus, a, b)
    except UnknownVersionKey as exc:
        close = f";相近的版本: {'、'.join(exc.close_matches)}" if exc.close_matches else ""
        raise _fail(f"未找到清单版本 {exc.key}{close}") from None
    effect = review_cli.impact_for(corpus, a, b, db, limit) if impact else None
    if as_json:
        if effect is None:
            typer.echo(result.model_dump_json(indent=2))
        else:
            _echo_json({**result.model_dump(mode="json"), "impact": effect.model_dump(mode="json")})
        return

    console.print(f"{result.a} → {result.b}", style="bold", markup=False, highlight=False)
    if result.document_changes:
        table = Table(title="清单字段变化")
        for header in ("字段", "原值", "新值", "方向"):
            table.add_column(header, overflow="fold")
        for c in result.document_changes:
            table.add_row(Text(_field_cell(c.field_zh, c.path)), Text(c.old_zh or "—"), Text(c.new_zh or "—"),
                          _direction_cell(c))
        _print_table(table, 140)
    for title, items, mark in (("新增条目", result.added, "+"), ("删除条目", result.removed, "-")):
        if items:
            console.print(title, style="bold", markup=False)
            for i in items:
                console.print(f"  {mark} {i.id} [{i.domain}] {i.outcome.zh}: {i.violation}", markup=False,
                              highlight=False, soft_wrap=True)
    if result.changed:
        table = Table(title="修改的条目(放宽的在前)")
        for header in ("编号", "方向", "字段", "变化", "此项"):
            table.add_column(header, overflow="fold")
        for change in result.changed:
            head = Text(f"{change.id}\n{change.violation or ''}")
            mark = _direction_cell(change)
            for n, part in enumerate(change.parts):
                table.add_row(head if n == 0 else Text(""), mark if n == 0 else Text(""),
                              Text(_field_cell(part.field_zh, part.field)), Text(part.text_zh), Text(part.direction_zh))
        _print_table(table, 160)
    examples = [c for c in result.changed if c.examples] + list(result.examples_changed)
    if examples:
        console.print("示例变化(示例是测试数据, 不计入修改)", style="bold", markup=False)
        for change in examples:
            for part in change.examples:
                console.print(f"  {change.id}: {part.text_zh}", markup=False, highlight=False, soft_wrap=True)
    s = result.summary
    directions = "、".join(f"{z} {n} 条" for n, z in ((s.lenient, "放宽"), (s.review, "需审核"), (s.stricter, "收紧"),
                                                    (s.no_effect, "不影响适用")) if n)
    console.print(
        f"新增 {s.added} 条, 删除 {s.removed} 条, 修改 {s.changed} 条" + (f"({directions})" if directions else "")
        + f", 未变 {s.unchanged} 条; "
        + (f"示例变化 {s.examples_changed} 条(不计入修改); " if s.examples_changed else "")
        + f"清单字段变化 {s.document_fields_changed} 处", markup=False, highlight=False, soft_wrap=True,
    )
    _print_domains(result)
    if effect is not None:
        _print_impact(effect)


def _corpus_diff(lists_dir, rev_from, rev_to, lock_from, lock_to, as_json: bool) -> None:
    """`lists diff --from-rev A --to-rev B` (or two lock states): per list and per domain."""
    import tempfile

    from penalty_rules.replay.snapshot import SnapshotProblem, resolve
    from penalty_rules.report.corpus_diff import corpus_diff, counted_document_changes, direction_text

    with tempfile.TemporaryDirectory() as tmp:
        try:
            side_a, side_b = resolve(lists_dir, rev_from=rev_from, rev_to=rev_to, lock_from=lock_from, lock_to=lock_to,
                                     workdir=Path(tmp))
        except SnapshotProblem as exc:
            raise _fail(f"{exc.message} [{exc.code}]") from None
        result = corpus_diff(side_a.corpus, side_b.corpus, side_a.label, side_b.label, side_a.describe,
                             side_b.describe)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    console.print(f"{result.a} → {result.b}", style="bold", markup=False, highlight=False)
    console.print(f"旧: {result.a_describe}\n新: {result.b_describe}", markup=False, highlight=False, soft_wrap=True)
    table = Table(title="按清单(放宽的在前)")
    for header in ("清单", "层级", "版本变化", "新增", "删除", "修改", "清单字段", "方向", "数字"):
        table.add_column(header, overflow="fold")
    for lc in result.lists:
        versions = "\n".join(f"{e.kind_zh}: {e.a or '—'} → {e.b or '—'}" + ("(草案)" if e.status == "draft" else "")
                              for e in lc.entries)
        mark = Text(direction_text(lc.counts),
                    style="bold red" if lc.counts.lenient or lc.counts.document_lenient else "")
        table.add_row(Text(f"{lc.list_id}\n{lc.title}"), Text(lc.level), Text(versions), f"+{lc.counts.added}",
                      f"−{lc.counts.removed}", str(lc.counts.changed), str(lc.counts.document_fields), mark,
                      Text(lc.figures.text_zh))
    _print_table(table, 180)
    own = Table(title="清单字段的变化")
    for header in ("清单版本", "字段", "原值", "新值", "方向"):
        own.add_column(header, overflow="fold")
    for lc in result.lists:
        for e in lc.entries:
            for c in counted_document_changes(e):
                own.add_row(Text(e.b or e.a or ""), Text(_field_cell(c.field_zh, c.path)), Text(c.old_zh or "—"),
                            Text(c.new_zh or "—"),
                            _direction_cell(c))
    if own.row_count:
        _print_table(own, 160)
    changed = Table(title="修改的条目")
    for header in ("清单版本", "编号", "方向", "变化"):
        changed.add_column(header, overflow="fold")
    for lc in result.lists:
        for e in lc.entries:
            for c in e.diff.changed:
                changed.add_row(Text(e.b or e.a or ""), Text(f"{c.id}\n{c.violation or ''}"),
                                _direction_cell(c),
                                Text("; ".join(p.text_zh for p in c.parts) or "—"))
    if changed.row_count:
        _print_table(changed, 180)
    if result.by_domain:
        dom = Table(title="按执法领域")
        for header in ("代码", "领域", "新增", "删除", "修改", "清单字段", "方向", "清单"):
            dom.add_column(header, overflow="fold")
        for d in result.by_domain:
            dom.add_row(Text(d.domain), Text(d.zh or "—"), f"+{d.counts.added}", f"−{d.counts.removed}",
                        str(d.counts.changed), str(d.counts.document_fields), Text(direction_text(d.counts)),
                        Text("、".join(d.lists)))
        _print_table(dom, 160)
    if result.statutory_changed:
        console.print("法律文本或单行法规则表有变化: " + "、".join(result.statutory_changed), markup=False,
                      highlight=False, soft_wrap=True)
    console.print(f"合计(各清单最新版本, 含草案): {result.figures.text_zh}; {result.figures.changes_zh}; "
                  f"未变的清单 {result.unchanged_lists} 个", markup=False, highlight=False, soft_wrap=True)


def _field_cell(zh: str | None, code: str) -> str:
    """The field's Chinese name with its code (what the list file says)."""
    return code if not zh or zh == code else f"{zh}\n{code}"


def _direction_cell(change) -> Text:
    """A change's 放宽 / 收紧 / 需审核 mark, 放宽 in bold red."""
    return Text(change.direction_zh or "", style="bold red" if change.direction == LENIENT else "")


def _print_domains(result) -> None:
    from penalty_rules.report.diff import field_zh

    if not result.by_domain:
        return
    table = Table(title="按执法领域")
    for header in ("代码", "领域", "原条目", "新条目", "新增", "删除", "修改", "其中放宽", "示例变化", "修改的字段"):
        table.add_column(header, overflow="fold")
    for d in result.by_domain:
        table.add_row(Text(d.domain), Text(d.zh or "—"), str(d.items_a), str(d.items_b), f"+{d.added}",
                      f"−{d.removed}", str(d.changed), str(d.lenient), str(d.examples_changed),
                      Text("、".join(f"{field_zh(k)} {v}" for k, v in d.fields.items()) or "—"))
    _print_table(table, 160)
    console.print(result.figures.text_zh, markup=False, highlight=False, soft_wrap=True)
    if result.figures.changes_zh and (result.summary.changed or result.summary.examples_changed):
        console.print(result.figures.changes_zh, markup=False, highlight=False, soft_wrap=True)


def _print_impact(summary) -> None:
    """The replay impact (--impact): outcomes in Chinese (尚不能确定 for undetermined)."""
    console.print(summary.summary_zh, markup=False, highlight=False, soft_wrap=True)
    if summary.examples:
        table = Table(title="结果不同的决定")
        for header in ("决定编号", "决定日期", "原结果", "新结果", "原条目", "新条目"):
            table.add_column(header, overflow="fold")
        for e in summary.examples:
            after = outcome_zh(e.after_outcome) if e.after_outcome is not None else "条目已删除"
            table.add_row(Text(e.decision_id), Text(e.decision_date), Text(outcome_zh(e.before_outcome) if e.before_outcome is not None else "—"), Text(after),
                          Text(e.before_item or "—"), Text(e.after_item or "—"))
        _print_table(table, 140)


@app.command()
def schema(
    output: Path = typer.Option(None, "--output", "-o", help="写入文件(默认输出到标准输出)"),
) -> None:
    """清单文件的 JSON Schema(由 pydantic 模型生成)。"""
    text = dumps(list_schema())
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, "utf-8")
    console.print(f"已写入 {output}", markup=False, highlight=False)


@app.command()
def lock(
    lists_dir: Path = typer.Option(None, "--lists", help="清单目录"),
    accept_changes: bool = typer.Option(
        False, "--accept-changes",
        help="确认已锁定版本的修改或删除(逐项列出), 重新记录其哈希; 经审核发布的版本除外(拒绝)"
    ),
    db: str = typer.Option(None, "--db", help="审计库地址, 核对经审核发布的版本(默认 DATABASE_URL 或存在时的 var/audit.db)"),
) -> None:
    """把当前全部清单版本的内容哈希写入 versions.lock。有任何错误时拒绝写入。

    尚未锁定的版本(unlocked_version)正是本命令要记录的, 逐项列出; 配置了法规文本目录时,
    新版本引用法规文本中不存在的条文也拒绝写入。经审核发布的版本(versions.lock 的 published 一节,
    或审计库中的发布记录)与发布时不同的, 即使加 --accept-changes 也拒绝写入: 修改须新建版本并审核发布;
    审核流程之前锁定的已发布版本(状态不是草案; 清单目录在 git 仓库中时, 也包括锁文件历史中曾锁定为已发布的版本)
    同样如此, --accept-changes 只重新锁定草案和法定规则文件。
    非草案版本须有四眼批准的发布记录, 或在 versions.lock 的 baseline(审核流程之前已锁定的版本)中:
    有审计库时, 否则拒绝写入(unreviewed_version); baseline 只会缩小, 不会扩大。"""
    from penalty_rules.cli import review as review_cli

    root = _root(lists_dir)
    lock_text = _lock_text(root)  # written only if unchanged meanwhile (under the publish lock, below)
    try:
        result = load_corpus(root)
    except CorpusInvalid as exc:
        raise _refused(exc, err_console) from None
    result.problems.extend(corpus_checks(result.corpus, root))
    from penalty_rules.load.lockfile import load_lock_sections

    sections = load_lock_sections(root)
    marked = dict(sections.published)
    refused = {  # version → why it is not re-locked
        key: Problem("published_version_changed",
                     f"经审核发布的版本 {key} "
                     + (f"的内容与发布时锁定的不同(锁定 {digest[:19]}…, 现为 {result.corpus.hashes[key][:19]}…)"
                        if key in result.corpus.hashes else "的文件不见了(或有错误未载入)")
                     + f", 不能重新锁定({LOCK_NAME} published 一节)",
                     result.corpus.files.get(key), path=f"versions.{key}")
        for key, digest in sorted(marked.items()) if result.corpus.hashes.get(key) != digest
    }
    # published versions without a `published` mark (locked by hand before the workflow, or known
    # as published from the lock's git history) are never re-locked either
    from penalty_rules.load.lock_history import check_history, read_lock_history
    from penalty_rules.load.lockfile import relock_refusals

    past = read_lock_history(root)
    frozen, unchecked = relock_refusals(sections, result.corpus, past.available)
    refused.update(frozen)
    refusals = list(refused.values())
    err_console.print(past.note, style=None if past.available else "yellow", markup=False, soft_wrap=True,
                      highlight=False)
    if past.available and not sections.problems:  # a broken lock (bad_lock) refuses below
        refusals += check_history(past, result.corpus, lists_root=root, skip=set(refused))
    else:
        for text in unchecked:
            err_console.print(f"未能核对(无 git 历史): {text}", style="yellow", markup=False, soft_wrap=True,
                              highlight=False)
    published, approvals, note, level = review_cli.publication_check(result.corpus, root, db, check_lock=False)
    refusals += published or []
    if level != "checked":
        err_console.print(note, style="red" if level == "error" else "yellow", markup=False, soft_wrap=True,
                          highlight=False)
        from penalty_rules.publish.check import check_unreviewed

        for p in check_unreviewed(result.corpus, [], sections.baseline):  # not checked: said, not refused
            err_console.print(f"未能核对(无审计库): {p.message}", style="yellow", markup=False, soft_wrap=True,
                              highlight=False)
    if level == "error":
        raise _fail(f"未写入 {LOCK_NAME}", code=1)
    if refusals:
        for p in refusals:
            _print_problem(p, err_console)
        if any(p.code == "unreviewed_version" for p in refusals):
            raise _fail(f"有未经审核发布(四眼批准)的非草案版本, 未写入 {LOCK_NAME}: 新版本以草案(status: draft)逐条审核,"
                        " 用 penalty-rules lists publish 申请并由另一位审核人员批准发布", code=1)
        raise _fail(f"已发布版本不能修改, 也不能重新锁定(--accept-changes 也不行), 未写入 {LOCK_NAME}: 恢复发布时的内容;"
                    "要修改, 以新的版本号建立草案(status: draft), 审核后用 penalty-rules lists publish 发布", code=1)
    lock_changes = {"locked_version_changed", "locked_version_missing"}
    errors = [p for p in result.errors
              if p.code != "unlocked_version" and not (accept_changes and p.code in lock_changes)]
    if errors:
        for p in errors:
            _print_problem(p, err_console)
        hint = ";确认修改已发布版本请加 --accept-changes" if any(p.code in lock_changes for p in errors) else ""
        raise _fail(f"有 {len(errors)} 个错误, 未写入 {LOCK_NAME}{hint}", code=1)
    citation_errors = citation_check(result.corpus, root, quiet=True)
    if citation_errors:
        raise _fail(f"有 {citation_errors} 个引用错误, 未写入 {LOCK_NAME}", code=1)
    for p in result.errors:  # accepted changes of locked versions, listed for the record
        if p.code != "unlocked_version":
            _print_problem(p, err_console, prefix="已确认: ", style="yellow")
    before = load_lock(root)[0]
    for key in sorted(set(result.corpus.hashes) - set(before)):
        err_console.print(f"新记录: {key} ({result.corpus.files.get(key)})", markup=False, soft_wrap=True,
                          highlight=False)
    marked.update({k: h for k, h in approvals.items() if result.corpus.hashes.get(k) == h})  # on record in the DB
    from penalty_rules.publish.files import PublishError, publish_lock

    try:
        with publish_lock(root):  # not while a publication rewrites the folder (other processes included)
            if _lock_text(root) != lock_text:
                raise _fail(f"{LOCK_NAME} 在本命令运行期间被改写(可能有发布正在进行), 未写入; 请重新运行", code=1)
            # the baseline (versions locked before the review workflow) is kept, never extended
            path = write_lock(root, result.corpus.hashes, marked, baseline=sections.baseline)
    except PublishError as exc:
        raise _fail(f"{exc.code}: {exc.message}; 未写入 {LOCK_NAME}", code=1) from None
    console.print(f"已写入 {path}: {len(result.corpus.hashes)} 个清单版本", markup=False, highlight=False)


def _lock_text(root: Path) -> bytes | None:
    try:
        return (root / LOCK_NAME).read_bytes()
    except OSError:
        return None


from penalty_rules.cli import review as _review  # noqa: E402,F401  (lists review | reviews | publish)
from penalty_rules.cli.importer import import_command as _import_command  # noqa: E402

app.command("import")(_import_command)  # lists import FILE.xlsx|.docx|.csv → draft version
