"""Decision: the engine's answer, its basis, the questions to ask and the full trace."""

import builtins
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticUndefined

from penalty_rules.model.citation import Citation
from penalty_rules.model.listdoc import normative_document

TRACE_VERSION = "2.0"
OutcomeName = Literal[
    "no_penalty", "discretionary_no_penalty", "reduced_penalty", "lighter_penalty", "normal", "undetermined"
]
Truth = bool | None


class CandidateItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    list: str = Field(description="清单编号")
    version: str
    jurisdiction: str | None
    binding: bool
    outcome: str
    violation: str
    satisfied: Truth
    role: Literal["applicable", "similar_elsewhere", "not_in_force", "superseded_by_milder_law"] = "applicable"


class SearchCandidate(BaseModel):
    """A list item the conduct text may describe (conduct search without a clear match)."""

    model_config = ConfigDict(extra="forbid")
    value: str = Field(description="条目编号(作为 item_id 回答)")
    label: str = Field(description="违法行为 + 清单名称")
    violation: str
    list: str = Field(description="清单编号")
    list_title: str
    version: str
    jurisdiction: str | None
    binding: bool = Field(description="本案辖区有约束力(true) / 外地清单类比参考(false)")
    score: float


class ListCitation(BaseModel):
    """A list document and the item in it, as an officer cites it in a decision letter."""

    model_config = ConfigDict(extra="forbid")
    list: str = Field(description="清单编号")
    version: str
    title: str
    issuer: str
    doc_no: str | None = Field(description="文号; 来源未载明则为 null")
    item_no: int | str | None = Field(description="清单中的序号; 来源未显示则为 null")

    @property
    def citable(self) -> bool:
        """A list is cited as a legal basis only when it is a published normative document whose
        issuer is known: not a practice described in a report (lc-practice-2022: 白皮书所述; 发文机关
        未见来源). The one test of the documents (which refuse to cite it) and the summary (which
        shows it as 参考依据, not 法律依据)."""
        return normative_document(self.issuer, self.title)


class BasisEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["list", "exemption", "leniency_ground", "special_law", "violated", "penalty", "statutory", "measure"]
    citation: Citation | None = Field(default=None, description="法律条文; role=list 时为 null")
    document: ListCitation | None = Field(default=None, description="role=list: 清单文件及条目")
    label: str
    text: str | None = Field(default=None, description="所引条款(项)的原文(配置了法规文本时)")
    version: str | None = Field(default=None, description="所引法律文本的版本(文本日期)")


class Leniency(BaseModel):
    """What the law says about the winning rule's consequence, in its own words."""

    model_config = ConfigDict(extra="forbid")
    range: list[str] = Field(description="法定从宽幅度, 如 [lighter_penalty, reduced_penalty]")
    mandatory: bool = Field(description="应当(true) / 可以(false)")
    wording: str = Field(description="法律原文措辞, 如 应当从轻或者减轻行政处罚")


AnswerType = Literal["boolean", "enum", "list_enum", "date", "integer", "number", "text"]


class AnswerOption(BaseModel):
    """One answer a field app offers: the value written into the facts and its Chinese label."""

    model_config = ConfigDict(extra="forbid")
    value: bool | str = Field(description="写入案件事实的值(布尔题为 true/false, 枚举题为枚举值)")
    label: str = Field(description="中文选项, 如 是/否、企业")


class MissingFact(BaseModel):
    """A fact that would decide an open rule, as a question a field app can render and answer."""

    model_config = ConfigDict(extra="forbid")
    fact: str = Field(
        description="CaseFacts 字段名(或 quantities.<名>、attested.<条件标签>、custom_conditions.<编号>、special_law_facts.<键>、"
                    "prior_offenses[i].same_conduct、prior_offenses[i].before_act、conduct)"
    )
    question: str
    needed_by: list[str] = Field(default_factory=list, description="需要此事实的条目或法定规则")
    answer_type: AnswerType = Field(
        default="text",
        description="答案类型: boolean(是/否)、enum(单选)、list_enum(多选, 可不选)、date(YYYY-MM-DD)、"
                    "integer、number(有限、非负)、text",
    )
    options: list[AnswerOption] = Field(
        default_factory=list, description="boolean、enum、list_enum 的可选答案(值与中文标签); 其他类型为空"
    )
    answer_fact: str | None = Field(
        default=None,
        description="答案写入的事实字段, 与 fact 不同时给出: age → birth_date(出生日期; 只知周岁的可改填 age); "
                    "prior_offenses → 同类违法行为的此前记录条数(按条数填写 prior_offenses 记录, 含日期)",
    )
    unit: str | None = Field(default=None, description="number/integer 的单位(如 元、日)")
    top_outcome: str | None = Field(
        default=None, description="需要此事实的未决规则中最从宽的可能结果(答案可能排除的最从宽结果); 排序第一依据"
    )
    settles: float = Field(
        default=0.0,
        description="对未决规则的决定程度: Σ 1/该规则仍缺的事实数(仅缺此事实的规则计 1); 排序第二依据",
    )


class ConditionTrace(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str
    label: str
    status: Literal["met", "not_met", "unknown"]
    facts_used: dict[str, object] = Field(default_factory=dict)
    bundle: int | None = Field(default=None, description="any_of 中的组号; null 为 all")


class RuleTrace(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule: str = Field(description="条目编号或法定规则编号")
    kind: Literal["item", "statutory"]
    list: str | None = Field(default=None, description="清单版本, 或法定规则所在的法律版本")
    binding: bool
    outcome: str
    satisfied: Truth
    conditions: builtins.list[ConditionTrace]
    note: str | None = None
    title: str | None = Field(default=None, description="法定规则的中文名称")
    citation: str | None = Field(default=None, description="法定规则所引条款(所适用版本的条文序号)")
    law_version: str | None = Field(default=None, description="法定规则所在的法律版本及其适用时点")
    overrides: builtins.list[str] = Field(default_factory=builtins.list, description="适用的单行法另有规定")


class Trace(BaseModel):
    model_config = ConfigDict(extra="forbid")
    act_date: str | None
    decision_date: str
    jurisdiction_stack: list[str]
    selection: str = Field(description="如何选出候选条目")
    rules: list[RuleTrace]
    winner: str | None
    reason: str
    temporal: list[str] = Field(default_factory=list, description="从旧兼从轻的判断")
    law_versions: list[str] = Field(default_factory=list, description="本案考虑的法律版本(法定规则)")
    overrides: list[str] = Field(default_factory=list, description="本案适用的单行法另有规定(编号)")
    derived_facts: dict[str, object] = Field(
        default_factory=dict, description="引擎推定的事实(如按各清单首违定义由违法记录推定的首违), 与执法人员提供的事实分开"
    )


class Declined(BaseModel):
    """A “可以” answer the agency may decline (可以不予处罚): the rule of the law that binds it then, with
    its range and words, its basis and the measures of that outcome — what the 从轻、减轻 part of a
    penalty decision is drafted from when the agency decides to penalise."""

    model_config = ConfigDict(extra="forbid")
    rule: str = Field(description="不予适用“可以”时应当适用的法定规则")
    outcome: OutcomeName
    leniency: Leniency
    basis: list[BasisEntry] = Field(default_factory=list, description="该规则的依据及其措施的依据")
    measures: list[str] = Field(default_factory=list)


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: OutcomeName
    outcome_zh: str
    possible_outcomes: list[str] = Field(
        default_factory=list, description="尚不能确定时的可能结果; 法定从轻或者减轻时为法定幅度; “可以”的结果另列不适用时应当适用的结果(没有应当适用的从宽规则、结果名称为从轻或者减轻时为依法处罚); "
                                       "清单条目与“应当”的法定规则同时适用时并列该规则的幅度"
    )
    leniency: Leniency | None = Field(default=None, description="所适用规则的法定后果(幅度、应当/可以、原文措辞)")
    chosen_item: str | None = None
    chosen_rule: str | None = None
    items: list[CandidateItem] = Field(default_factory=list)
    basis: list[BasisEntry] = Field(default_factory=list)
    measures: list[str] = Field(default_factory=list)
    missing_facts: list[MissingFact] = Field(
        default_factory=list,
        description="尚不能确定时需要补问的事实, 按提问顺序排列(见 next_question); 未提供条目编号和违法行为描述时, "
                    "第一问为违法行为是什么(fact=conduct)",
    )
    next_question: MissingFact | None = Field(
        default=None,
        description="下一个应问的问题(= missing_facts[0], 同一对象)。提问顺序: 未提供条目编号和违法行为描述时先问 conduct; "
                    "其余事实按 top_outcome 从宽到严(先问能排除最从宽可能结果的事实), 再按 settles 从大到小(先问能使更多"
                    "未决规则确定的事实), 再按固定的事实顺序。结果已确定时为 null",
    )
    candidates: list[SearchCandidate] = Field(
        default_factory=list,
        description="违法行为描述未能明确对应条目时的检索候选(按得分; 本地有约束力的在前), 回答 missing_facts 中的 item_id",
    )
    if_declined: Declined | None = Field(
        default=None, description="结果为“可以”时, 执法机关裁量不予适用而决定处罚时应当适用的法定规则(依据、幅度、措施); 没有时为 null")
    warnings: list[str] = Field(default_factory=list)
    summary: str = ""
    trace: Trace | None = None
    rulesets: dict[str, str] = Field(default_factory=dict, description="作出本结论所依据的版本 → 内容哈希: 决定所依条目的清单版本在前, 其余适用于本案的清单版本, 行政处罚法文本, 有单行法规则适用时的单行法规则表; 不含草案、外地清单和未施行的版本")
    decided_by: str | None = Field(
        default=None,
        description="作出本结论的版本(rulesets 中的一个键): 决定所依条目的清单版本(如 cn-tax-first-offense@2021-33); 没有"
                    "清单条目决定时, 决定结果的法定规则所在的法律文本版本(如 xzcf@2021), 由单行法规则表的一行决定时为该表的版本"
                    "(如 special-laws@4); 没有规则决定结果(尚不能确定, 或没有从宽规则成立而依法处罚)时为 null")
    trace_version: str = TRACE_VERSION
    engine_version: str = ""


# ------------------------------------------------------------------------------ engine-built instances
_SETATTR = object.__setattr__
_MAKERS: dict[type, object] = {}


def _immutable_default(value) -> bool:
    """A plain default every instance may share: None, a str/int/float/bool or an enum member, a
    tuple or frozenset of such values, or a frozen pydantic model."""
    if value is None or isinstance(value, (str, int, float, bool, Enum)):
        return True
    if isinstance(value, (tuple, frozenset)):
        return all(_immutable_default(v) for v in value)
    return isinstance(value, BaseModel) and bool(type(value).model_config.get("frozen"))


def _check_plain(cls) -> None:
    """What `built` would skip that the validated constructor runs: refused with TypeError."""
    decorators = cls.__pydantic_decorators__
    hooks = [kind for kind in ("validators", "field_validators", "root_validators", "model_validators")
             if getattr(decorators, kind)]
    if hooks:
        raise TypeError(f"{cls.__name__}: has pydantic validators ({', '.join(hooks)}); built() would skip them")
    if cls.__private_attributes__:
        raise TypeError(f"{cls.__name__}: has private attributes {sorted(cls.__private_attributes__)}; "
                        "built() would not initialise them")
    if cls.model_post_init is not BaseModel.model_post_init:
        raise TypeError(f"{cls.__name__}: overrides model_post_init; built() would skip it")
    for name, f in cls.model_fields.items():
        if name.startswith("_") or not name.isidentifier():
            raise TypeError(f"{cls.__name__}.{name}: not a plain field name")
        if f.default_factory is None and f.default is not PydanticUndefined and not _immutable_default(f.default):
            raise TypeError(f"{cls.__name__}.{name}: mutable default {f.default!r} would be shared between "
                            "instances (use default_factory)")


def _maker(cls):
    """A constructor for `cls` taking its fields as keywords (required ones without default),
    generated once per class: the dict of values in declaration order (what model_dump_json
    writes), a fresh default_factory value for a field not given, and `model_fields_set` = the
    names given (as validation sets it: model_dump(exclude_unset=True) agrees). Refuses (TypeError)
    a class with validators, a model_post_init, private attributes or a mutable plain default.
    The engine passes most fields: the set starts with every name and drops those not given."""
    _check_plain(cls)
    params, items, fresh, given = [], [], [], []
    for name, f in cls.model_fields.items():
        given.append(repr(name))
        if f.default_factory is not None:
            params.append(f"{name}=_UNSET")
            fresh.append(f"    if {name} is _UNSET: {name} = _factory_{name}(); _given.discard({name!r})")
        elif f.default is PydanticUndefined:
            params.append(name)
        else:
            params.append(f"{name}=_UNSET")
            fresh.append(f"    if {name} is _UNSET: {name} = _default_{name}; _given.discard({name!r})")
        items.append(f"{name!r}: {name}")
    # helpers under names no field can take (fields such as `list`, `range` or `id` shadow builtins)
    namespace = {"_UNSET": _UNSET, "_new": cls.__new__, "_cls": cls, "_set": _SETATTR, "_fields_set": set}
    for name, f in cls.model_fields.items():
        namespace[f"_factory_{name}"] = f.default_factory
        namespace[f"_default_{name}"] = f.default
    source = "\n".join([
        f"def make(*, {', '.join(params)}):",
        f"    _given = {{{', '.join(given)}}}" if given else "    _given = _fields_set()",
        *fresh,
        "    obj = _new(_cls)",
        f"    data = {{{', '.join(items)}}}",
        "    _set(obj, '__dict__', data)",
        "    _set(obj, '__pydantic_fields_set__', _given)",
        "    _set(obj, '__pydantic_extra__', None)",
        "    _set(obj, '__pydantic_private__', None)",
        "    return obj",
    ])
    exec(source, namespace)  # noqa: S102 - generated from the model's own field names
    return namespace["make"]


_UNSET = object()


def maker(cls):
    """The constructor `built` uses for `cls` (call it with the fields as keywords)."""
    make = _MAKERS.get(cls)
    if make is None:
        make = _MAKERS[cls] = _maker(cls)
    return make


def built(cls, /, **values):
    """An instance of a Decision model from values the engine built out of validated data (list and
    statute data, enum values, engine-computed strings and numbers), without running validation
    again: the hot path of every evaluation. Every field is set in declaration order (what
    model_dump_json writes); a field not given takes its default (a fresh default_factory value);
    model_fields_set holds the names given, as validation sets it; an unknown or missing required
    field raises TypeError, and so does a class with validators, a model_post_init, private
    attributes or a mutable plain default (see _check_plain). Pass fresh containers: they are kept
    as given, not copied as validation would copy them."""
    return maker(cls)(**values)


def replaced(obj, /, **changes):
    """A copy of an engine-built instance (maker / built) with some fields replaced by values the
    engine built (as given, not validated): every other field's value is the same object, the fields
    set are the original's and the names replaced. What `built` would give for the same values,
    without passing every field again (Engine._own_dates: a shared statutory trace with one case's
    condition traces)."""
    unknown = changes.keys() - type(obj).model_fields.keys()
    if unknown:
        raise TypeError(f"{type(obj).__name__}: unknown fields {sorted(unknown)}")
    new = object.__new__(type(obj))
    data = dict(obj.__dict__)
    data.update(changes)
    _SETATTR(new, "__dict__", data)
    _SETATTR(new, "__pydantic_fields_set__", obj.__pydantic_fields_set__ | changes.keys())
    _SETATTR(new, "__pydantic_extra__", None)
    _SETATTR(new, "__pydantic_private__", None)
    return new
