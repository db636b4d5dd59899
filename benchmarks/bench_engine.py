"""Cost of one evaluation: production path vs reference evaluator vs GoRules ZEN, in one run.

Paths measured on the same generated cases:
  (a) production   Engine.evaluate with DurableMatcher (reference evaluator + durable-rules check)
  (a') warm cache  the same with Engine(memo_size=…): decisions memoised by canonical facts and
                   decision date, filled by a first pass over the same cases
  (b) reference    Engine.evaluate without matcher
  (v) verdict      Engine.verdict: the reference path's answer (outcome, chosen item and rule, possible
                   outcomes, missing facts in asking order) from the same rule results, without the
                   explanation (basis texts, questions, traces, summary): what replay reads
  (m) durable      DurableMatcher.fired alone on the refs the engine hands it
  (c) ZEN          zen-engine decision tables, collect hit policy, ASCII fields, the same candidate
                   refs as (m), the same input (the fact durable-rules gets: its group's fields,
                   RulesetGroup.event_for), in two layouts: one table per
                   (list version, domain), and one per item (as the durable-rules rulesets are).
                   The baseline of the ratios is the faster of the two in the run
Corpora: the bundled lists, and a generated 41-domain / 785-item corpus built in memory.
Dates: the cases share one act date and one decision date, so every date-dependent rule result
(limitation periods, law versions) is computed once and then reused; (b), (a) and (v) are also
timed on the same cases with dates spread (act dates over 2024–2025, decisions 1–199 days later):
law versions are then shared per era of the dates (StatutoryRules.versions_key) and a limitation
result by the cases within the shortest period (limitation_share), the rest evaluated case by
case. ZEN and the matcher do not read dates.
Figures are medians of per-call timings on a shared machine: read them as ratios. The process runs
under the service's collector policy (penalty_rules.gc_policy.settle_heap once the engines and
tables are built, as the service does at start-up; the mean is printed next to the median). Paths (a), (b),
(m) and (c) are timed side by side: they take turns over blocks of cases, so that a change in the
machine's load falls on all of them; the load average is printed with the figures.
Run: .venv/bin/python benchmarks/bench_engine.py [--cases N]
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import resource
import statistics
import sys
import time
from datetime import date, timedelta

from penalty_rules.config import Settings
from penalty_rules.engine.premises import effective_conditions
from penalty_rules.engine.durable_adapter import DurableMatcher, compile_groups, compile_rulesets
from penalty_rules.engine.engine import Engine
from penalty_rules.gc_policy import settle_heap
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.model.conditions import Custom, Threshold
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.facts import CaseFacts, Circumstance, Corrected, Harm
from penalty_rules.model.listdoc import ListDocument
from penalty_rules.model.vocabulary import VOCABULARY
from penalty_rules.replay.runner import answer_of

DECISION = date(2025, 6, 1)
ACT = date(2025, 1, 1)
# issue 12, on the 785-item corpus, ratios to ZEN measured in the same run
TARGET_PRODUCTION_X = 2.0  # production path (durable-rules deciding which items fire) ≥ 2× faster than ZEN
TARGET_REFERENCE_X = 5.0  # reference / compiled path ≥ 5× faster than ZEN
BLOCK = 100  # cases per turn when the paths are timed side by side


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------------ corpora
def generated_corpus(registry, n_domains=41, n_items=785, seed=7) -> Corpus:
    rnd = random.Random(seed)
    codes = sorted(registry.domain_codes())[:n_domains]
    # the tags of the corpus measured in earlier runs: attested tags (added later) are left out so
    # the figures compare across runs; tests/test_durable_differential.py covers them
    tags = sorted(t for t, d in VOCABULARY.conditions.items() if not t.startswith("corrected") and d.kind is None)
    quantities = sorted(q for q, d in VOCABULARY.quantities.items() if not d.fact)
    per = [n_items // len(codes) + (1 if i < n_items % len(codes) else 0) for i in range(len(codes))]
    docs = []
    for code, count in zip(codes, per):
        items = []
        for n in range(count):
            conds: dict = {"all": rnd.sample(tags, rnd.randint(0, 3))}
            if rnd.random() < 0.35:
                op = rnd.choice(["max", "lt", "min", "gt"])
                conds["all"].append({"quantity": rnd.choice(quantities), op: rnd.choice([1, 3, 5, 10, 30, 100, 1000])})
            if rnd.random() < 0.1:
                conds["all"].append({"custom": f"生成条件{code}{n}"})
            if rnd.random() < 0.6:
                conds["any_of"] = [["corrected_before_discovery"], ["corrected_within_deadline"]]
            items.append({
                "id": f"gen-{code.replace('_', '-')}/{n:03d}",
                "domain": code,
                "outcome": rnd.choice(["no_penalty", "no_penalty", "lighter_penalty", "reduced_penalty"]),
                "violation": f"生成的违法行为{code}{n}",
                "conditions": conds,
                "provenance": {"source_item_no": n + 1, "confidence": "low"},
            })
        docs.append(ListDocument.model_validate({
            "id": f"gen-{code.replace('_', '-')}", "version": "1", "title": f"生成清单{code}", "issuer": "基准测试",
            "jurisdiction": "CN", "locality": "全国", "level": "national", "effective_from": "2021-01-01",
            "status": "in_force", "url": None, "items": items,
        }))
    return Corpus(registry, docs, {d.key: "generated" for d in docs})


def spread_dates(cases: list[CaseFacts], seed=3) -> list[CaseFacts]:
    """The same cases with act dates spread over 2024–2025 and decisions 1–199 days later."""
    rnd = random.Random(seed)
    out = []
    for f in cases:
        act = date(2024, 1, 1) + timedelta(days=rnd.randrange(730))
        out.append(f.model_copy(update={"act_date": act, "decision_date": act + timedelta(days=rnd.randrange(1, 200))}))
    return out


def cases_for(corpus: Corpus, n: int, seed=11) -> list[CaseFacts]:
    rnd = random.Random(seed)
    ids = sorted({r.item.id for r in corpus.all_refs() if r.document.binding_level and not r.item.escalation})
    customs: dict[str, list[str]] = {}  # custom conditions are keyed per item
    for r in corpus.all_refs():
        keys = customs.setdefault(r.item.id, [])
        keys += [c.key for c in r.item.conditions.iter_all() if isinstance(c, Custom) and c.key not in keys]
    quantities = sorted({c.quantity for r in corpus.all_refs() for c in r.item.conditions.iter_all()
                         if isinstance(c, Threshold) and not VOCABULARY.quantities[c.quantity].fact})
    out = []
    for _ in range(n):
        pick = rnd.choice
        item = pick(ids)
        kw = dict(
            item_id=item, act_date=ACT, decision_date=DECISION,
            party_type=pick(["enterprise", "enterprise", "individual_business", None]), age=pick([None, 40]),
            continuing=pick([False, None]),
            first_offense=pick([True, True, False, None]), corrected=pick([*Corrected, None]),
            harm=pick([*Harm, None]), minor_violation=pick([True, False, None]),
            illegal_gains_yuan=pick([None, 0, 50.0]), goods_value_yuan=pick([None, 0, 500.0, 5000.0]),
            subjective_fault=pick([True, False, None]),
            circumstances=[c for c in Circumstance if rnd.random() < 0.3],
            quantities={q: pick([0, 1, 3, 5, 10, 30, 100, 1000, 2000]) for q in quantities if rnd.random() < 0.5},
            custom_conditions={k: rnd.random() < 0.5 for k in customs[item] if rnd.random() < 0.5},
        )
        if kw["harm"] is Harm.none:  # eliminated_harm beside no harm is refused (inconsistent_facts)
            kw["circumstances"] = [c for c in kw["circumstances"] if c is not Circumstance.eliminated_harm]
        out.append(CaseFacts(**kw))
    return out


# ------------------------------------------------------------------------------ ZEN
def _zen_cell(cond) -> tuple[str, str, str]:
    """(column id, field, cell) for one condition."""
    if isinstance(cond, str):
        return f"t_{cond}", cond, "true"
    if isinstance(cond, Threshold):
        op = {"max": "<=", "lt": "<", "min": ">=", "gt": ">"}[cond.op]
        return f"q_{cond.quantity}_{cond.op}_{cond.bound:g}".replace(".", "_"), cond.quantity, f"{op} {cond.bound:g}"
    return f"c_{cond.key}", cond.key, "true"


def zen_tables(corpus: Corpus, per_item: bool = False):
    """One ZEN decision per (list version, domain) group (or per item): a row per item and any_of
    bundle. The input is the same in both layouts: the case's fact as durable-rules gets it (its
    group's fields, zen_fired); a cell an item does not read is empty (matches anything)."""
    import zen

    engine = zen.ZenEngine()
    refs = {r.key: r for r in corpus.all_refs()}
    decisions, by_ref = {}, {}
    for group in (compile_rulesets(corpus) if per_item else compile_groups(corpus)):
        columns: dict[str, str] = {}
        rows = []
        for key in group.rules:
            if key not in refs:
                continue  # the warm-up rule
            conds = effective_conditions(refs[key].item, refs[key].document.citable)  # what durable-rules decides on (engine.premises)
            for bundle in conds.any_of or [[]]:
                row = {"_id": f"r{len(rows)}", "o1": json.dumps(key)}
                for cond in [*conds.all, *bundle]:
                    col, field, cell = _zen_cell(cond)
                    columns[col] = field
                    row[col] = cell
                rows.append(row)
            by_ref[key] = group.name
        for row in rows:
            for col in columns:
                row.setdefault(col, "")
        content = {
            "hitPolicy": "collect",
            "inputs": [{"id": c, "name": c, "field": f} for c, f in columns.items()],
            "outputs": [{"id": "o1", "name": "item", "field": "item"}],
            "rules": rows,
        }
        jdm = {
            "nodes": [
                {"id": "in", "type": "inputNode", "name": "in", "position": {"x": 0, "y": 0}},
                {"id": "t", "type": "decisionTableNode", "name": "t", "position": {"x": 0, "y": 0}, "content": content},
                {"id": "out", "type": "outputNode", "name": "out", "position": {"x": 0, "y": 0}},
            ],
            "edges": [
                {"id": "e1", "sourceId": "in", "targetId": "t", "type": "edge"},
                {"id": "e2", "sourceId": "t", "targetId": "out", "type": "edge"},
            ],
        }
        decisions[group.name] = (engine.create_decision(json.dumps(jdm, ensure_ascii=False)), group)
    return decisions, by_ref


def zen_fired(decisions, by_ref, facts, refs, first_offense_fn) -> set[str]:
    wanted: dict[tuple, set[str]] = {}
    for ref in refs:
        wanted.setdefault((by_ref[ref.key], first_offense_fn(facts, ref)), set()).add(ref.key)
    out = set()
    for (name, first), keys in wanted.items():
        decision, group = decisions[name]
        # the group's fact (RulesetGroup.event_for: known values only): a wanted rule's row reads
        # only its own fields, which hold the values durable-rules gets for it
        ctx = group.event_for(facts, first)
        result = decision.evaluate(ctx)["result"]
        rows = result if isinstance(result, list) else [result]
        out.update(keys.intersection(r["item"] for r in rows if r))
    return out


# ------------------------------------------------------------------------------ timing
def timed(fn, items) -> list[float]:
    out = []
    clock = time.perf_counter_ns
    for x in items:
        t0 = clock()
        fn(x)
        out.append((clock() - t0) / 1000)
    return out


def med(xs) -> float:
    return statistics.median(xs)


def candidate_refs(engine: Engine, facts: CaseFacts):
    stack = engine.corpus.registry.stack(facts.jurisdiction)
    sel = engine._select(facts, stack, facts.act_date, facts.decision_date)
    return [r for r, role in sel.refs if role == "applicable" and not r.item.escalation]


def bench(label: str, corpus: Corpus, n: int) -> dict:
    print(f"\n=== {label}: {len(corpus.documents)} list versions, {len(corpus.all_refs())} items, "
          f"{len({r.item.domain for r in corpus.all_refs()})} domains, {n} cases ===")
    rss0 = rss_mib()
    cases = cases_for(corpus, n)
    spread = spread_dates(cases)

    t0 = time.perf_counter()
    reference = Engine(corpus)
    build_ref = time.perf_counter() - t0
    cold_ref = timed(reference.evaluate, cases[:1])[0]
    rss_ref = rss_mib()

    t0 = time.perf_counter()
    matcher = DurableMatcher(corpus)
    production = Engine(corpus, matcher=matcher, search=reference.search)
    build_prod = time.perf_counter() - t0
    cold_prod = timed(production.evaluate, cases[:1])[0]
    rss_prod = rss_mib()

    cached = Engine(corpus, matcher=DurableMatcher(corpus, memo_size=100_000), search=reference.search,
                    memo_size=100_000)
    # the verdict path on an engine of its own: a rule result one path computed (cached per engine)
    # must not make a case warm for another
    answers = Engine(corpus, search=reference.search)

    t0 = time.perf_counter()
    decisions, by_ref = zen_tables(corpus)
    build_zen = time.perf_counter() - t0
    item_decisions, item_by_ref = zen_tables(corpus, per_item=True)
    rss_zen = rss_mib()

    settle_heap()  # the service's collector policy (penalty_rules.gc_policy), as at its start-up
    first = production._first_offense_for
    refs_per_case = [candidate_refs(production, f) for f in cases]
    pairs = [(f, r) for f, r in zip(cases, refs_per_case) if r]
    cold_zen = timed(lambda p: zen_fired(decisions, by_ref, p[0], p[1], first), pairs[:1])[0]
    cold_match = timed(lambda p: matcher.fired(p[0], p[1], first), pairs[:1])[0]

    # agreement of the three matchers on every case (not timed)
    agree_zen = sum(zen_fired(decisions, by_ref, f, r, first) == matcher.fired(f, r, first)
                    == zen_fired(item_decisions, item_by_ref, f, r, first) for f, r in pairs)
    mism = sum(any(w.startswith("规则引擎与参考求值器结果不一致") for w in production.evaluate(f).warnings) for f in cases[:500])

    warm = min(200, n // 5)
    check = Engine(corpus, search=reference.search)  # not timed: keeps the timed engines cold
    mism_verdict = sum(check.verdict(f) != answer_of(check.evaluate(f)) for f in [*cases[:500], *spread[:500]])
    for fn in (reference.evaluate, production.evaluate, answers.verdict):
        timed(fn, cases[:warm])
    # side by side: the paths take turns over blocks of cases (rotating which goes first), so a
    # change in the machine's load (shared machine) falls on every path alike
    paths = [
        ([], reference.evaluate, cases),
        ([], production.evaluate, cases),
        ([], lambda p: matcher.fired(p[0], p[1], first), pairs),
        ([], lambda p: zen_fired(decisions, by_ref, p[0], p[1], first), pairs),
        ([], answers.verdict, cases),
        ([], lambda p: zen_fired(item_decisions, item_by_ref, p[0], p[1], first), pairs),
        ([], reference.evaluate, spread),
        ([], production.evaluate, spread),
        ([], answers.verdict, spread),
    ]
    for k, start in enumerate(range(0, n, BLOCK)):
        turn = paths[k % len(paths):] + paths[:k % len(paths)]
        for out, fn, data in turn:
            out += timed(fn, data[start * len(data) // n:(start + BLOCK) * len(data) // n])
    t_ref, t_prod, t_match, t_zen_domain, t_verdict, t_zen_item, s_ref, s_prod, s_verdict = (out for out, _, _ in paths)
    # the baseline: ZEN in its faster layout in this run
    t_zen = min(t_zen_domain, t_zen_item, key=med)
    timed(cached.evaluate, cases)  # fill the memo
    t_cached = timed(cached.evaluate, cases)
    t_cached_match = timed(lambda p: cached.matcher.fired(p[0], p[1], first), pairs)

    rows = [
        ("(a) production Engine.evaluate + durable", cold_prod, med(t_prod)),
        ("(a') production, warm (decision memo)", None, med(t_cached)),
        ("(b) reference Engine.evaluate, no matcher", cold_ref, med(t_ref)),
        ("(v) verdict Engine.verdict (no explanation)", None, med(t_verdict)),
        ("(m) DurableMatcher.fired alone", cold_match, med(t_match)),
        ("(m') DurableMatcher.fired, warm cache", None, med(t_cached_match)),
        ("(c) ZEN tables per (list version, domain)", cold_zen, med(t_zen_domain)),
        ("(c') ZEN tables per item", None, med(t_zen_item)),
    ]
    print(f"{'path':46s} {'cold µs':>10s} {'warm median µs':>15s} {'p90 µs':>9s} {'mean µs':>9s}")
    p90 = {0: t_prod, 1: t_cached, 2: t_ref, 3: t_verdict, 4: t_match, 5: t_cached_match, 6: t_zen_domain,
           7: t_zen_item}
    for i, (name, cold, warm_us) in enumerate(rows):
        q = statistics.quantiles(p90[i], n=10)[-1]
        print(f"{name:46s} {cold if cold is not None else float('nan'):10.0f} {warm_us:15.1f} {q:9.1f} "
              f"{statistics.mean(p90[i]):9.1f}")
    print("dates spread (act 2024–2025, decision 1–199 days later), same cases, timed in the same turns:")
    for name, xs in (("(a) production", s_prod), ("(b) reference", s_ref), ("(v) verdict", s_verdict)):
        print(f"  {name:44s} {'':10s} {med(xs):15.1f} {statistics.quantiles(xs, n=10)[-1]:9.1f} "
              f"{statistics.mean(xs):9.1f}")
    print(f"build: reference engine {build_ref*1000:.0f} ms, durable matcher + engine {build_prod*1000:.0f} ms "
          f"({len(matcher.groups)} rulesets), ZEN tables {build_zen*1000:.0f} ms")
    print(f"peak RSS: start {rss0:.0f} MiB, +reference {rss_ref - rss0:.0f}, +durable {rss_prod - rss_ref:.0f}, "
          f"+ZEN {rss_zen - rss_prod:.0f} (ru_maxrss, whole process)")
    print(f"candidate refs per case: median {med([len(r) for r in refs_per_case])}, cases with candidates {len(pairs)}/{n}")
    print(f"baseline ZEN: the {'per-item' if t_zen is t_zen_item else 'per-domain'} tables ({med(t_zen):.1f} µs)")
    print(f"agreement ZEN (both layouts) == durable: {agree_zen}/{len(pairs)}; durable mismatch warnings in 500 evaluations: {mism}; "
          f"verdict != evaluate's answer in 1,000 cases (500 with dates spread): {mism_verdict}")
    ratios = {
        "production/ZEN": med(t_prod) / med(t_zen),
        "durable-matcher/ZEN": med(t_match) / med(t_zen),
        "production/reference": med(t_prod) / med(t_ref),
        "warm-cache production/ZEN": med(t_cached) / med(t_zen),
    }
    for k, v in ratios.items():
        print(f"ratio {k}: {v:.2f}")
    return {"prod": med(t_prod), "cached": med(t_cached), "zen": med(t_zen), "match": med(t_match),
            "ref": med(t_ref), "verdict": med(t_verdict), "prod_spread": med(s_prod), "ref_spread": med(s_ref),
            "verdict_spread": med(s_verdict), "production": production, "cases": cases}


def profile(production: Engine, cases) -> None:
    prof = cProfile.Profile()
    prof.enable()
    for f in cases:
        production.evaluate(f)
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    total = stats.total_tt
    stats.sort_stats("tottime").print_stats(8)
    print(f"\n--- cProfile, production path, {len(cases)} evaluations, top 8 by own time (total {total:.2f} s) ---")
    lines = buf.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    print("\n".join(lines[start:start + 9]))
    cum = {}
    for (file, _, func), (_, _, _, ct, _) in stats.stats.items():
        if func in ("fired", "_evaluate_item", "_evaluate_statutory", "build_decision", "_select"):
            cum[func] = cum.get(func, 0) + ct
    print("cumulative share: " + ", ".join(f"{k} {v / total:.0%}" for k, v in sorted(cum.items(), key=lambda x: -x[1])))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    args = parser.parse_args(argv)
    print("load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    from importlib.metadata import version  # the baseline's speed depends on the installed zen-engine
    print(f"zen-engine {version('zen-engine')}, durable-rules {version('durable-rules')}, pydantic {version('pydantic')}, "
          f"Python {sys.version.split()[0]}")
    bundled = load_corpus_strict(Settings.from_env().lists_dir)
    small = bench("bundled lists", bundled, args.cases)
    big = bench("generated 41 domains / 785 items", generated_corpus(bundled.registry), args.cases)
    profile(big["production"], big["cases"][:1000])
    print(f"\n=== target (785-item scale, same process): production ≥ {TARGET_PRODUCTION_X:g}× faster than ZEN, "
          f"reference ≥ {TARGET_REFERENCE_X:g}× faster than ZEN ===")
    for name, key, target in (
        ("production", "prod", TARGET_PRODUCTION_X), ("reference (explained)", "ref", TARGET_REFERENCE_X),
        ("verdict (answer only)", "verdict", TARGET_REFERENCE_X),
        ("production, dates spread", "prod_spread", TARGET_PRODUCTION_X),
        ("reference, dates spread", "ref_spread", TARGET_REFERENCE_X),
        ("verdict, dates spread", "verdict_spread", TARGET_REFERENCE_X),
        ("production warm cache", "cached", None), ("durable matcher alone", "match", None),
    ):
        us, speed = big[key], big["zen"] / big[key]
        verdict = "" if target is None else ("MET" if speed >= target else "NOT MET")
        print(f"{name:26s} {us:8.1f} µs  {speed:5.2f}× vs ZEN ({big['zen']:.1f} µs)  {verdict}")
    print(f"(bundled: production {small['prod']:.1f} µs, reference {small['ref']:.1f} µs, ZEN {small['zen']:.1f} µs)")
    print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
