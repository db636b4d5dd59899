"""The pure-Python three-valued reference evaluator.

It explains every rule (each condition met / not met / unknown with the fact value used), lists
the facts that would decide unknown conditions, and is the oracle that durable-rules is checked
against in the differential tests.
"""

from dataclasses import dataclass, field

from penalty_rules.engine.conditions import FactView, Truth, missing_fact_names, raw_reader
from penalty_rules.model.conditions import Conditions, Threshold, condition_key, condition_label
from penalty_rules.model.decision import ConditionTrace, maker

_ConditionTrace = maker(ConditionTrace)


@dataclass(slots=True)
class ConditionsResult:
    satisfied: Truth
    traces: list[ConditionTrace] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)  # fact name → condition key that needs it


def _status(v: Truth) -> str:
    return "met" if v is True else "not_met" if v is False else "unknown"


# Compiled conditions: per Conditions object, each condition with its raw-value reader
# (conditions.raw_reader) and keys, built once; per (condition, bundle, raw value), its value and
# ConditionTrace, built once and shared between cases (read-only). The result of each condition is
# exactly what FactView.evaluate gives for those raw values (tests/engine/test_fast_paths.py).
_PLANS: dict[int, tuple] = {}
_TRACES: dict[tuple, tuple[Truth, ConditionTrace]] = {}
_MAX_TRACES = 50_000  # raw values come from requests (quantities, custom answers): bounded


def _identity(cond) -> object:
    """What makes two conditions evaluate and print alike (Threshold.key rounds its bound)."""
    if isinstance(cond, str):
        return cond
    if isinstance(cond, Threshold):
        return ("threshold", cond.quantity, cond.op, cond.bound)
    return ("custom", cond.key, cond.custom)


def _plan(conditions: Conditions):
    entry = _PLANS.get(id(conditions))
    if entry is not None and entry[0] is conditions:  # the object is kept: its id is not reused
        return entry[1]

    def compiled(cond, bundle):  # with its key, label and missing facts (list data: computed here once)
        return (cond, bundle, raw_reader(cond), _identity(cond), condition_key(cond), condition_label(cond),
                tuple(missing_fact_names(cond)))

    plan = ([compiled(c, None) for c in conditions.all],
            [[compiled(c, i) for c in b] for i, b in enumerate(conditions.any_of)])
    if len(_PLANS) >= 100_000:
        _PLANS.clear()
    _PLANS[id(conditions)] = (conditions, plan)
    return plan


def compile_conditions(conditions: Conditions) -> None:
    """Compile a Conditions object ahead of its first evaluation (Engine builds every item's and
    statutory rule's at load): what evaluate_conditions would compile on first use."""
    _plan(conditions)


def _lookup(entry, facts, first, view) -> tuple[Truth, ConditionTrace]:
    """(value, trace) of one compiled condition for these raw values, shared between cases."""
    cond, bundle, read, ident, cond_key, label, _missing_names = entry
    key = (ident, bundle, read(facts, first))
    hit = _TRACES.get(key)
    if hit is None:
        hit = _made(entry, key, view if view is not None else FactView(facts, first))
    return hit


def _made(entry, key, view) -> tuple[Truth, ConditionTrace]:
    """A condition's (value, trace) for the raw values of `key`, made and kept (_lookup)."""
    cond, bundle, _read, _ident, cond_key, label, _missing_names = entry
    value, used = view.evaluate(cond)
    trace = _ConditionTrace(  # engine-built values: no validation on the hot path (model.decision.built)
        key=cond_key, label=label, status=_status(value), facts_used=used, bundle=bundle,
    )
    hit = (value, trace)
    if len(_TRACES) >= _MAX_TRACES:
        _TRACES.clear()
    _TRACES[key] = hit
    return hit


def evaluate_conditions(conditions: Conditions, view: FactView) -> ConditionsResult:
    return evaluate_facts(conditions, view.facts, view.first_offense, view)


def evaluate_facts(conditions: Conditions, facts, first: Truth, view: FactView | None = None) -> ConditionsResult:
    """evaluate_conditions for (facts, 首违 value): the FactView is made only when a condition's trace
    is not yet kept for its raw values (_lookup)."""
    all_plan, bundle_plans = _plan(conditions)
    traces: list[ConditionTrace] = []
    unknown_conds = []

    # three-valued and/or as conditions.and3 / or3: False (True) decides, else unknown unless all hold
    all_value: Truth = True
    traces_get = _TRACES.get
    for entry in all_plan:  # _lookup, written out (every condition of every item of every case)
        key = (entry[3], None, entry[2](facts, first))
        hit = traces_get(key)
        if hit is None:
            hit = _made(entry, key, view if view is not None else FactView(facts, first))
        value, trace = hit
        traces.append(trace)
        if value is None:
            unknown_conds.append(entry)
            if all_value is True:
                all_value = None
        elif value is False:
            all_value = False
    bundle_values = []
    for plan in bundle_plans:
        bundle_value: Truth = True
        for entry in plan:
            value, trace = _lookup(entry, facts, first, view)
            traces.append(trace)
            if value is None:
                unknown_conds.append(entry)
                if bundle_value is True:
                    bundle_value = None
            elif value is False:
                bundle_value = False
        bundle_values.append(bundle_value)
    # or3(bundle_values) and and3([all_value, any_value]), written out (every item, every case)
    if not bundle_plans or True in bundle_values:
        any_value: Truth = True
    elif None in bundle_values:
        any_value = None
    else:
        any_value = False
    if all_value is False or any_value is False:
        satisfied: Truth = False
    elif all_value is True and any_value is True:
        satisfied = True
    else:
        satisfied = None

    missing: dict[str, str] = {}
    if satisfied is None:
        for entry in unknown_conds:
            bundle = entry[1]
            # a fact is worth asking only if its bundle can still hold
            if bundle is not None and bundle_values[bundle] is False:
                continue
            if bundle is not None and any_value is True:
                continue
            cond_key = entry[4]
            for name in entry[6]:
                missing.setdefault(name, cond_key)
    return ConditionsResult(satisfied, traces, missing)
