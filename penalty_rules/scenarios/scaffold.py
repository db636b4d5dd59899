"""`penalty-rules scenarios new --item ID`: a feature for one list item, from its conditions: one
row where every condition holds and, per condition, one row where only that condition fails.

Every row states all the facts the statutory rules of 行政处罚法 look at (违法行为是否轻微, 改正,
危害后果, 首违, 情节): facts the item's conditions do not fix are set to values that keep those rules
from applying (违法行为不属轻微, 未改正, 造成严重危害后果, 不是首次违法, 没有情节). The expected answer of
each row is derived here from the conditions and the law's rules (art. 33(1), 33(2), 32; old arts.
27(1), 27(2) for acts before 2021-07-15), never by asking the engine: the item's outcome when all its
conditions hold, the statutory outcome when a statutory rule holds, the most lenient by precedence.
An item not binding in Liaocheng (analogue, draft) gets the statutory answer and a step saying so.
The dates are chosen inside the item's validity. The trainer edits the result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from penalty_rules.engine.premises import effective_conditions
from penalty_rules.engine.statutory import scope_match
from penalty_rules.model.conditions import Custom, Threshold
from penalty_rules.model.item import Item

# condition tag -> (step that satisfies it, step that makes it fail)
TAG_STEPS: dict[str, tuple[str, str]] = {
    "first_offense": ("当事人首次违法", "当事人不是首次违法"),
    "corrected_before_discovery": ("在发现前主动改正", "未改正"),
    "corrected_within_deadline": ("在责令期限内改正", "未改正"),
    "corrected_promptly": ("及时改正", "未改正"),
    "corrected_voluntarily": ("在发现前主动改正", "在责令期限内改正"),  # 主动: not under the order
    "corrected_after_order": ("在责令期限内改正", "未改正"),
    "no_harm": ("没有造成危害后果", "造成严重危害后果"),
    "minor_harm": ("危害后果轻微", "造成严重危害后果"),
    "no_illegal_gains": ("没有违法所得", "违法所得 500 元"),
    "no_subjective_fault": ("当事人有证据足以证明没有主观过错", "当事人不能证明没有主观过错"),
    "minor_violation": ("违法行为轻微", "违法行为不属轻微"),
    # the engine's premise of an item on art. 33(1) first sentence (engine.premises): only the officer's
    # finding that the violation is not minor defeats it. Where it holds the violation's minority stays
    # unknown (the item is the issuer's finding that its conduct is minor): the statute's 33(1) first
    # sentence is then open, and decides rows where the item fails (尚不能确定, see _expected)
    "minor_not_denied": ("执法人员尚未认定违法行为是否轻微", "违法行为不属轻微"),
    # the police's 应当从重 (公安机关办理行政案件程序规定 160(一): 有较严重后果的): only a finding of serious harm
    # defeats a lenient police item (engine.premises); unknown harm is not that finding
    "serious_harm_not_found": ("危害后果轻微", "造成严重危害后果"),
    # the party an item's conduct names (engine.premises): its leniency is that party's
    "party_individual_business": ('当事人为 "个体工商户"', '当事人为 "企业"'),
    "party_business": ('当事人为 "企业"', '当事人为 "其他组织"'),
    "cooperated": ('当事人有情节 "积极配合调查"', "当事人没有从轻减轻情节"),
    "eliminated_harm": ('当事人有情节 "主动消除或者减轻危害后果"', "当事人没有从轻减轻情节"),
    "coerced_or_deceived": ('当事人有情节 "受他人胁迫或者诱骗"', "当事人没有从轻减轻情节"),
    "coerced": ('当事人有情节 "受他人胁迫"', "当事人没有从轻减轻情节"),
    "confessed": ('当事人有情节 "主动供述行政机关尚未掌握的违法行为"', "当事人没有从轻减轻情节"),
    "meritorious": ('当事人有情节 "有立功表现"', "当事人没有从轻减轻情节"),
}
QUANTITY_STEPS = {"illegal_gains_yuan": "违法所得 {v:g} 元", "goods_value_yuan": "涉案货值 {v:g} 元"}
OUTCOME_ZH = {
    "no_penalty": "不予处罚", "discretionary_no_penalty": "可以不予处罚", "reduced_penalty": "减轻处罚",
    "lighter_penalty": "从轻处罚", "normal": "依法处罚",
}
PRECEDENCE = ["no_penalty", "discretionary_no_penalty", "reduced_penalty", "lighter_penalty", "normal"]
LAW_2021 = date(2021, 7, 15)
DEFAULT_ACT, DEFAULT_DECISION = date(2025, 10, 1), date(2025, 12, 31)
# facts the statutory rules read, and the step that keeps them from applying when no condition sets them
FILLERS = {
    "minor_violation": "违法行为不属轻微",
    "corrected": "未改正",
    "harm": "造成严重危害后果",
    "first": "当事人不是首次违法",
}
_CIRC = {
    "积极配合调查": "cooperated", "主动消除或者减轻危害后果": "eliminated_harm", "受他人胁迫或者诱骗": "coerced_or_deceived",
    "受他人胁迫": "coerced", "主动供述行政机关尚未掌握的违法行为": "confessed", "有立功表现": "meritorious",
}
_STEP_FACTS = {  # step -> (fact, value)
    "当事人首次违法": ("first", True), "当事人不是首次违法": ("first", False),
    "在发现前主动改正": ("corrected", "before_discovery"), "在责令期限内改正": ("corrected", "within_deadline"),
    "及时改正": ("corrected", "promptly"), "未改正": ("corrected", "not"),
    "在发现后责令改正前主动改正": ("corrected", "voluntarily_after_discovery"),
    "超过责令期限后才改正": ("corrected", "after_deadline"),
    "没有造成危害后果": ("harm", "none"), "危害后果轻微": ("harm", "minor"), "造成严重危害后果": ("harm", "serious"),
    "没有违法所得": ("q:illegal_gains_yuan", 0.0),
    "当事人有证据足以证明没有主观过错": ("no_fault", True), "当事人不能证明没有主观过错": ("no_fault", False),
    "违法行为轻微": ("minor_violation", True), "违法行为不属轻微": ("minor_violation", False),
    "执法人员尚未认定违法行为是否轻微": ("minor_violation", None),
    "当事人没有从轻减轻情节": ("circ", None),
    '当事人为 "个体工商户"': ("party", "individual_business"), '当事人为 "企业"': ("party", "enterprise"),
    '当事人为 "其他组织"': ("party", "other"),
    "当事人年龄 40 周岁": ("age", 40),  # a 个体工商户's operator is a natural person: 第三十条 reads the age
}
# as engine.conditions: 及时改正 / 期限内改正 (not a correction after the deadline of an order); 已改正 (any correction);
# 主动改正 (before any order; 及时改正 says nothing of the initiative: unknown)
_PROMPT = {"before_discovery", "voluntarily_after_discovery", "within_deadline", "promptly"}
_CORRECTED = _PROMPT | {"after_deadline"}
_VOLUNTARY = {"before_discovery": True, "voluntarily_after_discovery": True, "within_deadline": False,
              "after_deadline": False, "not": False}


def _threshold_steps(th: Threshold) -> tuple[str, str]:
    bound = th.bound
    inside = {"max": bound, "min": bound, "lt": bound - 1, "gt": bound + 1}[th.op]
    outside = {"max": bound + 1, "min": bound - 1, "lt": bound, "gt": bound}[th.op]
    if th.op == "lt" and inside < 0:
        inside = bound / 2
    pattern = QUANTITY_STEPS.get(th.quantity, f'数量 "{th.quantity}" 为 {{v:g}}')
    return pattern.format(v=inside), pattern.format(v=outside)


def condition_steps(cond) -> tuple[str, str, str | None]:
    """(label, satisfied step, failing step or None: no row states it failing) for one condition."""
    if isinstance(cond, str):
        ok, bad = TAG_STEPS[cond]
        return cond, ok, bad
    if isinstance(cond, Threshold):
        ok, bad = _threshold_steps(cond)
        return cond.label(), ok, bad
    if isinstance(cond, Custom):
        return cond.custom, f'符合清单条件 "{cond.custom}"', f'不符合清单条件 "{cond.custom}"'
    raise TypeError(f"未知的条件类型 {cond!r}")


# ------------------------------------------------------------------ the facts a row states
def _apply(state: dict, step: str) -> None:
    if step in _STEP_FACTS:
        fact, value = _STEP_FACTS[step]
        if fact == "circ":
            state.setdefault("circ", set())
        else:
            state[fact] = value
        return
    if step.startswith('当事人有情节 "'):
        state.setdefault("circ", set()).add(_CIRC[step.split('"')[1]])
    elif step.startswith(('符合清单条件 "', '不符合清单条件 "')):
        state.setdefault("custom", {})[step.split('"', 1)[1][:-1]] = step.startswith("符合")
    elif step.startswith("违法所得 "):
        state["q:illegal_gains_yuan"] = float(step.split()[1])
    elif step.startswith("涉案货值 "):
        state["q:goods_value_yuan"] = float(step.split()[1])
    elif step.startswith('数量 "'):
        name, rest = step[4:].split('"', 1)
        state[f"q:{name}"] = float(rest.split()[-1])
    else:
        raise ValueError(f"scaffold: 未知步骤 {step}")


def _holds(cond, state: dict):
    """True / False / None (unknown) for one condition on the facts of a row."""
    if isinstance(cond, Custom):
        return state.get("custom", {}).get(cond.custom)
    if isinstance(cond, Threshold):
        v = state.get(f"q:{cond.quantity}")
        if v is None:
            return None
        return {"max": v <= cond.bound, "min": v >= cond.bound, "lt": v < cond.bound, "gt": v > cond.bound}[cond.op]
    fact = {"first_offense": "first", "minor_violation": "minor_violation", "no_subjective_fault": "no_fault",
            "no_illegal_gains": "q:illegal_gains_yuan"}.get(cond)
    if cond == "minor_not_denied":  # unknown is not a denial (engine.premises)
        return state.get("minor_violation") is not False
    if cond == "party_individual_business":
        return state.get("party", "enterprise") == "individual_business"  # the background's party: 企业
    if cond == "party_business":
        return state.get("party", "enterprise") in ("enterprise", "individual_business")
    if cond == "serious_harm_not_found":  # unknown harm is not a finding of serious harm (engine.premises)
        return state.get("harm") != "serious"
    if cond.startswith("corrected_"):
        c = state.get("corrected")
        if c is None:
            return None
        if cond == "corrected_voluntarily":
            return _VOLUNTARY.get(c)
        if cond == "corrected_after_order":
            return c in _CORRECTED
        return c == "before_discovery" if cond == "corrected_before_discovery" else c in _PROMPT
    if cond in ("no_harm", "minor_harm"):
        h = state.get("harm")
        return None if h is None else (h == "none" if cond == "no_harm" else h in ("none", "minor"))
    if cond == "no_illegal_gains":
        v = state.get(fact)
        return None if v is None else v == 0
    if fact:
        return state.get(fact)
    circ = state.get("circ")
    if circ is None:
        return None
    if cond == "coerced_or_deceived":
        return bool(circ & {"coerced_or_deceived", "coerced", "deceived"})
    return cond in circ


def _all(values) -> bool | None:
    values = list(values)
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _any(values) -> bool | None:
    values = list(values)
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _item_holds(item: Item, state: dict, citable: bool) -> bool | None:
    conds = effective_conditions(item, citable)  # with the statutory premise the engine adds (engine.premises)
    parts = [_holds(c, state) for c in conds.all]
    if conds.any_of:
        parts.append(_any(_all(_holds(c, state) for c in bundle) for bundle in conds.any_of))
    return _all(parts)


def _corrected_without_harm(state: dict) -> bool:
    """The rest of 33(1) first sentence (old 27(2)) besides 违法行为轻微: 及时改正, 没有造成危害后果."""
    return state.get("corrected") in _PROMPT and state.get("harm") == "none"


def statutory_outcomes(state: dict, *, act: date, decision: date, no_fault_open: bool = False) -> list[str]:
    """The outcomes the general rules of 行政处罚法 give on these facts (the act-date text, and the
    2021 text when the decision is later: art. 37 takes the milder). `no_fault_open`: a special law
    may replace 33(2) for the item's case (ScaffoldContext): 33(2) is then open, not satisfied."""
    out = []
    prompt, harm, circ = state.get("corrected") in _PROMPT, state.get("harm"), state.get("circ") or set()
    if state.get("minor_violation") and _corrected_without_harm(state):  # 33(1) / old 27(2)
        out.append("no_penalty")
    if decision >= LAW_2021:
        if state.get("first") and prompt and harm in ("none", "minor"):  # 33(1) 初次违法
            out.append("discretionary_no_penalty")
        if state.get("no_fault") and not no_fault_open:  # 33(2)
            out.append("no_penalty")
        if circ & {"eliminated_harm", "coerced_or_deceived", "coerced", "deceived", "confessed", "meritorious"}:
            out.append("lighter_penalty")  # 32
    if act < LAW_2021 and circ & {"eliminated_harm", "coerced", "meritorious"}:
        out.append("lighter_penalty")  # old 27(1)
    return out


def statutory_open(state: dict, *, decision: date | None = None, no_fault_open: bool = False) -> list[str]:
    """The outcomes of general rules that are open on these facts: 33(1) first sentence (old 27(2))
    with the violation's minority unknown and the rest of it met, and 33(2) where a special law may
    replace it (the engine asks the violated law or the special law's facts; the scaffold states
    neither)."""
    out = ["no_penalty"] if state.get("minor_violation") is None and _corrected_without_harm(state) else []
    if no_fault_open and state.get("no_fault") and decision is not None and decision >= LAW_2021:
        out.append("no_penalty")
    return out


def _most_lenient(outcomes: list[str]) -> str:
    return min(outcomes + ["normal"], key=PRECEDENCE.index)


def _expected(outcomes: list[str], open_: list[str]) -> str:
    """The answer: the most lenient satisfied outcome, unless an open rule could give more (then
    尚不能确定, as the engine's precedence says)."""
    best = _most_lenient(outcomes)
    if any(PRECEDENCE.index(o) < PRECEDENCE.index(best) for o in open_):
        return "尚不能确定"
    return OUTCOME_ZH[best]


@dataclass
class ScaffoldContext:
    """What the corpus says about the item beyond its own text."""

    binding: bool = True  # a Liaocheng, Shandong or national list, not a draft
    act_date: date = DEFAULT_ACT
    decision_date: date = DEFAULT_DECISION
    applies: bool = True  # the item's list version is in force on the chosen dates
    note: str = ""
    no_fault_open: bool = False  # a special law may replace 33(2) for the item's case (special-laws.yaml)
    citable: bool = True  # the item's list is a normative document with a known issuer (engine.premises)


def _no_fault_open(corpus, ref, binding: bool) -> bool:
    """Whether a special law's no-fault rule may govern the item's case: the laws the item says are
    violated (read by the engine only for a binding item), else its domain (statutory.scope_match)."""
    special = corpus.statutory.special if corpus.statutory is not None else None
    if special is None:
        return False
    laws = [c.law for c in ref.item.violated] if binding else None
    return any(scope_match(row.scope, ref.item.domain, laws or None)[0] is not False
               for row in special.overrides if row.replaces == "no_fault")


def context_for(corpus, ref) -> ScaffoldContext:
    """Dates inside the item's validity (its list version's period and its own dates)."""
    doc, item = ref.document, ref.item
    ctx = _context_for(corpus, ref, doc, item)
    ctx.citable = doc.citable  # not a normative document: 轻微 is asked (engine.premises)
    return ctx


def _context_for(corpus, ref, doc, item) -> ScaffoldContext:
    if not doc.binding_level:
        why = "草案, 尚未施行" if doc.status.value == "draft" else "外地清单(类比参考)"
        return ScaffoldContext(binding=False, note=f"条目来自{why}, 对聊城市案件不具约束力: 期望结果为行政处罚法的法定结果",
                               no_fault_open=_no_fault_open(corpus, ref, False))
    no_fault_open = _no_fault_open(corpus, ref, True)
    start = max(d for d in (doc.start, item.effective_from) if d is not None) if (doc.start or item.effective_from) else None
    ends = [d for d in (corpus.end_of(doc), item.effective_to) if d is not None]
    end = min(ends) if ends else None  # exclusive
    if start is None:
        return ScaffoldContext(applies=False, note="清单施行日期未载明, 条目不作为本案依据: 期望结果为行政处罚法的法定结果",
                               no_fault_open=_no_fault_open(corpus, ref, False))  # not applied: its laws are not read

    def inside(d: date) -> bool:
        return d >= start and (end is None or d < end)

    if inside(DEFAULT_ACT) and inside(DEFAULT_DECISION):
        return ScaffoldContext(no_fault_open=no_fault_open)
    act = start if end is None or end - start <= timedelta(days=2) else start + timedelta(days=1)
    decision = min(act + timedelta(days=60), (end - timedelta(days=1)) if end else act + timedelta(days=60))
    decision = max(decision, act)
    return ScaffoldContext(act_date=act, decision_date=decision, no_fault_open=no_fault_open,
                           note=f"日期取在条目施行期内({start} 起" + (f", {end} 前)" if end else ")"))


def _plain(label: str) -> str:
    """A row label: no quotes (full-width quotes in a table are a lint error), no cell separators."""
    return "".join(ch for ch in label if ch not in "“”「」‘’『』\"|")


def _keys(step: str) -> set[str]:
    """The facts a step sets (a list condition by its wording)."""
    s: dict = {}
    _apply(s, step)
    return {f"custom:{k}" for k in s.pop("custom", {})} | set(s)


def _inconsistent(state: dict) -> str | None:
    """Why the facts of a row are refused as inconsistent (CaseFacts: inconsistent_facts), or None."""
    if state.get("harm") == "none" and "eliminated_harm" in (state.get("circ") or set()):
        # 行政处罚法 第三十二条第（一）项 “主动消除或者减轻违法行为危害后果的” presupposes a harm caused
        return "情节“主动消除或者减轻危害后果”以造成危害后果为前提, 与“没有造成危害后果”矛盾, 案情不予受理"
    return None


def _rows(item: Item, ctx: ScaffoldContext):
    conds = effective_conditions(item, ctx.citable)
    conditions = list(conds.all)
    bundles = list(conds.any_of)
    for bundle in bundles[:1]:  # the first alternative stands for the any_of group
        conditions += list(bundle)
    triples = [condition_steps(c) for c in conditions]
    # the other alternatives are stated as not met (one failing condition each) where that
    # contradicts no column
    column_facts = set()
    for t in triples:
        for step in t[1:]:
            column_facts |= _keys(step) if step is not None else set()
    fixed: list[str] = []
    for bundle in bundles[1:]:
        for cond in bundle:
            bad = condition_steps(cond)[2]
            if bad is None:
                continue
            keys = _keys(bad)
            if not (keys & column_facts) or keys == {"circ"}:
                fixed.append(bad)
                column_facts |= keys - {"circ"}
                break
    fillers = [step for fact, step in FILLERS.items() if fact not in column_facts]
    if item.escalation and "当事人不是首次违法" in fillers:
        fillers.remove("当事人不是首次违法")  # 此前同项违法 0 次: first offence; blocked by the other facts
    base = fillers + fixed + ["当事人没有从轻减轻情节"]
    if "party_individual_business" in conditions:  # the operator's age (行政处罚法 第三十条), an adult's
        base.append("当事人年龄 40 周岁")
    rows = []
    variants = [("全部条件满足", [t[1] for t in triples])]
    variants += [(f"不满足: {_plain(t[0])}", [bad if j == i else u[1] for j, u in enumerate(triples)])
                 for i, t in enumerate(triples) for bad in [t[2]] if bad is not None]
    for label, cells in variants:
        state: dict = {}
        if item.escalation:
            state["first"] = True
        for step in cells + base:
            _apply(state, step)
        why = _inconsistent(state)
        if why is not None:  # no case has these facts: the row is said, not generated
            rows.append((label, cells, None, why))
            continue
        outcomes = statutory_outcomes(state, act=ctx.act_date, decision=ctx.decision_date,
                                      no_fault_open=ctx.no_fault_open)
        if ctx.binding and ctx.applies and _item_holds(item, state, ctx.citable):
            outcomes.append(item.outcome.value)
        open_ = statutory_open(state, decision=ctx.decision_date, no_fault_open=ctx.no_fault_open)
        rows.append((label, cells, _expected(outcomes, open_), None))
    return triples, base, rows


def scaffold_feature(item: Item, *, outcome_zh: str | None = None, context: ScaffoldContext | None = None) -> str:
    ctx = context or ScaffoldContext()
    triples, base, rows = _rows(item, ctx)
    tag = item.id.replace("/", "-")
    cols = [f"条件{i + 1}" for i in range(len(triples))]
    lines = [
        "# language: zh-CN",
        f"@{item.domain} @{tag}",
        f"功能: {item.violation}",
        f"  条目 {item.id} 的场景(由 penalty-rules scenarios new 生成, 请培训人员修改)。",
        "  第一行满足全部条件; 其后每行只让一个条件不满足。条件未涉及的法定事实(违法行为是否轻微、改正、",
        "  危害后果、首违、情节)取不适用行政处罚法从宽规则的值; 期望结果按条件和行政处罚法第三十二、三十三条推出。",
    ]
    if ctx.note:
        lines.append(f"  {ctx.note}。")
    lines += [
        "",
        "  背景:",
        "    假如办案机关为聊城市",
        "    # 行政机关须查明的事实(当事人类型、违法日期、是否持续): 请按案情修改",
        '    而且当事人为 "企业"',
        f"    而且违法行为发生于 {ctx.act_date.isoformat()}",
        "    而且违法行为没有连续或者继续状态",
        f"    而且决定日期为 {ctx.decision_date.isoformat()}",
        "",
        f"  @{item.domain} @{tag}",
        f"  场景大纲: {item.id} {item.violation}",
        f'    假如适用条目 "{item.id}"',
    ]
    if item.escalation:
        lines.append("    而且当事人此前有同项违法 0 次")
    lines += [f"    而且<{c}>" for c in cols]
    lines += [f"    而且{step}" for step in base]
    lines += ["    当执法人员提交案情", '    那么处理建议为 "<结果>"']
    if not ctx.binding:
        lines.append(f'    而且候选条目 "{item.id}" 对本案不具约束力')
    lines += ["", "    例子:"]
    lines.append("      | 情形 | " + " | ".join(cols) + " | 结果 |")
    for label, cells, expected, why in rows:
        if why is None:
            lines.append(f"      | {label} | " + " | ".join(cells) + f" | {expected} |")
    skipped = [(label, why) for label, _cells, _expected, why in rows if why is not None]
    if skipped:
        lines.append("")
    for label, why in skipped:  # after the table: a comment inside it would end the examples
        lines.append(f"    # 未生成“{label}”: {why}(条目的条件同时要求二者时, 该条目不能成立, 请核对条目)")
    if not triples:
        lines.append("      # 该条目没有条件: 请补充反例")
    return "\n".join(lines) + "\n"
