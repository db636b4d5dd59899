"""Errors at the HTTP boundary: every failure is a JSON body
{"error": {"code": <English>, "message_zh": <Chinese>, "details": [{field, code, message_zh}], ...}}.

The BoundaryMiddleware (pure ASGI) adds the version headers to every response and, before the app
sees a body, refuses bodies over 1 MiB (413) and bodies that are not UTF-8 (400).
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from penalty_rules.errors import InvalidFacts, UnknownItem

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


_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段(未知字段, 请检查拼写)",
    "string_type": "须为字符串",
    "int_type": "须为整数",
    "int_parsing": "须为整数",
    "int_from_float": "须为整数",
    "float_type": "须为数字",
    "float_parsing": "须为数字",
    "finite_number": "须为有限的数字",
    "bool_type": "须为 true 或 false",
    "bool_parsing": "须为 true 或 false",
    "date_type": "须为 YYYY-MM-DD 格式的日期",
    "date_parsing": "须为 YYYY-MM-DD 格式的日期",
    "date_from_datetime_parsing": "须为 YYYY-MM-DD 格式的日期",
    "date_from_datetime_inexact": "须为日期, 不能带时间",
    "datetime_type": "须为 ISO 8601 格式的时间",
    "datetime_parsing": "须为 ISO 8601 格式的时间",
    "datetime_from_date_parsing": "须为 ISO 8601 格式的日期或时间",
    "list_type": "须为数组",
    "dict_type": "须为对象",
    "model_type": "须为对象",
    "model_attributes_type": "须为 JSON 对象",
    "json_invalid": "JSON 格式错误",
    "json_type": "须为 JSON",
    "uuid_parsing": "须为 UUID",
    "uuid_type": "须为 UUID",
}


def _message(err: dict) -> str:
    t, ctx = err.get("type", ""), err.get("ctx") or {}
    if t in _MESSAGES:
        return _MESSAGES[t]
    if t == "enum" or t == "literal_error":
        return f"取值须为以下之一: {ctx.get('expected', '')}"
    if t in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return f"不得小于{'' if t == 'greater_than_equal' else '等于'} {bound}"
    if t in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return f"不得大于{'' if t == 'less_than_equal' else '等于'} {bound}"
    if t == "string_too_long":
        return f"长度不得超过 {ctx.get('max_length')} 个字符"
    if t == "string_too_short":
        return f"长度不得少于 {ctx.get('min_length')} 个字符"
    if t == "too_long":
        return f"至多 {ctx.get('max_length')} 项"
    if t == "too_short":
        return f"至少 {ctx.get('min_length')} 项"
    if t == "string_pattern_mismatch":
        return f"格式不符(须匹配 {ctx.get('pattern')})"
    if t == "value_error":
        return str(ctx.get("error") or err.get("msg", "")).removeprefix("Value error, ")
    return f"取值无效 ({err.get('msg', t)})"


def field_path(loc, prefix: str | None = None) -> str:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    out = prefix or ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out or (prefix or "body")


def validation_details(errors, prefix: str | None = None) -> list[dict]:
    from service.schemas import ErrorDetail

    return [ErrorDetail(field=field_path(e.get("loc", ()), prefix), code=e.get("type", "invalid"),
                        message_zh=_message(e)).model_dump() for e in errors]


def _json(status: int, body: dict, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


_HTTP_CODES = {
    400: ("bad_request", "请求无效"),
    401: ("unauthorized", "需要 API 密钥"),
    403: ("forbidden", "无权访问"),
    404: ("not_found", "未找到该路径"),
    405: ("method_not_allowed", "不支持该请求方法"),
    406: ("not_acceptable", "不支持所请求的响应格式"),
    413: ("payload_too_large", "请求体超过 1 MiB"),
    415: ("unsupported_media_type", "不支持的内容类型"),
}


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        bad_json = [e for e in errors if e.get("type") == "json_invalid"]
        if bad_json:
            e = bad_json[0]
            pos = (e.get("ctx") or {}).get("error", "")
            detail = {"field": "body", "code": "malformed_json", "message_zh": f"请求体不是有效的 JSON: {pos}"}
            return _json(400, {"error": {"code": "malformed_json", "message_zh": "请求体不是有效的 JSON",
                                         "details": [detail]}})
        return _json(422, {"error": {"code": "validation_error", "message_zh": "请求数据不符合要求",
                                     "details": validation_details(errors)}})

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
        return _json(503, {"error": {"code": "audit_unavailable",
                                     "message_zh": "审计记录未能保存, 决定未发出, 请稍后重试", "details": []}},
                     {"Retry-After": "1"})

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):  # must never be hit in tests
        log.exception("未处理的错误: %s %s", request.method, request.url.path)
        return _json(500, {"error": {"code": "internal_error", "message_zh": "服务器内部错误", "details": []}})


def _error_bytes(code: str, message: str) -> bytes:
    import json

    return json.dumps({"error": {"code": code, "message_zh": message, "details": [
        {"field": "body", "code": code, "message_zh": message}]}}, ensure_ascii=False).encode("utf-8")


class BoundaryMiddleware:
    """Version headers on every response; body size and encoding checks before the app runs."""

    def __init__(self, app, headers: list[tuple[bytes, bytes]], max_body: int, discard_limit: int = 64 << 20):
        self.app = app
        self.headers = headers
        self.max_body = max_body
        self.discard_limit = discard_limit

    async def _reply(self, send, status: int, code: str, message: str) -> None:
        body = _error_bytes(code, message)
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *self.headers]})
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
        while True:
            message = await receive()
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
