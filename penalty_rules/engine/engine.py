"""Engine.evaluate(CaseFacts) → Decision. Load once, evaluate many.

Flow per case: choose candidate items (item id, or conduct search) in the jurisdiction stack and
in force on the act date or — if milder — the decision date (art. 37); evaluate each item and
each statutory rule three-valued; durable-rules decides which items fire (checked against the
reference evaluator); precedence picks the winner; explain builds basis, measures, questions.
"""

import difflib
import threading
from dataclasses import dataclass, field, replace
from datetime import date

from penalty_rules import ENGINE_VERSION
from penalty_rules.engine.conditions import FactView
from penalty_rules.engine.history import derive_first_offense
from penalty_rules.engine.reference import ConditionsResult, evaluate_conditions
from penalty_rules.engine.search import ItemSearch
from penalty_rules.engine.statutory import IN_FORCE, STATUTORY_RULES, StatutoryRule
from penalty_rules.errors import InvalidFacts, UnknownItem
from penalty_rules.model.corpus import Corpus, ItemRef
from penalty_rules.model.decision import Decision, RuleTrace
from penalty_rules.model.facts import CaseFacts
from penalty_rules.model.outcome import Outcome


@dataclass
class RuleResult:
    """One rule (list item or statutory rule) evaluated for one case."""

    rule_id: str
    outcome: Outcome
    result: ConditionsResult
    binding: bool
    ref: ItemRef | None = None
    statutory: StatutoryRule | None = None
    role: str = "applicable"
    notes: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    derived: dict[str, object] = field(default_factory=dict)  # facts the engine derived for this rule
    _trace: RuleTrace | None = None

    @property
    def satisfied(self):
        return self.result.satisfied

    @property
    def kind(self) -> str:
        return "statutory" if self.statutory else "item"

    def to_trace(self) -> RuleTrace:
        if self.statutory is not None:  # shared between cases: built once
            if self._trace is None:
                self._trace = self._build_trace()
            return self._trace
        return self._build_trace()

    def _build_trace(self) -> RuleTrace:
        return RuleTrace(
            rule=self.rule_id,
            kind=self.kind,
            list=self.ref.document.key if self.ref else None,
            binding=self.binding,
            outcome=self.outcome.value,
            satisfied=self.satisfied,
            conditions=self.result.traces,
            note="; ".join(self.notes) or None,
        )


@dataclass
class Selection:
    refs: list[tuple[ItemRef, str]]  # (ref, role)
    how: str
    warnings: list[str]
    domain: str | None


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
        self._statutory_cache: dict[tuple, tuple[RuleResult, ...]] = {}
        self._stacks: dict[str, list[str]] = {}

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

    def _group(self, item_id: str) -> set[str]:
        seen, todo = set(), [item_id]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(self._links.get(current, ()))
        return seen

    def _select(self, facts: CaseFacts, stack: list[str], act: date | None, dec: date) -> Selection:
        warnings: list[str] = []
        if facts.item_id:
            if not self.corpus.item_refs(facts.item_id):
                close = difflib.get_close_matches(facts.item_id, self.corpus.item_ids(), n=5, cutoff=0.6)
                raise UnknownItem(facts.item_id, close)
            ids, how = self._group(facts.item_id), f"按条目编号 {facts.item_id}"
        elif facts.conduct:
            hits = self.search.search(facts.conduct, domain=facts.domain, limit=5)
            binding_hits = [h for h in hits if h.ref.document.binding_level and h.ref.document.jurisdiction in stack]
            # clear = the best binding hit beats every hit of other conduct, analogues included
            # (an analogue far ahead means the conduct is on no binding list)
            group = self._group(binding_hits[0].ref.item.id) if binding_hits else set()
            rivals = [h for h in hits if h.ref.item.id not in group]
            if binding_hits and ItemSearch.is_clear([binding_hits[0], *rivals]):
                top = binding_hits[0].ref.item.id
                ids, how = self._group(top), f"按违法行为描述检索, 最佳匹配 {top}(得分 {binding_hits[0].score:.1f})"
            else:
                names = "、".join(h.ref.item.id for h in hits[:3]) or "无"
                warnings.append(f"违法行为描述未能明确对应本地有效清单条目(相近条目: {names}), 仅按行政处罚法判断; 请确认条目编号")
                refs = [(h.ref, "similar_elsewhere") for h in hits[:3]]
                return Selection(refs, "按违法行为描述检索, 无明确匹配", warnings, facts.domain)
        else:
            return Selection([], "未提供条目编号或违法行为描述, 仅适用行政处罚法的法定规则", warnings, facts.domain)

        refs: list[tuple[ItemRef, str]] = []
        domain = facts.domain
        for item_id in sorted(ids):
            for ref in self.corpus.item_refs(item_id):
                doc = ref.document
                domain = domain or ref.item.domain
                if not doc.binding_level or doc.jurisdiction not in stack:
                    if item_id == facts.item_id or not any(r is ref for r, _ in refs):
                        refs.append((ref, "similar_elsewhere"))
                    continue
                in_act = act is not None and self.corpus.in_force(doc.id, act) is doc
                in_dec = self.corpus.in_force(doc.id, dec) is doc
                if in_act or in_dec:
                    refs.append((ref, "applicable"))
                else:
                    refs.append((ref, "not_in_force"))
                    if doc.start is None:
                        warnings.append(
                            f"清单 {doc.key} 的施行日期来源未载明, 无法确认案发时已施行, 暂不作为本案依据; 请核实施行日期"
                        )
        if facts.item_id and all(role == "similar_elsewhere" for _, role in refs):
            warnings.append(f"条目 {facts.item_id} 来自外地清单(类比参考), 对本案不具约束力; 按行政处罚法判断")
        if refs and not any(role == "applicable" for _, role in refs):
            if any(role == "not_in_force" for _, role in refs):
                warnings.append("所选条目在违法行为发生日和决定日均不在施行期内")
        return Selection(refs, how, warnings, domain)

    # ---------------------------------------------------------------- evaluation
    def _evaluate_item(self, ref: ItemRef, role: str, facts: CaseFacts) -> RuleResult:
        item, doc = ref.item, ref.document
        first = derive_first_offense(facts, self._group(item.id), doc.first_offense)
        view = FactView(facts, first.value)
        result = evaluate_conditions(item.conditions, view)
        rr = RuleResult(item.id, item.outcome, result, binding=role != "similar_elsewhere", ref=ref, role=role)
        rr.measures = list(item.measures)
        if facts.prior_offenses is not None or facts.first_offense is not None:
            rr.notes.append(first.explanation)
        if facts.prior_offenses is not None:
            rr.derived[f"first_offense@{doc.key}"] = {
                "value": first.value, "prior_count": first.prior_count, "how": first.explanation,
            }
        if item.escalation:
            self._escalate(rr, first.prior_count)
        if doc.effective_from is None and doc.start is not None:
            rr.notes.append(f"清单生效日期未载明, 按 {doc.start.isoformat()} 计(发布日期或已知年份的年末)")
        return rr

    @staticmethod
    def _escalate(rr: RuleResult, prior_count: int | None) -> None:
        steps = sorted(rr.ref.item.escalation, key=lambda e: e.prior_count)
        if prior_count is None:
            rr.result.satisfied = rr.result.satisfied if rr.result.satisfied is False else None
            rr.result.missing.setdefault("prior_offenses", "escalation")
            rr.notes.append("按同项违法次数分档处理, 需要当事人此前同项违法次数")
            return
        step = [e for e in steps if e.prior_count <= prior_count][-1]
        rr.outcome = step.outcome
        rr.measures = list(step.measures) or rr.measures
        rr.notes.append(f"此前同项违法 {prior_count} 次, 适用第 {step.prior_count + 1} 档: {step.outcome.zh}")

    def _evaluate_statutory(self, facts: CaseFacts, dec: date) -> list[RuleResult]:
        """The statutory rules read a handful of facts only: their (immutable) results are
        shared between cases with the same such facts."""
        first = derive_first_offense(facts, {facts.item_id} if facts.item_id else set(), None)
        f = facts
        key = (
            first.value, f.minor_violation, f.corrected, f.harm, f.subjective_fault, f.party_type, f.age,
            f.mental_condition, f.act_date, f.discovered_date, f.safety_related,
            None if f.circumstances is None else tuple(sorted(f.circumstances)),
        )
        cached = self._statutory_cache.get(key)
        if cached is None:
            cached = self._statutory(facts, first.value)
            if len(self._statutory_cache) >= 4096:
                self._statutory_cache.clear()
            self._statutory_cache[key] = cached
        if dec >= IN_FORCE:
            return list(cached)
        # decided before the 2021 revision was in force: its new leniency rules do not apply
        return [
            replace(r, role="not_in_force", notes=r.notes + ["决定时行政处罚法(2021年修订)尚未施行, 该规定为修订新增, 不适用"])
            if r.statutory.new_in_2021 else r
            for r in cached
        ]

    def _statutory(self, facts: CaseFacts, first_offense) -> tuple[RuleResult, ...]:
        view = FactView(facts, first_offense)
        out = []
        for rule in STATUTORY_RULES:
            rr = RuleResult(rule.id, rule.outcome, rule.evaluate(facts, view), binding=True, statutory=rule)
            rr.measures = list(rule.measures)
            if rule.note:
                rr.notes.append(rule.note)
            out.append(rr)
        return tuple(out)

    def _check_durable(self, results: list[RuleResult], facts: CaseFacts, warnings: list[str]) -> None:
        if self.matcher is None:
            return
        items = [r for r in results if r.ref is not None and r.role == "applicable" and not r.ref.item.escalation]
        if not items:
            return
        fired = self.matcher.fired(facts, [r.ref for r in items], self._first_offense_for)
        expected = {r.ref.key for r in items if r.satisfied is True}
        if fired != expected:
            warnings.append(
                f"规则引擎与参考求值器结果不一致(durable-rules: {sorted(fired)}, 参考: {sorted(expected)}), 以参考求值器为准"
            )

    def _first_offense_for(self, facts: CaseFacts, ref: ItemRef):
        return derive_first_offense(facts, self._group(ref.item.id), ref.document.first_offense).value

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

    def _evaluate(self, facts: CaseFacts, dec: date) -> Decision:
        from penalty_rules.explain.decide import build_decision

        registry = self.corpus.registry
        if facts.domain is not None and registry.domain(facts.domain) is None:
            raise InvalidFacts("domain", "unknown_domain", f"未知的执法领域代码 {facts.domain!r}")
        if registry.jurisdiction(facts.jurisdiction) is None:
            raise InvalidFacts("jurisdiction", "unknown_jurisdiction", f"不支持的行政区划代码 {facts.jurisdiction}")
        act = facts.act_date
        if act is not None and act > dec:
            raise InvalidFacts("act_date", "act_after_decision", "违法行为日期晚于决定日期")
        stack = self._stacks.get(facts.jurisdiction)
        if stack is None:
            stack = self._stacks[facts.jurisdiction] = registry.stack(facts.jurisdiction)
        selection = self._select(facts, stack, act, dec)
        warnings = list(selection.warnings)
        if act is None and selection.refs:
            warnings.append("违法行为发生日期未知, 按决定日施行的清单版本判断")

        results = [self._evaluate_item(ref, role, facts) for ref, role in selection.refs]
        self._check_durable(results, facts, warnings)
        if dec < IN_FORCE:
            warnings.append(
                "决定日早于2021年7月15日: 行政处罚法2021年修订新增的规则(第三十三条第一款后段、第二款, "
                "第三十一条后段)不适用; 其余法定规则对应修订前第二十五条至第二十七条、第二十九条, 以2021年文本显示"
            )
        results += self._evaluate_statutory(facts, dec)

        decision = build_decision(self, facts, selection, results, stack, act, dec, warnings)
        decision.engine_version = ENGINE_VERSION
        return decision
