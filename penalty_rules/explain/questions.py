"""Chinese questions for missing facts, with the answer type and options a field app renders."""

import re

from penalty_rules.model.conditions import PLACEHOLDER_MARKS
from penalty_rules.model.decision import AnswerOption
from penalty_rules.model.facts import (
    BOOLEAN_LABELS, ENUM_LABELS, Circumstance, Corrected, Harm, MentalCondition, MentalConditionCause, PartyType,
)
from penalty_rules.model.vocabulary import VOCABULARY

ESCALATION_QUESTION = "当事人此前因同一违法行为被处理过几次?(请提供违法记录及日期)"
# Asked the positive way: 是 → first_offense=true.
FIRST_OFFENSE_QUESTION = (
    "当事人是否为初次违法(首次违反)?即当事人此前是否有同类违法记录: 没有答“是”, 有答“否”。(清单对“首违”的期限另有规定的, 按清单)"
)
# 行政处罚法(2021) 33(2) “当事人有证据足以证明没有主观过错的，不予行政处罚”: subjective_fault false is the party's
# proof, so a 是/否 question would read 是 the wrong way round (是 = true = fault). Asked as a choice between the
# article's words and its negation, each option labelled (SUBJECTIVE_FAULT_OPTIONS), never 是/否.
NO_FAULT_PROVEN = "当事人有证据足以证明没有主观过错"
FAULT_NOT_DISPROVEN = "当事人未能证明没有主观过错"
SUBJECTIVE_FAULT_QUESTION = f"关于主观过错, 是“{NO_FAULT_PROVEN}”, 还是“{FAULT_NOT_DISPROVEN}”?"
SUBJECTIVE_FAULT_OPTIONS = (AnswerOption(value=False, label=NO_FAULT_PROVEN),
                            AnswerOption(value=True, label=FAULT_NOT_DISPROVEN))
CONDUCT_QUESTION = "当事人实施了什么违法行为?(请描述违法行为, 或给出清单条目编号)"


# One question per fact where several conditions read the same fact.
FACT_QUESTIONS = {
    "corrected": ("当事人是否已改正违法行为?是在行政机关发现前主动改正、发现后责令改正前主动改正、在责令改正期限内改正、及时改正、"
                  "超过责令改正期限后才改正, 还是未改正?"),
    "harm": "违法行为是否造成危害后果?没有、轻微, 还是严重?",
    "circumstances": "当事人是否有下列情节: 积极配合调查、主动消除或减轻危害后果、受胁迫、受诱骗、主动供述尚未掌握的违法行为、有立功表现?",
    "first_offense": FIRST_OFFENSE_QUESTION,
    "subjective_fault": SUBJECTIVE_FAULT_QUESTION,
    # facts the agency establishes for the statutory rules
    "party_type": "当事人是自然人、个体工商户、企业还是其他组织?",
    # answered as a date (answer_fact birth_date); the age in 周岁 is another field, said so (not "填周岁" here)
    "age": "当事人(自然人或个体工商户经营者)的出生日期是哪一天?(请填日期; 只知年龄的, 不在此作答, 改填违法行为时的周岁年龄 age)",
    "act_date": "违法行为是哪一天发生的?",
    # 发现: an earlier date keeps the case punishable, so the question names what counts. 劳动保障监察条例
    # art. 20 counts a report or complaint (“未被劳动保障行政部门发现，也未被举报、投诉”); the practice view
    # that a verified report dates the discovery (“群众举报后被认定属实的，发现时效以举报时间为准”):
    # http://www.zhfeier.com/lvshizixun/25976.html (a law firm's summary of 法工委 / 法制办 views)
    "discovered_date": ("行政机关是哪一天发现该违法行为的?(实务做法, 待法制审核: 以立案、启动调查或者检查中最早的一日为准; "
                        "因举报、投诉查处且经查证属实的, 以收到举报、投诉之日为准, 不是其后检查或者立案之日"
                        "(劳动保障监察见劳动保障监察条例第二十条: 二年内被举报、投诉的, 仍应查处))"),
    "continuing": "违法行为是否有连续或者继续状态?",
    "act_end_date": "连续或者继续状态的违法行为是哪一天终了的?",
    "safety_related": "违法行为是否涉及公民生命健康安全、金融安全且有危害后果?",
    "violated_law": "本案违反的是哪一部法律、法规?(单行法对追责期限、无过错等可能另有规定)",
    "mental_condition_cause": ("经鉴定或者查明, 当事人违法行为时不能辨认或者不能控制自己的行为(或者辨认、控制能力减弱), "
                               "是因为精神病、智力残疾, 还是其他原因(如醉酒、服用药物)?"),
    "conduct": CONDUCT_QUESTION,
    "prior_offenses": ESCALATION_QUESTION,
}

# The fixed order that breaks ties between equally weighted questions (Decision.next_question):
# what the case is, then the facts every rule reads, then the agency's facts, then the rest.
FACT_ORDER = [
    "conduct", "item_id", "first_offense", "prior_offenses", "corrected", "harm", "minor_violation", "illegal_gains_yuan",
    "goods_value_yuan", "circumstances", "party_type", "age", "act_date", "continuing", "act_end_date",
    "discovered_date", "safety_related", "violated_law", "subjective_fault", "mental_condition_cause",
]
_PREFIX_ORDER = ["prior_offenses[", "quantities.", "attested.", "custom_conditions.", "special_law_facts."]
_FACT_POSITION = {fact: i for i, fact in enumerate(FACT_ORDER)}  # FACT_ORDER.index, one lookup

_ENUM_FACTS = {
    "party_type": PartyType, "corrected": Corrected, "harm": Harm, "mental_condition": MentalCondition,
    "mental_condition_cause": MentalConditionCause,
}
_BOOLEAN_FACTS = {"first_offense", "minor_violation", "subjective_fault", "continuing", "safety_related"}
_DATE_FACTS = {"act_date", "discovered_date", "act_end_date", "birth_date", "decision_date"}
_NUMBER_FACTS = {"illegal_gains_yuan", "goods_value_yuan"}
_PRIOR_SAME = re.compile(r"^prior_offenses\[\d+\]\.(?:same_conduct|before_act)$")


def _attested_tag(fact: str) -> str | None:
    """The tag of an attested.<tag> fact (vocabulary kind: attested), else None."""
    tag = fact.removeprefix("attested.")
    return tag if tag != fact and tag in VOCABULARY.attested else None


def fact_rank(fact: str) -> tuple[int, str]:
    """Position of a fact in the fixed tie-break order."""
    position = _FACT_POSITION.get(fact)
    if position is not None:
        return position, fact
    for i, prefix in enumerate(_PREFIX_ORDER):
        if fact.startswith(prefix):
            return len(FACT_ORDER) + i, fact
    return len(FACT_ORDER) + len(_PREFIX_ORDER), fact


def _enum_options(enum) -> list[AnswerOption]:
    labels = ENUM_LABELS[enum]
    return [AnswerOption(value=m.value, label=labels[m.value]) for m in enum]


def _boolean_options() -> list[AnswerOption]:
    return [AnswerOption(value=True, label=BOOLEAN_LABELS[True]), AnswerOption(value=False, label=BOOLEAN_LABELS[False])]


_ANSWER_SPECS: dict[str, dict] = {}


def answer_spec(fact: str) -> dict:
    """answer_type, options, answer_fact and unit of the question that decides `fact` (built once
    per fact: a fresh dict and options list each call, the options themselves shared)."""
    spec = _ANSWER_SPECS.get(fact)
    if spec is None:
        spec = _answer_spec(fact)
        if len(_ANSWER_SPECS) < 4096:  # fact names come from requests (custom_conditions.…): bounded
            _ANSWER_SPECS[fact] = spec
    spec = spec.copy()
    if "options" in spec:
        spec["options"] = list(spec["options"])
    return spec


def _answer_spec(fact: str) -> dict:
    if fact in _ENUM_FACTS:
        return {"answer_type": "enum", "options": _enum_options(_ENUM_FACTS[fact])}
    if fact == "circumstances":  # 胁迫 and 诱骗 offered apart: the 2017 text names only 胁迫, so the
        # undivided coerced_or_deceived (accepted as input) would only lead to asking again
        options = [o for o in _enum_options(Circumstance) if o.value != Circumstance.coerced_or_deceived.value]
        return {"answer_type": "list_enum", "options": options}
    if fact == "subjective_fault":  # labelled, never 是/否 (SUBJECTIVE_FAULT_QUESTION)
        return {"answer_type": "boolean", "options": list(SUBJECTIVE_FAULT_OPTIONS)}
    if (fact in _BOOLEAN_FACTS or _PRIOR_SAME.match(fact) or fact.startswith("custom_conditions.")
            or fact.startswith("special_law_facts.") or _attested_tag(fact)):
        return {"answer_type": "boolean", "options": _boolean_options()}
    if fact == "age":  # asked as the birth date; the age in 周岁 may be given instead
        return {"answer_type": "date", "answer_fact": "birth_date"}
    if fact in _DATE_FACTS:
        return {"answer_type": "date"}
    if fact == "prior_offenses":  # how many earlier same-conduct offences (each recorded with its date)
        return {"answer_type": "integer", "answer_fact": "prior_offenses", "unit": "次"}
    if fact in _NUMBER_FACTS or fact.startswith("quantities."):
        name = fact.removeprefix("quantities.")
        q = VOCABULARY.quantities.get(name)
        return {"answer_type": "number", "unit": q.unit if q and q.unit else None}
    return {"answer_type": "text"}  # conduct, violated_law, anything else


_QUESTIONS: dict[tuple[str, str, str | None], str] = {}


def question_for(fact: str, condition_key: str, label: str | None = None, specific: dict | None = None) -> str:
    """The question that decides `fact`, asked on behalf of `condition_key`; `specific` holds
    questions the rule wrote for this case (a named prior, a special-law fact)."""
    if specific and fact in specific:
        return specific[fact]
    question = FACT_QUESTIONS.get(fact)
    if question is not None:
        return question
    # otherwise a function of its arguments and the vocabulary (loaded once): built once
    key = (fact, condition_key, label)
    question = _QUESTIONS.get(key)
    if question is None:
        question = _question(fact, condition_key, label)
        if len(_QUESTIONS) < 4096:  # fact names and labels come from requests and lists: bounded
            _QUESTIONS[key] = question
    return question


def _question(fact: str, condition_key: str, label: str | None) -> str:
    if condition_key == "escalation":
        return ESCALATION_QUESTION
    if tag := _attested_tag(fact):  # attested.<tag>: the vocabulary's question (是 = the condition holds)
        return VOCABULARY.conditions[tag].question
    if condition_key in VOCABULARY.conditions:
        return VOCABULARY.conditions[condition_key].question
    if fact.startswith("quantities.") or fact in {q.fact for q in VOCABULARY.quantities.values()}:
        name = fact.removeprefix("quantities.")
        for qname, q in VOCABULARY.quantities.items():
            if qname == name or q.fact == fact:
                return q.question()
    if fact.startswith("custom_conditions."):
        if label and any(m in label for m in PLACEHOLDER_MARKS):
            # our data's stand-in for wording the source did not show: nothing to answer from
            return f"清单此项适用条件的原文未见({label}): 须对照清单原件核对当事人是否符合后再回答; 不能核对的, 不作回答"
        return f"是否符合清单条件: {label or condition_key}?"
    if label:
        return f"{label}?"
    return f"请补充事实 {fact}"
