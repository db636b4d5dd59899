"""Item conditions: vocabulary tags, typed thresholds and custom (list-specific) conditions.

An item applies when every condition in `all` holds and, if `any_of` is not empty, at least one
bundle of `any_of` holds in full.
"""

import hashlib
import math
from functools import cached_property
from typing import Annotated, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from penalty_rules.model.vocabulary import VOCABULARY

# Words our list data puts where the source did not show a condition's wording (a stand-in, not a
# condition the officer can answer): documents never print it, questions ask to check the original.
PLACEHOLDER_MARKS = ("须核对原文", "未显示", "具体条件未见", "页面截断")

# Bounds a threshold may use: every quantity of the vocabulary is an amount, a count, a duration,
# a ratio or a pH value (non-negative), and durable-rules represents 0 or 0.001 ≤ |v| < 1e15
# (penalty_rules.engine.durable_adapter._bound). A bound that validates always compiles.
BOUND_MIN = 1e-3
BOUND_MAX = 1e15  # exclusive


def check_bound(value: float, name: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"阈值 {name} 须为有限数, 现为 {value!r}")
    if value < 0:
        raise ValueError(f"阈值 {name} 不能为负数(数量均为金额、人数、时长、比例等), 现为 {value!r}")
    if value != 0 and not (BOUND_MIN <= value < BOUND_MAX):
        raise ValueError(
            f"阈值 {name} 须为 0 或在 {BOUND_MIN:g} 与 1e15(不含)之间(规则引擎可表示的范围), 现为 {value!r}"
        )
    return value


class Threshold(BaseModel):
    """A numeric bound on a quantity: exactly one of max (≤), lt (<), min (≥), gt (>)."""

    # (The docstring is the JSON Schema's description.) The bound is checked by check_bound:
    # finite, non-negative, 0 or within [0.001, 1e15).

    model_config = ConfigDict(extra="forbid", frozen=True)

    quantity: str
    max: float | None = Field(default=None, description="不超过(≤), 以下/以内")
    lt: float | None = Field(default=None, description="不足(<)")
    min: float | None = Field(default=None, description="不低于(≥)")
    gt: float | None = Field(default=None, description="超过(>)")

    @field_validator("max", "lt", "min", "gt")
    @classmethod
    def _representable(cls, v: float | None, info) -> float | None:
        return v if v is None else check_bound(v, info.field_name)

    @model_validator(mode="after")
    def _one_bound(self) -> "Threshold":
        bounds = [b for b in ("max", "lt", "min", "gt") if getattr(self, b) is not None]
        if len(bounds) != 1:
            raise ValueError("阈值必须且只能给出 max、lt、min、gt 之一")
        if self.quantity not in VOCABULARY.quantities:
            raise ValueError(f"未知的数量名称 {self.quantity!r}{_close(self.quantity, VOCABULARY.quantities)}"
                             "(见 penalty_rules/data/vocabulary.yaml)")
        return self

    @property
    def op(self) -> str:
        return next(b for b in ("max", "lt", "min", "gt") if getattr(self, b) is not None)

    @property
    def bound(self) -> float:
        return getattr(self, self.op)

    @property
    def key(self) -> str:
        return f"{self.quantity}_{self.op}_{self.bound:g}"

    def label(self) -> str:
        q = VOCABULARY.quantities[self.quantity]
        words = {"max": "不超过", "lt": "不足", "min": "不低于", "gt": "超过"}[self.op]
        return f"{q.zh}{words}{self.bound:g}{q.unit}"


class Custom(BaseModel):
    """A condition stated by the list in words that no shared tag captures.

    Its fact is supplied by the officer as CaseFacts.custom_conditions[<key>] = true/false. The key
    is unique per item and wording (the item sets its id as the scope when it is validated): one
    answer never decides every item that shares a wording, such as the flagged placeholder.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    custom: str = Field(min_length=2, description="清单原文条件(中文)")
    _scope: str = PrivateAttr(default="")

    def scoped(self, scope: str) -> "Custom":
        self._scope = scope
        self.__dict__.pop("key", None)
        return self

    @cached_property
    def key(self) -> str:
        return custom_key(self._scope, self.custom)

    def label(self) -> str:
        return self.custom


def custom_key(scope: str, wording: str) -> str:
    """custom_<10 hex>: of the item id and the wording (of the wording alone without a scope)."""
    text = f"{scope}\n{wording}" if scope else wording
    return "custom_" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


Tag = Annotated[str, Field(description="条件标签(见词表)")]
Condition = Union[Tag, Threshold, Custom]


def condition_key(cond: Condition) -> str:
    """Stable ASCII key of any condition."""
    return cond if isinstance(cond, str) else cond.key


def _close(name: str, defs: dict) -> str:
    """';相近的: tag(中文名)' for the closest known names (lint messages name tags with their labels)."""
    import difflib

    found = difflib.get_close_matches(name, list(defs), n=3, cutoff=0.6)
    return (";相近的: " + "、".join(f"{t}({defs[t].zh})" for t in found)) if found else ""


def condition_label(cond: Condition) -> str:
    if isinstance(cond, str):
        return VOCABULARY.conditions[cond].zh
    return cond.label()


class Conditions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    all: list[Condition] = Field(default_factory=list, description="全部须满足")
    any_of: list[list[Condition]] = Field(default_factory=list, description="满足其中一组即可")

    @model_validator(mode="after")
    def _known_tags(self) -> "Conditions":
        for cond in self.iter_all():
            if isinstance(cond, str) and cond not in VOCABULARY.conditions:
                raise ValueError(
                    f"未知的条件标签 {cond!r}{_close(cond, {t: VOCABULARY.conditions[t] for t in VOCABULARY.list_tags()})};可用标签: "
                    + "、".join(f"{t}({VOCABULARY.conditions[t].zh})" for t in sorted(VOCABULARY.list_tags()))
                )
        for bundle in self.any_of:
            if not bundle:
                raise ValueError("any_of 中不能有空的条件组")
        return self

    def iter_all(self):
        yield from self.all
        for bundle in self.any_of:
            yield from bundle

    def keys(self) -> set[str]:
        return {condition_key(c) for c in self.iter_all()}
