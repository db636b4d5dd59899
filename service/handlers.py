"""Pure handler functions: inputs and a Context in, response models (and audit rows) out.

No FastAPI here; the web layer (service.app) only parses, authorises, submits audit rows and
waits for their commit before it answers.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import ValidationError

from penalty_rules import ENGINE_VERSION
from penalty_rules.errors import InvalidFacts, UnknownItem, UnknownListVersion
from penalty_rules.explain.questions import answer_spec, question_for
from penalty_rules.model.decision import Decision
from penalty_rules.model.facts import CaseFacts
from penalty_rules.model.facts_json import validate_facts_value
from penalty_rules.model.outcome import outcome_zh
from service import schemas as s
from service.audit import AuditRepository, DecisionQuery, dumps, utc_now
from service.errors import ApiError, cap_details, error_code, validation_details


@dataclass
class Context:
    engine: object  # penalty_rules.engine.engine.Engine
    repo: AuditRepository
    ruleset_version: str
    engine_version: str = ENGINE_VERSION
    audit_backend: str = "sqlite"
    audit_mode: str = "group"
    matcher: str = "reference"

    @property
    def corpus(self):
        return self.engine.corpus


# ------------------------------------------------------------------------------- evaluate
def _response(ctx: Context, decision: Decision, decision_id: str, at: str, full: bool,
              case_ref: str | None = None) -> s.EvaluateResponse:
    return s.EvaluateResponse(
        decision_id=decision_id,
        recorded_at=at,
        case_ref=case_ref,
        outcome=decision.outcome,
        outcome_zh=decision.outcome_zh,
        possible_outcomes=decision.possible_outcomes,
        leniency=decision.leniency,
        if_declined=decision.if_declined,
        chosen_item=decision.chosen_item,
        chosen_rule=decision.chosen_rule,
        decided_by=decision.decided_by,
        basis=decision.basis,
        measures=decision.measures,
        missing_facts=decision.missing_facts,
        next_question=decision.next_question,
        warnings=decision.warnings,
        summary=decision.summary,
        ruleset_version=ctx.ruleset_version,
        trace=decision.trace if full else None,
        items=decision.items if full else None,
    )


def _row(ctx, facts: CaseFacts, decision: Decision, decision_id: str, at: str, principal, kind="evaluate",
         batch_id=None, batch_index=None, case_ref: str | None = None) -> dict:
    """The audit row as stored: free text in the facts masked here (AuditRepository.mask_value),
    where the evaluation runs (the pool), without a second JSON round trip; commit it with
    masked=True."""
    stored = facts.model_dump(mode="json", exclude_none=True)
    decision_date = decision.trace.decision_date if decision.trace else (facts.decision_date or date.today()).isoformat()
    stored.setdefault("decision_date", decision_date)  # replay needs the date actually used
    stored = ctx.repo.mask_value(stored)
    return {
        "id": decision_id,
        "created_at": at,
        "kind": kind,
        "batch_id": batch_id,
        "batch_index": batch_index,
        "requested_item": facts.item_id,
        "chosen_item": decision.chosen_item,
        "outcome": decision.outcome,
        "items": dumps(list(dict.fromkeys(i.id for i in decision.items))),
        "basis": dumps([b.label for b in decision.basis]),
        "facts": dumps(stored),
        "rulesets": dumps(decision.rulesets),
        "ruleset_version": ctx.ruleset_version,
        "engine_version": decision.engine_version or ctx.engine_version,
        "trace_version": decision.trace_version,
        "decision_date": decision_date,
        "api_key": principal.name if principal else None,
        "case_ref": case_ref,
        "decided_by": decision.decided_by,
        "decided_by_source": "engine",
    }


CASE_REF_MAX = 64
_CASE_REF_BAD = set(chr(c) for c in range(32)) | {"\x7f", "\u2028", "\u2029"}


def check_case_ref(value, field: str = "case_ref", salt: str = "") -> str | None:
    """The officer's case reference (办案编号): optional text of 1–64 characters without control
    characters or surrounding blanks, and without personal data (an ID card or phone number, a
    name after 姓名:): it is stored unmasked so that reviewers can search it, so such text is
    refused rather than stored."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(422, "case_ref_type", "办案编号须为字符串", field=field)
    if not value or len(value) > CASE_REF_MAX:
        raise ApiError(422, "case_ref_length", f"办案编号须为 1 至 {CASE_REF_MAX} 个字符", field=field)
    if value != value.strip() or any(c in _CASE_REF_BAD for c in value):
        raise ApiError(422, "case_ref_characters", "办案编号不得含控制字符、换行或首尾空白", field=field)
    if any(c == "\ufffd" or "\ud800" <= c <= "\udfff" for c in value):  # garbled text, not a reference
        raise ApiError(422, "case_ref_characters",
                       "办案编号含有无效字符(编码错误留下的替换字符 U+FFFD 或单独的代理字符), 请按 UTF-8 重新填写", field=field)
    from service import privacy

    if privacy.mask_text(value, salt) != value:
        raise ApiError(422, "case_ref_personal_data",
                       "办案编号中含有疑似个人信息(身份证号、手机号、姓名等), 请只填写办案编号", field=field)
    return value


def evaluate(ctx: Context, facts: CaseFacts, principal=None, full: bool = False,
             case_ref: str | None = None) -> tuple[s.EvaluateResponse, dict]:
    """One case → (response, audit row, its facts masked: _row). Raises InvalidFacts / UnknownItem."""
    decision = ctx.engine.evaluate(facts)
    decision_id, at = str(uuid.uuid4()), utc_now()
    return (_response(ctx, decision, decision_id, at, full, case_ref),
            _row(ctx, facts, decision, decision_id, at, principal, case_ref=case_ref))


def batch_limit_error(count: int, limit: int, full: bool = False) -> ApiError:
    what = f"detail=full 时批量评估每次至多 {limit} 个案件" if full else f"批量评估每次至多 {limit} 个案件"
    return ApiError(413, "batch_too_large", f"{what}, 本次提交了 {count} 个", field="cases", limit=limit)


def evaluate_batch(ctx: Context, request, principal=None, full: bool = False, limit: int = 1000,
                   case_refs: list | None = None) -> tuple[s.BatchResponse, list[dict]]:
    """`request`: a BatchRequest or the list of cases as read by load_json_strict; each case is
    validated strictly on its own (validate_facts_value). `case_refs`, when given, are checked by
    the caller (check_case_refs) and aligned with the cases. The rows' facts are masked (_row)."""
    if isinstance(request, s.BatchRequest):
        cases, case_refs = request.cases, request.case_refs
    else:
        cases = list(request)
    refs = case_refs if case_refs is not None else [None] * len(cases)
    if len(cases) > limit:
        raise batch_limit_error(len(cases), limit, full)
    batch_id = str(uuid.uuid4())
    results, rows = [], []
    for i, case in enumerate(cases):
        try:
            facts = validate_facts_value(case)
            decision = ctx.engine.evaluate(facts)
        except ValidationError as exc:
            details = validation_details(exc.errors(), prefix=f"cases[{i}]")
            code, message = error_code(details, message=f"第 {i + 1} 个案件(cases[{i}])的事实不符合要求")
            if code != "validation_error":  # a lone error with its own code: its message, said of which case
                message = f"第 {i + 1} 个案件(cases[{i}]): {message}"
            results.append(s.BatchResult(index=i, ok=False, error=s.ErrorBody(
                **cap_details({"code": code, "message_zh": message, "details": details}))))
            continue
        except InvalidFacts as exc:
            results.append(s.BatchResult(index=i, ok=False, error=s.ErrorBody(
                code=exc.code, message_zh=f"第 {i + 1} 个案件(cases[{i}]): {exc.message}",
                details=[s.ErrorDetail(field=f"cases[{i}].{exc.field}", code=exc.code, message_zh=exc.message)])))
            continue
        except UnknownItem as exc:
            results.append(s.BatchResult(index=i, ok=False, error=s.ErrorBody(
                code="unknown_item", message_zh=str(exc), close_matches=exc.close_matches,
                details=[s.ErrorDetail(field=f"cases[{i}].item_id", code="unknown_item", message_zh=str(exc))])))
            continue
        decision_id, at = str(uuid.uuid4()), utc_now()
        results.append(s.BatchResult(index=i, ok=True,
                                     decision=_response(ctx, decision, decision_id, at, full, refs[i])))
        rows.append(_row(ctx, facts, decision, decision_id, at, principal, "batch", batch_id, i, refs[i]))
    ok = sum(1 for r in results if r.ok)
    resp = s.BatchResponse(batch_id=batch_id, count=len(results), ok_count=ok, error_count=len(results) - ok,
                           results=results)
    return resp, rows


def check_case_refs(value, count: int, salt: str = "") -> list | None:
    """The batch's optional `case_refs`: a list as long as `cases`, each a case reference or null."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise ApiError(422, "case_refs_type", "case_refs 须为与 cases 等长的数组(元素为办案编号或 null)",
                       field="case_refs")
    if len(value) != count:
        raise ApiError(422, "case_refs_length",
                       f"case_refs 须与 cases 等长: cases 有 {count} 个, case_refs 有 {len(value)} 个", field="case_refs")
    return [check_case_ref(v, f"case_refs[{i}]", salt) for i, v in enumerate(value)]


# ------------------------------------------------------------------------------- items
def _check_domain(ctx: Context, domain: str | None, field: str = "domain") -> None:
    if domain is not None and ctx.corpus.registry.domain(domain) is None:
        raise ApiError(422, "unknown_domain", f"未知的执法领域代码 {domain!r}", field=field)


def search(ctx: Context, q: str, domain: str | None, jurisdiction: str | None, as_of: date | None,
           limit: int = 10) -> s.SearchResponse:
    _check_domain(ctx, domain)
    stack = None
    if jurisdiction is not None:
        if ctx.corpus.registry.jurisdiction(jurisdiction) is None and jurisdiction != "CN":
            raise ApiError(422, "unknown_jurisdiction", f"不支持的行政区划代码 {jurisdiction}", field="jurisdiction")
        stack = ctx.corpus.registry.stack(jurisdiction) if jurisdiction != "CN" else ["CN"]
    hits = ctx.engine.search.search(q, domain=domain, jurisdictions=stack, as_of=as_of, limit=limit)
    out = [
        s.SearchHit(
            id=h.ref.item.id, list=h.ref.document.id, version=h.ref.document.version,
            jurisdiction=h.ref.document.jurisdiction, binding=h.ref.document.binding_level,
            domain=h.ref.item.domain, outcome=h.ref.item.outcome.value, violation=h.ref.item.violation,
            score=round(h.score, 4),
        )
        for h in hits
    ]
    return s.SearchResponse(query=q, count=len(out), hits=out)


def ranked_search(ctx: Context, q: str, jurisdiction: str, domain: str | None, limit: int) -> s.RankedSearchResponse:
    """Items for a conduct text, the binding items of the jurisdiction's stack first."""
    _check_domain(ctx, domain)
    if ctx.corpus.registry.jurisdiction(jurisdiction) is None:
        raise ApiError(422, "unknown_jurisdiction", f"不支持的行政区划代码 {jurisdiction}", field="jurisdiction")
    stack = ctx.corpus.registry.stack(jurisdiction)
    hits = ctx.engine.search.search(q, domain=domain, prefer=stack, limit=limit)
    out = [
        s.RankedItem(
            id=h.ref.item.id, violation=h.ref.item.violation, list=h.ref.document.id,
            list_title=h.ref.document.title, version=h.ref.document.version,
            jurisdiction=h.ref.document.jurisdiction, binding=h.binding_in(stack), domain=h.ref.item.domain,
            outcome=h.ref.item.outcome.value, score=round(h.score, 4),
        )
        for h in hits
    ]
    return s.RankedSearchResponse(query=q, jurisdiction=jurisdiction, count=len(out), hits=out)


def _refs_or_404(ctx: Context, item_id: str):
    refs = ctx.corpus.item_refs(item_id)
    if not refs:
        import difflib

        raise UnknownItem(item_id, difflib.get_close_matches(item_id, ctx.corpus.item_ids(), n=5, cutoff=0.6))
    return refs


def get_item(ctx: Context, item_id: str, as_of: date | None = None) -> s.ItemResponse:
    refs = _refs_or_404(ctx, item_id)
    corpus, on = ctx.corpus, as_of or date.today()
    latest = corpus.latest(item_id)
    versions = []
    for ref in sorted(refs, key=lambda r: (r.document.id, r.document.start or date.min, r.document.version)):
        doc = ref.document
        versions.append(s.ItemVersion(
            list=doc.id, version=doc.version, key=doc.key, status=doc.status.value, level=doc.level.value,
            jurisdiction=doc.jurisdiction, locality=doc.locality, binding=doc.binding_level,
            in_force=corpus.in_force(doc.id, on) is doc, effective_from=doc.effective_from,
            effective_to=doc.effective_to, hash=corpus.hashes.get(doc.key, ""),
        ))
    item, doc = latest.item, latest.document
    statutes = ctx.engine.statutes
    citations = []
    for role, cits in (("violated", item.violated), ("penalty", item.penalty_basis), ("exemption", item.exemption_basis)):
        for c in cits:
            text = None
            if statutes is not None and c.article is not None:
                try:
                    text = statutes.article_text(c, on)
                except Exception:  # a statute look-up never breaks the item view
                    text = None
            citations.append(s.CitedArticle(role=role, citation=c, label=c.label(), text=text))
    domain = corpus.registry.domain(item.domain)
    return s.ItemResponse(
        id=item.id, list=doc.key, list_version=doc.version, binding=doc.binding_level,
        in_force=corpus.in_force(doc.id, on) is doc, domain_zh=domain.zh if domain else None,
        outcome_zh=item.outcome.zh, item=item, versions=versions, citations=citations,
        statutes_configured=statutes is not None,
    )


_HISTORY_FACTS = {"first_offense", "prior_offenses"}


def questions(ctx: Context, item_id: str, as_of: date | None = None) -> s.QuestionsResponse:
    """The item's facts as questions, in asking order: `all` conditions, any_of bundles, then 首违
    history. Derived from the engine: evaluate the item with empty facts, read missing_facts (and
    the item's trace for the condition groups)."""
    _refs_or_404(ctx, item_id)
    corpus = ctx.corpus
    latest = corpus.latest(item_id)
    on = as_of or date.today()
    doc = latest.document
    if corpus.in_force(doc.id, on) is not doc and doc.start is not None and doc.binding_level:
        on = max(doc.start, date(1990, 1, 1))  # ask about the version the officer would apply
    decision = ctx.engine.evaluate(CaseFacts(item_id=item_id, decision_date=on))
    rule = next((r for r in decision.trace.rules if r.kind == "item" and r.rule == item_id), None)
    # where each fact sits in the item's conditions: (group rank, bundle, position)
    place: dict[str, tuple[int, int | None, int]] = {}
    labels: dict[str, tuple[str, str]] = {}
    for pos, cond in enumerate(rule.conditions if rule else []):
        for fact in cond.facts_used or {cond.key: None}:
            group = 2 if fact in _HISTORY_FACTS else (0 if cond.bundle is None else 1)
            place.setdefault(fact, (group, cond.bundle, pos))
            labels.setdefault(fact, (cond.key, cond.label))
    asked: list[tuple[str, str]] = [(m.fact, m.question) for m in decision.missing_facts if item_id in m.needed_by]
    if not asked and rule is not None:  # a non-binding (analogue) item: the engine does not ask for it
        for cond in rule.conditions:
            if cond.status != "unknown":
                continue
            for fact in cond.facts_used or {cond.key: None}:
                if fact not in [f for f, _ in asked]:
                    asked.append((fact, question_for(fact, cond.key, cond.label)))
    def order(entry):
        fact = entry[0]
        group, bundle, pos = place.get(fact, (2 if fact in _HISTORY_FACTS else 3, None, 10_000))
        return (group, pos)
    out = []
    for n, (fact, question) in enumerate(sorted(asked, key=order), start=1):
        group, bundle, _ = place.get(fact, (2 if fact in _HISTORY_FACTS else 3, None, 0))
        out.append(s.Question(order=n, fact=fact, question=question,
                              group=("all", "any_of", "history", "other")[group], bundle=bundle,
                              **answer_spec(fact)))  # the answer model of the evaluate response's questions
    return s.QuestionsResponse(item_id=item_id, list=doc.key, as_of=on, questions=out)


def domains(ctx: Context) -> s.DomainsResponse:
    reg = ctx.corpus.registry
    return s.DomainsResponse(domains=reg.domains, jurisdictions=reg.jurisdictions)


def lists(ctx: Context) -> s.ListsResponse:
    corpus, today = ctx.corpus, date.today()
    out = []
    for doc_id in corpus.document_ids():
        versions = corpus.versions(doc_id)
        head = versions[-1]
        out.append(s.ListSummary(
            id=doc_id, title=head.title, issuer=head.issuer, level=head.level.value,
            jurisdiction=head.jurisdiction, locality=head.locality,
            versions=[s.ListVersionSummary(
                key=d.key, version=d.version, status=d.status.value, effective_from=d.effective_from,
                effective_to=d.effective_to, published_on=d.published_on,
                in_force_today=corpus.in_force(doc_id, today) is d, items=len(d.items),
                hash=corpus.hashes.get(d.key, ""),
            ) for d in versions],
        ))
    return s.ListsResponse(count=len(out), lists=out)


def list_version(ctx: Context, doc_id: str, version: str) -> s.ListVersionResponse:
    corpus = ctx.corpus
    key = f"{doc_id}@{version}"
    doc = corpus.document(key)
    if doc is None:
        import difflib

        keys = sorted(d.key for d in corpus.documents)
        versions = [d.key for d in corpus.versions(doc_id)]
        close = difflib.get_close_matches(key, keys, n=5, cutoff=0.5) or versions
        # the path parameter at fault: the version of a known list, else the list
        raise ApiError(404, "unknown_list_version", f"未找到清单版本 {key}", field="version" if versions else "list_id",
                       close_matches=close)
    return s.ListVersionResponse(
        key=key, hash=corpus.hashes.get(key, ""), binding=doc.binding_level,
        in_force_today=corpus.in_force(doc_id, date.today()) is doc, ends=corpus.end_of(doc), document=doc,
    )


def list_diff(ctx: Context, a: str, b: str):
    try:
        from penalty_rules.report import diff as diff_mod  # written by another helper; imported lazily
    except ImportError:
        raise ApiError(503, "diff_unavailable", "版本比较模块尚不可用") from None
    try:
        result = diff_mod.diff(ctx.corpus, a, b)
    except UnknownListVersion as exc:
        close = getattr(exc, "close_matches", None)
        field = "from" if exc.key == a else "to"
        raise ApiError(404, "unknown_list_version", f"未找到清单版本 {exc.key}", field=field,
                       close_matches=close) from None
    return result.model_dump(mode="json") if hasattr(result, "model_dump") else result


# ------------------------------------------------------------------------------- decisions
def _record_out(row: dict) -> s.DecisionRecordOut:
    return s.DecisionRecordOut(**{
        **row,
        "items": json.loads(row["items"]),
        "basis": json.loads(row["basis"]),
        "facts": json.loads(row["facts"]),
        "rulesets": json.loads(row["rulesets"]),
    })


def get_decision(ctx: Context, decision_id: str) -> s.DecisionRecordOut:
    row = ctx.repo.get(decision_id)
    if row is None:
        raise ApiError(404, "unknown_decision", f"未找到决定记录 {decision_id}", field="decision_id")
    return _record_out(row)


def list_decisions(ctx: Context, q: DecisionQuery) -> s.DecisionsPage:
    total, rows = ctx.repo.query(q)
    return s.DecisionsPage(total=total, limit=q.limit, offset=q.offset, decisions=[_record_out(r) for r in rows])



def _replay_date(ctx: Context, record: s.DecisionRecordOut, as_of: date | None, list_version: str) -> date:
    """The decision date under which `list_version` is the version in force: as_of (which must lie
    in the version's period), else the original decision date moved into that period."""
    corpus = ctx.corpus
    doc = corpus.document(list_version)
    statutory_ids = {v.id for v in corpus.statutory.versions} if corpus.statutory is not None else set()
    if doc is None and list_version.split("@", 1)[0] in statutory_ids | {"special-laws"}:
        # the record's rulesets name the statutory versions too (xzcf@2017): which text applies follows from the
        # act and decision dates (行政处罚法第三十七条), it cannot be chosen
        raise ApiError(422, "statutory_version_not_selectable",
                       f"{list_version} 是法律文本或单行法规则的版本, 适用哪一版本由违法行为日期和决定日期决定, 不能指定;"
                       " 请用 as_of 指定决定日期重放", field="list_version")
    if doc is None:
        import difflib

        keys = sorted(d.key for d in corpus.documents)
        raise ApiError(404, "unknown_list_version", f"未找到清单版本 {list_version}", field="list_version",
                       close_matches=difflib.get_close_matches(list_version, keys, n=5, cutoff=0.5))
    start, end = doc.start, corpus.end_of(doc)
    if doc.status.value == "draft" or start is None:
        raise ApiError(422, "list_version_not_in_force",
                       f"清单版本 {list_version} 为草案或施行日期未载明, 不能按其重放", field="list_version")
    last = end - timedelta(days=1) if end is not None else None
    period = f"{start.isoformat()} 至 {last.isoformat() if last else '今'}"
    if as_of is not None:
        if as_of < start or (end is not None and as_of >= end):
            raise ApiError(422, "as_of_outside_list_version",
                           f"as_of {as_of.isoformat()} 不在清单版本 {list_version} 的施行期({period})内", field="as_of")
        return as_of
    original = date.fromisoformat(record.decision_date)
    if original < start:
        return start
    if last is not None and original > last:
        return last
    return original


def replay(ctx: Context, decision_id: str, as_of: date | None, list_version: str | None = None) -> s.ReplayResponse:
    """Re-evaluate a recorded decision's facts with `as_of` as the decision date, or under a named
    list version (`list_version` = <id>@<version>: the decision date is moved into the period in
    which that version is in force). Reports every difference that matters: outcome, possible
    outcomes, chosen item, missing facts, basis, and the list versions used."""
    record = get_decision(ctx, decision_id)
    warnings: list[str] = []
    if list_version is not None:
        as_of = _replay_date(ctx, record, as_of, list_version)
    # by default the recorded decision date: the replay reproduces the case as decided (under today's lists,
    # whose differences from the record are then the lists' alone); another day is asked by as_of
    as_of = as_of or date.fromisoformat(record.decision_date)

    def facts_on(day: str, field: str) -> CaseFacts:
        facts_json = {**record.facts, "decision_date": day}
        try:
            return validate_facts_value(facts_json)
        except ValidationError as exc:
            msg = "按该日期重放时事实不成立(如决定日早于违法行为日)"
            details = [{"field": field, "code": "replay_invalid", "message_zh": msg}]
            raise ApiError(422, "replay_invalid", msg, details=details + validation_details(exc.errors(), prefix="facts")
                           ) from None

    facts = facts_on(as_of.isoformat(), "as_of")
    try:
        decision = ctx.engine.evaluate(facts)
    except InvalidFacts as exc:
        raise ApiError(422, exc.code, exc.message, field="as_of" if exc.field == "act_date" else exc.field) from None
    except UnknownItem as exc:  # the item has left the lists since
        raise ApiError(409, "item_gone", f"记录中的条目 {exc.item_id} 已不在当前清单中", close_matches=exc.close_matches)
    if list_version is not None and list_version not in decision.rulesets:
        used = "、".join(sorted(decision.rulesets)) or "无"
        warnings.append(f"按 {as_of.isoformat()} 重放时未适用清单版本 {list_version}(适用的是: {used});"
                        " 违法行为日施行的版本可能依从旧兼从轻原则优先")
    elif list_version is not None and decision.decided_by != list_version:
        warnings.append(f"按 {as_of.isoformat()} 重放时清单版本 {list_version} 适用于本案但未作出结论, 作出结论的是"
                        f" {decision.decided_by or '无(没有规则决定结果)'}")

    # The record keeps outcome, chosen item and basis; possible outcomes and missing facts are
    # recomputed from the recorded facts on the recorded decision date.
    original_possible, original_missing = [], []
    try:
        original = ctx.engine.evaluate(facts_on(record.decision_date, "as_of"))
        original_possible = list(original.possible_outcomes)
        original_missing = [m.fact for m in original.missing_facts]
        if record.ruleset_version != ctx.ruleset_version:
            warnings.append(f"原决定的可能结果和待补事实按当前规则集({ctx.ruleset_version})重算,"
                            f" 原规则集为 {record.ruleset_version}")
    except (ApiError, InvalidFacts, UnknownItem):
        warnings.append("原决定的可能结果和待补事实无法按当前规则集重算")
    known = record.decided_by_source in ("engine", "migration")  # else written before 0007, not derivable
    before = s.ReplaySide(outcome=record.outcome, possible_outcomes=original_possible, chosen_item=record.chosen_item,
                          decided_by=record.decided_by, decided_by_known=known,
                          missing_facts=original_missing, basis=record.basis, rulesets=record.rulesets,
                          ruleset_version=record.ruleset_version, decision_date=record.decision_date)
    after = s.ReplaySide(outcome=decision.outcome, possible_outcomes=list(decision.possible_outcomes),
                         chosen_item=decision.chosen_item, decided_by=decision.decided_by,
                         missing_facts=[m.fact for m in decision.missing_facts],
                         basis=[b.label for b in decision.basis], rulesets=dict(decision.rulesets),
                         ruleset_version=ctx.ruleset_version, decision_date=as_of.isoformat())
    old_sets, new_sets = record.rulesets, decision.rulesets
    # a version the record names and the replay does not is no change when it applies to the case no longer
    # or never did: records made before rulesets named only the versions that applied (drafts, versions not
    # in force and other provinces' lists were listed too; an item id stands in every version of its list):
    # the versions the replay used that are new to the record or have another hash (a version that decided
    # instead of the recorded one is new to it)
    ruleset_changes = sorted(k for k in new_sets if old_sets.get(k) != new_sets[k])
    changed = s.ReplayChanges(
        any=False, outcome=before.outcome != after.outcome,
        possible_outcomes=sorted(before.possible_outcomes) != sorted(after.possible_outcomes),
        chosen_item=before.chosen_item != after.chosen_item,
        decided_by=before.decided_by != after.decided_by if known else None,
        missing_facts_added=[f for f in after.missing_facts if f not in before.missing_facts],
        missing_facts_removed=[f for f in before.missing_facts if f not in after.missing_facts],
        basis_added=[b for b in after.basis if b not in before.basis],
        basis_removed=[b for b in before.basis if b not in after.basis], rulesets_changed=ruleset_changes,
    )
    changed.any = (changed.outcome or changed.possible_outcomes or changed.chosen_item
                   or bool(changed.missing_facts_added or changed.missing_facts_removed)
                   or bool(changed.basis_added or changed.basis_removed))
    how = f"按 {as_of.isoformat()}" + (f"(清单版本 {list_version})" if list_version else "") + " 重放"
    if changed.any:
        parts = [f"结果 {outcome_zh(before.outcome)} → {outcome_zh(after.outcome)}"]
        if changed.possible_outcomes:
            fmt = lambda xs: "、".join(outcome_zh(o) for o in xs) or "无"  # noqa: E731
            parts.append(f"可能结果 {fmt(before.possible_outcomes)} → {fmt(after.possible_outcomes)}")
        if changed.chosen_item:
            parts.append(f"适用条目 {before.chosen_item or '无'} → {after.chosen_item or '无'}")
        if changed.missing_facts_added or changed.missing_facts_removed:
            parts.append("待补事实" + "".join(f" +{f}" for f in changed.missing_facts_added)
                         + "".join(f" -{f}" for f in changed.missing_facts_removed))
        if changed.basis_added or changed.basis_removed:
            parts.append(f"依据新增 {len(changed.basis_added)} 项、不再适用 {len(changed.basis_removed)} 项")
        text = f"{how}: " + "; ".join(parts)
    else:
        text = f"{how}: 结果、可能结果、适用条目、待补事实和依据均未变化"
    if changed.decided_by:  # the same item of another version of its list, or a statute instead of an item
        text += f"; 作出结论的版本 {before.decided_by or '无'} → {after.decided_by or '无'}"
    elif not known:
        text += "; 原记录写于迁移 0007 以前, 不能确定由哪个版本作出结论"
    if ruleset_changes:  # the answer may be the same while a version it rests on is not (a new version, a hash)
        text += "; 所用规则版本有变化: " + "、".join(ruleset_changes)
    return s.ReplayResponse(decision_id=decision_id, as_of=as_of, list_version=list_version, original=before,
                            replayed=after, changed=changed, summary=text, warnings=warnings + list(decision.warnings))


def ready(ctx: Context, counts: bool = False) -> s.Ready:
    """The audit counts (commits, rows) only when counts (an admin key): they reveal activity."""
    return s.Ready(
        status="ready", ruleset_version=ctx.ruleset_version, engine_version=ctx.engine_version,
        documents=len(ctx.corpus.documents), items=len(ctx.corpus.item_ids()), audit=ctx.audit_backend,
        audit_mode=ctx.audit_mode, matcher=ctx.matcher, statutes=ctx.engine.statutes is not None,
        audit_commits=ctx.repo.writer.commits if counts else None,
        audit_rows=ctx.repo.writer.rows if counts else None,
    )
