"""Deriving 首违 (first offence) and the count of prior same-conduct offences from the history.

A prior is never silently dropped: it counts when it is the same conduct (same item or item of
the same-conduct group, the officer's `same_conduct`, or a clear search match of its text), does
not count when it is clearly other conduct, and otherwise leaves the answer unknown with a
question naming that prior. A prior recorded under another item id is not thereby other conduct:
lists of different issuers hold items for the same conduct (the national and the provincial list
both have 食品标签瑕疵) without linking them (`same_conduct_as`); it is other conduct only when the
search of its item's wording finds none of the case's items near it (ItemMatcher).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from penalty_rules.model.facts import CaseFacts, PriorOffense
from penalty_rules.model.listdoc import FirstOffenseDefinition

Truth = bool | None
# The conduct text of a prior → same conduct as the current item group? (None: cannot tell)
ConductMatcher = Callable[[str, set[str]], Truth]
# The item id of a prior → other conduct than the item group? False when clearly other, else None
# (never True: only the group or the officer's same_conduct says a prior of another item is the same)
ItemMatcher = Callable[[str, set[str]], Truth]


@dataclass(frozen=True)
class FirstOffense:
    value: bool | None
    prior_count: int | None  # same-kind priors that count under the definition (None: unknown)
    explanation: str
    undecided: tuple[int, ...] = ()  # indexes of priors whose sameness is unknown
    at_least: int = 0  # priors known to count
    at_most: int | None = 0  # priors that may count (None: no upper bound known)
    questions: dict[str, str] = field(default_factory=dict)  # fact → question (per undecided prior)


# Without a history the answer depends only on the officer's first_offense (frozen, shared; their
# `questions` are empty and never written to).
_NO_HISTORY = {
    None: FirstOffense(None, None, "未提供首违情况或违法记录"),
    True: FirstOffense(True, 0, "执法人员认定"),
    False: FirstOffense(False, None, "执法人员认定非首违(此前至少一次)", at_least=1, at_most=None),
}


def same_conduct_question(index: int, prior: PriorOffense) -> str:
    what = prior.conduct or prior.item_id or "(未写明行为)"
    # not "同一违法行为": an earlier act is never the same act (行政处罚法第二十九条 uses it for one
    # single act); what counts for 首违 and the escalation steps is the same kind of violation
    return (f"此前违法记录第{index + 1}条「{what}」({prior.date.isoformat()})是否与本案属于同类违法行为"
            "(与本案同一清单条目所列的违法行为)?")


def before_act_question(index: int, prior: PriorOffense, during: str = "") -> str:
    """`during`: "" (the act's own day), "持续" (within a continuing act), "之后" (after the act, whose
    continuing is not given: it may be within it)."""
    what = prior.conduct or prior.item_id or "(未写明行为)"
    when = {"": "与本案违法行为同日", "持续": "在本案违法行为持续期间",
            "之后": "在本案违法行为之后(本案违法行为如有连续或者继续状态, 可能在其持续期间)"}[during]
    return (f"此前违法记录第{index + 1}条「{what}」{when}({prior.date.isoformat()}): 是否为本案以外、在本案违法行为"
            "(终了)之前的另一次违法?(否: 即本案本身或其后的违法)")


def _same_kind(
    prior: PriorOffense, item_ids: set[str], conduct: str | None, matcher: ConductMatcher | None,
    item_matcher: ItemMatcher | None = None,
) -> Truth:
    if prior.same_conduct is not None:
        return prior.same_conduct
    if not item_ids and not conduct:
        return None  # the case names no conduct: whether the prior is the same must be asked
    if item_ids:
        if prior.item_id:
            if prior.item_id in item_ids:
                return True
            return False if item_matcher is not None and item_matcher(prior.item_id, item_ids) is False else None
        if prior.conduct and matcher is not None:
            return matcher(prior.conduct, item_ids)
        return None
    # no item, only the case's conduct text
    if prior.conduct and prior.conduct.strip() == conduct.strip():
        return True
    return None


def window_start(d: date, years: int) -> date:
    """The same calendar day `years` earlier (29 Feb → 28 Feb): where a first-offence window of
    `years` ending on `d` starts (a prior before it is outside the window)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 Feb
        return d.replace(year=d.year - years, day=28)


_shift_years = window_start  # the former private name


def derive_first_offense(
    facts: CaseFacts,
    item_ids: set[str],
    definition: FirstOffenseDefinition | None,
    matcher: ConductMatcher | None = None,
    item_matcher: ItemMatcher | None = None,
) -> FirstOffense:
    """首违 under a list's definition. The officer's explicit `first_offense=false` always holds;
    a history (prior_offenses, even empty) is counted with the definition's window."""
    d = facts.__dict__  # the fields read as a dict (a pydantic attribute read goes through its __getattr__ hook)
    explicit = d["first_offense"]
    if d["prior_offenses"] is None:  # no history: one of three fixed answers (shared, read-only)
        return _NO_HISTORY[explicit]
    reference = facts.act_date
    if definition and definition.window_years and reference is None and facts.prior_offenses:
        return FirstOffense(None, None, "有违法记录但违法日期未知, 无法按清单期限计算首违",
                            questions={"act_date": "违法行为是哪一天发生的?(按清单期限计算首违需要)"})
    counted: list[int] = []
    undecided: list[int] = []
    same_day: list[int] = []
    questions: dict[str, str] = {}  # per undecided prior, in order: whether it came before, whether the same kind
    # a continuing act lasts to its end (unknown: any later day may still be within it): a prior on the
    # act's day or within its span may be an earlier, separate violation or this act's own record
    # (continuing not given: the act may be continuing, so a later prior may be within it — asked too)
    continuing = bool(reference) and facts.continuing is not False
    span_end = facts.act_end_date if continuing else reference
    for i, prior in enumerate(facts.prior_offenses):
        if span_end is not None and prior.date > span_end:
            continue  # only earlier violations count (span_end: the act's day, or a continuing act's end)
        within = bool(reference) and prior.date >= reference
        if within and prior.before_act is False:
            continue  # the officer: this case itself, or a later act
        if definition and definition.counted_from and prior.date < definition.counted_from:
            continue
        if definition and definition.window_years and reference:
            if prior.date < window_start(reference, definition.window_years):
                continue
        same = _same_kind(prior, item_ids, facts.conduct if not item_ids else None, matcher, item_matcher)
        if same is False:
            continue
        if within and prior.before_act is None:
            # the act's own day (or within a continuing act): an earlier violation, or this case's own
            # record (a history exported with the case in it) — the date cannot tell; asked, never
            # counted or dropped
            same_day.append(i)
            undecided.append(i)
            during = "" if prior.date == reference else "持续" if facts.continuing else "之后"
            questions[f"prior_offenses[{i}].before_act"] = before_act_question(i, prior, during)
            if same is None:
                questions[f"prior_offenses[{i}].same_conduct"] = same_conduct_question(i, prior)
        elif same is True:
            counted.append(i)
        else:
            undecided.append(i)
            questions[f"prior_offenses[{i}].same_conduct"] = same_conduct_question(i, prior)
    window = ""
    if definition and definition.window_years:
        window = f"{definition.window_years}年内"
    if definition and definition.counted_from:
        window += f"自{definition.counted_from.isoformat()}起"
    text = f"按违法记录推定: {window}同类违法 {len(counted)} 次"
    if undecided:
        kinds = len(undecided) - len(same_day)
        if kinds:
            text += f", 另有 {kinds} 条记录无法判断是否属于同类违法行为"
        if same_day:
            text += f", 另有 {len(same_day)} 条记录与本案违法行为同日或在其持续期间, 无法判断是否为本案以外的另一次违法"
    at_least = max(len(counted), 1 if explicit is False else 0)
    at_most: int | None = max(at_least, len(counted) + len(undecided))
    if explicit is False and not counted and not undecided:
        at_most = None  # the officer knows of a prior the history does not show
    count = at_least if at_least == at_most else None
    if explicit is False and not counted:
        text += "; 执法人员认定非首违, 以执法人员认定为准"
        return FirstOffense(False, count, text, tuple(undecided), at_least, at_most, questions)
    if counted:
        return FirstOffense(False, count, text, tuple(undecided), at_least, at_most, questions)
    if undecided:
        return FirstOffense(None, None, text, tuple(undecided), at_least, at_most, questions)
    return FirstOffense(True, 0, text)
