"""Impact of a new list version on past decisions: replay every recorded decision (its stored
facts, on its recorded decision date, as POST /v1/decisions/{id}/replay does) twice — under the
lists as they are (baseline) and under the lists with version B taking version A's place (B gets
A's status and effective period, A is left out) — and count the decisions whose answer differs
(outcome or applied item). Comparing with a fresh baseline rather than the stored answer keeps
changes from elsewhere (other lists, engine releases) out of the count; those are counted
separately (`drift`).
"""

from collections import Counter
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from penalty_rules.errors import InvalidFacts, UnknownItem
from penalty_rules.load.hashing import content_hash
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.facts_json import validate_facts_value
from penalty_rules.model.outcome import outcome_zh
from penalty_rules.report.diff import resolve

MAX_CHANGED_LISTED = 100


def _zh(outcome: str | None) -> str:
    return "无" if outcome is None else outcome_zh(outcome)


class ChangedDecision(BaseModel):
    model_config = ConfigDict(frozen=True)

    decision_id: str
    decision_date: str
    before_outcome: str
    after_outcome: str | None = Field(description="新版本下的结果; null: 记录中的条目在新版本中已删除")
    before_item: str | None
    after_item: str | None
    reason: str = Field(description="outcome: 处理结果不同 | item: 结果相同、适用条目不同 | "
                                    "item_removed: 所请求的条目在新版本中已删除(结果按删除后的清单)")
    decided_by: str | None = Field(default=None, description="记录中作出结论的版本(decided_by; 不能确定或没有时为 null)")


class ImpactSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    a: str
    b: str
    decisions: int = Field(description="审计库中重放的决定数")
    changed: int = Field(description="按新版本结果或适用条目不同的决定数")
    outcome_changed: int
    item_changed: int = Field(description="结果相同、适用条目不同")
    item_removed: int = Field(description="所请求的条目在新版本中已删除")
    unchanged: int
    decided_by_a: int = Field(default=0, description="重放的决定中, 记录表明原由旧版本 a 作出结论的(decided_by)")
    changed_decided_by_a: int = Field(default=0, description="其中结果或适用条目不同的")
    decided_by_unknown: int = Field(
        default=0, description="重放的决定中, 记录写于迁移 0007 以前而不能确定由哪个版本作出结论的")
    skipped: int = Field(description="事实无法按原决定日期重放的记录(如记录早于现行事实规则)")
    drift: int = Field(description="按现行清单重算已与原记录结果不同的决定(与新版本无关, 不计入 changed)")
    transitions: dict[str, int] = Field(description="结果变化: '原结果 → 新结果' → 件数")
    examples: list[ChangedDecision] = Field(description=f"变化的决定(至多 {MAX_CHANGED_LISTED} 件)")
    truncated: bool = Field(description="审计库中的决定多于重放上限, 只重放了最新的部分")
    summary_zh: str


def substituted(corpus: Corpus, a: str, b: str) -> Corpus:
    """The corpus with version `b` in the place of version `a` (status and period of `a`)."""
    doc_a, doc_b = resolve(corpus, a), resolve(corpus, b)
    placed = doc_b.model_copy(update={
        "status": doc_a.status, "effective_from": doc_a.effective_from, "effective_to": doc_a.effective_to,
        "effective_year": doc_a.effective_year, "published_on": doc_a.published_on,
    })
    documents = [d for d in corpus.documents if d.key not in (doc_a.key, doc_b.key)] + [placed]
    hashes = {k: v for k, v in corpus.hashes.items() if k not in (doc_a.key, doc_b.key)}
    hashes[placed.key] = content_hash(placed)
    return Corpus(registry=corpus.registry, documents=documents, hashes=hashes, manifests=corpus.manifests,
                  files=corpus.files, statutory=corpus.statutory)


@dataclass
class _Answer:
    outcome: str | None
    item: str | None
    gone: bool = False


def _answer(engine, facts) -> _Answer:
    try:
        d = engine.evaluate(facts)
    except UnknownItem:
        return _Answer(None, None, gone=True)
    return _Answer(d.outcome, d.chosen_item)


@dataclass
class Replayer:
    """Engines for the baseline and the substituted lists (reference evaluator)."""

    corpus: Corpus
    a: str
    b: str
    baseline: object = field(init=False)
    candidate: object = field(init=False)

    def __post_init__(self):
        from penalty_rules.engine.engine import Engine

        self.baseline = Engine(self.corpus)
        self.candidate = Engine(substituted(self.corpus, self.a, self.b))


def impact(corpus: Corpus, a: str, b: str, records: list[dict], truncated: bool = False) -> ImpactSummary:
    """`records`: audit rows (id, facts as dict or JSON text, decision_date, outcome, chosen_item)."""
    import json

    r = Replayer(corpus, resolve(corpus, a).key, resolve(corpus, b).key)
    removed = {i.id for i in resolve(corpus, a).items} - {i.id for i in resolve(corpus, b).items}
    counts = Counter()
    transitions: Counter = Counter()
    examples: list[ChangedDecision] = []
    for rec in records:
        facts_json = rec["facts"] if isinstance(rec["facts"], dict) else json.loads(rec["facts"])
        try:
            facts = validate_facts_value({**facts_json, "decision_date": rec["decision_date"]})
            before = _answer(r.baseline, facts)
            after = _answer(r.candidate, facts)
        except (ValidationError, InvalidFacts, ValueError):
            counts["skipped"] += 1
            continue
        counts["decisions"] += 1
        by_a = rec.get("decided_by") == r.a
        counts["decided_by_a"] += by_a
        counts["decided_by_unknown"] += rec.get("decided_by_source", "unknown") in ("unknown", None)
        if not before.gone and before.outcome != rec["outcome"]:
            counts["drift"] += 1
        if before.gone:
            counts["skipped"] += 1
            counts["decisions"] -= 1
            counts["decided_by_a"] -= by_a
            counts["decided_by_unknown"] -= rec.get("decided_by_source", "unknown") in ("unknown", None)
            continue
        reason = None
        if after.gone or (facts.item_id in removed and (after.outcome, after.item) != (before.outcome, before.item)):
            reason = "item_removed"
        elif after.outcome != before.outcome:
            reason = "outcome"
        elif after.item != before.item:
            reason = "item"
        if reason is None:
            counts["unchanged"] += 1
            continue
        counts[{"outcome": "outcome_changed", "item": "item_changed", "item_removed": "item_removed"}[reason]] += 1
        counts["changed_decided_by_a"] += by_a
        if reason != "item":
            transitions[f"{_zh(before.outcome)} → {_zh(after.outcome) if not after.gone else '条目不存在'}"] += 1
        if len(examples) < MAX_CHANGED_LISTED:
            examples.append(ChangedDecision(
                decision_id=rec["id"], decision_date=rec["decision_date"], before_outcome=before.outcome,
                after_outcome=after.outcome, before_item=before.item, after_item=after.item, reason=reason,
                decided_by=rec.get("decided_by")))
    changed = counts["outcome_changed"] + counts["item_changed"] + counts["item_removed"]
    text = (f"审计库中 {counts['decisions']} 件决定按 {r.b} 代替 {r.a} 重放: {changed} 件结果不同"
            f"(处理结果变化 {counts['outcome_changed']} 件, 适用条目变化 {counts['item_changed']} 件, "
            f"条目已删除 {counts['item_removed']} 件), {counts['unchanged']} 件不变")
    if transitions:
        text += ";" + "、".join(f"{k} {v} 件" for k, v in sorted(transitions.items()))
    text += f";记录表明原由 {r.a} 作出结论的 {counts['decided_by_a']} 件, 其中结果不同 {counts['changed_decided_by_a']} 件"
    if counts["decided_by_unknown"]:
        text += f"(另有 {counts['decided_by_unknown']} 件记录写于迁移 0007 以前, 不能确定由哪个版本作出结论)"
    if counts["skipped"]:
        text += f";无法重放 {counts['skipped']} 件"
    if counts["drift"]:
        text += f";另有 {counts['drift']} 件按现行清单重算已与原记录不同(与本次版本无关)"
    if truncated:
        text += ";只重放了最新的部分记录"
    return ImpactSummary(
        a=r.a, b=r.b, decisions=counts["decisions"], changed=changed, outcome_changed=counts["outcome_changed"],
        item_changed=counts["item_changed"], item_removed=counts["item_removed"], unchanged=counts["unchanged"],
        decided_by_a=counts["decided_by_a"], changed_decided_by_a=counts["changed_decided_by_a"],
        decided_by_unknown=counts["decided_by_unknown"],
        skipped=counts["skipped"], drift=counts["drift"], transitions=dict(transitions), examples=examples,
        truncated=truncated, summary_zh=text,
    )

