"""The bundled list corpus: it loads without errors and holds every sourced reference item.

The reference items (shared/reference/lists/*.yaml, outside the repository) are compared when that
folder exists next to the project (../shared/reference/lists); otherwise those tests are skipped.
"""

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from penalty_rules.load.loader import load_corpus
from penalty_rules.model.listdoc import Level, Status

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LISTS = PROJECT_ROOT / "lists"
REFERENCE = PROJECT_ROOT.parent / "shared" / "reference" / "lists"
REFERENCE_ITEM_COUNT = 271


@pytest.fixture(scope="module")
def result():
    return load_corpus(LISTS)


@pytest.fixture(scope="module")
def reference_items():
    if not REFERENCE.is_dir():
        pytest.skip("reference lists not found at ../shared/reference/lists; comparison skipped")
    items = []
    for path in sorted(REFERENCE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        for item in data["items"]:
            items.append((path.name, item))
    return items


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _ref_key(item: dict) -> tuple:
    return (item["source"], item["source_item_no"], item.get("list"), _norm(item["violation"]))


def _item_key(item_id: str, item) -> tuple:
    source = item_id.split("/", 1)[0]
    prov = item.provenance
    return (source, prov.source_item_no, prov.sub_list, _norm(item.violation))


def _latest_items(corpus):
    """Every item id once (its latest version), with the document it stands in."""
    return {item_id: corpus.latest(item_id) for item_id in corpus.item_ids()}


def test_corpus_loads_without_errors(result):
    assert [str(p) for p in result.errors] == []


def test_every_reference_item_is_encoded_once(result, reference_items):
    assert len(reference_items) == REFERENCE_ITEM_COUNT
    # corpus items that trace back to a reference source: (source id, source_item_no, violation)
    encoded = Counter(_item_key(i, ref.item) for i, ref in _latest_items(result.corpus).items())
    wanted = Counter(_ref_key(item) for _, item in reference_items)
    missing = wanted - encoded
    assert not missing, f"reference items not encoded: {sorted(missing, key=str)[:10]}"
    traced = sum(min(encoded[k], n) for k, n in wanted.items())
    assert traced == REFERENCE_ITEM_COUNT
    duplicated = {k: n for k, n in encoded.items() if k in wanted and n > wanted[k]}
    assert not duplicated, f"reference items encoded more than once: {duplicated}"


def test_reference_outcomes_and_citations_kept(result, reference_items):
    by_key = {_item_key(i, ref.item): ref.item for i, ref in _latest_items(result.corpus).items()}
    for fname, item in reference_items:
        enc = by_key[_ref_key(item)]
        assert enc.outcome.value == item["outcome"], (fname, enc.id)
        for field in ("violated", "penalty_basis", "exemption_basis"):
            want = [
                (c["law"], c.get("article"), c.get("paragraph"), c.get("item"))
                for c in item.get(field) or []
            ]
            got = [(c.law, c.article, c.paragraph, c.item) for c in getattr(enc, field)]
            assert got == want, (fname, enc.id, field)


def test_analogue_documents_have_no_jurisdiction(result):
    analogues = [d for d in result.corpus.documents if d.level is Level.analogue]
    assert analogues, "no analogue document loaded"
    for doc in analogues:
        assert doc.jurisdiction is None, doc.key
        assert not doc.binding_level, doc.key
        assert "/analogue/" in "/" + result.corpus.files[doc.key], doc.key


def test_no_draft_document_binds(result):
    corpus = result.corpus
    drafts = [d for d in corpus.documents if d.status is Status.draft]
    assert drafts, "the SAMR 2024 draft should be loaded as a draft"
    for doc in drafts:
        assert not doc.binding_level, doc.key
        for day in (date(2021, 7, 15), date(2024, 6, 1), date.today()):
            assert corpus.in_force(doc.id, day) is not doc, (doc.key, day)


def test_binding_folders_hold_binding_levels(result):
    for doc in result.corpus.documents:
        rel = result.corpus.files[doc.key]
        if "/national/" in "/" + rel:
            assert doc.level is Level.national and doc.jurisdiction == "CN", doc.key
        if "/shandong/" in "/" + rel:
            assert doc.level is Level.province and doc.jurisdiction == "370000", doc.key


def test_no_reference_item_applies_without_conditions(result, reference_items):
    """An item with no condition would apply to every case of its conduct; items whose conditions
    the source page did not show carry a custom placeholder instead."""
    sources = {item["source"] for _, item in reference_items}
    for ref in result.corpus.all_refs():
        if ref.item.id.split("/", 1)[0] not in sources:
            continue
        conds = ref.item.conditions
        assert conds.all or conds.any_of, ref.key


def test_city_manifest_stacks_on_loaded_lists(result):
    manifests = {m.id: m for m in result.corpus.manifests}
    city = manifests["liaocheng-city-list"]
    assert city.jurisdiction == "371500"
    versions = {v.version: v for v in city.versions}
    assert (versions["3.0"].official_domains, versions["3.0"].official_items) == (41, 785)
    assert (versions["2.0"].official_domains, versions["2.0"].official_items) == (29, 439)
    assert 439 + versions["3.0"].added_items - versions["3.0"].removed_items == 785
    known = set(result.corpus.document_ids())
    for v in city.versions:
        assert not v.bundled
        for doc_id in v.stacks_on:
            assert doc_id in known, (v.version, doc_id)
            # every published version binds here; a draft (e.g. sd-lenient-list@2021-repeal, awaiting review) never does
            assert all(d.binding_level for d in result.corpus.versions(doc_id) if d.status is not Status.draft), doc_id
