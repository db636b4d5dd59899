"""Coverage of the 41 enforcement domains by the encoded lists, next to the city's official figures.

Each list counts with its current version: the version in force on `as_of` (default: today), or,
when no version is in force that day (drafts, undated or future versions), its newest version.
"""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from penalty_rules.model.corpus import Corpus
from penalty_rules.model.listdoc import Level, ListDocument
from penalty_rules.model.outcome import Outcome

CITY_JURISDICTION = "371500"  # 聊城市; its manifest carries the official list figures


class CoverageRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    domain: str
    zh: str
    items: int
    outcomes: dict[Outcome, int] = Field(description="每种处理结果的条目数")
    binding_outcomes: dict[Outcome, int] = Field(description="有约束力的条目中每种处理结果的条目数")
    binding: int = Field(description="有约束力的条目(非类比、非草案)")
    analogue: int = Field(description="外地类比清单的条目")
    draft: int = Field(description="草案中的条目")
    official_items: int | None = Field(default=None, description="官方公布的本领域条目数;未公布为 null")


class OfficialFigure(BaseModel):
    model_config = ConfigDict(frozen=True)

    manifest: str
    title: str
    version: str
    year: int
    official_domains: int | None
    official_items: int | None
    source: str


class CoverageSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    domains: int
    domains_with_binding: int
    empty_domains: list[str]
    encoded_items: int
    binding_items: int
    analogue_items: int
    official: OfficialFigure | None = Field(description="城市清单最新版本的官方数字;未收录城市清单 manifest 时为 null")


class Coverage(BaseModel):
    model_config = ConfigDict(frozen=True)

    as_of: date
    lists: list[str] = Field(description="计入的清单版本(编号@版本)")
    rows: list[CoverageRow]
    summary: CoverageSummary
    official_versions: list[OfficialFigure]


def current_versions(corpus: Corpus, on: date) -> list[ListDocument]:
    """Per list: the version in force on `on`, else its newest version."""
    chosen = []
    for doc_id in corpus.document_ids():
        doc = corpus.in_force(doc_id, on) or corpus.versions(doc_id)[-1]
        chosen.append(doc)
    return chosen


def official_figures(corpus: Corpus, jurisdiction: str = CITY_JURISDICTION) -> list[OfficialFigure]:
    """Official figures of every version of the city list, oldest first."""
    out = []
    for manifest in corpus.manifests:
        if manifest.jurisdiction != jurisdiction:
            continue
        for v in manifest.versions:
            out.append(
                OfficialFigure(
                    manifest=manifest.id,
                    title=manifest.title,
                    version=v.version,
                    year=v.year,
                    official_domains=v.official_domains,
                    official_items=v.official_items,
                    source=v.source,
                )
            )
    return sorted(out, key=lambda f: (f.year, f.version))


def coverage(corpus: Corpus, as_of: date | None = None) -> Coverage:
    on = as_of or date.today()
    docs = current_versions(corpus, on)
    counts: dict[str, dict] = {
        d.code: {
            "outcomes": {o: 0 for o in Outcome},
            "binding_outcomes": {o: 0 for o in Outcome},
            "binding": 0,
            "analogue": 0,
            "draft": 0,
        }
        for d in corpus.registry.domains
    }
    for doc in docs:
        kind = "binding" if doc.binding_level else ("analogue" if doc.level is Level.analogue else "draft")
        for item in doc.items:
            c = counts.get(item.domain)
            if c is None:  # the loader rejects unknown domains; a hand-built corpus may not
                continue
            c["outcomes"][item.outcome] += 1
            c[kind] += 1
            if kind == "binding":
                c["binding_outcomes"][item.outcome] += 1
    rows = [
        CoverageRow(
            domain=d.code,
            zh=d.zh,
            items=sum(counts[d.code]["outcomes"].values()),
            outcomes=counts[d.code]["outcomes"],
            binding_outcomes=counts[d.code]["binding_outcomes"],
            binding=counts[d.code]["binding"],
            analogue=counts[d.code]["analogue"],
            draft=counts[d.code]["draft"],
            official_items=None,  # per-domain official counts are not published
        )
        for d in corpus.registry.domains
    ]
    official = official_figures(corpus)
    summary = CoverageSummary(
        domains=len(rows),
        domains_with_binding=sum(1 for r in rows if r.binding > 0),
        empty_domains=[r.domain for r in rows if r.items == 0],
        encoded_items=sum(r.items for r in rows),
        binding_items=sum(r.binding for r in rows),
        analogue_items=sum(r.analogue for r in rows),
        official=official[-1] if official else None,
    )
    return Coverage(
        as_of=on,
        lists=[d.key for d in docs],
        rows=rows,
        summary=summary,
        official_versions=official,
    )
