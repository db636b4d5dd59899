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

# Field wording of officers → the lists' vocabulary (applied to queries and items alike, after
# _SYNONYMS). General colloquialisms of enforcement work, not the words of any one item.
_COLLOQUIAL = (
    # negation and timing: 没(有)… = 未…; 按时/按期 = 按规定期限
    (re.compile(r"没有|没(?!收)"), "未"),
    (re.compile(r"不按时|未按时|未按期|逾期"), "未按规定期限"),
    (re.compile(r"(?<!税)报税"), "纳税申报"),
    (re.compile(r"完税凭证|完税证明|扣税凭证"), "税收票证"),
    (re.compile(r"假材料|虚假材料|材料造假|假资料"), "不真实材料"),
    (re.compile(r"无证(?![明据件书])|未办证|未领证"), "未取得许可"),
    (re.compile(r"黑车|滴滴|顺风车拉客|私家车拉客|拉私活"), "网约车"),
    (re.compile(r"老年代步车|老头乐|代步车"), "低速电动车"),
    (re.compile(r"禁行"), "限行"),
    (re.compile(r"撒落|洒落|撒土|洒土|撒漏|洒漏|漏撒"), "遗洒"),
    (re.compile(r"排口"), "排放口"),
    (re.compile(r"农药残留超标|兽药残留超标|农残超标|瘦肉精"), "不符合食品安全标准"),
    (re.compile(r"蔬菜|水果|鲜肉|猪肉|禽蛋|水产品"), "食用农产品"),
    (re.compile(r"过期"), "超过保质期"),
    (re.compile(r"健康证(?!明)"), "健康证明"),
    (re.compile(r"保健品"), "保健食品"),
    (re.compile(r"乱停|违停"), "违法停放"),
)


def normalize(text: str) -> str:
    for long, short in _SYNONYMS:
        text = text.replace(long, short)
    for pattern, canonical in _COLLOQUIAL:
        text = pattern.sub(canonical, text)
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


# With a jurisdiction stack to prefer: binding hits scoring at least this share of the best hit
# rank above analogues.
PREFER_SHARE = 0.5


@dataclass(frozen=True)
class Hit:
    ref: ItemRef
    score: float

    @property
    def binding(self) -> bool:
        return bool(self.ref.document.binding_level)

    def binding_in(self, stack: list[str]) -> bool:
        """Binding in a case of that jurisdiction stack (else an analogue there)."""
        return self.binding and self.ref.document.jurisdiction in stack


class ItemSearch:
    """One index over the latest version of every item (older versions share the id)."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.refs: list[ItemRef] = [corpus.latest(i) for i in corpus.item_ids()]
        docs = [tokenize(r.item.violation + " " + " ".join(r.item.keywords)) for r in self.refs]
        self.bm25 = BM25Okapi(docs) if docs else None
        # term → [(document, frequency)]: rank_bm25's get_scores reads every document's frequency
        # dict for every query term (a Python loop over the corpus per term: ~2.5 ms per search on
        # the bundled lists); scoring only the documents that hold the term gives the same floats
        # (_scores, tests/engine/test_search_scores.py)
        self._postings: dict[str, list[tuple[int, int]]] = {}
        if self.bm25 is not None:
            for i, freqs in enumerate(self.bm25.doc_freqs):
                for term, freq in freqs.items():
                    self._postings.setdefault(term, []).append((i, freq))

    def _scores(self, query: list[str]) -> dict[int, float]:
        """BM25Okapi.get_scores for the documents holding a query term (the others score 0): per
        document the same terms added in the same order with the same operations, so the same
        floats (a term a document lacks adds 0.0)."""
        bm = self.bm25
        k1, b, avgdl, doc_len, idf = bm.k1, bm.b, bm.avgdl, bm.doc_len, bm.idf
        k1_1 = k1 + 1
        scores: dict[int, float] = {}
        for q in query:
            weight = idf.get(q) or 0
            for i, freq in self._postings.get(q, ()):
                add = weight * (freq * k1_1 / (freq + k1 * (1 - b + b * doc_len[i] / avgdl)))
                scores[i] = scores.get(i, 0.0) + add
        return scores

    def search(
        self,
        text: str,
        *,
        domain: str | None = None,
        jurisdictions: list[str] | None = None,
        as_of: date | None = None,
        binding_only: bool = False,
        prefer: list[str] | None = None,
        limit: int = 10,
    ) -> list[Hit]:
        """Items by BM25 score. `prefer` (a jurisdiction stack) ranks the binding items of that
        stack that score at least PREFER_SHARE of the best hit above every other item (analogues
        of other places), each group by score."""
        if not self.bm25 or not text.strip():
            return []
        scores = self._scores(tokenize(text))
        hits = []
        refs = self.refs
        for i in sorted(scores):  # document order, as get_scores lists them
            score = scores[i]
            if score <= 0:
                continue
            ref = refs[i]
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
        if prefer is not None:
            # binding items of the stack first, but only those near the best score: a weak binding
            # hit (other conduct) must not push a strong analogue down the list
            floor = PREFER_SHARE * max((h.score for h in hits), default=0.0)
            hits.sort(key=lambda h: (not (h.binding_in(prefer) and h.score >= floor), -h.score, h.ref.item.id))
        else:
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
