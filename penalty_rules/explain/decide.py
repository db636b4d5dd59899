"""From evaluated rules to a Decision: precedence, undetermined answers, missing facts and their
questions, legal basis, measures, the trace and the Chinese summary."""

import re
from datetime import date

from penalty_rules.engine.premises import ground_kind
from penalty_rules.explain.questions import CONDUCT_QUESTION, answer_spec, fact_rank, question_for
from penalty_rules.explain.summary import summarize
from penalty_rules.model.citation import Citation
from penalty_rules.model.decision import (
    BasisEntry, CandidateItem, Decision, Leniency, ListCitation, MissingFact, Trace,
)
from penalty_rules.model.facts import CaseFacts, Corrected
from penalty_rules.model.outcome import UNDETERMINED, UNDETERMINED_ZH, Outcome
from penalty_rules.model.statutory import LawVersion

_ARTICLE_LABEL = re.compile(r"^第[零〇一二两三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?[\u3000 ]*")


def _candidate(rr) -> CandidateItem:
    doc, item = rr.ref.document, rr.ref.item
    return CandidateItem(
        id=item.id, list=doc.id, version=doc.version, jurisdiction=doc.jurisdiction,
        binding=rr.binding and rr.role == "applicable", outcome=rr.outcome.value,
        violation=item.violation, satisfied=rr.satisfied, role=rr.role,
    )


def _basis(engine, citations: list[Citation], role: str, on: date, exact: bool = False) -> list[BasisEntry]:
    """Basis entries with the cited paragraph's text. `exact`: `on` is the date of the statute
    text of the version applied (statutory rules), so the text is that version's."""
    out = []
    for c in citations:
        text, version = None, None
        lib = engine.statutes
        if lib is not None and c.article is not None:
            try:
                found = lib.resolve(c, on)
                text = found.text  # the cited paragraph or item, else the article
                version = found.version_date.isoformat() if found.version_date else None
                if c.item is not None and text:  # an item reads with its paragraph's lead (the consequence)
                    lead = lib.resolve(c.model_copy(update={"item": None}), on).text
                    lead = _ARTICLE_LABEL.sub("", lead.split("\n")[0]) if lead else ""
                    if lead and lead != text:
                        text = f"{lead}……{text}"
            except Exception:  # noqa: BLE001 - a statute lookup must never break a decision
                text = None
        if exact and version is None:
            version = on.isoformat()
        out.append(BasisEntry(role=role, citation=c, label=c.label(), text=text, version=version))
    return out


def _list_entry(ref) -> BasisEntry:
    doc, item = ref.document, ref.item
    no = item.provenance.source_item_no
    where = f"第{no}项" if no is not None else "(序号来源未显示)"
    doc_no = f"({doc.doc_no})" if doc.doc_no else ""
    return BasisEntry(
        role="list",
        document=ListCitation(list=doc.id, version=doc.version, title=doc.title, issuer=doc.issuer,
                              doc_no=doc.doc_no, item_no=no),
        label=f"{doc.issuer}《{doc.title}》{doc_no}{where}",
        text=item.violation,
    )


def _ground(item, version: LawVersion | None) -> Citation | None:
    """The article of 行政处罚法 (of the version applied) that a no-penalty list item rests on."""
    kind = ground_kind(item)
    if version is None or kind is None:
        return None
    ref = version.grounds.get(kind)
    return version.citation(ref) if ref else None


def _act_version_alternative(best, live, rank):
    """The same outcome under the version in force at the act, when only whether that version
    applies is unknown (e.g. whether the act went on past a revision): art. 37 applies the old
    text unless the new one is milder, so with equal results the old text is cited."""
    if best is None or best.statutory is None or (best.law_role or "").startswith("违法行为时施行"):
        return None
    return next(
        (r for r in live if r.statutory is not None and r.version_only and r.outcome is best.outcome
         and r.statutory.law.key != best.statutory.law.key and rank(r.outcome) == rank(best.outcome)),
        None,
    )


def _missing(open_rules, rank, facts: CaseFacts | None = None) -> list[MissingFact]:
    """The questions, in asking order (Decision.next_question): first the facts that could remove
    the most lenient possible outcome (`top_outcome`), then those that settle more open rules
    (`settles` = Σ over the open rules needing the fact of 1 / the facts that rule still misses),
    then the fixed fact order (questions.FACT_ORDER). With neither item nor conduct, what the conduct
    is comes first (it selects the list items)."""
    missing: dict[str, MissingFact] = {}
    top: dict[str, object] = {}
    for rr in sorted(open_rules, key=lambda r: rank(r.outcome), reverse=True):
        labels = {t.key: t.label for t in rr.result.traces}
        share = 1 / len(rr.result.missing) if rr.result.missing else 0.0
        for fact, cond_key in rr.result.missing.items():
            entry = missing.get(fact)
            if entry is None:
                entry = MissingFact(
                    fact=fact, question=question_for(fact, cond_key, labels.get(cond_key), rr.questions),
                    **answer_spec(fact),
                )
                missing[fact] = entry
                top[fact] = rr.outcome  # rules come most lenient first
                entry.top_outcome = rr.outcome.value
            if rr.rule_id not in entry.needed_by:
                entry.needed_by.append(rr.rule_id)
                entry.settles = round(entry.settles + share, 4)
    ordered = sorted(missing.values(), key=lambda m: (-rank(top[m.fact]), -m.settles, fact_rank(m.fact)))
    if open_rules and facts is not None and not facts.item_id and not facts.conduct:
        ordered.insert(0, MissingFact(fact="conduct", question=CONDUCT_QUESTION, **answer_spec("conduct")))
    return ordered


def _measures(engine, facts: CaseFacts, outcome_name: str, best, dec: date) -> tuple[list[str], list[BasisEntry]]:
    """Measures the law orders, cited from the version in force on the decision date (procedure
    follows the law at the time of the decision)."""
    measures: list[str] = list(best.measures) if best is not None else []
    basis: list[BasisEntry] = []
    law = engine.statutory.decision_version(dec)
    spec = law.measures if law else {}

    def add(name: str) -> None:
        m = spec.get(name)
        if m is None:
            return
        measures.append(m.text)
        basis.extend(_basis(engine, [law.citation(m.citation)], "measure", law.text_version, exact=True))

    if facts.corrected in (None, Corrected.not_corrected):
        add("order_correction")
    if facts.illegal_gains_yuan:
        add("confiscate_gains")
    if outcome_name in (Outcome.no_penalty.value, Outcome.discretionary_no_penalty.value):
        add("education")
    return list(dict.fromkeys(measures)), basis


def build_decision(engine, facts: CaseFacts, selection, results, stack, act, dec, warnings) -> Decision:
    registry = engine.corpus.registry
    live = [r for r in results if r.binding and r.role == "applicable"]
    satisfied = [r for r in live if r.satisfied is True]
    rank = registry.rank

    # among equals: list items first (their order), then 应当 before 可以
    best = max(satisfied, key=lambda r: (rank(r.outcome), r.statutory is None or r.statutory.mandatory), default=None)
    cited_instead = _act_version_alternative(best, live, rank)
    best_rank = rank(best.outcome) if best else 0
    open_rules = [r for r in live if r.satisfied is None and rank(r.outcome) > best_rank]

    temporal = []
    if cited_instead is not None:
        temporal.append(
            f"违法行为在《{cited_instead.statutory.law.law}》{best.statutory.law.version}年文本施行前发生; 未查明违法行为是否持续到该文本施行以后。"
            f"两个文本的结果相同({best.outcome.zh}): 依第三十七条(从旧兼从轻)引用违法行为时施行的 "
            f"{cited_instead.statutory.law.version}年文本({cited_instead.statutory.citation.label()}); 如违法行为持续到新文本施行以后, "
            f"依据为{best.statutory.citation.label()}"
        )
        best = cited_instead

    def title(r) -> str:
        return r.statutory.title if r.statutory is not None else r.rule_id

    leniency = None
    if open_rules:
        outcome_name = UNDETERMINED
        possible = {best.outcome if best else Outcome.normal} | {r.outcome for r in open_rules}
        for r in [best, *open_rules]:
            if r is not None and r.statutory is not None:
                possible |= set(r.statutory.range)
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
        if best is not None and best.statutory is not None:
            st = best.statutory
            leniency = Leniency(range=[o.value for o in st.range] or [best.outcome.value],
                                mandatory=st.mandatory, wording=st.says)
            if len(st.range) > 1:
                possible_outcomes = [o.value for o in sorted(st.range, key=rank, reverse=True)]

    missing = _missing(open_rules, rank, facts)

    # basis: the list document and item, the legal ground of the leniency (of the version
    # applied, with the cited paragraph's text), the violated and penalty provisions, measures
    basis: list[BasisEntry] = []
    on = act or dec
    winner_item = best.ref.item if best is not None and best.ref is not None and not open_rules else None
    applicable_items = [r for r in live if r.ref is not None]
    measures: list[str] = []
    if outcome_name != UNDETERMINED:
        if best is not None and best.statutory is not None:
            st = best.statutory
            if st.override is not None:
                basis += _basis(engine, [st.general_citation], "statutory", st.law.text_version, exact=True)
                basis += _basis(engine, [st.citation], "special_law", st.text_on, exact=True)
            else:
                basis += _basis(engine, [st.citation], "statutory", st.law.text_version, exact=True)
            for oid in best.overrides:
                row = engine.statutory.override(oid)
                if row is not None:
                    basis += _basis(engine, [row.citation], "special_law", row.text_version, exact=True)
        if winner_item is not None:
            basis.append(_list_entry(best.ref))
            version = engine.statutory.version_on(on)
            ground = _ground(winner_item, version)
            if ground is not None:
                basis += _basis(engine, [ground], "leniency_ground", version.text_version, exact=True)
            basis += _basis(engine, winner_item.exemption_basis, "exemption", on)
        main_item = winner_item or (applicable_items[0].ref.item if applicable_items else None)
        if main_item is not None:
            basis += _basis(engine, main_item.violated, "violated", on)
            basis += _basis(engine, main_item.penalty_basis, "penalty", on)
        measures, measure_basis = _measures(engine, facts, outcome_name, best, dec)
        basis += measure_basis
    unique: dict = {}
    for entry in basis:  # each citation once, in first-seen order (its first role kept)
        unique.setdefault(entry.citation or entry.label, entry)
    basis = list(unique.values())

    if best is not None and best.ref is not None and act is not None:
        doc = best.ref.document
        if not engine.item_in_force(best.ref, act):
            temporal.append(
                f"{best.rule_id} 取自决定时施行的 {doc.key}; 违法行为发生时该版本尚未施行, "
                "因其对当事人较轻, 依行政处罚法第三十七条(从旧兼从轻)适用"
            )
    if best is not None and best.statutory is not None and not open_rules and best.law_role \
            and best.law_role.startswith("作出决定时"):
        temporal.append(
            f"{best.rule_id} 为作出决定时施行的《{best.statutory.law.law}》({best.statutory.law.version}年文本)的规定; "
            "违法行为发生时施行的文本没有同样从宽的规定, 因新的规定处罚较轻, 依行政处罚法第三十七条(从旧兼从轻)适用"
        )
    for rr in live:
        if rr.ref is not None:
            if act is not None and not engine.item_in_force(rr.ref, act):
                rr.notes.append("决定时施行的版本(从旧兼从轻比较)")

    # statutory results are shared between cases: their law key and label are computed once (law_keys)
    applied_laws = [r.law_keys() for r in results if r.statutory is not None and r.role == "applicable"]
    law_versions = list(dict.fromkeys(label for _, label in applied_laws))
    # every special law that governed this case, whether it gave leniency or withheld it
    overrides = [o for r in live if r.statutory is not None for o in r.overrides]
    overrides += [r.statutory.override.id for r in live if r.statutory is not None and r.statutory.override]
    for oid in dict.fromkeys(overrides):
        row = engine.statutory.override(oid)
        if row is not None and row.revised_on is not None and (dec >= row.revised_on or (act and act >= row.revised_on)):
            warnings.append(
                f"{row.citation.label()}所在的法律已修订, 修订文本自 {row.revised_on.isoformat()} 起施行, 但不在法规文本库中: "
                "本案所用的期限、后果和条文序号须按修订文本核对(行政处罚法第三十七条: 新的规定较轻的适用新的规定)"
            )
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
        law_versions=law_versions,
        overrides=list(dict.fromkeys(overrides)),
    )
    decision = Decision(
        outcome=outcome_name,
        outcome_zh=(
            UNDETERMINED_ZH if outcome_name == UNDETERMINED
            else "从轻或者减轻处罚" if leniency is not None and len(leniency.range) > 1
            else Outcome(outcome_name).zh
        ),
        possible_outcomes=possible_outcomes,
        leniency=leniency,
        chosen_item=winner_item.id if winner_item else None,
        chosen_rule=best.rule_id if best and not open_rules else None,
        items=items,
        basis=basis,
        measures=measures,
        missing_facts=missing,
        next_question=missing[0] if missing else None,
        warnings=warnings,
        trace=trace,
        rulesets={
            **{r.ref.document.key: engine.corpus.hashes[r.ref.document.key] for r in results if r.ref is not None},
            **{key: engine.corpus.hashes.get(key, "") for key, _ in applied_laws},
        },
    )
    decision.summary = summarize(decision, title(best) if best is not None and not open_rules else None)
    return decision
