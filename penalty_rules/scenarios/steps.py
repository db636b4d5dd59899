"""The shared Chinese step library for the scenario features (pytest-bdd, `# language: zh-CN`).

Officers' words: 假如 (facts), 当执法人员提交案情 (evaluate), 那么 (expectations). Quotes are ASCII
`"`. A conftest registers the library with `from penalty_rules.scenarios.steps import *`
(pytest-bdd puts the step fixtures into this module's namespace; the star import hands them,
the `case` fixture and the hooks below to the conftest).

Every scenario is evaluated as a Liaocheng case: jurisdiction 371500 unless a step names another
code, decision date DEFAULT_TODAY unless a step gives one (deterministic teaching material).

Tags: @engine_bug marks a scenario the engine is believed to get wrong (xfail, strict);
@disagreement marks a real case whose Liaocheng answer consciously differs from the authority's
decision (a plain marker: the scenario still asserts the Liaocheng answer).

When the environment variable PENALTY_RULES_SCENARIO_LOG names a file, every scenario appends one
JSON line (facts, decision, expected vs actual) to it; `penalty-rules scenarios run` builds its
HTML report from these lines.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from penalty_rules.errors import PenaltyRulesError
from penalty_rules.model.conditions import Custom
from penalty_rules.model.facts import (
    CaseFacts, Circumstance, Corrected, Harm, MentalCondition, MentalConditionCause, PartyType,
)
from penalty_rules.model.outcome import UNDETERMINED, UNDETERMINED_ZH, Outcome
from penalty_rules.model.vocabulary import VOCABULARY

DEFAULT_TODAY = date(2025, 12, 31)
LOG_ENV = "PENALTY_RULES_SCENARIO_LOG"

OUTCOME_LABELS: dict[str, str] = {o.zh: o.value for o in Outcome}
OUTCOME_LABELS.update({o.value: o.value for o in Outcome})
OUTCOME_LABELS.update({UNDETERMINED_ZH: UNDETERMINED, UNDETERMINED: UNDETERMINED, "警告": "lighter_penalty"})
ZH_OF = {o.value: o.zh for o in Outcome} | {UNDETERMINED: UNDETERMINED_ZH}

CORRECTED_LABELS = {
    "发现前主动改正": Corrected.before_discovery,
    "在发现前主动改正": Corrected.before_discovery,
    "发现后责令改正前主动改正": Corrected.voluntarily_after_discovery,
    "在发现后责令改正前主动改正": Corrected.voluntarily_after_discovery,
    "在责令期限内改正": Corrected.within_deadline,
    "责令期限内改正": Corrected.within_deadline,
    "及时改正": Corrected.promptly,
    "超过责令期限后才改正": Corrected.after_deadline,
    "超过责令改正期限后才改正": Corrected.after_deadline,
    "未改正": Corrected.not_corrected,
} | {c.value: c for c in Corrected}
HARM_LABELS = {"没有": Harm.none, "无": Harm.none, "轻微": Harm.minor, "严重": Harm.serious} | {h.value: h for h in Harm}
PARTY_LABELS = {
    "企业": PartyType.enterprise,
    "个体工商户": PartyType.individual_business,
    "自然人": PartyType.individual,
    "其他组织": PartyType.other,
} | {p.value: p for p in PartyType}
CIRCUMSTANCE_LABELS = {
    "积极配合调查": Circumstance.cooperated,
    "主动消除或者减轻危害后果": Circumstance.eliminated_harm,
    "主动消除危害后果": Circumstance.eliminated_harm,
    "受他人胁迫或者诱骗": Circumstance.coerced_or_deceived,
    "受他人胁迫": Circumstance.coerced,
    "受他人诱骗": Circumstance.deceived,
    "主动供述行政机关尚未掌握的违法行为": Circumstance.confessed,
    "主动供述": Circumstance.confessed,
    "有立功表现": Circumstance.meritorious,
} | {c.value: c for c in Circumstance}
# Conditions the officer establishes (vocabulary kind: attested → CaseFacts.attested): by the Chinese
# label (以往违法均已处理) or the tag (prior_violations_handled)
ATTESTED_LABELS: dict[str, str] = {d.zh: t for t, d in VOCABULARY.attested.items()} | {t: t for t in VOCABULARY.attested}
UNKNOWN = {"未知", "不明", "未查明", "-", ""}
NONE_LABELS = {"无", "(无)", "-"}


def _label(table: dict, text: str, what: str):
    text = text.strip()
    if text not in table:
        raise ValueError(f"无法识别的{what} {text!r}; 可用: {'、'.join(table)}")
    return table[text]


def outcome_code(text: str) -> str:
    """An outcome given by its Chinese label (不予处罚 …) or its code (no_penalty …)."""
    return _label(OUTCOME_LABELS, text, "处理结果")


@lru_cache(maxsize=1)
def scenario_engine():
    """One engine per process (the lists are loaded once)."""
    from penalty_rules.engine.engine import Engine

    return Engine.from_settings()


@dataclass
class Check:
    what: str
    expected: str
    actual: str
    ok: bool


@dataclass
class Case:
    """What the scenario has said so far, and what the engine answered."""

    facts: dict[str, Any] = field(default_factory=lambda: {"jurisdiction": "371500"})
    prior_count: int | None = None
    custom: dict[str, bool] = field(default_factory=dict)  # list condition wording → answer
    decision: Any = None
    error: PenaltyRulesError | None = None
    checks: list[Check] = field(default_factory=list)
    original: str | None = None

    def set(self, name: str, value: Any) -> None:
        self.facts[name] = value

    def add_circumstance(self, c: Circumstance) -> None:
        current = self.facts.setdefault("circumstances", [])
        if c.value not in current:
            current.append(c.value)

    def require(self):
        if self.error is not None:
            raise AssertionError(f"案情未被受理: {self.error}")
        if self.decision is None:
            raise AssertionError("尚未提交案情: 缺少步骤 '当执法人员提交案情'")
        return self.decision

    def check(self, what: str, expected: str, actual: str, ok: bool) -> None:
        self.checks.append(Check(what, expected, actual, ok))
        if not ok:
            raise AssertionError(f"{what}: 期望 {expected}, 实际 {actual}")

    def record(self) -> dict[str, Any]:
        d = self.decision
        out: dict[str, Any] = {
            "facts": self.facts,
            "original": self.original,
            "checks": [c.__dict__ for c in self.checks],
            "error": str(self.error) if self.error else None,
        }
        if d is not None:
            out.update(
                outcome=d.outcome, outcome_zh=d.outcome_zh, possible=d.possible_outcomes,
                chosen_item=d.chosen_item, chosen_rule=d.chosen_rule,
                rule_zh=_rule_zh(d),
                basis=[b.label for b in d.basis if _citable(b)],
                reference=[b.label for b in d.basis if not _citable(b)],
                measures=d.measures,
                missing=[{"fact": m.fact, "question": m.question} for m in d.missing_facts],
                warnings=d.warnings, summary=d.summary,
            )
        return out


def _citable(entry) -> bool:
    """A basis entry that is 法律依据 (the summary's and the documents' test, ListCitation.citable); the
    HTTP steps' entries carry only a label (their summary splits them the same way)."""
    document = getattr(entry, "document", None)
    return document is None or document.citable


def _rule_zh(d) -> str | None:
    """The deciding statutory rule by its article, as the trace cites it (the HTTP steps' answers carry
    no trace: None, the report shows the id alone)."""
    trace = getattr(d, "trace", None)
    if trace is None or not getattr(trace, "winner", None):
        return None
    return next((r.citation for r in trace.rules if r.rule == trace.winner and r.citation), None)


@pytest.fixture
def case(request):
    c = Case()
    yield c
    path = os.environ.get(LOG_ENV)
    if path:
        info = getattr(request.node, "_penalty_rules_scenario", {})
        line = {"nodeid": request.node.nodeid, "name": request.node.name, **info, **c.record()}
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")


def pytest_bdd_before_scenario(request, feature, scenario):
    request.node._penalty_rules_scenario = {
        "feature": feature.name, "feature_file": feature.rel_filename, "scenario": scenario.name,
        "line": scenario.line_number,
        # an Examples block's tags reach the example's test as marks, not scenario.tags
        "tags": sorted(set(scenario.tags) | ({"disagreement"} if request.node.get_closest_marker("disagreement") else set())),
    }


def pytest_bdd_apply_tag(tag, function):
    if tag == "engine_bug":
        marker = pytest.mark.xfail(strict=True, reason="engine_bug: 引擎被认为有误, 见场景注释")
        marker(function)
        pytest.mark.engine_bug(function)
        return True
    return None


def _date(text: str) -> date:
    return date.fromisoformat(text.strip())


# ------------------------------------------------------------------------------------ given
@given(parsers.parse('办案机关所在行政区划为 "{code}"'))
def _jurisdiction(case, code):
    case.set("jurisdiction", code)


@given("办案机关为聊城市")
def _liaocheng(case):
    case.set("jurisdiction", "371500")


@given(parsers.parse('适用条目 "{item_id}"'))
def _item(case, item_id):
    case.set("item_id", item_id)


@given(parsers.parse('违法行为为 "{conduct}"'))
def _conduct(case, conduct):
    case.set("conduct", conduct)


@given(parsers.parse('执法领域为 "{domain}"'))
def _domain(case, domain):
    case.set("domain", domain)


@given("当事人首次违法")
def _first(case):
    case.set("first_offense", True)


@given("当事人不是首次违法")
def _not_first(case):
    case.set("first_offense", False)


@given("当事人没有违法记录")
def _no_record(case):
    case.set("prior_offenses", [])


@given(parsers.parse("当事人此前有同项违法 {n:d} 次"))
def _priors(case, n):
    case.prior_count = n
    case.set("prior_offenses", [])  # filled in when the case is submitted (needs item and dates)


@given(parsers.parse('首违情况为 "{value}"'))
def _first_value(case, value):
    value = value.strip()
    if value in UNKNOWN:
        case.facts.pop("first_offense", None)
    else:
        case.set("first_offense", _label({"是": True, "否": False}, value, "首违情况"))


@given("在发现前主动改正")
def _before_discovery(case):
    case.set("corrected", Corrected.before_discovery.value)


@given("在责令期限内改正")
def _within_deadline(case):
    case.set("corrected", Corrected.within_deadline.value)


@given("及时改正")
def _promptly(case):
    case.set("corrected", Corrected.promptly.value)


@given("在发现后责令改正前主动改正")
def _voluntarily_after_discovery(case):
    case.set("corrected", Corrected.voluntarily_after_discovery.value)


@given("超过责令期限后才改正")
def _after_deadline(case):
    case.set("corrected", Corrected.after_deadline.value)


@given("未改正")
def _not_corrected(case):
    case.set("corrected", Corrected.not_corrected.value)


@given(parsers.parse('改正情况为 "{value}"'))
def _corrected_value(case, value):
    if value.strip() in UNKNOWN:
        case.facts.pop("corrected", None)
    else:
        case.set("corrected", _label(CORRECTED_LABELS, value, "改正情况").value)


@given("没有造成危害后果")
def _no_harm(case):
    case.set("harm", Harm.none.value)


@given("危害后果轻微")
def _minor_harm(case):
    case.set("harm", Harm.minor.value)


@given("造成严重危害后果")
def _serious_harm(case):
    case.set("harm", Harm.serious.value)


@given(parsers.parse('危害后果为 "{value}"'))
def _harm_value(case, value):
    if value.strip() in UNKNOWN:
        case.facts.pop("harm", None)
    else:
        case.set("harm", _label(HARM_LABELS, value, "危害后果").value)


@given("违法行为轻微")
def _minor_violation(case):
    case.set("minor_violation", True)


@given("执法人员尚未认定违法行为是否轻微")
def _minor_unknown(case):
    case.facts.pop("minor_violation", None)


@given("违法行为不属轻微")
def _not_minor_violation(case):
    case.set("minor_violation", False)


@given(parsers.parse("违法所得 {amount:g} 元"))
def _gains(case, amount):
    case.set("illegal_gains_yuan", float(amount))


@given("没有违法所得")
def _no_gains(case):
    case.set("illegal_gains_yuan", 0.0)


@given(parsers.parse("涉案货值 {amount:g} 元"))
def _goods(case, amount):
    case.set("goods_value_yuan", float(amount))


@given(parsers.parse("涉案货值不足 {amount:g} 元"))
def _goods_below(case, amount):
    # The page only says "below N": the least value that still keeps the statement true is used.
    case.set("goods_value_yuan", round(float(amount) - 0.01, 2))


@given(parsers.parse('数量 "{name}" 为 {value:g}'))
def _quantity(case, name, value):
    case.facts.setdefault("quantities", {})[name] = float(value)


@given(parsers.parse('当事人为 "{kind}"'))
def _party(case, kind):
    case.set("party_type", _label(PARTY_LABELS, kind, "当事人类型").value)


@given(parsers.parse("当事人年龄 {age:d} 周岁"))
def _age(case, age):
    case.set("age", age)


@given(parsers.parse("当事人出生于 {day}"))
def _birth_date(case, day):
    case.set("birth_date", _date(day).isoformat())


@given("当事人实施违法行为时不能辨认或者不能控制自己的行为")
def _cannot_recognize(case):
    """The condition only: its cause (第三十一条 covers 精神病人、智力残疾人 only) stays unknown."""
    case.set("mental_condition", MentalCondition.cannot_recognize.value)


_CAUSES = {"为精神病人": MentalConditionCause.mental_illness, "为智力残疾人": MentalConditionCause.intellectual_disability,
           "因醉酒等其他原因": MentalConditionCause.other}


@given(parsers.re("当事人(?P<cause>" + "|".join(_CAUSES) + "), 实施违法行为时不能辨认或者不能控制自己的行为"))
def _cannot_recognize_because(case, cause):
    """The condition and its cause (第三十一条: 精神病人、智力残疾人 only; 醉酒等 is not its case)."""
    case.set("mental_condition", MentalCondition.cannot_recognize.value)
    case.set("mental_condition_cause", _CAUSES[cause].value)


@given("当事人为尚未完全丧失辨认或者控制能力的精神病人")
def _limited(case):
    case.set("mental_condition", MentalCondition.limited.value)
    case.set("mental_condition_cause", MentalConditionCause.mental_illness.value)


@given("当事人精神状况正常")
def _mental_none(case):
    case.set("mental_condition", MentalCondition.none.value)


@given("当事人有证据足以证明没有主观过错")
def _no_fault(case):
    case.set("subjective_fault", False)


@given("当事人不能证明没有主观过错")
def _fault(case):
    case.set("subjective_fault", True)


@given(parsers.parse('当事人有情节 "{label}"'))
def _circumstance(case, label):
    case.add_circumstance(_label(CIRCUMSTANCE_LABELS, label, "情节"))


@given("当事人没有从轻减轻情节")
def _no_circumstances(case):
    case.facts.setdefault("circumstances", [])


@given("执法人员提交前未询问情节")
def _circumstances_unknown(case):
    case.facts.pop("circumstances", None)


@given(parsers.parse('符合清单条件 "{text}"'))
def _custom_true(case, text):
    case.custom[text] = True


@given(parsers.parse('不符合清单条件 "{text}"'))
def _custom_false(case, text):
    case.custom[text] = False


def _attested_tag(label: str) -> str:
    label = label.strip()
    if label not in ATTESTED_LABELS:
        allowed = "、".join(f"{d.zh}({t})" for t, d in VOCABULARY.attested.items())
        raise AssertionError(f"无法识别的认定事项 {label!r}; 可用: {allowed}")
    return ATTESTED_LABELS[label]


@given(parsers.parse('执法人员认定 "{label}"'))
def _attested_true(case, label):
    """A list condition the officer establishes (词表 kind: attested), e.g. 执法人员认定 "以往违法均已处理"."""
    case.facts.setdefault("attested", {})[_attested_tag(label)] = True


@given(parsers.parse('执法人员认定不符合 "{label}"'))
def _attested_false(case, label):
    case.facts.setdefault("attested", {})[_attested_tag(label)] = False


@given(parsers.parse("违法行为发生于 {day}"))
def _act_date(case, day):
    case.set("act_date", _date(day).isoformat())


@given(parsers.parse("违法行为于 {day} 被发现"))
def _discovered(case, day):
    case.set("discovered_date", _date(day).isoformat())


@given(parsers.parse("决定日期为 {day}"))
def _decision_date(case, day):
    case.set("decision_date", _date(day).isoformat())


@given("违法行为没有连续或者继续状态")
def _not_continuing(case):
    case.set("continuing", False)
    case.facts.pop("act_end_date", None)


@given("违法行为有连续或者继续状态")
def _continuing(case):
    case.set("continuing", True)


@given(parsers.parse("违法行为有连续或者继续状态, 于 {day} 终了"))
def _continuing_until(case, day):
    case.set("continuing", True)
    case.set("act_end_date", _date(day).isoformat())


@given(parsers.parse('本案违反的法律为 "{law}"'))
def _violated_law(case, law):
    case.set("violated_law", law.strip())


@given("涉及公民生命健康安全且有危害后果")
def _safety(case):
    case.set("safety_related", True)


@given("不涉及公民生命健康安全、金融安全")
def _not_safety(case):
    case.set("safety_related", False)


# ------------------------------------------------------------------------------------ when
def _expand_priors(case: Case) -> None:
    if case.prior_count is None:
        return
    item = case.facts.get("item_id")
    if not item:
        raise AssertionError("'当事人此前有同项违法 N 次' 需要先给出适用条目")
    act = date.fromisoformat(case.facts["act_date"]) if "act_date" in case.facts else DEFAULT_TODAY
    case.facts["prior_offenses"] = [
        {"item_id": item, "date": (act - timedelta(days=30 * (i + 1))).isoformat()} for i in range(case.prior_count)
    ]


def _expand_custom(case: Case) -> None:
    """List conditions are keyed per item: the key needs the item the scenario names."""
    if not case.custom:
        return
    item = case.facts.get("item_id")
    if not item:
        raise AssertionError("'符合清单条件 ...' 需要先给出适用条目")
    # the wording must be one of the item's own list conditions: a key no condition uses would be
    # silently ignored (the scenario would end undetermined with no error)
    refs = scenario_engine().corpus.item_refs(item)  # an unknown item: the engine's own error follows
    known = {c.key: c.custom for ref in refs for c in ref.item.conditions.iter_all() if isinstance(c, Custom)}
    answers = case.facts.setdefault("custom_conditions", {})
    for text, value in case.custom.items():
        key = Custom(custom=text).scoped(item).key
        if refs and key not in known:
            attested = f"; 执法人员认定的条件请用: 执法人员认定 \"{text}\"" if text in ATTESTED_LABELS else ""
            listed = "、".join(f"“{w}”" for w in dict.fromkeys(known.values())) or "(该条目没有清单特有条件)"
            raise AssertionError(f"条目 {item} 没有清单条件 “{text}”(须与清单原文一致); 该条目的清单条件: {listed}"
                                 + attested)
        answers[key] = value


@when("执法人员提交案情")
def _submit(case):
    _expand_priors(case)
    _expand_custom(case)
    try:
        facts = CaseFacts.model_validate(case.facts)
        case.decision = scenario_engine().evaluate(facts, today=DEFAULT_TODAY)
    except PenaltyRulesError as exc:  # invalid facts: the officer sees the message
        case.error = exc
    except ValueError as exc:  # pydantic validation error
        case.error = PenaltyRulesError(str(exc))


# ------------------------------------------------------------------------------------ then
@then(parsers.parse('处理建议为 "{label}"'))
def _outcome(case, label):
    expected = outcome_code(label)
    d = case.require()
    case.check("处理建议", ZH_OF[expected], f"{d.outcome_zh}({d.outcome})", d.outcome == expected)


@then(parsers.parse('处理建议的表述为 "{text}"'))
def _outcome_text(case, text):
    """The wording of the answer (outcome_zh), e.g. 从轻或者减轻处罚 for a rule whose range is both."""
    d = case.require()
    case.check("处理建议的表述", text, d.outcome_zh, d.outcome_zh == text.strip())


@then(parsers.parse('可能的处理结果包含 "{label}"'))
def _possible(case, label):
    expected = outcome_code(label)
    d = case.require()
    case.check("可能的处理结果", ZH_OF[expected], "、".join(ZH_OF[o] for o in d.possible_outcomes) or "(无)",
               expected in d.possible_outcomes)


@then(parsers.parse('可能的处理结果不包含 "{label}"'))
def _not_possible(case, label):
    expected = outcome_code(label)
    d = case.require()
    case.check("可能的处理结果不含", ZH_OF[expected], "、".join(ZH_OF[o] for o in d.possible_outcomes) or "(无)",
               expected not in d.possible_outcomes)


@then(parsers.parse('适用条目为 "{item_id}"'))
def _chosen_item(case, item_id):
    d = case.require()
    expected = None if item_id.strip() in NONE_LABELS else item_id
    case.check("适用条目", expected or "(无)", d.chosen_item or "(无)", d.chosen_item == expected)


@then("没有适用的清单条目")
def _no_item(case):
    d = case.require()
    case.check("适用条目", "(无)", d.chosen_item or "(无)", d.chosen_item is None)


@then(parsers.parse('适用规则为 "{rule}"'))
def _chosen_rule(case, rule):
    d = case.require()
    expected = None if rule.strip() in NONE_LABELS else rule
    case.check("适用规则", expected or "(无)", d.chosen_rule or "(无)", d.chosen_rule == expected)


@then(parsers.parse('法律依据包含 "{text}"'))
def _basis(case, text):
    labels = [b.label for b in case.require().basis if _citable(b)]  # 法律依据: not a white paper's practice
    case.check("法律依据", f"包含 {text}", "; ".join(labels) or "(无)", any(text in label for label in labels))


@then(parsers.parse('法律依据不包含 "{text}"'))
def _basis_not(case, text):
    labels = [b.label for b in case.require().basis if _citable(b)]
    case.check("法律依据", f"不含 {text}", "; ".join(labels) or "(无)", not any(text in label for label in labels))


@then(parsers.parse('参考依据包含 "{text}"'))
def _reference(case, text):
    labels = [b.label for b in case.require().basis if not _citable(b)]
    case.check("参考依据", f"包含 {text}", "; ".join(labels) or "(无)", any(text in label for label in labels))


@then(parsers.parse('应采取措施包含 "{text}"'))
def _measure(case, text):
    d = case.require()
    case.check("应采取措施", f"包含 {text}", "、".join(d.measures) or "(无)", any(text in m for m in d.measures))


@then(parsers.parse('需要补充的事实包含 "{fact}"'))
def _missing(case, fact):
    d = case.require()
    names = [m.fact for m in d.missing_facts]
    case.check("需要补充的事实", fact, "、".join(names) or "(无)", any(n == fact or n.startswith(fact + ".") for n in names))


@then(parsers.parse('需要补充的事实不包含 "{fact}"'))
def _not_missing(case, fact):
    d = case.require()
    names = [m.fact for m in d.missing_facts]
    case.check("需要补充的事实不含", fact, "、".join(names) or "(无)", fact not in names)


@then("不需要补充事实")
def _nothing_missing(case):
    d = case.require()
    names = [m.fact for m in d.missing_facts]
    case.check("需要补充的事实", "(无)", "、".join(names) or "(无)", not names)


@then(parsers.parse('应询问 "{text}"'))
def _question(case, text):
    d = case.require()
    questions = [m.question for m in d.missing_facts]
    case.check("应询问", text, " / ".join(questions) or "(无)", any(text in q for q in questions))


@then(parsers.parse('提示包含 "{text}"'))
def _warning(case, text):
    d = case.require()
    case.check("提示", f"包含 {text}", " / ".join(d.warnings) or "(无)", any(text in w for w in d.warnings))


@then(parsers.parse('候选条目 "{item_id}" 对本案不具约束力'))
def _not_binding(case, item_id):
    d = case.require()
    found = [c for c in d.items if c.id == item_id]
    actual = "; ".join(f"{c.id} binding={c.binding} role={c.role}" for c in found) or "(不在候选中)"
    case.check("候选条目约束力", f"{item_id} 不具约束力", actual, bool(found) and not any(c.binding for c in found))


@then(parsers.parse('系统拒绝受理并提示 "{text}"'))
def _rejected(case, text):
    actual = str(case.error) if case.error else f"已受理: {case.decision.outcome_zh if case.decision else '-'}"
    case.check("拒绝受理", text, actual, case.error is not None and text in str(case.error))


@then(parsers.parse('原决定为 "{label}"'))
def _original(case, label, request):
    """The authority's real decision, kept for the trainer, and compared with the engine's answer: a
    definite answer must be the published one, an undetermined answer must keep it possible — unless the
    scenario is tagged @disagreement (its comment then says why the answer differs: a binding list of 聊城,
    a fact the page does not state, an analogue list not binding here). A scenario that reaches another
    answer than the authority's without saying so would teach it as the case's own."""
    code = outcome_code(label)
    case.original = ZH_OF[code]
    # the scenario's tags, and an Examples block's (pytest-bdd applies those as marks on the example's test)
    tags = set(getattr(request.node, "_penalty_rules_scenario", {}).get("tags", ()))
    tags |= {m.name for m in request.node.iter_markers()}
    if "disagreement" in tags or case.error is not None:  # a refused case has no answer to compare
        return
    d = case.require()  # no submission step: an error, not a silent pass
    if d.outcome == UNDETERMINED:
        possible = d.possible_outcomes or []
        case.check("原决定在可能的处理结果中(不同时须标注 @disagreement 并说明理由)", ZH_OF[code],
                   "、".join(ZH_OF.get(o, o) for o in possible) or "(无)", code in possible)
    else:
        case.check("与原决定一致(不同时须标注 @disagreement 并说明理由)", ZH_OF[code], ZH_OF.get(d.outcome, d.outcome),
                   d.outcome == code)
