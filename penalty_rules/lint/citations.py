"""Citation check: does every cited law / article / paragraph / item exist in the version of
the law in force on the item's effective date?

Each citation in an item's violated, penalty_basis and exemption_basis is resolved against the
statute library on the item's own effective_from, else its document's start (effective_from,
else published_on), else against the latest version. A citation without an article is counted
as "law only" (resolved when the law is found). An unresolved citation is a warning
`citation_unresolved`: the statute folder is incomplete, so a miss may be a gap in the reference
texts rather than an error in the list.

Except in a new version: when the law's text is found, in a dated version organised by article,
and the cited article (paragraph, item) is not in it, the citation is an error
`citation_not_in_text` for a version that is new, i.e. not recorded in versions.lock with its
current content (unpublished, a draft, or changed since it was locked). Versions locked before
this check keep the warning, so the published corpus's known gaps do not block.
"""

from collections import Counter
from datetime import date
from pathlib import Path

from pydantic import BaseModel, Field

from penalty_rules.errors import Problem
from penalty_rules.load.locator import Locator
from penalty_rules.load.lockfile import load_lock
from penalty_rules.model.citation import Citation
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.item import Item
from penalty_rules.model.listdoc import ListDocument
from penalty_rules.statutes.library import StatuteLibrary
from penalty_rules.statutes.resolution import Resolution, ResolutionStatus

CITATION_FIELDS = ("violated", "penalty_basis", "exemption_basis")
NOT_IN_TEXT = (ResolutionStatus.article_not_found, ResolutionStatus.paragraph_not_found,
               ResolutionStatus.item_not_found)


class CitationReport(BaseModel):
    total: int = 0
    resolved: int = Field(default=0, description="条文(及款、项)已在当日施行的版本中找到")
    law_only: int = Field(default=0, description="未指明条文, 法规已找到")
    unresolved: int = 0
    unresolved_by_reason: dict[str, int] = Field(default_factory=dict)
    unresolved_by_law: dict[str, int] = Field(default_factory=dict)
    undated_versions: int = Field(default=0, description="只能按未注明日期的版本核对的引用")
    latest_version_used: int = Field(default=0, description="条目与清单均无日期, 按最新版本核对")
    recent_versions: int = Field(default=0, description="所用版本的通过/修订日期距条目生效不足一年, 须核对施行日期")

    @property
    def resolution_rate(self) -> float | None:
        """Share of all citations resolved down to the cited article (law-only ones excluded)."""
        return self.resolved / self.total if self.total else None

    @property
    def found_rate(self) -> float | None:
        """Share of citations whose target exists (article-level resolved plus law-only found)."""
        return (self.resolved + self.law_only) / self.total if self.total else None

    def summary(self) -> str:
        rate = f"{self.resolution_rate:.1%}" if self.resolution_rate is not None else "无引用"
        return (
            f"引用核对: {self.total} 条, 已解析 {self.resolved} 条 ({rate}), "
            f"仅法名 {self.law_only} 条, 未解析 {self.unresolved} 条"
        )


def effective_date(doc: ListDocument, item: Item) -> date | None:
    return item.effective_from or doc.start


def new_versions(corpus: Corpus, lock: dict[str, str]) -> set[str]:
    """Versions not recorded in the lock with their current content hash."""
    return {key for key, digest in corpus.hashes.items() if lock.get(key) != digest}


def _missing_from_text(library: StatuteLibrary, citation: Citation, res: Resolution, on: date | None) -> bool:
    """The law's dated text, organised by article, lacks the cited article / paragraph / item."""
    if res.status not in NOT_IN_TEXT or res.version_date is None:
        return False
    version = library.version_on(citation.law, on)
    return bool(version is not None and version.articles())


def check_citations(
    corpus: Corpus, library: StatuteLibrary, root: Path | None = None, lock: dict[str, str] | None = None
) -> tuple[list[Problem], CitationReport]:
    """Resolve every citation of every list version. `root` (the lists folder) adds line numbers
    and, unless `lock` is given, supplies versions.lock (a broken or missing lock: every version
    is new)."""
    if lock is None:
        lock = load_lock(root)[0] if root is not None else {}
    fresh = new_versions(corpus, lock)
    report = CitationReport()
    problems: list[Problem] = []
    reasons: Counter[str] = Counter()
    laws: Counter[str] = Counter()
    cache: dict[tuple[Citation, date | None], Resolution] = {}
    locator = Locator(corpus, root)
    for doc in corpus.documents:
        for i, item in enumerate(doc.items):
            on = effective_date(doc, item)
            for field in CITATION_FIELDS:
                for j, citation in enumerate(getattr(item, field)):
                    key = (citation, on)
                    if key not in cache:
                        cache[key] = library.resolve(citation, on)
                    res = cache[key]
                    report.total += 1
                    if on is None:
                        report.latest_version_used += 1
                    if res.law_title and res.version_date is None and res.status is not ResolutionStatus.law_not_found:
                        report.undated_versions += 1
                    if res.recent_version:
                        report.recent_versions += 1
                    if res.status is ResolutionStatus.resolved:
                        report.resolved += 1
                        continue
                    if res.status is ResolutionStatus.article_unspecified:
                        report.law_only += 1
                        continue
                    report.unresolved += 1
                    reasons[res.status.value] += 1
                    laws[citation.law] += 1
                    file, line, col = locator.locate(doc, ("items", i, field, j))
                    when = f"按 {on} 施行的版本" if on else "按最新版本"
                    if doc.key in fresh and _missing_from_text(library, citation, res, on):
                        problems.append(
                            Problem(
                                "citation_not_in_text",
                                f"条目 {item.id} 引用的 {citation.label()} 在法规文本中不存在({when}): {res.message};"
                                f"新版本 {doc.key}(未记入 versions.lock)不得引用不存在的条文",
                                file, line, col, f"items[{i}].{field}[{j}]", severity="error",
                            )
                        )
                        continue
                    problems.append(
                        Problem(
                            "citation_unresolved",
                            f"条目 {item.id} 的引用 {citation.label()} 无法核对({when}): {res.message}",
                            file, line, col, f"items[{i}].{field}[{j}]", severity="warning",
                        )
                    )
    report.unresolved_by_reason = dict(reasons.most_common())
    report.unresolved_by_law = dict(laws.most_common())
    return problems, report


def check_statutory_citations(corpus: Corpus, library: StatuteLibrary) -> list[Problem]:
    """Every article the statutory rules cite (rules, measures, grounds of each law version, and
    every special-law row) must exist, to the paragraph, in the statute text of the version the
    data names (`text_version`): an error, since the engine quotes that text to officers."""
    statutory = corpus.statutory
    if statutory is None:
        return []
    problems: list[Problem] = []

    def need(citation: Citation, on: date, key: str, where: str) -> None:
        res = library.resolve(citation, on)
        if res.status is not ResolutionStatus.resolved:
            problems.append(Problem("statutory_citation_unresolved", f"{where}: {res.message}",
                                    corpus.files.get(key), path=where))
        elif res.version_date != on:
            problems.append(Problem(
                "statutory_citation_version",
                f"{where}: 法规文本库中没有 {on} 版本的《{res.law_title}》(解析到 {res.version_date})",
                corpus.files.get(key), path=where,
            ))

    for law in statutory.versions:
        for rule in law.rules:
            need(law.citation(rule.citation), law.text_version, law.key, f"rules[{rule.id}]")
        for name, m in law.measures.items():
            need(law.citation(m.citation), law.text_version, law.key, f"measures.{name}")
        for name, ref in law.grounds.items():
            need(law.citation(ref), law.text_version, law.key, f"grounds.{name}")
    if statutory.special is not None:
        for row in statutory.special.overrides:
            need(row.citation, row.text_version, statutory.special.key, f"overrides[{row.id}]")
        for row in statutory.special.cautions:
            need(row.citation, row.text_version, statutory.special.key, f"cautions[{row.id}]")
    return problems
