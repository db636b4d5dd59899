"""Coverage of the 41 domains and the city's official figures."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from penalty_rules.load.loader import load_corpus
from penalty_rules.model.outcome import Outcome
from penalty_rules.report.coverage import coverage
from lists_fixtures import BUNDLED, tax_lists


# The city's official figures (2022 rule-of-law white paper, see the project's reference facts).
CITY_MANIFEST = {
    "id": "liaocheng-city",
    "title": "聊城市轻微违法行为“免罚轻罚”清单",
    "issuer": "聊城市",
    "jurisdiction": "371500",
    "versions": [
        {"version": "2.0", "year": 2021, "effective_from": None, "official_domains": 29,
         "official_items": 439, "stacks_on": ["sd-2021"], "bundled": False, "source": "2022年法治白皮书"},
        {"version": "3.0", "year": 2022, "effective_from": None, "official_domains": 41,
         "official_items": 785, "added_items": 381, "removed_items": 35, "added_domains": 12,
         "stacks_on": ["sd-2021"], "bundled": False, "source": "2022年法治白皮书"},
    ],
}


@pytest.fixture
def tax_only(tmp_path: Path) -> Path:
    """domains.yaml, the two tax versions, the city manifest and one analogue fixture."""
    root = tax_lists(tmp_path)
    (root / "manifests").mkdir()
    (root / "manifests" / "liaocheng-city.yaml").write_text(
        yaml.safe_dump(CITY_MANIFEST, allow_unicode=True, sort_keys=False), "utf-8")
    return root


def corpus_of(root: Path):
    result = load_corpus(root)
    assert result.errors == [], [str(p) for p in result.errors]
    return result.corpus


def test_bundled_coverage_has_41_rows_and_the_tax_list():
    report = coverage(corpus_of(BUNDLED))
    assert len(report.rows) == 41
    assert report.summary.domains == 41
    tax = next(r for r in report.rows if r.domain == "tax")
    assert tax.binding_outcomes[Outcome.no_penalty] >= 12
    assert "cn-tax-first-offense@2021-33" in report.lists
    assert report.summary.domains_with_binding == sum(1 for r in report.rows if r.binding)
    assert report.summary.empty_domains == [r.domain for r in report.rows if r.items == 0]
    assert report.summary.encoded_items == sum(r.items for r in report.rows)
    assert all(r.official_items is None for r in report.rows)  # per-domain figures unpublished
    # the bundled city manifest carries the official totals of list 2.0 and 3.0
    assert [(o.version, o.official_domains, o.official_items) for o in report.official_versions] == [
        ("2.0", 29, 439),
        ("3.0", 41, 785),
    ]


def test_counts_follow_the_version_in_force(tax_only: Path):
    corpus = corpus_of(tax_only)

    def tax_row(day):
        return next(r for r in coverage(corpus, day).rows if r.domain == "tax")

    assert (tax_row(date(2022, 6, 1)).binding, tax_row(date(2022, 6, 1)).items) == (12, 13)
    assert tax_row(date(2021, 6, 1)).binding == 10
    # before any version is in force the newest version stands for the list
    assert tax_row(date(2020, 1, 1)).binding == 12


def test_binding_and_analogue_are_counted_apart(tax_only: Path):
    report = coverage(corpus_of(tax_only), date(2022, 6, 1))
    tax = next(r for r in report.rows if r.domain == "tax")
    assert tax.outcomes[Outcome.no_penalty] == 12 and tax.outcomes[Outcome.lighter_penalty] == 1
    assert tax.binding_outcomes[Outcome.lighter_penalty] == 0
    assert (tax.binding, tax.analogue, tax.draft) == (12, 1, 0)
    assert report.summary.domains_with_binding == 1
    assert len(report.summary.empty_domains) == 40
    assert (report.summary.encoded_items, report.summary.binding_items, report.summary.analogue_items) == (13, 12, 1)


def test_official_figures_come_from_the_city_manifest(tax_only: Path):
    report = coverage(corpus_of(tax_only))
    assert [(o.version, o.official_domains, o.official_items) for o in report.official_versions] == [
        ("2.0", 29, 439),
        ("3.0", 41, 785),
    ]
    assert report.summary.official.official_items == 785
    assert report.summary.official.official_domains == 41


def test_without_a_manifest_official_figures_are_unknown(tax_only: Path):
    (tax_only / "manifests" / "liaocheng-city.yaml").unlink()
    report = coverage(corpus_of(tax_only))
    assert report.summary.official is None and report.official_versions == []
