"""CaseFacts: what an officer knows about a case. Every fact may be null (= unknown).

Inside Python, CaseFacts validates as pydantic does (CaseFacts(act_date="2023-05-01") works). At the
boundaries (HTTP body, `penalty-rules check`) facts arrive as JSON and are read strictly by
penalty_rules.model.facts_json. Amounts and quantities are finite and non-negative.
"""

import re
from datetime import date, timedelta
from enum import Enum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WrapValidator, field_validator, model_validator

from pydantic_core import PydanticCustomError

from penalty_rules.model.vocabulary import VOCABULARY

MIN_DATE = date(1990, 1, 1)
MAX_DATE = date(2100, 12, 31)


class PartyType(str, Enum):
    enterprise = "enterprise"
    individual_business = "individual_business"
    individual = "individual"
    other = "other"


class Corrected(str, Enum):
    before_discovery = "before_discovery"
    # after discovery, on the party's own initiative, before any order to correct
    voluntarily_after_discovery = "voluntarily_after_discovery"
    within_deadline = "within_deadline"
    promptly = "promptly"
    after_deadline = "after_deadline"  # corrected, but only after the deadline of an order to correct
    not_corrected = "not_corrected"


class Harm(str, Enum):
    none = "none"
    minor = "minor"
    serious = "serious"


class MentalCondition(str, Enum):
    none = "none"
    cannot_recognize = "cannot_recognize"
    limited = "limited"


class MentalConditionCause(str, Enum):
    mental_illness = "mental_illness"
    intellectual_disability = "intellectual_disability"
    other = "other"  # 醉酒、服用药物等: not a case of art. 31 (治安管理处罚法 art. 15: 醉酒的人 … 应当给予处罚)


class Circumstance(str, Enum):
    cooperated = "cooperated"
    eliminated_harm = "eliminated_harm"
    coerced_or_deceived = "coerced_or_deceived"  # 受胁迫或者诱骗, without saying which
    coerced = "coerced"  # 受他人胁迫
    deceived = "deceived"  # 受他人诱骗
    confessed = "confessed"
    meritorious = "meritorious"


# Chinese labels of every enum value: shown to officers as answer options (penalty_rules.explain.
# questions) and published in the JSON / OpenAPI schema as `x-enum-labels` on the fields below.
ENUM_LABELS: dict[type[Enum], dict[str, str]] = {
    PartyType: {
        "enterprise": "企业", "individual_business": "个体工商户", "individual": "自然人", "other": "其他组织",
    },
    Corrected: {
        "before_discovery": "在行政机关发现前主动改正",
        "voluntarily_after_discovery": "在行政机关发现后、责令改正前主动改正",
        "within_deadline": "在责令改正的期限内改正",
        "promptly": "及时改正", "after_deadline": "超过责令改正的期限后才改正", "not_corrected": "未改正",
    },
    Harm: {"none": "没有造成危害后果", "minor": "危害后果轻微", "serious": "危害后果较重(不属轻微)"},
    # the agency's finding about the time of the act (行政处罚法 第三十一条: “在不能辨认或者不能控制自己行为时有违法行为的”;
    # “间歇性精神病人在精神正常时有违法行为的，应当给予行政处罚”), not the party's word
    MentalCondition: {
        "none": "经查明, 违法行为时能够辨认和控制自己的行为(含间歇性精神病人在精神正常时)",
        "cannot_recognize": "经鉴定或者查明, 违法行为时不能辨认或者不能控制自己的行为",
        "limited": "经鉴定或者查明, 违法行为时尚未完全丧失辨认或者控制自己行为的能力",
    },
    MentalConditionCause: {"mental_illness": "精神病", "intellectual_disability": "智力残疾",
                           "other": "其他原因(如醉酒、服用药物)"},
    Circumstance: {
        "cooperated": "积极配合调查", "eliminated_harm": "主动消除或者减轻违法行为危害后果",
        "coerced_or_deceived": "受他人胁迫或者诱骗(未区分)", "coerced": "受他人胁迫", "deceived": "受他人诱骗",
        "confessed": "主动供述行政机关尚未掌握的违法行为", "meritorious": "配合行政机关查处违法行为有立功表现",
    },
}
BOOLEAN_LABELS = {True: "是", False: "否"}


def _labels(enum: type[Enum]) -> dict:
    return {"x-enum-labels": dict(ENUM_LABELS[enum])}


def _attested_schema(schema: dict) -> None:
    """The keys of CaseFacts.attested enumerated with their Chinese labels and questions."""
    tags = VOCABULARY.attested
    obj = next((s for s in schema.get("anyOf", [schema]) if s.get("type") == "object"), schema)
    obj["propertyNames"] = {"enum": list(tags)}
    schema["x-enum-labels"] = {t: d.zh for t, d in tags.items()}
    schema["x-questions"] = {t: d.question for t, d in tags.items()}


def _no_null_answer(value):
    """attested.<tag>: null is no answer — the key is left out while the condition is not established."""
    if value is None:
        raise ValueError("须为 true 或 false, 不接受 null: 未认定的请不填该键")
    return value


ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits (date.fromisoformat takes no others)
NOT_ISO_DAY = "须为 YYYY-MM-DD 格式的日期"
NO_SUCH_DAY = "须为 YYYY-MM-DD 格式的日期(没有这一天)"


def iso_day(text: str) -> date:
    """A date written YYYY-MM-DD, the one rule of every date input (HTTP, documents, the workbench, the
    CLI's date options): date.fromisoformat alone also takes 20230301 and 2023-W09-3. ValueError with
    the Chinese reason (NOT_ISO_DAY or NO_SUCH_DAY) otherwise."""
    if not ISO_DAY.fullmatch(text):
        raise ValueError(NOT_ISO_DAY)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(NO_SUCH_DAY) from None


def _iso_day(value, handler):
    """A date is written YYYY-MM-DD: pydantic would also read a string of digits as a Unix timestamp
    ("1679270400" → 2023-03-20; an API fuzzer's find). The string is read here and the date handed on (a
    before-validator would make strict JSON mode refuse every string)."""
    if isinstance(value, (int, float)):  # (bool is an int: refused too) a number is no date, however pydantic reads it
        raise PydanticCustomError("date_parsing", NOT_ISO_DAY)
    if isinstance(value, str):
        try:
            value = iso_day(value)
        except ValueError as exc:
            raise PydanticCustomError("date_parsing", str(exc)) from None
    return handler(value)


class _DateRangeSchema:
    """The JSON Schema (OpenAPI) of a bounded date: pydantic writes Field(ge=, le=) of a date as "ge" / "le", keywords
    no JSON Schema tool reads (the range was in no document); written formatMinimum / formatMaximum (the
    keywords of ajv-formats) and said in the description."""

    def __get_pydantic_json_schema__(self, core_schema, handler):
        js = handler.resolve_ref_schema(handler(core_schema))
        low, high = js.pop("ge", None), js.pop("le", None)
        if low is not None and high is not None:
            js.update(formatMinimum=str(low), formatMaximum=str(high),
                      description=f"YYYY-MM-DD, {low} 至 {high}(含)")
        return js


IsoDate = Annotated[date, WrapValidator(_iso_day)]  # every date input: YYYY-MM-DD only (service, documents, web)
CaseDate = Annotated[date, WrapValidator(_iso_day), Field(ge=MIN_DATE, le=MAX_DATE), _DateRangeSchema()]
# A party's birth date: before MIN_DATE too (age ≤ 150 at an act from MIN_DATE on); an API fuzzer found anyone born
# before 1990 unable to answer the engine's own question
MIN_BIRTH_DATE = date(MIN_DATE.year - 150, 1, 1)
BirthDate = Annotated[date, WrapValidator(_iso_day), Field(ge=MIN_BIRTH_DATE, le=MAX_DATE), _DateRangeSchema()]

Yuan = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]
Quantity = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]

# The one code of an act dated after the decision, whether decision_date is given (validation,
# date_error) or is today by default (engine.Engine, InvalidFacts): act_date is named in both.
ACT_AFTER_DECISION = "act_after_decision"
# Two facts of one case that contradict each other (each error names the field it is raised on).
INCONSISTENT_FACTS = "inconsistent_facts"


def date_error(field: str, message: str, code: str = "value_error") -> PydanticCustomError:
    """A cross-field error of a model validator that names its field: pydantic gives such errors the
    model's location, so the field rides in the context (`field`); facts_json.error_loc appends it."""
    return PydanticCustomError(code, "{message}", {"field": field, "message": message})


def calendar_months(start: date, end: date) -> int:
    """The whole calendar months from `start` to `end`, both days counted (2025-06-01..06-30: 1;
    2025-03-01..03-20: 0)."""
    after = end + timedelta(days=1)
    return (after.year - start.year) * 12 + after.month - start.month - (after.day < start.day)


def duration_mismatch(start: date, end: date, months: float) -> str | None:
    """Why `months` (a 持续时间 in months) cannot be the time from `start` to `end`, or None. Never fewer than
    the whole calendar months the dates span, both days counted (a whole June is not 不足1个月); at most one
    more, or the days counted as months of 28 days (90 days given as 3.03 months of 30 days passes)."""
    whole = calendar_months(start, end)
    days = (end - start).days + 1
    low, high = whole, max(whole + 1, days / 28)
    if low - 1e-9 <= months <= high + 1e-9:
        return None
    return (f"违法行为持续时间 {months:g} 个月与 act_date({start.isoformat()})至 act_end_date({end.isoformat()})"
            f"不一致: 按日期为 {days} 日, 可填 {low:.2f} 至 {high:.2f} 个月")


class PriorOffense(BaseModel):
    """An earlier violation of the same party, for deriving 首违 and escalation."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    item_id: str | None = Field(default=None, max_length=120)
    conduct: str | None = Field(default=None, max_length=500)
    date: CaseDate
    same_conduct: bool | None = Field(
        default=None, description="执法人员认定该记录与本案是否属于同类违法行为(与本案同一清单条目所列的行为; 无法由条目编号或描述判断时须回答)"
    )
    before_act: bool | None = Field(
        default=None, description="与本案违法行为同日的记录: 是否为本案违法行为之前的另一次违法(否: 即本案本身或其后的违法); "
        "同日记录未回答时须询问, 不计也不略过"
    )

    @model_validator(mode="after")
    def _what(self) -> "PriorOffense":
        if not self.item_id and not self.conduct:
            raise ValueError("须给出 item_id 或 conduct 之一")
        return self


# The answer to the item_id question "none of the proposed items": the officer's finding that the case is
# on no list item; the statutory rules alone decide (no item id has it: an id is <source>/<no>).
NOT_LISTED = "none"
NOT_LISTED_LABEL = "不属于以上条目(按行政处罚法判断)"


class CaseFacts(BaseModel):
    """The facts contract. Unknown fields are rejected by name."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    item_id: str | None = Field(default=None, max_length=120,
                                description="清单条目编号; none = 执法人员认定本案不属于所提示的清单条目, 只按行政处罚法判断")
    conduct: str | None = Field(default=None, max_length=2000, description="违法行为描述(无条目编号时用于检索)")
    domain: str | None = Field(default=None, max_length=40, description="执法领域代码")
    jurisdiction: str = Field(default="371500", pattern=r"^\d{6}$", description="办案机关所在行政区划代码")
    act_date: CaseDate | None = Field(default=None, description="违法行为发生(或终了)日期")
    decision_date: CaseDate | None = Field(default=None, description="作出决定的日期, 缺省为今天")
    party_type: PartyType | None = Field(default=None, description="当事人类型", json_schema_extra=_labels(PartyType))
    first_offense: bool | None = Field(default=None, description="是否首次违法")
    prior_offenses: list[PriorOffense] | None = Field(
        default=None, max_length=500,
        description="当事人此前的违法记录(已查询的); 空列表 [] 表示已查询且没有记录, 未填写初次违法时据此推定为初次违法"
                    "(结论中说明); 未查询时不要填写")
    corrected: Corrected | None = Field(default=None, description="改正情况", json_schema_extra=_labels(Corrected))
    harm: Harm | None = Field(default=None, description="危害后果", json_schema_extra=_labels(Harm))
    minor_violation: bool | None = Field(default=None, description="执法人员认定违法行为轻微")
    illegal_gains_yuan: Yuan | None = None
    goods_value_yuan: Yuan | None = None
    subjective_fault: bool | None = Field(default=None, description="false = 当事人证明没有主观过错")
    age: int | None = Field(default=None, ge=0, le=150, description="违法行为发生之日(act_date)的周岁年龄(只知年龄时填写; 连续或者继续的违法行为, 终了时的年龄由引擎推算)")
    birth_date: BirthDate | None = Field(
        default=None, description="自然人(或个体工商户经营者)的出生日期; 周岁按违法行为日计算, 生日的第二天起为已满"
    )
    mental_condition: MentalCondition | None = Field(
        default=None, description="行政机关经鉴定或者查明的当事人违法行为时的精神或智力状况(不能仅凭当事人的陈述; "
                                  "间歇性精神病人在精神正常时有违法行为的, 填 none; 未鉴定或者查明的不填, 视为不适用第三十一条)",
        json_schema_extra=_labels(MentalCondition),
    )
    mental_condition_cause: MentalConditionCause | None = Field(
        default=None, description="经鉴定或者查明的违法行为时不能辨认或控制(或辨认、控制能力减弱)的原因: 精神病、智力残疾或其他原因(2021年修订前的法律只规定精神病人; 醉酒等其他原因不适用行政处罚法第三十一条)",
        json_schema_extra=_labels(MentalConditionCause),
    )
    discovered_date: CaseDate | None = Field(
        default=None,
        description="违法行为被行政机关发现的日期(实务做法, 待法制审核: 立案或者启动调查、检查之日; 因举报、投诉查处且经查证属实的, "
                    "为收到举报、投诉之日)",
    )
    continuing: bool | None = Field(default=None, description="违法行为是否有连续或者继续状态")
    act_end_date: CaseDate | None = Field(default=None, description="连续或者继续状态的违法行为终了的日期")
    violated_law: str | None = Field(
        default=None, max_length=100, description="本案违反的法律、法规名称(决定适用哪部单行法的另有规定)"
    )
    special_law_facts: dict[
        Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,59}$")], bool
    ] | None = Field(default=None, max_length=50, description="单行法另有规定所需的事实, 键见 lists/statutory/special-laws")
    circumstances: list[Circumstance] | None = Field(
        default=None, max_length=10, description="从轻、减轻情节(可多选; [] 为均无)", json_schema_extra=_labels(Circumstance)
    )
    safety_related: bool | None = Field(
        default=None, description="是否涉及公民生命健康安全、金融安全且有危害后果(行政处罚法第三十六条)"
    )
    quantities: dict[Annotated[str, Field(pattern=r"^[a-z_]+$", max_length=60)], Quantity] | None = Field(
        default=None, max_length=50, description="清单阈值所需的其他数量(有限、非负), 键见词表 quantities"
    )
    custom_conditions: dict[
        Annotated[str, Field(pattern=r"^custom_[0-9a-f]{10}$")], bool
    ] | None = Field(default=None, max_length=100, description="条目特有条件的认定结果, 键为条件编号")
    # keys: no pattern (a wrong key gets the vocabulary message listing the tags, _attested_tags), a
    # length bound only; a null answer is refused saying that an unestablished condition is left out
    attested: dict[
        Annotated[str, Field(max_length=60)], Annotated[bool, BeforeValidator(_no_null_answer)]
    ] | None = Field(
        default=None, max_length=50,
        description="执法人员认定的清单条件(true 为符合, false 为不符合, 未填为未知), 键为词表中 kind: attested 的条件标签; "
                    "一个回答适用于所有使用该标签的条目",
        json_schema_extra=lambda schema: _attested_schema(schema),
    )

    @field_validator("attested")
    @classmethod
    def _attested_tags(cls, value: dict[str, bool] | None) -> dict[str, bool] | None:
        if value:
            known = VOCABULARY.attested
            unknown = [k for k in value if k not in known]
            if unknown:
                listed = "、".join(f"{t}({d.zh})" for t, d in known.items())
                elsewhere = "".join(
                    f"; {k}({VOCABULARY.conditions[k].zh})由字段 {'、'.join(VOCABULARY.conditions[k].facts)} 决定"
                    for k in unknown if k in VOCABULARY.conditions)
                raise ValueError(f"attested 中的 {'、'.join(repr(k) for k in unknown)} 不是由执法人员认定的条件标签"
                                 f"(见词表 kind: attested){elsewhere}; 可用: {listed}")
        return value

    @model_validator(mode="after")
    def _dates(self) -> "CaseFacts":
        # each error names the field at fault (the later or offending date): date_error
        if self.act_date and self.decision_date and self.decision_date < self.act_date:
            raise date_error("act_date", f"违法行为日期 act_date({self.act_date.isoformat()})晚于决定日期 decision_date"
                             f"({self.decision_date.isoformat()})", ACT_AFTER_DECISION)
        if self.act_date and self.discovered_date and self.discovered_date < self.act_date:
            raise date_error("discovered_date", "discovered_date 不能早于 act_date")
        if self.decision_date and self.discovered_date and self.discovered_date > self.decision_date:
            raise date_error("discovered_date", "discovered_date 不能晚于 decision_date")
        if self.act_date and self.act_end_date and self.act_end_date < self.act_date:
            raise date_error("act_end_date", "act_end_date 不能早于 act_date")
        if self.act_end_date and self.continuing is False:
            raise date_error("act_end_date", "continuing 为 false 时不应给出 act_end_date")
        if self.birth_date and self.act_date and self.birth_date > self.act_date:
            raise date_error("birth_date", "birth_date 不能晚于 act_date")
        if self.birth_date and self.age is not None and self.act_date:
            from penalty_rules.model.age import full_years

            if full_years(self.birth_date, self.act_date) != self.age:
                raise date_error("age", "age 与按 birth_date 在 act_date 计算的周岁不一致")
        self._duration_fits_dates()
        if self.safety_related and self.harm is Harm.none:
            # 行政处罚法第三十六条: 涉及公民生命健康安全、金融安全“且有危害后果的”, 五年; the field says both
            raise date_error("safety_related", "safety_related 为 true 表示“涉及公民生命健康安全、金融安全且有危害后果”,"
                             " 与 harm 为 none(没有造成危害后果)矛盾: 请核对其一", INCONSISTENT_FACTS)
        if self.harm is Harm.none and self.circumstances and Circumstance.eliminated_harm in self.circumstances:
            # 第三十二条第（一）项 (2017 text: 第二十七条第一款第（一）项) “主动消除或者减轻违法行为危害后果的”: a harm was caused
            raise date_error("circumstances", "circumstances 含 eliminated_harm(主动消除或者减轻违法行为危害后果)表示违法行为"
                             "造成了危害后果, 与 harm 为 none(没有造成危害后果)矛盾: 危害后果已造成而后消除或者减轻的, "
                             "harm 按所造成的危害后果填写(minor 或 serious); 请核对其一", INCONSISTENT_FACTS)
        return self

    def _duration_fits_dates(self) -> None:
        """quantities.violation_duration_months (清单的“违法行为持续不足N个月”) given beside the act's own
        dates (act_date..act_end_date) must agree with them (duration_mismatch): a 4-month act said to last
        half a month would meet a 不足1个月 item the dates do not."""
        months = (self.quantities or {}).get("violation_duration_months")
        if months is None or self.act_date is None or self.act_end_date is None:
            return
        why = duration_mismatch(self.act_date, self.act_end_date, float(months))
        if why is not None:
            raise date_error("quantities.violation_duration_months", why, INCONSISTENT_FACTS)
