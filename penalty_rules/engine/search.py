"""Conduct text → ranked list items: jieba tokenisation + BM25 (rank-bm25), built once."""

import logging
import re
from dataclasses import dataclass
from datetime import date

import jieba
from rank_bm25 import BM25Okapi

from penalty_rules.model.corpus import Corpus, ItemRef

jieba.setLogLevel(logging.WARNING)
_PUNCT = re.compile(r"[\s,.;:!?()\[\]{}<>\"'、，。；：！？（）【】《》“”‘’/\\|·—-]+")
# Words so common in list texts that they carry no signal for finding an item.
_STOP = {"未", "按", "规定", "的", "或", "和", "及", "与", "对", "在", "等", "有关", "违反", "进行", "其他", "依法", "有"}
# Generic phrases of penalty texts, removed before tokenising (they would match every item).
_GENERIC = re.compile(r"当事人|违法行为|违法|行为|单位|个人|情形")


# Long and short names of the same thing, normalised to one form in items and queries alike.
_SYNONYMS = (
    ("网络预约出租汽车", "网约车"),
    ("打车平台", "网约车平台"),
    ("环境影响评价", "环评"),
    ("未批先建", "环评未报批即开工建设"),
    ("审批手续", "报批"),
)


def normalize(text: str) -> str:
    for long, short in _SYNONYMS:
        text = text.replace(long, short)
    return text


def tokenize(text: str) -> list[str]:
    text = _GENERIC.sub(" ", normalize(text))
    tokens = []
    for part in _PUNCT.split(text):
        if not part:
            continue
        for tok in jieba.cut_for_search(part):
            tok = tok.strip()
            if tok and tok not in _STOP:
                tokens.append(tok)
    # character bigrams make short or unusual phrasings still match
    chars = [c for c in _PUNCT.sub("", text)]
    tokens += [a + b for a, b in zip(chars, chars[1:])]
    return tokens


@dataclass(frozen=True)
class Hit:
    ref: ItemRef
    score: float


class ItemSearch:
    """One index over the latest version of every item (older versions share the id)."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.refs: list[ItemRef] = [corpus.latest(i) for i in corpus.item_ids()]
        docs = [tokenize(r.item.violation + " " + " ".join(r.item.keywords)) for r in self.refs]
        self.bm25 = BM25Okapi(docs) if docs else None

    def search(
        self,
        text: str,
        *,
        domain: str | None = None,
        jurisdictions: list[str] | None = None,
        as_of: date | None = None,
        binding_only: bool = False,
        limit: int = 10,
    ) -> list[Hit]:
        if not self.bm25 or not text.strip():
            return []
        scores = self.bm25.get_scores(tokenize(text))
        hits = []
        for ref, score in zip(self.refs, scores):
            if score <= 0:
                continue
            doc = ref.document
            if domain and ref.item.domain != domain:
                continue
            if jurisdictions is not None and doc.jurisdiction not in jurisdictions:
                continue
            if binding_only and not doc.binding_level:
                continue
            if as_of is not None and self.corpus.in_force(doc.id, as_of) is None:
                continue
            hits.append(Hit(ref, float(score)))
        hits.sort(key=lambda h: (-h.score, h.ref.item.id))
        return hits[:limit]

    @staticmethod
    def is_clear(hits: list[Hit], ratio: float = 1.3) -> bool:
        """The best match is clear when it beats the runner-up by `ratio`."""
        if not hits:
            return False
        if len(hits) == 1:
            return True
        return hits[0].score >= ratio * hits[1].score
