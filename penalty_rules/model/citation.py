"""A legal citation: law, article, paragraph, item (all but the law may be unknown)."""

from pydantic import BaseModel, ConfigDict, Field

from penalty_rules.model.numerals import zh_number


class Citation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    law: str = Field(min_length=1, description="法律法规名称(全称或通用简称)")
    article: int | None = Field(default=None, ge=1, description="条")
    paragraph: int | None = Field(default=None, ge=1, description="款")
    item: int | None = Field(default=None, ge=1, description="项")

    def label(self) -> str:
        """Chinese citation text, e.g. 《中华人民共和国行政处罚法》第三十三条第一款."""
        text = f"《{self.law}》"
        if self.article is not None:
            text += f"第{zh_number(self.article)}条"
        if self.paragraph is not None:
            text += f"第{zh_number(self.paragraph)}款"
        if self.item is not None:
            text += f"第（{zh_number(self.item)}）项"
        return text
