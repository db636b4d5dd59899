"""The case form: the facts contract (penalty_rules.model.facts.CaseFacts) as Chinese form fields,
and form data → facts JSON, validated strictly like the API body.

Answer options come from the same question model as the API (penalty_rules.explain.questions.
answer_spec), so a select in the form offers exactly the options a field app gets with a question.
Facts with open-ended keys (quantities, custom_conditions, special_law_facts, attested) and the prior
offences travel in the form as `extra.<fact>` / `prior-<i>-<field>` fields.
"""

import math
import re
from dataclasses import dataclass, field

from penalty_rules.explain.questions import answer_spec

MAX_PRIORS = 3


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # text | textarea | date | select | bool | number | integer | circumstances
    hint: str = ""
    options: list = field(default_factory=list)  # [(value, label)]
    group: str = "case"


def _opts(fact: str) -> list[tuple[str, str]]:
    return [(str(o.value).lower() if isinstance(o.value, bool) else o.value, o.label)
            for o in answer_spec(fact).get("options", [])]


def fields(domains, jurisdictions) -> list[Field]:
    """Every scalar fact of CaseFacts, in the order an officer fills them."""
    return [
        Field("conduct", "违法行为描述", "textarea", "用执法人员的说法即可, 输入时给出清单条目建议; 请勿填写当事人姓名、证件号等个人信息"),
        Field("item_id", "清单条目编号", "text", "如 cn-tax-2021-6/03; 可从建议中选取; 不属于所提示的条目的, 填 none(按行政处罚法判断)"),
        Field("domain", "执法领域", "select", "", [(d.code, d.zh) for d in domains]),
        Field("jurisdiction", "办案机关所在行政区划", "select", "", [(j.code, f"{j.zh}({j.code})") for j in jurisdictions]),
        Field("act_date", "违法行为发生日期", "date"),
        Field("decision_date", "作出决定的日期", "date", "不填为今天"),
        Field("party_type", "当事人类型", "select", "", _opts("party_type"), "party"),
        Field("birth_date", "出生日期(自然人或个体工商户经营者)", "date", "", [], "party"),
        Field("age", "违法行为时的周岁年龄(只知年龄时填写)", "integer", "", [], "party"),
        Field("first_offense", "是否初次违法", "bool", "此前没有同类违法记录答“是”", _opts("first_offense"), "history"),
        Field("corrected", "改正情况", "select", "", _opts("corrected"), "conduct"),
        Field("harm", "危害后果", "select", "", _opts("harm"), "conduct"),
        Field("minor_violation", "执法人员认定违法行为轻微", "bool", "", _opts("minor_violation"), "conduct"),
        Field("illegal_gains_yuan", "违法所得(元)", "number", "", [], "conduct"),
        Field("goods_value_yuan", "货值金额(元)", "number", "", [], "conduct"),
        Field("circumstances", "从轻、减轻情节", "circumstances", "勾选“已查明”后, 不勾选任何情节即为均无",
              _opts("circumstances"), "conduct"),
        Field("subjective_fault", "主观过错(行政处罚法第三十三条第二款)", "bool", "", _opts("subjective_fault"), "party"),
        Field("mental_condition", "违法行为时的精神或智力状况(经鉴定或者查明)", "select",
              "行政机关的认定, 不能仅凭当事人的陈述; 间歇性精神病人在精神正常时有违法行为的, 应当给予行政处罚",
              _opts("mental_condition"), "party"),
        Field("mental_condition_cause", "违法行为时不能辨认或控制行为(或能力减弱)的原因(经鉴定或者查明)", "select", "",
              _opts("mental_condition_cause"), "party"),
        Field("discovered_date", "行政机关发现违法行为的日期", "date", "", [], "time"),
        Field("continuing", "违法行为有连续或者继续状态", "bool", "", _opts("continuing"), "time"),
        Field("act_end_date", "连续或者继续状态终了的日期", "date", "", [], "time"),
        Field("safety_related", "涉及公民生命健康安全、金融安全且有危害后果", "bool", "", _opts("safety_related"), "time"),
        Field("violated_law", "违反的法律、法规名称", "text", "单行法对追责期限等可能另有规定", [], "time"),
    ]


GROUPS = [
    ("case", "案件"), ("party", "当事人"), ("conduct", "违法行为情节"), ("history", "违法记录"), ("time", "时效与法律适用"),
]
OPEN_GROUPS = ("quantities", "custom_conditions", "special_law_facts", "attested")  # CaseFacts fields with open keys
_EXTRA = re.compile(rf"^extra\.({'|'.join(OPEN_GROUPS)})\.([A-Za-z0-9_]{{1,60}})$")
_NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")
MAX_NUMBER_CHARS = 30  # digits, sign and point: far beyond any amount in yuan, well below int()'s 4300-digit limit


class FormError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _number(name: str, raw: str, integer: bool = False, label: str = ""):
    what = f"“{label}”" if label else ""
    if len(raw) > MAX_NUMBER_CHARS:
        raise FormError(name, f"{what}数值过长: 至多 {MAX_NUMBER_CHARS} 个字符(已填 {len(raw)} 个)")
    if not _NUMBER_RE.match(raw):
        raise FormError(name, f"{what}须为" + ("整数" if integer else "数字") + f", 而不是 {raw!r}")
    try:
        if integer:
            if "." in raw:
                raise FormError(name, f"{what}须为整数, 而不是 {raw!r}")
            return int(raw)
        value = float(raw)
    except ValueError:
        raise FormError(name, f"{what}不是有效的数字") from None
    if not math.isfinite(value):
        raise FormError(name, "须为有限数")
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _bool(name: str, raw: str) -> bool:
    if raw not in ("true", "false"):
        raise FormError(name, f"须为 是 或 否, 而不是 {raw!r}")
    return raw == "true"


def facts_from_form(form, field_list: list[Field]) -> dict:
    """Form data (a multi-dict) → facts JSON; empty fields are unknown (left out). Raises FormError."""
    facts: dict = {}
    for f in field_list:
        if f.kind == "circumstances":
            if form.get("circumstances_known") == "true":
                allowed = {v for v, _ in f.options}
                chosen = form.getlist("circumstances")
                bad = [c for c in chosen if c not in allowed]
                if bad:
                    raise FormError("circumstances", f"未知的情节 {bad[0]!r}")
                facts["circumstances"] = list(dict.fromkeys(chosen))
            continue
        raw = (form.get(f.name) or "").strip()
        if not raw:
            continue
        if f.kind == "bool":
            facts[f.name] = _bool(f.name, raw)
        elif f.kind == "number":
            facts[f.name] = _number(f.name, raw, label=f.label)
        elif f.kind == "integer":
            facts[f.name] = _number(f.name, raw, integer=True, label=f.label)
        else:
            facts[f.name] = raw
    for name in form.keys():
        m = _EXTRA.match(name)
        if not m:
            continue
        raw = (form.get(name) or "").strip()
        if not raw:
            continue
        group, key = m.groups()
        value = _number(name, raw) if group == "quantities" else _bool(name, raw)
        facts.setdefault(group, {})[key] = value
    priors = []
    for i in range(MAX_PRIORS):
        row = {k: (form.get(f"prior-{i}-{k}") or "").strip()
               for k in ("date", "item_id", "conduct", "same_conduct", "before_act")}
        if not any(row.values()):
            continue
        prior = {k: row[k] for k in ("date", "item_id", "conduct") if row[k]}
        for k in ("same_conduct", "before_act"):
            if row[k]:
                prior[k] = _bool(f"prior-{i}-{k}", row[k])
        priors.append(prior)
    if priors or form.get("priors_known") == "true":
        facts["prior_offenses"] = priors
    return facts


_FACT_NAME = re.compile(r"^[A-Za-z0-9_.\[\]]{1,80}$")
MAX_SKIPPED = 50


def skipped_facts(form) -> list[str]:
    """The questions the officer put off (不知道/暂不回答): the form's `skipped` (fact names, space-separated),
    plus the question shown when the skip button was pressed (`question_fact`). Malformed names are dropped."""
    names = (form.get("skipped") or "").split()
    if form.get("action") == "skip":
        names.append((form.get("question_fact") or "").strip())
    return list(dict.fromkeys(n for n in names if _FACT_NAME.match(n)))[:MAX_SKIPPED]


def apply_answer(facts: dict, form) -> dict:
    """Merge the answer to the decision's next question (fields answer_fact, answer, answer-list) into
    the facts. The answer is typed by the question model's answer_type. Raises FormError."""
    fact = (form.get("answer_fact") or "").strip()
    kind = (form.get("answer_type") or "").strip()
    if not fact or form.get("action") == "skip":  # 不知道/暂不回答: the fact stays unknown
        return facts
    answered = any(v.strip() for v in form.getlist("answer")) or any(
        (form.get(f"answer-prior-{i}-date") or form.get(f"answer-prior-{i}-conduct") or "").strip()
        for i in range(MAX_PRIORS))
    if not answered and form.get("action") != "answer":
        return facts  # the officer pressed 评估 without answering: the form's facts alone
    out = dict(facts)
    if kind == "list_enum":
        allowed = {v for v, _ in _opts("circumstances")}
        chosen = [c for c in form.getlist("answer") if c]
        bad = [c for c in chosen if c not in allowed]
        if bad:
            raise FormError("answer", f"未知的选项 {bad[0]!r}")
        out[fact] = chosen
        return out
    raw = (form.get("answer") or "").strip()
    if kind == "integer" and fact == "prior_offenses":
        rows = []
        for i in range(MAX_PRIORS):
            day = (form.get(f"answer-prior-{i}-date") or "").strip()
            text = (form.get(f"answer-prior-{i}-conduct") or "").strip()
            if day or text:
                if not day:
                    raise FormError(f"answer-prior-{i}-date", "须填写此前违法的日期")
                rows.append({"date": day, "conduct": text or (facts.get("conduct") or facts.get("item_id") or "同一违法行为"),
                             "same_conduct": True})
        if not raw and not rows:
            raise FormError("answer", "请填写次数(没有则填 0)")
        count = _number("answer", raw, integer=True) if raw else len(rows)
        if count != len(rows):
            raise FormError("answer", f"次数为 {count}, 须逐次填写日期(已填 {len(rows)} 次; 至多 {MAX_PRIORS} 次)")
        out["prior_offenses"] = rows
        return out
    if not raw:
        raise FormError("answer", "请先作答再提交")
    m = re.match(r"^prior_offenses\[(\d{1,3})\]\.(same_conduct|before_act)$", fact)
    if m:
        i = int(m.group(1))
        priors = [dict(p) for p in facts.get("prior_offenses") or []]
        if i >= len(priors):
            raise FormError("answer", f"没有第 {i + 1} 条违法记录")
        priors[i][m.group(2)] = _bool("answer", raw)
        out["prior_offenses"] = priors
        return out
    if "." in fact:
        group, key = fact.split(".", 1)
        if group not in OPEN_GROUPS:
            raise FormError("answer", f"无法填写事实 {fact}")
        value = _number("answer", raw) if group == "quantities" else _bool("answer", raw)
        out[group] = {**(facts.get(group) or {}), key: value}
        return out
    if kind == "boolean":
        out[fact] = _bool("answer", raw)
    elif kind == "number":
        out[fact] = _number("answer", raw)
    elif kind == "integer":
        out[fact] = _number("answer", raw, integer=True)
    else:
        out[fact] = raw
    return out


def extras_of(facts: dict) -> list[tuple[str, str]]:
    """The open-keyed facts as (form field name, value) pairs for hidden inputs."""
    out = []
    for group in OPEN_GROUPS:
        for key, value in (facts.get(group) or {}).items():
            out.append((f"extra.{group}.{key}", str(value).lower() if isinstance(value, bool) else str(value)))
    return out


def form_values(facts: dict) -> dict:
    """Facts → the values the form fields show."""
    vals = {}
    for k, v in facts.items():
        if isinstance(v, bool):
            vals[k] = "true" if v else "false"
        elif isinstance(v, (int, float, str)):
            vals[k] = str(v)
    return vals
