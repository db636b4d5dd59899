"""Deriving 首违 (first offence) and the count of prior same-item offences from the history."""

from dataclasses import dataclass
from datetime import date

from penalty_rules.model.facts import CaseFacts, PriorOffense
from penalty_rules.model.listdoc import FirstOffenseDefinition


@dataclass(frozen=True)
class FirstOffense:
    value: bool | None
    prior_count: int | None  # same-kind priors that count under the definition
    explanation: str


def _same_kind(prior: PriorOffense, item_ids: set[str], conduct: str | None) -> bool:
    if not item_ids and not conduct:
        return True  # nothing to compare with: every prior counts (never assume leniency)
    if prior.item_id and prior.item_id in item_ids:
        return True
    return bool(conduct and prior.conduct and prior.conduct.strip() == conduct.strip())


def _shift_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 Feb
        return d.replace(year=d.year - years, day=28)


def derive_first_offense(
    facts: CaseFacts,
    item_ids: set[str],
    definition: FirstOffenseDefinition | None,
) -> FirstOffense:
    """首违 under a list's definition. The officer's explicit `first_offense=false` always holds;
    a history (prior_offenses, even empty) is counted with the definition's window."""
    explicit = facts.first_offense
    if facts.prior_offenses is None:
        if explicit is None:
            return FirstOffense(None, None, "未提供首违情况或违法记录")
        return FirstOffense(explicit, 0 if explicit else None, "执法人员认定")
    reference = facts.act_date
    counted = []
    for prior in facts.prior_offenses:
        if not _same_kind(prior, item_ids, facts.conduct if not item_ids else None):
            continue
        if reference and prior.date >= reference:
            continue  # only earlier violations count
        if definition and definition.counted_from and prior.date < definition.counted_from:
            continue
        if definition and definition.window_years and reference:
            if prior.date < _shift_years(reference, definition.window_years):
                continue
        counted.append(prior)
    if definition and definition.window_years and reference is None and facts.prior_offenses:
        return FirstOffense(None, None, "有违法记录但违法日期未知, 无法按清单期限计算首违")
    derived = not counted
    window = ""
    if definition and definition.window_years:
        window = f"{definition.window_years}年内"
    if definition and definition.counted_from:
        window += f"自{definition.counted_from.isoformat()}起"
    text = f"按违法记录推定: {window}同类违法 {len(counted)} 次"
    if explicit is False and derived:
        return FirstOffense(False, None, text + "; 执法人员认定非首违, 以执法人员认定为准")
    return FirstOffense(derived, len(counted), text)
