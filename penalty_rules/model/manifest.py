"""A city list manifest: the official figures of a list we cannot bundle, and what it stacks on."""

from pydantic import BaseModel, ConfigDict, Field


class ManifestVersion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    year: int
    effective_from: str | None = Field(description="生效日期;来源未载明则为 null")
    official_domains: int | None
    official_items: int | None
    added_items: int | None = None
    removed_items: int | None = None
    added_domains: int | None = None
    stacks_on: list[str] = Field(description="叠加适用的上级清单(清单编号)")
    bundled: bool = Field(description="正式清单文本是否已收录")
    source: str
    note: str | None = None


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: str | None = Field(default=None, alias="$schema", exclude=True)
    id: str
    title: str
    issuer: str
    jurisdiction: str
    versions: list[ManifestVersion]
