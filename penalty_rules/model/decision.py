"""Decision: the engine's answer, its basis, the questions to ask and the full trace."""

import builtins
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from penalty_rules.model.citation import Citation

TRACE_VERSION = "2.0"
OutcomeName = Literal[
    "no_penalty", "discretionary_no_penalty", "reduced_penalty", "lighter_penalty", "normal", "undetermined"
]
Truth = bool | None


class CandidateItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    list: str = Field(description="清单编号")
    version: str
    jurisdiction: str | None
    binding: bool
    outcome: str
    violation: str
    satisfied: Truth
    role: Literal["applicable", "similar_elsewhere", "not_in_force", "superseded_by_milder_law"] = "applicable"


class ListCitation(BaseModel):
    """A list document and the item in it, as an officer cites it in a decision letter."""

    model_config = ConfigDict(extra="forbid")
    list: str = Field(description="清单编号")
    version: str
    title: str
    issuer: str
    doc_no: str | None = Field(description="文号; 来源未载明则为 null")
    item_no: int | str | None = Field(description="清单中的序号; 来源未显示则为 null")


class BasisEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["list", "exemption", "leniency_ground", "special_law", "violated", "penalty", "statutory", "measure"]
    citation: Citation | None = Field(default=None, description="法律条文; role=list 时为 null")
    document: ListCitation | None = Field(default=None, description="role=list: 清单文件及条目")
    label: str
    text: str | None = Field(default=None, description="所引条款(项)的原文(配置了法规文本时)")
    version: str | None = Field(default=None, description="所引法律文本的版本(文本日期)")


class Leniency(BaseModel):
    """What the law says about the winning rule's consequence, in its own words."""

    model_config = ConfigDict(extra="forbid")
    range: list[str] = Field(description="法定从宽幅度, 如 [lighter_penalty, reduced_penalty]")
    mandatory: bool = Field(description="应当(true) / 可以(false)")
    wording: str = Field(description="法律原文措辞, 如 应当从轻或者减轻行政处罚")


class MissingFact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fact: str = Field(description="CaseFacts 字段名(或 quantities.<名>/custom_conditions.<编号>)")
    question: str
    needed_by: list[str] = Field(default_factory=list, description="需要此事实的条目或法定规则")


class ConditionTrace(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str
    label: str
    status: Literal["met", "not_met", "unknown"]
    facts_used: dict[str, object] = Field(default_factory=dict)
    bundle: int | None = Field(default=None, description="any_of 中的组号; null 为 all")


class RuleTrace(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule: str = Field(description="条目编号或法定规则编号")
    kind: Literal["item", "statutory"]
    list: str | None = Field(default=None, description="清单版本, 或法定规则所在的法律版本")
    binding: bool
    outcome: str
    satisfied: Truth
    conditions: builtins.list[ConditionTrace]
    note: str | None = None
    title: str | None = Field(default=None, description="法定规则的中文名称")
    citation: str | None = Field(default=None, description="法定规则所引条款(所适用版本的条文序号)")
    law_version: str | None = Field(default=None, description="法定规则所在的法律版本及其适用时点")
    overrides: builtins.list[str] = Field(default_factory=list, description="适用的单行法另有规定")


class Trace(BaseModel):
    model_config = ConfigDict(extra="forbid")
    act_date: str | None
    decision_date: str
    jurisdiction_stack: list[str]
    selection: str = Field(description="如何选出候选条目")
    rules: list[RuleTrace]
    winner: str | None
    reason: str
    temporal: list[str] = Field(default_factory=list, description="从旧兼从轻的判断")
    law_versions: list[str] = Field(default_factory=list, description="本案考虑的法律版本(法定规则)")
    overrides: list[str] = Field(default_factory=list, description="本案适用的单行法另有规定(编号)")
    derived_facts: dict[str, object] = Field(
        default_factory=dict, description="引擎推定的事实(如按各清单首违定义由违法记录推定的首违), 与执法人员提供的事实分开"
    )


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: OutcomeName
    outcome_zh: str
    possible_outcomes: list[str] = Field(
        default_factory=list, description="尚不能确定时的可能结果; 法定从轻或者减轻时为法定幅度"
    )
    leniency: Leniency | None = Field(default=None, description="所适用规则的法定后果(幅度、应当/可以、原文措辞)")
    chosen_item: str | None = None
    chosen_rule: str | None = None
    items: list[CandidateItem] = Field(default_factory=list)
    basis: list[BasisEntry] = Field(default_factory=list)
    measures: list[str] = Field(default_factory=list)
    missing_facts: list[MissingFact] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    summary: str = ""
    trace: Trace | None = None
    rulesets: dict[str, str] = Field(default_factory=dict, description="所用清单版本 → 内容哈希")
    trace_version: str = TRACE_VERSION
    engine_version: str = ""
