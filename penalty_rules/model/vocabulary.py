"""The closed vocabulary of condition tags and quantities, loaded once from package data."""

from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict


class ConditionDef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str
    facts: list[str]
    question: str


class QuantityDef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str
    unit: str
    fact: str | None = None

    def question(self) -> str:
        return f"{self.zh}是多少({self.unit})?"


class Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    conditions: dict[str, ConditionDef]
    quantities: dict[str, QuantityDef]


def _load() -> Vocabulary:
    text = resources.files("penalty_rules.data").joinpath("vocabulary.yaml").read_text("utf-8")
    return Vocabulary.model_validate(yaml.safe_load(text))


VOCABULARY = _load()
