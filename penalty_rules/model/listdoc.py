"""A list document version: one published list (or one version of it) and its items."""

from datetime import date
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from penalty_rules.model.item import Item


_UNKNOWN_ISSUER = ("未见", "未显示", "未载", "白皮书", "所述", "不详")
_NOT_A_LIST = ("做法", "白皮书")


def normative_document(issuer: str | None, title: str) -> bool:
    """A published normative document whose issuer is known: not a practice described in a report
    (lc-practice-2022: 白皮书所述; 发文机关未见来源). The one test of ListCitation.citable (the documents
    refuse to cite it, the summary shows it as 参考依据) and of ListDocument.citable (engine.premises: its
    items are no issuer's finding that their conduct is 轻微)."""
    return not any(m in (issuer or "") for m in _UNKNOWN_ISSUER) and not any(m in title for m in _NOT_A_LIST)


class Level(str, Enum):
    national = "national"
    province = "province"
    city = "city"
    county = "county"
    analogue = "analogue"


class Status(str, Enum):
    draft = "draft"
    in_force = "in_force"
    repealed = "repealed"


class FirstOffenseDefinition(BaseModel):
    """How the list defines 首违 (first offence)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    window_years: int | None = Field(default=None, description="回溯年限, 如两年内无同类违法")
    counted_from: date | None = Field(default=None, description="自该日起计算, 如税务清单自2019-01-01")
    same_kind: bool = Field(default=True, description="只计同类(同一条目)违法")
    text: str = Field(description="来源原文或转述")
    source_url: str | None = None


class ListDocument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: str | None = Field(
        default=None, alias="$schema", exclude=True, description="JSON Schema 路径(供编辑器使用)"
    )
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$", description="清单文件编号(跨版本不变)")
    version: str = Field(min_length=1, description="版本标签")
    title: str
    issuer: str
    doc_no: str | None = None
    jurisdiction: str | None = Field(
        description="行政区划代码(见 domains.yaml)或 CN;外地类比清单为 null"
    )
    locality: str = Field(description="来源所述的适用地域, 如 全国、山东省、湖南省临湘市")
    level: Level
    effective_from: date | None = Field(description="生效日期;来源未载明则为 null 并标注")
    effective_to: date | None = None
    effective_year: int | None = Field(default=None, description="只知年份时填写")
    published_on: date | None = Field(default=None, description="发布日期(不等于生效日期)")
    status: Status
    url: str | None
    other_urls: list[str] = Field(default_factory=list)
    supersedes: str | None = Field(default=None, description="被本版本取代的版本标签")
    first_offense: FirstOffenseDefinition | None = None
    notes: str | None = None
    items: list[Item] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> "ListDocument":
        if self.level is Level.analogue and self.jurisdiction is not None:
            raise ValueError("外地类比清单(level=analogue)的 jurisdiction 必须为 null")
        if self.level is not Level.analogue and self.jurisdiction is None:
            raise ValueError("本地有效清单必须给出 jurisdiction(行政区划代码或 CN)")
        if self.level is Level.national and self.jurisdiction != "CN":
            raise ValueError("国家级清单的 jurisdiction 必须为 CN")
        if self.effective_from and self.effective_to and self.effective_to <= self.effective_from:
            raise ValueError("effective_to 必须晚于 effective_from")
        if self.status is not Status.draft and not self.items and not self.supersedes:
            raise ValueError("非草案清单版本没有条目(items)时必须以 supersedes 写明其废止的版本")
        return self

    @property
    def citable(self) -> bool:
        """A normative document with a known issuer (normative_document)."""
        return normative_document(self.issuer, self.title)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def binding_level(self) -> bool:
        return self.level is not Level.analogue and self.status is not Status.draft

    @property
    def start(self) -> date | None:
        """The first day taken as in force: the effective date; else (flagged in the trace) the
        publication date; else, when only the year is known, the last day of that year (the
        latest start the sources allow, so leniency is never granted before it is sure)."""
        if self.effective_from or self.published_on:
            return self.effective_from or self.published_on
        if self.effective_year:
            return date(self.effective_year, 12, 31)
        return None
