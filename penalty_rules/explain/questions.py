"""Chinese questions for missing facts."""

from penalty_rules.model.vocabulary import VOCABULARY

ESCALATION_QUESTION = "当事人此前因同一违法行为被处理过几次?(请提供违法记录及日期)"
FIRST_OFFENSE_QUESTION = VOCABULARY.conditions["first_offense"].question


# One question per fact where several conditions read the same fact.
FACT_QUESTIONS = {
    "corrected": "当事人是否已改正违法行为?是在行政机关发现前主动改正、在责令改正期限内改正、及时改正, 还是未改正?",
    "harm": "违法行为是否造成危害后果?没有、轻微, 还是严重?",
    "circumstances": "当事人是否有下列情节: 积极配合调查、主动消除或减轻危害后果、受胁迫、受诱骗、主动供述尚未掌握的违法行为、有立功表现?",
    "first_offense": FIRST_OFFENSE_QUESTION,
    # facts the agency establishes for the statutory rules
    "party_type": "当事人是自然人、个体工商户、企业还是其他组织?",
    "age": "当事人(自然人或个体工商户经营者)的出生日期是哪一天?(只知年龄的, 填违法行为时的周岁)",
    "act_date": "违法行为是哪一天发生的?",
    "discovered_date": "行政机关是哪一天发现该违法行为的?",
    "continuing": "违法行为是否有连续或者继续状态?",
    "act_end_date": "连续或者继续状态的违法行为是哪一天终了的?",
    "safety_related": "违法行为是否涉及公民生命健康安全、金融安全且有危害后果?",
    "violated_law": "本案违反的是哪一部法律、法规?(单行法对追责期限、无过错等可能另有规定)",
    "mental_condition_cause": "当事人不能辨认或者不能控制自己的行为, 是因为精神病还是智力残疾?",
}


def question_for(fact: str, condition_key: str, label: str | None = None, specific: dict | None = None) -> str:
    """The question that decides `fact`, asked on behalf of `condition_key`; `specific` holds
    questions the rule wrote for this case (a named prior, a special-law fact)."""
    if specific and fact in specific:
        return specific[fact]
    if fact in FACT_QUESTIONS:
        return FACT_QUESTIONS[fact]
    if condition_key == "escalation":
        return ESCALATION_QUESTION
    if condition_key in VOCABULARY.conditions:
        return VOCABULARY.conditions[condition_key].question
    if fact.startswith("quantities.") or fact in {q.fact for q in VOCABULARY.quantities.values()}:
        name = fact.removeprefix("quantities.")
        for qname, q in VOCABULARY.quantities.items():
            if qname == name or q.fact == fact:
                return q.question()
    if fact.startswith("custom_conditions."):
        return f"是否符合清单条件: {label or condition_key}?"
    if label:
        return f"{label}?"
    return f"请补充事实 {fact}"
