"""`penalty-rules lists review | reviews | publish` and the reviewer's parts of `lists diff`
(per-domain figures, --impact). Registered on the `lists` app (imported at the end of lists.py).

The CLI writes the audit database directly (DATABASE_URL, else var/audit.db — the same database
and tables as the service; PostgreSQL: the service's INSERT/SELECT role is enough). Who acts is an
API key of the service: `--as NAME` names it and the key itself (the secret, not a name) is read
from PENALTY_RULES_API_KEY; it must be a key of the service's configured keys file (Settings:
PENALTY_RULES_KEYS_FILE, else var/dev-keys.json) with that name and the reviewer role or above, AND
a key the service itself has loaded: registered by the service in the audit database's `api_keys`
(append-only; written at the service's start-up) with the same name and role. A keys file of the
caller's own choosing therefore proves nothing the service did not accept. Every record the CLI
writes carries channel `cli`. Residual limit (README, 审核与发布): whoever can INSERT into the audit
database can still write any record, a key registration included; PostgreSQL with a service role
that cannot UPDATE/DELETE and a CLI without the database's credentials is the deployment that
resists it. Publishing writes the lists folder (--lists).
"""

import json
import os
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from penalty_rules.cli.dates import option_day
from penalty_rules.cli.lists import _fail, _print_table, _root, app, console, err_console
from penalty_rules.publish.files import PublishError

KEY_ENV = "PENALTY_RULES_API_KEY"


def _db(url: str | None):
    """The audit database (migrated to head when the connection may; else it must be current)."""
    from service.audit import make_engine, migrate
    from service.config import ServiceSettings

    ss = ServiceSettings.from_env()
    url = url or ss.database_url
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite"):
        ss.var_dir.mkdir(parents=True, exist_ok=True)
    if ss.migrate_url:
        owner = make_engine(ss.migrate_url, ss.audit_timeout)
        try:
            migrate(owner)
        finally:
            owner.dispose()
    engine = make_engine(url, ss.audit_timeout)
    try:
        migrate(engine)
    except Exception as exc:  # noqa: BLE001 - PostgreSQL service role: no DDL
        engine.dispose()
        raise _fail(f"审计库无法迁移到最新结构({type(exc).__name__}); 设置 PENALTY_RULES_MIGRATE_URL(表所有者)"
                    "或先启动一次服务") from None
    return engine


def publication_check(corpus, root: Path, db: str | None, check_lock: bool = True):
    """Cross-check the approvals in the audit database (`--db`, else DATABASE_URL, else
    var/audit.db when it exists; read only) against the loaded lists (penalty_rules.publish.check.
    check_all: publications, the lock's published marks, non-draft versions without approval
    outside the lock's baseline). Returns (problems — None
    when not checked —, {version: published hash}, a note in Chinese, level): level is "checked",
    "none" (no database found), "warning" (the database could not be read) or "error" (the one
    named with --db could not be read)."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    from penalty_rules.config import PROJECT_ROOT
    from penalty_rules.publish.check import check_all, published_keys, registered_people
    from service.audit import make_engine
    from service.reviews import approval_records, registered_keys, review_records

    url = db or os.environ.get("DATABASE_URL")
    if not url:
        path = Path(os.environ.get("PENALTY_RULES_VAR") or PROJECT_ROOT / "var") / "audit.db"
        if not path.exists():
            return None, {}, ("未找到审计库(--db、DATABASE_URL 或 var/audit.db), 未能核对发布记录(经审核发布的版本"
                              "是否被改回草案、其锁定记录是否被删除)"), "none"
        url = f"sqlite:///{path}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    failed = "error" if db else "warning"
    try:
        parsed = make_url(url)
        shown = parsed.render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL
        return None, {}, "审计库地址无效, 未能核对发布记录", failed
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").exists():
        return None, {}, f"审计库 {shown} 不存在, 未能核对发布记录", failed
    try:
        engine = make_engine(url)
    except Exception as exc:  # noqa: BLE001 - no driver for the URL, …
        return None, {}, f"审计库 {shown} 无法打开({type(exc).__name__}), 未能核对发布记录", failed
    try:
        records = approval_records(engine)
        reviewed = review_records(engine) if records else []
        known = registered_people(registered_keys(engine)) if records else None
    except sa.exc.SQLAlchemyError as exc:
        return None, {}, f"审计库 {shown} 无法读取({type(exc).__name__}), 未能核对发布记录", failed
    finally:
        engine.dispose()
    from penalty_rules.load.lockfile import load_lock_sections

    problems = check_all(corpus, records or [], load_lock_sections(Path(root)), Path(root), check_lock,
                         reviews=reviewed, known=known)
    if records is None:
        return problems, {}, (f"发布记录核对: 审计库 {shown} 尚无发布记录表(迁移 0004 之前), 没有经审核发布的版本;"
                              f"与清单不符 {len(problems)} 处"), "checked"
    approvals = published_keys(records)
    return problems, approvals, (f"发布记录核对: 审计库 {shown} 中经审核发布的版本 {len(approvals)} 个, "
                                 f"与清单不符 {len(problems)} 处"), "checked"


def _principal(name: str, engine):
    """The key named `name`, proven by the key in PENALTY_RULES_API_KEY: in the configured keys file
    and registered by the service in the audit database (`api_keys`) with the same name and role."""
    from service.auth import KeysError, KeyStore, load_keys_file
    from service.config import ServiceSettings

    key = os.environ.get(KEY_ENV)
    if not key:
        raise _fail(f"须在环境变量 {KEY_ENV} 中给出 --as {name} 的 API 密钥(审核记录记下密钥名称)")
    ss = ServiceSettings.from_env()
    path = ss.keys_file or ss.dev_keys_file
    try:
        store = KeyStore(load_keys_file(path))
    except KeysError as exc:
        raise _fail(f"{exc}(PENALTY_RULES_KEYS_FILE, 开发环境为 {ss.dev_keys_file})") from None
    principal = store.lookup(key)
    if principal is None:
        raise _fail(f"{KEY_ENV} 中的密钥无效(不在 {path} 中)")
    if principal.name != name:
        raise _fail(f"{KEY_ENV} 中的密钥属于 {principal.name}, 不是 --as {name}")
    from service.auth import sha256_hex
    from service.reviews import registered_keys

    digest = sha256_hex(key)
    known = [k for k in registered_keys(engine) if k["key_sha256"] == digest]
    if not any(k["name"] == principal.name and k["role"] == principal.role for k in known):
        raise _fail(f"--as {name} 的密钥不是服务载入过的密钥(审计库 api_keys、key_registrations 中"
                    + ("没有它" if not known else "它登记为 " + "、".join(f"{k['name']}({k['role']})" for k in known))
                    + f"; 密钥文件 {path}): 命令行只接受服务配置并已载入的密钥 — 先以这一密钥文件启动服务"
                    "(PENALTY_RULES_KEYS_FILE), 或经服务(HTTP)审核")
    return principal


def _publish_error(exc: PublishError) -> typer.Exit:
    for p in exc.problems[:20]:
        err_console.print(str(p), style="red", markup=False, soft_wrap=True, highlight=False)
    return _fail(f"{exc.code}: {exc.message}", code=1)


@app.command()
def review(
    version: str = typer.Argument(..., help="清单版本 <清单编号>@<版本>(草案)"),
    item: str = typer.Option(..., "--item", help="条目编号"),
    verdict: str = typer.Option(..., "--verdict", help="approved(通过)或 needs_change(需修改)"),
    comment: str = typer.Option(None, "--comment", help="审核意见(需修改时必填)"),
    as_: str = typer.Option(..., "--as", help="审核人员的密钥名称(密钥本身放在 PENALTY_RULES_API_KEY; 须为服务配置并已载入的密钥)"),
    lists_dir: Path = typer.Option(None, "--lists", help="清单目录"),
    db: str = typer.Option(None, "--db", help="审计库地址(默认 DATABASE_URL 或 var/audit.db)"),
) -> None:
    """记录对草案中一个条目的审核结论(只增不改, 存入审计库)。"""
    from service import reviews as rv

    engine = _db(db)
    try:
        principal = _principal(as_, engine)
        row = rv.review(rv.ReviewStore(engine, "cli"), _root(lists_dir), version, item, verdict, comment, principal)
        st, _, _ = rv.status(rv.ReviewStore(engine, "cli"), _root(lists_dir), version)
    except PublishError as exc:
        raise _publish_error(exc) from None
    finally:
        engine.dispose()
    console.print(f"已记录 {row['id']}: {version} {item} {verdict}({principal.name}, {row['created_at']})",
                  markup=False, highlight=False, soft_wrap=True)
    console.print(st.summary_zh(), markup=False, highlight=False, soft_wrap=True)


@app.command()
def reviews(
    version: str = typer.Argument(..., help="清单版本 <清单编号>@<版本>"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
    lists_dir: Path = typer.Option(None, "--lists", help="清单目录"),
    db: str = typer.Option(None, "--db", help="审计库地址(默认 DATABASE_URL 或 var/audit.db)"),
) -> None:
    """一个清单版本的审核状态: 每个条目最近的结论(由审核记录推出)和发布申请、批准记录。"""
    from service import reviews as rv

    engine = _db(db)
    try:
        st, rows, pubs = rv.status(rv.ReviewStore(engine), _root(lists_dir), version)
    except PublishError as exc:
        raise _publish_error(exc) from None
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(rv.reviews_out(st, rows, pubs), ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title=f"审核状态 {version}")
    for header in ("条目", "状态", "审核人员", "时间", "意见"):
        table.add_column(header, overflow="fold")
    for i in st.items:
        table.add_row(*(Text(v or "—") for v in (i.item_id, i.state_zh, i.reviewer, i.at, i.comment)))
    _print_table(table, 140)
    for p in pubs:
        console.print(f"{p['created_at']} {'发布申请' if p['action'] == 'request' else '批准发布'} {p['id']} {p['actor']}"
                      f" 自 {p['effective_from']}" + (f" 至 {p['effective_to']}" if p["effective_to"] else "")
                      + (" (allow_past)" if p.get("allow_past") else "")
                      + (f" 批准申请 {p['request_id']}" if p.get("request_id") else ""),
                      markup=False, highlight=False, soft_wrap=True)
    for i in st.objections():
        console.print("未解决的需修改意见: " + i.objections_zh(), style="yellow", markup=False, highlight=False,
                      soft_wrap=True)
    if st.open_request:
        console.print(f"待批准的发布申请: {rv._pending_zh(st.open_request)}; 批准: penalty-rules lists publish {version}"
                      f" --request {st.open_request['id']} --as <另一位审核人员>", markup=False, highlight=False,
                      soft_wrap=True)
    console.print(st.summary_zh(), markup=False, highlight=False, soft_wrap=True)


@app.command()
def publish(
    version: str = typer.Argument(..., help="清单版本 <清单编号>@<版本>(草案)"),
    effective_from: str = typer.Option(None, "--effective-from", help="生效日期 YYYY-MM-DD(申请时必填)"),
    effective_to: str = typer.Option(None, "--effective-to", help="失效日期 YYYY-MM-DD(当日起不再适用)"),
    action: str = typer.Option("auto", "--action",
                               help="request(申请)、approve(批准)或 auto: 给出 --request 时批准, 否则申请"),
    request: str = typer.Option(None, "--request", help="批准时必填: 所批准的发布申请编号(lists reviews 列出)"),
    allow_past: bool = typer.Option(False, "--allow-past", help="生效日期早于今天(追溯生效)是有意的; 记入发布记录"),
    comment: str = typer.Option(None, "--comment", help="说明"),
    as_: str = typer.Option(..., "--as", help="审核人员的密钥名称(密钥本身放在 PENALTY_RULES_API_KEY; 须为服务配置并已载入的密钥)"),
    lists_dir: Path = typer.Option(None, "--lists", help="清单目录"),
    db: str = typer.Option(None, "--db", help="审计库地址(默认 DATABASE_URL 或 var/audit.db)"),
) -> None:
    """发布草案(四眼原则): 一位审核人员申请(全部条目须已通过审核), 另一位审核人员以 --request 指明该申请批准;
    批准时写入 status: in_force 和生效日期, 并把内容哈希记入 versions.lock。"""
    from service import reviews as rv

    start, end = option_day(effective_from, "--effective-from"), option_day(effective_to, "--effective-to")
    engine = _db(db)
    try:
        principal = _principal(as_, engine)
        result = rv.publish(rv.ReviewStore(engine, "cli"), _root(lists_dir), version, principal, action, start, end, comment,
                            request, allow_past)
    except PublishError as exc:
        raise _publish_error(exc) from None
    finally:
        engine.dispose()
    console.print(result.message_zh(), markup=False, highlight=False, soft_wrap=True)


# -- lists diff: per-domain figures and impact ------------------------------------------------
def print_domains(result) -> None:
    if not result.by_domain:
        return
    table = Table(title="按执法领域")
    for header in ("代码", "领域", "原条目", "新条目", "新增", "删除", "修改", "修改的字段"):
        table.add_column(header, overflow="fold")
    for d in result.by_domain:
        table.add_row(Text(d.domain), Text(d.zh or "—"), str(d.items_a), str(d.items_b), f"+{d.added}",
                      f"−{d.removed}", str(d.changed),
                      Text("、".join(f"{k} {v}" for k, v in d.fields.items()) or "—"))
    _print_table(table, 140)
    console.print(result.figures.text_zh, markup=False, highlight=False, soft_wrap=True)


def impact_for(corpus, a: str, b: str, db: str | None, limit: int):
    from penalty_rules.report.impact import impact
    from service.reviews import decision_records

    engine = _db(db)
    try:
        records, truncated = decision_records(engine, limit)
    finally:
        engine.dispose()
    return impact(corpus, a, b, records, truncated)
