"""Domains (the 41 enforcement domains) and jurisdictions (division codes)."""

from pydantic import BaseModel, ConfigDict, Field


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
