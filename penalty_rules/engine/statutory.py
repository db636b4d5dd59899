"""Statutory rules of 行政处罚法 (2021 revision, in force 2021-07-15) that apply to every case,
whether or not the conduct is on a list. Each rule carries its citation and shows in the trace
like a list item.

Facts that only the party can raise (age, mental condition, proof of no fault, the limitation
period) are "not raised" while unknown: the rule then does not apply and the trace says so. The
core rules (art. 33(1), art. 32) are strictly three-valued.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from penalty_rules.engine.conditions import FactView, Truth
from penalty_rules.engine.reference import ConditionsResult, evaluate_conditions
from penalty_rules.model.citation import Citation
from penalty_rules.model.conditions import Conditions
from penalty_rules.model.decision import ConditionTrace
from penalty_rules.model.facts import CaseFacts, MentalCondition, PartyType
from penalty_rules.model.outcome import Outcome

LAW = "中华人民共和国行政处罚法"
IN_FORCE = date(2021, 7, 15)

Predicate = Callable[[CaseFacts], tuple[Truth, dict]]


@dataclass(frozen=True)
class Extra:
    """A statutory-only condition (not in the list vocabulary)."""

    key: str
    label: str
    question: str
    facts: tuple[str, ...]
    test: Predicate
    raised_by_party: bool = False  # unknown → not met ("未主张")


@dataclass(frozen=True)
class StatutoryRule:
    id: str
    title: str
    citation: Citation
    outcome: Outcome
    conditions: Conditions = field(default_factory=Conditions)
    extras: tuple[Extra, ...] = ()
    note: str | None = None
    measures: tuple[str, ...] = ()
    new_in_2021: bool = False  # no counterpart in the law before the 2021 revision

    def evaluate(self, facts: CaseFacts, view: FactView) -> ConditionsResult:
        result = evaluate_conditions(self.conditions, view)
        values = [result.satisfied]
        for extra in self.extras:
            value, used = extra.test(facts)
            status = "met" if value is True else "not_met" if value is False else "unknown"
            label = extra.label
            if value is None and extra.raised_by_party:
                value, status, label = False, "not_met", extra.label + "(未主张/未提供, 视为不适用)"
            result.traces.append(ConditionTrace(key=extra.key, label=label, status=status, facts_used=used))
            if value is None:
                for name in extra.facts:
                    result.missing.setdefault(name, extra.key)
            values.append(value)
        if any(v is False for v in values):
            result.satisfied, result.missing = False, {}
        elif all(v is True for v in values):
            result.satisfied = True
        else:
            result.satisfied = None
        return result


def _is_natural_person(f: CaseFacts) -> Truth:
    if f.party_type is None:
        return None
    return f.party_type is PartyType.individual


def _age_under(limit: int, low: int = 0) -> Predicate:
    def test(f: CaseFacts) -> tuple[Truth, dict]:
        used = {"party_type": f.party_type.value if f.party_type else None, "age": f.age}
        person = _is_natural_person(f)
        if person is False:
            return False, used
        if f.age is None:
            return None, used
        return low <= f.age < limit, used

    return test


def _mental(condition: MentalCondition) -> Predicate:
    def test(f: CaseFacts) -> tuple[Truth, dict]:
        used = {"mental_condition": f.mental_condition.value if f.mental_condition else None}
        if f.party_type is not None and f.party_type is not PartyType.individual:
            return False, used
        if f.mental_condition is None:
            return None, used
        return f.mental_condition is condition, used

    return test


def _years_between(start: date, end: date) -> float:
    return (end - start).days / 365.2425


def _limitation(f: CaseFacts) -> tuple[Truth, dict]:
    used = {
        "act_date": f.act_date.isoformat() if f.act_date else None,
        "discovered_date": f.discovered_date.isoformat() if f.discovered_date else None,
        "safety_related": f.safety_related,
    }
    if f.act_date is None or f.discovered_date is None:
        return False, used  # not raised: the party has not shown when the act was discovered

    def beyond(years: int) -> bool:
        try:
            limit = f.act_date.replace(year=f.act_date.year + years)
        except ValueError:
            limit = f.act_date.replace(year=f.act_date.year + years, day=28)
        return f.discovered_date > limit

    if not beyond(2):
        return False, used
    if beyond(5):
        return True, used
    if f.safety_related is None:
        return None, used
    return not f.safety_related, used


def _cite(article: int, paragraph: int | None = None) -> Citation:
    return Citation(law=LAW, article=article, paragraph=paragraph)


PARTY_TYPE_Q = "当事人是自然人、个体工商户、企业还是其他组织?"

STATUTORY_RULES: tuple[StatutoryRule, ...] = (
    StatutoryRule(
        id="law-33-1a",
        title="违法行为轻微并及时改正, 没有造成危害后果的, 不予行政处罚",
        citation=_cite(33, 1),
        outcome=Outcome.no_penalty,
        conditions=Conditions(all=["minor_violation", "corrected_promptly", "no_harm"]),
    ),
    StatutoryRule(
        id="law-33-1b",
        title="初次违法且危害后果轻微并及时改正的, 可以不予行政处罚",
        citation=_cite(33, 1),
        outcome=Outcome.discretionary_no_penalty,
        conditions=Conditions(all=["first_offense", "minor_harm", "corrected_promptly"]),
        new_in_2021=True,
    ),
    StatutoryRule(
        id="law-33-2",
        title="当事人有证据足以证明没有主观过错的, 不予行政处罚(法律、行政法规另有规定的除外)",
        citation=_cite(33, 2),
        outcome=Outcome.no_penalty,
        extras=(
            Extra(
                "no_subjective_fault", "当事人有证据足以证明没有主观过错",
                "当事人是否提供了足以证明其没有主观过错的证据?", ("subjective_fault",),
                lambda f: (None if f.subjective_fault is None else not f.subjective_fault,
                           {"subjective_fault": f.subjective_fault}),
                raised_by_party=True,
            ),
        ),
        note="法律、行政法规另有规定的, 从其规定(请核对所适用的单行法)",
        new_in_2021=True,
    ),
    StatutoryRule(
        id="law-30-a",
        title="不满十四周岁的未成年人有违法行为的, 不予行政处罚, 责令监护人加以管教",
        citation=_cite(30),
        outcome=Outcome.no_penalty,
        extras=(Extra("age_under_14", "当事人为不满十四周岁的未成年人", "当事人(自然人)的年龄是多少?",
                      ("age",), _age_under(14), raised_by_party=True),),
        measures=("责令监护人加以管教",),
    ),
    StatutoryRule(
        id="law-30-b",
        title="已满十四周岁不满十八周岁的未成年人有违法行为的, 应当从轻或者减轻行政处罚",
        citation=_cite(30),
        outcome=Outcome.lighter_penalty,
        extras=(Extra("age_14_to_17", "当事人为已满十四周岁不满十八周岁的未成年人", "当事人(自然人)的年龄是多少?",
                      ("age",), _age_under(18, 14), raised_by_party=True),),
        note="法定后果为从轻或者减轻; 引擎给出的最低从宽程度为从轻",
    ),
    StatutoryRule(
        id="law-31-a",
        title="精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为的, 不予行政处罚",
        citation=_cite(31),
        outcome=Outcome.no_penalty,
        extras=(Extra("mental_cannot_recognize", "实施违法行为时不能辨认或者不能控制自己的行为",
                      "当事人实施违法行为时是否因精神疾病或智力残疾不能辨认或控制自己的行为?",
                      ("mental_condition",), _mental(MentalCondition.cannot_recognize), raised_by_party=True),),
        measures=("责令其监护人严加看管和治疗",),
    ),
    StatutoryRule(
        id="law-31-b",
        title="尚未完全丧失辨认或者控制自己行为能力的精神病人、智力残疾人有违法行为的, 可以从轻或者减轻行政处罚",
        citation=_cite(31),
        outcome=Outcome.lighter_penalty,
        extras=(Extra("mental_limited", "尚未完全丧失辨认或者控制自己行为能力",
                      "当事人是否为尚未完全丧失辨认或控制能力的精神病人、智力残疾人?",
                      ("mental_condition",), _mental(MentalCondition.limited), raised_by_party=True),),
        note="法定后果为“可以”从轻或者减轻",
        new_in_2021=True,
    ),
    StatutoryRule(
        id="law-32",
        title="主动消除或者减轻危害后果、受胁迫或者诱骗、主动供述、有立功表现等, 应当从轻或者减轻行政处罚",
        citation=_cite(32),
        outcome=Outcome.lighter_penalty,
        conditions=Conditions(
            any_of=[["eliminated_harm"], ["coerced_or_deceived"], ["confessed"], ["meritorious"]]
        ),
        note="法定后果为从轻或者减轻; 引擎给出的最低从宽程度为从轻",
    ),
    StatutoryRule(
        id="law-36",
        title="违法行为在二年内未被发现的(涉及公民生命健康安全、金融安全且有危害后果的为五年), 不再给予行政处罚",
        citation=_cite(36, 1),
        outcome=Outcome.no_penalty,
        extras=(Extra("limitation_expired", "违法行为超过追责期限未被发现",
                      "违法行为是何时发生(或终了)、何时被发现的?是否涉及生命健康安全或金融安全且有危害后果?",
                      ("safety_related",), _limitation),),
        note="期限从违法行为发生之日起计算; 有连续或者继续状态的, 从行为终了之日起计算(第三十六条第二款)",
    ),
)

EDUCATION = ("对当事人进行教育", _cite(33, 3))
ORDER_CORRECTION = ("责令当事人改正或者限期改正违法行为", _cite(28, 1))
