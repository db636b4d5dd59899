"""Varied generated facts for checking the engine's fast paths (caches, compiled values, the lean
durable-rules calls) against uncached evaluation: every fact field the statutory rules and list
items read, dates on both sides of the 2021-07-15 revision, priors, special laws, unknowns."""

import random
from datetime import date, timedelta

from penalty_rules.model.conditions import Custom, Threshold
from penalty_rules.model.facts import CaseFacts, Circumstance, Corrected, Harm

LAWS = [None, None, "中华人民共和国税收征收管理法", "中华人民共和国治安管理处罚法", "中华人民共和国食品安全法",
        "中华人民共和国产品质量法", "中华人民共和国道路交通安全法", "医疗器械监督管理条例", "出版管理条例", "中华人民共和国药品管理法",
        "化妆品监督管理条例", "中华人民共和国出境入境管理法"]


def varied_cases(corpus, n: int, seed: int = 5) -> list[CaseFacts]:
    rnd = random.Random(seed)
    special = sorted(corpus.statutory.special.fact_keys)  # the special laws' own facts
    refs = [r for r in corpus.all_refs() if r.document.binding_level]
    ids = sorted({r.item.id for r in refs})
    customs: dict[str, list[str]] = {}
    for r in corpus.all_refs():
        customs.setdefault(r.item.id, []).extend(
            c.key for c in r.item.conditions.iter_all() if isinstance(c, Custom))
    quantities = sorted({c.quantity for r in corpus.all_refs() for c in r.item.conditions.iter_all()
                         if isinstance(c, Threshold)})
    domains = sorted({r.item.domain for r in refs})
    out: list[CaseFacts] = []
    while len(out) < n:
        pick = rnd.choice
        act = date(2017, 1, 1) + timedelta(days=rnd.randrange(0, 365 * 8))
        if rnd.random() < 0.15:
            act = date(2021, 7, 14) + timedelta(days=rnd.choice([-400, -1, 0, 1]))
        dec = act + timedelta(days=rnd.choice([0, 30, 200, 700, 800, 1500, 2000]))
        item = pick(ids) if rnd.random() < 0.9 else None
        continuing = pick([False, False, None, True])
        priors = None
        if rnd.random() < 0.3:
            priors = [{"date": (act - timedelta(days=rnd.randrange(1, 1500))).isoformat(),
                       **pick([{"item_id": pick(ids)}, {"item_id": item or pick(ids)}, {"conduct": "未按规定办理"},
                               {"conduct": "其他行为", "same_conduct": pick([True, False])}])}
                      for _ in range(rnd.randint(0, 2))]
        birth = None
        if rnd.random() < 0.2:
            birth = (act - timedelta(days=rnd.choice([13, 14, 16, 18, 60, 75]) * 365 + rnd.randint(-3, 3))).isoformat()
        facts = {
            "item_id": item, "domain": None if item else pick(domains),
            "act_date": act.isoformat() if rnd.random() < 0.9 else None, "decision_date": dec.isoformat(),
            "party_type": pick(["enterprise", "individual_business", "individual", "other", None]),
            "age": pick([None, None, 13, 15, 17, 40, 80]) if birth is None else None,
            "birth_date": birth,
            "first_offense": pick([True, False, None]), "prior_offenses": priors,
            "corrected": pick([*[c.value for c in Corrected], None]),
            "harm": pick([*[h.value for h in Harm], None]),
            "minor_violation": pick([True, False, None]),
            "illegal_gains_yuan": pick([None, 0, 50.0]), "goods_value_yuan": pick([None, 0, 500.0]),
            "subjective_fault": pick([True, False, None]),
            "mental_condition": pick([None, None, "cannot_recognize", "limited"]),
            "mental_condition_cause": pick([None, "mental_illness", "intellectual_disability", "other"]),
            "discovered_date": (act + timedelta(days=rnd.randrange(0, max(1, (dec - act).days + 1)))).isoformat()
            if rnd.random() < 0.5 else None,
            "continuing": continuing,
            "act_end_date": (act + timedelta(days=rnd.randrange(0, max(1, (dec - act).days + 1)))).isoformat()
            if continuing and rnd.random() < 0.5 else None,
            "violated_law": pick(LAWS),
            "special_law_facts": {k: rnd.random() < 0.5 for k in special if rnd.random() < 0.3} or None,
            "circumstances": None if rnd.random() < 0.3 else [c.value for c in Circumstance if rnd.random() < 0.25],
            "safety_related": pick([True, False, None]),
            "quantities": {q: pick([0, 1, 3, 5, 10, 100, 1000]) for q in quantities if rnd.random() < 0.4} or None,
            "custom_conditions": {k: rnd.random() < 0.5 for k in customs.get(item or "", []) if rnd.random() < 0.6}
            or None,
        }
        try:
            out.append(CaseFacts.model_validate(facts))
        except ValueError:
            continue  # an inconsistent draw (e.g. a birth date after the act): draw again
    return out
