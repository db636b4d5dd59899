"""Decision: the engine's answer, its basis, the questions to ask and the full trace."""

import builtins
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from penalty_rules.model.citation import Citation

TRACE_VERSION = "1.0"
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


class BasisEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["exemption", "violated", "penalty", "statutory", "measure"]
    citation: Citation
    label: str
    text: str | None = Field(default=None, description="条文原文(配置了法规文本时)")


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
    list: str | None = None
    binding: bool
    outcome: str
    satisfied: Truth
    conditions: builtins.list[ConditionTrace]
    note: str | None = None


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
    derived_facts: dict[str, object] = Field(
        default_factory=dict, description="引擎推定的事实(如按各清单首违定义由违法记录推定的首违), 与执法人员提供的事实分开"
    )


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: OutcomeName
    outcome_zh: str
    possible_outcomes: list[str] = Field(default_factory=list)
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
