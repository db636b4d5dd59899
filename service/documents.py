"""POST /v1/decisions/{decision_id}/document: draft the document an officer files for a recorded
decision (不予行政处罚决定书, or the 从轻/减轻 section of a penalty decision) as DOCX or PDF.

The recorded facts are evaluated again on the recorded decision date to obtain the full decision
(basis with article texts, leniency, measures, trace); if that no longer gives the recorded outcome
and item, the document is refused (409 decision_not_reproducible: see replay). What the officer
fills in (party, evidence, …) is used for the document only: this route writes no audit row and
logs nothing of the request."""

import json
import re
from typing import Annotated
from urllib.parse import quote

from fastapi import FastAPI, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError

from penalty_rules.documents import DecisionSource, DocumentNotApplicable, DocumentRequest, build_document
from penalty_rules.documents.model import Flag
from penalty_rules.errors import InvalidFacts, UnknownItem
from penalty_rules.model.facts_json import locate_lone_surrogate, validate_facts_value
from service.errors import ApiError, invalid

_HEADER_FLAGS = re.compile(r"[^a-z0-9_,]")
# a request field a 409 names → 422 instead (the request itself is wrong, not the decision's outcome)
_REQUEST_ERRORS = {"leniency_choice_out_of_range", "document_date_before_decision",
                   "correction_deadline_not_after_document"}


def _forbidden_record(principal, row: dict) -> bool:
    """Officers draft documents for the decisions made with their own key; reviewers and admins for any."""
    return not principal.allows("reviewer") and row.get("api_key") != principal.name


def draft(ctx, decision_id: str, request: DocumentRequest, principal):
    row = ctx.repo.get(decision_id)
    if row is None:
        raise ApiError(404, "unknown_decision", f"未找到决定记录 {decision_id}", field="decision_id")
    if _forbidden_record(principal, row):
        raise ApiError(403, "forbidden", "执法人员只能为本人密钥作出的决定起草文书; 其他决定须法制审核(reviewer)及以上权限",
                       field="decision_id")
    stored = json.loads(row["facts"]) if isinstance(row["facts"], str) else dict(row["facts"])
    facts_json = {**stored, "decision_date": row["decision_date"]}
    gone = ApiError(409, "decision_not_reproducible",
                    "按记录的事实和决定日期已不能重算出该决定(清单或规则已变化), 不能据此起草文书; "
                    "请用 POST /v1/decisions/{id}/replay 查看变化后重新评估", field="decision_id")
    try:
        decision = ctx.engine.evaluate(validate_facts_value(facts_json))
    except (ValidationError, InvalidFacts, UnknownItem):
        raise gone from None
    if decision.outcome != row["outcome"] or decision.chosen_item != row["chosen_item"]:
        raise gone
    notes = []
    recorded = str(row["decision_date"])[:10]
    if request.decision_date is not None and request.decision_date.isoformat() != recorded:
        if request.decision_date.isoformat() < recorded:
            raise ApiError(422, "document_date_before_decision",
                           f"文书日期 {request.decision_date.isoformat()} 早于决定日期 {recorded}: 文书日期不能早于决定日期",
                           field="decision_date")
        # the document's date is the decision's date in law: evaluate the facts again on it, so the
        # grounds and the remedies are read for the same day
        try:
            redone = ctx.engine.evaluate(validate_facts_value({**facts_json, "decision_date": request.decision_date.isoformat()}))
        except (ValidationError, InvalidFacts, UnknownItem):
            redone = None
        if redone is None or redone.outcome != decision.outcome or redone.chosen_item != decision.chosen_item:
            raise ApiError(409, "document_date_changes_decision",
                           f"按文书日期 {request.decision_date.isoformat()} 重新评估, 结果或适用条目与决定日期 {recorded} 的不同"
                           "(法律或清单在两日之间有变化): 请按文书日期重新评估后起草", field="decision_date")
        decision = redone
        notes.append(Flag(code="document_date_reevaluated", field="decision_date",
                          message_zh=f"文书日期 {request.decision_date.isoformat()} 晚于决定日期 {recorded}: 已按文书日期重新评估"
                                     "(结果和适用条目相同), 依据和救济途径均按文书日期"))
    if row.get("ruleset_version") != ctx.ruleset_version:
        notes.append(Flag(code="ruleset_changed", field="decision_id",
                          message_zh=f"决定记录的规则集为 {row.get('ruleset_version')}, 文书按当前规则集 "
                                     f"{ctx.ruleset_version} 重算(结果和适用条目相同), 依据请核对"))
    domain = stored.get("domain")
    if domain is None and decision.chosen_item:
        refs = ctx.corpus.item_refs(decision.chosen_item)
        domain = refs[0].item.domain if refs else None
    source = DecisionSource(decision=decision, facts=stored, decision_id=decision_id,
                            case_ref=row.get("case_ref"), domain=domain, notes=notes)
    try:
        return build_document(source, request, ctx.engine.statutes)
    except DocumentNotApplicable as exc:
        status = 422 if exc.code in _REQUEST_ERRORS else 409
        raise ApiError(status, exc.code, exc.message, field=exc.field) from None


def filename(draft_doc, fmt: str) -> tuple[str, str]:
    """(ASCII fallback, UTF-8 name) for Content-Disposition."""
    ref = draft_doc.case_ref or (draft_doc.decision_id or "decision")[:8]
    ascii_ref = re.sub(r"[^A-Za-z0-9._-]", "_", ref)[:64] or "decision"
    kind = "no-penalty" if draft_doc.kind == "no_penalty" else "leniency-section"
    name = re.sub(r'[\\/:*?"<>|\r\n]', "_", f"{draft_doc.title}-{ref}")[:120]
    return f"{kind}-{ascii_ref}.{fmt}", f"{name}.{fmt}"


async def render(draft_doc, fmt: str) -> tuple[bytes, str]:
    if fmt == "pdf":
        from penalty_rules.documents.pdf import CONTENT_TYPE, PdfRenderFailed, PdfRendererUnavailable, render_pdf

        try:
            return await run_in_threadpool(render_pdf, draft_doc), CONTENT_TYPE
        except PdfRendererUnavailable as exc:
            raise ApiError(503, exc.code, str(exc), field="format") from None
        except PdfRenderFailed as exc:
            raise ApiError(503, exc.code, str(exc), field="format") from None
    from penalty_rules.documents.docx import CONTENT_TYPE, render_docx

    return await run_in_threadpool(render_docx, draft_doc), CONTENT_TYPE


def add_document_routes(app: FastAPI, officer_dependency, json_body) -> None:
    """Registered by service.app (officer_dependency: its Officer; json_body: its strict body reader)."""
    from service import schemas as s

    err = {"model": s.ErrorResponse}
    doc_id = Annotated[str, Path(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                                 description="决定编号(uuid4)")]
    base = app.openapi

    def openapi() -> dict:  # the request body's schema (and Party) in the components
        if app.openapi_schema:
            return app.openapi_schema
        spec = base()
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        js = DocumentRequest.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in js.pop("$defs", {}).items():
            schemas.setdefault(name, sub)
        schemas["DocumentRequest"] = js
        return spec

    app.openapi = openapi
    schema = {"$ref": "#/components/schemas/DocumentRequest"}

    @app.post(
        "/v1/decisions/{decision_id}/document", tags=["decisions"], response_model=None,
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}},
        responses={
            200: {"description": "文书文件(DOCX 或 PDF)", "content": {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
                "application/pdf": {}}},
            403: {**err, "description": "执法人员只能为本人的决定起草文书"},
            404: {**err, "description": "未找到决定记录"},
            409: {**err, "description": "决定的结果不适用所请求的文书(如依法处罚、尚不能确定), 或已不能重算"},
            415: err, 422: err,
            503: {**err, "description": "PDF 渲染程序(Chromium)不可用"},
        })
    async def decision_document(request: Request, principal: officer_dependency, decision_id: doc_id) -> Response:
        """起草文书: 不予处罚(或执法机关决定不予处罚的可以不予处罚)→ 不予行政处罚决定书; 从轻、减轻处罚 →
        行政处罚决定书中从轻、减轻处罚的理由和依据部分。依据及条文原文、责令改正、教育和救济途径(行政复议、
        行政诉讼及其期限, 期限读自法规文本库)由决定生成; 当事人、证据等由执法人员在请求中填写, 只写入文书,
        不写入审计记录, 不记入日志。缺少的内容在文书中留空并列于文末“起草提示”(响应头 X-Document-Flags)。
        执法人员可为本人密钥作出的决定起草, 法制审核及以上可为任何决定起草。"""
        raw, data = await json_body(request)
        try:
            req = DocumentRequest.model_validate_json(raw, strict=True)
        except ValidationError as exc:
            raise invalid(locate_lone_surrogate(exc, data).errors()) from None
        ctx = request.app.state.ctx
        draft_doc = await run_in_threadpool(draft, ctx, decision_id, req, principal)
        content, media = await render(draft_doc, req.format)
        ascii_name, name = filename(draft_doc, req.format)
        flags = _HEADER_FLAGS.sub("", ",".join(f.code for f in draft_doc.flags))
        return Response(content, media_type=media, headers={
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
            "X-Document-Kind": draft_doc.kind,
            "X-Document-Flags": flags,
            "Cache-Control": "no-store",
        })
