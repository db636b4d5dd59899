"""The pure-Python three-valued reference evaluator.

It explains every rule (each condition met / not met / unknown with the fact value used), lists
the facts that would decide unknown conditions, and is the oracle that durable-rules is checked
against in the differential tests.
"""

from dataclasses import dataclass, field

from penalty_rules.engine.conditions import FactView, Truth, and3, missing_fact_names, or3
from penalty_rules.model.conditions import Conditions, condition_key, condition_label
from penalty_rules.model.decision import ConditionTrace


@dataclass
class ConditionsResult:
    satisfied: Truth
    traces: list[ConditionTrace] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)  # fact name → condition key that needs it


def _status(v: Truth) -> str:
    return "met" if v is True else "not_met" if v is False else "unknown"


def evaluate_conditions(conditions: Conditions, view: FactView) -> ConditionsResult:
    traces: list[ConditionTrace] = []
    unknown_conds = []

    def one(cond, bundle):
        value, used = view.evaluate(cond)
        traces.append(
            ConditionTrace.model_construct(  # engine-built values: no validation on the hot path
                key=condition_key(cond), label=condition_label(cond), status=_status(value),
                facts_used=used, bundle=bundle,
            )
        )
        if value is None:
            unknown_conds.append((cond, bundle))
        return value

    all_value = and3([one(c, None) for c in conditions.all])
    bundle_values = [and3([one(c, i) for c in b]) for i, b in enumerate(conditions.any_of)]
    any_value = or3(bundle_values) if conditions.any_of else True
    satisfied = and3([all_value, any_value])

    missing: dict[str, str] = {}
    if satisfied is None:
        for cond, bundle in unknown_conds:
            # a fact is worth asking only if its bundle can still hold
            if bundle is not None and bundle_values[bundle] is False:
                continue
            if bundle is not None and any_value is True:
                continue
            for name in missing_fact_names(cond):
                missing.setdefault(name, condition_key(cond))
    return ConditionsResult(satisfied, traces, missing)
