"""hit@k of the conduct search on labelled queries: the guidance cases (their conduct text) and
everyday officer wording for every binding item (tests/data/search_labels.yaml)."""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from penalty_rules.engine.search import ItemSearch


@dataclass
class SearchQuality:
    name: str
    cases: int
    hit_at_1: float
    hit_at_3: float
    misses: list[str]
    # the search alone decides (ItemSearch.is_clear on the ranked hits) a listed item / another item
    decided: float = 0.0
    decided_wrong: float = 0.0
    wrong: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.name}: {self.cases} queries, hit@1 {self.hit_at_1:.2f}, hit@3 {self.hit_at_3:.2f}, "
                f"misses {self.misses}, decided {self.decided:.2f}, decided wrong {self.decided_wrong:.2f} {self.wrong}")


def _score(name: str, search: ItemSearch, queries: list[tuple[str, str, list[str]]],
           prefer: list[str] | None) -> SearchQuality:
    h1 = h3 = right = 0
    misses, wrong = [], []
    for label, text, expected in queries:
        ranked = search.search(text, prefer=prefer, limit=12)
        if ItemSearch.is_clear(ranked):
            if ranked[0].ref.item.id in expected:
                right += 1
            else:
                wrong.append(label)
        hits = [h.ref.item.id for h in ranked[:3]]
        if hits[:1] and hits[0] in expected:
            h1 += 1
        if set(hits) & set(expected):
            h3 += 1
        else:
            misses.append(label)
    n = len(queries) or 1
    return SearchQuality(name, len(queries), h1 / n, h3 / n, misses, right / n, len(wrong) / n, wrong)


def load_labels(labels_file: Path) -> dict:
    return yaml.safe_load(labels_file.read_text("utf-8"))


def measure(search: ItemSearch, cases_file: Path, labels_file: Path) -> SearchQuality:
    """The guidance cases: their conduct text, searched over every item (no jurisdiction)."""
    cases = {c["id"]: c for c in yaml.safe_load(cases_file.read_text("utf-8"))["cases"]}
    labels: dict[str, list[str]] = load_labels(labels_file)["guidance"]
    queries = [(cid, cases[cid]["facts"]["conduct"], expected) for cid, expected in labels.items()]
    return _score("guidance cases", search, queries, None)


def measure_everyday(search: ItemSearch, labels_file: Path, prefer: list[str] | None,
                     section: str = "everyday") -> SearchQuality:
    """Everyday officer wording (`everyday`: one query per binding item; `heldout`: written after
    tuning; `generic`: texts sharing only the actor and generic words with items, which decide no
    item), ranked for the given jurisdiction stack."""
    queries = [(e["q"], e["q"], e["items"]) for e in load_labels(labels_file)[section]]
    return _score(f"{section} wording", search, queries, prefer)
