"""`penalty-rules scenarios new --item ID`: a feature for one list item, from its conditions: one
row where every condition holds and, per condition, one row where only that condition fails.
The trainer edits the result (facts in officers' words, the expected answer of failing rows)."""

from __future__ import annotations

from penalty_rules.model.conditions import Custom, Threshold
from penalty_rules.model.item import Item

# condition tag -> (step that satisfies it, step that makes it fail)
TAG_STEPS: dict[str, tuple[str, str]] = {
    "first_offense": ("当事人首次违法", "当事人不是首次违法"),
    "corrected_before_discovery": ("在发现前主动改正", "未改正"),
    "corrected_within_deadline": ("在责令期限内改正", "未改正"),
    "corrected_promptly": ("及时改正", "未改正"),
    "no_harm": ("没有造成危害后果", "造成严重危害后果"),
    "minor_harm": ("危害后果轻微", "造成严重危害后果"),
    "no_illegal_gains": ("没有违法所得", "违法所得 500 元"),
    "no_subjective_fault": ("当事人有证据足以证明没有主观过错", "当事人不能证明没有主观过错"),
    "minor_violation": ("违法行为轻微", "违法行为不属轻微"),
    "cooperated": ('当事人有情节 "积极配合调查"', "当事人没有从轻减轻情节"),
    "eliminated_harm": ('当事人有情节 "主动消除或者减轻危害后果"', "当事人没有从轻减轻情节"),
    "coerced_or_deceived": ('当事人有情节 "受他人胁迫或者诱骗"', "当事人没有从轻减轻情节"),
    "coerced": ('当事人有情节 "受他人胁迫"', "当事人没有从轻减轻情节"),
    "confessed": ('当事人有情节 "主动供述行政机关尚未掌握的违法行为"', "当事人没有从轻减轻情节"),
    "meritorious": ('当事人有情节 "有立功表现"', "当事人没有从轻减轻情节"),
}
QUANTITY_STEPS = {"illegal_gains_yuan": "违法所得 {v:g} 元", "goods_value_yuan": "涉案货值 {v:g} 元"}


def _threshold_steps(th: Threshold) -> tuple[str, str]:
    bound = th.bound
    inside = {"max": bound, "min": bound, "lt": bound - 1, "gt": bound + 1}[th.op]
    outside = {"max": bound + 1, "min": bound - 1, "lt": bound, "gt": bound}[th.op]
    pattern = QUANTITY_STEPS.get(th.quantity, f'数量 "{th.quantity}" 为 {{v:g}}')
    return pattern.format(v=inside), pattern.format(v=outside)


def condition_steps(cond) -> tuple[str, str, str]:
    """(label, satisfied step, failing step) for one condition."""
    if isinstance(cond, str):
        ok, bad = TAG_STEPS[cond]
        return cond, ok, bad
    if isinstance(cond, Threshold):
        ok, bad = _threshold_steps(cond)
        return cond.label(), ok, bad
    if isinstance(cond, Custom):
        return cond.custom, f'符合清单条件 "{cond.custom}"', f'不符合清单条件 "{cond.custom}"'
    raise TypeError(f"未知的条件类型 {cond!r}")


def scaffold_feature(item: Item, *, outcome_zh: str) -> str:
    conditions = list(item.conditions.all)
    for bundle in item.conditions.any_of[:1]:  # the first alternative stands for the any_of group
        conditions += list(bundle)
    triples = [condition_steps(c) for c in conditions]
    tag = item.id.replace("/", "-")
    cols = [f"条件{i + 1}" for i in range(len(triples))]
    lines = [
        "# language: zh-CN",
        f"@{item.domain} @{tag}",
        f"功能: {item.violation}",
        f"  条目 {item.id} 的场景(由 penalty-rules scenarios new 生成, 请培训人员修改)。",
        "  第一行满足全部条件; 其后每行只让一个条件不满足。请核对每行的期望结果:",
        "  条件不满足时, 行政处罚法的法定规则仍可能给出从宽结果。",
        "",
        "  背景:",
        "    假如办案机关为聊城市",
        "    # 行政机关须查明的事实(当事人类型、违法日期、是否持续): 请按案情修改",
        '    而且当事人为 "企业"',
        "    而且违法行为发生于 2025-10-01",
        "    而且违法行为没有连续或者继续状态",
        "    而且决定日期为 2025-12-31",
        "",
        f"  @{item.domain} @{tag}",
        f"  场景大纲: {item.id} {item.violation}",
        f'    假如适用条目 "{item.id}"',
    ]
    if item.escalation:
        lines.append("    而且当事人此前有同项违法 0 次")
    lines += [f"    而且<{c}>" for c in cols]
    lines += ["    而且当事人没有从轻减轻情节", "    当执法人员提交案情", '    那么处理建议为 "<结果>"', "", "    例子:"]
    lines.append("      | 情形 | " + " | ".join(cols) + " | 结果 |")
    lines.append("      | 全部条件满足 | " + " | ".join(t[1] for t in triples) + f" | {outcome_zh} |")
    for i, (label, _, bad) in enumerate(triples):
        cells = [bad if j == i else t[1] for j, t in enumerate(triples)]
        lines.append(f"      | 不满足: {label} | " + " | ".join(cells) + " | 依法处罚 |")
    if not triples:
        lines.append("      # 该条目没有条件: 请补充反例")
    return "\n".join(lines) + "\n"
