"""The web workbench: server-rendered pages (Jinja2) for officers (case check), reviewers (lists,
decisions) and trainers (scenarios), under /web. Every page reuses the service's handlers: an
evaluation from the web is the API's evaluation (service.handlers.evaluate, committed to the audit
log before the page shows it), replay is the API's replay, the lists pages read the same corpus.

Log-in takes an API key and gives a signed session cookie (service.web.session); every form
carries a CSRF token. Officers see the case check only; reviewer pages answer them with a 403 page.
"""

import importlib
import importlib.util
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from penalty_rules.config import PROJECT_ROOT
from penalty_rules.errors import InvalidFacts, UnknownItem
from penalty_rules.lint.flags import blocking_zh
from penalty_rules.model.conditions import condition_label
from penalty_rules.model.facts import ISO_DAY
from penalty_rules.model.facts_json import validate_facts_value
from penalty_rules.model.outcome import Outcome
from service import handlers
from service.audit import AuditUnavailable
from service.auth import ROLES_ZH, Principal, sha256_hex
from service.errors import ApiError, validation_details
from service.web import facts_form
from service.web.session import (COOKIE, CSRF_FIELD, PRE_COOKIE, PRE_LIFETIME, REVOKED_FILE, Keys, Revocations,
                                 WebSession, cookie_args, pre_token, resolve_web_secret, same_token, secure_flag, sign,
                                 unsign)

log = logging.getLogger("penalty_rules.service.web")
HERE = Path(__file__).resolve().parent
FEATURES = PROJECT_ROOT / "features"
SCENARIO_TIMEOUT = float(os.environ.get("PENALTY_RULES_WEB_SCENARIO_TIMEOUT", "600"))
PAGE_SIZE = 50

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; frame-src 'self'")
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; form-action 'none'"

OUTCOME_ZH = {o.value: o.zh for o in Outcome} | {"undetermined": "尚不能确定"}
ROLE_LABELS = {"violated": "违反的规定", "penalty": "处罚依据", "exemption": "不予/减轻处罚的依据"}
BASIS_ROLE_ZH = {
    "list": "清单", "exemption": "不予/减轻处罚依据", "leniency_ground": "从宽依据", "special_law": "单行法另有规定",
    "violated": "违反的规定", "penalty": "处罚依据", "statutory": "法定规则", "measure": "措施依据",
}
CONFIDENCE_ZH = {"high": "高", "medium": "中", "low": "低"}
STATUS_ZH = {"draft": "草案", "in_force": "施行", "repealed": "已废止"}
LEVEL_ZH = {"national": "国家", "province": "省", "city": "市", "county": "县", "analogue": "外地(类比参考)"}

env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(HERE / "templates")),
    autoescape=jinja2.select_autoescape(["html"]),
    trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
)
env.globals.update(OUTCOME_ZH=OUTCOME_ZH, ROLES_ZH=ROLES_ZH, BASIS_ROLE_ZH=BASIS_ROLE_ZH, ROLE_LABELS=ROLE_LABELS,
                   CONFIDENCE_ZH=CONFIDENCE_ZH, STATUS_ZH=STATUS_ZH, LEVEL_ZH=LEVEL_ZH, CSRF_FIELD=CSRF_FIELD,
                   condition_label=condition_label, quote=quote, blocking_zh=blocking_zh)
env.filters["outcome_zh"] = lambda v: OUTCOME_ZH.get(str(v), str(v))
env.filters["json"] = lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True) if v is not None else "—"

router = APIRouter(prefix="/web", include_in_schema=False)


# ----------------------------------------------------------------------------- sessions
@dataclass
class WebUser:
    principal: Principal
    session: WebSession

    def allows(self, role: str) -> bool:
        return self.principal.allows(role)


class WebStop(Exception):
    """Ends a web request early with a ready response (a redirect to log in, a 403 page)."""

    def __init__(self, response: Response):
        self.response = response


@dataclass
class WebState:
    """Per process: the keys derived from the web secret, the key ids of the active API keys, the
    revoked sessions (var/web-revoked, shared by the worker processes)."""

    keys: Keys
    key_ids: dict  # key id (in the cookie) -> the key's sha256
    revocations: Revocations
    secure_mode: str


def _web(request: Request) -> WebState:
    app = request.app
    state = getattr(app.state, "web", None)
    if state is None:
        ss = app.state.settings
        keys = Keys.of(resolve_web_secret(ss.web_secret, ss.var_dir, ss.production))
        state = app.state.web = WebState(
            keys=keys, key_ids={keys.key_id(d): d for d in app.state.keys.digests()},
            revocations=Revocations(Path(ss.var_dir) / REVOKED_FILE),
            secure_mode=getattr(ss, "web_secure_cookie", "auto"))
    return state


def _secure(request: Request) -> bool:
    return secure_flag(_web(request).secure_mode, request.url.scheme)


def _user(request: Request) -> WebUser | None:
    """The session of the request's cookie, if valid, not revoked, not idle too long, and its key is
    still active. A session whose last activity is older than a minute gets its cookie renewed (by
    _headers, on the response)."""
    web = _web(request)
    sess = WebSession.from_payload(unsign(web.keys.sign, request.cookies.get(COOKIE)))
    if sess is None or web.revocations.revoked(sess.sid):
        return None
    principal = request.app.state.keys.lookup_sha256(web.key_ids.get(sess.key_id))
    if principal is None:
        return None
    if sess.needs_touch():
        request.scope["web_touch"] = sess.touched()
    return WebUser(principal, sess)


def need(role: str):
    def dependency(request: Request) -> WebUser:
        request.scope["web_t0"] = time.perf_counter()
        user = _user(request)
        if user is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise WebStop(RedirectResponse(f"/web/login?next={quote(target, safe='')}", status_code=303))
        if not user.allows(role):
            raise WebStop(page(request, "error.html", user, status=403, title="无权访问",
                               message=f"此页面需要{ROLES_ZH[role]}及以上权限, 当前登录的密钥"
                                       f"({user.principal.name})角色为{ROLES_ZH[user.principal.role]}。"))
        return user

    dependency.__name__ = f"web_need_{role}"
    return dependency


async def _checked_form(request: Request, user: WebUser):
    form = await request.form()
    if not same_token(user.session.csrf, form.get(CSRF_FIELD)):
        raise WebStop(page(request, "error.html", user, status=403, title="表单已失效",
                           message="表单的安全令牌(CSRF)无效或缺失: 请返回页面刷新后重新提交。"))
    return form


def _headers(response: Response, request: Request) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    touched = request.scope.pop("web_touch", None)
    if touched is not None:  # sliding idle timeout: the session's last activity, renewed
        response.set_cookie(COOKIE, sign(_web(request).keys.sign, touched.payload()),
                            **cookie_args(_secure(request), max(1, touched.exp - int(time.time()))))
    t0 = request.scope.get("web_t0")
    if t0 is not None:
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - t0) * 1000:.1f}"
    return response


def page(request: Request, template: str, user: WebUser | None, status: int = 200, **context) -> HTMLResponse:
    html = env.get_template(template).render(
        user=user, csrf=user.session.csrf if user else "", path=request.url.path, **context)
    return _headers(HTMLResponse(html, status_code=status), request)


def _ctx(request: Request) -> handlers.Context:
    return request.app.state.ctx


Officer = need("officer")
Reviewer = need("reviewer")


def install(app) -> None:
    """Mount the workbench: routes under /web, static files under /web/static."""
    from fastapi.staticfiles import StaticFiles

    async def _stop(request: Request, exc: WebStop):
        return exc.response

    app.add_exception_handler(WebStop, _stop)
    app.include_router(router)
    app.mount("/web/static", StaticFiles(directory=str(HERE / "static")), name="web-static")


# ----------------------------------------------------------------------------- log in / out
def _safe_next(target: str | None) -> str:
    if target and target.startswith("/web/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/web/check"


@router.get("")
@router.get("/")
def home(request: Request):
    return RedirectResponse("/web/check" if _user(request) else "/web/login", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str | None = None):
    request.scope["web_t0"] = time.perf_counter()
    token = pre_token()
    resp = page(request, "login.html", None, next=_safe_next(next), login_token=token, error=None)
    resp.set_cookie(PRE_COOKIE, token, **cookie_args(_secure(request), PRE_LIFETIME))
    return resp


@router.post("/login")
async def login(request: Request):
    request.scope["web_t0"] = time.perf_counter()
    form = await request.form()
    target = _safe_next(form.get("next"))
    if not same_token(request.cookies.get(PRE_COOKIE), form.get(CSRF_FIELD)):
        token = pre_token()
        resp = page(request, "login.html", None, status=403, next=target, login_token=token,
                    error="登录表单已失效(安全令牌不符): 请重新输入密钥。")
        resp.set_cookie(PRE_COOKIE, token, **cookie_args(_secure(request), PRE_LIFETIME))
        return resp
    key = form.get("api_key")
    key = key.strip() if isinstance(key, str) else ""
    principal = request.app.state.keys.lookup(key) if key else None
    if principal is None:
        token = pre_token()
        resp = page(request, "login.html", None, status=401, next=target, login_token=token,
                    error="API 密钥: 未填写或无效。" if key else "API 密钥: 请填写。")
        resp.set_cookie(PRE_COOKIE, token, **cookie_args(_secure(request), PRE_LIFETIME))
        return resp
    if not principal.allows("reviewer") and target != "/web/check" and not target.startswith("/web/check"):
        target = "/web/check"
    web = _web(request)
    previous = _user(request)
    request.scope.pop("web_touch", None)
    if previous is not None:  # a new log-in ends the browser's previous session
        web.revocations.revoke(previous.session.sid, previous.session.exp)
    sess = WebSession.new(web.keys.key_id(sha256_hex(key)))
    resp = RedirectResponse(target, status_code=303)
    resp.set_cookie(COOKIE, sign(web.keys.sign, sess.payload()), **cookie_args(_secure(request), sess.exp - sess.iat))
    resp.delete_cookie(PRE_COOKIE, path="/web", secure=_secure(request), httponly=True, samesite="strict")
    return _headers(resp, request)


@router.post("/logout")
async def logout(request: Request):
    """Ends the session on the server (its id is revoked for every worker), not only in this browser."""
    user = Officer(request)
    await _checked_form(request, user)
    await run_in_threadpool(_web(request).revocations.revoke, user.session.sid, user.session.exp)
    request.scope.pop("web_touch", None)
    resp = RedirectResponse("/web/login", status_code=303)
    resp.delete_cookie(COOKIE, path="/web", secure=_secure(request), httponly=True, samesite="strict")
    return _headers(resp, request)


# ----------------------------------------------------------------------------- case check
def _case_fields(ctx):
    reg = ctx.corpus.registry
    return facts_form.fields(reg.domains, reg.jurisdictions)


def _documents_available() -> bool:
    try:
        return importlib.util.find_spec("service.documents") is not None
    except (ImportError, ValueError):
        return False


def _check_page(request, user, ctx, facts: dict, decision=None, errors=None, suggestions=None, status=200,
                case_ref=None, skipped=()):
    fields = _case_fields(ctx)
    values = facts_form.form_values(facts)
    values.setdefault("jurisdiction", "371500")
    # the question shown: the first missing fact the officer has not put off (不知道/暂不回答), as an API
    # client moves on to the next of missing_facts
    question = None
    if decision is not None:
        question = next((m for m in decision.missing_facts if m.fact not in skipped), None)
        skipped = [f for f in skipped if any(m.fact == f for m in decision.missing_facts)]  # still missing
    return page(request, "check.html", user, status=status, fields=fields, groups=facts_form.GROUPS,
                question=question, skipped=" ".join(skipped),
                values=values, facts=facts, circumstances=facts.get("circumstances"),
                priors=facts.get("prior_offenses"), priors_known=facts.get("prior_offenses") is not None,
                extras=facts_form.extras_of(facts), max_priors=facts_form.MAX_PRIORS,
                decision=decision, errors=errors or [], suggestions=suggestions, case_ref=case_ref or "",
                documents=_documents_available())


@router.get("/check")
def check_form(request: Request):
    user = Officer(request)
    return _check_page(request, user, _ctx(request), {})


@router.post("/check")
async def check(request: Request):
    """Evaluate the form's facts (plus the answer to the last question) with the API's handler; the
    audit record is committed before the page shows the decision."""
    user = Officer(request)
    form = await _checked_form(request, user)
    ctx = _ctx(request)
    fields = _case_fields(ctx)
    case_ref = (form.get("case_ref") or "").strip() or None
    skipped = facts_form.skipped_facts(form)
    try:
        facts = facts_form.facts_from_form(form, fields)
        facts = facts_form.apply_answer(facts, form)
    except facts_form.FormError as exc:
        return _check_page(request, user, ctx, {}, errors=[(exc.field, exc.message)], status=422, case_ref=case_ref)
    if form.get("action") == "search":
        q = (facts.get("conduct") or "").strip()
        if not q:
            return _check_page(request, user, ctx, facts, errors=[("conduct", "请先填写违法行为描述再检索")],
                               status=422, case_ref=case_ref)
        hits = _suggest(ctx, q[:500], facts.get("jurisdiction") or "371500", facts.get("domain"))
        return _check_page(request, user, ctx, facts, suggestions=hits, case_ref=case_ref)
    try:
        case_ref = handlers.check_case_ref(case_ref)
    except ApiError as exc:
        return _check_page(request, user, ctx, facts, errors=[("case_ref", exc.body()["error"]["message_zh"])],
                           status=422)
    try:
        case = validate_facts_value(facts)
    except ValidationError as exc:
        errs = [(d["field"], d["message_zh"]) for d in validation_details(exc.errors())]
        return _check_page(request, user, ctx, facts, errors=errs, status=422, case_ref=case_ref)
    pool = getattr(request.app.state, "pool", None)  # the API's bounded evaluation pool, when there is one
    try:
        if pool is not None:
            resp, row = await pool.run(handlers.evaluate, ctx, case, user.principal, False, case_ref)
        else:
            resp, row = await run_in_threadpool(handlers.evaluate, ctx, case, user.principal, False, case_ref)
    except ApiError as exc:
        return page(request, "error.html", user, status=exc.status, title="暂时无法评估",
                    message=exc.body()["error"]["message_zh"])
    except InvalidFacts as exc:
        return _check_page(request, user, ctx, facts, errors=[(exc.field, exc.message)], status=422,
                           case_ref=case_ref)
    except UnknownItem as exc:
        close = "; 相近条目: " + "、".join(exc.close_matches) if exc.close_matches else ""
        return _check_page(request, user, ctx, facts, errors=[("item_id", f"{exc}{close}")], status=404,
                           case_ref=case_ref)
    try:
        await ctx.repo.commit([row])  # shown only once its audit record is committed (masked: _row)
    except AuditUnavailable as exc:
        return page(request, "error.html", user, status=503, title="审计记录未能保存",
                    message=f"{exc.message_zh}: 本次评估结果未发布, 请稍后重试。")
    return _check_page(request, user, ctx, facts, decision=resp, case_ref=case_ref, skipped=skipped)


def _suggest(ctx, q: str, jurisdiction: str, domain: str | None, limit: int = 8):
    try:
        return handlers.ranked_search(ctx, q, jurisdiction, domain, limit).hits
    except ApiError:
        return []


@router.get("/suggest")
def suggest(request: Request, q: str = "", jurisdiction: str = "371500", domain: str | None = None):
    Officer(request)
    q = q.strip()[:500]
    if not q:
        return JSONResponse({"hits": []})
    if not re.fullmatch(r"\d{6}", jurisdiction):
        jurisdiction = "371500"
    hits = _suggest(_ctx(request), q, jurisdiction, domain or None)
    return _headers(JSONResponse({"hits": [
        {"id": h.id, "violation": h.violation, "list_title": h.list_title, "version": h.version,
         "binding": h.binding, "outcome_zh": OUTCOME_ZH.get(h.outcome, h.outcome)} for h in hits]}), request)


@router.post("/decisions/{decision_id}/document")
async def draft_document(request: Request, decision_id: str):
    """The decision document (DOCX/PDF), drafted by the same functions as POST /v1/decisions/{id}/document
    (service.documents): officers for their own decisions, reviewers for any. What the form gives
    (agency, document number) goes into the file only."""
    user = Officer(request)
    form = await _checked_form(request, user)
    if not re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", decision_id):
        return page(request, "error.html", user, status=404, title="未找到决定记录", message=f"决定编号无效: {decision_id}")
    if not _documents_available():
        return page(request, "error.html", user, status=501, title="决定文书功能尚不可用",
                    message="起草决定文书的模块尚未提供。")
    from penalty_rules.documents import DocumentRequest
    from service import documents

    fields = {"format": form.get("format") or "docx"}
    for name in ("agency_name", "document_no", "leniency_choice"):
        value = (form.get(name) or "").strip()
        if value:
            fields[name] = value
    if form.get("discretion_no_penalty") == "true":
        fields["discretion_no_penalty"] = True
    if form.get("on_the_spot") in ("true", "false"):
        fields["on_the_spot"] = form.get("on_the_spot") == "true"
    try:
        req = DocumentRequest.model_validate(fields)
    except ValidationError as exc:
        msg = "; ".join(f"{d['field']}: {d['message_zh']}" for d in validation_details(exc.errors()))
        return page(request, "error.html", user, status=422, title="无法起草决定文书", message=msg)
    ctx = _ctx(request)
    try:
        draft_doc = await run_in_threadpool(documents.draft, ctx, decision_id, req, user.principal)
        content, media = await documents.render(draft_doc, req.format)
    except ApiError as exc:
        body = exc.body()["error"]
        return page(request, "error.html", user, status=exc.status, title="无法起草决定文书", message=body["message_zh"])
    ascii_name, name = documents.filename(draft_doc, req.format)
    return Response(content, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


# ----------------------------------------------------------------------------- lists
_counts_cache: dict[str, dict] = {}


def _domain_counts(ctx) -> list[dict]:
    """Per domain: distinct item ids in binding versions (local lists, not drafts), in analogue
    lists (other places) and in drafts. Computed once per ruleset."""
    cached = _counts_cache.get(ctx.ruleset_version)
    if cached is not None:
        return cached["rows"]
    sets: dict[str, dict[str, set]] = {}
    for doc in ctx.corpus.documents:
        kind = ("analogue" if doc.level.value == "analogue" else "draft" if doc.status.value == "draft" else "binding")
        for item in doc.items:
            sets.setdefault(item.domain, {"binding": set(), "analogue": set(), "draft": set()})[kind].add(item.id)
    rows = []
    for d in ctx.corpus.registry.domains:
        s = sets.get(d.code, {"binding": set(), "analogue": set(), "draft": set()})
        rows.append({"code": d.code, "zh": d.zh, "agency": d.agency, "binding": len(s["binding"]),
                     "analogue": len(s["analogue"]), "draft": len(s["draft"])})
    _counts_cache[ctx.ruleset_version] = {"rows": rows}
    return rows


@router.get("/lists")
def lists_page(request: Request):
    user = Reviewer(request)
    ctx = _ctx(request)
    domains = _domain_counts(ctx)
    lists = handlers.lists(ctx).lists
    keys = [v.key for lst in lists for v in lst.versions]
    totals = {k: sum(d[k] for d in domains) for k in ("binding", "analogue", "draft")}
    return page(request, "lists.html", user, domains=domains, lists=lists, keys=keys, totals=totals)


@router.get("/lists/diff")
def diff_page(request: Request):
    user = Reviewer(request)
    ctx = _ctx(request)
    a, b = request.query_params.get("from", ""), request.query_params.get("to", "")
    keys = sorted(d.key for d in ctx.corpus.documents)
    if not a or not b:
        return page(request, "diff.html", user, keys=keys, a=a, b=b, diff=None, error=None, impact=None,
                    want_impact=False, items_a={}, items_b={})
    from penalty_rules.report import diff as diff_mod

    try:
        result = diff_mod.diff(ctx.corpus, a, b)
    except diff_mod.UnknownListVersion as exc:
        close = getattr(exc, "close_matches", None) or []
        field = "from" if exc.key == a else "to"
        msg = f"{field}: 未找到清单版本 {exc.key}" + (f"; 相近: {'、'.join(close)}" if close else "")
        return page(request, "diff.html", user, status=404, keys=keys, a=a, b=b, diff=None, error=msg, impact=None,
                    want_impact=False, items_a={}, items_b={})
    doc_a, doc_b = ctx.corpus.document(a), ctx.corpus.document(b)
    items_a = {i.id: i for i in doc_a.items}
    items_b = {i.id: i for i in doc_b.items}
    want_impact = request.query_params.get("impact") == "1"
    return page(request, "diff.html", user, keys=keys, a=a, b=b, diff=result, error=None,
                impact=_impact(request, a, b) if want_impact else None, want_impact=want_impact,
                items_a=items_a, items_b=items_b, field_zh=diff_mod.field_zh)


IMPACT_LIMIT = 2000  # decisions replayed for the impact summary on the page (the newest)


def _impact(request: Request, a: str, b: str) -> dict | None:
    """The replay impact on the audit log (the same function as GET /v1/lists/diff?impact=true), or
    None where that module is not there."""
    try:
        from service.review_routes import impact_of
    except ImportError:
        return None
    return impact_of(request, a, b, IMPACT_LIMIT)


@router.get("/lists/{list_id}/versions/{version}")
def list_version_page(request: Request, list_id: str, version: str):
    user = Reviewer(request)
    ctx = _ctx(request)
    try:
        lv = handlers.list_version(ctx, list_id, version)
    except ApiError as exc:
        return page(request, "error.html", user, status=404, title="未找到清单版本",
                    message=exc.body()["error"]["message_zh"])
    others = [d.key for d in ctx.corpus.versions(list_id) if d.key != lv.key]
    reg = ctx.corpus.registry
    from penalty_rules.publish.status import HEADER_ITEM

    has_reviews, header_reviews = _review_records(ctx, HEADER_ITEM, lv.key)
    return page(request, "list_version.html", user, lv=lv, doc=lv.document, others=others,
                domain_zh={d.code: d.zh for d in reg.domains}, has_reviews=has_reviews,
                header_reviews=header_reviews)


REVIEW_COLUMNS = {"created_at": "时间(UTC)", "list_key": "清单版本", "reviewer": "审核人(密钥名称)", "role": "角色",
                  "verdict": "结论", "comment": "意见", "channel": "渠道"}
REVIEW_HIDDEN = ("id", "item_id", "seq")  # seq: the database's order (PostgreSQL), the rows' order here
VERDICT_ZH = {"approved": "通过", "needs_change": "需修改"}
CHANNEL_ZH = {"service": "服务", "cli": "命令行", None: "服务或命令行(迁移 0005 之前)"}


def _review_cell(k: str, v):
    if k == "verdict":
        return VERDICT_ZH.get(v, v)
    if k == "channel":
        return CHANNEL_ZH.get(v, v)
    if k == "role":
        return ROLES_ZH.get(v, v)
    return v


REVIEW_LIMIT = 200  # records shown per item: the newest


class ReviewRows(list):
    """Rows shown, oldest first; `left_out`: how many older records were not (REVIEW_LIMIT)."""
    left_out = 0


def _review_records(ctx, item_id: str, list_key: str | None = None) -> tuple[bool, list[dict]]:
    """Review records of an item from a reviews table, if one exists (added by another migration):
    read defensively, any table whose name has 'review' and a column naming the item."""
    try:
        from sqlalchemy import MetaData, Table, func, inspect, select, text

        engine = ctx.repo.engine
        names = [n for n in inspect(engine).get_table_names() if "review" in n.lower()]
        if not names:
            return False, []
        rows = ReviewRows()
        for name in names:
            table = Table(name, MetaData(), autoload_with=engine)
            col = next((table.c[c] for c in ("item_id", "item", "item_key") if c in table.c), None)
            if col is None:
                continue
            newest_first = (table.c.seq.desc() if "seq" in table.c else text(f"{name}.rowid DESC")
                            if engine.dialect.name == "sqlite" else None)
            query = select(table).where(col == item_id)
            if list_key is not None and "list_key" in table.c:  # the header pseudo-item @list: one version's
                query = query.where(table.c.list_key == list_key)
            with engine.connect() as conn:  # the newest REVIEW_LIMIT, shown oldest first
                found = conn.execute((query.order_by(newest_first) if newest_first is not None else query)
                                     .limit(REVIEW_LIMIT + 1)).mappings().all()
                if len(found) > REVIEW_LIMIT:
                    rows.left_out += conn.execute(select(func.count()).select_from(query.subquery())).scalar() \
                        - REVIEW_LIMIT
                    found = found[:REVIEW_LIMIT]
                for r in reversed(found):
                    rows.append({REVIEW_COLUMNS.get(k, k): _review_cell(k, v)
                                 for k, v in r.items() if k not in REVIEW_HIDDEN and not k.endswith("hash")})
        return True, rows
    except Exception as exc:  # noqa: BLE001 - another helper's table: never break the item page
        log.warning("审核记录读取失败: %s", type(exc).__name__)
        return True, []


@router.get("/items/{item_id:path}")
def item_page(request: Request, item_id: str):
    user = Reviewer(request)
    ctx = _ctx(request)
    try:
        it = handlers.get_item(ctx, item_id)
    except UnknownItem as exc:
        close = "; 相近条目: " + "、".join(exc.close_matches) if exc.close_matches else ""
        return page(request, "error.html", user, status=404, title="未找到条目", message=f"{exc}{close}")
    doc = ctx.corpus.document(it.list)
    has_reviews, reviews = _review_records(ctx, item_id)
    return page(request, "item.html", user, it=it, item=it.item, doc=doc, has_reviews=has_reviews, reviews=reviews)


# ----------------------------------------------------------------------------- decisions
_table_cache: dict[int, object] = {}


def _decisions_table(ctx):
    from sqlalchemy import MetaData, Table

    key = id(ctx.repo.engine)
    t = _table_cache.get(key)
    if t is None:
        t = _table_cache[key] = Table("decisions", MetaData(), autoload_with=ctx.repo.engine)
    return t


def _day(raw: str, field: str) -> date | None:
    if not raw:
        return None
    try:
        if not ISO_DAY.fullmatch(raw):  # fromisoformat also takes 20230301, 2023-W09-3
            raise ValueError(raw)
        d = date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{field}: 须为日期 YYYY-MM-DD, 而不是 {raw!r}") from None
    if not (1990 <= d.year <= 2100):
        raise ValueError(f"{field}: 须在 1990 年至 2100 年之间")
    return d


def _search_decisions(ctx, f: dict, offset: int):
    from sqlalchemy import func, or_, select

    t = _decisions_table(ctx)
    cond = []
    start, end = _day(f["from"], "起始日期"), _day(f["to"], "截止日期")
    if start:
        cond.append(t.c.created_at >= datetime(start.year, start.month, start.day, tzinfo=timezone.utc)
                    .strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    if end:
        nxt = end + timedelta(days=1)
        cond.append(t.c.created_at < datetime(nxt.year, nxt.month, nxt.day, tzinfo=timezone.utc)
                    .strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    if f["outcome"]:
        if f["outcome"] not in OUTCOME_ZH:
            raise ValueError(f"结果: 未知的结果 {f['outcome']!r}")
        cond.append(t.c.outcome == f["outcome"])
    if f["item"]:
        cond.append(or_(t.c.chosen_item == f["item"], t.c.requested_item == f["item"]))
    if f["case_ref"] and "case_ref" in t.c:
        cond.append(t.c.case_ref.contains(f["case_ref"], autoescape=True))
    if f["api_key"]:
        cond.append(t.c.api_key == f["api_key"])
    cols = [t.c[c] for c in ("id", "created_at", "kind", "requested_item", "chosen_item", "outcome", "decision_date",
                             "api_key", "ruleset_version", "case_ref") if c in t.c]
    with ctx.repo.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(t).where(*cond)).scalar_one()
        rows = conn.execute(select(*cols).where(*cond).order_by(t.c.created_at.desc(), t.c.id)
                            .limit(PAGE_SIZE).offset(offset)).mappings().all()
    return total, [dict(r) for r in rows], "case_ref" in t.c


@router.get("/decisions")
def decisions_page(request: Request):
    user = Reviewer(request)
    ctx = _ctx(request)
    qp = request.query_params
    f = {k: (qp.get(k) or "").strip()[:120] for k in ("from", "to", "outcome", "item", "case_ref", "api_key")}
    try:
        offset = max(0, min(int(qp.get("offset") or 0), 10_000_000))
    except ValueError:
        offset = 0
    error = None
    try:
        total, rows, has_case_ref = _search_decisions(ctx, f, offset)
    except ValueError as exc:
        total, rows, has_case_ref, error = 0, [], "case_ref" in _decisions_table(ctx).c, str(exc)
    keys = sorted({k["name"] for k in ctx.repo.keys()})
    query = "&".join(f"{k}={quote(v)}" for k, v in f.items() if v)
    return page(request, "decisions.html", user, status=422 if error else 200, f=f, rows=rows, total=total,
                offset=offset, page_size=PAGE_SIZE, has_case_ref=has_case_ref, error=error, key_names=keys,
                query=query)


def _replay_versions(ctx, record) -> list[str]:
    """List versions a decision can be replayed under (published, with a start date); the lists the
    decision used first."""
    used = {k.split("@", 1)[0] for k in record.rulesets}
    keys = [d.key for d in ctx.corpus.documents if d.status.value != "draft" and d.start is not None]
    return sorted(keys, key=lambda k: (k.split("@", 1)[0] not in used, k))


def _decision_or_404(request, user, decision_id):
    if not re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", decision_id):
        raise WebStop(page(request, "error.html", user, status=404, title="未找到决定记录",
                           message=f"决定编号无效: {decision_id}"))
    try:
        return handlers.get_decision(_ctx(request), decision_id)
    except ApiError as exc:
        raise WebStop(page(request, "error.html", user, status=404, title="未找到决定记录",
                           message=exc.body()["error"]["message_zh"])) from None


def _decision_page(request, user, record, replay=None, error=None, status=200, chosen=""):
    ctx = _ctx(request)
    row = ctx.repo.get(record.id) or {}
    fields = _case_fields(ctx)
    labels = {f.name: f.label for f in fields}
    value_labels = {f.name: dict(f.options) for f in fields if f.options and f.name not in ("domain", "jurisdiction")}
    return page(request, "decision.html", user, status=status, r=record, case_ref=row.get("case_ref"),
                versions=_replay_versions(ctx, record), replay=replay, error=error, labels=labels, chosen=chosen,
                value_labels=value_labels,
                documents=_documents_available())


@router.get("/decisions/{decision_id}")
def decision_page(request: Request, decision_id: str):
    user = Reviewer(request)
    return _decision_page(request, user, _decision_or_404(request, user, decision_id))


@router.post("/decisions/{decision_id}/replay")
async def replay(request: Request, decision_id: str):
    user = Reviewer(request)
    form = await _checked_form(request, user)
    record = _decision_or_404(request, user, decision_id)
    ctx = _ctx(request)
    lv = (form.get("list_version") or "").strip() or None
    try:
        as_of = _day((form.get("as_of") or "").strip(), "重放日期")
    except ValueError as exc:
        return _decision_page(request, user, record, error=str(exc), status=422, chosen=lv or "")
    if lv is None and as_of is None:
        return _decision_page(request, user, record, error="清单版本或重放日期: 请至少选择一项", status=422)
    try:
        result = await run_in_threadpool(handlers.replay, ctx, decision_id, as_of, lv)
    except ApiError as exc:
        body = exc.body()["error"]
        field = body["details"][0]["field"] if body.get("details") else ""
        return _decision_page(request, user, record, error=(f"{field}: " if field else "") + body["message_zh"],
                              status=exc.status, chosen=lv or "")
    return _decision_page(request, user, record, replay=result, chosen=lv or "")


# ----------------------------------------------------------------------------- scenarios
KEEP_REPORTS = 20  # scenario reports kept in var/web-scenario-reports (the newest)
RUN_LOCK_FILE = "web-scenario.lock"  # flock: one scenario run at a time across the worker processes
CHILD_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "PYTHONPATH",
             "PENALTY_RULES_LISTS", "PENALTY_RULES_STATUTES")
REPORT_NAME = re.compile(r"scenarios-[0-9]{8}-[0-9]{6}(?:-[0-9a-f]{8})?\.html")


class RunBusy(Exception):
    pass


class _RunLock:
    """An exclusive, non-blocking flock on var/web-scenario.lock: held by one request of one worker
    process at a time (released when the file is closed, also if the process dies)."""

    def __init__(self, var_dir: Path):
        self.path = Path(var_dir) / RUN_LOCK_FILE
        self.fd: int | None = None

    def __enter__(self):
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise RunBusy from None
        self.fd = fd
        return self

    def __exit__(self, *exc):
        os.close(self.fd)  # closing the only descriptor releases the flock
        self.fd = None


def child_env(environ=None) -> dict:
    """The scenario job's environment: what Python and the lists need, nothing else (no audit salt,
    no database URL, no web secret)."""
    environ = os.environ if environ is None else environ
    env = {k: environ[k] for k in CHILD_ENV if environ.get(k)}
    env.setdefault("PATH", "/usr/bin:/bin")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def prune_reports(reports: Path, keep: int = KEEP_REPORTS) -> None:
    """Keep the newest `keep` reports (by name: the names start with the time of the run)."""
    try:
        names = sorted((p for p in reports.iterdir() if REPORT_NAME.fullmatch(p.name)), key=lambda p: p.name)
    except FileNotFoundError:
        return
    for old in names[:-keep] if keep > 0 else names:
        try:
            old.unlink()
        except FileNotFoundError:
            pass


def _reports_dir(request: Request) -> Path:
    return Path(request.app.state.settings.var_dir) / "web-scenario-reports"


def _feature_choices() -> list[str]:
    if not FEATURES.is_dir():
        return []
    return sorted(str(p.relative_to(FEATURES)) for p in FEATURES.rglob("*.feature"))


def _tag_choices() -> list[str]:
    from penalty_rules.scenarios.lint import collect_tags

    return sorted(collect_tags(FEATURES)) if FEATURES.is_dir() else []


@router.get("/scenarios")
def scenarios_page(request: Request):
    user = Reviewer(request)
    return page(request, "scenarios.html", user, features=_feature_choices(), tags=_tag_choices(), result=None,
                error=None, chosen_feature="", chosen_tag="")


def run_scenarios(path: Path, tag: str | None, reports: Path, timeout: float) -> dict:
    """Run penalty_rules.scenarios.runner in a subprocess (its own process group, killed whole on
    timeout); returns its JSON result or {"error": …}."""
    cmd = [sys.executable, "-m", "service.web.scenario_job", str(path), "--reports", str(reports)]
    if tag:
        cmd += ["--tag", tag]
    return run_job(cmd, timeout)


def run_job(cmd: list[str], timeout: float) -> dict:
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            cwd=str(PROJECT_ROOT), start_new_session=True, env=child_env())
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:  # the job and its children ended meanwhile
            pass
        proc.communicate()
        return {"error": f"场景运行超过 {timeout:g} 秒, 已终止"}
    try:
        return json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": "场景运行失败: " + (err.strip().splitlines() or ["无输出"])[-1][:300]}


@router.post("/scenarios/run")
async def scenarios_run(request: Request):
    user = Reviewer(request)
    form = await _checked_form(request, user)
    feature = (form.get("feature") or "").strip()
    tag = (form.get("tag") or "").strip().lstrip("@")
    features, tags = _feature_choices(), _tag_choices()

    def again(error, status=422):
        return page(request, "scenarios.html", user, status=status, features=features, tags=tags, result=None,
                    error=error, chosen_feature=feature, chosen_tag=tag)

    if not feature and not tag:
        return again("场景文件或标签: 请至少选择一项")
    if feature and feature not in features:
        return again(f"场景文件: 未知的文件 {feature!r}")
    if tag and tag not in tags:
        return again(f"标签: 没有场景带标签 {tag!r}")
    try:
        with _RunLock(request.app.state.settings.var_dir):
            reports = _reports_dir(request)
            reports.mkdir(parents=True, exist_ok=True)
            path = FEATURES / feature if feature else FEATURES
            result = await run_in_threadpool(run_scenarios, path, tag or None, reports, SCENARIO_TIMEOUT)
            prune_reports(reports)
    except RunBusy:
        return again("已有一次场景运行正在进行, 请稍后再试", status=409)
    if "error" in result:
        return again(result["error"], status=500)
    result["report_name"] = Path(result["html_report"]).name
    return page(request, "scenarios.html", user, features=features, tags=tags, result=result, error=None,
                chosen_feature=feature, chosen_tag=tag)


@router.get("/scenarios/reports/{name}")
def scenario_report(request: Request, name: str):
    user = Reviewer(request)
    if not REPORT_NAME.fullmatch(name):
        return page(request, "error.html", user, status=404, title="未找到报告", message=f"报告名称无效: {name}")
    path = _reports_dir(request) / name
    if not path.is_file():
        return page(request, "error.html", user, status=404, title="未找到报告", message=f"报告不存在: {name}")
    resp = FileResponse(path, media_type="text/html; charset=utf-8")
    resp.headers["Content-Security-Policy"] = REPORT_CSP
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp

