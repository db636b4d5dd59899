"""A list item: one kind of conduct that a list treats leniently, under conditions."""

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from penalty_rules.model.citation import Citation
from penalty_rules.model.conditions import Conditions, Custom
from penalty_rules.model.outcome import Outcome
from penalty_rules.model.vocabulary import PREMISE, VOCABULARY

MAX_PRIOR_COUNT = 100  # escalation steps count prior offences: 0, 1, 2 … (bundled: at most 2)
ITEM_ID = re.compile(r"^[a-z0-9][a-z0-9.-]*/[a-z0-9][a-z0-9.-]*$")


class Provenance(BaseModel):
    """Where the item comes from, exactly as the source shows it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source_item_no: int | str | None = Field(description="来源清单中的序号;页面未显示则为 null")
    sub_list: str | None = Field(default=None, description="来源文件中的分清单")
    url: str | None = Field(default=None, description="核对过的页面地址;null 表示沿用清单文件的 url")
    confidence: Literal["high", "medium", "low"]
    reviewed: bool = Field(default=False, description="已不再使用, 载入时不读: 审核状态由审计库中的审核记录推出"
                           "(penalty-rules lists reviews、GET /v1/reviews); 保留只为旧文件仍能载入")
    conditions_text: str | None = Field(default=None, description="来源中适用条件的原文或转述")
    note: str | None = None
    flags: list[str] = Field(default_factory=list, description="待核实的字段, 如 penalty_basis")


class Example(BaseModel):
    """A worked example that the tests run (facts + the expected outcome)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    facts: dict[str, Any]
    expected: Outcome | Literal["undetermined"]


class Escalation(BaseModel):
    """Outcome by the number of prior offences of the same item (city practice)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prior_count: int = Field(ge=0, description="此前同项违法次数")
    outcome: Outcome
    measures: list[str] = Field(default_factory=list)
    note: str | None = None

    @field_validator("prior_count")
    @classmethod
    def _sensible_count(cls, v: int) -> int:  # a validator, not le=: the JSON Schema stays as generated
        if v > MAX_PRIOR_COUNT:
            raise ValueError(f"prior_count 须在 0 到 {MAX_PRIOR_COUNT} 之间(此前同项违法次数), 现为 {v}")
        return v


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="稳定的 ASCII 编号, 如 cn-tax-2021-6/03")
    domain: str = Field(description="41 个执法领域代码之一")
    outcome: Outcome
    violation: str = Field(min_length=2, description="违法行为(中文)")
    violated: list[Citation] = Field(default_factory=list, description="违反的规定")
    penalty_basis: list[Citation] = Field(default_factory=list, description="处罚依据")
    exemption_basis: list[Citation] = Field(default_factory=list, description="不予/减轻处罚的依据")
    conditions: Conditions = Field(default_factory=Conditions)
    measures: list[str] = Field(default_factory=list, description="应采取的措施, 如 责令改正、批评教育")
    escalation: list[Escalation] = Field(default_factory=list)
    same_conduct_as: list[str] = Field(default_factory=list, description="其他清单中同一违法行为的条目")
    keywords: list[str] = Field(default_factory=list, description="检索用关键词")
    effective_from: date | None = Field(default=None, description="条目自有的生效日期(不同于清单时, 优先于清单的日期)")
    effective_to: date | None = Field(default=None, description="条目自有的失效日期(当日起不再适用; 优先于清单的日期)")
    provenance: Provenance
    examples: list[Example] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _ascii_id(cls, v: str) -> str:
        if not ITEM_ID.match(v):
            raise ValueError("条目编号须为小写 ASCII, 形如 <来源>/<序号>, 例如 cn-tax-2021-6/03")
        return v

    @model_validator(mode="after")
    def _scope_custom_conditions(self) -> "Item":
        for cond in self.conditions.iter_all():
            if isinstance(cond, Custom):
                cond.scoped(self.id)
            elif isinstance(cond, str) and VOCABULARY.conditions[cond].kind == PREMISE:
                raise ValueError(f"条件标签 {cond}({VOCABULARY.conditions[cond].zh})是引擎按法律添加的前提, 清单条目不得使用")
        if self.effective_from and self.effective_to and self.effective_to <= self.effective_from:
            raise ValueError("条目的 effective_to 必须晚于 effective_from")
        return self

    def in_force(self, on) -> bool:
        """The item's own dates (None: the list's dates decide)."""
        if self.effective_from and on < self.effective_from:
            return False
        return not (self.effective_to and on >= self.effective_to)
