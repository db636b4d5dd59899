"""The limitation rule (行政处罚法 第三十六条) reads the case's domain and violated laws only through
the special-law rows that may replace its period (lists/statutory special laws: tax-86 — 税收征收管理法
第八十六条, five years; security-22 — 治安管理处罚法 第二十二条, six months): cases of domains no row's
scope names share one limitation result (StatutoryRules.limitation_scopes), a case a row may govern
does not; and the verdict path keeps a result shared within the shortest period under each case's
own inputs, so the same inputs never evaluate the rule again."""

from datetime import date

from penalty_rules.model.facts import CaseFacts

DEC = date(2025, 6, 1)


def _limitation(engine, facts):
    _sel, results, *_ = engine._rule_results(facts, DEC)
    return next(r for r in results if r.statutory is not None and r.statutory.spec.limitation)


def _facts(domain, **kw):
    return CaseFacts(domain=domain, act_date=date(2025, 1, 1), decision_date=DEC, continuing=False, **kw)


def test_domains_no_row_names_share_one_result(engine):
    rows = [o for o in engine.statutory.special if o.replaces == "limitation"]
    named = {d for o in rows for d in (*o.scope.domains, *o.scope.possible_domains)}
    free = [d for d in sorted(engine.corpus.registry.domain_codes()) if d not in named][:3]
    assert len(free) == 3
    first = _limitation(engine, _facts(free[0]))
    assert all(_limitation(engine, _facts(d)) is first for d in free[1:])


def test_a_domain_a_row_names_has_its_own(engine):
    tax = _limitation(engine, _facts("tax"))
    assert "tax-86" in tax.overrides  # 税收征收管理法 第八十六条: its five years govern
    other = next(d for d in sorted(engine.corpus.registry.domain_codes()) if d != "tax")
    assert _limitation(engine, _facts(other)) is not tax


def test_verdict_evaluates_the_same_inputs_once(engine):
    calls = []
    compute = engine._statutory_result

    def counting(*args):
        calls.append(args[12])  # the rule's spec id
        return compute(*args)

    engine._statutory_result = counting
    try:
        def case(act):  # acts within the shortest period before the decision: one shared result
            return CaseFacts(act_date=act, decision_date=DEC, continuing=False, harm="minor",
                             violated_law="中华人民共和国食品安全法")
        engine.verdict(case(date(2025, 2, 3)))  # computes the shared result
        engine.verdict(case(date(2025, 2, 4)))  # other inputs: the shared result
        calls.clear()
        engine.verdict(case(date(2025, 2, 4)))  # the same inputs again
    finally:
        del engine._statutory_result
    assert calls == []
