"""Chinese questions for missing facts."""

from penalty_rules.engine.statutory import STATUTORY_RULES
from penalty_rules.model.vocabulary import VOCABULARY

_EXTRA_QUESTIONS = {e.key: e.question for rule in STATUTORY_RULES for e in rule.extras}
ESCALATION_QUESTION = "当事人此前因同一违法行为被处理过几次?(请提供违法记录及日期)"
FIRST_OFFENSE_QUESTION = VOCABULARY.conditions["first_offense"].question


# One question per fact where several conditions read the same fact.
FACT_QUESTIONS = {
    "corrected": "当事人是否已改正违法行为?是在行政机关发现前主动改正、在责令改正期限内改正、及时改正, 还是未改正?",
    "harm": "违法行为是否造成危害后果?没有、轻微, 还是严重?",
    "circumstances": "当事人是否有下列情节: 积极配合调查、主动消除或减轻危害后果、受胁迫或诱骗、主动供述尚未掌握的违法行为、有立功表现?",
    "first_offense": FIRST_OFFENSE_QUESTION,
}


def question_for(fact: str, condition_key: str, label: str | None = None) -> str:
    """The question that decides `fact`, asked on behalf of `condition_key`."""
    if fact in FACT_QUESTIONS:
        return FACT_QUESTIONS[fact]
    if condition_key == "escalation":
        return ESCALATION_QUESTION
    if condition_key in VOCABULARY.conditions:
        return VOCABULARY.conditions[condition_key].question
    if condition_key in _EXTRA_QUESTIONS:
        return _EXTRA_QUESTIONS[condition_key]
    if fact.startswith("quantities.") or fact in {q.fact for q in VOCABULARY.quantities.values()}:
        name = fact.removeprefix("quantities.")
        for qname, q in VOCABULARY.quantities.items():
            if qname == name or q.fact == fact:
                return q.question()
    if fact.startswith("custom_conditions."):
        return f"是否符合清单条件: {label or condition_key}?"
    return f"请补充事实 {fact}"
