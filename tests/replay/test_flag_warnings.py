"""The replay report's warning on published versions holding an unresolved import flag names the
(list, version, item) that holds it: an item id stands in every version of its list, each version
with its own flags."""

from penalty_rules.model.corpus import Corpus
from penalty_rules.replay import report
from penalty_rules.replay.runner import Partial

FROM, TO = "cn-tax-first-offense@2021-6", "cn-tax-first-offense@2021-33"  # as tests/replay/conftest.py

ITEM = "cn-tax-2021-6/01"


def _flagged(doc, flags):
    items = [it.model_copy(update={"provenance": it.provenance.model_copy(
        update={"flags": [*it.provenance.flags, *flags]})}) if it.id == ITEM else it for it in doc.items]
    return doc.model_copy(update={"items": items})


def _corpus(corpus, flags_from, flags_to):
    docs = [corpus.document(FROM), corpus.document(TO)]
    docs = [_flagged(docs[0], flags_from), _flagged(docs[1], flags_to)]
    return Corpus(registry=corpus.registry, documents=docs, hashes={d.key: "x" for d in docs})


def _partial(n=3):
    p = Partial()
    answer = ("no_penalty", ITEM, None, (), ())
    p.groups[("tax", ITEM, answer, answer)] = n
    return p


def test_only_the_flagged_version_is_named(corpus):
    snap = _corpus(corpus, ["conditions.exclusion"], [])
    warnings = report.flag_warnings(_partial(), [snap, snap])
    assert len(warnings) == 2  # one per side
    for w in warnings:
        assert f"{FROM} 条目 {ITEM}" in w
        assert f"{TO} 条目" not in w
        # the count is by item id: it includes the unflagged version's answers, and says so
        assert "答案 3 件" in w and f"{TO}(无此问题)" in w


def test_two_versions_flagged_differently_are_both_named(corpus):
    snap = _corpus(corpus, ["conditions.exclusion"], ["conditions.outcome_mismatch"])
    warnings = report.flag_warnings(_partial(), [snap, snap])
    before = [w for w in warnings if w.startswith("重放前")]
    assert len(before) == 2
    by_version = {v: next(w for w in before if f"{v} 条目 {ITEM}" in w) for v in (FROM, TO)}
    assert "排除情形" in by_version[FROM] and "处理结果" not in by_version[FROM].split("):")[0]
    assert "处理结果" in by_version[TO] and "排除情形" not in by_version[TO].split("):")[0]

