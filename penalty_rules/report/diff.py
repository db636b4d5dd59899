"""What changed between two list versions: items added, removed and changed (by item id), with
field-level changes (dotted path, old value, new value), and changes to the document's own fields.

For legal reviewers every changed item also carries its changes in words (conditions by their
labels, thresholds with units, outcomes in Chinese) and a direction: 放宽 (every part admits more
cases or a more lenient outcome by the corpus's precedence), 收紧 (every part the opposite), 需审核
(mixed, or not decidable such as changed wording). Changes of worked examples only are test data,
not law: they are listed apart (示例变化) and not counted as 修改."""

import difflib
import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from penalty_rules.errors import UnknownListVersion
from penalty_rules.model.citation import Citation
from penalty_rules.engine.premises import ground_kind, premises_of
from penalty_rules.model.conditions import Conditions, Custom, Threshold, condition_key, condition_label
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.facts import BOOLEAN_LABELS, CaseFacts
from penalty_rules.model.item import Escalation, Example, Item
from penalty_rules.model.listdoc import ListDocument
from penalty_rules.model.outcome import Outcome, outcome_zh
from penalty_rules.model.vocabulary import VOCABULARY
from penalty_rules.replay.report import fact_zh


class UnknownVersionKey(UnknownListVersion):
    """A version key that names no loaded list version; carries the closest keys."""

    def __init__(self, key: str, close_matches: list[str]):
        super().__init__(key)
        self.close_matches = close_matches


class FieldChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str = Field(description="字段路径, 如 conditions.all 或 provenance.source_item_no")
    old: Any = None
    new: Any = None
    field_zh: str | None = Field(default=None, description="字段的中文名, 如 条件(须全部满足)")
    old_zh: str | None = Field(default=None, description="原值的文字(条件用中文名, 处理结果用中文)")
    new_zh: str | None = Field(default=None, description="新值的文字")
    direction: str | None = Field(default=None, description="清单本身字段的变化的方向(document_changes): lenient 放宽 | "
                                  "stricter 收紧 | review 需审核 | none 不影响适用; 条目字段的变化为 null(方向在 parts)")
    direction_zh: str | None = None


class ChangePart(BaseModel):
    """One change of an item in the reviewer's words, with its direction."""

    model_config = ConfigDict(frozen=True)

    field: str = Field(description="字段代码, 如 conditions.all、outcome")
    field_zh: str = Field(description="字段中文名, 如 条件(须全部满足)")
    text_zh: str = Field(description="变化的说明, 如 删去条件: 首次违法")
    old_zh: str | None = None
    new_zh: str | None = None
    direction: str = Field(description="lenient 放宽 | stricter 收紧 | review 需审核 | none 不影响适用")
    direction_zh: str


class ItemSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    domain: str
    outcome: Outcome
    violation: str


class ItemChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    changes: list[FieldChange]
    fields: list[str] = Field(default_factory=list, description="改动的条目字段(顶层), 如 outcome、conditions")
    domain: str | None = Field(default=None, description="新版本中条目的执法领域")
    violation: str | None = Field(default=None, description="新版本中条目的违法行为")
    direction: str | None = Field(default=None, description="lenient 放宽 | stricter 收紧 | review 需审核 | "
                                  "none 不影响适用(只改了出处、检索词)")
    direction_zh: str | None = None
    parts: list[ChangePart] = Field(default_factory=list, description="变化的说明(示例除外), 各有方向")
    examples: list[ChangePart] = Field(default_factory=list, description="示例的变化(不是法律内容)")


class DiffCounts(BaseModel):
    model_config = ConfigDict(frozen=True)

    added: int
    removed: int
    changed: int
    unchanged: int = Field(description="内容未变的条目(包括只改了示例的)")
    document_fields_changed: int
    lenient: int = Field(default=0, description="修改的条目中放宽的")
    stricter: int = Field(default=0, description="修改的条目中收紧的")
    review: int = Field(default=0, description="修改的条目中需审核的(有宽有严, 或无法判断)")
    no_effect: int = Field(default=0, description="修改的条目中只改出处、检索词的")
    examples_changed: int = Field(default=0, description="示例有变化的条目(不计入修改)")


class DomainDiff(BaseModel):
    """One enforcement domain: item counts in both versions and what changed."""

    model_config = ConfigDict(frozen=True)

    domain: str
    zh: str | None = None
    items_a: int
    items_b: int
    added: int
    removed: int
    changed: int
    fields: dict[str, int] = Field(default_factory=dict, description="改动的字段 → 条目数")
    lenient: int = Field(default=0, description="修改的条目中放宽的")
    examples_changed: int = Field(default=0, description="示例有变化的条目(不计入修改)")


class Figures(BaseModel):
    """The figures in the form the city uses: +381 / −35, domains 29 → 41."""

    model_config = ConfigDict(frozen=True)

    items_a: int
    items_b: int
    added: int
    removed: int
    changed: int
    domains_a: int
    domains_b: int
    text_zh: str
    changes_zh: str | None = Field(default=None, description="修改的方向与示例变化, 如 修改 2 条: 放宽 1 条、收紧 1 条")


def changes_text(s: "DiffCounts") -> str:
    kinds = [(s.lenient, "放宽"), (s.review, "需审核"), (s.stricter, "收紧"), (s.no_effect, "不影响适用")]
    text = f"修改 {s.changed} 条" + (": " + "、".join(f"{z} {n} 条" for n, z in kinds if n) if s.changed else "")
    if s.examples_changed:
        text += f";示例变化 {s.examples_changed} 条(不计入修改)"
    return text


def figures_text(f: dict) -> str:
    return (f"条目 +{f['added']} / −{f['removed']}(修改 {f['changed']} 条), 条目数 {f['items_a']} → {f['items_b']},"
            f" 领域 {f['domains_a']} → {f['domains_b']}")


class VersionDiff(BaseModel):
    model_config = ConfigDict(frozen=True)

    a: str
    b: str
    document_changes: list[FieldChange]
    added: list[ItemSummary]
    removed: list[ItemSummary]
    changed: list[ItemChange]
    summary: DiffCounts
    by_domain: list[DomainDiff] = Field(default_factory=list, description="按执法领域的新增、删除、修改")
    figures: Figures | None = None
    examples_changed: list[ItemChange] = Field(
        default_factory=list, description="只改了示例的条目(不计入修改; changed 中的条目的示例变化在其 examples)")


def close_keys(corpus: Corpus, key: str, n: int = 5) -> list[str]:
    keys = sorted(d.key for d in corpus.documents)
    found = difflib.get_close_matches(key, keys, n=n, cutoff=0.5)
    if not found:  # same list id, any version
        doc_id = key.split("@", 1)[0]
        found = [k for k in keys if k.split("@", 1)[0] == doc_id][:n]
    return found


def resolve(corpus: Corpus, key: str) -> ListDocument:
    doc = corpus.document(key)
    if doc is None:
        raise UnknownVersionKey(key, close_keys(corpus, key))
    return doc


def _join(prefix: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{prefix}[{part}]"
    return f"{prefix}.{part}" if prefix else part


def field_changes(old: Any, new: Any, prefix: str = "") -> list[FieldChange]:
    """Changes between two JSON values. Mappings are compared key by key and lists of equal length
    element by element; a list whose length changed is reported whole."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in list(old) + [k for k in new if k not in old]:
            out += field_changes(old.get(key), new.get(key), _join(prefix, key))
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (o, n) in enumerate(zip(old, new)):
            out += field_changes(o, n, _join(prefix, i))
        return out
    return [FieldChange(path=prefix or "(整体)", old=old, new=new)]


# -- readable changes and their direction (for legal reviewers) ---------------------------------

LENIENT, STRICTER, REVIEW, NONE = "lenient", "stricter", "review", "none"
DIRECTION_ZH = {LENIENT: "放宽", STRICTER: "收紧", REVIEW: "需审核", NONE: "不影响适用"}
DIRECTION_ORDER = {LENIENT: 0, REVIEW: 1, STRICTER: 2, NONE: 3}

FIELD_ZH = {
    "id": "条目编号", "domain": "执法领域", "outcome": "处理结果", "premises": "法定前提", "violation": "违法行为", "violated": "违反的规定",
    "penalty_basis": "处罚依据", "exemption_basis": "不予/减轻处罚的依据", "conditions": "条件",
    "conditions.all": "条件(须全部满足)", "conditions.any_of": "可选条件组(满足其一)", "measures": "措施",
    "escalation": "再次违法的处理", "same_conduct_as": "其他清单中的同一行为", "keywords": "检索关键词",
    "effective_from": "生效日期", "effective_to": "失效日期", "provenance": "出处", "examples": "示例",
    "provenance.source_item_no": "出处·来源序号", "provenance.sub_list": "出处·分清单", "provenance.url": "出处·页面地址",
    "provenance.confidence": "出处·可信度", "provenance.reviewed": "出处·已审核(旧字段)",
    "provenance.conditions_text": "出处·条件原文", "provenance.note": "出处·说明", "provenance.flags": "出处·待核实字段",
    # the document's own fields
    "version": "版本", "title": "标题", "issuer": "发布机关", "doc_no": "文号", "jurisdiction": "行政区划",
    "locality": "适用地域", "level": "层级", "effective_year": "生效年份", "status": "状态", "url": "页面地址",
    "other_urls": "其他页面地址", "supersedes": "取代的版本", "notes": "说明", "first_offense": "首违认定",
    "published_on": "发布日期",
}
CONFIDENCE_ZH = {"high": "高", "medium": "中", "low": "低"}
DOC_VALUE_ZH = {  # the document's enumerated fields
    "status": {"draft": "草案", "in_force": "施行", "repealed": "已废止"},
    "level": {"national": "国家", "province": "省", "city": "市", "county": "县", "analogue": "外地(类比)"},
}
# fields whose change does not change when or how an item applies
NEUTRAL_FIELDS = {"provenance", "keywords"}


def field_zh(path: str) -> str:
    """Chinese name of a (dotted) field path: the longest known prefix, the rest kept as code."""
    bare = re.sub(r"\[\d+\]", "", path)
    parts = bare.split(".")
    for n in range(len(parts), 0, -1):
        head = ".".join(parts[:n])
        if head in FIELD_ZH:
            rest = ".".join(parts[n:])
            return FIELD_ZH[head] + (f"·{rest}" if rest else "")
    return path


def _num(v: float) -> str:
    return f"{v:g}"


def cond_text(cond) -> str:
    """A condition as the reviewer reads it (model.conditions.condition_label; an unknown tag as it is)."""
    return cond if isinstance(cond, str) and cond not in VOCABULARY.conditions else condition_label(cond)


def conds_text(conds) -> str:
    return "、".join(cond_text(c) for c in conds) if conds else "(无)"


def bundles_text(bundles) -> str:
    return ";或 ".join(f"[{conds_text(b)}]" for b in bundles) if bundles else "(无)"


def value_zh(path: str, value: Any) -> str:
    """A JSON value of an item or document field, in words (conditions and outcomes by their labels)."""
    if value is None:
        return "(无)"
    top = path.split(".", 1)[0].split("[", 1)[0]
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        if top in ("outcome", "expected") or path.endswith(".outcome") or path.endswith(".expected"):
            return outcome_zh(value)
        if path.endswith("confidence"):
            return CONFIDENCE_ZH.get(value, value)
        if path in DOC_VALUE_ZH:
            return f"{DOC_VALUE_ZH[path].get(value, value)}({value})"
        if top == "conditions" and value in VOCABULARY.conditions:
            return cond_text(value)
        return value
    if isinstance(value, (int, float)):
        return _num(value)
    if top == "conditions":
        try:
            if isinstance(value, list) and all(isinstance(v, list) for v in value) and value:
                return bundles_text([[_cond(c) for c in b] for b in value])
            if isinstance(value, list):
                return conds_text([_cond(c) for c in value])
            if isinstance(value, dict):
                return cond_text(_cond(value))
        except (ValueError, TypeError):
            pass
    if isinstance(value, list) and all(isinstance(v, dict) and "law" in v for v in value):
        try:
            return "、".join(Citation.model_validate(v).label() for v in value) or "(无)"
        except ValueError:
            pass
    if isinstance(value, dict) and "law" in value:
        try:
            return Citation.model_validate(value).label()
        except ValueError:
            pass
    if top == "escalation" and isinstance(value, list):
        return ";".join(escalation_text(Escalation.model_validate(v)) for v in value) or "(无)"
    if top == "examples" and isinstance(value, list):
        return ";".join(example_text(Example.model_validate(v)) for v in value) or "(无)"
    if top == "examples" and isinstance(value, dict) and "name" in value:
        return example_text(Example.model_validate(value))
    if top == "examples" and isinstance(value, dict):
        return facts_text(value)
    if isinstance(value, list):
        return "、".join(value_zh(path, v) for v in value) or "(无)"
    return json.dumps(value, ensure_ascii=False)


def _cond(raw):
    if isinstance(raw, str):
        return raw
    if "custom" in raw:
        return Custom.model_validate(raw)
    return Threshold.model_validate(raw)


def escalation_text(step: Escalation) -> str:
    text = f"此前同项违法 {step.prior_count} 次: {step.outcome.zh}"
    if step.measures:
        text += f"(措施: {'、'.join(step.measures)})"
    return text


def _fact_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return BOOLEAN_LABELS[value]
    field = CaseFacts.model_fields.get(key)
    extra = getattr(field, "json_schema_extra", None) if field is not None else None
    labels = extra.get("x-enum-labels") if isinstance(extra, dict) else None
    if labels and isinstance(value, str):
        return labels.get(value, value)
    if isinstance(value, list):
        return "、".join(_fact_value(key, v) for v in value) or "无"
    if isinstance(value, dict):
        return ", ".join(f"{fact_zh(f'{key}.{k}')}: {_fact_value(k, v)}" for k, v in value.items())
    return str(value)


def facts_text(facts: dict) -> str:
    return ", ".join(f"{fact_zh(k)}: {_fact_value(k, v)}" for k, v in facts.items()) or "(无事实)"


def example_text(ex: Example) -> str:
    expected = outcome_zh(ex.expected if isinstance(ex.expected, str) else ex.expected.value)
    return f"「{ex.name}」{facts_text(ex.facts)} → 预期 {expected}"


def _part(field: str, text: str, direction: str, old: str | None = None, new: str | None = None) -> ChangePart:
    return ChangePart(field=field, field_zh=field_zh(field), text_zh=text, old_zh=old, new_zh=new,
                      direction=direction, direction_zh=DIRECTION_ZH[direction])


def combine(directions) -> str:
    """放宽 only if every part is more lenient, 收紧 only if every part is stricter, else 需审核."""
    found = {d for d in directions if d != NONE}
    if not found:
        return NONE
    return found.pop() if len(found) == 1 else REVIEW


def threshold_direction(old: Threshold, new: Threshold) -> str:
    """Whether the cases meeting `new` include (放宽) or are included in (收紧) those meeting `old`."""
    upper = {"max", "lt"}
    if old.quantity != new.quantity or (old.op in upper) != (new.op in upper):
        return REVIEW
    if old.op in upper:  # ≤ b or < b: a higher bound, or ≤ for < at the same bound, admits more cases
        k_old, k_new = (old.bound, old.op == "max"), (new.bound, new.op == "max")
    else:  # ≥ b or > b: a lower bound, or ≥ for > at the same bound, admits more cases
        k_old, k_new = (-old.bound, old.op == "min"), (-new.bound, new.op == "min")
    if k_new == k_old:
        return NONE
    return LENIENT if k_new > k_old else STRICTER


def _multiset_diff(old: list, new: list) -> tuple[list, list]:
    """Conditions only in `old`, only in `new` (by condition key, counted)."""
    left = list(new)
    removed = []
    for c in old:
        k = condition_key(c)
        hit = next((i for i, n in enumerate(left) if condition_key(n) == k), None)
        if hit is None:
            removed.append(c)
        else:
            left.pop(hit)
    return removed, left


def _conjunct_parts(field: str, old: list, new: list, where: str = "") -> list[ChangePart]:
    """A conjunction (conditions.all, or one bundle of any_of): a condition removed admits more cases
    (放宽), one added fewer (收紧); a threshold on the same quantity is compared by its bound; a custom
    condition whose wording changed cannot be decided (需审核)."""
    removed, added = _multiset_diff(old, new)
    parts = []
    for r in [c for c in removed if isinstance(c, Threshold)]:
        a = next((c for c in added if isinstance(c, Threshold) and c.quantity == r.quantity), None)
        if a is None:
            continue
        removed.remove(r)
        added.remove(a)
        d = threshold_direction(r, a)
        parts.append(_part(field, f"{where}阈值修改: {r.label()} → {a.label()}", d, r.label(), a.label()))
    old_custom = [c for c in removed if isinstance(c, Custom)]
    new_custom = [c for c in added if isinstance(c, Custom)]
    for r, a in zip(old_custom, new_custom):
        removed.remove(r)
        added.remove(a)
        parts.append(_part(field, f"{where}条件措辞修改: {r.custom} → {a.custom}", REVIEW, r.custom, a.custom))
    for r in removed:
        parts.append(_part(field, f"{where}删去条件: {cond_text(r)}", LENIENT, cond_text(r), None))
    for a in added:
        parts.append(_part(field, f"{where}新增条件: {cond_text(a)}", STRICTER, None, cond_text(a)))
    return parts


def _bundle_key(bundle) -> tuple:
    return tuple(sorted(condition_key(c) for c in bundle))


def condition_parts(old: Conditions, new: Conditions) -> list[ChangePart]:
    parts = _conjunct_parts("conditions.all", old.all, new.all)
    if [_bundle_key(b) for b in old.any_of] == [_bundle_key(b) for b in new.any_of]:
        return parts
    f = "conditions.any_of"
    if not old.any_of:  # a requirement that did not exist
        return parts + [_part(f, f"新增可选条件组(须满足其一): {bundles_text(new.any_of)}", STRICTER,
                              None, bundles_text(new.any_of))]
    if not new.any_of:  # the requirement dropped
        return parts + [_part(f, f"删去全部可选条件组: {bundles_text(old.any_of)}", LENIENT,
                              bundles_text(old.any_of), None)]
    left = list(new.any_of)
    gone = []
    for b in old.any_of:
        hit = next((i for i, n in enumerate(left) if _bundle_key(n) == _bundle_key(b)), None)
        if hit is None:
            gone.append(b)
        else:
            left.pop(hit)
    if len(gone) == len(left):  # bundles edited in place
        for b_old, b_new in zip(gone, left):
            parts += _conjunct_parts(f, b_old, b_new, where=f"可选条件组 [{conds_text(b_old)}] 中")
        return parts
    for b in gone:  # fewer alternatives: stricter
        parts.append(_part(f, f"删去一组可选条件: [{conds_text(b)}]", STRICTER, f"[{conds_text(b)}]", None))
    for b in left:  # one more alternative: more lenient
        parts.append(_part(f, f"新增一组可选条件: [{conds_text(b)}]", LENIENT, None, f"[{conds_text(b)}]"))
    return parts


def _rank(registry, outcome: Outcome) -> int:
    return registry.rank(outcome) if registry is not None else outcome.leniency


def _date(d) -> str:
    return d.isoformat() if d else "(未载明)"


def date_parts(old: Item, new: Item, doc_a: ListDocument, doc_b: ListDocument) -> list[ChangePart]:
    """The item's own dates (which take precedence over the list's): a longer period is 放宽."""
    parts = []
    if old.effective_from != new.effective_from:
        a, b = old.effective_from or doc_a.effective_from, new.effective_from or doc_b.effective_from
        d = REVIEW if a is None or b is None else NONE if a == b else LENIENT if b < a else STRICTER
        text = (f"条目生效日期: {_own(old.effective_from, doc_a.effective_from)}"
                f" → {_own(new.effective_from, doc_b.effective_from)}")
        parts.append(_part("effective_from", text, d, _date(a), _date(b)))
    if old.effective_to != new.effective_to:
        a, b = old.effective_to or doc_a.effective_to, new.effective_to or doc_b.effective_to
        d = NONE if a == b else LENIENT if a is not None and (b is None or b > a) else STRICTER
        text = (f"条目失效日期: {_own(old.effective_to, doc_a.effective_to, True)}"
                f" → {_own(new.effective_to, doc_b.effective_to, True)}")
        parts.append(_part("effective_to", text, d, _date_to(a), _date_to(b)))
    return parts


def _date_to(d) -> str:
    return d.isoformat() if d else "(无失效日期)"


def _own(own, listed, to: bool = False) -> str:
    if own:
        return own.isoformat()
    shown = _date_to(listed) if to else _date(listed)
    return f"同清单({shown})"


def escalation_parts(old: Item, new: Item, registry) -> list[ChangePart]:
    if old.escalation == new.escalation:
        return []
    a = {s.prior_count: s for s in old.escalation}
    b = {s.prior_count: s for s in new.escalation}
    old_text = ";".join(escalation_text(s) for s in old.escalation) or "(无)"
    new_text = ";".join(escalation_text(s) for s in new.escalation) or "(无)"
    directions = []
    if set(a) != set(b):
        directions.append(REVIEW)
    for n in set(a) & set(b):
        sa, sb = a[n], b[n]
        if sa == sb:
            continue
        if sa.model_copy(update={"outcome": sb.outcome}) != sb:  # measures or note changed
            directions.append(REVIEW)
        ra, rb = _rank(registry, sa.outcome), _rank(registry, sb.outcome)
        directions.append(NONE if ra == rb else LENIENT if rb > ra else STRICTER)
    return [_part("escalation", f"再次违法的处理: {old_text} → {new_text}", combine(directions), old_text, new_text)]


_TEXT_FIELDS = ("domain", "violation", "violated", "penalty_basis", "exemption_basis", "measures", "same_conduct_as")


def premise_parts(old: Item, new: Item, citable_a: bool, citable_b: bool) -> list[ChangePart]:
    """The conditions the engine adds by law (engine.premises: the harm, correction and 轻微 premises of
    行政处罚法 33(1) by the item's ground, the police's 160(一)) follow from the outcome and the conditions: a
    change of either may add or drop them, so the list's own change alone does not say which way the answer
    moves (不予处罚 → 减轻处罚 drops 33(1)'s no-harm premise; adding 初次违法 moves the ground to 33(1)'s second
    sentence: 没有造成危害后果 becomes 危害后果轻微). Said, and needing review."""
    pa, pb = premises_of(old, citable_a), premises_of(new, citable_b)  # citable: the list's (ListDocument.citable)
    ka, kb = ground_kind(old), ground_kind(new)
    if pa == pb and ka == kb:
        return []
    label = {"minor": "违法行为轻微(第三十三条第一款第一句)", "first_offense": "初次违法(第三十三条第一款第二句)",
             "no_fault": "没有主观过错(第三十三条第二款)", None: "无"}
    text = lambda tags: "、".join(cond_text(t) for t in tags) or "无"  # noqa: E731
    return [_part("premises", f"法定前提变化(引擎按法律添加的条件): 依据 {label[ka]} → {label[kb]}; 前提 {text(pa)} → "
                  f"{text(pb)}", REVIEW, text(pa), text(pb))]


def item_parts(old: Item, new: Item, doc_a: ListDocument, doc_b: ListDocument, registry) -> list[ChangePart]:
    """The legal changes of an item (examples aside) in words, each with its direction."""
    parts = []
    if old.outcome != new.outcome:
        ra, rb = _rank(registry, old.outcome), _rank(registry, new.outcome)
        d = LENIENT if rb > ra else STRICTER if rb < ra else NONE
        parts.append(_part("outcome", f"处理结果: {old.outcome.zh} → {new.outcome.zh}", d, old.outcome.zh,
                           new.outcome.zh))
    if old.conditions != new.conditions:
        parts += condition_parts(old.conditions, new.conditions)
    parts += premise_parts(old, new, doc_a.citable, doc_b.citable)
    parts += date_parts(old, new, doc_a, doc_b)
    parts += escalation_parts(old, new, registry)
    for name in _TEXT_FIELDS:  # what the conduct is, its legal basis, the measures: not decidable
        va, vb = getattr(old, name), getattr(new, name)
        if va == vb:
            continue
        ja, jb = (_dump_value(va), _dump_value(vb))
        oa, ob = value_zh(name, ja), value_zh(name, jb)
        if name == "domain" and registry is not None:
            oa, ob = (f"{getattr(registry.domain(v), 'zh', v)}({v})" for v in (va, vb))
        parts.append(_part(name, f"{FIELD_ZH[name]}: {oa} → {ob}", REVIEW, oa, ob))
    for name in ("keywords", "provenance"):  # where it comes from, how it is found: no effect
        va, vb = _dump_value(getattr(old, name)), _dump_value(getattr(new, name))
        for c in field_changes(va, vb, name):
            if c.path == "provenance.reviewed":
                continue
            oa, ob = value_zh(c.path, c.old), value_zh(c.path, c.new)
            parts.append(_part(c.path, f"{field_zh(c.path)}: {oa} → {ob}", NONE, oa, ob))
    return parts


def _dump_value(v):
    if isinstance(v, BaseModel):
        return v.model_dump(mode="json")
    if isinstance(v, list):
        return [x.model_dump(mode="json") if isinstance(x, BaseModel) else x for x in v]
    return v


def example_parts(old: Item, new: Item) -> list[ChangePart]:
    """Worked examples (test data, not law): by name, added, removed or changed."""
    if old.examples == new.examples:
        return []
    a = {e.name: e for e in old.examples}
    b = {e.name: e for e in new.examples}
    parts = []
    removed = [e for e in old.examples if e.name not in b]
    added = [e for e in new.examples if e.name not in a]
    for ea, eb in zip(removed, added):  # renamed in place
        if old.examples.index(ea) == new.examples.index(eb):
            removed.remove(ea)
            added.remove(eb)
            parts.append(_part("examples", f"修改示例: {example_text(ea)} → {example_text(eb)}", NONE,
                               example_text(ea), example_text(eb)))
    for e in old.examples:
        if e.name in b and b[e.name] != e:
            parts.append(_part("examples", f"修改示例: {example_text(e)} → {example_text(b[e.name])}", NONE,
                               example_text(e), example_text(b[e.name])))
    parts += [_part("examples", f"删去示例: {example_text(e)}", NONE, example_text(e), None) for e in removed]
    parts += [_part("examples", f"新增示例: {example_text(e)}", NONE, None, example_text(e)) for e in added]
    if not parts:  # only the order changed
        parts.append(_part("examples", "示例的顺序调整", NONE))
    return parts


def _dump(model: BaseModel) -> dict:
    return model.model_dump(mode="json", exclude_none=False)


def _summary(item: Item) -> ItemSummary:
    return ItemSummary(id=item.id, domain=item.domain, outcome=item.outcome, violation=item.violation)


def _by_domain(a: ListDocument, b: ListDocument, added, removed, changed, registry=None,
               examples=()) -> list[DomainDiff]:
    codes = sorted({i.domain for i in a.items} | {i.domain for i in b.items})
    out = []
    for code in codes:
        fields: dict[str, int] = {}
        for c in changed:
            if c.domain == code:
                for name in c.fields:
                    fields[name] = fields.get(name, 0) + 1
        dom = registry.domain(code) if registry is not None else None
        out.append(DomainDiff(
            domain=code, zh=getattr(dom, "zh", None),
            items_a=sum(i.domain == code for i in a.items), items_b=sum(i.domain == code for i in b.items),
            added=sum(i.domain == code for i in added), removed=sum(i.domain == code for i in removed),
            changed=sum(c.domain == code for c in changed), fields=fields,
            lenient=sum(c.domain == code and c.direction == LENIENT for c in changed),
            examples_changed=sum(c.domain == code for c in examples) + sum(c.domain == code and bool(c.examples)
                                                                         for c in changed),
        ))
    return out


def _readable(c: FieldChange) -> FieldChange:
    return c.model_copy(update={"field_zh": field_zh(c.path), "old_zh": value_zh(c.path, c.old),
                                "new_zh": value_zh(c.path, c.new)})


# the document's fields naming and locating its source: no effect on which case an item decides
DOC_NEUTRAL_FIELDS = {"version", "title", "issuer", "doc_no", "url", "other_urls", "notes", "published_on",
                      "first_offense.source_url"}
# when the version applies (a new version's own dates and status: what makes it a new version)
DOC_TIMING_FIELDS = {"effective_from", "effective_to", "effective_year", "status", "supersedes"}


def _bound_direction(old, new, narrower_is_lenient: bool) -> str:
    """A bound on which prior offences count as the same list's 首违 record (engine.history.derive_first_offense):
    none set counts every prior; a set bound drops the priors outside it, so fewer priors count, more cases are
    首违 and reach the list's lenient outcome. `narrower_is_lenient`: a smaller value drops more (window_years);
    else a larger one does (counted_from, a date: priors before it do not count)."""
    if old is None:
        return LENIENT
    if new is None:
        return STRICTER
    if old == new:
        return NONE
    return LENIENT if (new < old) == narrower_is_lenient else STRICTER


def document_direction(path: str, old: Any, new: Any) -> str:
    """The direction of a change of the list's own fields: 首违认定's window and start by what they let count
    (window_years 2 → 1: a prior of 18 months before no longer counts — 放宽); where and when the list binds,
    the definition's wording and same_kind (not read by the engine), or anything else: 需审核; the source's
    names and addresses: 不影响适用."""
    if path in DOC_NEUTRAL_FIELDS:
        return NONE
    if path == "first_offense.window_years":
        return _bound_direction(old or None, new or None, narrower_is_lenient=True)
    if path == "first_offense.counted_from":  # ISO dates: their strings compare as the dates
        return _bound_direction(old, new, narrower_is_lenient=False)
    return REVIEW


def _document_change(c: FieldChange) -> FieldChange:
    direction = document_direction(c.path, c.old, c.new)
    return _readable(c).model_copy(update={"direction": direction, "direction_zh": DIRECTION_ZH[direction]})


def diff_documents(a: ListDocument, b: ListDocument, registry=None) -> VersionDiff:
    doc_a = {k: v for k, v in _dump(a).items() if k != "items"}
    doc_b = {k: v for k, v in _dump(b).items() if k != "items"}
    items_a = {i.id: i for i in a.items}
    items_b = {i.id: i for i in b.items}
    added = [_summary(i) for i in b.items if i.id not in items_a]
    removed = [_summary(i) for i in a.items if i.id not in items_b]
    changed = []
    examples_only = []
    unchanged = 0
    for item in a.items:
        other = items_b.get(item.id)
        if other is None:
            continue
        changes = field_changes(_dump(item), _dump(other))
        if not changes:
            unchanged += 1
            continue
        top = list(dict.fromkeys(c.path.split(".", 1)[0].split("[", 1)[0] for c in changes))
        parts = item_parts(item, other, a, b, registry) if top != ["examples"] else []
        direction = combine(p.direction for p in parts)
        change = ItemChange(id=item.id, changes=[_readable(c) for c in changes], fields=top, domain=other.domain,
                            violation=other.violation, direction=direction, direction_zh=DIRECTION_ZH[direction],
                            parts=parts, examples=example_parts(item, other))
        if top == ["examples"]:  # test data, not law: not a change of the list's content
            unchanged += 1
            examples_only.append(change.model_copy(update={"direction": None, "direction_zh": None}))
        else:
            changed.append(change)
    changed.sort(key=lambda c: DIRECTION_ORDER[c.direction])  # 放宽 first (stable: list order within)
    document_changes = [_document_change(c) for c in field_changes(doc_a, doc_b)]
    counts = DiffCounts(
        added=len(added),
        removed=len(removed),
        changed=len(changed),
        unchanged=unchanged,
        document_fields_changed=len(document_changes),
        lenient=sum(c.direction == LENIENT for c in changed),
        stricter=sum(c.direction == STRICTER for c in changed),
        review=sum(c.direction == REVIEW for c in changed),
        no_effect=sum(c.direction == NONE for c in changed),
        examples_changed=len(examples_only) + sum(bool(c.examples) for c in changed),
    )
    nums = {"items_a": len(a.items), "items_b": len(b.items), "added": len(added), "removed": len(removed),
            "changed": len(changed), "domains_a": len({i.domain for i in a.items}),
            "domains_b": len({i.domain for i in b.items})}
    return VersionDiff(
        a=a.key,
        b=b.key,
        document_changes=document_changes,
        added=added,
        removed=removed,
        changed=changed,
        summary=counts,
        by_domain=_by_domain(a, b, added, removed, changed, registry, examples_only),
        figures=Figures(**nums, text_zh=figures_text(nums), changes_zh=changes_text(counts)),
        examples_changed=examples_only,
    )


def diff(corpus: Corpus, a: str, b: str) -> VersionDiff:
    """Differences from version key `a` to version key `b` (`<doc-id>@<version>`)."""
    return diff_documents(resolve(corpus, a), resolve(corpus, b), corpus.registry)
