"""POST /v1/evaluate without FastAPI's per-request machinery (issue 12, HTTP throughput).

FastAPI resolves the endpoint's dependencies (API key, query parameters) anew for every request;
on this service that costs more CPU than the evaluation itself. EvaluateFastPath is a pure ASGI
middleware placed inside BoundaryMiddleware (body size, UTF-8 and body timeout are checked first,
version headers added to the answer) that answers the common form of the request itself through
service.app.answer_evaluate, the function the FastAPI endpoint (service.app `evaluate`) answers with:

  API key (officer or above) → case_ref → Content-Type → [bounded pool: strict JSON reading,
  strict validation, evaluation, response body, masked audit row] → audit commit → 200.

Anything it does not recognise goes to the FastAPI endpoint unchanged, which answers exactly as
before: a missing, unknown or insufficient key (401/403 with WWW-Authenticate), query parameters
other than one `detail` (compact|full) and one `case_ref`, an invalid `detail`, a query string that is
not percent-encoded UTF-8. Errors raised on
the way (ApiError, InvalidFacts, UnknownItem, AuditUnavailable, ...) are answered by the app's own
exception handlers, so the bodies and headers are the same. The response is sent only after the
audit record is committed (AuditRepository.commit), as on the FastAPI path.
"""

from urllib.parse import parse_qsl

from starlette.requests import Request

from service.auth import HEADER

PATH = "/v1/evaluate"
_KEY_HEADER = HEADER.lower().encode("latin-1")
_DETAILS = {"compact": False, "full": True}


class EvaluateFastPath:
    def __init__(self, app, owner, answer):
        self.app = app  # the rest of the FastAPI stack
        self.owner = owner  # the FastAPI application (state, exception handlers)
        self.answer = answer  # service.app.answer_evaluate: what the endpoint answers with

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
            try:  # percent-encoded UTF-8 only; else the endpoint refuses it (service.app.check_query)
                pairs = parse_qsl(qs.decode("ascii"), keep_blank_values=True, errors="strict")
            except UnicodeDecodeError:
                return await self.app(scope, receive, send)
            for name, value in pairs:
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
        body = await self.answer(state, principal, full, case_ref, ctype, Request(scope, receive).body)
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-length", str(len(body)).encode("latin-1")), (b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    def _handler(self, exc: Exception):
        """The app's handler for exc, looked up as Starlette's ExceptionMiddleware does (by class, most
        specific first; its own lookup is private)."""
        handlers = self.owner.exception_handlers
        for cls in type(exc).__mro__:
            if cls is Exception:  # 500: ServerErrorMiddleware (outside) answers and logs it
                return None
            if cls in handlers:
                return handlers[cls]
        return None

