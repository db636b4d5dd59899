"""HTTP routes of the review workflow (issue 11), added by service.app._routes:

* POST /v1/reviews — one verdict on one item of a draft list version (reviewer role).
* GET  /v1/reviews?list=<id>@<version> — the derived status of every item and every record.
* POST /v1/lists/{id}/versions/{v}/publish — four eyes: {"action": "request", "effective_from", …}
  by one reviewer key (the answer carries the request's id and dates), then {"action": "approve",
  "request_id": …} by another, naming the newest request on the current content; an effective_from
  before today needs "allow_past": true (recorded). The approval writes the YAML file and
  versions.lock in the service's lists folder. The running service keeps the lists it loaded at
  start-up: restart it to serve the published version (there is no reload).
* GET /v1/lists/diff?…&impact=true — the diff plus the replay impact on the audit log: at most
  10 000 decisions, computed in a one-thread pool of its own (service.pool.EvalPool: bounded, 503
  `overloaded` when full) so evaluations are not queued behind it; concurrent requests for the same
  (a, b, limit) share one computation (single flight), and the result is cached per (a, b, limit,
  newest decision id, number of decisions) — the service's lists do not change while it runs.

Bodies are read strictly (service.app._json_body) and validated in pydantic's strict mode.
"""

import asyncio
import threading
from collections import OrderedDict
from typing import Annotated, Literal

from fastapi import FastAPI, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from penalty_rules.model.facts import CaseDate
from penalty_rules.model.facts_json import locate_lone_surrogate
from penalty_rules.publish.files import PublishError
from service import reviews as rv
from service.errors import ApiError

VersionKey = Annotated[str, Field(min_length=3, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$",
                                  description="清单版本 <清单编号>@<版本>")]


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    list: VersionKey
    item: str = Field(min_length=1, max_length=120, description="条目编号")
    verdict: Literal["approved", "needs_change"] = Field(description="approved 通过 / needs_change 需修改")
    comment: str | None = Field(default=None, max_length=rv.COMMENT_MAX, description="审核意见(需修改时必填)")


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["request", "approve"] = Field(description="request 申请发布 / approve 批准(须为另一位审核人员)")
    request_id: str | None = Field(default=None, min_length=1, max_length=36,
                                   description="批准时必填: 所批准的发布申请编号(须为当前内容上最新的申请)")
    effective_from: CaseDate | None = Field(default=None, description="生效日期(申请时必填; 批准时可省略, 给出则须与申请相同)")
    effective_to: CaseDate | None = Field(default=None, description="失效日期(当日起不再适用)")
    allow_past: bool = Field(default=False, description="生效日期早于今天(追溯生效)是有意的; 申请和批准各自须给出, 记入发布记录")
    comment: str | None = Field(default=None, max_length=rv.COMMENT_MAX)


def _api_error(exc: PublishError) -> ApiError:
    details = [{"field": exc.field or "list", "code": exc.code, "message_zh": exc.message}]
    details += [{"field": p.path or p.file or "list", "code": p.code, "message_zh": str(p)} for p in exc.problems[:20]]
    return ApiError(exc.status, exc.code, exc.message, details=details)


IMPACT_MAX = 10_000  # decisions replayed at most per request (the route's `limit` cap)
IMPACT_CACHE_SIZE = 16


class ImpactRunner:
    """The impact replays of one service process: a bounded one-thread pool, single flight per key,
    a small cache. All its state is touched on the event loop's thread only."""

    def __init__(self, threads: int = 1, queue: int = 4):
        from service.pool import EvalPool

        self.pool = EvalPool(threads, queue)
        self.inflight: dict[tuple, asyncio.Future] = {}
        self.cache: OrderedDict[tuple, dict] = OrderedDict()
        self.computed = 0  # computations run (tests: single flight and cache)

    def close(self) -> None:
        self.pool.close()

    async def get(self, ctx, a: str, b: str, limit: int) -> dict:
        from fastapi.concurrency import run_in_threadpool

        newest, count = await run_in_threadpool(rv.newest_decision, ctx.repo.engine)
        key = (a, b, limit, newest, count)
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        running = self.inflight.get(key)
        if running is None:
            running = asyncio.ensure_future(self.pool.run(self._compute, ctx, a, b, limit))
            self.inflight[key] = running
            running.add_done_callback(lambda f, key=key: self._done(key, f))
        return await asyncio.shield(running)  # one request going away does not cancel the others' result

    def _done(self, key: tuple, fut: asyncio.Future) -> None:
        self.inflight.pop(key, None)
        if fut.cancelled() or fut.exception() is not None:
            return
        self.cache[key] = fut.result()
        while len(self.cache) > IMPACT_CACHE_SIZE:
            self.cache.popitem(last=False)

    def _compute(self, ctx, a: str, b: str, limit: int) -> dict:
        from penalty_rules.report.impact import impact

        self.computed += 1
        records, truncated = rv.decision_records(ctx.repo.engine, limit)
        return impact(ctx.corpus, a, b, records, truncated).model_dump(mode="json")


def impact_runner(app) -> ImpactRunner:
    runner = getattr(app.state, "impact", None)
    if runner is None:
        runner = app.state.impact = ImpactRunner()
    return runner


async def impact_async(request: Request, a: str, b: str, limit: int) -> dict:
    """The replay impact of B in A's place on the newest `limit` decisions (≤ IMPACT_MAX)."""
    if limit > IMPACT_MAX:
        raise ApiError(422, "limit_too_large", f"limit 至多 {IMPACT_MAX}", field="limit")
    return await impact_runner(request.app).get(request.app.state.ctx, a, b, limit)


_SYNC_IMPACT = threading.Lock()


def impact_of(request: Request, a: str, b: str, limit: int) -> dict:
    """impact_async for synchronous callers (routes run in the thread pool, e.g. the workbench's
    diff page): through the event loop, so they share the pool, the single flight and the cache.
    Called outside an event loop's worker thread, it computes under a lock (one at a time)."""
    import anyio.from_thread

    try:
        return anyio.from_thread.run(impact_async, request, a, b, limit)
    except RuntimeError as exc:  # not a worker thread of the event loop
        if "worker thread" not in str(exc) and "event loop" not in str(exc):
            raise
    if limit > IMPACT_MAX:
        raise ApiError(422, "limit_too_large", f"limit 至多 {IMPACT_MAX}", field="limit")
    from penalty_rules.report.impact import impact

    ctx = request.app.state.ctx
    with _SYNC_IMPACT:
        records, truncated = rv.decision_records(ctx.repo.engine, limit)
        return impact(ctx.corpus, a, b, records, truncated).model_dump(mode="json")


def _responses(*codes: int) -> dict:
    """The error answers of a review route in the OpenAPI document (a PublishError's status: _api_error)."""
    from service.schemas import ErrorResponse

    said = {404: "未找到清单版本(unknown_list_version)、条目(unknown_item)或发布申请(unknown_request)",
            409: "当前状态下不能进行(如不是草案、已发布、尚有条目未通过审核、另一项发布正在进行、清单目录无法载入)",
            415: "Content-Type 不是 application/json"}
    return {c: {"model": ErrorResponse, "description": said[c]} for c in codes}


def _body(model) -> dict:
    """The body in the OpenAPI document (bodies are read strictly by the route, not by FastAPI)."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": model.model_json_schema()}}}}


def add_routes(app: FastAPI) -> None:
    from service.app import Reviewer, _json_body
    from service.errors import invalid

    def lists_root(request: Request):
        return request.app.state.settings.engine.lists_dir

    def store(request: Request) -> rv.ReviewStore:
        return rv.ReviewStore(request.app.state.ctx.repo.engine)

    async def body_of(request: Request, model):
        raw, data = await _json_body(request)
        try:
            return model.model_validate_json(raw, strict=True)
        except ValidationError as exc:
            raise invalid(locate_lone_surrogate(exc, data).errors()) from None

    @app.post("/v1/reviews", tags=["reviews"], status_code=201, openapi_extra=_body(ReviewIn),
              responses=_responses(404, 409, 415))
    async def post_review(request: Request, principal: Reviewer) -> Response:
        """记录一条审核结论: 草案清单版本中的一个条目, 通过(approved)或需修改(needs_change, 须写意见)。
        记录只增不改; 条目以最近一条结论为准, 且只对审核时的条目内容有效。"""
        body = await body_of(request, ReviewIn)
        from fastapi.concurrency import run_in_threadpool

        def work():
            row = rv.review(store(request), lists_root(request), body.list, body.item, body.verdict, body.comment,
                            principal)
            st, rows, pubs = rv.status(store(request), lists_root(request), body.list)
            return {"review": row, "status": rv.reviews_out(st, rows, pubs)}

        try:
            out = await run_in_threadpool(work)
        except PublishError as exc:
            raise _api_error(exc) from None
        import json

        return Response(json.dumps(out, ensure_ascii=False), status_code=201, media_type="application/json")

    @app.get("/v1/reviews", tags=["reviews"], responses=_responses(404, 409))
    def get_reviews(request: Request, principal: Reviewer,
                    list_: Annotated[str, Query(alias="list", min_length=3, max_length=200,
                                                pattern=r"^[^@\s]+@[^@\s]+$", description="清单版本 <id>@<version>")]
                    ) -> dict:
        """一个清单版本的审核状态: 每个条目最近的结论(由审核记录推出, 不读 YAML 的 reviewed)、全部审核记录和发布记录。"""
        try:
            st, rows, pubs = rv.status(store(request), lists_root(request), list_)
        except PublishError as exc:
            raise _api_error(exc) from None
        return rv.reviews_out(st, rows, pubs)

    @app.post("/v1/lists/{list_id}/versions/{version}/publish", tags=["reviews"], openapi_extra=_body(PublishIn),
              responses=_responses(404, 409, 415))
    async def publish_version(request: Request, principal: Reviewer,
                              list_id: Annotated[str, Path(max_length=120)],
                              version: Annotated[str, Path(max_length=120)]) -> dict:
        """发布草案(四眼原则): 一位审核人员 action=request(全部条目须已通过审核, 给出 effective_from),
        另一位审核人员 action=approve; 批准后写入清单文件(status: in_force、生效日期)和 versions.lock。
        运行中的服务仍用启动时载入的清单: 重启后才适用新发布的版本。"""
        body = await body_of(request, PublishIn)
        from fastapi.concurrency import run_in_threadpool

        # what the draft changes against the version it supersedes, read before it is written as published
        changes = await run_in_threadpool(rv.changes_out, lists_root(request), f"{list_id}@{version}")
        try:
            result = await run_in_threadpool(
                rv.publish, store(request), lists_root(request), f"{list_id}@{version}", principal, body.action,
                body.effective_from, body.effective_to, body.comment, body.request_id, body.allow_past)
        except PublishError as exc:
            raise _api_error(exc) from None
        request_row = result.record if result.action == "request" else None
        return {"action": result.action, "record": result.record, "published_hash": result.published_hash,
                "request": rv.request_out(request_row) if request_row else None,
                "request_id": result.record["id"] if result.action == "request" else result.record["request_id"],
                "effective_from": result.record["effective_from"], "effective_to": result.record["effective_to"],
                "message_zh": result.message_zh(), "status": rv.reviews_out(result.status, [], [])["counts"],
                "restart_required": result.action == "approve", "changes": changes}
