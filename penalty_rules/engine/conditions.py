"""Three-valued condition evaluation over CaseFacts: met (True), not met (False), unknown (None).

This is the single place that maps facts to condition tags; the durable-rules event and the
reference evaluator both read it.
"""

import re

from penalty_rules.model.conditions import Condition, Custom, Threshold
from penalty_rules.model.facts import CaseFacts, Circumstance, Corrected, Harm, PartyType
from penalty_rules.model.vocabulary import ATTESTED, VOCABULARY

Truth = bool | None
# Tags the officer establishes (vocabulary kind: attested): CaseFacts.attested[<tag>], absent = unknown
ATTESTED_TAGS = frozenset(VOCABULARY.attested)
_COERCED_OR_DECEIVED = {Circumstance.coerced_or_deceived, Circumstance.coerced, Circumstance.deceived}
# 及时改正 (corrected_promptly) and 在责令改正期限内改正 (corrected_within_deadline): met by a correction before the
# deadline of an order ran out, or before any order (before or after discovery); not by one after the deadline
# (after_deadline: 超过责令改正的期限后才改正 is neither 及时 nor 期限内) nor by none. See vocabulary.yaml.
_PROMPT = {Corrected.before_discovery, Corrected.voluntarily_after_discovery, Corrected.within_deadline,
           Corrected.promptly}
# the values of CaseFacts.corrected that meet 及时改正 (the documents' check of 第三十三条第一款 reads them too)
PROMPT_CORRECTION_VALUES = frozenset(c.value for c in _PROMPT)
# 经责令改正已改正 (corrected_after_order): any correction, late ones too (the words name no deadline)
_CORRECTED = _PROMPT | {Corrected.after_deadline}
# 主动改正 (corrected_voluntarily): met by a correction on the party's own initiative, before any order (before or
# after discovery), not by one under the order (within_deadline, after_deadline) nor by none; 及时改正 says
# nothing of the initiative (unknown, asked). See vocabulary.yaml.
_VOLUNTARY = {Corrected.before_discovery: True, Corrected.voluntarily_after_discovery: True,
              Corrected.within_deadline: False, Corrected.after_deadline: False, Corrected.not_corrected: False}
CORRECTION_TAGS = ("corrected_before_discovery", "corrected_within_deadline", "corrected_promptly",
                   "corrected_voluntarily", "corrected_after_order")


# The party premises (engine.premises): an item of 个体工商户 is no enterprise's, other organisation's or
# natural person's; an item of …企业 is an enterprise's, or a 个体工商户's (药品零售企业 is defined by function,
# 药品管理法实施条例 art. 77: a licensed 个体 shop is one) — not a natural person's nor another organisation's.
_BUSINESS = (PartyType.enterprise, PartyType.individual_business)
_PARTY_PREMISES = {
    "party_individual_business": lambda p: p is PartyType.individual_business,
    "party_business": lambda p: p in _BUSINESS,
}


def party_fits(tag: str, party: PartyType) -> bool:
    """A known party type meets the party premise `tag` (engine.premises.PARTY_PREMISES)."""
    return _PARTY_PREMISES[tag](party)


_CIRCUMSTANCE_VALUE = {c: c.value for c in Circumstance}  # an enum's .value is slow to read (hot path)


class FactView:
    """The facts of one case as seen by one list (its first-offence definition applied)."""

    def __init__(self, facts: CaseFacts, first_offense: bool | None):
        self.facts = facts
        self.first_offense = first_offense

    def _circumstance(self, c: Circumstance) -> tuple[Truth, dict]:
        given = self.facts.circumstances
        if given is None:
            return None, {"circumstances": None}
        used = {"circumstances": [_CIRCUMSTANCE_VALUE[x] for x in given]}
        if c is Circumstance.coerced_or_deceived:  # either ground, named or not
            return bool(set(given) & _COERCED_OR_DECEIVED), used
        if c is Circumstance.coerced and c not in given and Circumstance.coerced_or_deceived in given:
            return None, used  # 胁迫或者诱骗, not said which: the old text names only 胁迫
        return c in given, used

    def tag(self, tag: str) -> tuple[Truth, dict]:
        f = self.facts
        if tag == "first_offense":
            return self.first_offense, {"first_offense": self.first_offense}
        if tag in CORRECTION_TAGS:
            used = {"corrected": f.corrected.value if f.corrected else None}
            if f.corrected is None:
                return None, used
            if tag == "corrected_before_discovery":
                return f.corrected is Corrected.before_discovery, used
            if tag == "corrected_voluntarily":
                return _VOLUNTARY.get(f.corrected), used
            if tag == "corrected_after_order":
                return f.corrected in _CORRECTED, used
            return f.corrected in _PROMPT, used
        if tag in ("no_harm", "minor_harm"):
            used = {"harm": f.harm.value if f.harm else None}
            if f.harm is None:
                return None, used
            if tag == "no_harm":
                return f.harm is Harm.none, used
            return f.harm in (Harm.none, Harm.minor), used
        if tag == "no_illegal_gains":
            used = {"illegal_gains_yuan": f.illegal_gains_yuan}
            return (None if f.illegal_gains_yuan is None else f.illegal_gains_yuan == 0), used
        if tag == "no_subjective_fault":
            used = {"subjective_fault": f.subjective_fault}
            return (None if f.subjective_fault is None else not f.subjective_fault), used
        if tag == "minor_violation":
            return f.minor_violation, {"minor_violation": f.minor_violation}
        if tag == "minor_not_denied":  # only the officer's explicit 不属轻微 defeats it (never asked)
            return f.minor_violation is not False, {"minor_violation": f.minor_violation}
        if tag in _PARTY_PREMISES:  # the party the item's conduct names (engine.premises.item_party)
            used = {"party_type": f.party_type.value if f.party_type is not None else None}
            return (None if f.party_type is None else _PARTY_PREMISES[tag](f.party_type)), used
        if tag == "serious_harm_not_found":  # only the officer's finding of serious harm defeats it (never asked)
            return f.harm is not Harm.serious, {"harm": f.harm.value if f.harm is not None else None}
        if tag in Circumstance.__members__:
            return self._circumstance(Circumstance(tag))
        if tag in ATTESTED_TAGS:
            value = (f.attested or {}).get(tag)
            return value, {f"{ATTESTED}.{tag}": value}
        raise KeyError(f"条件标签 {tag} 没有求值规则")

    def quantity(self, name: str) -> float | None:
        q = VOCABULARY.quantities[name]
        if q.fact:
            return getattr(self.facts, q.fact)
        return (self.facts.quantities or {}).get(name)

    def threshold(self, th: Threshold) -> tuple[Truth, dict]:
        value = self.quantity(th.quantity)
        used = {th.quantity: value}
        if value is None:
            return None, used
        op, bound = th.op, th.bound
        ok = {"max": value <= bound, "lt": value < bound, "min": value >= bound, "gt": value > bound}[op]
        return ok, used

    def custom(self, c: Custom) -> tuple[Truth, dict]:
        value = (self.facts.custom_conditions or {}).get(c.key)
        return value, {f"custom_conditions.{c.key}": value}

    def evaluate(self, cond: Condition) -> tuple[Truth, dict]:
        if isinstance(cond, str):
            return self.tag(cond)
        if isinstance(cond, Threshold):
            return self.threshold(cond)
        return self.custom(cond)


def missing_fact_names(cond: Condition) -> list[str]:
    """The CaseFacts fields whose value would decide an unknown condition."""
    if isinstance(cond, str):
        if cond in ATTESTED_TAGS:  # one question per tag: attested.<tag>
            return [f"{ATTESTED}.{cond}"]
        facts = VOCABULARY.conditions[cond].facts
        return [f for f in facts if f != "prior_offenses"]
    if isinstance(cond, Threshold):
        q = VOCABULARY.quantities[cond.quantity]
        return [q.fact or f"quantities.{cond.quantity}"]
    return [f"custom_conditions.{cond.key}"]


def and3(values) -> Truth:
    values = list(values)
    if any(v is False for v in values):
        return False
    if all(v is True for v in values):
        return True
    return None


def or3(values) -> Truth:
    values = list(values)
    if any(v is True for v in values):
        return True
    if all(v is False for v in values):
        return False
    return None


# ------------------------------------------------------------------------------ compiled values
# The same values as FactView.tag / quantity, without the `facts_used` dictionaries: built once per
# tag or quantity and called on the hot path (the durable-rules fact, the compiled evaluator).
# tests/engine/test_compiled_conditions.py checks them against FactView on generated facts.
def _circumstance_value(c: Circumstance):
    def value(f: CaseFacts, first) -> Truth:
        given = f.circumstances
        if given is None:
            return None
        if c is Circumstance.coerced_or_deceived:
            return bool(set(given) & _COERCED_OR_DECEIVED)
        if c is Circumstance.coerced and c not in given and Circumstance.coerced_or_deceived in given:
            return None
        return c in given

    return value


def _tag_value(tag: str):
    expr = _TAG_EXPRESSIONS.get(tag)
    if expr is not None:  # a plain read: the one expression durable-rules' fact writers inline too
        return eval(f"lambda f, first: {expr}", dict(TAG_EXPRESSION_NAMES))  # noqa: S307 (a constant of this module)
    if tag in Circumstance.__members__:
        return _circumstance_value(Circumstance(tag))
    if tag in ATTESTED_TAGS:
        return _attested_value(tag)
    raise KeyError(f"条件标签 {tag} 没有求值规则")


def _attested_value(tag: str):
    def value(f: CaseFacts, first) -> Truth:
        given = f.attested
        return None if given is None else given.get(tag)

    return value


_TAG_VALUES: dict = {}

# tag_value(tag)(f, first) as a Python expression in `f` and `first` over the names of
# TAG_EXPRESSION_NAMES, for the tags whose value is a plain read (a generated function reads them
# inline: durable_adapter's fact writers); None for the others (tests/engine/test_inline_readers.py).
TAG_EXPRESSION_NAMES = {"_Corrected": Corrected, "_Harm": Harm, "_PROMPT": _PROMPT, "_CORRECTED": _CORRECTED,
                        "_MINOR_HARM": (Harm.none, Harm.minor),
                        "_VOLUNTARY": _VOLUNTARY, "_Party": PartyType,
                        "_BUSINESS": _BUSINESS}
_TAG_EXPRESSIONS = {
    "first_offense": "first",
    "corrected_before_discovery": "(None if f.corrected is None else f.corrected is _Corrected.before_discovery)",
    "corrected_within_deadline": "(None if f.corrected is None else f.corrected in _PROMPT)",
    "corrected_promptly": "(None if f.corrected is None else f.corrected in _PROMPT)",
    "corrected_voluntarily": "(None if f.corrected is None else _VOLUNTARY.get(f.corrected))",
    "corrected_after_order": "(None if f.corrected is None else f.corrected in _CORRECTED)",
    "no_harm": "(None if f.harm is None else f.harm is _Harm.none)",
    "minor_harm": "(None if f.harm is None else f.harm in _MINOR_HARM)",
    "no_illegal_gains": "(None if f.illegal_gains_yuan is None else f.illegal_gains_yuan == 0)",
    "no_subjective_fault": "(None if f.subjective_fault is None else not f.subjective_fault)",
    "minor_violation": "f.minor_violation",
    "minor_not_denied": "(f.minor_violation is not False)",
    "serious_harm_not_found": "(f.harm is not _Harm.serious)",
    "party_individual_business": "(None if f.party_type is None else f.party_type is _Party.individual_business)",
    "party_business": "(None if f.party_type is None else f.party_type in _BUSINESS)",
}


def tag_expression(tag: str) -> str | None:
    """tag_value(tag) inline (see _TAG_EXPRESSIONS), or None."""
    return _TAG_EXPRESSIONS.get(tag)


def tag_value(tag: str):
    """fn(facts, first_offense) → the tag's three-valued value (as FactView.tag, without `used`)."""
    fn = _TAG_VALUES.get(tag)
    if fn is None:
        fn = _TAG_VALUES[tag] = _tag_value(tag)
    return fn


def quantity_value(name: str):
    """fn(facts) → the quantity's value (as FactView.quantity)."""
    q = VOCABULARY.quantities[name]
    if q.fact:
        attr = q.fact
        return lambda f: getattr(f, attr)
    return lambda f: (f.quantities or {}).get(name)


_TAG_FIELDS = {
    "corrected_before_discovery": "corrected", "corrected_within_deadline": "corrected",
    "corrected_promptly": "corrected", "corrected_voluntarily": "corrected", "corrected_after_order": "corrected",
    "no_harm": "harm", "minor_harm": "harm", "no_illegal_gains": "illegal_gains_yuan",
    "no_subjective_fault": "subjective_fault", "minor_violation": "minor_violation",
    "minor_not_denied": "minor_violation", "serious_harm_not_found": "harm",
    "party_individual_business": "party_type", "party_business": "party_type",
    **{c.value: "circumstances" for c in Circumstance},
}


def _num(v):
    """A number as a cache key: 0.0 and -0.0 are equal but print differently in a trace."""
    return (v, str(v)) if v == 0 else v


def raw_expression(cond: Condition) -> str | None:
    """raw_reader(cond)(f, first) as a Python expression in `f` and `first`, for the tags whose
    reader is a plain read (a generated function reads them inline: StatutoryRules.version_inputs);
    None for the others. The same value as raw_reader (tests/engine/test_inline_readers.py)."""
    if not isinstance(cond, str) or cond in ATTESTED_TAGS:
        return None
    if cond == "first_offense":
        return "first"
    field_ = _TAG_FIELDS.get(cond)
    if field_ == "circumstances":
        return "(None if f.circumstances is None else tuple(f.circumstances))"
    if field_ is None or field_ == "illegal_gains_yuan" or not field_.isidentifier():
        return None
    return f"f.{field_}"


def raw_reader(cond: Condition):
    """fn(facts, first_offense) → the raw fact value a condition reads, as its trace's facts_used
    shows it (hashable). Equal raw values give equal condition results and traces."""
    if isinstance(cond, Threshold):
        get = quantity_value(cond.quantity)

        def threshold(f, first):
            v = get(f)
            return None if v is None else _num(v)

        return threshold
    if isinstance(cond, Custom):
        key = cond.key
        return lambda f, first: (f.custom_conditions or {}).get(key)
    if cond == "first_offense":
        return lambda f, first: first
    if cond in ATTESTED_TAGS:
        return _attested_value(cond)
    field_ = _TAG_FIELDS.get(cond)
    if field_ == "circumstances":
        return lambda f, first: None if (v := f.circumstances) is None else tuple(v)  # (one attribute read)
    if field_ == "illegal_gains_yuan":
        return lambda f, first: None if f.illegal_gains_yuan is None else _num(f.illegal_gains_yuan)
    if field_ is None:
        raise KeyError(f"条件标签 {cond} 没有求值规则")
    return lambda f, first: getattr(f, field_)


_FIELD_READ = re.compile(r"\bf\.([a-z_][a-z0-9_]*)\b")


def field_reads(lines: list[str]) -> list[str]:
    """Lines of a generated function of the facts `f` (its body) with every read of a CaseFacts field
    `f.<field>` as `_d["<field>"]`, `_d` the facts' __dict__ read once first: the value pydantic
    keeps for the field (an attribute read of a pydantic model goes through its __getattr__ hook, a
    dict read does not). Used by the statutory inputs function and durable-rules' fact writers."""
    fields = CaseFacts.model_fields
    out = [re.sub(_FIELD_READ, lambda m: f'_d["{m.group(1)}"]' if m.group(1) in fields else m.group(0), line)
           for line in lines]
    return (["    _d = f.__dict__"] if out != lines else []) + out
