"""POST /v1/evaluate without FastAPI's per-request machinery (issue 12, HTTP throughput).

FastAPI resolves the endpoint's dependencies (API key, query parameters) anew for every request;
on this service that costs more CPU than the evaluation itself. EvaluateFastPath is a pure ASGI
middleware placed inside BoundaryMiddleware (body size, UTF-8 and body timeout are checked first,
version headers added to the answer) that answers the common form of the request itself, with the
same steps in the same order as the FastAPI endpoint (service.app `evaluate`):

  API key (officer or above) → case_ref → Content-Type → [bounded pool: strict JSON reading,
  strict validation, evaluation, response body, masked audit row] → audit commit → 200.

Anything it does not recognise goes to the FastAPI endpoint unchanged, which answers exactly as
before: a missing, unknown or insufficient key (401/403 with WWW-Authenticate), query parameters
other than one `detail` (compact|full) and one `case_ref`, an invalid `detail`. Errors raised on
the way (ApiError, InvalidFacts, UnknownItem, AuditUnavailable, ...) are answered by the app's own
exception handlers, so the bodies and headers are the same. The response is sent only after the
audit record is committed (AuditRepository.commit), as on the FastAPI path.
"""

from urllib.parse import parse_qsl

from starlette.requests import ClientDisconnect, Request

from service.auth import HEADER

PATH = "/v1/evaluate"
_KEY_HEADER = HEADER.lower().encode("latin-1")
_DETAILS = {"compact": False, "full": True}


class EvaluateFastPath:
    def __init__(self, app, owner):
        self.app = app  # the rest of the FastAPI stack
        self.owner = owner  # the FastAPI application (state, exception handlers)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            return await self.app(scope, receive, send)
        state = self.owner.state
        keys = getattr(state, "keys", None)
        if keys is None:  # not started (lifespan): the endpoint answers as it would
            return await self.app(scope, receive, send)
        key = ctype = None
        for name, value in scope["headers"]:
            if name == _KEY_HEADER:
                if key is not None:  # repeated header: FastAPI's reading decides
                    return await self.app(scope, receive, send)
                key = value.decode("latin-1")
            elif name == b"content-type" and ctype is None:  # the first one, as request.headers.get
                ctype = value.decode("latin-1")
        principal = keys.lookup(key) if key else None
        if principal is None or not principal.allows("officer"):
            return await self.app(scope, receive, send)  # 401 / 403 from the dependency
        full, case_ref = False, None
        qs = scope.get("query_string") or b""
        if qs:
            seen = set()
            for name, value in parse_qsl(qs.decode("latin-1"), keep_blank_values=True):
                if name in seen or name not in ("detail", "case_ref"):
                    return await self.app(scope, receive, send)
                seen.add(name)
                if name == "detail":
                    if value not in _DETAILS:
                        return await self.app(scope, receive, send)  # 422 from FastAPI's validation
                    full = _DETAILS[value]
                else:
                    case_ref = value
        try:
            await self._evaluate(scope, receive, send, state, principal, full, case_ref, ctype)
        except Exception as exc:  # noqa: BLE001 - answered by the app's handler for it, else re-raised
            handler = self._handler(exc)
            if handler is None:
                raise
            response = await handler(Request(scope, receive), exc)
            await response(scope, receive, send)

    async def _evaluate(self, scope, receive, send, state, principal, full, case_ref, ctype) -> None:
        from service import app as service_app
        from service import handlers

        case_ref = handlers.check_case_ref(case_ref)
        service_app._check_json_type(ctype)
        raw = await _read_body(receive)
        ctx = state.ctx
        body, row = await state.pool.run(service_app._evaluate_raw_job, ctx, raw, principal, full, case_ref)
        await ctx.repo.commit([row], masked=True)  # 503 audit_timeout / audit_unavailable: not released
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-length", str(len(body)).encode("latin-1")), (b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    def _handler(self, exc: Exception):
        handlers = self.owner.exception_handlers
        for cls in type(exc).__mro__:
            if cls is Exception:  # 500: ServerErrorMiddleware (outside) answers and logs it
                return None
            if cls in handlers:
                return handlers[cls]
        return None


async def _read_body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":  # http.disconnect: nothing to answer
            raise ClientDisconnect()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)
