"""The statutory rules of 行政处罚法, evaluated from the versioned data in lists/statutory/.

For each case the engine takes the law version in force when the act was committed (for a
continuing act, when it ended) and the version in force on the decision date. Art. 37 (从旧兼从轻)
applies the earlier version unless the later one is milder: every rule of both versions is
evaluated on its own terms, and precedence takes the most lenient satisfied rule, the act-date
version first among equals. A version whose applicability depends on an unknown fact (the act
date, whether the act is continuing, its end) makes its rules unknown, so the answer stays
undetermined only where that version would be milder.

Facts the agency must establish (party type, a natural person's age, the act and discovery
dates, a continuing act) are three-valued: unknown and deciding → undetermined with a question.
Facts only the party raises (proof of no fault) count as not raised while unknown; so does a mental
condition, which is the agency's finding about the time of the act (经鉴定或者查明), never the party's word
alone: not found, art. 31 does not apply (a 31 不予 answer carries the rule's caution).

Special laws (另有规定, lists/statutory/special-laws.yaml) replace the limitation period (art. 36,
old art. 29 “法律另有规定的除外”) or the no-fault rule (art. 33(2) “从其规定”) for the laws and
domains they govern. Where the governing law is unknown and the answer depends on it, the engine
asks for it. An exemption row (`replaces: exemption`) is a rule of its own beside those of
行政处罚法 (a local regulation's 不予处罚, StatutoryRules.exemption): it applies in its
jurisdictions, to the domains and laws of its scope, from its in_force_from (earlier acts: a
warning, never the rule), and asks its fact while it is unknown.
"""

import calendar
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from penalty_rules.engine.conditions import Truth, and3, field_reads, raw_expression, raw_reader
from penalty_rules.engine.reference import ConditionsResult, _status, evaluate_conditions
from penalty_rules.model.age import full_years
from penalty_rules.model.citation import Citation
from penalty_rules.model.conditions import Threshold
from penalty_rules.model.decision import ConditionTrace, maker
from penalty_rules.model.facts import CaseFacts, Harm, PartyType
from penalty_rules.model.outcome import Outcome
from penalty_rules.model.statutory import (
    LawVersion, LimitationTest, Override, Period, Ref, Scope, SpecialFact, StatutoryCorpus, StatutoryRuleSpec,
)
from penalty_rules.statutes.names import normalise_law_name

NATURAL = {PartyType.individual, PartyType.individual_business}
_ConditionTrace = maker(ConditionTrace)  # engine-built traces without validation (model.decision.built)
ACT_ROLE = "违法行为时施行"
DECISION_ROLE = "作出决定时施行"

@dataclass(frozen=True)
class StatutoryRef:
    """What a statutory rule result stands on: the rule, its law version, and the special-law
    row that replaced it (if any)."""

    spec: StatutoryRuleSpec
    law: LawVersion
    override: Override | None = None
    item: int | None = None  # the item (项) of the article that the case met
    maybe: tuple[Override, ...] = ()  # no-fault rows that may replace the rule (scope unknown): their outcomes are possible

    # citation, general_citation and title: computed once per reference (a frozen value; results are
    # shared between cases by the engine's statutory cache)
    @cached_property
    def citation(self) -> Citation:
        if self.override:
            return self.override.citation
        ref = self.spec.citation
        if self.item is not None:
            ref = ref.model_copy(update={"item": self.item})
        return self.law.citation(ref)

    @cached_property
    def general_citation(self) -> Citation:
        return self.law.citation(self.spec.citation)

    @property
    def text_on(self) -> date:
        """The date to read the cited text at: the version applied, never a later one."""
        return self.override.text_version if self.override else self.law.text_version

    @cached_property
    def title(self) -> str:
        if self.override:
            return f"{self.override.citation.label()}: {self.override.says}"
        return self.spec.title

    @property
    def says(self) -> str:
        if self.override and self.override.consequence:
            return self.override.consequence
        return self.spec.says

    @cached_property  # read by precedence on every case (shared: read-only)
    def range(self) -> list[Outcome]:
        if self.override and self.override.outcome is not None:
            return list(self.override.range)
        return list(self.spec.range)

    @cached_property  # read by precedence on every case
    def mandatory(self) -> bool:
        if self.override and self.override.mandatory is not None:
            return self.override.mandatory
        return self.spec.mandatory

    @property
    def measures(self) -> list[str]:
        return list(self.spec.measures) + (list(self.override.measures) if self.override else [])


@dataclass
class StatutoryOutcome:
    """One statutory rule evaluated for one case."""

    rule_id: str
    outcome: Outcome
    result: ConditionsResult
    ref: StatutoryRef
    applicable: Truth  # the version applies to this case (act date or, if milder, decision date)
    role: str  # ACT_ROLE / DECISION_ROLE / both
    notes: list[str] = field(default_factory=list)
    questions: dict[str, str] = field(default_factory=dict)
    overrides: list[str] = field(default_factory=list)
    version_only: bool = False  # every condition met; only whether this version applies is unknown


# ------------------------------------------------------------------------------- periods
def period_months(period: Period) -> int:
    return (period.years or 0) * 12 + (period.months or 0)


def add_period(start: date, period: Period) -> date:
    """The last day of a period counted from `start` (the day itself not counted): the same
    calendar day `years` or `months` later, or the month's last day when that day does not exist."""
    months = period_months(period)
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    day = start.day
    if day > 28:  # the month may be shorter (calendar.monthrange, only where it can matter)
        day = min(day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


# ------------------------------------------------------------------------------- scope
def law_matches(scope: Scope, laws: list[str]) -> bool:
    names = {normalise_law_name(n) for n in scope.laws}
    for law in laws:
        key = normalise_law_name(law)
        if key in names or any(word in key for word in scope.law_keywords):
            return True
    return False


def scope_match(scope: Scope, domain: str | None, laws: list[str] | None) -> tuple[Truth, list[str]]:
    """Does a special law govern cases of this domain and these violated laws? (value, facts that would
    decide it), before its own scope fact (scope_value)."""
    if laws:
        value: Truth = law_matches(scope, laws)
        missing = []
    elif domain is not None:
        if domain in scope.domains:
            value, missing = True, []
        elif domain in scope.possible_domains:
            value, missing = None, ["violated_law"]
        else:
            value, missing = False, []
    else:
        value, missing = None, ["violated_law"]
    return value, missing


def scope_value(scope: Scope, facts: CaseFacts, domain: str | None, laws: list[str] | None) -> tuple[Truth, list[str]]:
    """Does a special law govern this case? (value, facts that would decide it): scope_match, then the
    row's own scope fact."""
    value, missing = scope_match(scope, domain, laws)
    if scope.fact is not None and value is not False:
        answer = (facts.special_law_facts or {}).get(scope.fact.key)
        value = and3([value, answer])
        if answer is None and value is None:
            missing.append(f"special_law_facts.{scope.fact.key}")
        elif value is False:
            missing = []
    return value, (missing if value is None else [])


def _special(facts: CaseFacts, f: SpecialFact) -> Truth:
    return (facts.special_law_facts or {}).get(f.key)


# ------------------------------------------------------------------------------- tests
@dataclass
class Test:
    key: str
    label: str
    value: Truth
    used: dict
    missing: list[str] = field(default_factory=list)


def age_span(f: CaseFacts, dec: date) -> tuple[int | None, int | None, list[str]]:
    """(lowest, highest) age in 周岁 the party may have had when the act ended, and the facts that
    would narrow it. Art. 30 asks the age 违法行为时: conduct after the 14th (18th) birthday is not the
    conduct of a person under 14 (18), so a continuing act (连续或者继续状态) counts at its end, as
    the law version (version_at_act) and the limitation period (art. 36) do; with the end unknown it
    lies between the act date and the decision. `age` is the age on the act date (CaseFacts.age):
    over a span of n = full_years(act date, end) years and some days it has grown by n or n + 1 (a
    bound: one more birthday at most). highest None: no bound (an act that may be continuing, with
    no act date to count from)."""
    if f.act_date is None:
        if f.continuing is not False and f.age is not None:
            return f.age, None, ["act_date"]
        return f.age, f.age, []
    first = last = f.act_date
    end_missing: list[str] = []
    if f.continuing is not False:
        if f.continuing and f.act_end_date is not None:
            first = last = f.act_end_date
        elif dec > f.act_date:
            last = dec
            end_missing = ["continuing" if f.continuing is None else "act_end_date"]
    if f.birth_date is not None:
        return full_years(f.birth_date, first), full_years(f.birth_date, last), end_missing
    if f.age is None:
        return None, None, []
    if last == f.act_date:
        return f.age, f.age, []
    low = f.age + full_years(f.act_date, first)
    return low, f.age + full_years(f.act_date, last) + 1, ["birth_date", *end_missing]


def _in_range(a, low: int | None, high: int | None) -> Truth:
    """Whether an age between low and high (None: no upper bound) lies in [a.min, a.below)."""
    if low is None:
        return None
    top = a.below if a.below is not None else float("inf")
    can_be_in = max(low, a.min or 0) < (top if high is None else min(high + 1, top))
    can_be_out = (a.min is not None and low < a.min) or (a.below is not None and (high is None or high >= a.below))
    return None if can_be_in and can_be_out else can_be_in


def _age_test(spec: StatutoryRuleSpec, f: CaseFacts, dec: date) -> Test:
    a = spec.age
    bounds = ("已满" + str(a.min) + "周岁" if a.min is not None else "") + (f"不满{a.below}周岁" if a.below else "")
    used = {"party_type": f.party_type.value if f.party_type else None, "age": f.age,
            "birth_date": f.birth_date.isoformat() if f.birth_date else None}
    label = f"当事人(自然人或个体工商户经营者)违法行为时{bounds}"
    if f.party_type is not None and f.party_type not in NATURAL:
        return Test("age", label, False, used)
    if f.birth_date is not None and f.act_date is None:
        return Test("age", label, None, used, ["act_date"] + (["party_type"] if f.party_type is None else []))
    low, high, narrowing = age_span(f, dec)
    if f.birth_date is not None:
        used["age_on_act_date"] = full_years(f.birth_date, f.act_date)
    in_range = _in_range(a, low, high)
    at_act = used.get("age_on_act_date", f.age)
    if at_act is not None and in_range != _in_range(a, at_act, at_act):
        # a continuing act (or one that may be) whose end changes the answer: the age when it ended
        label += "(连续或者继续状态的, 按行为终了时计算)" if f.continuing else "(如处于连续或者继续状态, 按行为终了时计算)"
        used["continuing"] = f.continuing
        used["age_at_end_of_act"] = low if low == high else f"{low}–{high if high is not None else ''}"
    if in_range is False:
        return Test("age", label, False, used)  # whatever the party type
    if in_range is None and low is not None:
        return Test("age", label, None, used, narrowing + (["party_type"] if f.party_type is None else []))
    if f.party_type is None:
        return Test("age", label, None, used, ["party_type"] + (["age"] if low is None else []))
    if low is None:
        return Test("age", label, None, used, ["age"])
    return Test("age", label, True, used)


def _mental_test(spec: StatutoryRuleSpec, f: CaseFacts) -> Test:
    m = spec.mental
    who = "精神病人、智力残疾人" if len(m.causes) == 2 else "精神病人"
    label = {"cannot_recognize": f"{who}在不能辨认或者不能控制自己行为时有违法行为",
             "limited": f"{who}尚未完全丧失辨认或者控制自己行为能力"}[m.condition]
    used = {"mental_condition": f.mental_condition.value if f.mental_condition else None,
            "mental_condition_cause": f.mental_condition_cause.value if f.mental_condition_cause else None}
    if f.mental_condition is None:
        return Test("mental", label + "(未经鉴定或者查明, 视为不适用)", False, used)
    if f.party_type is not None and f.party_type not in NATURAL:
        return Test("mental", label, False, used)
    if f.mental_condition.value != m.condition:
        return Test("mental", label, False, used)
    if f.party_type is None:
        return Test("mental", label, None, used, ["party_type"])
    # the article covers 精神病人 (and, from 2021, 智力残疾人) only: not being able to recognise or
    # control oneself for another cause (醉酒, 服用药物 …) is not its case — the cause is asked
    if f.mental_condition_cause is None:
        return Test("mental", label, None, used, ["mental_condition_cause"])
    return Test("mental", label, f.mental_condition_cause.value in m.causes, used)


def _no_fault_test(f: CaseFacts) -> Test:
    label = "当事人有证据足以证明没有主观过错"
    used = {"subjective_fault": f.subjective_fault}
    if f.subjective_fault is None:
        return Test("no_subjective_fault", label + "(未主张/未提供, 视为不适用)", False, used)
    return Test("no_subjective_fault", label, not f.subjective_fault, used)


def _expired_from(start: date, period: Period, f: CaseFacts, dec: date) -> tuple[Truth, list[str]]:
    deadline = add_period(start, period)
    if f.discovered_date is not None:
        return f.discovered_date > deadline, []
    if dec <= deadline:
        return False, []  # discovered on or before the decision: within the period whatever the day
    return None, ["discovered_date"]


def _expired(period: Period, f: CaseFacts, dec: date) -> tuple[Truth, list[str]]:
    if f.act_date is None:
        return None, ["act_date"]
    from_act, missing = _expired_from(f.act_date, period, f, dec)
    if from_act is False or f.continuing is False:
        return from_act, missing  # a later end of the act could only make the period later
    if f.continuing is None:
        return None, missing + ["continuing"]
    if f.act_end_date is None:
        return None, missing + ["act_end_date"]
    return _expired_from(f.act_end_date, period, f, dec)


def _five_years(f: CaseFacts) -> Truth:
    """Whether the extended period (第三十六条: 涉及公民生命健康安全、金融安全且有危害后果的, 五年) can
    reach the case: not where the act had no harm (harm none), whatever safety_related says
    (validation refuses the two together; an unknown safety_related is then not asked)."""
    return False if f.harm is Harm.none else f.safety_related


def _periods(lim: LimitationTest, f: CaseFacts) -> list[tuple[Period, str]]:
    five = _five_years(f)
    if lim.extended is None or five is False:
        return [(lim.period, "")]
    if five:
        return [(lim.extended, "涉及公民生命健康安全、金融安全且有危害后果")]
    return [(lim.period, ""), (lim.extended, "涉及公民生命健康安全、金融安全且有危害后果")]


def limitation_used(f: CaseFacts) -> dict:
    """The facts the limitation test shows it read (its trace's facts_used, before any special law)."""
    d = f.__dict__  # the fields read as a dict (a pydantic attribute read goes through its __getattr__ hook)
    act, found, end, harm = d["act_date"], d["discovered_date"], d["act_end_date"], d["harm"]
    return {"act_date": _iso(act) if act else None,
            "discovered_date": _iso(found) if found else None,
            "continuing": d["continuing"],
            "act_end_date": _iso(end) if end else None,
            "safety_related": d["safety_related"],
            "harm": harm.value if harm is not None else None}


_ISO_TEXT: dict[date, str] = {}


def _iso(day: date) -> str:
    """day.isoformat(), once per day (case dates: bounded)."""
    text = _ISO_TEXT.get(day)
    if text is None:
        if len(_ISO_TEXT) >= 50_000:
            _ISO_TEXT.clear()
        text = _ISO_TEXT[day] = day.isoformat()
    return text




_SPECIAL_KEY = "(None if f.special_law_facts is None else tuple(sorted(f.special_law_facts.items())))"  # special_key(f)


def _inline(reader, expression: str, **names):
    """A test's input reader with the same value written as an expression in version_inputs'
    arguments (f, first, questions, dec, domain, laws); `{call}` stands for calling the reader
    itself, `{var}_<name>` for `names[name]` (a leading underscore: the name as given)."""
    reader.inline = expression
    reader.names = names
    return reader


def _limitation_test(
    spec: StatutoryRuleSpec, f: CaseFacts, dec: date, special: list[Override], domain, laws,
) -> tuple[Test, list[str]]:
    """(test, special-law rows that governed). Cases within the shortest period share one result
    (StatutoryRules.limitation_share) and Engine._own_dates puts each case's limitation_used into
    its trace: nothing else here may depend on the dates when the answer is "not expired"."""
    lim = spec.limitation
    used = limitation_used(f)

    def general() -> tuple[Truth, list[str], str]:
        results = []
        for period, why in _periods(lim, f):
            value, missing = _expired(period, f, dec)
            results.append((value, missing, period.label + (f"({why})" if why else "")))
        values = {v for v, _, _ in results}
        if len(values) == 1:
            value, missing, label = results[0]
            return value, missing, label
        missing = [m for _, ms, _ in results for m in ms] + ["safety_related"]
        return None, list(dict.fromkeys(missing)), "/".join(lbl for *_, lbl in results)

    applied: list[str] = []
    value, missing, period_label = general()
    if lim.overridable:
        candidates = [o for o in special if o.replaces == "limitation" and (f.act_date is None or o.in_force(f.act_date))]
        scoped = [(o, *scope_value(o.scope, f, domain, laws)) for o in candidates]
        governing = next((o for o, v, _ in scoped if v is True), None)
        if governing is not None:
            value, missing = _expired(governing.period, f, dec)
            period_label = governing.period.label
            applied.append(governing.id)
            used["special_law"] = governing.citation.label()
            revised = governing.revised_on
            if value and revised and at_act_end(lambda day: day >= revised, [revised], f, dec)[0] is not False:
                # an act under a revised text the collection lacks: its period cannot be confirmed
                value, missing = None, []
                period_label += f"(该法修订文本自{governing.revised_on.isoformat()}起施行, 期限待核对)"
        else:
            open_ = [(o, m) for o, v, m in scoped if v is None]
            alternatives = {value} | {_expired(o.period, f, dec)[0] for o, _ in open_}
            if len(alternatives) > 1:
                value = None
                missing = list(dict.fromkeys(missing + [m for _, ms in open_ for m in ms]))
    label = f"违法行为在{period_label}内未被发现(期限届满后才发现)"
    return Test("limitation_expired", label, value, used, missing if value is None else []), applied


# ------------------------------------------------------------------------------- versions
def at_act_end(in_force, bounds, f: CaseFacts, dec: date) -> tuple[Truth, list[str]]:
    """Was something in force when the act was committed (a continuing act: when it ended, no later
    than the decision)? `in_force(day)` changes only on the days `bounds`. With the end unknown the
    act ended on some day from the act date to the decision: in force on every such day or on none
    decides; else unknown, and the fact that dates the end is missing. The one reading of the time of
    the act for law versions (version_at_act) and list versions (Engine._in_force_at_act)."""
    if f.act_date is None:
        return None, ["act_date"]
    if f.continuing is False:
        return in_force(f.act_date), []
    if f.continuing and f.act_end_date is not None:
        return in_force(f.act_end_date), []
    possible = {in_force(f.act_date)} | {in_force(day) for day in bounds if f.act_date < day <= dec}
    if len(possible) == 1:
        return possible.pop(), []
    return None, ["continuing" if f.continuing is None else "act_end_date"]


def version_at_act(law: LawVersion, f: CaseFacts, dec: date) -> tuple[Truth, list[str]]:
    """Was `law` in force when the act was committed (at_act_end over its two dates)?"""
    return at_act_end(law.in_force, [d for d in (law.in_force_from, law.in_force_to) if d], f, dec)


_LABELS: dict[int, tuple] = {}


def _label(c) -> str:
    """Citation.label() of a citation of the statute data, once per citation object (kept: its id
    is not reused)."""
    hit = _LABELS.get(id(c))
    if hit is not None and hit[0] is c:
        return hit[1]
    if len(_LABELS) >= 10_000:
        _LABELS.clear()
    hit = _LABELS[id(c)] = (c, c.label())
    return hit[1]


def special_key(f: CaseFacts) -> tuple | None:
    """The special-law facts of a case as a cache key's part."""
    return None if f.special_law_facts is None else tuple(sorted(f.special_law_facts.items()))


def _reads(cond) -> tuple:
    """What a condition's raw reader (conditions.raw_reader) reads: a tag its tag's facts, a
    threshold its quantity, a custom condition the answer under its key (which a scoped condition
    makes differ from its wording): equal tuples read the same raw value."""
    if isinstance(cond, str):
        return ("tag", cond)
    if isinstance(cond, Threshold):
        return ("quantity", cond.quantity)
    return ("custom", cond.key)


def _exemption_spec(row: Override) -> StatutoryRuleSpec:
    """The rule an exemption row is (StatutoryRef.spec): its id, its words and outcome; its citation is
    the row's own (StatutoryRef.citation reads the override), never an article of 行政处罚法."""
    c = row.citation
    return StatutoryRuleSpec(
        id=row.id, title=f"{c.label()}: {row.says}", citation=Ref(article=c.article, paragraph=c.paragraph, item=c.item),
        says=row.consequence or row.says, outcome=row.outcome, range=list(row.range), mandatory=row.mandatory,
        note=row.note,
    )


# the conditions of an exemption row that are the engine's premises (where, which cases, when), not the
# party's circumstance: a document never gives them as the reason (documents.build)
EXEMPTION_PREMISES = frozenset({"exemption_jurisdiction", "exemption_scope", "exemption_in_force"})


@dataclass
class Exemption:
    """One exemption row evaluated for one case (StatutoryRules.exemption)."""

    ref: StatutoryRef
    result: ConditionsResult
    applicable: bool  # the act lies in the row's period (or may): False → said in `warning` only
    questions: dict[str, str]
    role: str  # why the 行政处罚法 version of `ref` applies (StatutoryRules.role)
    warning: str | None = None  # said with the answer: the act predates the row's period, or an item stands


class StatutoryRules:
    """The statutory rule corpus, ready to evaluate cases."""

    def __init__(self, corpus: StatutoryCorpus):
        self.corpus = corpus
        self.special = list(corpus.special.overrides) if corpus.special else []
        self.cautions = list(corpus.special.cautions) if corpus.special else []
        # exemption rows (rules of their own), each with the rule spec its StatutoryRef stands on
        self.exemptions = [(o, _exemption_spec(o)) for o in self.special if o.replaces == "exemption"]
        self._caution_scopes: dict[tuple, list] = {}  # (outcome, domain, laws) → [(caution, scope value)]
        self._limitation_rows = [o for o in self.special if o.replaces == "limitation"]
        self._limitation_scopes: dict[tuple, tuple] = {}  # (domain, laws, special-law facts) → limitation_scopes
        # every day a law version starts or stops being in force: LawVersion.in_force(day) depends on
        # a day only through how many of them fall on or before it (its era)
        self._bounds = sorted({d for v in corpus.versions for d in (v.in_force_from, v.in_force_to) if d})
        self._version_by_era: dict[int, LawVersion | None] = {}  # version_on per era (a handful)

    def era(self, on: date) -> int:
        """The stretch between two version boundaries that `on` falls in: days of one era are in
        force for exactly the same law versions."""
        return bisect_right(self._bounds, on)

    def versions_key(self, f: CaseFacts, dec: date) -> tuple:
        """What versions_for reads of a case, as eras: cases with equal keys get equal answers.
        version_at_act reads the act date (not continuing), the end date (continuing, end known), or
        with the end unknown whether the version is in force on each day from the act to the
        decision (never earlier: refused before): the eras from the act's to the decision's, and
        which fact to ask; at_dec reads the decision's era."""
        era = self.era
        d = f.__dict__  # the fields read as a dict (a pydantic attribute read goes through its __getattr__ hook)
        act, continuing = d["act_date"], d["continuing"]
        if act is None:
            return (None, era(dec))
        if continuing is False:
            return (era(act), False, era(dec))
        end = d["act_end_date"]
        if continuing and end is not None:
            return ("end", era(end), era(dec))
        return ("open", continuing, era(act), era(dec))

    def versions_for(self, f: CaseFacts, dec: date) -> list[tuple[LawVersion, Truth, bool, list[str]]]:
        """(version, in force at the act, in force at the decision, facts that decide the first),
        act-date versions first."""
        out = []
        for law in self.corpus.versions:
            at_act, missing = version_at_act(law, f, dec)
            at_dec = law.in_force(dec)
            if at_act is False and not at_dec:
                continue
            out.append((law, at_act, at_dec, missing))
        out.sort(key=lambda v: 0 if v[1] is True else 1 if v[1] is None else 2)
        return out

    def decision_version(self, dec: date) -> LawVersion | None:
        return self.version_on(dec)

    def version_on(self, on: date) -> LawVersion | None:
        era = self.era(on)
        hit = self._version_by_era.get(era, False)
        if hit is False:
            hit = self._version_by_era[era] = next((v for v in self.corpus.versions if v.in_force(on)), None)
        return hit

    def exemption(self, row: Override, spec: StatutoryRuleSpec, f: CaseFacts, dec: date, domain: str | None,
                  laws: list[str] | None, stack: list[str], item_conduct: bool = False) -> Exemption | None:
        """An exemption row (replaces: exemption) for one case; None where it cannot govern it: another
        jurisdiction, nothing naming the case's domain or law (as cautions_for: never asked of every
        case), or a domain and laws outside its scope. Else three-valued like any rule: its scope fact
        unknown → open, asked with the row's question (never assumed); the violated law unknown where the
        domain only may be governed → open (violated_law). Time: the rule applies to decisions from
        in_force_from on, whatever the act date (a lighter new rule reaches earlier acts, 行政处罚法
        37); an earlier decision → not applied (role not_in_force), the answer unchanged, and
        `earlier_warning` said where the fact is not denied.
        `item_conduct`: a list item of the case names its conduct (a binding list, locked and
        published, decides that conduct with its own examples; an item not in force, or one of another
        place's list, still names it): with the fact unknown the answer the case otherwise has stands
        and the question is said in `warning` — the fact is never taken as given either way. A case
        named only by its domain or law is asked (missing fact)."""
        scope = row.scope
        if scope.jurisdictions and not any(j in stack for j in scope.jurisdictions):
            return None
        if domain is None and not laws and (scope.fact is None or (f.special_law_facts or {}).get(scope.fact.key) is not True):
            return None  # (the officer finding the row's own fact names the law: asked which law is violated)
        in_scope, scope_missing = scope_match(scope, domain, laws)
        if in_scope is False:
            return None
        fact = scope.fact
        fact_name = f"special_law_facts.{fact.key}"
        answer = (f.special_law_facts or {}).get(fact.key)
        # time: read against the decision date. The row's text applies once it is known in force
        # (in_force_from); an earlier act is reached too, the rule being lighter than what the act-time
        # text said (行政处罚法 37: 新的规定处罚较轻的, 适用新的规定; or that text had it already). A decision
        # before that date is not decided by the row: its earlier_warning is said.
        start = row.in_force_from
        at_act, act_missing = (True if start is None else dec >= start), []
        traces = []
        if scope.jurisdictions:
            traces.append(_ConditionTrace(bundle=None, key="exemption_jurisdiction", status="met",
                                          label=f"本案由{row.citation.law}施行的行政区域内的机关办理",
                                          facts_used={"jurisdiction": f.jurisdiction}))
        traces.append(_ConditionTrace(bundle=None, key="exemption_scope", status=_status(in_scope),
                                      label=f"本案受{row.citation.label()}调整(执法领域或违反的法律)",
                                      facts_used={"domain": domain, "violated_law": f.violated_law}))
        traces.append(_ConditionTrace(bundle=None, key=fact.key, status=_status(answer), label=fact.label,
                                      facts_used={fact_name: answer}))
        if start is not None:
            traces.append(_ConditionTrace(
                bundle=None, key="exemption_in_force", status=_status(at_act),
                label=f"作出决定时本款已施行({start.isoformat()}起可以确认; 此前的违法行为依行政处罚法第三十七条适用较轻的本款)",
                facts_used={"decision_date": dec.isoformat()}))
        law, role = self.version_on(dec), DECISION_ROLE
        if at_act is True and f.act_date is not None:  # 行政处罚法 as in force at the act (its procedure, 33(3))
            day = f.act_end_date if f.continuing and f.act_end_date is not None else f.act_date
            law = self.version_on(day) or law
            role = self.role(True, law.in_force(dec))
        ref = StatutoryRef(spec, law, row)
        questions = {fact_name: fact.question}
        if at_act is False:
            warning = None
            if answer is not False and row.earlier_warning:
                lead = "" if answer else f"本案如属“{fact.label}”: "
                warning = f"{lead}{row.citation.label()}规定“{row.says}”。{row.earlier_warning}"
            return Exemption(ref, ConditionsResult(False, traces, {}), False, questions, role, warning)
        satisfied = and3([in_scope, answer, at_act])
        if answer is None and item_conduct and satisfied is None:
            traces[-2 if start is not None else -1] = _ConditionTrace(
                bundle=None, key=fact.key, status="unknown", label=f"{fact.label}(未查明: 按清单条目的结论, 见提示)",
                facts_used={fact_name: answer})
            warning = (f"本案如属“{fact.label}”: {row.citation.label()}规定“{row.says}”, 本结论按清单条目作出, "
                       f"未适用该款; 请查明: {fact.question}(填写 special_law_facts.{fact.key})")
            return Exemption(ref, ConditionsResult(False, traces, {}), True, questions, role, warning)
        missing: dict[str, str] = {}
        if satisfied is None:
            if answer is None:
                missing[fact_name] = fact.key
            if in_scope is None:
                for name in scope_missing:
                    missing.setdefault(name, "exemption_scope")
            if at_act is None:
                for name in act_missing:
                    missing.setdefault(name, "exemption_in_force")
        return Exemption(ref, ConditionsResult(satisfied, traces, missing), True, questions, role)

    def override(self, override_id: str) -> Override | None:
        return next((o for o in self.special if o.id == override_id), None)

    def cautions_for(self, outcome: Outcome, f: CaseFacts, dec: date, domain: str | None, laws: list[str] | None,
                     winner: StatutoryRef | None = None, barred: bool = False) -> list[str]:
        """Warnings of the special laws' cautions (model.statutory.Caution) on a decided outcome: a
        caution whose law governs the case says its rule; one whose law may govern (the violated law
        unknown, the domain among its possible ones) says it conditionally. None where a limitation
        period bars the case (`barred`: no circumstance revives it, whichever rule decides), where
        nothing names the case's law or domain, for acts that ended outside the caution's text
        (at_act_end: a continuing act by its end; with the end unknown across the text's dates, said
        conditionally), or where the answer stands on a special rule the caution does not concern."""
        if barred or (domain is None and not laws):
            return []
        key = (outcome, domain, tuple(laws) if laws else None)
        scoped = self._caution_scopes.get(key)
        if scoped is None:  # a caution's scope reads only the domain and the laws (it has no fact of its own)
            scoped = [(c, v) for c in self.cautions if outcome in c.outcomes
                      for v in [scope_match(c.scope, domain, laws)[0]] if v is not False]
            if len(self._caution_scopes) >= 4096:  # laws come from requests: bounded
                self._caution_scopes.clear()
            self._caution_scopes[key] = scoped
        if not scoped:
            return []
        override = winner.override.id if winner is not None and winner.override is not None else None
        out = []
        for c, value in scoped:
            if override in c.unless_overrides:
                continue
            if c.acts_from or c.acts_before:
                def in_text(day: date, c=c) -> bool:
                    return (c.acts_from is None or day >= c.acts_from) and (c.acts_before is None or day < c.acts_before)

                at_act, _missing = at_act_end(in_text, [d for d in (c.acts_from, c.acts_before) if d], f, dec)
                if at_act is False:
                    continue
            else:
                at_act = True
            lead = "" if value else f"本案如违反{'、'.join(f'《{law}》' for law in c.scope.laws)}: "
            if at_act is None:
                lead += "违法行为(终了)日期未查明, 如在该文本施行期间: "
            out.append(f"{lead}{_label(c.citation)}规定“{c.says}”。{c.warning}")
        return out

    @staticmethod
    def role(at_act: Truth, at_dec: bool) -> str:
        """Why a law version applies: in force at the act, at the decision, or both (or unknown)."""
        if at_act:
            return f"{ACT_ROLE}, 亦为{DECISION_ROLE}" if at_dec else ACT_ROLE
        if at_act is None:
            return f"{DECISION_ROLE}(违法行为时是否施行待定)" if at_dec else f"{ACT_ROLE}(待定)"
        return DECISION_ROLE

    def _readers(self, spec: StatutoryRuleSpec) -> list[tuple[object, str, object]]:
        """Every input `_rule` reads for `spec` besides its law version's applicability, as
        (identity, kind, reader): kind "c" reads fn(facts, first) — the raw fact value of a
        condition, as its trace shows it — and kind "r" reads fn(facts, first, questions, dec,
        domain, laws) for a test. Readers with equal identities read the same value."""
        out: list[tuple[object, str, object]] = [(_reads(cond), "c", raw_reader(cond)) for cond in spec.conditions.iter_all()]
        if spec.age:
            # what _age_test reads and shows: the age on the act date and the span at the act's end
            # (no age and no birth date: age_span gives (None, None) whatever the dates; version_inputs inlines it)
            out.append(("age", "r", _inline(lambda f, first, q, dec, *_: (
                f.party_type, f.age, f.birth_date, f.act_date if f.birth_date else None, f.act_date is None,
                f.continuing, f.act_end_date is None, *age_span(f, dec)[:2]),
                "((f.party_type, None, None, None, f.act_date is None, f.continuing, f.act_end_date is None, None, None)"
                " if f.age is None and f.birth_date is None else {call})")))
        if spec.mental:
            out.append(("mental", "r", _inline(lambda f, *_: (f.mental_condition, f.mental_condition_cause, f.party_type),
                                               "(f.mental_condition, f.mental_condition_cause, f.party_type)")))
        if spec.no_fault_proven:
            out.append(("no_fault", "r", _inline(lambda f, *_: f.subjective_fault, "f.subjective_fault")))
            if spec.overridable == "no_fault":
                # the decision date matters only through which no-fault rows are in force on it
                # (_no_fault_override): cases decided on other days with the same rows share a result
                rows = [o for o in self.special if o.replaces == "no_fault"]
                # which rows are in force changes only on their dates: the era of the decision date
                bounds = sorted({d for o in rows for d in (o.in_force_from, o.in_force_to) if d is not None})
                out.append(("no_fault_rows", "r", _inline(lambda f, first, q, dec, domain, laws: (
                    bisect_right(bounds, dec), domain, laws, f.violated_law, special_key(f)),
                    f"(_bisect({{var}}_bounds, dec), domain, laws, f.violated_law, {_SPECIAL_KEY})",
                    _bisect=bisect_right, bounds=bounds)))
        if spec.limitation:
            # every input _limitation_test reads: the dates, safety_related as given (the trace shows it,
            # limitation_used), harm, the decision date, and what the special-law rows' scopes give for the
            # case's domain, laws and special-law facts (limitation_scopes: all it reads of them)
            # (inline: the scopes kept for the case's domain, laws and special-law facts read from their
            # dict, limitation_scopes called only when not kept)
            scopes = self.limitation_scopes
            out.append(("limitation", "r", _inline(lambda f, first, q, dec, domain, laws: (
                f.act_date, f.discovered_date, f.continuing, f.act_end_date, f.safety_related, f.harm, dec,
                scopes(f, domain, laws)),
                "(f.act_date, f.discovered_date, f.continuing, f.act_end_date, f.safety_related, f.harm, dec, "
                f"(_h if (_h := {{var}}_kept.get((domain, laws, {_SPECIAL_KEY}))) is not None "
                "else {var}_scopes(f, domain, laws)))", scopes=scopes, kept=self._limitation_scopes)))
        if "first_offense" in spec.conditions.keys():
            out.append(("questions", "r", _inline(lambda f, first, q, *_: q, "questions")))  # the questions naming undecided priors
        return out

    def limitation_share(self, spec: StatutoryRuleSpec) -> tuple[int, object] | None:
        """For a limitation rule: (the place of its dates among the rule's inputs (version_inputs),
        fn(facts, dec, domain, laws) → what stands for those dates when the case lies within the
        shortest period that can apply — the rule's, its extension's, every special law's — else
        None). Within it, every period gives "not expired" with nothing missing, and of the dates
        only which special-law rows could govern (in force at the act; their scope reads domain,
        laws and special_law_facts) is left to read; safety_related still picks the label. Cases
        differing only in such dates share one result, whose trace then shows each case's own dates
        (Engine._own_dates). add_period grows with the months counted, so the earliest end is the
        shortest period's. None for other rules."""
        lim = spec.limitation
        if lim is None:
            return None
        rows = [o for o in self.special if o.replaces == "limitation"] if lim.overridable else []
        periods = [lim.period, *([lim.extended] if lim.extended else []), *(o.period for o in rows)]
        shortest = min(periods, key=period_months)
        slot = [identity for identity, _, _ in self._readers(spec)].index("limitation")

        per_act: dict[date, tuple] = {}  # act date → (the shortest period's last day, rows in force at the act)

        def share(f: CaseFacts, dec: date, domain, laws, scopes=None):
            """`scopes`: limitation_scopes(f, domain, laws) when the caller has it (the rule's inputs)."""
            d = f.__dict__  # the fields read as a dict (a pydantic attribute read goes through its __getattr__ hook)
            act = d["act_date"]
            if act is None:
                return None
            at_act = per_act.get(act)
            if at_act is None:
                if len(per_act) >= 50_000:  # case dates: bounded
                    per_act.clear()
                at_act = per_act[act] = (add_period(act, shortest), tuple([o.in_force(act) for o in rows]))
            found = d["discovered_date"]
            if found is None:
                found = dec  # what _expired_from compares
            if found > at_act[0]:
                return None
            return ("within", d["safety_related"], d["harm"], at_act[1],
                    self.limitation_scopes(f, domain, laws) if scopes is None else scopes)
        return slot, share

    def limitation_scopes(self, f: CaseFacts, domain, laws) -> tuple:
        """What _limitation_test reads of the case's domain, violated laws and special-law facts: each
        limitation row's scope_value (value, facts that would decide it), in the rows' order — cases
        of other domains or laws that no row's scope tells apart share one limitation result. Once per
        (domain, laws, special-law facts); bounded."""
        key = (domain, laws, special_key(f))
        hit = self._limitation_scopes.get(key)
        if hit is None:
            listed = list(laws) if laws is not None else None
            hit = tuple([(value, tuple(missing)) for o in self._limitation_rows
                         for value, missing in [scope_value(o.scope, f, domain, listed)]])
            if len(self._limitation_scopes) >= 4096:  # laws and facts come from requests: bounded
                self._limitation_scopes.clear()
            self._limitation_scopes[key] = hit
        return hit

    def version_inputs(self, specs: list[StatutoryRuleSpec]):
        """fn(facts, first, questions, dec, domain, laws) → for each spec of a law version, in
        order, the tuple of every input `_rule` reads for it besides the version's applicability
        (_readers). Two cases with equal inputs get equal results, so a rule's result can be
        shared between them (Engine caches per rule by these inputs). One generated function per
        version: each distinct reader called once (the rules of a version read many of the same
        facts), no loop — it runs for every case."""
        names: dict[str, object] = {}
        slots: dict[object, str] = {}  # reader identity → the local variable holding its value
        by_text: dict[str, str] = {}  # an inline plain read → its variable (two tags reading one field: read once)
        lines, per_spec = [], []
        for spec in specs:
            refs = []
            conds = {_reads(c): c for c in spec.conditions.iter_all()}
            for identity, kind, reader in self._readers(spec):
                var = slots.get(identity)
                if var is None:
                    var = f"v{len(slots)}"
                    names[f"_{var}"] = reader
                    args = "f, first" if kind == "c" else "f, first, questions, dec, domain, laws"
                    if kind == "c":
                        inline = raw_expression(conds[identity])
                        if inline is not None and inline in by_text:  # the same plain read: the same value
                            var = by_text[inline]
                            inline = None
                        elif inline is not None:
                            by_text[inline] = var
                    else:  # a test's reader written as an expression (_inline): the same value, no call
                        inline = getattr(reader, "inline", None)
                        if inline is not None:
                            inline = inline.format(var=var, call=f"_{var}({args})")
                        for name, value in getattr(reader, "names", {}).items():
                            names[f"{name}" if name.startswith("_") else f"{var}_{name}"] = value
                    slots[identity] = var
                    if inline is not None:  # a plain read: inline, not a call (the same value)
                        lines.append(f"    {var} = {inline}")
                    elif var not in by_text.values():
                        lines.append(f"    {var} = _{var}({args})")
                refs.append(var)
            per_spec.append(f"({', '.join(refs)}{',' if refs else ''})")
        lines = field_reads(lines)
        source = ("def inputs(f, first, questions, dec, domain, laws):\n" + "".join(line + "\n" for line in lines)
                  + f"    return ({', '.join(per_spec)}{',' if per_spec else ''})\n")
        exec(compile(source, "<statutory rule inputs>", "exec"), names)  # noqa: S102 - our own readers only
        return names["inputs"]

    def _rule(self, spec, law, f, dec, view, domain, laws, applicable, role, act_missing) -> StatutoryOutcome:
        result = evaluate_conditions(spec.conditions, view)
        tests: list[Test] = []
        overrides: list[str] = []
        ref = StatutoryRef(spec, law)
        outcome = spec.outcome
        questions: dict[str, str] = {}
        if spec.age:
            tests.append(_age_test(spec, f, dec))
        if spec.mental:
            tests.append(_mental_test(spec, f))
        if spec.no_fault_proven:
            test = _no_fault_test(f)
            tests.append(test)
            if test.value and spec.overridable == "no_fault":
                ref, outcome, extra, overrides = self._no_fault_override(ref, f, dec, domain, laws, questions)
                tests += extra
        if spec.limitation:
            test, overrides = _limitation_test(spec, f, dec, self.special, domain, laws)
            tests.append(test)
            if overrides:  # a special law's period governed (另有规定): the rule stands on its article
                ref = StatutoryRef(spec, law, self.override(overrides[0]))
        values = [result.satisfied]
        for t in tests:
            status = "met" if t.value is True else "not_met" if t.value is False else "unknown"
            result.traces.append(_ConditionTrace(bundle=None, key=t.key, label=t.label, status=status, facts_used=t.used))
            values.append(t.value)
            if t.value is None:
                for name in t.missing:
                    result.missing.setdefault(name, t.key)
        satisfied = and3(values)
        if satisfied and spec.bundle_items and ref.override is None:
            met = [b for b in range(len(spec.bundle_items))
                   if all(t.status == "met" for t in result.traces if t.bundle == b)
                   and any(t.bundle == b for t in result.traces)]
            if len(met) == 1:  # one item (项) met: cited; several: the article (第三十二条, not its first item only)
                ref = StatutoryRef(spec, law, None, spec.bundle_items[met[0]], ref.maybe)
        notes = [spec.note] if spec.note else []
        if ref.override is not None and ref.override.replaces == "limitation":
            # the general rule's note (its period, its paragraph on counting) is not what governed
            general = ref.general_citation.label()
            if DECISION_ROLE not in role:  # the text in force at the decision is cited bare
                general = law.named(general)
            notes = [f"期限按{ref.override.citation.label()}的规定({ref.override.period.label}), 替代{general}的一般期限"
                     "(该款: 法律另有规定的除外)"]
        version_only = applicable is None and satisfied is True  # met if this version applies
        if applicable is None and satisfied is not False:
            satisfied = None
            for name in act_missing:
                result.missing.setdefault(name, "law_version")
            notes.append(f"{law.law}({law.version}年文本)是否适用取决于违法行为(终了)日期")
        if satisfied is not None:
            result.missing = {}
        result.satisfied = satisfied
        # a no-fault row replaces the rule (its own outcome); a limitation row only its period: the rule keeps its id
        rule_id = ref.override.id if ref.override and ref.override.replaces == "no_fault" else spec.id
        return StatutoryOutcome(rule_id, outcome, result, ref, applicable, role, notes, questions, overrides,
                                version_only)

    def _no_fault_override(self, ref, f, dec, domain, laws, questions):
        """Art. 33(2) 后段: a special law's own no-fault rule governs the cases it covers."""
        rows = [o for o in self.special if o.replaces == "no_fault" and o.in_force(dec)]
        extra: list[Test] = []
        maybe: list[Override] = []
        for row in rows:
            value, missing = scope_value(row.scope, f, domain, laws)
            if row.scope.fact:
                questions[f"special_law_facts.{row.scope.fact.key}"] = row.scope.fact.question
            if value is True:
                for req in row.requires:
                    questions[f"special_law_facts.{req.key}"] = req.question
                    answer = _special(f, req)
                    extra.append(Test(req.key, req.label, answer, {f"special_law_facts.{req.key}": answer},
                                      [f"special_law_facts.{req.key}"]))
                return StatutoryRef(ref.spec, ref.law, row), row.outcome, extra, [row.id]
            if value is None:
                maybe.append(row)
                extra.append(Test(
                    f"not_{row.id}", f"本案不属于{row.citation.label()}另有规定的情形", None,
                    {"violated_law": f.violated_law, "domain": domain}, missing,
                ))
        if maybe:  # the rule stays open; what these rows give is among the possible outcomes
            ref = StatutoryRef(ref.spec, ref.law, None, None, tuple(maybe))
        return ref, ref.spec.outcome, extra, []
