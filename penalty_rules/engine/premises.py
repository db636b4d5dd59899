"""The statutory premise of a no-penalty list item: 行政处罚法 art. 33(1) (2017 text: art. 27(2)).

A list item that grants 不予处罚 (or 可以不予处罚) rests on the article of 行政处罚法 that allows it
(explain.decide cites it as the item's `leniency_ground`): 33(1) first sentence, "违法行为轻微并及时改正，
没有造成危害后果的，不予行政处罚"; its second sentence (初次违法), "初次违法且危害后果轻微并及时改正的，可以
不予行政处罚"; 33(2) (no fault) has no harm premise. A list may say which conduct is minor and how it
must be corrected, but it cannot grant more than the article it rests on. So where an item states
no harm condition of its own (as sd-2021/x05, whose source page was cut off), the article's harm
premise is added to the conditions the engine evaluates: 没有造成危害后果 (no_harm) for the first
sentence, 危害后果轻微 (minor_harm) for 初次违法. A case whose harm is known to be more than the premise
does not come under the item; one whose harm is unknown is asked (the agency establishes harm).

The list's own data, content hash and diffs are not touched: only the evaluated conditions (the
reference evaluator, the durable-rules rulesets and the trainers' scaffolds read them from here).
"""

from penalty_rules.model.conditions import Conditions
from penalty_rules.model.outcome import Outcome

NO_PENALTY = frozenset({Outcome.no_penalty, Outcome.discretionary_no_penalty})
HARM_TAGS = frozenset({"no_harm", "minor_harm"})
PREMISE = {"minor": "no_harm", "first_offense": "minor_harm"}  # ground kind → harm premise
PREMISE_NOTE = {
    "no_harm": "行政处罚法第三十三条第一款: 不予行政处罚以没有造成危害后果为前提; 清单条目未载明的, 按法律的要求判断",
    "minor_harm": "行政处罚法第三十三条第一款(初次违法): 可以不予行政处罚以危害后果轻微为前提; 清单条目未载明的, 按法律的要求判断",
}

_EFFECTIVE: dict[int, tuple[object, Conditions]] = {}


def ground_kind(item) -> str | None:
    """Which ground of 行政处罚法 a no-penalty item rests on: no_fault (33(2)), first_offense
    (33(1), second sentence) or minor (33(1), first sentence); None for other outcomes."""
    if item.outcome not in NO_PENALTY:
        return None
    keys = item.conditions.keys()
    return "no_fault" if "no_subjective_fault" in keys else "first_offense" if "first_offense" in keys else "minor"


def premise_of(item) -> str | None:
    """The harm condition the item's ground requires and the item does not state, or None."""
    tag = PREMISE.get(ground_kind(item) or "")
    if tag is None or item.conditions.keys() & HARM_TAGS:
        return None
    return tag


def effective_conditions(item) -> Conditions:
    """The item's conditions with its statutory premise (built once per item object)."""
    hit = _EFFECTIVE.get(id(item))
    if hit is not None and hit[0] is item:  # the item is kept: its id is not reused
        return hit[1]
    tag = premise_of(item)
    conds = item.conditions if tag is None else Conditions(
        all=[*item.conditions.all, tag], any_of=item.conditions.any_of)
    if len(_EFFECTIVE) >= 100_000:
        _EFFECTIVE.clear()
    _EFFECTIVE[id(item)] = (item, conds)
    return conds
