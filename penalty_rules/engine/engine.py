"""Engine.evaluate(CaseFacts) → Decision. Load once, evaluate many.

Flow per case: choose candidate items (item id, or conduct search) in the jurisdiction stack and
in force on the act date or — if milder — the decision date (art. 37); evaluate each item and
each statutory rule three-valued; durable-rules decides which items fire (checked against the
reference evaluator); precedence picks the winner; explain builds basis, measures, questions.
"""

import dataclasses
import difflib
import threading
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from penalty_rules.engine.conditions import FactView, or3, party_fits
from penalty_rules.engine.history import derive_first_offense
from penalty_rules.engine.premises import (
    AGGRAVATION_NOTE, AGGRAVATION_PREMISE, PARTY_PREMISES, effective_conditions, item_party, minor_note, party_note,
    premise_note,
)
from penalty_rules.engine.reference import ConditionsResult, compile_conditions, evaluate_facts
from penalty_rules.engine.search import Hit, ItemSearch
from penalty_rules.engine.statutory import DECISION_ROLE, StatutoryRef, StatutoryRules, at_act_end, limitation_used
from penalty_rules.errors import InvalidFacts, UnknownItem
from penalty_rules.explain.decide import (
    Precedence, asks_conduct, build_decision, citation_label, compile_item, missing_order,
)
from penalty_rules.model.conditions import Custom
from penalty_rules.model.corpus import Corpus, ItemRef
from penalty_rules.model.decision import (
    AnswerOption, ConditionTrace, Decision, RuleTrace, SearchCandidate, maker, replaced,
)
from penalty_rules.model.facts import (
    ACT_AFTER_DECISION, ENUM_LABELS, NOT_LISTED, NOT_LISTED_LABEL, CaseFacts, Harm, PartyType,
)
from penalty_rules.model.listdoc import Status
from penalty_rules.model.outcome import VALUE as OUTCOME_VALUE, Outcome
from penalty_rules.model.vocabulary import VOCABULARY


_RuleTrace = maker(RuleTrace)
_ConditionTrace = maker(ConditionTrace)

# (outcome, chosen item, chosen rule, possible outcomes, missing facts in asking order): Engine.verdict
Verdict = tuple


@dataclass(slots=True)
class RuleResult:
    """One rule (list item or statutory rule) evaluated for one case (slots: built and read on
    every evaluation)."""

    rule_id: str
    outcome: Outcome
    result: ConditionsResult
    binding: bool
    ref: ItemRef | None = None
    statutory: StatutoryRef | None = None
    role: str = "applicable"
    notes: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    derived: dict[str, object] = field(default_factory=dict)  # facts the engine derived for this rule
    questions: dict[str, str] = field(default_factory=dict)  # fact → a question specific to this case
    overrides: list[str] = field(default_factory=list)  # special-law rows applied (另有规定)
    law_role: str | None = None  # statutory: 违法行为时 / 作出决定时施行的版本
    version_only: bool = False  # statutory: met if its law version applies (which is unknown)
    first_offense: bool | None = None  # item: 首违 under its list's definition (what durable-rules is given)
    _trace: RuleTrace | None = None
    _law_keys: tuple[str, str] | None = None
    # statutory (shared) results: what _evaluate_statutory gathers of it for the case, set when it is
    # made (_gather): False not live; None live, not satisfied, no special-law row; else (satisfied,
    # precedence key, a limitation rule, rows applied, the row that replaced it)
    gather: object = False

    def law_keys(self) -> tuple[str, str]:
        """Statutory: (law version key, "key(role)" as trace.law_versions shows it), built once."""
        if self._law_keys is None:
            key = self.statutory.law.key
            self._law_keys = (key, f"{key}({self.law_role})")
        return self._law_keys

    @property
    def satisfied(self):
        return self.result.satisfied

    @property
    def kind(self) -> str:
        return "statutory" if self.statutory else "item"

    def with_traces(self, traces: list) -> "RuleResult":
        """The same result with other condition traces (Engine._own_dates): a new object (results
        are shared between cases), its rule trace built anew."""
        new = _copy_result(self)  # every field, as dataclasses.replace copies them (the same objects)
        new.result = ConditionsResult(self.result.satisfied, traces, self.result.missing)
        new._trace = None
        return new

    def to_trace(self) -> RuleTrace:
        if self.statutory is not None:  # shared between cases: built once
            if self._trace is None:
                self._trace = self._build_trace()
            return self._trace
        return self._build_trace()

    def _citation_label(self) -> str:
        """The rule's article (citation_label: once per citation object); of a law version not in
        force at the decision, with its text named (《…》(2017年文本)第二十九条第一款)."""
        st = self.statutory
        label = citation_label(st.citation)
        if st.override is None and self.law_role and DECISION_ROLE not in self.law_role:
            label = st.law.named(label)
        return label

    def _build_trace(self) -> RuleTrace:
        st = self.statutory
        if st is not None:
            law_key, law_version = self._law_keys or self.law_keys()
        return _RuleTrace(  # engine-built values: no validation on the hot path (model.decision.built)
            rule=self.rule_id,
            kind="statutory" if st else "item",
            list=self.ref.doc_key if self.ref else law_key if st else None,
            binding=self.binding,
            outcome=OUTCOME_VALUE[self.outcome],
            satisfied=self.result.satisfied,
            conditions=self.result.traces,
            note="; ".join(self.notes) or None,
            title=st.title if st else None,
            citation=self._citation_label() if st else None,
            law_version=law_version if st else None,
            overrides=list(self.overrides),
        )


_UNREAD = object()
def _copier(cls):
    """fn(obj) → a new `cls` with every dataclass field of `obj` (the same objects, as
    dataclasses.replace passes them on), generated from the fields once: plain attribute copies."""
    names = [f.name for f in dataclasses.fields(cls)]
    source = "def copy(o):\n    n = _new(_cls)\n" + "".join(f"    n.{x} = o.{x}\n" for x in names) + "    return n\n"
    namespace = {"_new": object.__new__, "_cls": cls}
    exec(compile(source, f"<{cls.__name__} copy>", "exec"), namespace)  # noqa: S102 - our own field names
    return namespace["copy"]


_copy_result = _copier(RuleResult)


@dataclass(slots=True)
class Selection:
    refs: list[tuple[ItemRef, str]]  # (ref, role)
    how: str
    warnings: list[str]
    domain: str | None
    candidates: list[ItemRef] = field(default_factory=list)  # binding items the conduct may be (unclear search)
    hits: list[Hit] = field(default_factory=list)  # the search hits offered as answers (unclear search)
    # item ref key → the fact that decides whether its version was in force at the act's end (an
    # act that may have gone on past the version's end): the item's result is then unknown
    open_versions: dict[str, str] = field(default_factory=dict)
    item_laws: object = _UNREAD  # Engine._violated_laws of these refs once read
    statutory: "StatutoryPart | None" = None  # the statutory results of the case (Engine._rule_results)


@dataclass(slots=True)
class StatutoryPart:
    """The statutory results of one case (Engine._evaluate_statutory) with what precedence and the
    explanation read of them, gathered in the pass that collects them (the results are shared
    between cases; this is per case): their place in the case's results, the live ones (binding,
    applicable), those satisfied and unknown, the most lenient satisfied one (Precedence: the
    first of equals, 应当 before 可以) and its key, whether a limitation rule is met; with the
    explanation (`explain`), the law versions they stand on and the special-law rows applied
    (Decision.trace: law_versions, overrides)."""

    start: int = 0
    stop: int = 0
    live: list = field(default_factory=list)
    satisfied: list = field(default_factory=list)
    unknown: list = field(default_factory=list)
    best: RuleResult | None = None
    best_key: tuple | None = None
    limitation_met: bool = False
    law_keys: dict | None = None  # law version key → None, first-seen order
    law_labels: dict | None = None  # "key(role)" → None, first-seen order
    overrides: list = field(default_factory=list)  # rows the live rules applied
    replaced_by: list = field(default_factory=list)  # rows that replaced a live rule

    def add(self, rr: "RuleResult") -> None:
        """One statutory result, by its `gather` (Engine._gather: made with the result)."""
        gather = rr.gather
        if gather is False:  # its version does not apply: not live (Precedence)
            return
        self.live.append(rr)
        if gather is None:  # live, not satisfied, no special-law row (most rules of most cases)
            return
        value, rank_key, limitation, rows, row_id = gather
        if value is True:
            self.satisfied.append(rr)
            if self.best is None or rank_key > self.best_key:
                self.best, self.best_key = rr, rank_key
            if limitation:
                self.limitation_met = True
        elif value is None:
            self.unknown.append(rr)
        if rows:
            self.overrides += rows
        if row_id:
            self.replaced_by.append(row_id)

    def add_law(self, rr: "RuleResult") -> None:
        """The law version `rr` stands on (every rule of a version with the same role)."""
        law_key, law_label = rr._law_keys or rr.law_keys()
        self.law_keys[law_key] = None
        self.law_labels[law_label] = None


def _after_decision(facts: CaseFacts, dec: date) -> list[str]:
    """Dates later than the decision that the decision cannot have known: said, never used as given
    (a prior offence is counted only before the act; a later end of the act is not an end yet)."""
    out = []
    d = facts.__dict__  # the fields read as a dict (a pydantic attribute read goes through its __getattr__ hook)
    end, priors = d["act_end_date"], d["prior_offenses"]
    if end is not None and end > dec:
        out.append(f"act_end_date {end.isoformat()} 晚于决定日期 {dec.isoformat()}: 违法行为终了日期不能晚于作出决定之日, 请核对")
    if not priors:
        return out
    late = [i for i, p in enumerate(priors) if p.date > dec]
    if late:
        out.append(f"prior_offenses[{'、'.join(map(str, late))}] 的日期晚于决定日期 {dec.isoformat()}: "
                   "不是此前的违法记录, 请核对")
    return out


_QUANTITY_NAMES = VOCABULARY.quantities.keys()  # (the vocabulary is loaded once, at import)

LIST_VERSION_NOTE = ("该条目所在清单版本在违法行为日至决定日之间只有部分日期施行, 作出决定时不施行: 是否适用按违法行为"
                     "终了时计算(连续或者继续状态的), 请查明违法行为是否持续及其终了日期")

# Unclear conduct search: binding hits scoring at least this share of the best hit are candidates.
CANDIDATE_SHARE = 0.5
MAX_CANDIDATES = 5


def _other_party(item, party) -> tuple[str, str] | None:
    """(the party the item's conduct names, the officer's party type in Chinese) when the item's party premise
    (engine.premises.item_party, PARTY_PREMISES; decided by engine.conditions.party_fits) fails for it."""
    named = item_party(item) if party is not None else None
    if named is None or party_fits(PARTY_PREMISES[named[1]], party):
        return None
    return named[0], ENUM_LABELS[PartyType][party.value]


def _party_disagreement(item, party, item_id: str) -> list[str]:
    """The officer's party type is not the party the item's conduct names: the item does not apply
    (its party premise fails, engine.premises), the answer says so."""
    other = _other_party(item, party)
    if other is None:
        return []
    return [f"所选条目 {item_id} 的违法行为是“{other[0]}”的行为({item.violation}), 当事人却是{other[1]}: "
            "该条目不适用于本案当事人, 按法律规定判断; 请核对条目编号或当事人类型"]


class Engine:
    def __init__(
        self,
        corpus: Corpus,
        *,
        statutes=None,
        matcher=None,
        search: ItemSearch | None = None,
        memo_size: int = 0,
    ):
        """memo_size > 0 keeps that many decisions keyed by the canonical facts and the decision
        date: a decision is a pure function of (facts, rule versions), and the corpus of an
        Engine never changes. Memoised decisions are shared: treat them as read-only."""
        self.corpus = corpus
        self.statutes = statutes
        self.matcher = matcher
        self.search = search or ItemSearch(corpus)
        self._links = self._build_links()
        self.memo_size = memo_size
        self._memo: dict[tuple[str, date], Decision] = {}
        self._memo_lock = threading.Lock()
        self.memo_hits = 0
        self._statutory_cache: dict[tuple, RuleResult] = {}  # per statutory rule, see _evaluate_statutory
        self._law_plans: dict[int, tuple] = {}  # per law version: its rules and their inputs function (_law_plan)
        self._version_plans: dict[tuple, tuple] = {}  # per versions_key: the law versions (_versions)
        self._group_plans: dict[tuple, tuple] = {}  # per item group and jurisdiction (_group_refs)
        self._bounds: dict[tuple, tuple] = {}  # per item version: the days it may come into or out of force
        self._binding_counts: dict[tuple, int] = {}  # per jurisdiction, domain and era (_binding_items_in_force)
        self._item_days: list[date] | None = None  # every day an item may come into or out of force
        self._stacks: dict[str, list[str]] = {}
        self._prior_cache: dict[tuple[str, frozenset], bool | None] = {}
        self._prior_item_cache: dict[tuple[str, frozenset], bool | None] = {}  # _prior_item_matcher
        self._explain_cache: dict[tuple, object] = {}  # explain.decide: statute texts of exact citations
        # list data computed once per engine (the corpus never changes): same-conduct groups,
        # per-item evaluation plans, ranks (the lists' in-force spans: Corpus.in_force)
        self._groups: dict[str, frozenset[str]] = {}
        self._plans: dict[tuple[int, int], tuple] = {}
        self._rank = {o: corpus.registry.rank(o) for o in Outcome}
        self._domain_codes = corpus.registry.domain_codes()
        self._jurisdiction_codes = {j.code for j in corpus.registry.jurisdictions}
        if corpus.statutory is None:
            from penalty_rules.load.statutory import bundled_statutory

            self.statutory = StatutoryRules(bundled_statutory())
        else:
            self.statutory = StatutoryRules(corpus.statutory)
        # the answer keys a case may carry (_unknown_keys): every list condition in words, every
        # special-law fact, every quantity of the vocabulary
        self._known_customs = frozenset(c.key for r in corpus.all_refs()
                                        for c in effective_conditions(r.item, r.document.citable).iter_all()
                                        if isinstance(c, Custom))
        special = self.statutory.corpus.special
        self._known_special = special.fact_keys if special else frozenset()
        self._first_offense_rules = {
            r.id for v in self.statutory.corpus.versions for r in v.rules if "first_offense" in r.conditions.keys()
        }
        self._compile_list_data()

    def _compile_list_data(self) -> None:
        """The list and statute data every evaluation reads, compiled once when the engine is built
        (as durable-rules' rulesets are), not on the first case of each item: each item version's
        evaluation plan (_item_plan), its conditions' readers and those of the statutory rules
        (reference.compile_conditions), the days it may come into or out of force (_item_bounds) and
        what the explanation reads of it (explain.decide.compile_item). The same values the lazy
        paths build on first use (they remain, and rebuild what a bounded cache dropped)."""
        for ref in self.corpus.all_refs():
            ref.key  # noqa: B018 - ItemRef.key, computed once (read by durable-rules and the traces)
            compile_conditions(self._item_plan(ref)[4])
            self._item_bounds(ref)
            compile_item(ref)
        for version in self.statutory.corpus.versions:
            for spec in version.rules:
                compile_conditions(spec.conditions)

    @classmethod
    def from_settings(cls, settings=None, *, use_durable: bool = True, memo_size: int = 0) -> "Engine":
        from penalty_rules.config import Settings
        from penalty_rules.load.loader import load_corpus_strict

        settings = settings or Settings.from_env()
        corpus = load_corpus_strict(settings.lists_dir)
        statutes = None
        if settings.statutes_dir is not None:
            from penalty_rules.statutes.library import StatuteLibrary

            statutes = StatuteLibrary(settings.statutes_dir)
        matcher = None
        if use_durable:
            from penalty_rules.engine.durable_adapter import DurableMatcher

            matcher = DurableMatcher(corpus)
        return cls(corpus, statutes=statutes, matcher=matcher, memo_size=memo_size)

    # ---------------------------------------------------------------- candidates
    def _build_links(self) -> dict[str, set[str]]:
        links: dict[str, set[str]] = {}
        for ref in self.corpus.all_refs():
            for other in ref.item.same_conduct_as:
                links.setdefault(ref.item.id, set()).add(other)
                links.setdefault(other, set()).add(ref.item.id)
        return links

    def _group(self, item_id: str) -> frozenset[str]:
        """The item and every item linked to it as the same conduct (list data, built once)."""
        hit = self._groups.get(item_id)
        if hit is not None:
            return hit
        seen, todo = set(), [item_id]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(self._links.get(current, ()))
        hit = frozenset(seen)
        if item_id in self._links or self.corpus.item_refs(item_id):  # ids of the corpus only: bounded
            self._groups[item_id] = hit
        return hit

    def _select(self, facts: CaseFacts, stack: list[str], act: date | None, dec: date,
                explain: bool = True) -> Selection:
        """The items the case is judged by. `explain` False (Engine.verdict): the warnings that only
        explain (an item id its domain or conduct contradicts, the binding items a statutory-only answer
        did not consult) are not built — they change no answer."""
        warnings: list[str] = []
        d = facts.__dict__  # the fields read as a dict (a pydantic attribute read goes through its __getattr__ hook)
        item_id = d["item_id"]
        if item_id == NOT_LISTED:  # the officer's answer: none of the proposed items
            why = "执法人员认定本案不属于所提示的清单条目(item_id: none): 只按行政处罚法的法定规则判断, 不适用清单条目"
            return Selection([], why, [why] if explain else [], facts.domain)
        if item_id:
            if not self.corpus.item_refs(item_id):
                close = difflib.get_close_matches(item_id, self.corpus.item_ids(), n=5, cutoff=0.6)
                raise UnknownItem(item_id, close)
            ids, how = self._group(item_id), f"按条目编号 {item_id}"
            if explain:
                warnings += self._item_disagreements(facts, ids, stack)
        elif facts.conduct:
            hits = self.search.search(facts.conduct, domain=facts.domain, prefer=stack, limit=12)
            binding_hits = [h for h in hits if h.binding_in(stack)]
            analogues = [h for h in hits if not h.binding_in(stack)]
            top = binding_hits[0] if binding_hits else None
            group = self._group(top.ref.item.id) if top else set()
            # clear = the best binding hit beats every binding hit of other conduct by the ratio and
            # no analogue of other places scores higher (an analogue ahead: the conduct may be on no
            # binding list here)
            rivals = [h for h in binding_hits if h.ref.item.id not in group]
            best_analogue = max((h.score for h in analogues if h.ref.item.id not in group), default=0.0)
            clear = top is not None and ItemSearch.is_clear([top, *rivals]) and top.score >= best_analogue
            # an item whose conduct names another party than the officer's (个体工商户… for an enterprise)
            # is not decided by the text: the officer chooses (item_id), the answer says why
            other = _other_party(top.ref.item, facts.party_type) if clear else None
            if clear and other is None:
                return self._matched(facts, top, hits, stack, dec, group)
            else:
                selection = self._unclear(facts, hits, stack, dec)
                if other is not None:
                    item = top.ref.item
                    selection.warnings.append(
                        f"描述最接近条目 {item.id}({item.violation}), 但该条目是“{other[0]}”的行为, 当事人却是"
                        f"{other[1]}: 不按描述认定属于该条目, 请确认条目编号(item_id)")
                return selection
        else:
            count = self._binding_items_in_force(facts.jurisdiction, stack, facts.domain, dec) if explain else 0
            if count:
                where = f"执法领域“{self._domain_zh(facts.domain)}”" if facts.domain else ""
                warnings.append(
                    f"未提供条目编号或违法行为描述: 只按行政处罚法的法定规则判断, 未对照清单; 本地适用的清单中{where}有 {count} "
                    "个条目在决定日施行, 本案如属其中之一, 结果可能不同: 请提供违法行为描述(conduct)或条目编号(item_id)")
            return Selection([], "未提供条目编号或违法行为描述, 仅适用行政处罚法的法定规则", warnings, facts.domain)

        refs: list[tuple[ItemRef, str]] = []
        open_versions: dict[str, str] = {}
        domain = d["domain"]
        case_item = item_id
        similar = applicable = 0  # refs of each role (the checks after the loop)
        at_decision: list[ItemRef] = []  # applicable refs in force on the decision date (in force at the act too?)
        for item_id, ref, doc, item_domain, binding_here in self._group_refs(ids, d["jurisdiction"], stack):
            domain = domain or item_domain
            if not binding_here:
                if item_id == case_item or not any(r is ref for r, _ in refs):
                    refs.append((ref, "similar_elsewhere"))
                    similar += 1
                continue
            in_dec = self.item_in_force(ref, dec)
            in_act, open_fact = (False, None) if in_dec else self._in_force_at_act(ref, facts, dec)
            if open_fact is not None:
                open_versions[ref.key] = open_fact
            if in_act or in_dec:
                refs.append((ref, "applicable"))
                applicable += 1
                if in_dec:
                    at_decision.append(ref)
            else:
                refs.append((ref, "not_in_force"))
                if doc.start is None and ref.item.effective_from is None:
                    warnings.append(
                        f"清单《{doc.title}》({doc.version} 版本)的施行日期来源未载明, 无法确认案发时已施行, 暂不作为本案依据; "
                        "请核实施行日期"
                    )
        if applicable > 1 and at_decision and facts.act_date is not None:
            refs = self._act_time_first(refs, at_decision, facts, dec)
        if case_item and similar == len(refs):
            violation, doc = refs[0][0].item.violation, refs[0][0].document
            # why it binds nothing here: a draft (a national one too) is no list in force; else another place's
            where = (f"来自尚未发布施行的草案《{doc.title}》(参考)" if doc.status is Status.draft
                     else "来自外地清单(类比参考)")
            warnings.append(f"条目 {facts.item_id} {violation} {where}, 对本案不具约束力; 按行政处罚法判断")
        if refs and not applicable:
            if similar < len(refs):  # some ref not in force
                warnings.append("所选条目在违法行为发生日和决定日均不在施行期内")
        return Selection(refs, how, warnings, domain, open_versions=open_versions)

    def _act_time_first(self, refs: list, at_decision: list[ItemRef], facts: CaseFacts, dec: date) -> list:
        """The refs with those applicable only as the decision-date version (not in force at the act) last.
        行政处罚法 第三十七条 applies the rule in force at the act unless the new one is lighter; Precedence keeps
        the first of equally lenient rules, so a later list version decides only where it is lighter — not
        because its file sorts first (2021-33.yaml before 2021-6.yaml). Unknown whether in force at the act
        (an open act end): left in place."""
        late = {id(r) for r in at_decision if self._in_force_at_act(r, facts, dec) == (False, None)}
        if not late or all(id(r) in late for r, role in refs if role == "applicable"):
            return refs
        return [rr for rr in refs if id(rr[0]) not in late] + [rr for rr in refs if id(rr[0]) in late]

    def _binding_items_in_force(self, jurisdiction: str, stack: list[str], domain: str | None, on: date) -> int:
        """How many items bind here (the jurisdiction's stack; the domain's, when given) in force on
        `on`: list data, once per era of `on` among the days any item may come into or out of force."""
        days = self._item_days
        if days is None:
            days = self._item_days = sorted({d for r in self.corpus.all_refs() for d in self._item_bounds(r)})
        key = (jurisdiction, domain, bisect_right(days, on))
        hit = self._binding_counts.get(key)
        if hit is None:
            hit = self._binding_counts[key] = len({
                r.item.id for r in self.corpus.all_refs()
                if r.document.binding_level and r.document.jurisdiction in stack
                and (domain is None or r.item.domain == domain) and self.item_in_force(r, on)})
        return hit

    def _unknown_keys(self, facts: CaseFacts) -> list[str]:
        """Answers under keys no list condition, special-law fact or quantity has: never read (a
        typo would otherwise pass for an unanswered question), said in the answer."""
        out = []
        d = facts.__dict__  # the fields read as a dict (a pydantic attribute read goes through its __getattr__ hook)
        for field_name, given, known in (
            ("custom_conditions", d["custom_conditions"], self._known_customs),
            ("special_law_facts", d["special_law_facts"], self._known_special),
            ("quantities", d["quantities"], _QUANTITY_NAMES),
        ):
            if not given or given.keys() <= known:  # every key known (the usual case): one set comparison
                continue
            unknown = [k for k in given if k not in known]
            if unknown:
                out.append(f"{field_name} 中的 {'、'.join(unknown[:10])}{' 等' if len(unknown) > 10 else ''} "
                           "不是任何清单条件、单行法事实或数量的名称, 未被使用; 请核对")
        return out

    def _domain_zh(self, code: str) -> str:
        """The Chinese name of an enforcement domain (lists/domains.yaml), for officer-facing text."""
        domain = self.corpus.registry.domain(code)
        return domain.zh if domain is not None else code

    def _item_disagreements(self, facts: CaseFacts, ids, stack: list[str]) -> list[str]:
        """An item id given with a domain or a conduct text that point elsewhere: the item decides
        (the officer chose it), and the answer says what disagrees with it."""
        out = []
        d = facts.__dict__  # the fields read as a dict (a pydantic attribute read goes through its __getattr__ hook)
        item_id, domain, party = d["item_id"], d["domain"], d["party_type"]
        item = self.corpus.item_refs(item_id)[0].item
        if domain is not None and item.domain != domain:
            out.append(f"所选条目 {item_id} 属于执法领域“{self._domain_zh(item.domain)}”, 与案件的执法领域"
                       f"“{self._domain_zh(domain)}”不一致; 请核对条目编号")
        if party is not None:
            out += _party_disagreement(item, party, item_id)
        if d["conduct"]:
            hits = self.search.search(facts.conduct, domain=facts.domain, prefer=stack, limit=12)
            binding = [h for h in hits if h.binding_in(stack)]
            if binding and ItemSearch.is_clear(binding) and binding[0].ref.item.id not in ids:
                top = binding[0].ref.item
                out.append(f"违法行为描述“{facts.conduct}”明确对应条目 {top.id}({top.violation}), 与所选条目 "
                           f"{facts.item_id}({item.violation})不一致; 本案按所选条目判断, 请核对")
        return out

    def _group_refs(self, ids: frozenset[str], jurisdiction: str, stack: list[str]) -> tuple:
        """The versions of a same-conduct group's items in id order, each as (item id, ref, list
        version, domain, binding in this jurisdiction's stack): list data, built once per group and
        jurisdiction (the corpus never changes)."""
        key = (ids, jurisdiction)
        hit = self._group_plans.get(key)
        if hit is None:
            hit = tuple(
                (item_id, ref, ref.document, ref.item.domain,
                 bool(ref.document.binding_level) and ref.document.jurisdiction in stack)
                for item_id in sorted(ids) for ref in self.corpus.item_refs(item_id)
            )
            if len(self._group_plans) < 100_000:  # groups of this corpus × jurisdictions: bounded anyway
                self._group_plans[key] = hit
        return hit

    def _matched(self, facts: CaseFacts, top: Hit, hits: list[Hit], stack: list[str], dec: date,
                 group: set[str]) -> Selection:
        """The conduct text clearly matches a binding item (group). A search decides no item: which
        list item the conduct is, is the officer's finding, and a text can match an item by its other
        words while naming another actor, licence or object (违反规定聘用童工 is no 食盐定点企业's
        hiring, 药品经营许可证被吊销后未申请注销 no food licence's, 停放 no 机动车's parking). The
        group's items in force become candidates, asked as `item_id` (first among their missing
        facts) where one could be more lenient than what the case already satisfies
        (_open_candidates); the statutory rules apply in any case."""
        candidates = [
            ref for _id, ref, _doc, _domain, binding_here in self._group_refs(frozenset(group), facts.jurisdiction, stack)
            if binding_here and (self.item_in_force(ref, dec) or self._in_force_at_act(ref, facts, dec)[0])
        ]
        item = top.ref.item
        rivals = [h for h in hits if h.ref.item.id not in group]
        warnings = [f"违法行为描述最接近本地清单条目 {item.id}({item.violation}); 检索结果不作为认定依据: 本案属于该条目的,"
                    " 请确认条目编号(item_id)"]
        how = f"按违法行为描述检索, 最佳匹配 {item.id} {item.violation}(得分 {top.score:.1f}), 待确认"
        shown = [h for h in hits if h.ref.item.id in group] + rivals[:2]
        return Selection([], how, warnings, facts.domain, candidates=candidates, hits=shown)

    def _unclear(self, facts: CaseFacts, hits: list[Hit], stack: list[str], dec: date) -> Selection:
        """The conduct text matches no binding item clearly. The statutory rules apply in any case;
        what is unknown is which list item (if any) the conduct is: the binding items in force that
        it may be become candidates (asked as `item_id` when one could be more lenient, see
        _open_candidates), analogues of other places are shown as similar elsewhere. An analogue
        clearly ahead of every binding hit means the conduct is on no binding list here."""
        top = max((h.score for h in hits), default=0.0)
        binding = [h for h in hits if h.binding_in(stack) and h.score >= CANDIDATE_SHARE * top]
        analogues = [h for h in hits if not h.binding_in(stack)]
        dropped: list[Hit] = []
        if binding and analogues and ItemSearch.is_clear([max(analogues, key=lambda h: h.score), binding[0]], named=False) \
                and analogues[0].score > binding[0].score:
            binding, dropped = [], binding[:MAX_CANDIDATES]
        binding = binding[:MAX_CANDIDATES]
        candidates = [
            ref for h in binding for ref in self.corpus.item_refs(h.ref.item.id)
            if self.item_in_force(ref, dec) or self._in_force_at_act(ref, facts, dec)[0]
        ]
        shown = [*binding, *analogues[:3]]
        def named(some: list[Hit]) -> str:
            return "、".join(f"{h.ref.item.id} {h.ref.item.violation}" for h in some)

        if candidates:
            ask = "; 请确认是哪一条目(item_id)"
        elif dropped:
            ask = (f"; 本地清单条目 {named(dropped)} 与描述的相近程度明显低于外地条目, 未作为候选; "
                   "本案如属其一, 请提供条目编号(item_id)")
        else:
            ask = ", 本地清单未见相近条目"
        first = binding[0] if binding else None
        if first is not None and not first.distinct and any(r.item.id == first.ref.item.id for r in candidates):
            # the best binding hit shares only the actor and generic words with the text
            features = "、".join(self.search.distinguishing(first.ref.item.id)[:6])
            ask += (f"; 描述与条目 {first.ref.item.id} 只有当事人或一般用语相同, 未载明该条目违法行为的特征"
                    f"({features}), 不能据此认定属于该条目")
        elif first is not None and first.weak and any(r.item.id == first.ref.item.id for r in candidates):
            # the best binding hit shares only field-common words or the kind of goods, or names other goods
            ask += f"; 条目 {first.ref.item.id}: {first.weak}, 不能据此认定属于该条目"
        warnings = [f"违法行为描述未能明确对应本地有效清单条目(相近条目: {named(shown[:3]) or '无'}); 行政处罚法的法定规则照常适用"
                    + ask]
        refs = [(h.ref, "similar_elsewhere") for h in analogues[:3]]
        return Selection(refs, "按违法行为描述检索, 无明确匹配", warnings, facts.domain,
                         candidates=candidates, hits=shown)

    def _open_candidates(self, selection: "Selection", facts: CaseFacts, results: list[RuleResult]) -> list[RuleResult]:
        """Candidate items that could give more leniency than the rules already satisfied: open,
        with `item_id` (which item the conduct is) as their first missing fact. A candidate the
        known facts exclude, or one no more lenient, changes nothing and is left out."""
        if not selection.candidates:
            return []
        rank = self._rank.__getitem__
        best = max((rank(r.outcome) for r in results if r.binding and r.role == "applicable" and r.satisfied is True),
                   default=0)
        question = ("违法行为描述最接近下列清单条目, 检索结果不作为认定依据: 本案是否属于该条目?(属于的, 回答条目编号; 不属于的, "
                    "回答 none: 按行政处罚法判断)" if selection.how.endswith("待确认") else
                    "违法行为描述未能明确对应清单条目, 本案属于下列哪一条目?(回答条目编号; 都不是的, 回答 none: 按行政处罚法判断)")
        out = []
        for ref in selection.candidates:
            rr = self._evaluate_item(ref, "applicable", facts)
            if rr.satisfied is False or rank(rr.outcome) <= best:
                continue
            rr.result.satisfied = None
            rr.result.missing = {"item_id": "candidate", **rr.result.missing}
            rr.questions["item_id"] = question
            rr.notes.append("检索候选条目: 尚未确认本案是否属于该条目")
            out.append(rr)
        return out

    def _search_candidates(self, hits: list[Hit], stack: list[str]) -> list[SearchCandidate]:
        return [
            SearchCandidate(
                value=h.ref.item.id, label=f"{h.ref.item.violation}({h.ref.document.title})",
                violation=h.ref.item.violation, list=h.ref.document.id, list_title=h.ref.document.title,
                version=h.ref.document.version, jurisdiction=h.ref.document.jurisdiction,
                binding=h.binding_in(stack), score=round(h.score, 4),
            )
            for h in hits
        ]

    def list_act_date(self, facts: CaseFacts) -> date | None:
        """The day the lists are read at for the act: its end for a continuing act whose end is
        known (as the law versions, art. 30 ages and the limitation period are), else the act date."""
        d = facts.__dict__
        if d["continuing"] and d["act_end_date"] is not None:
            return d["act_end_date"]
        return d["act_date"]

    def _in_force_at_act(self, ref: ItemRef, facts: CaseFacts, dec: date) -> tuple[bool, str | None]:
        """(in force when the act ended, the fact that would tell when that is not known: the item
        counts as possibly in force), by statutory.at_act_end, the reading of the law versions; no
        act date: not in force at the act (the decision's version decides)."""
        if facts.act_date is None:
            return False, None
        value, missing = at_act_end(lambda day: self.item_in_force(ref, day), self._item_bounds(ref), facts, dec)
        return (True, missing[0]) if value is None else (value, None)

    def _item_bounds(self, ref: ItemRef) -> tuple[date, ...]:
        """The days item_in_force may change on: its list's version boundaries and its own dates
        (list data, once per item version)."""
        key = (id(ref.item), id(ref.document))
        hit = self._bounds.get(key)
        if hit is None or hit[0] is not ref.item:
            own = (ref.item.effective_from, ref.item.effective_to)
            hit = (ref.item, tuple(sorted({*self.corpus.boundaries(ref.document.id), *(d for d in own if d)})))
            if len(self._bounds) < 100_000:  # items of this corpus: bounded anyway
                self._bounds[key] = hit
        return hit[1]

    def item_in_force(self, ref: ItemRef, on: date) -> bool:
        """The list version is the one in force on `on`, and the item's own dates (which override
        the list's) include `on`."""
        doc_id, item_from, item_to = ref.in_force_data  # (list data read once per item version)
        doc = ref.document
        current = self.corpus.in_force(doc_id, on)
        if item_from is None and item_to is None:
            return current is doc
        item = ref.item
        if not item.in_force(on):
            return False
        if current is doc:
            return True
        # before the list's own (unknown or later) start, the item's date decides for its version
        end = self.corpus.end_of(doc)
        return (
            current is None and item.effective_from is not None and doc.status is not Status.draft
            and (end is None or on < end)
        )

    def _prior_matcher(self, conduct: str, group: set[str]):
        """A prior's conduct text: the same conduct as the item group when the search clearly
        finds an item of the group, other conduct when it clearly finds another item, else unknown."""
        key = (conduct, frozenset(group))
        if key in self._prior_cache:
            return self._prior_cache[key]
        hits = self.search.search(conduct, limit=5)
        value = None
        if hits and ItemSearch.is_clear(hits):
            top = hits[0].ref.item.id
            in_group = top in group or bool(self._group(top) & group)
            value = True if in_group else (False if not any(h.ref.item.id in group for h in hits) else None)
        if len(self._prior_cache) >= 4096:  # conduct texts come from requests: keep the cache bounded
            self._prior_cache.clear()
        self._prior_cache[key] = value
        return value

    def _prior_item_matcher(self, item_id: str, group: set[str]):
        """A prior recorded under an item outside the group: False (other conduct) when the search of
        that item's wording (every version's) finds no item of the group scoring at least
        CANDIDATE_SHARE of the best hit; None (ask the officer) when it does, or when the item is not
        in this corpus. Never True: another item for the same conduct (another issuer's list, or
        the same conduct at two tiers of one list) is the same conduct only by the lists' links or
        the officer's answer."""
        key = (item_id, frozenset(group))
        if key in self._prior_item_cache:
            return self._prior_item_cache[key]
        refs = self.corpus.item_refs(item_id)
        value = False if refs else None
        for wording in dict.fromkeys(r.item.violation for r in refs):
            hits = self.search.search(wording, limit=len(self.search.refs))  # every hit: share, not rank
            top = hits[0].score if hits else 0.0
            if any(h.ref.item.id in group and h.score >= CANDIDATE_SHARE * top for h in hits):
                value = None
                break
        if len(self._prior_item_cache) >= 4096:  # item ids come from requests: bounded
            self._prior_item_cache.clear()
        self._prior_item_cache[key] = value
        return value

    # ---------------------------------------------------------------- evaluation
    def _item_plan(self, ref: ItemRef) -> tuple:
        """What evaluating an item needs from list data only, built once per item version:
        (item, doc, same-conduct group, 首违 definition, effective conditions, premise note,
        measures, list-date note, derived-fact key)."""
        item, doc = ref.item, ref.document
        plan = self._plans.get((id(item), id(doc)))
        if plan is not None and plan[0] is item and plan[1] is doc:  # kept: the ids are not reused
            return plan
        date_note = None
        if doc.effective_from is None and doc.start is not None and item.effective_from is None:
            date_note = f"清单生效日期未载明, 按 {doc.start.isoformat()} 计(发布日期或已知年份的年末)"
        plan = (item, doc, self._group(item.id), doc.first_offense, effective_conditions(item, doc.citable),
                premise_note(item, None, doc.citable), tuple(item.measures), date_note,
                f"first_offense@{doc.key}")
        if len(self._plans) < 100_000:  # refs of this engine's corpus: bounded anyway
            self._plans[(id(item), id(doc))] = plan
        return plan

    def _evaluate_item(self, ref: ItemRef, role: str, facts: CaseFacts, explain: bool = True) -> RuleResult:
        """One item for the case. `explain` False (Engine.verdict): its notes and derived facts, which
        only explain, are not written (what decides — its result, missing facts, questions, the
        escalation step's outcome — is the same)."""
        item, doc, group, definition, conditions, premise_text, measures, date_note, derived_key = self._item_plan(ref)
        first = derive_first_offense(facts, group, definition, self._prior_matcher, self._prior_item_matcher)
        result = evaluate_facts(conditions, facts, first.value)
        rr = RuleResult(item.id, item.outcome, result, binding=role != "similar_elsewhere", ref=ref, role=role,
                        measures=list(measures), first_offense=first.value)
        if not explain:
            self._ask_priors(rr, first)
            if item.escalation:
                self._escalate(rr, first)
            return rr
        d = facts.__dict__  # the fields read as a dict (a pydantic attribute read goes through its __getattr__ hook)
        version = None  # the premises in the words of the law version in force at the act (2017: art. 27(2))
        minor = d["minor_violation"]
        if premise_text is not None or minor is False:
            on = self.list_act_date(facts) or d["decision_date"]
            law = self.statutory.version_on(on) if on is not None else None
            version = law.version if law is not None else None
        if premise_text is not None:
            rr.notes.append(premise_note(item, version, doc.citable) if version == "2017" else premise_text)
        if minor is False and "minor_not_denied" in conditions.all:
            rr.notes.append(minor_note(version))
        if d["harm"] is Harm.serious and AGGRAVATION_PREMISE in conditions.all:
            rr.notes.append(AGGRAVATION_NOTE)
        if d["party_type"] is not None and _other_party(item, d["party_type"]) is not None:
            rr.notes += [party_note(t) for t in PARTY_PREMISES.values() if t in conditions.all]
        priors = d["prior_offenses"]
        if priors is not None or d["first_offense"] is not None:
            rr.notes.append(first.explanation)
        if priors is not None:
            rr.derived[derived_key] = {
                "value": first.value, "prior_count": first.prior_count, "how": first.explanation,
            }
        self._ask_priors(rr, first)
        if item.escalation:
            self._escalate(rr, first)
        if date_note is not None:
            rr.notes.append(date_note)
        return rr

    @staticmethod
    def _open_list_versions(results: list[RuleResult], open_versions: dict[str, str]) -> None:
        """An item whose list version may have ended before the act did (Selection.open_versions):
        whatever its conditions give, whether it applies waits for the fact that dates the act's end."""
        for rr in results:
            fact = open_versions.get(rr.ref.key) if rr.ref is not None else None
            if fact is None or rr.result.satisfied is False:
                continue
            rr.result.satisfied = None
            rr.result.missing.setdefault(fact, "list_version")
            rr.notes.append(LIST_VERSION_NOTE)

    @staticmethod
    def _ask_priors(rr: RuleResult, first) -> None:
        """首违 unknown because priors cannot be matched: ask about those priors by name."""
        if first.value is None and first.questions and "first_offense" in rr.result.missing:
            del rr.result.missing["first_offense"]
            for fact in first.questions:
                rr.result.missing.setdefault(fact, "first_offense")
        rr.questions.update(first.questions)

    @staticmethod
    def _escalate(rr: RuleResult, first) -> None:
        steps = sorted(rr.ref.item.escalation, key=lambda e: e.prior_count)
        low, high = first.at_least, first.at_most
        if first.value is True:
            low = high = 0
        elif first.value is None and not first.questions:
            low, high = 0, None  # nothing known about the history
        reachable = [
            e for i, e in enumerate(steps)
            if (high is None or e.prior_count <= high)
            and (i + 1 == len(steps) or steps[i + 1].prior_count > low)
        ]
        outcomes = {e.outcome for e in reachable}
        if len(outcomes) != 1:
            rr.result.satisfied = rr.result.satisfied if rr.result.satisfied is False else None
            if first.questions:
                for fact in first.questions:
                    rr.result.missing.setdefault(fact, "escalation")
            else:
                rr.result.missing.setdefault("prior_offenses", "escalation")
            rr.notes.append("按同项违法次数分档处理, 需要当事人此前同项违法次数")
            return
        step = reachable[0]
        rr.outcome = step.outcome
        rr.measures = list(step.measures) or rr.measures
        if low == high:
            rr.notes.append(f"此前同项违法 {low} 次, 适用第 {step.prior_count + 1} 档: {step.outcome.zh}")
        else:
            upper = "" if high is None else f"至 {high} "
            later = [e for e in reachable if e is not step]
            rr.notes.append(
                f"此前同项违法 {low} {upper}次(非首次), 各可能档次结果同为 {step.outcome.zh}; 按第 {step.prior_count + 1} 档的措施"
                + (", 次数更多时另有措施: " + "; ".join("、".join(e.measures) for e in later) if later else "")
            )

    def _evaluate_statutory(self, facts: CaseFacts, dec: date, selection: "Selection",
                            explain: bool = True) -> list[RuleResult]:
        """The statutory rules read a handful of facts each: a rule's (immutable, shared) result is
        cached per rule by exactly the inputs it reads (StatutoryRules.version_inputs) and its law
        version's applicability, so a case reuses every rule whose inputs an earlier case had; a
        limitation rule's result is also shared by the cases within its shortest period
        (StatutoryRules.limitation_share), given each case's own dates when `explain`."""
        first = self.case_first_offense(facts)
        laws = self.case_laws(facts, selection)
        laws_key = None if laws is None else tuple(laws)
        questions = tuple(first.questions.items())
        domain = selection.domain
        cache = self._statutory_cache
        out: list[RuleResult] = []
        first_value = first.value
        if not explain:  # the answer only (Engine.verdict): Precedence reads the results themselves
            # keys of four (None last): the verdict's own entries, a limitation result shared within its
            # period kept under each case's inputs too (its traces show another case's dates: the verdict
            # reads none; the explained path's keys of three never find them)
            for law, applicable, role, act_missing, version_key, rules, inputs in self._versions(facts, dec):
                values_per_rule = inputs(facts, first_value, questions, dec, domain, laws_key)
                for (spec, spec_id, share), values in zip(rules, values_per_rule):
                    key = (spec_id, version_key, values, None)
                    rr = cache.get(key)
                    if rr is None:
                        rr = cache.get(key[:3])
                        if rr is None:
                            rr = self._statutory_result(facts, dec, first, laws, laws_key, domain, law, applicable,
                                                        role, act_missing, version_key, spec, spec_id, share, values,
                                                        False)
                        if len(cache) >= 65536:  # facts come from requests: bounded (twice the explained path's)
                            cache.clear()
                        cache[key] = rr
                    out.append(rr)
            return out
        part = selection.statutory = StatutoryPart(law_keys={}, law_labels={})
        add = part.add
        live = part.live
        for law, applicable, role, act_missing, version_key, rules, inputs in self._versions(facts, dec):
            values_per_rule = inputs(facts, first_value, questions, dec, domain, laws_key)
            for (spec, spec_id, share), values in zip(rules, values_per_rule):
                key = (spec_id, version_key, values)
                rr = cache.get(key)
                if rr is None:
                    rr = self._statutory_result(facts, dec, first, laws, laws_key, domain, law, applicable, role,
                                                act_missing, version_key, spec, spec_id, share, values, True)
                out.append(rr)
                # StatutoryPart.add, its two common cases written here (most rules of most cases)
                gather = rr.gather
                if gather is None:  # live, not satisfied, no special-law row
                    live.append(rr)
                elif gather is not False:  # False: its version does not apply, not live
                    add(rr)
            if applicable is not False and rules:
                part.add_law(rr)
        return out

    def _evaluate_exemptions(self, facts: CaseFacts, dec: date, selection: "Selection", stack: list[str],
                             results: list[RuleResult], warnings: list[str] | None) -> list[RuleResult]:
        """The exemption rows (a law's or local regulation's own 不予处罚, StatutoryRules.exemption) that
        may govern the case, each a statutory rule result standing on its row; an act before a row's
        period is not decided by it, nor an unknown fact where a list item names the conduct: their
        warnings are said (`warnings`, when explaining)."""
        statutory = self.statutory
        if not statutory.exemptions:
            return []
        # a list item names the case's conduct (binding or a reference from elsewhere, in force or not: the
        # conduct is named either way; unclear-search candidates come later and name none). The yielding is
        # then said in warnings, not asked: asked of every such case, it asked it of 超载 and 违停 alike; the
        # answer may be harsher than 75(2) for a case that did give way, never more lenient
        item_conduct = any(r.ref is not None for r in results)
        laws = self.case_laws(facts, selection)
        out = []
        for row, spec in statutory.exemptions:
            ex = statutory.exemption(row, spec, facts, dec, selection.domain, laws, stack, item_conduct)
            if ex is None:
                continue
            rr = RuleResult(row.id, spec.outcome, ex.result, binding=True, statutory=ex.ref,
                            role="applicable" if ex.applicable else "not_in_force",
                            notes=[row.note] if row.note else [], measures=ex.ref.measures,
                            questions=ex.questions, law_role=ex.role)
            rr.gather = self._gather(rr)
            out.append(rr)
            if ex.warning and warnings is not None:
                warnings.append(ex.warning)  # the answer is not the row's: what would make it so
        return out

    def _statutory_result(self, facts, dec, first, laws, laws_key, domain, law, applicable, role, act_missing,
                          version_key, spec, spec_id, share, values, explain) -> RuleResult:
        """A statutory rule's result not cached under its inputs (_evaluate_statutory): a limitation
        rule's result shared by the cases within its shortest period (given this case's dates when
        `explain`), else computed; cached."""
        cache = self._statutory_cache
        key = (spec_id, version_key, values)
        if len(cache) >= 32768:  # facts come from requests: bounded (as before: 4096 cases × ~9 rules)
            cache.clear()
        rr = None
        shared_key = None
        if share is not None:  # a limitation rule: the cases within its shortest period share a result
            slot, within = share
            # (the rule's inputs end with limitation_scopes for the case: StatutoryRules.version_inputs)
            dates = within(facts, dec, domain, laws_key, values[slot][-1])
            if dates is not None:
                shared_key = (spec_id, version_key, (*values[:slot], dates, *values[slot + 1:]))
                rr = cache.get(shared_key)
                if rr is not None and explain:  # else its traces show another case's dates
                    rr = cache[key] = self._own_dates(rr, facts)
        if rr is None:
            so = self.statutory._rule(spec, law, facts, dec, FactView(facts, first.value), domain, laws, applicable,
                                      role, act_missing)
            rr = RuleResult(so.rule_id, so.outcome, so.result, binding=True, statutory=so.ref,
                            role="applicable" if so.applicable is not False else "not_in_force",
                            notes=so.notes, measures=so.ref.measures, questions=so.questions,
                            overrides=so.overrides, law_role=so.role, version_only=so.version_only)
            if spec.id in self._first_offense_rules:
                self._ask_priors(rr, first)
            rr.gather = self._gather(rr)
            cache[key] = rr
            if shared_key is not None:
                cache[shared_key] = rr
        return rr

    def _gather(self, rr: RuleResult) -> object:
        """RuleResult.gather of a statutory result (immutable once made: shared between cases)."""
        if rr.role != "applicable":
            return False
        value = rr.result.satisfied
        st = rr.statutory
        if value is False and not rr.overrides and not st.override:
            return None
        return (value, (self._rank[rr.outcome], st.mandatory) if value is True else None,
                value is True and bool(st.spec.limitation), list(rr.overrides) or None,
                st.override.id if st.override else None)

    @staticmethod
    def _own_dates(rr: RuleResult, facts: CaseFacts) -> RuleResult:
        """A cached limitation result shared by cases within the shortest period
        (StatutoryRules.limitation_share) with the limitation trace showing this case's dates."""
        traces = rr.result.traces
        at = next(i for i, t in enumerate(traces) if t.key == "limitation_expired")
        t = traces[at]  # made as StatutoryRules._rule makes it (the same fields given)
        trace = _ConditionTrace(bundle=t.bundle, key=t.key, label=t.label, status=t.status,
                                facts_used={**t.facts_used, **limitation_used(facts)})
        new = rr.with_traces([*traces[:at], trace, *traces[at + 1:]])
        # its rule trace: the shared result's (built once) with these condition traces, every other
        # field the same (what _build_trace gives: with_traces copies every field but the traces)
        new._trace = replaced(rr.to_trace(), conditions=new.result.traces)
        return new

    def _versions(self, facts: CaseFacts, dec: date) -> tuple:
        """StatutoryRules.versions_for with what each version's rules need: (law version, applies,
        role, facts that decide whether it applies at the act, cache key of the version, its rules, the
        inputs function of its rules).
        Built once per StatutoryRules.versions_key (the eras of the act and decision dates, and
        whether the act continued): cases in the same eras share it."""
        key = self.statutory.versions_key(facts, dec)
        hit = self._version_plans.get(key)
        if hit is None:
            statutory = self.statutory
            hit = []
            for law, at_act, at_dec, act_missing in statutory.versions_for(facts, dec):
                applicable = or3([at_act, at_dec])
                role = statutory.role(at_act, at_dec)
                law_key, rules, inputs = self._law_plan(law)
                hit.append((law, applicable, role, act_missing, (law_key, applicable, role, tuple(act_missing)), rules,
                            inputs))
            hit = tuple(hit)
            self._version_plans[key] = hit  # a few eras: bounded by the statute data
        return hit

    def _law_plan(self, law) -> tuple:
        """(law version key, [(rule spec, its id, its limitation_share)], the version's inputs
        function): statute data, once per version (StatutoryRules.version_inputs)."""
        plan = self._law_plans.get(id(law))
        if plan is None or plan[0] is not law:  # the version is kept: its id is not reused
            statutory = self.statutory
            plan = (law, (law.key, [(spec, spec.id, statutory.limitation_share(spec)) for spec in law.rules],
                          statutory.version_inputs(law.rules)))
            self._law_plans[id(law)] = plan
        return plan[1]

    def case_laws(self, facts: CaseFacts, selection: "Selection") -> list[str] | None:
        """The laws the case violates, as the statutory rules read them: the officer's violated_law,
        else what the selected binding items say (None when nothing says)."""
        return [facts.violated_law] if facts.violated_law else self._violated_laws(selection)

    def _violated_laws(self, selection: "Selection") -> list[str] | None:
        """The laws the selected binding items say are violated (None when no item says): read once
        per selection (its refs are fixed when it is made), a fresh list for each caller."""
        laws = selection.item_laws
        if laws is _UNREAD:
            laws = selection.item_laws = self._read_violated_laws(selection)
        return None if laws is None else list(laws)

    @staticmethod
    def _read_violated_laws(selection: "Selection") -> list[str] | None:
        laws = [
            c.law for ref, role in selection.refs if role == "applicable" for c in ref.item.violated
        ]
        return list(dict.fromkeys(laws)) or None

    def _check_durable(self, results: list[RuleResult], facts: CaseFacts, warnings: list[str]) -> None:
        matcher = self.matcher
        if matcher is None:
            return
        refs, firsts, expected = [], {}, set()
        for r in results:
            ref = r.ref
            if ref is None or r.role != "applicable" or ref.item.escalation:
                continue
            refs.append(ref)
            # the 首违 value the item was evaluated with (_evaluate_item derives it as _first_offense_for does)
            firsts[id(ref)] = r.first_offense
            if r.satisfied is True:
                expected.add(ref.key)
        if not refs:
            return
        fired = matcher.fired(facts, refs, lambda _facts, ref: firsts[id(ref)])
        if fired != expected:
            warnings.append(
                f"规则引擎与参考求值器结果不一致(durable-rules: {sorted(fired)}, 参考: {sorted(expected)}), 以参考求值器为准"
            )

    def case_first_offense(self, facts: CaseFacts):
        """首违 of the case as the statutory rules read it (no list's definition): the officer's answer
        and the history, the case item's same-conduct group deciding which priors count."""
        item_id = facts.__dict__["item_id"]
        group = self._group(item_id) if item_id else set()
        return derive_first_offense(facts, group, None, self._prior_matcher, self._prior_item_matcher)

    def _first_offense_for(self, facts: CaseFacts, ref: ItemRef):
        """首违 of one item for these facts, derived on its own: the oracle of the durable-rules
        differential tests and of bench_engine (evaluation itself reuses the value _evaluate_item
        derived). With the prior-conduct matcher, as _evaluate_item: otherwise a prior given by
        conduct text was undecided here but decided there."""
        return derive_first_offense(facts, self._group(ref.item.id), ref.document.first_offense,
                                    self._prior_matcher, self._prior_item_matcher).value

    def evaluate(self, facts: CaseFacts, *, today: date | None = None) -> Decision:
        dec = facts.decision_date or today or date.today()
        if not self.memo_size:
            return self._evaluate(facts, dec)
        key = (facts.model_dump_json(), dec)
        hit = self._memo.get(key)
        if hit is not None:
            self.memo_hits += 1
            return hit
        decision = self._evaluate(facts, dec)
        with self._memo_lock:
            if len(self._memo) >= self.memo_size:
                self._memo.pop(next(iter(self._memo)))  # oldest first
            self._memo[key] = decision
        return decision

    def verdict(self, facts: CaseFacts, *, today: date | None = None) -> Verdict:
        """The answer of `evaluate` without its explanation: (outcome, chosen item, chosen rule,
        possible outcomes, missing facts in asking order), from the same rule results and the same
        precedence (explain.decide.Precedence, missing_order); what the replay of a caseload reads.
        Reference evaluator only: durable-rules checks the items in `evaluate`, the path of the
        service (replay.verify compares the two on generated caseloads)."""
        dec = facts.decision_date or today or date.today()
        selection, results, _warnings, _stack, _act = self._rule_results(facts, dec, explain=False)
        p = Precedence(results, self._rank)  # (the verdict path gathers no statutory part)
        winner = p.winner
        order, _ = missing_order(p.open_rules, self._rank.__getitem__)
        if asks_conduct(p.open_rules, facts):
            order.insert(0, "conduct")
        return (p.outcome, winner.ref.item.id if winner is not None and winner.ref is not None else None,
                winner.rule_id if winner is not None else None, tuple(p.possible_outcomes), tuple(order))

    def _evaluate(self, facts: CaseFacts, dec: date) -> Decision:
        selection, results, warnings, stack, act = self._rule_results(facts, dec)
        decision = build_decision(self, facts, selection, results, stack, act, dec, warnings)
        if selection.hits:
            decision.candidates = self._search_candidates(selection.hits, stack)
            asked = {r.ref.item.id for r in results if r.ref is not None and "item_id" in r.result.missing}
            options = [AnswerOption(value=c.value, label=c.label) for c in decision.candidates if c.value in asked]
            if options:  # the answer the question names: none of them (the law alone decides)
                options.append(AnswerOption(value=NOT_LISTED, label=NOT_LISTED_LABEL))
            for mf in [*decision.missing_facts, decision.next_question]:
                if mf is not None and mf.fact == "item_id":
                    mf.answer_type, mf.options = "enum", options
        return decision  # engine_version: set by build_decision

    def _rule_results(self, facts: CaseFacts, dec: date, *, explain: bool = True) -> tuple:
        """(selection, rule results, warnings, jurisdiction stack, act date): every rule evaluated
        for the case. `explain` False: the answer only (Engine.verdict): durable-rules does not
        decide the items against the reference evaluator, and a shared limitation result keeps
        the traces of the case it was computed for (_evaluate_statutory)."""
        registry = self.corpus.registry
        d = facts.__dict__  # the fields read as a dict (a pydantic attribute read goes through its __getattr__ hook)
        domain, jurisdiction = d["domain"], d["jurisdiction"]
        if domain is not None and domain not in self._domain_codes:
            raise InvalidFacts("domain", "unknown_domain", f"未知的执法领域代码 {domain!r}")
        if jurisdiction not in self._jurisdiction_codes:
            raise InvalidFacts("jurisdiction", "unknown_jurisdiction", f"不支持的行政区划代码 {jurisdiction}")
        act = d["act_date"]
        if act is not None and act > dec:
            when = (f" decision_date({dec.isoformat()})" if facts.decision_date is not None
                    else f"({dec.isoformat()}: 未给出 decision_date, 缺省为今天)")
            raise InvalidFacts("act_date", ACT_AFTER_DECISION, f"违法行为日期 act_date({act.isoformat()})晚于决定日期{when}")
        found = d["discovered_date"]
        if found is not None and found > dec:  # (decision_date given: the facts refuse it already)
            # 行政处罚法 第三十六条 counts to the discovery: one after the decision cannot be (an API fuzzer: 2099 → 不予处罚)
            raise InvalidFacts("discovered_date", "discovered_after_decision",
                               f"发现日期 discovered_date({found.isoformat()})晚于决定日期({dec.isoformat()}: 未给出 "
                               "decision_date, 缺省为今天)")
        stack = self._stacks.get(jurisdiction)
        if stack is None:
            stack = self._stacks[jurisdiction] = registry.stack(jurisdiction)
        selection = self._select(facts, stack, act, dec, explain)
        warnings = list(selection.warnings)
        if explain and (d["custom_conditions"] or d["special_law_facts"] or d["quantities"]):
            warnings += self._unknown_keys(facts)
        if explain:
            warnings += _after_decision(facts, dec)
            if d["first_offense"] is True and d["prior_offenses"]:
                derived = self.case_first_offense(facts)
                if derived.value is False:
                    warnings.append("执法人员填写的“初次违法: 是”与此前违法记录不符(有同类违法记录): 按违法记录认定为非初次违法, 请核对")
        if act is None and selection.refs:
            warnings.append("违法行为发生日期未知, 按决定日施行的清单版本判断")

        results = [self._evaluate_item(ref, role, facts, explain) for ref, role in selection.refs]
        if explain:
            self._check_durable(results, facts, warnings)
        if selection.open_versions:
            self._open_list_versions(results, selection.open_versions)
        start = len(results)
        results += self._evaluate_statutory(facts, dec, selection, explain)
        exemptions = self._evaluate_exemptions(facts, dec, selection, stack, results, warnings if explain else None)
        results += exemptions
        part = selection.statutory
        if part is not None:  # gathered with the explanation (_evaluate_statutory), the exemption rows too
            for rr in exemptions:
                part.add(rr)
                if rr.role == "applicable":
                    part.add_law(rr)
            part.start, part.stop = start, len(results)
        results += self._open_candidates(selection, facts, results)
        return selection, results, warnings, stack, act
