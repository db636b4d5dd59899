"""From evaluated rules to a Decision: precedence, undetermined answers, missing facts and their
questions, legal basis, measures, the trace and the Chinese summary."""

from datetime import date

from penalty_rules.engine.statutory import EDUCATION, IN_FORCE, ORDER_CORRECTION
from penalty_rules.explain.questions import question_for
from penalty_rules.explain.summary import summarize
from penalty_rules.model.citation import Citation
from penalty_rules.model.decision import BasisEntry, CandidateItem, Decision, MissingFact, Trace
from penalty_rules.model.facts import CaseFacts, Corrected
from penalty_rules.model.outcome import UNDETERMINED, UNDETERMINED_ZH, Outcome


def _candidate(rr) -> CandidateItem:
    doc, item = rr.ref.document, rr.ref.item
    return CandidateItem(
        id=item.id, list=doc.id, version=doc.version, jurisdiction=doc.jurisdiction,
        binding=rr.binding and rr.role == "applicable", outcome=rr.outcome.value,
        violation=item.violation, satisfied=rr.satisfied, role=rr.role,
    )


def _basis(engine, citations: list[Citation], role: str, on: date) -> list[BasisEntry]:
    out = []
    for c in citations:
        text = None
        lib = engine.statutes
        if lib is not None and c.article is not None:
            try:
                text = lib.resolve(c, on).text  # the cited paragraph or item, else the article
            except Exception:  # noqa: BLE001 - a statute lookup must never break a decision
                text = None
        out.append(BasisEntry(role=role, citation=c, label=c.label(), text=text))
    return out


def build_decision(engine, facts: CaseFacts, selection, results, stack, act, dec, warnings) -> Decision:
    registry = engine.corpus.registry
    live = [r for r in results if r.binding and r.role == "applicable"]
    satisfied = [r for r in live if r.satisfied is True]
    rank = registry.rank

    best = max(satisfied, key=lambda r: rank(r.outcome), default=None)
    best_rank = rank(best.outcome) if best else 0
    open_rules = [r for r in live if r.satisfied is None and rank(r.outcome) > best_rank]

    if open_rules:
        outcome_name = UNDETERMINED
        possible = {best.outcome if best else Outcome.normal} | {r.outcome for r in open_rules}
        possible_outcomes = [o.value for o in sorted(possible, key=rank, reverse=True)]
        reason = (
            f"已满足的最从宽规则为 {best.rule_id}({best.outcome.zh})" if best else "尚无已满足的从宽规则"
        ) + f"; 仍有 {len(open_rules)} 条更从宽的规则取决于未知事实"
    else:
        possible_outcomes = []
        outcome_name = best.outcome.value if best else Outcome.normal.value
        if best:
            rivals = [r for r in satisfied if r is not best and r.outcome is not best.outcome]
            reason = f"{best.rule_id} 已满足, 结果为 {best.outcome.zh}"
            if rivals:
                reason += "; 同时满足的其他规则: " + "、".join(
                    f"{r.rule_id}({r.outcome.zh})" for r in rivals
                ) + "; 按声明的优先顺序取前者"
        else:
            reason = "没有满足条件的从宽规则, 依法处罚"

    # missing facts: only those that could change the answer, most lenient rule first
    missing: dict[str, MissingFact] = {}
    for rr in sorted(open_rules, key=lambda r: rank(r.outcome), reverse=True):
        labels = {t.key: t.label for t in rr.result.traces}
        for fact, cond_key in rr.result.missing.items():
            entry = missing.get(fact)
            if entry is None:
                entry = MissingFact(fact=fact, question=question_for(fact, cond_key, labels.get(cond_key)))
                missing[fact] = entry
            if rr.rule_id not in entry.needed_by:
                entry.needed_by.append(rr.rule_id)

    # basis and measures
    basis: list[BasisEntry] = []
    measures: list[str] = []
    on = act or dec
    winner_item = best.ref.item if best is not None and best.ref is not None and not open_rules else None
    applicable_items = [r for r in live if r.ref is not None]
    if outcome_name != UNDETERMINED:
        if best is not None and best.statutory is not None:
            basis += _basis(engine, [best.statutory.citation], "statutory", on)
        if winner_item is not None:
            basis += _basis(engine, winner_item.exemption_basis, "exemption", on)
        main_item = winner_item or (applicable_items[0].ref.item if applicable_items else None)
        if main_item is not None:
            basis += _basis(engine, main_item.violated, "violated", on)
            basis += _basis(engine, main_item.penalty_basis, "penalty", on)
        if best is not None:
            measures += best.measures
        if facts.corrected in (None, Corrected.not_corrected):
            measures.append(ORDER_CORRECTION[0])
            basis += _basis(engine, [ORDER_CORRECTION[1]], "measure", on)
        if outcome_name in (Outcome.no_penalty.value, Outcome.discretionary_no_penalty.value):
            measures.append(EDUCATION[0])
            basis += _basis(engine, [EDUCATION[1]], "measure", on)
    measures = list(dict.fromkeys(measures))
    unique: dict = {}
    for entry in basis:  # each citation once, in first-seen order (its first role kept)
        unique.setdefault(entry.citation, entry)
    basis = list(unique.values())

    temporal = []
    if best is not None and best.ref is not None and act is not None:
        doc = best.ref.document
        if engine.corpus.in_force(doc.id, act) is not doc:
            temporal.append(
                f"{best.rule_id} 取自决定时施行的 {doc.key}; 违法行为发生时该版本尚未施行, "
                "因其对当事人较轻, 依行政处罚法第三十七条(从旧兼从轻)适用"
            )
    if best is not None and best.statutory is not None and best.statutory.new_in_2021 and act is not None \
            and act < IN_FORCE and not open_rules:
        temporal.append(
            f"违法行为发生于行政处罚法2021年修订施行(2021-07-15)前; {best.rule_id} 为修订新增的较轻规定, "
            "依第三十七条(从旧兼从轻)适用"
        )
    for rr in live:
        if rr.ref is not None:
            doc = rr.ref.document
            at_act = act is not None and engine.corpus.in_force(doc.id, act) is doc
            if not at_act and act is not None:
                rr.notes.append("决定时施行的版本(从旧兼从轻比较)")

    items = [_candidate(r) for r in results if r.ref is not None]
    trace = Trace(
        act_date=act.isoformat() if act else None,
        decision_date=dec.isoformat(),
        jurisdiction_stack=stack,
        selection=selection.how,
        rules=[r.to_trace() for r in results],
        winner=best.rule_id if best and not open_rules else None,
        reason=reason,
        temporal=temporal,
        derived_facts={k: v for r in results for k, v in r.derived.items()},
    )
    decision = Decision(
        outcome=outcome_name,
        outcome_zh=UNDETERMINED_ZH if outcome_name == UNDETERMINED else Outcome(outcome_name).zh,
        possible_outcomes=possible_outcomes,
        chosen_item=winner_item.id if winner_item else None,
        chosen_rule=best.rule_id if best and not open_rules else None,
        items=items,
        basis=basis,
        measures=measures,
        missing_facts=list(missing.values()),
        warnings=warnings,
        trace=trace,
        rulesets={r.ref.document.key: engine.corpus.hashes[r.ref.document.key] for r in results if r.ref is not None},
    )
    decision.summary = summarize(decision)
    return decision
