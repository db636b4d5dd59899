"""hit@k of the conduct search on labelled guidance cases."""

from dataclasses import dataclass
from pathlib import Path

import yaml

from penalty_rules.engine.search import ItemSearch


@dataclass
class SearchQuality:
    cases: int
    hit_at_1: float
    hit_at_3: float
    misses: list[str]


def measure(search: ItemSearch, cases_file: Path, labels_file: Path) -> SearchQuality:
    cases = {c["id"]: c for c in yaml.safe_load(cases_file.read_text("utf-8"))["cases"]}
    labels: dict[str, list[str]] = yaml.safe_load(labels_file.read_text("utf-8"))
    h1 = h3 = 0
    misses = []
    for case_id, expected in labels.items():
        hits = [h.ref.item.id for h in search.search(cases[case_id]["facts"]["conduct"], limit=3)]
        if hits[:1] and hits[0] in expected:
            h1 += 1
        if set(hits) & set(expected):
            h3 += 1
        else:
            misses.append(case_id)
    n = len(labels)
    return SearchQuality(n, h1 / n, h3 / n, misses)
