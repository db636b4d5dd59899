"""The Chinese summary an officer reads: the answer in the law's words."""

from penalty_rules.model.decision import Decision
from penalty_rules.model.outcome import ZH_BY_VALUE


# The basis lines of a sequence of basis entries (shared objects the engine builds once from list
# and statute data): kept per entries and replaced labels; the value holds the entries, so their
# ids are not reused while it is kept.
_BASIS_LINES: dict[tuple, tuple] = {}


def _basis_lines(basis, replaced: dict[str, str]) -> tuple[str, ...]:
    key = (tuple(map(id, basis)), tuple(replaced.items()) if replaced else None)
    hit = _BASIS_LINES.get(key)
    if hit is not None:
        return hit[1]
    lines = []
    # a list that is no published normative document (a practice a white paper describes: the
    # documents refuse to cite it, ListCitation.citable) is shown as what it is, not as 法律依据
    legal = [b.label + (f"(一般规定, {replaced[b.label]})" if b.label in replaced else "")
             for b in basis if b.document is None or b.document.citable]
    other = [b.label for b in basis if b.document is not None and not b.document.citable]
    if legal:
        lines.append("法律依据: " + "; ".join(dict.fromkeys(legal)))
    if other:
        lines.append("参考依据(非法律、法规、规章或规范性文件, 不能作为法律依据引用): " + "; ".join(dict.fromkeys(other)))
    if len(_BASIS_LINES) >= 50_000:
        _BASIS_LINES.clear()
    hit = _BASIS_LINES[key] = (tuple(basis), tuple(lines))
    return hit[1]


def summarize(d: Decision, rule_title: str | None = None, fallback: str | None = None,
              replaced: dict[str, str] | None = None) -> str:
    """`fallback`: for a 可以 answer, what binds the agency if it declines it (explain.decide).
    `replaced`: basis labels of general articles a special law replaced (另有规定) → the general
    article's words that let it (“法律另有规定的除外”) and where the special article stands (前述/后列)."""
    replaced = replaced or {}
    v = d.__dict__  # the fields read as a dict (a pydantic attribute read goes through its __getattr__ hook)
    lines = [f"处理建议: {v['outcome_zh']}"]
    leniency = v["leniency"]
    if leniency is not None:
        kind = "必须适用" if leniency.mandatory else "可以适用, 由行政机关裁量"
        lines.append(f"法律规定: {leniency.wording}({kind})")
    if fallback:
        lines.append(f"不适用“可以”的规定时: {fallback}")
    possible = v["possible_outcomes"]
    if possible:
        zh = "、".join([ZH_BY_VALUE[o] for o in possible])
        lines.append(("可能的结果: " if v["outcome"] == "undetermined" else "可选结果: " if fallback else "法定幅度: ") + zh)
    chosen_item = v["chosen_item"]
    if chosen_item:
        for item in v["items"]:  # the chosen item as a binding, satisfied candidate
            if item.id == chosen_item and item.binding and item.satisfied:
                # the list by its title and number in the basis line below, not by its key (list@version)
                lines.append(f"适用条目: {item.id} {item.violation}")
                break
    elif v["chosen_rule"]:
        lines.append(f"适用规则: {rule_title or v['chosen_rule']}")
    lines += _basis_lines(v["basis"], replaced)
    measures = v["measures"]
    if measures:
        lines.append("应采取的措施: " + "、".join(measures))
    missing = v["missing_facts"]
    if missing:
        lines.append("需要补充的事实:")
        lines += [f"  - {m.question}" for m in missing]
    warnings = v["warnings"]
    if warnings:
        lines.append("提示:")
        lines += [f"  - {w}" for w in warnings]
    return "\n".join(lines)
