"""ItemSearch scores only the documents that hold a query term: exactly the floats rank_bm25's
BM25Okapi.get_scores gives (every other document scores 0), on the corpus's own texts, their
fragments, field wordings and texts that match nothing."""

import random

from penalty_rules.engine.search import ItemSearch, tokenize


def _queries(corpus):
    rnd = random.Random(5)
    texts = [r.item.violation for r in corpus.all_refs()]
    out = list(texts)
    for t in texts:
        if len(t) > 6:
            a = rnd.randrange(0, len(t) - 4)
            out.append(t[a:a + rnd.randrange(3, 12)])
    out += ["没按时报税", "老头乐拉客被查", "过期食品", "乱停车", "排口超标排放污水", "完全无关的文字 xyz 123", "的的的"]
    out += [rnd.choice(texts) + rnd.choice(texts) for _ in range(200)]
    return out


def test_sparse_scores_equal_rank_bm25(corpus):
    search = ItemSearch(corpus)
    queries = _queries(corpus)
    assert len(queries) > 500
    nonzero = 0
    for text in queries:
        tokens = tokenize(text)
        dense = search.bm25.get_scores(tokens)
        sparse = search._scores(tokens)
        for i, value in enumerate(dense):
            assert sparse.get(i, 0.0) == float(value), (text, i)
        assert all(i < len(dense) for i in sparse)
        nonzero += len(sparse)
    assert nonzero > 10_000


def test_search_ranks_as_before(corpus):
    """The hits (items, scores, order) equal those ranked from rank_bm25's dense scores."""
    search = ItemSearch(corpus)
    for text in _queries(corpus)[:300]:
        dense = search.bm25.get_scores(tokenize(text))
        expected = sorted(((-float(s), r.item.id) for r, s in zip(search.refs, dense) if s > 0))[:10]
        got = [(-h.score, h.ref.item.id) for h in search.search(text, limit=10)]
        assert got == expected, text
