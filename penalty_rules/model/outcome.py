"""Outcomes of a decision, ordered from most to least lenient."""

from enum import Enum


class Outcome(str, Enum):
    no_penalty = "no_penalty"
    discretionary_no_penalty = "discretionary_no_penalty"
    reduced_penalty = "reduced_penalty"
    lighter_penalty = "lighter_penalty"
    normal = "normal"

    @property
    def leniency(self) -> int:
        """Higher is more lenient."""
        return LENIENCY[self]

    @property
    def zh(self) -> str:
        return ZH[self]


LENIENCY = {
    Outcome.no_penalty: 4,
    Outcome.discretionary_no_penalty: 3,
    Outcome.reduced_penalty: 2,
    Outcome.lighter_penalty: 1,
    Outcome.normal: 0,
}

ZH = {
    Outcome.no_penalty: "不予处罚",
    Outcome.discretionary_no_penalty: "可以不予处罚",
    Outcome.reduced_penalty: "减轻处罚",
    Outcome.lighter_penalty: "从轻处罚",
    Outcome.normal: "依法处罚",
}

# The same as plain dicts, for the hot paths (an enum's .value and properties are slow to read):
VALUE = {o: o.value for o in Outcome}
ZH_BY_VALUE = {o.value: zh for o, zh in ZH.items()}

UNDETERMINED = "undetermined"
UNDETERMINED_ZH = "尚不能确定"


def outcome_zh(value: str) -> str:
    """An outcome code in Chinese (尚不能确定 for undetermined; an unknown code as it is)."""
    if value == UNDETERMINED:
        return UNDETERMINED_ZH
    return ZH_BY_VALUE.get(value, value)

RANGED_ZH = "从轻或者减轻处罚"  # art. 32's range, as outcome_zh and the reason say it
_RANGE_WORD = {Outcome.lighter_penalty: "从轻", Outcome.reduced_penalty: "减轻",
               Outcome.discretionary_no_penalty: "不予", Outcome.no_penalty: "不予"}


def ranged_zh(range_) -> str:
    """The outcome of a rule with a range, in its words: 从轻或者减轻处罚 (art. 32), 减轻或者不予处罚
    (出境入境管理法 art. 83(2): 可以减轻或者免予处罚)."""
    words = list(dict.fromkeys(_RANGE_WORD[Outcome(o)] for o in range_))
    return RANGED_ZH if words == ["从轻", "减轻"] else "或者".join(words) + "处罚"
