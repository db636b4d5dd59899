"""Domains (the 41 enforcement domains) and jurisdictions (division codes)."""

from pydantic import BaseModel, ConfigDict, Field, field_validator

from penalty_rules.model.outcome import Outcome

DEFAULT_PRECEDENCE = [
    Outcome.no_penalty,
    Outcome.discretionary_no_penalty,
    Outcome.reduced_penalty,
    Outcome.lighter_penalty,
]


class Domain(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z_]+$")
    zh: str
    en: str
    agency: str
    reference_file: str | None = None


class Jurisdiction(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^\d{6}$")
    zh: str
    parent: str | None


class Registry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    domains: list[Domain]
    jurisdictions: list[Jurisdiction]
    precedence: list[Outcome] = Field(
        default_factory=lambda: list(DEFAULT_PRECEDENCE),
        description="多个有约束力的规则同时满足时的优先顺序(先者优先); 缺省为最从宽者优先",
    )

    @field_validator("precedence")
    @classmethod
    def _complete(cls, v: list[Outcome]) -> list[Outcome]:
        if sorted(o.value for o in v) != sorted(o.value for o in DEFAULT_PRECEDENCE):
            raise ValueError("precedence 须恰好列出四种从宽结果各一次")
        return v

    def rank(self, outcome: Outcome) -> int:
        """Higher wins. `normal` ranks lowest."""
        if outcome is Outcome.normal:
            return 0
        return len(self.precedence) - self.precedence.index(outcome)

    def domain_codes(self) -> set[str]:
        return {d.code for d in self.domains}

    def domain(self, code: str) -> Domain | None:
        return next((d for d in self.domains if d.code == code), None)

    def jurisdiction(self, code: str) -> Jurisdiction | None:
        return next((j for j in self.jurisdictions if j.code == code), None)

    def stack(self, code: str) -> list[str]:
        """The jurisdictions whose lists bind a case in `code`: itself, its parents, then CN."""
        chain: list[str] = []
        current = self.jurisdiction(code)
        while current is not None:
            chain.append(current.code)
            current = self.jurisdiction(current.parent) if current.parent else None
        return chain + ["CN"]
