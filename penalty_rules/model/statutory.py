"""The statutory rules as versioned legal data (lists/statutory/).

Two kinds of file:
- a law version (`kind: law_version`): the general rules of 行政处罚法 that apply to every case,
  as one version of the text states them (2017 text in force until 2021-07-14, 2021 revision in
  force from 2021-07-15), each rule with its article, the law's words and its conditions;
- the special-law table (`kind: special_laws`): 另有规定 of single laws that replace a general
  rule (limitation periods under art. 36 / old art. 29, no-fault under art. 33(2)), for the
  domains or violated laws they govern; and exemptions (`replaces: exemption`): a law's or a
  local regulation's own 不予处罚 rule that replaces no general rule, asked by its fact.

Conditions are vocabulary tags (penalty_rules/data/vocabulary.yaml) and a few statutory tests
whose logic lives in penalty_rules/engine/statutory.py (age, capacity, no fault, limitation).
"""

from datetime import date
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from penalty_rules.model.citation import Citation
from penalty_rules.model.conditions import Conditions
from penalty_rules.model.outcome import Outcome


@lru_cache(maxsize=512)
def _citation(law: str, article: int, paragraph: int | None, item: int | None) -> Citation:
    return Citation(law=law, article=article, paragraph=paragraph, item=item)  # frozen: safe to share


class Ref(BaseModel):
    """An article reference inside the law the file is about (the law is the file's)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    article: int = Field(ge=1)
    paragraph: int | None = Field(default=None, ge=1)
    item: int | None = Field(default=None, ge=1)


class AgeTest(BaseModel):
    """A natural person's (or an individual business operator's) age in 周岁 on the act date."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    min: int | None = Field(default=None, ge=0, description="已满(含)")
    below: int | None = Field(default=None, ge=1, description="不满")


class MentalTest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    condition: Literal["cannot_recognize", "limited"]
    causes: list[Literal["mental_illness", "intellectual_disability"]] = Field(min_length=1)


@lru_cache(maxsize=256)
def _period_label(years: int | None, months: int | None) -> str:
    from penalty_rules.model.numerals import zh_number

    if years:
        return "二年" if years == 2 else f"{zh_number(years)}年"
    return f"{zh_number(months)}个月"


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    years: int | None = Field(default=None, ge=1)
    months: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one(self) -> "Period":
        if (self.years is None) == (self.months is None):
            raise ValueError("期限须且只能给出 years 或 months 之一")
        return self

    @property
    def label(self) -> str:
        return _period_label(self.years, self.months)  # read on every limitation test


class LimitationTest(BaseModel):
    """不再给予行政处罚 when the act was not discovered within the period (counted from the act,
    or from the end of a continuing act)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    period: Period
    extended: Period | None = Field(default=None, description="涉及公民生命健康安全、金融安全且有危害后果的期限")
    overridable: bool = Field(default=False, description="法律另有规定的除外")


class StatutoryRuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(description="规则的中文名称(法条原意)")
    citation: Ref
    says: str = Field(description="法律后果的原文措辞, 如 应当从轻或者减轻行政处罚")
    outcome: Outcome
    range: list[Outcome] = Field(default_factory=list, description="法定从宽幅度, 如 从轻..减轻")
    mandatory: bool = Field(description="应当(true) / 可以(false)")
    conditions: Conditions = Field(default_factory=Conditions)
    age: AgeTest | None = None
    mental: MentalTest | None = None
    no_fault_proven: bool = False
    limitation: LimitationTest | None = None
    bundle_items: list[int] = Field(
        default_factory=list, description="any_of 各组对应的项号(引用到项): 第 i 组满足时引用第 bundle_items[i] 项"
    )
    overridable: Literal["no_fault"] | None = Field(
        default=None, description="法律、行政法规另有规定的, 从其规定"
    )
    measures: list[str] = Field(default_factory=list)
    caution: str | None = Field(
        default=None, description="本规则作出(或一并作为依据)的结论附带的提示(warnings), 以本版本条文原文说明结论所依事实须如何认定")
    note: str | None = None


class MeasureSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str
    citation: Ref


class LawVersion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    kind: Literal["law_version"]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str
    law: str
    text_version: date = Field(description="法规文本库中该版本文件的日期(通过或修正日期)")
    in_force_from: date | None
    in_force_to: date | None = Field(description="当日起不再施行")
    source: str
    measures: dict[Literal["order_correction", "confiscate_gains", "education"], MeasureSpec] = Field(
        default_factory=dict
    )
    grounds: dict[Literal["minor", "first_offense", "no_fault"], Ref] = Field(
        default_factory=dict, description="清单从宽的法定依据: 轻微不罚、首违不罚、无过错不罚所对应的条款"
    )
    rules: list[StatutoryRuleSpec]

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def named(self, label: str) -> str:
        """A citation label of this law with this text named (《…》(2017年文本)第二十九条第一款): for an
        article of a text other than the one in force at the decision (the same number names another
        provision there)."""
        return label.replace(f"《{self.law}》", f"《{self.law}》({self.version}年文本)", 1)

    def citation(self, ref: Ref) -> Citation:
        return _citation(self.law, ref.article, ref.paragraph, ref.item)

    def in_force(self, on: date) -> bool:
        if self.in_force_from and on < self.in_force_from:
            return False
        return not (self.in_force_to and on >= self.in_force_to)

    @model_validator(mode="after")
    def _unique(self) -> "LawVersion":
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("规则编号重复")
        return self


class SpecialFact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{1,59}$")
    label: str
    question: str


class Scope(BaseModel):
    """Which cases a special law governs: by the violated law, or by enforcement domain."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    laws: list[str] = Field(min_length=1, description="违反这些法律、法规的案件")
    law_keywords: list[str] = Field(default_factory=list, description="名称含这些字的法律法规也算")
    domains: list[str] = Field(default_factory=list, description="这些执法领域的案件均受其调整")
    possible_domains: list[str] = Field(
        default_factory=list, description="这些执法领域的案件可能受其调整(须知道违反的法律)"
    )
    fact: SpecialFact | None = Field(default=None, description="另需认定的适用范围事实")
    jurisdictions: list[str] = Field(
        default_factory=list,
        description="只管这些行政区划(含其所辖区划)办理的案件(地方性法规的施行范围); 空: 不限",
    )


class Override(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    citation: Citation
    text_version: date
    says: str = Field(description="单行法的原文要点")
    replaces: Literal["limitation", "no_fault", "exemption"] = Field(
        description="exemption: 不替代行政处罚法的一般规定, 是该法规自己的从宽(不予处罚)规定, 以 scope.fact 询问")
    general: str = Field(description="被替代的一般规定及其除外条款(exemption: 与一般规定的关系)")
    scope: Scope
    in_force_from: date | None = None
    in_force_to: date | None = None
    period: Period | None = Field(default=None, description="replaces=limitation: 替代的追责期限")
    outcome: Outcome | None = Field(default=None, description="replaces=no_fault: 单行法给出的后果")
    consequence: str | None = Field(default=None, description="后果的原文措辞, 如 可以免予处罚")
    range: list[Outcome] = Field(default_factory=list)
    mandatory: bool | None = None
    requires: list[SpecialFact] = Field(default_factory=list, description="后果所需的其他事实")
    measures: list[str] = Field(default_factory=list)
    confiscates_gains: bool = Field(
        default=False, description="其措施已没收违法所得(不再按行政处罚法第二十八条第二款另列)")
    note: str | None = None
    revised_on: date | None = Field(
        default=None, description="该单行法的修订文本自此日施行, 但不在法规文本库中: 适用时提示核对"
    )
    revised_sources: list[str] = Field(default_factory=list, description="载明修订及施行日期的页面")
    warning: str | None = Field(
        default=None, description="exemption: 本行作出结论时的提示(如与上位法的关系待法制机构确认)")
    earlier_warning: str | None = Field(
        default=None, description="exemption: 违法行为早于 in_force_from 时的提示(该款当时是否施行未能核实)")

    @model_validator(mode="after")
    def _shape(self) -> "Override":
        if self.replaces == "limitation" and self.period is None:
            raise ValueError("replaces=limitation 须给出 period")
        if self.replaces in ("no_fault", "exemption") and (self.outcome is None or self.mandatory is None):
            raise ValueError(f"replaces={self.replaces} 须给出 outcome 与 mandatory")
        if self.replaces == "exemption" and self.scope.fact is None:
            raise ValueError("replaces=exemption 须以 scope.fact 询问其适用的情形")
        if self.replaces != "exemption" and (self.scope.jurisdictions or self.warning or self.earlier_warning):
            raise ValueError("scope.jurisdictions、warning、earlier_warning 只用于 replaces=exemption")
        return self

    def in_force(self, on: date) -> bool:
        if self.in_force_from and on < self.in_force_from:
            return False
        return not (self.in_force_to and on >= self.in_force_to)


class Caution(BaseModel):
    """A special law's rule that does not replace a general rule of 行政处罚法 but may contradict a
    lenient answer given under it (从重 circumstances, 情节严重, its own leniency rule whose relation to
    the general one the legal office must settle): the answer says so, the outcome is not changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    citation: Citation
    text_version: date
    says: str = Field(description="单行法的原文要点")
    scope: Scope
    outcomes: list[Outcome] = Field(min_length=1, description="对这些结论提示")
    acts_from: date | None = Field(default=None, description="该文本施行之日: 此前的违法行为不提示")
    acts_before: date | None = Field(
        default=None, description="该文本只管此日以前的违法行为(修订文本不在法规文本库中)"
    )
    unless_overrides: list[str] = Field(
        default_factory=list, description="结论由这些另有规定(overrides 的 id)作出时不提示"
    )
    warning: str = Field(description="对结论的提示: 本案如有该情形须如何核对")
    note: str | None = None

    @model_validator(mode="after")
    def _no_fact(self) -> "Caution":
        # its scope is read from the domain and the laws alone (StatutoryRules.cautions_for keeps it per those)
        if self.scope.fact is not None or self.scope.jurisdictions:
            raise ValueError(f"cautions[{self.id}]: 提示的适用范围不设事实(scope.fact)或行政区划(scope.jurisdictions)")
        return self


class SpecialLaws(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["special_laws"]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str
    title: str
    overrides: list[Override]
    cautions: list[Caution] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_overrides(self) -> "SpecialLaws":
        ids = {o.id for o in self.overrides}
        for c in self.cautions:
            unknown = [i for i in c.unless_overrides if i not in ids]
            if unknown:
                raise ValueError(f"cautions[{c.id}].unless_overrides 含未知的另有规定 id: {', '.join(unknown)}")
        return self

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def fact_keys(self) -> frozenset[str]:
        """Every key CaseFacts.special_law_facts may hold: the overrides' scope facts and required facts."""
        return frozenset(f.key for o in self.overrides for f in ([o.scope.fact] if o.scope.fact else []) + o.requires)


class StatutoryCorpus(BaseModel):
    """Every law version (ascending by in_force_from) and the special-law table."""

    model_config = ConfigDict(frozen=True)
    versions: list[LawVersion]
    special: SpecialLaws | None = None
