"""Conduct text → ranked list items: jieba tokenisation + BM25 (rank-bm25), built once."""

import logging
import re
from dataclasses import dataclass, replace
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
    # 过期 of a licence or certificate is its term ending (许可证过期 → 有效期届满); of goods, their
    # shelf life (过期食品 → 超过保质期); of a 健康证明 it stays 过期 (no valid certificate, not x10)
    (re.compile(r"(许可证|执照|证书)(?:已)?(?:过期|到期)"), r"\1有效期届满"),
    (re.compile(r"未续(?:证|期)?"), "未延续"),
    (re.compile(r"(?<![证照书明])过期"), "超过保质期"),
    (re.compile(r"不规范|不合规"), "未按规定"),
    (re.compile(r"不合格"), "不符合标准"),
    (re.compile(r"混在一(?:起|个|块|处)|(?:摆|放)在一(?:起|块)|混合摆放"), "混放"),
    (re.compile(r"虚假登记"), "提交不真实材料取得登记"),
    (re.compile(r"以?(?:欺骗|欺诈)手段"), "提交不真实材料"),
    (re.compile(r"健康证(?!明)"), "健康证明"),
    (re.compile(r"保健品"), "保健食品"),
    (re.compile(r"乱停|违停|不(?:该|能|准)停|停错(?:了)?地方|禁停"), "违法停放"),
    (re.compile(r"雇佣|雇用|雇(?!主)|录用|招用"), "聘用"),
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


# What distinguishes an item's conduct (Hit.distinct, ItemSearch.is_clear). A text that shares only
# the actor (药品零售企业, 纳税人) and generic verbs (销售, 办理) with an item scores high on BM25 (the
# actor's words are rare in the corpus) yet says nothing of the conduct the item lists: it must not
# decide the item. The actor: the leading subject of the violation text, up to a conduct word.
_ACTOR_PART = (r"[^\s,，;；:：()（）《》“”\"]{0,12}?"
               r"(?:企业|经营者|生产者|使用者|经营户|零售户|工商户|义务人|纳税人|单位|机构|公司|平台|个人|人员|者|户|人)")
_ACTOR = re.compile(
    rf"^{_ACTOR_PART}(?:(?:或者|或|和|及|、){_ACTOR_PART})*"
    r"(?=未|不|没|无|违|擅自|拒|将|把|用|使用|向|在|安排|以|对|为|从事|超|应|已|销售|经营|生产|聘用|提供|伪造|出租|出借|"
    r"转让|采购|进货|购进|收购|运输|存在|作为|变更|改变|组织|逾期|终止|扣押|设立|延长|收取|发布|取得)")
# Words naming a party (the actor, or another: 劳动者, 消费者, 生产者, 个体工商户), anywhere in the text: who,
# not what was done, so never distinguishing.
_PARTY_WORD = re.compile(r"(?:企业|者|人|单位|机构|公司|工商户|商户|经营户|零售户|排水户|主)$")
# Vehicles and the authority a report goes to name who or what, not what was done (电动车闯红灯 is no
# 低速电动车驶入限行区域, 车主无证驾驶 no 机动车违法停放, 报送税务机关 no 银行账号报送): taken out of an item's
# conduct words like the actor.
_NOT_CONDUCT = re.compile(
    r"(?:低速)?电动(?:自行|三轮)?车|(?:非)?机动车|(?:载货|载客)?汽车|货车|摩托车|车辆|(?:主管)?税务机关|税务局|车主")
# A clause setting the scene before the violation (纳税人用税控装置开具发票后, 未按规定期限…报送开票数据):
# its words are not the conduct (安装税控装置 is not 04).
_CONTEXT_CLAUSE = re.compile(r"^[^,，;；]*(?:后|之后|以后)[,，]")
# Kinds of goods or things a conduct is about, each with the kinds it is one of. A text naming a kind
# decides an item naming kinds only when one of the text's kinds is one of the item's (预包装食品 is a
# 食品: an item about 食品 fits; 食品 or 预包装食品 is no 食用农产品, 化妆品 no 食品, 危险废物 no
# 一般工业固体废物).
_KINDS = {
    "食品": (), "食用农产品": ("食品",), "预包装食品": ("食品",), "散装食品": ("食品",), "普通食品": ("食品",),
    "特殊食品": ("食品",), "保健食品": ("特殊食品", "食品"), "婴幼儿配方食品": ("特殊食品", "食品"),
    "食品添加剂": (), "化妆品": (), "药品": (), "处方药": ("药品",), "医疗器械": (),
    "固体废物": (), "一般工业固体废物": ("固体废物",), "危险废物": ("固体废物",),
    # vehicles: the parking practice is 机动车's, the restricted-zone one 低速电动车's; a 非机动车 (电动自行车,
    # 自行车) is neither, and a 三轮车 or 低速电动车 is not said to be a 机动车 here (their status differs by
    # type and by local rule: asked)
    "机动车": (), "汽车": ("机动车",), "货车": ("机动车",), "摩托车": ("机动车",), "低速电动车": (),
    "非机动车": (), "电动自行车": ("非机动车",), "自行车": ("非机动车",), "三轮车": (),
}
# Papers a conduct is about, another family: 注销登记 is no 注销(许可) (公司未按规定申请注销登记 is not
# sd-2021/x05, a 食品生产许可's cancellation).
# A named licence is narrower than 许可 and no other licence: 药品经营许可证过期 is not the food
# licence's 有效期届满 (x02); a bare 许可证 names no licence and decides none of them.
_LICENCES = ("食品经营许可", "食品生产许可", "药品经营许可", "药品生产许可", "排污许可", "取水许可", "经营许可",
             "生产许可")
_PAPERS = {"登记": (), "许可": (), **{lic: ("许可",) for lic in _LICENCES},
           "发票": (), "账簿": (), "记账凭证": ()}  # 保管发票 is not 保管账簿、记账凭证 (6/02)
_PAPER = re.compile("|".join(sorted(_PAPERS, key=len, reverse=True)))
# (食品 of 食品安全 / 食品经营许可证 / 食品生产者 is no kind of goods)
_KIND = re.compile("(?:" + "|".join(sorted(_KINDS, key=len, reverse=True)) + ")(?!安全|经营|生产|许可|从业|卫生|企业|标签|说明书)")


# Records and rules a conduct is about, a third family: 未建立进货查验记录制度 (食品安全法 126(1)(3)) is not
# 未建立食品安全管理制度 (126(1)(2), cn-samr-2025-1/x04). Named by the words before 制度 / 记录 / 台账 /
# 档案 back to the verb; one fits another when their names share a character that tells records apart
# (_record_core).
_RECORD = re.compile(r"[\u4e00-\u9fff]{2,16}?(?:制度|记录|台账|档案)")
_RECORD_LEAD = re.compile(r"^.*(?:建立|健全|遵守|执行|落实|实行|制定|违反|保管|提供|设置|如实|未按规定|未)")


def _records(text: str) -> frozenset[str]:
    out = set()
    for m in _RECORD.findall(text):
        name = _RECORD_LEAD.sub("", m)
        name = name.removesuffix("制度") if name.endswith("记录制度") else name
        if len(name) > 2:
            out.add(name)
    return frozenset(out)


def kinds(text: str) -> frozenset[str]:
    """The kinds of goods (_KINDS) and papers (_PAPERS) a normalised text names (the longest at each
    place), and the records or rules it names (_records, marked 记:)."""
    return (frozenset(_KIND.findall(text)) | frozenset(_PAPER.findall(text))
            | frozenset("记:" + r for r in _records(text)))


def kinds_fit(said: frozenset[str], item: frozenset[str]) -> bool:
    """The text's kinds fit the item's, family by family (goods, papers): where both name some, one
    of the text's is one of the item's; records and rules by _records_fit."""
    for family in (_KINDS, _PAPERS):
        s, i = said & family.keys(), item & family.keys()
        if s and i and not any(k == j or j in family[k] for k in s for j in i):
            return False
    s = [_record_core(k) for k in said if k.startswith("记:")]
    i = [_record_core(k) for k in item if k.startswith("记:")]
    return not (s and i and not any(_records_fit(a, b) for a in s for b in i))


def _record_core(token: str) -> tuple[str, ...]:
    """What tells one record or rule from another (记:进货查验记录 → 进货查验): its name without the
    suffix, the words every such name shares (管理, 制度 …) and the goods it is kept for (食品, 药品:
    compared as goods; 食品进货查验记录制度 of 食品安全法 53 is no 食品安全管理制度 of 126(1)(2)), as
    the runs of characters left."""
    name = _RECORD_GOODS.sub(" ", _RECORD_SUFFIX.sub("", token.removeprefix("记:")))
    return tuple(p for p in _RECORD_COMMON.split(name) if p)


def _records_fit(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two record names (_record_core) are of one record: they name the same canonical short form
    (环评, _SYNONYMS) or neither, and share two characters in a row (进货查验 / 进货; 造价工程师信用 /
    信用), an officer's short name read as the lists' (_RECORD_ALIASES: 环保台账 for 环境管理台账). One
    character shared is not enough (信访 / 信用档案, 环卫 / 环境管理台账), 职业健康监护 / 特种作业人员 share 业,
    医保基金使用内部 / 信用 share 用 (the real wordings of other items)."""
    sa, sb = "".join(a), "".join(b)
    if {n for n in _SHORT_NAMES if n in sa} != {n for n in _SHORT_NAMES if n in sb}:
        return False
    a, b = tuple(_RECORD_ALIASES.get(p, p) for p in a), tuple(_RECORD_ALIASES.get(p, p) for p in b)
    pairs = {p[k:k + 2] for p in a for k in range(len(p) - 1)}
    return any(p[k:k + 2] in pairs for p in b for k in range(len(p) - 1))


# An officer's short name of a record's core → the lists' (环保台账 for 环境管理台账: search_labels.yaml). Named
# one by one: a shared first character alone (信访 / 信用, 环卫 / 环境, 医疗 / 医保) is no sign of one record.
_RECORD_ALIASES = {"环保": "环境"}


_RECORD_SUFFIX = re.compile(r"(?:制度|记录|台账|档案)+$")
_RECORD_COMMON = re.compile(r"[管理制度记录台账档案的\s]+")
_RECORD_GOODS = re.compile("|".join(sorted(_KINDS, key=len, reverse=True)))
_SHORT_NAMES = tuple(short for _long, short in _SYNONYMS)


# A word in more than this share of a field's items (its distinct violation texts, at least
# FIELD_MIN of them) is common in the field (税务、期限、报送 in tax): naming it alone decides no item.
FIELD_SHARE = 0.25
FIELD_MIN = 3
# Verbs and words of any penalty text (and of the lists' editorial notes), never distinguishing.
_GENERIC_WORDS = frozenset({
    "销售", "经营", "生产", "使用", "提供", "办理", "从事", "要求", "相关", "有关", "所得", "违反规定", "或者",
    "除外", "可能", "造成", "原文", "如此", "页面", "截断", "按规定", "手续", "事项", "情况", "内容", "条件", "相应",
    "工作", "活动", "措施",
    # timing (未按规定期限 = 逾期, 按时, 按期): when, not what was done
    "期限",
})
# A word in more than this share of the items' violation texts is generic (企业, 许可证, 食品, 登记, 办理 …).
GENERIC_SHARE = 0.04


def _words(text: str, *, generic: bool = False) -> list[str]:
    """Words (two characters or more) of a normalised text, without stop words and generic phrases
    (`generic` True: with the generic words)."""
    out = []
    for part in _PUNCT.split(_GENERIC.sub(" ", text)):
        for tok in jieba.cut_for_search(part) if part else ():
            tok = tok.strip()
            if len(tok) >= 2 and tok not in _STOP and (generic or tok not in _GENERIC_WORDS) and not tok.startswith("未"):
                out.append(tok)
    return out


def _conduct_words(violation: str, keywords: list[str]) -> tuple[set[str], str]:
    """(the words of an item's conduct: its violation text without the actor and bracketed notes,
    with its keywords; the actor)."""
    text = re.sub(r"[(（][^)）]*[)）]", " ", normalize(violation))
    m = _ACTOR.match(text)
    actor = m.group(0) if m else ""
    rest = _NOT_CONDUCT.sub(" ", _CONTEXT_CLAUSE.sub(" ", text[len(actor):]))
    words = set(_words(rest))
    for k in keywords:
        words.update(_words(_NOT_CONDUCT.sub(" ", normalize(k))))
    if not words:  # an item of a vehicle, a report or a time limit only: its whole text names it
        words = set(_words(text[len(actor):], generic=True)) - {"销售", "经营", "办理"}
        for k in keywords:
            words.update(_words(normalize(k)))
    return {w for w in words if w not in actor and not _PARTY_WORD.search(w)}, actor


class _Said:
    """A normalised query as ItemSearch._weak reads it, computed once per search: its kinds, the text
    with its kinds of goods blanked, and (on first need) that text's words other than parties'."""

    __slots__ = ("kinds", "beside", "_words")

    def __init__(self, said: str):
        self.kinds = kinds(said)
        self.beside = _KIND.sub(" ", said)
        self._words: list[str] | None = None

    def beside_words(self) -> list[str]:
        if self._words is None:
            self._words = [w for w in _words(self.beside) if not _PARTY_WORD.search(w) and not w.endswith("店")]
        return self._words


# With a jurisdiction stack to prefer: binding hits scoring at least this share of the best hit
# rank above analogues.
PREFER_SHARE = 0.5


@dataclass(frozen=True)
class Hit:
    ref: ItemRef
    score: float
    # the item's distinguishing words (ItemSearch.distinct) the text names: none = the text shares
    # only the actor and generic words with the item, and cannot decide it (is_clear)
    distinct: tuple[str, ...] = ()
    # why the text, though naming distinct words, cannot decide the item ("" = it can): it names only
    # words common in the item's field, or the item's kind of goods alone while saying more, or kinds
    # of goods the item is not about
    weak: str = ""

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
        # per item, the words that distinguish its conduct: its conduct words less those in more than
        # GENERIC_SHARE of the items (list data, built once)
        conduct = [_conduct_words(r.item.violation, r.item.keywords)[0] for r in self.refs]
        violation_words = [frozenset(_words(normalize(r.item.violation))) for r in self.refs]  # jieba once per item
        df: dict[str, int] = {}
        for ws in violation_words:
            for w in ws:
                df[w] = df.get(w, 0) + 1
        limit = GENERIC_SHARE * len(self.refs)
        # (an item all of whose conduct words are common keeps them: some text must name it)
        self.distinct: list[frozenset[str]] = [frozenset(w for w in ws if df.get(w, 0) <= limit) or frozenset(ws)
                                               for ws in conduct]
        # words common in the item's field (FIELD_SHARE of its distinct violation texts)
        texts: dict[str, dict[str, frozenset[str]]] = {}
        for r, ws in zip(self.refs, violation_words):
            texts.setdefault(r.item.domain or "", {})[r.item.violation] = ws
        common: dict[str, frozenset[str]] = {}
        for dom, by_text in texts.items():
            n = len(by_text)
            count: dict[str, int] = {}
            for ws in by_text.values():
                for w in ws:
                    count[w] = count.get(w, 0) + 1
            common[dom] = frozenset(w for w, k in count.items() if k >= FIELD_MIN and k > FIELD_SHARE * n)
        self.common = [common[r.item.domain or ""] for r in self.refs]
        # the normalised violation text and keywords, read for the kinds and the order of distinguishing()
        self._texts = [normalize(r.item.violation + " " + " ".join(r.item.keywords)) for r in self.refs]
        self.kinds = [kinds(t) for t in self._texts]
        self._conduct = conduct
        self._index = {r.item.id: i for i, r in enumerate(self.refs)}

    def distinguishing(self, item_id: str) -> list[str]:
        """The words that distinguish an item's conduct, as an officer reads them: the longest (a
        word inside another is left out), in the order of its violation text."""
        i = self._index.get(item_id)
        if i is None:
            return []
        words = self.distinct[i]
        longest = [w for w in words if not any(w != o and w in o for o in words)]
        text = self._texts[i]
        return sorted(longest, key=lambda w: (text.find(w) if w in text else len(text), w))

    def _weak(self, i: int, named: tuple[str, ...], said: "_Said") -> str:
        """Why the named distinct words cannot decide item i ("" = they can)."""
        item_kinds = self.kinds[i]
        if not kinds_fit(said.kinds, item_kinds):
            return f"描述所指的对象({'、'.join(sorted(said.kinds))})与条目所指的({'、'.join(sorted(item_kinds))})不同"
        longest = [w for w in named if not any(w != o and w in o for o in named)]
        if all(w in self.common[i] for w in longest) and len(longest) < 2:
            return f"描述只载明该领域的常见用语({'、'.join(longest)})"
        if not any(w in said.beside for w in named):
            # the item's kind of goods alone (保健食品 of 未按规定要求销售保健食品): decides only when the
            # text says nothing else (虚假宣传保健食品功效 says a conduct the item does not name)
            item_words = self._conduct[i]
            rest = [w for w in said.beside_words() if not any(w in o or o in w for o in item_words)]
            if rest:
                return (f"描述与条目只有所涉物品({'、'.join(longest)})相同, 描述的行为({'、'.join(rest[:4])})"
                        "条目未载明")
        return ""

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
        said = normalize(text)
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
            hits.append(Hit(ref, float(score), tuple(sorted(w for w in self.distinct[i] if w in said))))
        if prefer is not None:
            # binding items of the stack first, but only those near the best score: a weak binding
            # hit (other conduct) must not push a strong analogue down the list
            floor = PREFER_SHARE * max((h.score for h in hits), default=0.0)
            hits.sort(key=lambda h: (not (h.binding_in(prefer) and h.score >= floor), -h.score, h.ref.item.id))
        else:
            hits.sort(key=lambda h: (-h.score, h.ref.item.id))
        # why a hit naming distinct words still cannot decide (Hit.weak), for the hits returned only
        said_once = _Said(said)
        return [replace(h, weak=self._weak(self._index[h.ref.item.id], h.distinct, said_once)) if h.distinct else h
                for h in hits[:limit]]

    @staticmethod
    def is_clear(hits: list[Hit], ratio: float = 1.3, *, named: bool = True) -> bool:
        """The best match is clear when the text names what distinguishes its conduct (Hit.distinct:
        not only the actor and generic words, e.g. 药品零售企业…销售 for 药品零售企业未按规定凭处方销售处方药
        without 处方; nor only one word common in the item's field, other kinds of goods, or the item's
        kind of goods alone beside other conduct: Hit.weak) and it beats the runner-up by `ratio`.
        `named` False: by the scores alone (one hit far ahead of another, whatever the text names)."""
        # No share of the item's words is required beyond one: field wording names few of a long
        # item's words (停放 alone of the parking item's, 露天 of 一般工业固体废物露天堆放), while the
        # wrong one-feature matches (过期 → x10's 超过保质期) name as large a share as the right ones
        # (tests/data/search_labels.yaml): a share threshold would drop right answers, not wrong ones.
        if not hits or (named and (not hits[0].distinct or hits[0].weak)):
            return False
        if len(hits) == 1:
            return True
        return hits[0].score >= ratio * hits[1].score
