"""build_document: a decision (the engine's Decision, with the facts it was made on) and the
officer's request → DraftDocument (sections, cited texts, flags). Pure: no I/O but reading the
statute texts through the StatuteLibrary.

Layout and sentence patterns follow the reference notes on enforcement documents (不予行政处罚决定书:
agency, title, 文号, party, facts, evidence, finding, exemption and decision, education, remedies,
seal and date; 从轻/减轻: fact, then rule, then effect). What the engine cannot know (party, evidence,
agency, review body, court, deadlines) comes from the request; what is missing is left as a blank
line (＿＿＿＿) and listed in `flags`, never guessed."""

import re
from dataclasses import dataclass, field
from datetime import date

from penalty_rules.documents import remedies as rem
from penalty_rules.documents.model import (
    CitedText, DocumentNotApplicable, DocumentRequest, DraftDocument, DraftKind, Flag, RemedyLimit, Section,
)
from penalty_rules.engine.conditions import PROMPT_CORRECTION_VALUES
from penalty_rules.engine.statutory import EXEMPTION_PREMISES
from penalty_rules.model.conditions import PLACEHOLDER_MARKS
from penalty_rules.model.decision import BasisEntry, Decision
from penalty_rules.model.facts import ENUM_LABELS, Corrected, Harm, PartyType
from penalty_rules.model.numerals import zh_number
from penalty_rules.model.outcome import Outcome, ranged_zh
from penalty_rules.model.vocabulary import PREMISE, VOCABULARY

BLANK = "＿＿＿＿"
NO_PENALTY_TITLE = "不予行政处罚决定书"
TAX_NO_PENALTY_TITLE = "不予税务行政处罚决定书"
LENIENCY_TITLE = "行政处罚决定书(从轻、减轻处罚部分)"
_OUTCOME_ZH = {o.value: o.zh for o in Outcome} | {"undetermined": "尚不能确定"}
_LEADING_NOTE = re.compile(r"^[(（][^()（）]*[)）]")
_ARTICLE_LABEL = re.compile(r"^第[零〇一二两三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?[\u3000 ]*")
_GROUND_ROLES = ("statutory", "special_law", "leniency_ground", "exemption")


@dataclass
class DecisionSource:
    """The decision a document is drafted from. `facts`: the facts it was made on (the audit
    record's, personal data masked), None when only the engine's answer is at hand."""

    decision: Decision
    facts: dict | None = None
    decision_id: str | None = None
    case_ref: str | None = None
    domain: str | None = None
    notes: list[Flag] = field(default_factory=list)


def decision_from_json(data: dict) -> Decision:
    """A Decision from an evaluate response / `check --json` output (extra keys such as
    decision_id, recorded_at, ruleset_version are dropped)."""
    known = {k: v for k, v in data.items() if k in Decision.model_fields}
    return Decision.model_validate(known)


def date_zh(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# ------------------------------------------------------------------------------- kind
def resolve_kind(decision: Decision, request: DocumentRequest) -> DraftKind:
    """The document the outcome calls for, or DocumentNotApplicable (409) with the reason in Chinese."""
    outcome, wanted = decision.outcome, request.kind
    zh = _OUTCOME_ZH.get(outcome, outcome)
    if outcome == "undetermined":
        raise DocumentNotApplicable(
            "decision_undetermined",
            "该决定的结果尚不能确定(仍需补充事实), 不能起草文书; 请补充事实后重新评估", field="kind")
    if outcome == Outcome.normal.value:
        what = "不予行政处罚决定书" if wanted == "no_penalty" else "从轻、减轻处罚部分" if wanted == "leniency_section" \
            else "不予行政处罚决定书或从轻、减轻处罚部分"
        raise DocumentNotApplicable(
            "outcome_not_lenient", f"该决定的结果为{zh}, 没有不予处罚或从轻、减轻的依据, 不能起草{what}", field="kind")
    if outcome in (Outcome.no_penalty.value, Outcome.discretionary_no_penalty.value):
        declined = _declined_leniency(decision)
        if wanted == "leniency_section":
            if declined:  # the agency declines 可以不予: the rule that binds it then (Decision.if_declined)
                return "leniency_section"
            raise DocumentNotApplicable(
                "kind_mismatch", f"该决定的结果为{zh}, 不是从轻或者减轻处罚, 不能起草从轻、减轻处罚部分", field="kind")
        if outcome == Outcome.discretionary_no_penalty.value and not request.discretion_no_penalty:
            raise DocumentNotApplicable(
                "discretion_not_exercised",
                "该决定的结果为可以不予处罚, 是否不予处罚由执法机关裁量: 决定不予处罚时请在请求中写明 "
                "discretion_no_penalty=true; 决定处罚的, 不适用不予行政处罚决定书"
                + (f", 请起草从轻、减轻处罚部分(kind=leniency_section: 依{decision.if_declined.leniency.wording})"
                   if declined else ""), field="discretion_no_penalty")
        return "no_penalty"
    # reduced_penalty / lighter_penalty
    lz = decision.leniency
    if wanted == "no_penalty" and lz is not None and Outcome.discretionary_no_penalty.value in lz.range:
        # a range reaching 免予处罚 (出境入境管理法 art. 83(2): 可以减轻或者免予处罚): the agency's choice
        if not request.discretion_no_penalty:
            raise DocumentNotApplicable(
                "discretion_not_exercised",
                f"该决定的法定幅度包括不予处罚({lz.wording}), 由执法机关裁量: 决定不予处罚时请在请求中写明 "
                "discretion_no_penalty=true; 决定减轻处罚的, 请起草从轻、减轻处罚部分", field="discretion_no_penalty")
        return "no_penalty"
    if wanted == "no_penalty":
        raise DocumentNotApplicable(
            "kind_mismatch", f"该决定的结果为{decision.outcome_zh or zh}, 不是不予处罚, 不能起草不予行政处罚决定书",
            field="kind")
    return "leniency_section"


def _declined_leniency(decision: Decision) -> bool:
    """A 可以不予 answer whose declining leaves a 从轻 / 减轻 rule binding (Decision.if_declined)."""
    dc = decision.if_declined
    return (decision.outcome == Outcome.discretionary_no_penalty.value and dc is not None
            and bool({"lighter_penalty", "reduced_penalty"} & set(dc.leniency.range)))


def _declined_view(decision: Decision) -> Decision:
    """The decision as the agency that declined its 可以不予 must write it: the binding rule's outcome,
    range, basis and measures (Decision.if_declined), the violated and penalty provisions kept, the
    rule as the trace's winner (its met conditions are the reasons)."""
    dc = decision.if_declined
    keep = [b for b in decision.basis if b.role in ("violated", "penalty")]
    trace = decision.trace.model_copy(update={"winner": dc.rule}) if decision.trace is not None else None
    zh = ranged_zh(dc.leniency.range) if len(dc.leniency.range) > 1 else _OUTCOME_ZH.get(dc.outcome, dc.outcome)
    return decision.model_copy(update={
        "outcome": dc.outcome, "outcome_zh": zh, "leniency": dc.leniency, "basis": [*dc.basis, *keep],
        "measures": list(dc.measures), "chosen_rule": dc.rule, "chosen_item": None, "trace": trace})


# ------------------------------------------------------------------------------- helpers
class _Draft:
    def __init__(self):
        self.flags: list[Flag] = []
        self.citations: dict[str, CitedText] = {}

    def flag(self, code: str, message: str, field: str | None = None) -> None:
        if not any(f.code == code and f.field == field for f in self.flags):
            self.flags.append(Flag(code=code, field=field, message_zh=message))

    def cite(self, role: str, label: str, version: str | None, text: str | None) -> None:
        if label not in self.citations:
            text = _ARTICLE_LABEL.sub("", text) if text else text  # the label already names the article
            self.citations[label] = CitedText(role=role, label=label, version=version, text=text)


def _winner(decision: Decision):
    trace = decision.trace
    if trace is None or trace.winner is None:
        return None
    return next((r for r in trace.rules if r.rule == trace.winner), None)


def _strip_party(label: str) -> str:
    """'当事人(自然人或个体工商户经营者)违法行为时…' → '违法行为时…' (the sentence names the party)."""
    for prefix in ("当事人", "行为人"):
        if label.startswith(prefix):
            label = label[len(prefix):]
            break
    return _LEADING_NOTE.sub("", label)


_NOTE = re.compile(r"[(（][^()（）]*[)）]")
_AGE = re.compile(r"(\d+)周岁")
_PROMPT = PROMPT_CORRECTION_VALUES  # 及时改正 (a correction after the deadline of an order is not)


def _clean_label(label: str) -> str:
    """A condition label as the ruling prints it: no party prefix, no engine notes in brackets
    ('初次违法(首违)' → '初次违法'), ages in Chinese numerals as the law writes them (不满十四周岁)."""
    label = _NOTE.sub("", _strip_party(label)).strip()
    return _AGE.sub(lambda m: f"{zh_number(int(m.group(1)))}周岁", label)


def _beside(decision: Decision) -> list:
    """Statutory rules satisfied beside the deciding rule, with its outcome, whose articles the decision
    cites (art. 30 beside a 从轻 item: the companion of explain.decide; explain.decide._co_deciding):
    their circumstances carry the answer too."""
    trace = decision.trace
    if trace is None:
        return []
    cited = {b.label for b in decision.basis}
    return [r for r in trace.rules if r.kind == "statutory" and r.satisfied is True and r.rule != trace.winner
            and r.outcome == decision.outcome and r.citation
            and any(r.citation in label or label in r.citation for label in cited)]


def _met_conditions(decision: Decision, d: "_Draft", rule=None) -> list[str]:
    """The met conditions of the deciding rule (or `rule`) that carry the decision: those outside
    any any_of group, and those of the groups that hold in full (per the trace). Placeholder
    conditions (our data's stand-ins for wording not seen) are never printed: they are flagged."""
    rule = rule or _winner(decision)
    if rule is None:
        return []
    groups: dict[int, list] = {}
    for c in rule.conditions:
        if c.bundle is not None:
            groups.setdefault(c.bundle, []).append(c)
    held = {b for b, cs in groups.items() if all(c.status == "met" for c in cs)}
    out = []
    for c in rule.conditions:
        if c.status != "met" or (c.bundle is not None and c.bundle not in held):
            continue
        if c.key in _PREMISES:  # the engine's own premise (not the party's circumstance): never a reason
            continue
        if c.key == "mental":
            out.append(_mental_reason(c))
            continue
        if any(m in c.label for m in PLACEHOLDER_MARKS):
            d.flag("placeholder_condition",
                   f"适用条件“{c.label}”是数据中的占位(清单原文未见), 未写入文书; 须按清单原文核对并写明当事人符合的情形",
                   "facts_found")
            continue
        out.append(_clean_label(c.label))
    return list(dict.fromkeys(out))


_PREMISES = frozenset(t for t, spec in VOCABULARY.conditions.items() if spec.kind == PREMISE) | EXEMPTION_PREMISES
_MENTAL_WHO = re.compile(r"^(精神病人、智力残疾人|精神病人)")


def _mental_reason(c) -> str:
    """Art. 31 (old art. 25) as the ruling states it: which of the two the party is (系精神病人 /
    系智力残疾人, from the cause the decision read), then the condition in the law's words."""
    label = _clean_label(c.label)
    who = {"mental_illness": "精神病人", "intellectual_disability": "智力残疾人"}.get(
        (c.facts_used or {}).get("mental_condition_cause"))
    return _MENTAL_WHO.sub(f"系{who}，", label) if who else label


def _fact(decision: Decision, facts: dict | None, key: str):
    """A fact of the decision record: the facts given, else what the engine derived, else what the
    deciding rule's conditions read (their facts_used: the facts the decision was made on, so a
    document drafted from the answer alone still words the law's sentence the facts meet)."""
    value = (facts or {}).get(key)
    if value is None and decision.trace is not None:
        value = decision.trace.derived_facts.get(key)
    if value is None:
        rule = _winner(decision)
        for c in rule.conditions if rule is not None else ():
            value = (c.facts_used or {}).get(key)
            if value is not None:
                break
    return value


_MINOR_RULE = re.compile(r"违法行为轻微并及时(?:改正|纠正)，没有造成危害后果的，不予行政处罚")


def _minor_sentences(text: str) -> list[tuple[str, str]]:
    """The sentences of 33(1) (2021) / 27(2) (2017) as (circumstances, consequence), from the text read."""
    out = []
    for sentence in filter(None, (s.strip() for s in text.split("。"))):
        m = re.match(r"^(.+?)的，((?:可以)?不予行政处罚)$", sentence)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def _minor_ground(decision: Decision, facts: dict | None, grounds: list[BasisEntry], d: "_Draft") -> str | None:
    """When the decision cites 33(1) (old 27(2)): the sentence the facts meet, in the law's words
    (its circumstances, for 鉴于当事人…). The facts must not contradict it: every sentence
    contradicted → DocumentNotApplicable; facts unknown → flagged."""
    entry = next((b for b in grounds if b.text and _MINOR_RULE.search(b.text)), None)
    if entry is None:
        return None
    sentences = _minor_sentences(entry.text)
    minor, harm = _fact(decision, facts, "minor_violation"), _fact(decision, facts, "harm")
    corrected, first = _fact(decision, facts, "corrected"), _fact(decision, facts, "first_offense")
    prompt = None if corrected is None else corrected in _PROMPT

    def all3(values):
        return False if False in values else None if None in values else True

    checks = []
    for words, consequence in sentences:
        if "初次违法" in words:
            value = all3([first, None if harm is None else harm in ("none", "minor"), prompt])
        else:
            value = all3([minor, None if harm is None else harm == "none", prompt])
        checks.append((words, consequence, value))
    met = next((c for c in checks if c[2] is True), None)
    if met is not None:
        return met[0]
    if checks and all(c[2] is False for c in checks):
        known = [ENUM_LABELS[Harm].get(harm, "") if harm else "", ENUM_LABELS[Corrected].get(corrected, "") if corrected else "",
                 "违法行为不属轻微" if minor is False else "", "非初次违法" if first is False else ""]
        stated = "、".join(_NOTE.sub("", k) for k in known if k)
        raise DocumentNotApplicable(
            "facts_contradict_ground",
            f"决定所引{entry.label}要求“{'”或“'.join(c[0] for c in checks)}”, 而决定所依据的事实为{stated or '不符合上述情形'}, "
            "文书不能以该条款为不予处罚的依据; 请核对事实和所适用的清单条目后重新评估", field="facts")
    d.flag("ground_facts_unverified",
           f"决定引用{entry.label}, 但决定记录中的事实不足以核对其情形(违法行为是否轻微、初次违法、危害后果、改正情况): "
           "请在查明的事实中写明并核对", "facts_found")
    return None


def _reasons(decision: Decision, d: "_Draft", minor_words: str | None = None) -> list[str]:
    """The circumstances the decision rests on: when a list item decides, its met conditions (the
    list's words: its item, not a sentence of 33(1), makes the answer and may ask other facts)
    unless some of its wording is a placeholder (not seen in the source); else the law's words of
    the 33(1) sentence the facts meet, else the met conditions of the deciding rule (never the
    other facts: they may be against the party). None found → [] (the caller leaves a blank and
    flags it)."""
    met = _met_conditions(decision, d)  # flags placeholder conditions either way
    rule = _winner(decision)
    placeholder = rule is not None and any(m in c.label for c in rule.conditions for m in PLACEHOLDER_MARKS)
    # the rules of the law cited beside the deciding one (art. 30 beside an escalation step whose met
    # conditions may be none, art. 31 / 32 beside art. 30, art. 30 beside 33(1)): their circumstances too
    beside = [c for r in _beside(decision) for c in _met_conditions(decision, d, r)]
    own = met if (rule is not None and rule.kind == "item" and not placeholder) or not minor_words else [minor_words]
    return list(dict.fromkeys(own + beside))


def _list_citable(entry: BasisEntry) -> bool:
    """A list is cited as a legal basis only when it is a published normative document whose issuer
    is known (ListCitation.citable, the summary's test too)."""
    return entry.document is not None and entry.document.citable


def _list_label(entry: BasisEntry, d: _Draft) -> str | None:
    """《清单》(文号)第n项, or None (not citable: flagged, the ruling leaves a blank)."""
    doc = entry.document
    if not _list_citable(entry):
        who = f"《{doc.title}》(发布机关：{doc.issuer})" if doc else entry.label
        d.flag("list_not_citable",
               f"{who}不是发布机关和文号可查的规范性文件, 不能作为法律依据引用; 文书留空, 请填写所依据的规范性文件及其文号",
               "basis")
        return None
    text = f"《{doc.title}》" + (f"({doc.doc_no})" if doc.doc_no else "")
    if not doc.doc_no:
        d.flag("list_doc_no_missing", f"清单《{doc.title}》({doc.issuer})的文号来源未载明, 文书只引清单名称; 请按原件补充文号",
               "basis")
    if doc.item_no is not None:
        text += f"第{doc.item_no}项"
    else:
        d.flag("list_item_no_unknown",
               f"清单《{doc.title}》中该条目的序号来源未显示, 文书只引清单名称; 请按清单原件补充序号", "basis")
    return text


def _cite_basis(d: _Draft, entry: BasisEntry) -> None:
    if entry.citation is None:
        return
    if entry.citation.article is None:
        d.flag("article_unspecified", f"{entry.label}: 依据未载明条文序号(来源未给出), 请核对后补充", "basis")
        return
    if not entry.text:
        d.flag("article_text_missing", f"{entry.label}: 法规文本库中未读到条文原文, 附录未列出", "basis")
    d.cite(entry.role, entry.label, entry.version, entry.text)


def _facts_paragraph(decision: Decision, facts: dict | None, request: DocumentRequest, d: _Draft,
                     reasons: list[str]) -> str:
    if request.facts_found:
        text = request.facts_found
        return text if text.startswith("经查") else "经查，" + text
    facts = facts or {}
    conduct = facts.get("conduct")
    if not conduct:
        listed = next((b for b in decision.basis if b.role == "list" and b.text), None)
        conduct = listed.text if listed else None
    parts = []
    act = facts.get("act_date") or (decision.trace.act_date if decision.trace else None)
    who = "当事人"
    if facts.get("party_type") in ENUM_LABELS[PartyType]:
        who = f"当事人({ENUM_LABELS[PartyType][facts['party_type']]})"
    if conduct:
        lead = f"{date_zh(date.fromisoformat(str(act)))}，" if act else ""
        parts.append(f"{lead}{who}有“{conduct}”的行为")
    else:
        parts.append(f"{who}{BLANK}(违法行为)")
        d.flag("conduct_missing", "决定记录中没有违法行为的描述, 请填写查明的事实(facts_found)", "facts_found")
    if facts.get("continuing") is True and facts.get("act_end_date"):
        parts.append(f"该行为持续至{date_zh(date.fromisoformat(str(facts['act_end_date'])))}")
    parts.extend(reasons)
    d.flag("facts_generated",
           "查明的事实由决定记录中的事实生成, 须由执法人员补充时间、地点、经过和改正情况并核对(facts_found)", "facts_found")
    return "经查，" + "；".join(parts) + "。"


def _evidence(request: DocumentRequest, d: _Draft) -> list[str]:
    if request.evidence:
        return ["上述事实，有以下证据证明："] + [f"{i}.{e}" for i, e in enumerate(request.evidence, 1)]
    d.flag("evidence_missing", "未填写证据(evidence): 文书留空, 须列明证据及其证明的事实", "evidence")
    return [f"上述事实，有{BLANK}等证据为凭。"]


_PARTY_KIND = {"enterprise": "entity", "other": "entity", "individual_business": "individual_business",
               "individual": "individual"}


def _party(request: DocumentRequest, facts: dict | None, d: _Draft) -> list[str]:
    p = request.party
    if p is None or not p.name:
        d.flag("party_missing", "未填写当事人姓名或名称(party.name): 文书留空", "party.name")
    name = p.name if p and p.name else BLANK
    kind = p.kind if p is not None and p.kind else _PARTY_KIND.get((facts or {}).get("party_type") or "")
    if kind is None:
        d.flag("party_kind_missing",
               "当事人类型未知(party.kind: individual 自然人 / individual_business 个体工商户 / entity 法人或其他组织): "
               "文书写“地址”, 证件名称请核对", "party.kind")
    lines = []
    if kind == "individual_business" and p is not None and p.trade_name:
        lines.append(f"当事人：{p.trade_name}(个体工商户)")
        lines.append(f"经营者：{name}")
    else:
        lines.append(f"当事人：{name}")
    if p is not None and p.id_number:
        default = {"entity": "统一社会信用代码", "individual": "公民身份号码",
                   "individual_business": "身份证件号码"}.get(kind or "", "证件号码")
        lines.append(f"{p.id_type or default}：{p.id_number}")
    if p is not None and p.legal_representative:
        lines.append(f"法定代表人(负责人)：{p.legal_representative}")
    elif kind == "entity":
        lines.append(f"法定代表人(负责人)：{BLANK}")
        d.flag("legal_representative_missing", "当事人为法人或其他组织, 未填写法定代表人(负责人)(party.legal_representative)",
               "party.legal_representative")
    address = p.address if p and p.address else None
    label = {"entity": "住所", "individual": "住址", "individual_business": "住址"}.get(kind or "", "地址")
    lines.append(f"{label}：{address or BLANK}")
    if address is None:
        d.flag("party_address_missing", "未填写当事人地址(party.address): 决定书须载明当事人的姓名或者名称、地址", "party.address")
    if p is not None and p.phone:
        lines.append(f"联系电话：{p.phone}")
    return lines


def _violated_label(b: BasisEntry) -> str:
    if b.citation is not None and b.citation.article is None:
        return f"{b.label}第{BLANK}条"
    return b.label


def _finding(decision: Decision, facts: dict | None, d: _Draft) -> str:
    violated = [b for b in decision.basis if b.role == "violated"]
    for b in violated:
        _cite_basis(d, b)
    if not violated:
        law = ((facts or {}).get("violated_law") or "").strip().strip("《》") or BLANK
        d.flag("violated_missing", "决定中没有违反的条款: 文书留空, 请填写违反的法律条款"
               + ("(法律名称取自事实 violated_law)" if law != BLANK else ""), "basis")
        return f"当事人的上述行为违反了《{law}》第{BLANK}条的规定。"
    return f"当事人的上述行为违反了{'、'.join(_violated_label(b) for b in violated)}的规定。"


PENALTY_KINDS = ("警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件", "降低资质等级",
                 "吊销许可证件", "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "行政拘留")
_CONFISCATE = "违法所得[^。]*应当予以没收"


def _penalty_kind(measure: str) -> str | None:
    """The 行政处罚法 art. 9 kind a measure names (警告, 罚款, …), or None."""
    return next((k for k in PENALTY_KINDS if measure.startswith(k)), None)


_EDUCATION = r"不予行政处罚的，行政机关应当对当事人进行教育"  # 行政处罚法(2021) 第三十三条第三款
_NO_PENALTY_OUTCOMES = (Outcome.no_penalty.value, Outcome.discretionary_no_penalty.value)


def _measures(decision: Decision, request: DocumentRequest, d: _Draft, no_penalty: bool, on: date, lib
              ) -> tuple[list[str], list[str]]:
    """(measure paragraphs, penalty kinds named by the decision's measures: 警告, 罚款 … go into the
    penalty content of a leniency section, never into a 不予 document)."""
    out, kinds = [], []
    measure_basis = [b for b in decision.basis if b.role == "measure" and b.text]
    if not no_penalty:  # 33(3) (依法不予行政处罚的…进行教育) is not the basis of anything in a penalty decision
        measure_basis = [b for b in measure_basis if "不予行政处罚" not in b.text]

    def basis_for(pattern: str, law_pattern: str | None = None, anywhere: bool = False) -> str:
        pool = measure_basis if not anywhere else measure_basis + [
            b for b in decision.basis if b.role in _GROUND_ROLES and b.text and b.citation is not None]
        found = [b for b in pool if re.search(pattern, b.text)]
        for b in found:
            _cite_basis(d, b)
        labels = [b.label for b in found]
        if not labels and law_pattern and lib is not None:
            hit = rem.find_paragraph(lib, rem.PENALTY_LAW, on, law_pattern)
            if hit is not None:
                label = f"《{hit.law_title}》{hit.article}"
                d.cite("measure", label, hit.version, hit.text)
                labels = [label]
        return f"依据{'、'.join(labels)}的规定，" if labels else ""

    other = []
    correction = education = False
    for m in decision.measures:
        kind = _penalty_kind(m)
        if "责令" in m and "改正" in m:
            correction = True
        elif "教育" in m:
            education = True
        elif kind is not None and not (no_penalty and kind == "没收违法所得"):
            if no_penalty:
                d.flag("penalty_in_no_penalty", f"决定的措施中有“{m}”(行政处罚的种类), 与不予行政处罚不符, 未写入文书; 请核对",
                       "measures")
            else:
                kinds.append(m)
        else:
            other.append(m)
    if correction:
        order = f"(《责令改正通知书》{request.correction_order_no})" if request.correction_order_no else ""
        if request.correction_deadline and request.correction_deadline <= on:
            raise DocumentNotApplicable(
                "correction_deadline_not_after_document",
                f"改正期限 {request.correction_deadline.isoformat()} 不晚于文书日期 {on.isoformat()}: "
                "责令改正是对今后的要求, 期限须在文书日期之后", field="correction_deadline")
        by = basis_for("责令")
        if request.correction_deadline:
            out.append(f"{by}责令当事人于{date_zh(request.correction_deadline)}前改正上述违法行为{order}。")
        else:
            out.append(f"{by}责令当事人改正上述违法行为{order}，改正期限：{BLANK}。")
            d.flag("correction_deadline_missing", "决定要求责令改正, 未填写改正期限(correction_deadline)", "correction_deadline")
    if (no_penalty and not education and decision.outcome not in _NO_PENALTY_OUTCOMES and lib is not None
            and rem.find_paragraph(lib, rem.PENALTY_LAW, on, _EDUCATION) is not None):
        # a 不予 decision the agency drafts from a range reaching 免予 (出境入境管理法 art. 83(2)): the answer
        # (减轻 at its other end) does not list 33(3)'s education, which binds it where that text is in force
        education = True
    if education:
        by = basis_for("教育", _EDUCATION if no_penalty else None)
        if not by:
            d.flag("measure_basis_missing", "措施“教育”的法律依据决定中未载明"
                   + ("(行政处罚法关于依法不予处罚时进行教育的规定不适用于处罚决定)" if not no_penalty else "")
                   + ": 请核对", "measures")
        if request.education:
            out.append(f"{by}对当事人进行教育：{request.education}")
        else:
            out.append(f"{by}对当事人进行教育(教育的方式和内容：{BLANK})。")
            d.flag("education_missing", "未填写教育的方式和内容(education)", "education")
    for m in other:
        text = _NOTE.sub("", m).strip()
        if "没收违法所得" in m:
            by = basis_for(_CONFISCATE, _CONFISCATE)
            out.append(f"{by or f'依据《{BLANK}》第{BLANK}条的规定，'}{text}{BLANK}元(依法应当退赔的除外)。")
            d.flag("measure_amount_missing", f"“{text}”的数额由执法人员核定并填写", "measures")
            if no_penalty:
                d.flag("confiscation_in_no_penalty",
                       "不予行政处罚决定中没收违法所得: 没收违法所得是行政处罚的种类(行政处罚法第九条), 不予处罚时是否没收、"
                       "是否须先告知并听取陈述申辩, 实务中有不同做法; 请经法制审核确认后保留或删去", "measures")
        else:
            by = basis_for(re.escape(text[:4]), anywhere=True) if len(text) >= 4 else ""
            out.append(f"{by or f'依据《{BLANK}》第{BLANK}条的规定，'}{text}。")
        if not by:
            d.flag("measure_basis_missing", f"措施“{text}”的法律依据决定中未载明: 文书留空, 请填写", "measures")
    return out, kinds


def _remedies(on: date, request: DocumentRequest, lib, d: _Draft, domain: str | None = None,
              no_penalty: bool = True) -> tuple[list[str], list[RemedyLimit]]:
    review = litigation = contents = None
    if lib is None:
        d.flag("statutes_unavailable", "未配置法规文本库(PENALTY_RULES_STATUTES): 救济期限无法从法律文本读取, 文书未写期限", "remedies")
    else:
        review, litigation, contents = rem.review_limit(lib, on), rem.litigation_limit(lib, on), rem.decision_contents(lib, on)
    limits = []
    for kind, found, law in (("administrative_review", review, rem.REVIEW_LAW), ("litigation", litigation, rem.LITIGATION_LAW)):
        if found is None:
            if lib is not None:
                d.flag(f"{kind}_limit_unknown",
                       f"法规文本库中未找到 {on.isoformat()} 施行的《{law}》规定期限的条文: 文书只写“依法”, 未写期限, 请核对",
                       "remedies")
            limits.append(RemedyLimit(remedy=kind, law=law))
            continue
        label = f"《{found.law_title}》{found.article}"
        version = found.version + (f"(自 {found.in_force_from} 起施行)" if found.in_force_from else "") if found.version else None
        d.cite("remedy", label, version, found.text)
        limits.append(RemedyLimit(remedy=kind, law=found.law_title, version=found.version, article=found.article,
                                  limit=found.limit, text=found.text))
    if contents is not None:
        version = contents.version + (f"(自 {contents.in_force_from} 起施行)" if contents.in_force_from else "") \
            if contents.version else None
        # art. 59 binds decisions imposing a penalty; a 不予 decision follows it by analogy (参照)
        d.cite("decision_contents", f"{'参照' if no_penalty else ''}《{contents.law_title}》{contents.article}", version,
               contents.text)
    elif lib is not None:
        d.flag("decision_contents_unknown",
               f"法规文本库中 {on.isoformat()} 施行的《行政处罚法》文本里未找到决定书载明救济途径和期限的条文", "remedies")
    if domain == "tax" and lib is not None:
        vertical = rem.vertical_review_body(lib, on)
        if vertical is not None:
            label = f"《{vertical.law_title}》{vertical.article}"
            d.cite("review_body", label, vertical.version, vertical.text)
            d.flag("review_body_tax", f"税务案件的行政复议机关: 依{label}, 向上一级主管部门申请行政复议; 请核对 review_body",
                   "review_body")
        if request.review_body and "人民政府" in request.review_body:
            d.flag("review_body_tax_government",
                   f"税务决定的行政复议机关填写为“{request.review_body}”: 税务机关实行垂直领导, 复议机关为上一级税务机关"
                   + (f"({label})" if vertical is not None else "") + ", 不是人民政府; 请核对", "review_body")
    elif lib is not None:
        _review_body_rules(lib, on, d)
    if not request.review_body:
        d.flag("review_body_missing", "未填写行政复议机关(review_body): 文书留空", "review_body")
    if not request.court:
        d.flag("court_missing", "未填写管辖的人民法院(court): 文书留空", "court")
    body, court = request.review_body or BLANK, request.court or BLANK
    r_limit = f"{review.limit}内" if review and review.limit else "在法定期限内"
    l_limit = f"{litigation.limit}内" if litigation and litigation.limit else "在法定期限内"
    first = None
    if not no_penalty and lib is not None:
        first = rem.on_the_spot_review_first(lib, on)
        if first is not None and request.on_the_spot is None:
            item, _ = first
            d.flag("on_the_spot_unknown",
                   f"未说明本处罚决定是否当场作出(on_the_spot): 依《{item.law_title}》{item.article}, 对当场作出的行政处罚决定不服的, "
                   "应当先申请行政复议, 行政机关应当告知; 请核对", "on_the_spot")
    if first is not None and request.on_the_spot:
        item, tell = first
        for f in (item, tell):
            d.cite("remedy", f"《{f.law_title}》{f.article}", f.version, f.text)
        article = item.article.split("第一款")[0] if "第一款" in item.article else item.article
        text = (f"本决定系当场作出的行政处罚决定，依据《{item.law_title}》{article}的规定，如不服本决定，"
                f"应当先自收到本决定书之日起{r_limit}向{body}申请行政复议；"
                f"对行政复议决定不服的，可以再依法向人民法院提起行政诉讼。")
        return [text], limits
    text = (f"如不服本决定，可以自收到本决定书之日起{r_limit}向{body}申请行政复议，"
            f"也可以自收到本决定书之日起{l_limit}向{court}提起行政诉讼。")
    return [text], limits


def _review_body_rules(lib, on: date, d: _Draft) -> None:
    """Which government reviews a department's decision, quoted from the 行政复议法 in force: 2024+
    art. 24 (本级人民政府工作部门 → 本级人民政府; 派出机构), before: art. 12(1) (the party's choice)."""
    dept = rem.find_item(lib, rem.REVIEW_LAW, on, r"本级人民政府工作部门作出的行政行为不服")
    branch = rem.find_paragraph(lib, rem.REVIEW_LAW, on, r"派出机构[^。]*由本级人民政府管辖")
    choice = rem.find_paragraph(lib, rem.REVIEW_LAW, on, r"由申请人选择，可以向该部门的本级人民政府申请行政复议")
    if dept is not None:
        label = f"《{dept.law_title}》{dept.article}"
        d.cite("review_body", label, dept.version, dept.text)
        d.flag("review_body_department", f"县级以上地方人民政府工作部门作出的决定, 依{label}由本级人民政府管辖行政复议; "
               "请核对 review_body", "review_body")
    if branch is not None:
        label = f"《{branch.law_title}》{branch.article}"
        d.cite("review_body", label, branch.version, branch.text)
        d.flag("review_body_branch", f"以派出机构(如分局、所、队)名义作出的决定, 依{label}由本级人民政府管辖, 设区的市的"
               "部门按行政区划设立的派出机构, 也可以由其所在地的人民政府管辖; 请核对 review_body", "review_body")
    if choice is not None:
        label = f"《{choice.law_title}》{choice.article}"
        d.cite("review_body", label, choice.version, choice.text)
        d.flag("review_body_choice", f"依{label}, 申请人可以选择向该部门的本级人民政府或者上一级主管部门申请行政复议: "
               "文书应写明两者(review_body 请按此填写)", "review_body")


def _full_decision_needs(lib, on: date, d: _Draft) -> None:
    """A leniency section is part of a 行政处罚决定书: list what the full decision must still state,
    quoted from the texts in force (59(三)(四), the 44/45 notice and statements, 73 不停止执行)."""
    if lib is None:
        d.flag("full_decision_contents", "本文书只是行政处罚决定书中从轻、减轻处罚的部分: 完整的决定书还须载明处罚的种类和依据、"
               "履行方式和期限, 告知及陈述申辩情况等(法规文本库未配置, 条文未列出)", "kind")
        return
    found = [rem.find_item(lib, rem.PENALTY_LAW, on, r"行政处罚的种类和依据"),
             rem.find_item(lib, rem.PENALTY_LAW, on, r"行政处罚的履行方式和期限"),
             rem.find_paragraph(lib, rem.PENALTY_LAW, on, r"告知当事人[^。]*陈述、申辩"),
             rem.find_paragraph(lib, rem.PENALTY_LAW, on, r"有权进行陈述和申辩"),
             rem.find_paragraph(lib, rem.PENALTY_LAW, on, r"不停止执行")]
    parts = [f"{f.article}“{f.text.split('……')[-1]}”" for f in found if f is not None]
    law = next((f.law_title for f in found if f is not None), rem.PENALTY_LAW)
    d.flag("full_decision_contents",
           f"本文书只是行政处罚决定书中从轻、减轻处罚的部分, 印章、日期和救济途径供整份决定书使用; 整份决定书还须依《{law}》"
           + "; ".join(parts) + " 写明相应内容(告知及陈述、申辩情况, 处罚的种类和依据, 履行方式和期限, 复议诉讼期间不停止执行)",
           "kind")


# ------------------------------------------------------------------------------- build
def _check_consistent(decision: Decision) -> None:
    """The outcome must be the deciding rule's (an edited JSON could say no_penalty over a normal
    trace), and a lenient outcome must rest on some ground."""
    trace = decision.trace
    if trace is None:
        raise DocumentNotApplicable("trace_missing", "决定中没有推理记录(trace), 无法核对结果和依据, 不能起草文书; "
                                    "请使用 API 或 check --json 输出的完整决定", field="trace")
    rule = _winner(decision)
    if rule is None or decision.chosen_rule != trace.winner or rule.outcome != decision.outcome or rule.satisfied is False:
        found = f"{rule.citation or rule.title or rule.rule}: {_OUTCOME_ZH.get(rule.outcome, rule.outcome)}" if rule else "无"
        raise DocumentNotApplicable(
            "decision_inconsistent",
            f"决定的结果({_OUTCOME_ZH.get(decision.outcome, decision.outcome)})与推理记录中起决定作用的规则({found})不符, "
            "决定可能被改动, 不能起草文书; 请重新评估", field="outcome")


_TEMPORAL_RULE = "新的规定处罚较轻"
_APPLIES_37 = re.compile(r"依(?:行政处罚法)?第三十七条")  # explain.decide's temporal notes on law versions


def _temporal_ground(decision: Decision, lib, on: date, d: _Draft) -> list[str]:
    """The decision applied a text of the law by 从旧兼从轻 (a temporal note says it applies 第三十七条:
    the version in force at the act, or the lighter one in force at the decision): that article is a
    ground of the ruling too, cited from the penalty law in force on the document date. A list
    version applied the same way is the product's analogy (a list is no 法律、法规、规章): flagged."""
    notes = decision.trace.temporal if decision.trace is not None else []
    if any("参照该条" in t for t in notes):
        d.flag("list_temporal_analogy",
               "决定按从旧兼从轻适用了违法行为时尚未施行的清单版本: 清单不是行政处罚法第三十七条所称的法律、法规、规章, "
               "这是本系统参照该条的做法; 请经法制审核确认", "basis")
    if not any(_APPLIES_37.search(t) for t in notes):
        return []
    hit = rem.find_paragraph(lib, rem.PENALTY_LAW, on, _TEMPORAL_RULE) if lib is not None else None
    if hit is None:
        d.flag("temporal_basis_missing", "决定依行政处罚法第三十七条(从旧兼从轻)适用, 但法规文本库中未读到该条: 请补充引用",
               "basis")
        return []
    label = f"《{hit.law_title}》{hit.article}"
    d.cite("statutory", label, hit.version, hit.text)
    return [label]


def _decision_date(decision: Decision, facts: dict | None) -> date | None:
    if decision.trace is not None:
        return date.fromisoformat(decision.trace.decision_date)
    if facts and facts.get("decision_date"):
        return date.fromisoformat(str(facts["decision_date"]))
    return None


def build_document(source: DecisionSource, request: DocumentRequest, statutes=None) -> DraftDocument:
    decision = source.decision
    kind = resolve_kind(decision, request)
    if kind == "leniency_section" and _declined_leniency(decision):
        decision = _declined_view(decision)
    # the grounds: statutory / special-law provisions, and the lists that may be cited
    grounds = [b for b in decision.basis if b.role in _GROUND_ROLES and b.citation is not None]
    lists = [b for b in decision.basis if b.role == "list"]
    if not grounds and not lists:
        raise DocumentNotApplicable(
            "ground_missing", f"决定的结果为{decision.outcome_zh or _OUTCOME_ZH.get(decision.outcome)}, 但决定中没有从宽的法律依据"
            "(法定条款或清单), 不能起草文书; 请重新评估", field="basis")
    _check_consistent(source.decision)  # as recorded (the declined view is built from it)
    d = _Draft()
    d.flags.extend(source.notes)
    if decision is not source.decision:  # the declined view (_declined_view)
        d.flag("discretion_declined",
               f"该决定的结果为可以不予处罚; 本文书按执法机关裁量不予适用、决定处罚起草, 依{decision.leniency.wording}"
               f"({'、'.join(b.label for b in decision.basis if b.role == 'statutory')}): 请在案卷中写明不予适用可以不予处罚的裁量理由",
               "kind")
    facts = source.facts
    evaluated = _decision_date(decision, facts)
    on = request.decision_date or evaluated
    if request.decision_date and evaluated and request.decision_date != evaluated:
        if request.decision_date < evaluated:
            raise DocumentNotApplicable(
                "document_date_before_decision",
                f"文书日期 {request.decision_date.isoformat()} 早于决定的评估日期 {evaluated.isoformat()}: 文书日期不能早于决定日期",
                field="decision_date")
        d.flag("document_date_differs",
               f"文书日期 {request.decision_date.isoformat()} 与决定的评估日期 {evaluated.isoformat()} 不同: 依据按评估日期认定, "
               "救济途径和期限按文书日期读取; 请按文书日期重新评估后再起草, 或核对两日之间法律和清单有无变化", "decision_date")
    if on is None:
        on = date.today()
        d.flag("decision_date_missing", "决定中没有决定日期, 文书日期取今天, 请核对(decision_date)", "decision_date")

    case_ref = request.case_ref or source.case_ref
    if request.case_ref and source.case_ref and request.case_ref != source.case_ref:
        d.flag("case_ref_differs", f"请求中的办案编号 {request.case_ref} 与决定记录中的 {source.case_ref} 不同, 文书用请求中的",
               "case_ref")
    if not case_ref:
        d.flag("case_ref_missing", "未填写办案编号(case_ref)", "case_ref")
    if not request.agency_name:
        d.flag("agency_missing", "未填写作出决定的行政机关名称(agency_name): 文书留空", "agency_name")
    if not request.document_no and kind == "no_penalty":
        d.flag("document_no_missing", "未填写文号(document_no): 文书留空", "document_no")
    for w in decision.warnings:
        d.flag("decision_warning", w, "warnings")

    for b in grounds:
        _cite_basis(d, b)
    ground_labels = [b.label for b in grounds] + [x for x in (_list_label(b, d) for b in lists) if x]
    ground_labels += _temporal_ground(decision, statutes, on, d)
    if not ground_labels:
        d.flag("ground_missing", "决定中没有可以引用的从宽依据(法律条款或规范性文件): 文书留空, 请填写", "basis")
        ground_labels = [f"《{BLANK}》第{BLANK}条"]
    minor_words = _minor_ground(decision, facts, grounds, d)
    reasons = _reasons(decision, d, minor_words)
    if not reasons:
        d.flag("reasons_missing", "决定中没有可写明的从宽情节(起决定作用的规则没有已满足的条件): 文书留空, 请填写", "facts_found")

    sections: list[Section] = []
    header = [f"办案编号：{case_ref or BLANK}"]
    if kind == "no_penalty":
        header.insert(0, request.document_no or f"{BLANK}〔{on.year}〕{BLANK}号")
    sections.append(Section(key="header", paragraphs=header))
    sections.append(Section(key="party", paragraphs=_party(request, facts, d)))
    if request.procedure:
        sections.append(Section(key="procedure", paragraphs=[request.procedure]))
    sections.append(Section(key="facts", paragraphs=[_facts_paragraph(decision, facts, request, d, reasons)]))
    sections.append(Section(key="evidence", paragraphs=_evidence(request, d)))
    sections.append(Section(key="finding", paragraphs=[_finding(decision, facts, d)]))

    because = f"鉴于当事人{'，'.join(reasons) if reasons else BLANK}，"
    cited = "和".join(ground_labels)
    measures, kinds = _measures(decision, request, d, kind == "no_penalty", on, statutes)

    if kind == "no_penalty":
        if request.leniency_choice is not None:
            d.flag("leniency_choice_ignored",
                   "不予行政处罚决定书不适用 leniency_choice(从轻、减轻的选择), 已忽略; 请核对所选的文书和决定", "leniency_choice")
        verb = "不再给予行政处罚" if any(b.text and "不再给予行政处罚" in b.text for b in grounds) else "不予行政处罚"
        decision_text = f"{because}根据{cited}的规定，本机关决定{verb}。"
        if decision.outcome != Outcome.no_penalty.value:  # 可以: the agency's choice, in the law's words
            may = decision.leniency.wording if decision.leniency is not None and decision.leniency.wording else "可以不予行政处罚"
            decision_text = f"{because}根据{cited}的规定({may})，经裁量，本机关决定{verb}。"
        sections.append(Section(key="decision", paragraphs=[decision_text]))
        title = TAX_NO_PENALTY_TITLE if source.domain == "tax" else NO_PENALTY_TITLE
    else:
        lz = decision.leniency
        range_ = lz.range if lz else [decision.outcome]
        choice = request.leniency_choice
        if choice is not None and choice not in range_:
            allowed = "、".join(_OUTCOME_ZH[o] for o in range_)
            raise DocumentNotApplicable(
                "leniency_choice_out_of_range", f"leniency_choice={_OUTCOME_ZH[choice]} 不在该决定的法定幅度({allowed})内",
                field="leniency_choice")
        if choice is None and len(range_) == 1 and (lz is None or lz.mandatory):
            choice = range_[0]
        effect = {"lighter_penalty": "从轻处罚", "reduced_penalty": "减轻处罚"}.get(choice or "")
        if effect is None:
            may = lz is not None and not lz.mandatory
            section = [_OUTCOME_ZH[o] for o in range_ if o in ("lighter_penalty", "reduced_penalty")]
            d.flag("leniency_choice_missing",
                   f"法律规定“{lz.wording if lz else ranged_zh(range_)}”: "
                   + (f"是否{'或者'.join(section)}由执法机关裁量" if may else f"须在法定幅度内确定{'还是'.join(section)}")
                   + ", 请填写 leniency_choice; 文书中的决定留空", "leniency_choice")
            effect = f"{BLANK}处罚"
        penalty = [b for b in decision.basis if b.role == "penalty"]
        for b in penalty:
            _cite_basis(d, b)
        if penalty:
            by = f"依据{'、'.join(b.label for b in penalty)}，"
        else:
            by = f"依据《{BLANK}》第{BLANK}条，"
            d.flag("penalty_basis_missing", "决定中没有处罚条款: 请填写所依据的处罚条款(种类、幅度)", "basis")
        says = f"，{lz.wording}" if lz else ""
        items, confiscation = [], ""
        for k in kinds:
            plain = _NOTE.sub("", k).strip()
            if "没收违法所得" in k:
                # ordered by art. 28(2) whatever the leniency (应当予以没收): its own sentence, not
                # part of what is lightened or reduced
                hit = rem.find_paragraph(statutes, rem.PENALTY_LAW, on, _CONFISCATE) if statutes is not None else None
                if hit is not None:
                    label = f"《{hit.law_title}》{hit.article}"
                    d.cite("penalty", label, hit.version, hit.text)
                by_law = f"依据{label}的规定，" if hit is not None else f"依据《{BLANK}》第{BLANK}条的规定，"
                confiscation += f"{by_law}{plain}{BLANK}元(依法应当退赔的除外)。"
            elif any(w in k for w in ("罚款", "没收")):
                items.append(f"{plain}{BLANK}元")
            else:
                items.append(plain)
        content = "；".join(items)
        if content:
            content += f"；{BLANK}(其他处罚种类和数额由执法人员核对填写，无则删去)"
            d.flag("penalty_content_check", f"处罚内容中的“{'、'.join(kinds)}”取自决定的措施, 处罚条款和数额须由执法人员核对填写",
                   "penalty")
        else:
            content = f"{BLANK}(处罚种类和数额，由执法人员填写)"
            d.flag("penalty_content_missing", "处罚的种类和数额由执法人员在法定幅度内确定并填写", "penalty")
        text = f"{because}符合{cited}规定的情形{says}。{by}本机关决定对当事人{effect}：{content}。{confiscation}"
        sections.append(Section(key="leniency", heading="从轻、减轻处罚的理由和依据", paragraphs=[text]))
        title = LENIENCY_TITLE
        _full_decision_needs(statutes, on, d)

    if measures:
        sections.append(Section(key="measures", paragraphs=measures))
    remedy_text, limits = _remedies(on, request, statutes, d, source.domain, kind == "no_penalty")
    sections.append(Section(key="remedies", paragraphs=remedy_text))
    sections.append(Section(key="closing", paragraphs=[f"{request.agency_name or BLANK}(印章)", date_zh(on)]))

    return DraftDocument(
        kind=kind, title=title, agency_name=request.agency_name, document_no=request.document_no,
        case_ref=case_ref, decision_id=source.decision_id, outcome=decision.outcome,
        outcome_zh=decision.outcome_zh or _OUTCOME_ZH.get(decision.outcome, decision.outcome),
        decision_date=on, sections=sections, citations=list(d.citations.values()),
        remedies=limits, flags=d.flags,
    )
