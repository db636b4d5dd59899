"""Errors at the HTTP boundary: every failure is a JSON body
{"error": {"code": <English>, "message_zh": <Chinese>, "details": [{field, code, message_zh}], ...}}.

The BoundaryMiddleware (pure ASGI) adds the version headers to every response and, before the app
sees a body, refuses bodies over 1 MiB (413), bodies that are not UTF-8 (400) and bodies not
received in full within the body timeout (408, connection closed: a stalled upload holds nothing
longer than that).
"""

import asyncio
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from penalty_rules.errors import InvalidFacts, UnknownItem
from penalty_rules.model.facts import ACT_AFTER_DECISION
from penalty_rules.model.facts_json import error_loc, json_error_zh, loc_text, validation_message_zh

log = logging.getLogger("penalty_rules.service")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, field: str | None = None,
                 close_matches: list[str] | None = None, limit: int | None = None, details: list | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.field, self.close_matches, self.limit = field, close_matches, limit
        self.details = details
        self.headers = headers

    def body(self) -> dict:
        details = self.details
        if details is None:
            details = [{"field": self.field, "code": self.code, "message_zh": self.message}] if self.field else []
        details = [d.model_dump() if hasattr(d, "model_dump") else d for d in details]
        err: dict[str, Any] = {"code": self.code, "message_zh": self.message, "details": details}
        if self.close_matches is not None:
            err["close_matches"] = self.close_matches
        if self.limit is not None:
            err["limit"] = self.limit
        return {"error": err}


# Chinese messages of pydantic errors live with the facts contract (the CLI prints the same ones).
_message = validation_message_zh


def field_path(loc, prefix: str | None = None) -> str:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    out = loc_text(parts, prefix)
    return out or (prefix or "body")


def validation_details(errors, prefix: str | None = None) -> list[dict]:
    from service.schemas import ErrorDetail

    return [ErrorDetail(field=field_path(error_loc(e), prefix), code=e.get("type", "invalid"),
                        message_zh=_message(e)).model_dump() for e in errors]


# Fact errors that keep their own code when they are the only one, whichever check found them: an act
# after the decision is act_after_decision from validation (decision_date given) and from the engine
# (decision_date today by default) alike.
OWN_CODES = frozenset({ACT_AFTER_DECISION})


def error_code(details: list[dict], default: str = "validation_error", message: str = "请求数据不符合要求"
               ) -> tuple[str, str]:
    """(code, message_zh) of an error listing `details`: a lone error of OWN_CODES gives its own."""
    if len(details) == 1 and details[0]["code"] in OWN_CODES:
        return details[0]["code"], details[0]["message_zh"]
    return default, message


def invalid(errors, prefix: str | None = None) -> "ApiError":
    """The 422 of pydantic validation errors (at most MAX_DETAILS listed: cap_details)."""
    details = validation_details(errors, prefix)
    code, message = error_code(details)
    return ApiError(422, code, message, details=details)


MAX_DETAILS = 50


def cap_details(err: dict) -> dict:
    """At most MAX_DETAILS details in an error body (80,000 unknown keys are not 80,000 details):
    the rest counted in `details_omitted` and said in message_zh."""
    details = err.get("details")
    if isinstance(details, list) and len(details) > MAX_DETAILS:
        omitted = len(details) - MAX_DETAILS
        err["details"] = details[:MAX_DETAILS]
        err["details_omitted"] = omitted
        err["message_zh"] = (f"{err.get('message_zh', '')}(共 {len(details)} 处错误, 只列出前 {MAX_DETAILS} 处,"
                             f" 另有 {omitted} 处未列出)")
    return err


def _json(status: int, body: dict, headers: dict | None = None) -> JSONResponse:
    if isinstance(body.get("error"), dict):
        cap_details(body["error"])
    return JSONResponse(body, status_code=status, headers=headers)


_HTTP_CODES = {
    400: ("bad_request", "请求无效"),
    401: ("unauthorized", "需要 API 密钥"),
    403: ("forbidden", "无权访问"),
    404: ("not_found", "未找到该路径"),
    405: ("method_not_allowed", "不支持该请求方法"),
    406: ("not_acceptable", "不支持所请求的响应格式"),
    408: ("body_timeout", "请求未在时限内传完"),
    413: ("payload_too_large", "请求体超过 1 MiB"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    429: ("rate_limited", "请求过于频繁"),
}


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        bad_json = [e for e in errors if e.get("type") == "json_invalid"]
        if bad_json:
            e = bad_json[0]
            pos = json_error_zh(str((e.get("ctx") or {}).get("error", "")))
            detail = {"field": "body", "code": "malformed_json", "message_zh": f"请求体不是有效的 JSON: {pos}"}
            return _json(400, {"error": {"code": "malformed_json", "message_zh": "请求体不是有效的 JSON",
                                         "details": [detail]}})
        err = invalid(errors)
        return _json(err.status, err.body())

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError):
        return _json(exc.status, exc.body(), exc.headers)

    @app.exception_handler(InvalidFacts)
    async def _invalid(request: Request, exc: InvalidFacts):
        return _json(422, {"error": {"code": exc.code, "message_zh": exc.message,
                                     "details": [{"field": exc.field, "code": exc.code, "message_zh": exc.message}]}})

    @app.exception_handler(UnknownItem)
    async def _unknown(request: Request, exc: UnknownItem):
        msg = str(exc) + (f"; 相近条目: {'、'.join(exc.close_matches)}" if exc.close_matches else "")
        return _json(404, {"error": {"code": "unknown_item", "message_zh": msg, "close_matches": exc.close_matches,
                                     "details": [{"field": "item_id", "code": "unknown_item", "message_zh": msg}]}})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code, msg = _HTTP_CODES.get(exc.status_code, ("http_error", "请求失败"))
        return _json(exc.status_code, {"error": {"code": code, "message_zh": msg, "details": []}},
                     getattr(exc, "headers", None))

    from service.audit import AuditUnavailable

    @app.exception_handler(AuditUnavailable)
    async def _audit(request: Request, exc: AuditUnavailable):
        return _json(503, {"error": {"code": exc.code, "message_zh": exc.message_zh, "details": []}},
                     {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):  # must never be hit in tests
        # the class and where it arose, not the message: an exception's text may carry facts
        import traceback

        where = "".join(traceback.format_tb(exc.__traceback__)[-3:])
        log.error("未处理的错误: %s %s: %s\n%s", request.method, request.url.path, type(exc).__name__, where)
        return _json(500, {"error": {"code": "internal_error", "message_zh": "服务器内部错误", "details": []}})


def _error_bytes(code: str, message: str) -> bytes:
    import json

    return json.dumps({"error": {"code": code, "message_zh": message, "details": [
        {"field": "body", "code": code, "message_zh": message}]}}, ensure_ascii=False).encode("utf-8")


class BoundaryMiddleware:
    """Version headers on every response; body size and encoding checks before the app runs."""

    def __init__(self, app, headers: list[tuple[bytes, bytes]], max_body: int, discard_limit: int = 64 << 20,
                 body_timeout: float = 15.0):
        self.app = app
        self.headers = headers
        self.max_body = max_body
        self.discard_limit = discard_limit
        self.body_timeout = body_timeout

    async def _reply(self, send, status: int, code: str, message: str, close: bool = False) -> None:
        body = _error_bytes(code, message)
        extra = [(b"connection", b"close")] if close else []
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra,
            *self.headers]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = self.headers

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        if scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send_with_headers)

        declared = None
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    return await self._reply(send, 400, "bad_content_length", "Content-Length 无效")
        chunks, size, too_big = [], 0, declared is not None and declared > self.max_body
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.body_timeout
        while True:
            try:  # asyncio.timeout_at: no Task per message (wait_for wraps the coroutine in one)
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                return await self._reply(send, 408, "body_timeout",
                                         f"请求体未在 {self.body_timeout:g} 秒内传完, 连接已关闭", close=True)
            if message["type"] == "http.disconnect":
                return
            part = message.get("body", b"")
            size += len(part)
            if size > self.max_body:
                too_big = True
            if not too_big:
                chunks.append(part)
            if not message.get("more_body", False) or size > self.discard_limit:
                break
        if too_big:
            return await self._reply(send, 413, "payload_too_large",
                                     f"请求体超过 {self.max_body // 1024 // 1024} MiB 上限")
        body = b"".join(chunks)
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            return await self._reply(send, 400, "invalid_encoding", f"请求体须为 UTF-8 编码(第 {exc.start} 字节无效)")
        done = False

        async def replay():
            nonlocal done
            if not done:
                done = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send_with_headers)


def _header_timeout() -> float:
    import os

    try:
        value = float(os.environ.get("PENALTY_RULES_BODY_TIMEOUT", "15"))
    except ValueError:
        value = 15.0
    return value if value > 0 else 15.0


def http_protocol():
    """uvicorn's httptools protocol with a request-header timeout: a connection that has not sent
    complete request headers within PENALTY_RULES_BODY_TIMEOUT seconds (from connecting, or from
    the first byte of a later request on a kept-alive connection) is closed. uvicorn has no such
    timeout of its own; the body is bounded by BoundaryMiddleware. Returns "auto" without httptools."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # pragma: no cover - httptools is a dependency
        return "auto"

    class HeaderTimeoutProtocol(HttpToolsProtocol):
        timeout = _header_timeout()
        _header_timer = None

        def _arm(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(self.timeout, self._expire)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _expire(self) -> None:
            self._header_timer = None
            if not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

    return HeaderTimeoutProtocol
