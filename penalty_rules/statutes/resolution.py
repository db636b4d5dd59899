"""The answer to "what does this citation point to?"."""

from datetime import date
from enum import Enum

from pydantic import BaseModel, ConfigDict

from penalty_rules.model.citation import Citation


class ResolutionStatus(str, Enum):
    resolved = "resolved"
    article_unspecified = "article_unspecified"  # the law exists; the citation names no article
    law_not_found = "law_not_found"
    version_not_found = "version_not_found"
    article_not_found = "article_not_found"
    paragraph_not_found = "paragraph_not_found"
    item_not_found = "item_not_found"


class Resolution(BaseModel):
    model_config = ConfigDict(frozen=True)

    citation: Citation
    on: date | None  # the date the version was chosen for (None: latest)
    status: ResolutionStatus
    law_title: str | None = None
    version_date: date | None = None  # None with a law_title: an undated version
    file: str | None = None  # statute file, relative to the statutes root
    article_key: str | None = None  # "33", "33-1"
    text: str | None = None  # text of the cited article / paragraph / item
    article_text: str | None = None  # the whole cited article, for display
    message: str  # Chinese
    note: str | None = None  # e.g. the version is undated, or the paragraph was inferred
    recent_version: bool = False  # version dated < 1 year before `on`: it may not yet be in force

    @property
    def ok(self) -> bool:
        return self.status in (ResolutionStatus.resolved, ResolutionStatus.article_unspecified)
