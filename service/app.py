"""create_app(settings): the FastAPI application. The lifespan builds the Engine, the audit
database (migrated to head) and the key store once; endpoints are thin wrappers over
service.handlers. A decision is sent only after its audit record has been committed."""

import logging
import pathlib
import sys
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Awaitable, Callable, Literal
from urllib.parse import unquote_to_bytes

from fastapi import Depends, FastAPI, Path, Query, Request, Response, Security
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.security import APIKeyHeader
from fastapi.staticfiles import StaticFiles
import fastapi_offline
from pydantic import ValidationError

from penalty_rules import ENGINE_VERSION
from penalty_rules.config import Settings
from penalty_rules.errors import CorpusInvalid
from penalty_rules.gc_policy import settle_heap
from penalty_rules.model.facts import MAX_DATE, MIN_DATE, CaseDate, CaseFacts
from penalty_rules.model.facts_json import JsonInputError, load_json_strict, parse_facts_json
from service import handlers, schemas as s, web
from service.audit import (AuditRepository, AuditUnavailable, AuditWriter, DecisionQuery, make_engine, migrate,
                           service_role_problems, setup_service_role, sync_keys, utc_iso)
from service.privacy import SaltMissing, resolve_salt
from service.auth import HEADER, ROLES_ZH, KeysError, KeyStore, RateLimiter, ensure_dev_keys, load_keys_file
from service.config import FULL_WEIGHT, MAX_BATCH, MAX_BATCH_FULL, MAX_BODY_BYTES, ServiceSettings
from service.errors import ApiError, BoundaryMiddleware, install, invalid
from service.fastpath import EvaluateFastPath
from service.documents import add_document_routes
from service.pool import EvalPool

log = logging.getLogger("penalty_rules.service")

DESCRIPTION = """免罚轻罚清单规则引擎 HTTP 接口(聊城市)。

* 认证: 请求头 `X-API-Key`; 角色 officer(执法人员) < reviewer(法制审核) < admin。
* 每个响应带 `X-Ruleset-Version`(清单集合哈希)和 `X-Engine-Version`。
* 错误: `{"error": {"code", "message_zh", "details": [{"field", "code", "message_zh"}]}}`;
  details 至多列出 50 处, 其余计入 `details_omitted`(message_zh 中另有说明)。
* 未声明的查询参数(422 `unknown_parameter`)、重复给出的查询参数(422 `repeated_parameter`)和非 UTF-8 百分号编码的查询参数值
  (422 `invalid_encoding`)均被拒绝, details 中的 field 为该参数名。
* 违法行为日期晚于决定日期: 无论 decision_date 是否给出(缺省为今天), 均为 `act_after_decision`, 字段 act_date。
* 每次评估写入只增不改的审计记录, 记录提交后才返回结果。
"""


class StartupRefused(SystemExit):
    """A configuration problem that stops the service before it serves anything."""


def prepare(ss: ServiceSettings, *, announce: bool = True):
    """Create var/, migrate the audit database, load or generate keys. Idempotent.
    Returns (sqlalchemy engine, key entries)."""
    if ss.production and ss.keys_file is None:
        raise StartupRefused(
            "生产环境(PENALTY_RULES_ENV=production)须配置 API 密钥: 设置 PENALTY_RULES_KEYS_FILE 指向密钥文件"
            ' {"keys": [{"name": ..., "role": "officer|reviewer|admin", "sha256": ...}]}; 服务未启动'
        )
    ss.var_dir.mkdir(parents=True, exist_ok=True)
    try:
        resolve_salt(ss.audit_salt, ss.var_dir, ss.production)
    except SaltMissing as exc:
        raise StartupRefused(f"{exc}; 服务未启动") from None
    from service.web.session import WebSecretError, resolve_web_secret

    try:  # the workbench's session secret: PENALTY_RULES_WEB_SECRET or var/web-secret (generated once, 0600)
        resolve_web_secret(ss.web_secret, ss.var_dir, ss.production, announce=announce)
    except WebSecretError as exc:
        raise StartupRefused(f"{exc}; 服务未启动") from None
    if ss.migrate_url:  # PostgreSQL: migrate as the tables' owner, grant the service's role INSERT and SELECT
        owner = make_engine(ss.migrate_url, ss.audit_timeout)
        try:
            migrate(owner)
            if ss.service_role and owner.dialect.name == "postgresql":
                setup_service_role(owner, ss.service_role)
        except ValueError as exc:
            raise StartupRefused(f"{exc}; 服务未启动") from None
        finally:
            owner.dispose()
    db = make_engine(ss.database_url, ss.audit_timeout)
    try:
        migrate(db)  # a no-op when the schema is current (the service's role may only read alembic_version)
    except Exception as exc:
        if db.dialect.name != "postgresql" or "permission denied" not in str(getattr(exc, "orig", exc)):
            raise
        raise StartupRefused("审计库需要迁移, 而服务的数据库角色无权修改表结构: 设置 PENALTY_RULES_MIGRATE_URL"
                             "(表所有者的连接)后重新启动; 服务未启动") from None
    problems = service_role_problems(db)
    if problems and ss.production:
        raise StartupRefused("生产环境的审计库须以只有 INSERT 和 SELECT 权限的角色连接(见 README 审计日志一节): "
                             + "; ".join(problems) + "; 服务未启动")
    if problems and announce:
        print("注意: 审计库" + "; ".join(problems) + ", 审计记录可被截断或改写(开发环境允许; 见 README)",
              file=sys.stderr, flush=True)
    try:
        if ss.keys_file is not None:
            entries, source = load_keys_file(ss.keys_file), "file"
        else:
            (entries, created), source = ensure_dev_keys(ss.dev_keys_file), "dev"
            if announce:
                what = "已生成本地开发密钥" if created else "本地开发密钥"
                print(f"{what}: {ss.dev_keys_file} (权限 0600; 请求头 X-API-Key)", file=sys.stderr, flush=True)
    except KeysError as exc:
        raise StartupRefused(f"{exc}; 服务未启动") from None
    # a key the service has loaded before whose role or name changed in the keys file is registered
    # under the new ones before the publication check (startup_refusal), so the records it wrote under
    # them count; new keys are registered after the check (create_app), as they always were
    from service.reviews import registered_keys

    loaded = {k["key_sha256"] for k in registered_keys(db)}
    changed = [e for e in entries if e["key_sha256"] in loaded]
    if changed:
        sync_keys(db, changed, source)
    return db, entries, source


def preflight(ss: ServiceSettings) -> None:
    """Before uvicorn starts (penalty-rules serve): the lists load strictly and every published
    version matches its publication record, else StartupRefused (a message, not a traceback)."""
    from penalty_rules.load.loader import load_corpus_strict
    from service.reviews import startup_refusal

    try:
        corpus = load_corpus_strict(ss.engine.lists_dir)
    except CorpusInvalid as exc:
        raise StartupRefused(f"清单无效, 服务拒绝启动(请先修正清单, 可运行 penalty-rules lists validate):\n{exc}") from None
    db = make_engine(ss.database_url, ss.audit_timeout)
    try:
        refusal = startup_refusal(db, corpus, ss.engine.lists_dir)
    finally:
        db.dispose()
    if refusal:
        raise StartupRefused(refusal)


def _refuse(message: str):
    print(message, file=sys.stderr, flush=True)
    raise StartupRefused(message)


def create_app(settings: Settings | None = None, service_settings: ServiceSettings | None = None) -> FastAPI:
    ss = service_settings or ServiceSettings.from_env(settings)
    version_headers: list[tuple[bytes, bytes]] = [(b"x-engine-version", ENGINE_VERSION.encode())]

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from penalty_rules.engine.engine import Engine

        try:
            db, entries, source = prepare(ss)
        except StartupRefused as exc:
            _refuse(str(exc))
        try:
            engine = Engine.from_settings(ss.engine, use_durable=ss.use_durable, memo_size=ss.decision_memo)
            matcher = "durable-rules" if ss.use_durable else "reference"
        except CorpusInvalid as exc:
            _refuse(f"清单无效, 服务拒绝启动(请先修正清单, 可运行 penalty-rules lists validate):\n{exc}")
        from service.reviews import startup_refusal  # published versions vs. the publications table

        refusal = startup_refusal(db, engine.corpus, ss.engine.lists_dir)
        if refusal:
            db.dispose()
            _refuse(refusal)
        writer = AuditWriter(db, ss.audit_mode, timeout=ss.audit_timeout)
        repo = AuditRepository(db, writer, salt=resolve_salt(ss.audit_salt, ss.var_dir, ss.production))
        repo.sync_keys(entries, source)
        ruleset = engine.corpus.ruleset_version()
        version_headers.append((b"x-ruleset-version", ruleset.encode()))
        app.state.ctx = handlers.Context(
            engine=engine, repo=repo, ruleset_version=ruleset, audit_backend=db.dialect.name,
            audit_mode=ss.audit_mode, matcher=matcher,
        )
        app.state.keys = KeyStore(entries)
        app.state.settings = ss
        app.state.pool = EvalPool(ss.eval_threads, ss.eval_queue)
        log.info("规则集 %s, %d 个清单版本, 审计库 %s", ruleset, len(engine.corpus.documents), db.dialect.name)
        settle_heap()  # penalty_rules.gc_policy: no full collection over the start-up heap per request burst
        try:
            yield
        finally:
            app.state.pool.close()
            if getattr(app.state, "impact", None) is not None:  # service.review_routes.ImpactRunner
                app.state.impact.close()
            writer.close()
            db.dispose()

    app = FastAPI(
        title="penalty-rules 免罚轻罚清单规则引擎", version=ENGINE_VERSION, description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,  # served offline by _offline_docs
        responses={
            400: {"model": s.ErrorResponse, "description": "JSON 格式错误或非 UTF-8 编码"},
            401: {"model": s.ErrorResponse, "description": "缺少或无效的 API 密钥"},
            413: {"model": s.ErrorResponse, "description": "请求体超过 1 MiB(或批量超过 1000 个案件)"},
            503: {"model": s.ErrorResponse, "description": "审计记录未能保存或服务未就绪"},
            403: {"model": s.ErrorResponse, "description": "角色权限不足"},
            422: {"model": s.ErrorResponse, "description": "请求数据不符合要求"},
        },
    )
    install(app)
    app.add_middleware(EvaluateFastPath, owner=app, answer=answer_evaluate)  # inside BoundaryMiddleware (added after it: outer)
    app.add_middleware(BoundaryMiddleware, headers=version_headers, max_body=MAX_BODY_BYTES,
                       body_timeout=ss.body_timeout)
    app.state.batch_limiter = RateLimiter(ss.batch_rate, ss.batch_burst)
    _routes(app)
    add_document_routes(app, Officer, _json_body)
    _strict_body_schemas(app)
    _offline_docs(app)
    web.install(app)  # the web workbench under /web (service/web)
    return app


def _offline_docs(app: FastAPI) -> None:
    """/docs with Swagger UI (5.x, reads OpenAPI 3.1) and /redoc served from the fastapi-offline package's
    static files: it renders on a machine without internet access (FastAPI's default loads the
    scripts from a CDN)."""
    static = pathlib.Path(fastapi_offline.__file__).parent / "static"
    app.mount("/static/swagger", StaticFiles(directory=str(static)), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title=f"{app.title} - API 文档",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:  # ReDoc from the same package, no Google Fonts: no external asset
        return get_redoc_html(
            openapi_url=app.openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url="/static/swagger/redoc.standalone.js",
            redoc_favicon_url="/static/swagger/favicon.png",
            with_google_fonts=False,
        )


def app_factory() -> FastAPI:
    """For `uvicorn --factory service.app:app_factory`."""
    return create_app()


# ----------------------------------------------------------------------------------- auth
_api_key = APIKeyHeader(name=HEADER, auto_error=False, description="API 密钥")


def require(role: str):
    async def dependency(request: Request, key: Annotated[str | None, Security(_api_key)] = None):
        if not key:
            raise ApiError(401, "missing_api_key", f"缺少 API 密钥(请求头 {HEADER})", field=HEADER,
                           headers={"WWW-Authenticate": "ApiKey"})
        principal = request.app.state.keys.lookup(key)
        if principal is None:
            raise ApiError(401, "invalid_api_key", "API 密钥无效", field=HEADER, headers={"WWW-Authenticate": "ApiKey"})
        if not principal.allows(role):
            raise ApiError(403, "forbidden", f"需要{ROLES_ZH[role]}及以上权限, 当前密钥的角色为{ROLES_ZH[principal.role]}")
        check_query(request)
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency


def _query_pairs(raw: bytes) -> list[tuple[bytes, bytes, bytes]]:
    """The query string's name/value pairs as bytes (urllib.parse.parse_qsl's splitting, without
    decoding: Starlette decodes invalid UTF-8 as U+FFFD, and raw non-ASCII bytes as Latin-1)."""
    out = []
    for part in raw.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        out.append((unquote_to_bytes(name.replace(b"+", b" ")), unquote_to_bytes(value.replace(b"+", b" ")),
                    part))
    return out


_QUERY_NAMES: dict[int, tuple[object, tuple[str, ...]]] = {}  # id(route) → (route, its declared query names)


def _declared_query(route) -> tuple[str, ...] | None:
    """The query parameters a route declares (by their names in the URL: `from`, not `from_`)."""
    if route is None or not hasattr(route, "dependant"):
        return None
    known = _QUERY_NAMES.get(id(route))
    names = known[1] if known is not None and known[0] is route else None  # routes are not hashable
    if names is None:
        found, todo = [], [route.dependant]
        while todo:  # the endpoint's parameters and its dependencies'
            dependant = todo.pop(0)
            found += [p.alias for p in dependant.query_params]
            todo += dependant.dependencies
        names = tuple(dict.fromkeys(found))
        _QUERY_NAMES[id(route)] = (route, names)
    return names


def check_query(request: Request) -> None:
    """The query string of an API request (after the key is checked): every parameter percent-encoded
    UTF-8 (422 invalid_encoding: Starlette would read invalid bytes as U+FFFD and store them so),
    declared by the endpoint (422 unknown_parameter: a typo such as decison_date is not ignored) and given
    once (422 repeated_parameter: FastAPI keeps the last of ?as_of=a&as_of=b; no endpoint takes a list)."""
    raw = request.scope.get("query_string") or b""
    if not raw:
        return
    declared = _declared_query(request.scope.get("route"))
    seen: set[str] = set()
    for name_b, value_b, part in _query_pairs(raw):
        name = name_b.decode("utf-8", "replace")
        if any(b > 0x7F for b in part):  # sent unencoded (curl passes a UTF-8 URL as is)
            raise ApiError(422, "invalid_encoding", f"查询参数 {name} 含未经百分号编码的字符: 请按百分号编码"
                           "(UTF-8), 如 case_ref=%E8%81%8A… 表示 聊…; curl(≥ 7.87)可用 --url-query 'case_ref=…'", field=name)
        try:
            name_b.decode("utf-8")
            value_b.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(422, "invalid_encoding", f"查询参数 {name} 按百分号解码后不是有效的 UTF-8(含无效字节)",
                           field=name) from None
        if declared is not None and name not in declared:
            accepted = f"只接受 {'、'.join(declared)}" if declared else "该接口不接受查询参数"
            raise ApiError(422, "unknown_parameter", f"未知的参数 {name}({accepted})", field=name)
        if name in seen:
            raise ApiError(422, "repeated_parameter", f"参数 {name} 只能给出一次", field=name)
        seen.add(name)


Officer = Annotated[object, Depends(require("officer"))]
Reviewer = Annotated[object, Depends(require("reviewer"))]


def _json(model, exclude=None, status: int = 200) -> Response:
    return Response(model.model_dump_json(exclude=exclude), status_code=status, media_type="application/json")


def _ctx(request: Request) -> handlers.Context:
    return request.app.state.ctx


def _evaluate_job(ctx: handlers.Context, raw: bytes, principal, full: bool, case_ref) -> tuple[bytes, dict]:
    """The whole body of /v1/evaluate in the pool: the strict JSON reading (400: malformed JSON,
    duplicate keys, nesting, huge integers), strict validation (422), evaluation (404, the decision),
    the response body and the audit row (free text in the facts masked by handlers._row)."""
    try:
        facts = parse_facts_json(raw)
    except JsonInputError as exc:
        raise ApiError(400, exc.code, exc.message, field=exc.field or "body") from None
    except ValidationError as exc:
        raise invalid(exc.errors()) from None
    resp, row = handlers.evaluate(ctx, facts, principal, full, case_ref)
    return resp.model_dump_json(exclude=None if full else {"trace", "items"}).encode(), row


async def answer_evaluate(state, principal, full: bool, case_ref: str | None, content_type: str | None,
                          read_body: Callable[[], Awaitable[bytes]]) -> bytes:
    """POST /v1/evaluate once the key and the query are read: the FastAPI endpoint and
    service.fastpath.EvaluateFastPath both answer through this (same steps, same order).
    JSON reading, validation, evaluation and the response body are CPU work: off the event loop, in
    a bounded pool (503 overloaded + Retry-After when full), so /healthz and other requests stay
    fast. The body is released only after the audit record is committed (503 audit_timeout /
    audit_unavailable otherwise)."""
    case_ref = handlers.check_case_ref(case_ref)
    _check_json_type(content_type)
    raw = await read_body()
    ctx = state.ctx
    body, row = await state.pool.run(_evaluate_job, ctx, raw, principal, full, case_ref)
    await ctx.repo.commit([row])
    return body


# ----------------------------------------------------------------------- strict JSON bodies
# Request bodies are read here, not by FastAPI (which would coerce "15" to 15 and keep the last of
# duplicate keys): Content-Type must be JSON (415), the text is read by load_json_strict (400 for
# malformed JSON, duplicate keys, nesting, huge integers) and facts are validated in pydantic's
# strict JSON mode (422 naming the field). The OpenAPI document still describes the bodies.
def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _check_json_type(ctype: str | None) -> None:
    if not _is_json(ctype):
        got = f"收到 {ctype}" if ctype else "缺少 Content-Type"
        raise ApiError(415, "unsupported_media_type", f"请求体须为 JSON, 请求头 Content-Type 须为 application/json({got})",
                       field="Content-Type")


async def _json_body(request: Request):
    _check_json_type(request.headers.get("content-type"))
    raw = await request.body()
    try:
        return raw, load_json_strict(raw)
    except JsonInputError as exc:
        raise ApiError(400, exc.code, exc.message, field=exc.field or "body") from None


def _body_doc(model: type, examples: dict | None = None) -> dict:
    content: dict = {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
    if examples:
        content["examples"] = examples
    return {"requestBody": {"required": True, "content": {"application/json": content}}}


def _strict_body_schemas(app: FastAPI) -> None:
    """Add the schemas of the strictly read bodies (not FastAPI parameters) to the OpenAPI components."""
    base = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        spec = base()
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        for model in (CaseFacts, s.BatchRequest):
            js = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in js.pop("$defs", {}).items():
                schemas.setdefault(name, sub)
            schemas[model.__name__] = js
        return spec

    app.openapi = openapi


AsOf = Annotated[CaseDate | None, Query(description=f"参照日期 YYYY-MM-DD({MIN_DATE} 至 {MAX_DATE}), 缺省今天")]
ItemId = Annotated[str, Path(min_length=1, max_length=120, description="条目编号, 如 cn-tax-2021-6/03")]
Detail = Annotated[Literal["compact", "full"], Query(description="full: 另附 trace 和 items")]
CaseRef = Annotated[str | None, Query(description="可选: 办案编号(1–64 个字符, 不含个人信息), 随审计记录保存")]
DecisionId = Annotated[str, Path(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                                 description="决定编号(uuid4)")]


def _routes(app: FastAPI) -> None:
    ok = {"model": s.EvaluateResponse, "description": "评估结果(审计记录已提交)"}
    err404 = {"model": s.ErrorResponse, "description": "未找到"}

    err415 = {"model": s.ErrorResponse, "description": "Content-Type 不是 application/json"}

    @app.post("/v1/evaluate", tags=["evaluate"], response_model=None,
              openapi_extra=_body_doc(CaseFacts, s.EVALUATE_EXAMPLES),
              responses={200: ok, 404: {"model": s.ErrorResponse, "description": "未知条目(附相近条目)"},
                         400: {"model": s.ErrorResponse, "description": "JSON 格式错误、键重复、嵌套过深或整数过大"},
                         413: {"model": s.ErrorResponse}, 415: err415})
    async def evaluate(request: Request, principal: Officer, detail: Detail = "compact",
                       case_ref: CaseRef = None) -> Response:
        """评估一个案件: 是否属于不予处罚、可以不予处罚、减轻处罚、从轻处罚, 或尚不能确定(附需补问的事实)。

        事实按严格 JSON 读取: 不做类型转换("15" 不是整数, 1 不是布尔值), 数额和数量须为有限的非负数。
        可选的 case_ref(办案编号)随审计记录保存, 审核人员可按它检索(GET /v1/decisions?case_ref=)。"""
        # The common form of this request is answered by service.fastpath.EvaluateFastPath through
        # the same answer_evaluate; this endpoint answers the rest (and documents the operation).
        body = await answer_evaluate(request.app.state, principal, detail == "full", case_ref,
                                     request.headers.get("content-type"), request.body)
        return Response(body, media_type="application/json")

    @app.post("/v1/evaluate/batch", tags=["evaluate"], response_model=None,
              openapi_extra=_body_doc(s.BatchRequest),
              responses={200: {"model": s.BatchResponse},
                         400: {"model": s.ErrorResponse, "description": "JSON 格式错误、键重复、嵌套过深或整数过大"},
                         413: {"model": s.ErrorResponse,
                               "description": "超过 1000 个案件(detail=full 时 200 个)或 1 MiB"},
                         415: err415,
                         429: {"model": s.ErrorResponse, "description": "该密钥的批量评估超过限速(见 Retry-After)"}})
    async def evaluate_batch(request: Request, principal: Officer, detail: Detail = "compact") -> Response:
        """批量评估(至多 1000 个案件, detail=full 时至多 200 个); 每个案件单独严格校验、单独报错, 不影响其他案件;
        每个成功的案件各有一条审计记录。每个密钥的批量案件数限速(默认每分钟 30000 个, full 每个案件计 5 个)。"""
        _, body = await _json_body(request)
        if not isinstance(body, dict):
            raise invalid([{"type": "model_type", "loc": ()}])
        errors = [{"type": "extra_forbidden", "loc": (k,)} for k in body if k not in ("cases", "case_refs")]
        cases = body.get("cases")
        if "cases" not in body:
            errors.append({"type": "missing", "loc": ("cases",)})
        elif not isinstance(cases, list):
            errors.append({"type": "list_type", "loc": ("cases",)})
        if errors:
            raise invalid(errors)
        full = detail == "full"
        limit = MAX_BATCH_FULL if full else MAX_BATCH
        if len(cases) > limit:
            raise handlers.batch_limit_error(len(cases), limit, full)
        case_refs = handlers.check_case_refs(body.get("case_refs"), len(cases))
        wait = request.app.state.batch_limiter.take(principal.name, len(cases) * (FULL_WEIGHT if full else 1))
        if wait:
            raise ApiError(429, "rate_limited", f"该密钥的批量评估超过限速, 请 {wait} 秒后重试",
                           headers={"Retry-After": str(wait)})
        ctx = _ctx(request)
        resp, rows = await request.app.state.pool.run(handlers.evaluate_batch, ctx, cases, principal, full, limit,
                                                       case_refs)
        if rows:
            await ctx.repo.commit(rows)
        exclude = None if full else {"results": {"__all__": {"decision": {"trace", "items"}}}}
        return _json(resp, exclude)

    @app.get("/v1/items/search", tags=["items"], response_model=s.SearchResponse)
    def search_items(
        request: Request, principal: Officer,
        q: Annotated[str, Query(min_length=1, max_length=500, description="违法行为描述")],
        domain: Annotated[str | None, Query(max_length=40)] = None,
        jurisdiction: Annotated[str | None, Query(pattern=r"^(\d{6}|CN)$")] = None,
        as_of: AsOf = None,
        limit: Annotated[int, Query(ge=1, le=50)] = 10,
    ):
        """按违法行为描述检索清单条目(jieba 分词 + BM25)。"""
        return handlers.search(_ctx(request), q, domain, jurisdiction, as_of, limit)

    @app.get("/v1/search", tags=["items"], response_model=s.RankedSearchResponse)
    def search_ranked(
        request: Request, principal: Officer,
        q: Annotated[str, Query(min_length=1, max_length=500, description="违法行为描述(执法人员的说法即可)")],
        jurisdiction: Annotated[str, Query(pattern=r"^\d{6}$", description="办案机关行政区划代码")] = "371500",
        domain: Annotated[str | None, Query(max_length=40, description="执法领域代码")] = None,
        limit: Annotated[int, Query(ge=1, le=50)] = 10,
    ):
        """按违法行为描述检索条目: 本案辖区清单体系中有约束力的条目在前, 外地清单(类比参考)在后, 各按得分排序;
        每条给出违法行为原文、清单、版本、是否有约束力、行政区划和得分。只接受 q、jurisdiction、domain、limit, 各至多一次。"""
        return handlers.ranked_search(_ctx(request), q, jurisdiction, domain, limit)

    @app.get("/v1/items/{item_id:path}/questions", tags=["items"], response_model=s.QuestionsResponse,
             responses={404: err404})
    def item_questions(request: Request, principal: Officer, item_id: ItemId, as_of: AsOf = None):
        """该条目需要的事实, 按询问顺序: 先 all 条件, 再 any_of 各组, 最后首违(违法记录)。"""
        return handlers.questions(_ctx(request), item_id, as_of)

    @app.get("/v1/items/{item_id:path}", tags=["items"], response_model=s.ItemResponse, responses={404: err404})
    def get_item(request: Request, principal: Officer, item_id: ItemId, as_of: AsOf = None):
        """条目详情: 来源、清单版本、是否有约束力、所引条文原文(配置了法规文本时)。"""
        return handlers.get_item(_ctx(request), item_id, as_of)

    @app.get("/v1/domains", tags=["lists"], response_model=s.DomainsResponse)
    def get_domains(request: Request, principal: Officer):
        """41 个执法领域和行政区划。"""
        return handlers.domains(_ctx(request))

    @app.get("/v1/lists", tags=["lists"], response_model=s.ListsResponse)
    def get_lists(request: Request, principal: Officer):
        """全部清单及其版本。"""
        return handlers.lists(_ctx(request))

    @app.get("/v1/lists/diff", tags=["lists"], responses={404: err404})
    async def diff_lists(
        request: Request, principal: Reviewer,
        from_: Annotated[str, Query(alias="from", min_length=3, max_length=200, description="清单版本键 <id>@<version>")],
        to: Annotated[str, Query(min_length=3, max_length=200, description="清单版本键 <id>@<version>")],
        impact: Annotated[bool, Query(description="另重放审计库中的决定: 按 to 代替 from 有多少件结果不同")] = False,
        limit: Annotated[int, Query(ge=1, le=10_000, description="impact: 至多重放的决定数(最新的)")] = 10000,
    ) -> dict:
        """两个清单版本之间的差异(新增、删除、修改的条目及字段, 按执法领域的数字); impact=true 另给出
        审计库中过去的决定按新版本重放后结果不同的件数(service.review_routes)。"""
        from fastapi.concurrency import run_in_threadpool

        out = await run_in_threadpool(handlers.list_diff, _ctx(request), from_, to)
        if impact:
            from service.review_routes import impact_async

            out["impact"] = await impact_async(request, from_, to, limit)  # own bounded pool, single flight, cache
        return out

    @app.get("/v1/lists/{list_id}/versions/{version}", tags=["lists"], response_model=s.ListVersionResponse,
             responses={404: err404})
    def get_list_version(request: Request, principal: Officer,
                         list_id: Annotated[str, Path(max_length=120)], version: Annotated[str, Path(max_length=120)]):
        """一个清单版本的全文(全部条目)。"""
        return handlers.list_version(_ctx(request), list_id, version)

    @app.get("/v1/decisions/{decision_id}", tags=["decisions"], response_model=s.DecisionRecordOut,
             responses={404: err404})
    def get_decision(request: Request, principal: Reviewer, decision_id: DecisionId):
        """一条审计记录。"""
        return handlers.get_decision(_ctx(request), decision_id)

    @app.get("/v1/decisions", tags=["decisions"], response_model=s.DecisionsPage)
    def list_decisions(
        request: Request, principal: Reviewer,
        item: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9./-]{0,119}$", description="条目编号")] = None,
        ruleset: Annotated[str | None, Query(pattern=r"^[0-9a-f]{1,64}$", description="X-Ruleset-Version")] = None,
        from_: Annotated[datetime | None, Query(alias="from", description="起始时间(含), UTC; 1990 年至 2100 年之间")] = None,
        to: Annotated[datetime | None, Query(description="截止时间(不含), UTC; 1990 年至 2100 年之间")] = None,
        case_ref: Annotated[str | None, Query(min_length=1, max_length=64, description="办案编号(完全相同)")] = None,
        case_ref_contains: Annotated[str | None, Query(min_length=1, max_length=64,
                                                       description="办案编号包含的文字")] = None,
        decided_by: Annotated[str | None, Query(
            min_length=3, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$",
            description="作出结论的版本 <id>@<version>(如 xzcf@2021; 迁移 0007 以前不能确定的记录不在其中)")] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ):
        """按条目、规则集版本、时间、办案编号和作出结论的版本查询审计记录(新记录在前)。"""
        for name, value in (("from", from_), ("to", to)):
            if value is not None and not (1990 <= value.year <= 2100):
                raise ApiError(422, "date_out_of_range", f"{name} 须在 1990 年至 2100 年之间", field=name)
        q = DecisionQuery(item=item, ruleset=ruleset, from_=utc_iso(from_) if from_ else None,
                          to=utc_iso(to) if to else None, case_ref=case_ref, case_ref_contains=case_ref_contains,
                          decided_by=decided_by, limit=limit, offset=offset)
        return handlers.list_decisions(_ctx(request), q)

    @app.post("/v1/decisions/{decision_id}/replay", tags=["decisions"], response_model=s.ReplayResponse,
              responses={404: {"model": s.ErrorResponse, "description": "未找到决定记录(unknown_decision)或清单版本"
                                                                       "(unknown_list_version)"},
                         409: {"model": s.ErrorResponse,
                               "description": "记录中的条目已不在当前清单中(item_gone), 附相近条目"}})
    def replay(
        request: Request, principal: Reviewer, decision_id: DecisionId, as_of: AsOf = None,
        list_version: Annotated[str | None, Query(
            min_length=3, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$",
            description="按指定清单版本 <id>@<version> 重放: 决定日期取该版本施行期内的日期"
                        "(原决定日期移入施行期; 同时给出 as_of 时须在施行期内)")] = None,
    ):
        """按 as_of(默认为原决定日期; 或指定清单版本 list_version 施行期内的日期)作为决定日期重新评估记录中的事实, 显示结果、
        可能结果、适用条目、待补事实和依据的变化(不写审计记录)。只接受 as_of 和 list_version 两个参数。"""
        return handlers.replay(_ctx(request), decision_id, as_of, list_version)

    __import__("service.review_routes", fromlist=["add_routes"]).add_routes(app)  # /v1/reviews, publish

    @app.get("/healthz", tags=["ops"], response_model=s.Health)
    async def healthz():  # on the event loop: answers while evaluations wait in the pool
        return s.Health(status="ok")

    @app.get("/readyz", tags=["ops"], response_model=s.Ready, response_model_exclude_none=True,
             responses={503: {"model": s.ErrorResponse}})
    async def readyz(request: Request, key: Annotated[str | None, Security(_api_key)] = None):
        """就绪: 审计写入线程在运行, 且审计数据库能在超时内接受写入(插入后回滚)。审计计数只对 admin 密钥显示。"""
        ctx = getattr(request.app.state, "ctx", None)
        if ctx is None:
            raise ApiError(503, "not_ready", "服务尚未就绪", headers={"Retry-After": "1"})
        try:
            await ctx.repo.writable(min(ctx.repo.timeout, 2.0))
        except AuditUnavailable as exc:
            raise ApiError(503, "audit_unavailable", "审计数据库暂不能写入或审计写入线程已停止",
                           headers={"Retry-After": str(exc.retry_after)}) from None
        principal = request.app.state.keys.lookup(key) if key else None
        return handlers.ready(ctx, counts=principal is not None and principal.allows("admin"))
