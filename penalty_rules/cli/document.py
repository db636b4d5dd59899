"""`penalty-rules document DECISION.json`: draft the document an officer files for a decision
(不予行政处罚决定书, or the 从轻/减轻 section of a penalty decision) as DOCX or PDF.

DECISION.json is a decision as the API returns it: an evaluate response (or `check --json`
output: used as it is; it carries no facts, so the facts found come from --facts-found or are left
blank), or a stored decision record (GET /v1/decisions/{id}: its facts are evaluated again on its
decision date, and the outcome and item must match the record). Party details given here go into
the file only."""

from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from penalty_rules.cli.json_source import SourceProblem, read_json_object
from penalty_rules.documents import DecisionSource, DocumentNotApplicable, DocumentRequest, build_document
from penalty_rules.documents.build import decision_from_json

err = Console(stderr=True)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]{escape(message)}[/red]", soft_wrap=True, highlight=False)
    raise typer.Exit(code)


def _source(data: dict, engine_factory):
    """(DecisionSource, statute library or None)."""
    if "facts" in data and "decision_date" in data and "ruleset_version" in data and "basis" in data \
            and all(isinstance(b, str) for b in data["basis"]):  # a stored record (GET /v1/decisions/{id})
        from penalty_rules.errors import InvalidFacts, UnknownItem
        from penalty_rules.model.facts_json import validate_facts_value

        engine = engine_factory()
        try:
            facts = validate_facts_value({**data["facts"], "decision_date": data["decision_date"]})
            decision = engine.evaluate(facts)
        except (ValidationError, InvalidFacts, UnknownItem):
            _fail("决定记录中的事实按记录的决定日期已不能重新评估, 不能据此起草文书 [decision_not_reproducible]", 1)
        if decision.outcome != data.get("outcome") or decision.chosen_item != data.get("chosen_item"):
            _fail(f"按当前清单重算的结果({decision.outcome}, {decision.chosen_item})与记录"
                  f"({data.get('outcome')}, {data.get('chosen_item')})不同, 不能据此起草文书 [decision_not_reproducible]", 1)
        domain = data["facts"].get("domain")
        if domain is None and decision.chosen_item:
            refs = engine.corpus.item_refs(decision.chosen_item)
            domain = refs[0].item.domain if refs else None
        return DecisionSource(decision=decision, facts=data["facts"], decision_id=data.get("id"),
                              case_ref=data.get("case_ref"), domain=domain), engine.statutes
    try:
        decision = decision_from_json(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(顶层)"
        _fail(f"{where}: 不是 API 返回的决定(评估结果或决定记录) [{first['type']}]")
    domain = None
    if decision.chosen_item:  # the item's domain names the form (税务: 不予税务行政处罚决定书)
        from penalty_rules.config import Settings
        from penalty_rules.load.loader import load_corpus_strict

        try:
            refs = load_corpus_strict(Settings.from_env().lists_dir).item_refs(decision.chosen_item)
            domain = refs[0].item.domain if refs else None
        except Exception:  # noqa: BLE001 - the generic title is used; the lists are not needed otherwise
            domain = None
    return DecisionSource(decision=decision, decision_id=data.get("decision_id"), case_ref=data.get("case_ref"),
                          domain=domain), None


def document(
    source: str = typer.Argument(..., help="决定 JSON 文件(评估结果或 GET /v1/decisions/{id} 的决定记录), 或 - 表示标准输入"),
    fmt: str = typer.Option("docx", "--format", help="docx 或 pdf"),
    out: Path | None = typer.Option(None, "--out", help="输出文件; 缺省为当前目录下按文书和办案编号命名"),
    kind: str = typer.Option("auto", "--kind", help="auto、no_penalty(不予行政处罚决定书)或 leniency_section(从轻、减轻部分)"),
    party_name: str | None = typer.Option(None, "--party-name", help="当事人姓名或名称(只写入文书)"),
    party_address: str | None = typer.Option(None, "--party-address", help="当事人住所或住址"),
    party_kind: str | None = typer.Option(None, "--party-kind",
                                          help="当事人类型: individual(自然人)、individual_business(个体工商户)、entity(法人或其他组织); "
                                               "缺省按事实的 party_type"),
    party_id: str | None = typer.Option(None, "--party-id", help="公民身份号码或统一社会信用代码(只写入文书)"),
    legal_representative: str | None = typer.Option(None, "--legal-representative", help="法定代表人(负责人)"),
    case_ref: str | None = typer.Option(None, "--case-ref", help="办案编号"),
    agency: str | None = typer.Option(None, "--agency", help="作出决定的行政机关全称"),
    document_no: str | None = typer.Option(None, "--document-no", help="文号"),
    facts_found: str | None = typer.Option(None, "--facts-found", help="查明的事实"),
    evidence: list[str] = typer.Option([], "--evidence", help="证据(可重复)"),
    education: str | None = typer.Option(None, "--education", help="教育的方式和内容"),
    deadline: str | None = typer.Option(None, "--correction-deadline", help="责令改正期限 YYYY-MM-DD"),
    decision_date: str | None = typer.Option(None, "--decision-date", help="文书日期 YYYY-MM-DD"),
    review_body: str | None = typer.Option(None, "--review-body", help="行政复议机关"),
    court: str | None = typer.Option(None, "--court", help="管辖的人民法院"),
    discretion: bool = typer.Option(False, "--discretion-no-penalty", help="可以不予处罚时, 执法机关已决定不予处罚"),
    leniency_choice: str | None = typer.Option(None, "--leniency-choice",
                                               help="lighter_penalty(从轻)或 reduced_penalty(减轻): 法定幅度有两种时须选定"),
    on_the_spot: bool | None = typer.Option(None, "--on-the-spot/--not-on-the-spot",
                                            help="处罚决定是否当场作出(行政复议法第二十三条: 当场处罚须先申请行政复议)"),
) -> None:
    """起草文书: 不予行政处罚决定书, 或行政处罚决定书中从轻、减轻处罚的理由和依据(DOCX 或 PDF)。"""
    try:
        _, data = read_json_object(source, " JSON 对象(API 返回的决定)")
    except SourceProblem as exc:
        _fail(str(exc))
    party = {k: v for k, v in (("name", party_name), ("address", party_address), ("kind", party_kind),
                               ("id_number", party_id), ("legal_representative", legal_representative)) if v}
    fields = {"format": fmt, "kind": kind, "party": party or None, "case_ref": case_ref, "agency_name": agency,
              "document_no": document_no, "facts_found": facts_found, "evidence": evidence, "education": education,
              "correction_deadline": deadline, "decision_date": decision_date, "review_body": review_body,
              "court": court, "discretion_no_penalty": discretion, "leniency_choice": leniency_choice,
              "on_the_spot": on_the_spot}
    try:
        request = DocumentRequest.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        from penalty_rules.model.facts_json import validation_message_zh

        _fail("; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {validation_message_zh(e)} [{e['type']}]"
                        for e in exc.errors()))

    def engine_factory():
        from penalty_rules.engine.engine import Engine

        return Engine.from_settings(use_durable=False)

    src, statutes = _source(data, engine_factory)
    if statutes is None:
        from penalty_rules.config import Settings
        from penalty_rules.statutes import StatuteLibrary

        folder = Settings.from_env().statutes_dir
        statutes = StatuteLibrary(folder) if folder is not None and Path(folder).is_dir() else None
    try:
        draft = build_document(src, request, statutes)
    except DocumentNotApplicable as exc:
        _fail(f"{exc.field}: {exc.message} [{exc.code}]" if exc.field else f"{exc.message} [{exc.code}]", 1)
    if fmt == "pdf":
        from penalty_rules.documents.pdf import PdfRenderFailed, PdfRendererUnavailable, render_pdf

        try:
            content = render_pdf(draft)
        except (PdfRendererUnavailable, PdfRenderFailed) as exc:
            _fail(f"{exc} [{exc.code}]", 1)
    else:
        from penalty_rules.documents.docx import render_docx

        content = render_docx(draft)
    if out is None:
        ref = draft.case_ref or (draft.decision_id or "decision")[:8]
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in ref)
        out = Path(f"{'no-penalty' if draft.kind == 'no_penalty' else 'leniency-section'}-{safe}.{fmt}")
    out.write_bytes(content)
    print(f"已写入 {out}: {draft.title}({len(content)} 字节)")
    if draft.flags:
        err.print(f"[yellow]须补充或核对 {len(draft.flags)} 处(也列在文书末尾):[/yellow]", highlight=False)
        for f in draft.flags:
            err.print(escape(f"  - [{f.code}] {f.message_zh}"), highlight=False, soft_wrap=True)
