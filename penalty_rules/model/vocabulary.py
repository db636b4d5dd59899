"""The closed vocabulary of condition tags and quantities, loaded once from package data."""

from importlib import resources
from types import MappingProxyType
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator

ATTESTED = "attested"  # CaseFacts field of the conditions the officer establishes (kind: attested)
PREMISE = "premise"  # kind of the tags only the engine adds (engine.premises)


class ConditionDef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str
    facts: list[str]
    question: str
    # attested: decided by CaseFacts.attested[<tag>] (true / false; absent = unknown, asked);
    # premise: added to an item's conditions by the engine (engine.premises), never written in a list
    kind: Literal["attested", "premise"] | None = None

    @model_validator(mode="after")
    def _attested_reads_attested(self) -> "ConditionDef":
        if (self.kind == ATTESTED) != (self.facts == [ATTESTED]):
            raise ValueError("kind: attested 的条件须且只须读 facts: [attested]")
        return self


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

    # computed once when the vocabulary is loaded (the model is frozen; read-only view)
    _attested: MappingProxyType = PrivateAttr(default_factory=lambda: MappingProxyType({}))

    def model_post_init(self, __context) -> None:
        self._attested = MappingProxyType({t: d for t, d in self.conditions.items() if d.kind == ATTESTED})

    def list_tags(self) -> list[str]:
        """The tags a list may write (every tag but the engine's premises), in vocabulary order."""
        return [t for t, d in self.conditions.items() if d.kind != PREMISE]

    @property
    def attested(self) -> MappingProxyType:
        """The tags the officer establishes (kind: attested), in vocabulary order (read-only mapping)."""
        return self._attested


def _load() -> Vocabulary:
    text = resources.files("penalty_rules.data").joinpath("vocabulary.yaml").read_text("utf-8")
    return Vocabulary.model_validate(yaml.safe_load(text))


VOCABULARY = _load()
