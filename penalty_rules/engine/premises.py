"""The statutory premises of a no-penalty list item: 行政处罚法 art. 33(1) (2017 text: art. 27(2)).

A list item that grants 不予处罚 (or 可以不予处罚) rests on the article of 行政处罚法 that allows it
(explain.decide cites it as the item's `leniency_ground`): 33(1) first sentence, "违法行为轻微并及时改正，
没有造成危害后果的，不予行政处罚"; its second sentence (初次违法), "初次违法且危害后果轻微并及时改正的，可以
不予行政处罚"; 33(2) (no fault) has no harm premise. A list may say which conduct is minor and how it
must be corrected, but it cannot grant more than the article it rests on. So where an item states
no harm condition of its own (as sd-2021/x05, whose source page was cut off), the article's harm
premise is added to the conditions the engine evaluates: 没有造成危害后果 (no_harm) for the first
sentence, 危害后果轻微 (minor_harm) for 初次违法. A case whose harm is known to be more than the premise
does not come under the item; one whose harm is unknown is asked (the agency establishes harm).

Both sentences (and 27(2) of the 2017 text: 及时纠正) also require the party to have corrected the
violation in time: where an item states no correction of its own (neither 发现前主动改正, 在责令改正
期限内改正 nor 及时改正), the premise corrected_promptly (及时改正, the article's words) is added, so
a party that has not corrected does not come under the item and one whose correction is unknown is
asked.

The first sentence also requires the violation to be 轻微. An item of a normative document is its
issuer's finding that its conduct, under its conditions, is minor, so the engine does not ask for it;
but where the officer has found that this violation is NOT minor (minor_violation: false), the item's
ground does not hold: the premise minor_not_denied (vocabulary kind: premise, never a list's own
condition) is added to items on that ground that do not state minor_violation themselves. An item of
a list that is no normative document with a known issuer (ListDocument.citable, the test by which the
documents refuse to cite it: lc-practice-2022, a practice a white paper describes) is nobody's finding:
the premise is then the condition minor_violation itself, asked while unknown.

A lenient item of the cases the police handle (domains public_security, road_traffic: 公安机关办理行政案件程序
规定 第二条) cannot stand against the rule that binds the police there: 第一百六十条 “违法行为人有下列情形之一的，
应当从重处罚：（一）有较严重后果的” (治安管理处罚法(2012) 第二十条 (一) likewise). Where the item states no harm
condition of its own, the premise serious_harm_not_found (vocabulary kind: premise) is added: a case the officer
finds of serious harm does not come under the item (the law decides it; the caution police-procedure-160 is
said); unknown harm is no such finding (从重 rests on an established fact) and is not asked for it.

A list grants its leniency to the conduct it names, and where that conduct begins with its party (个体工商户未将
营业执照置于经营场所醒目位置, 药品零售企业未按规定凭处方销售处方药) to that party's conduct only: every lenient item
(不予、可以不予、减轻、从轻) whose violation text names its party (item_party) gets the premise party_individual_business
or party_business (a …企业 item is an enterprise's or a 个体工商户's: 药品零售企业 is defined by function). A case of another party
does not come under the item; an unknown party type is asked.

The list's own data, content hash and diffs are not touched: only the evaluated conditions (the
reference evaluator, the durable-rules rulesets and the trainers' scaffolds read them from here).
"""

import re

from penalty_rules.model.conditions import Conditions
from penalty_rules.model.outcome import Outcome

NO_PENALTY = frozenset({Outcome.no_penalty, Outcome.discretionary_no_penalty})
# cases the police handle (公安机关办理行政案件程序规定 第二条; special-laws police-procedure-160's domains)
POLICE_DOMAINS = frozenset({"public_security", "road_traffic"})
AGGRAVATION_PREMISE = "serious_harm_not_found"
AGGRAVATION_NOTE = ("公安机关办理行政案件程序规定第一百六十条: 违法行为人有较严重后果的, 应当从重处罚; 执法人员认定危害后果严重的, "
                    "不适用本从宽条目, 按法律规定处理")
HARM_TAGS = frozenset({"no_harm", "minor_harm"})
HARM_PREMISE = {"minor": "no_harm", "first_offense": "minor_harm"}  # ground kind → harm premise
CORRECTION_TAGS = frozenset({"corrected_before_discovery", "corrected_within_deadline", "corrected_promptly"})
CORRECTION_PREMISE = "corrected_promptly"  # both sentences of 33(1) (old 27(2)): 及时改正 (纠正)
MINOR_PREMISE = "minor_violation"  # 33(1) first sentence (old 27(2)): 违法行为轻微, for an item no issuer found minor
PREMISE_NOTE = {  # 2021 text, 第三十三条第一款
    CORRECTION_PREMISE: "行政处罚法第三十三条第一款: 不予行政处罚以及时改正为前提; 清单条目未载明的, 按法律的要求判断",
    "minor_not_denied": "行政处罚法第三十三条第一款: 不予行政处罚以违法行为轻微为前提; 执法人员认定本案违法行为不属轻微的, 不适用该条目",
    "no_harm": "行政处罚法第三十三条第一款: 不予行政处罚以没有造成危害后果为前提; 清单条目未载明的, 按法律的要求判断",
    "minor_harm": "行政处罚法第三十三条第一款(初次违法): 可以不予行政处罚以危害后果轻微为前提; 清单条目未载明的, 按法律的要求判断",
    MINOR_PREMISE: ("行政处罚法第三十三条第一款: 不予行政处罚以违法行为轻微为前提; 该条目所在清单不是发文机关明确的规范性文件, "
                    "不能代替认定, 违法行为是否轻微由执法人员认定"),
}
# The 2017 text (in force until 2021-07-14), 第二十七条第二款: “违法行为轻微并及时纠正，没有造成危害后果的，
# 不予行政处罚。” It has no 初次违法 sentence: the first-offence premise stays the 2021 text's, said so.
PREMISE_NOTE_2017 = {
    CORRECTION_PREMISE: "行政处罚法(2017年文本)第二十七条第二款: 不予行政处罚以及时纠正为前提; 清单条目未载明的, 按法律的要求判断",
    "minor_not_denied": ("行政处罚法(2017年文本)第二十七条第二款: 不予行政处罚以违法行为轻微为前提; 执法人员认定本案违法行为不属轻微的, "
                         "不适用该条目"),
    "no_harm": "行政处罚法(2017年文本)第二十七条第二款: 不予行政处罚以没有造成危害后果为前提; 清单条目未载明的, 按法律的要求判断",
    "minor_harm": ("行政处罚法(2021年文本)第三十三条第一款(初次违法): 可以不予行政处罚以危害后果轻微为前提(违法行为时施行的2017年文本"
                   "没有初次违法可以不予处罚的规定); 清单条目未载明的, 按法律的要求判断"),
    MINOR_PREMISE: ("行政处罚法(2017年文本)第二十七条第二款: 不予行政处罚以违法行为轻微为前提; 该条目所在清单不是发文机关明确的"
                    "规范性文件, 不能代替认定, 违法行为是否轻微由执法人员认定"),
}
_NOTES_BY_VERSION = {"2017": PREMISE_NOTE_2017}


def premise_notes(version: str | None) -> dict[str, str]:
    """The premise notes in the words and article numbers of the law version in force at the act
    (its `version`, e.g. "2017"; None or another: the 2021 text's)."""
    return _NOTES_BY_VERSION.get(version or "", PREMISE_NOTE)


_EFFECTIVE: dict[tuple[int, bool], tuple[object, Conditions]] = {}


def ground_kind(item) -> str | None:
    """Which ground of 行政处罚法 a no-penalty item rests on: no_fault (33(2)), first_offense
    (33(1), second sentence) or minor (33(1), first sentence); None for other outcomes."""
    if item.outcome not in NO_PENALTY:
        return None
    keys = item.conditions.keys()
    return "no_fault" if "no_subjective_fault" in keys else "first_offense" if "first_offense" in keys else "minor"


def stated(all_of, any_of, tags: frozenset) -> bool:
    """One of `tags` holds whichever way the conditions (`all`, `any_of`: of a Conditions, or of a draft's dict)
    are met: in `all`, or in every alternative of `any_of` (a tag in one alternative only leaves the others
    without it)."""
    def tagged(c) -> bool:
        return isinstance(c, str) and c in tags
    if any(tagged(c) for c in all_of or ()):
        return True
    return bool(any_of) and all(any(tagged(c) for c in bundle) for bundle in any_of)


def _stated(conditions: Conditions, tags: frozenset) -> bool:
    return stated(conditions.all, conditions.any_of, tags)


def premises_of(item, citable: bool) -> tuple[str, ...]:
    """The conditions the item's ground requires and the item does not state (harm, correction, minor).
    `citable`: the item's list is a normative document with a known issuer (ListDocument.citable); if
    not, 轻微 is the condition minor_violation itself, not minor_not_denied."""
    kind = ground_kind(item)
    tags = []
    harm = HARM_PREMISE.get(kind or "")
    keys = item.conditions.keys()
    if harm is not None and not keys & HARM_TAGS:
        tags.append(harm)
    if harm is not None and not keys & CORRECTION_TAGS:
        tags.append(CORRECTION_PREMISE)
    if kind == "minor" and "minor_violation" not in keys:
        tags.append("minor_not_denied" if citable else MINOR_PREMISE)
    if (item.outcome is not Outcome.normal and item.domain in POLICE_DOMAINS and harm is None
            and not _stated(item.conditions, HARM_TAGS)):
        tags.append(AGGRAVATION_PREMISE)
    party = item_party(item) if item.outcome is not Outcome.normal else None
    if party is not None:
        tags.append(PARTY_PREMISES[party[1]])
    return tuple(tags)


# The party an item's conduct names at its start (个体工商户未将营业执照… / 药品零售企业未按规定…). A
# 个体工商户 item is not one of an enterprise, another organisation or a natural person without a
# business (市场主体登记管理条例 distinguishes them). A …企业 item is not one of a natural person; it
# is not said to disagree with a 个体工商户, since such terms are often defined by function (药品管理法
# 实施条例 art. 77: 药品零售企业，是指将购进的药品直接销售给消费者的药品经营企业) and a licensed 个体 shop is one.
# Only a leading actor of plain words counts: not 民办非企业单位, not an actor followed by 或 / 而 / 以.
# Not a party of its own: several parties (个体工商户、企业 / 个人或企业 / 企业和个人 …: no one party's leniency) or a
# person of the enterprise (企业主要负责人 / 法定代表人 / 驾驶员 / 职工 …: the party is that person, 安全生产法 第九十四条)
# A person of the enterprise as the actor (企业的… / 实际控制人 / 股东 / 投资人 / 企业主 / 经营者 / 合伙人): not the
# enterprise's own conduct — no single party. 个人独资企业 is an enterprise (个人独资企业法(1999-08-30)第二条: “本法所称
# 个人独资企业，是指…由一个自然人投资…的经营实体”); a 外国企业常驻代表机构 is none (外国企业常驻代表机构登记管理条例
# (2018-09-18)第二条: “…在中国境内设立的从事与该外国企业业务有关的非营利性活动的办事机构。代表机构不具有法人资格。”).
_ITEM_PARTY = re.compile(
    r"^(?:(个体工商户)|((?:个人独资)?(?:(?!非企业|个体工商户|个人|自然人)(?:[^\W\d_未而以的或和及与]|、)){0,10}?企业))"
    r"(?![单或而以、和及与的]|事业单位|(?:主要)?负责人|法定代表人|(?:安全生产)?管理人员|驾驶员|驾驶人|职工|员工|从业人员"
    r"|工作人员|实际控制人|控股股东|股东|投资人|出资人|主(?!体|管)|经营者|合伙人|常驻代表机构|代表机构)")
# the premise a lenient item of that party carries (vocabulary kind: premise; engine.conditions decides it)
PARTY_PREMISES = {"individual_business": "party_individual_business", "enterprise": "party_business"}
PARTY_NOTE = {
    "party_individual_business": "清单条目所列违法行为的主体是个体工商户: 当事人不是个体工商户的, 不适用该条目, 按法律规定处理",
    "party_business": "清单条目所列违法行为的主体是企业: 当事人不是企业或个体工商户的, 不适用该条目, 按法律规定处理",
}
_ITEM_PARTIES: dict[str, tuple[str, str] | None] = {}


def item_party(item) -> tuple[str, str] | None:
    """(the party's words, individual_business | enterprise) when the item's violation text begins with the
    party whose conduct it is (_ITEM_PARTY), else None. Read once per violation text."""
    text = item.violation
    if text in _ITEM_PARTIES:
        return _ITEM_PARTIES[text]
    m = _ITEM_PARTY.match(text)
    hit = None if m is None else (m.group(1), "individual_business") if m.group(1) else (m.group(2), "enterprise")
    if len(_ITEM_PARTIES) < 100_000:
        _ITEM_PARTIES[text] = hit
    return hit


def party_note(tag: str) -> str:
    return PARTY_NOTE[tag]


def premise_note(item, version: str | None, citable: bool) -> str | None:
    """What the harm, correction and (for an item of a list that is no normative document) minor premises
    added to the item say, for every trace of the item, in the law version's words (premise_notes) (None:
    none added; minor_not_denied is noted only where it fails: minor_note)."""
    notes = premise_notes(version)
    return "; ".join(notes[t] for t in premises_of(item, citable)
                     if t in HARM_TAGS or t == CORRECTION_PREMISE or t == MINOR_PREMISE) or None


def minor_note(version: str | None = None) -> str:
    return premise_notes(version)["minor_not_denied"]



def effective_conditions(item, citable: bool) -> Conditions:
    """The item's conditions with its statutory premise (built once per item object and `citable`:
    whether its list is a normative document with a known issuer, ListDocument.citable)."""
    key = (id(item), citable)
    hit = _EFFECTIVE.get(key)
    if hit is not None and hit[0] is item:  # the item is kept: its id is not reused
        return hit[1]
    tags = premises_of(item, citable)
    conds = item.conditions if not tags else Conditions(
        all=[*item.conditions.all, *tags], any_of=item.conditions.any_of)
    if len(_EFFECTIVE) >= 100_000:
        _EFFECTIVE.clear()
    _EFFECTIVE[key] = (item, conds)
    return conds
