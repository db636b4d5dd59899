"""lists/statutory: the statutory rules as versioned, hashed, checked legal data."""

import shutil

import pytest
import yaml

from penalty_rules.config import Settings
from penalty_rules.errors import CorpusInvalid
from penalty_rules.lint.citations import check_statutory_citations
from penalty_rules.load.loader import load_corpus, load_corpus_strict
from penalty_rules.model.conditions import Custom
from tests.lists_fixtures import BUNDLED, empty_lists


@pytest.fixture
def library(settings):
    if settings.statutes_dir is None:
        pytest.skip("未配置法规文本目录")
    from penalty_rules.statutes.library import StatuteLibrary

    return StatuteLibrary(settings.statutes_dir)


def test_bundled_statutory_rules_load_with_both_texts_and_special_laws(corpus):
    st = corpus.statutory
    assert [v.key for v in st.versions] == ["xzcf@2017", "xzcf@2021"]
    old, new = st.versions
    assert old.in_force_to == new.in_force_from == new.in_force_from.fromisoformat("2021-07-15")
    assert {r.id for r in old.rules} == {"law2017-25-a", "law2017-25-b", "law2017-26", "law2017-27-1",
                                          "law2017-27-2", "law2017-29"}
    assert {o.id for o in st.special.overrides} == {"tax-86", "security-22", "food-136", "pq-55", "device-87", "cosmetics-68", "drug-impl-75", "publication-69", "exit-entry-83", "lc-traffic-75", "trademark-60-seller", "patent-impl-101"}
    # hashed and locked like the lists
    for key in ("xzcf@2017", "xzcf@2021", "special-laws@5"):
        assert corpus.hashes[key].startswith("sha256:")


def test_every_statutory_citation_resolves_in_the_version_it_names(corpus, library):
    assert check_statutory_citations(corpus, library) == []


def test_a_citation_missing_from_its_version_is_an_error(tmp_path, library):
    root = empty_lists(tmp_path)
    path = root / "statutory" / "xzcf-2017.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["rules"][0]["citation"] = {"article": 33, "paragraph": 1}  # art. 33 is new in 2021
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    corpus = load_corpus(root).corpus
    problems = check_statutory_citations(corpus, library)
    assert [p.code for p in problems] == ["statutory_citation_unresolved"]
    assert problems[0].severity == "error" and "2017-09-01" in problems[0].message


def test_law_versions_must_meet_without_gap(tmp_path):
    root = empty_lists(tmp_path)
    path = root / "statutory" / "xzcf-2017.yaml"
    path.write_text(path.read_text("utf-8").replace("in_force_to: 2021-07-15", "in_force_to: 2021-07-01"), "utf-8")
    result = load_corpus(root)
    assert "statutory_gap" in [p.code for p in result.errors]


def test_a_changed_statutory_version_is_refused_by_the_lock(tmp_path):
    root = tmp_path / "lists"
    shutil.copytree(BUNDLED, root)
    path = root / "statutory" / "xzcf-2021.yaml"
    path.write_text(path.read_text("utf-8").replace("extended: {years: 5}", "extended: {years: 3}"), "utf-8")
    with pytest.raises(CorpusInvalid, match="xzcf@2021"):
        load_corpus_strict(root)


def test_custom_condition_keys_are_unique_per_item(corpus):
    placeholder = "符合来源清单所列适用条件(页面未显示,须核对原文)"
    keys = {
        c.key for ref in corpus.all_refs() for c in ref.item.conditions.iter_all()
        if isinstance(c, Custom) and c.custom == placeholder
    }
    items = {
        ref.item.id for ref in corpus.all_refs()
        if any(isinstance(c, Custom) and c.custom == placeholder for c in ref.item.conditions.iter_all())
    }
    assert len(items) > 1 and len(keys) == len(items)  # one answer never decides another item
    assert Settings.from_env().lists_dir.exists()


def test_a_caution_naming_an_unknown_override_is_refused():
    """A typo in `unless_overrides` would silently switch the exception off: refused at load."""
    import pytest
    from pydantic import ValidationError

    from penalty_rules.model.statutory import SpecialLaws

    row = {"id": "x", "citation": {"law": "某法", "article": 1}, "text_version": "2020-01-01", "says": "…",
           "scope": {"laws": ["某法"]}, "outcomes": ["no_penalty"], "warning": "…", "unless_overrides": ["food-13"]}
    with pytest.raises(ValidationError, match="food-13"):
        SpecialLaws.model_validate({"kind": "special_laws", "id": "s", "version": "1", "title": "t", "overrides": [],
                                    "cautions": [row]})


def _plain(text: str) -> str:
    """Text compared without punctuation width, brackets' width, spaces or line breaks."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace())


def test_every_special_rule_quotes_its_article(corpus, library):
    """Each `says` of the special laws' overrides and cautions is the cited article's own words: every
    fragment between the elisions (…) is found in the whole article (all paragraphs) of the text
    version the row names. A paraphrase or a wrong article fails here."""
    from penalty_rules.model.citation import Citation

    rows = list(corpus.statutory.special.overrides) + list(corpus.statutory.special.cautions)
    assert len(rows) >= 20
    misses = []
    for row in rows:
        whole = Citation(law=row.citation.law, article=row.citation.article)
        text = library.article_text(whole, row.text_version)
        if text is None:
            misses.append(f"{row.id}: 第{row.citation.article}条 not found in the {row.text_version} text")
            continue
        for part in (p.strip("，；。: ") for p in row.says.split("…")):
            if part and _plain(part) not in _plain(text):
                misses.append(f"{row.id}: {part[:40]}…")
    assert misses == [], "\n".join(misses)
