"""From evaluated rules to a Decision: precedence, undetermined answers, missing facts and their
questions, legal basis, measures, the trace and the Chinese summary."""

import re
from datetime import date
from functools import lru_cache

from penalty_rules import ENGINE_VERSION
from penalty_rules.engine.conditions import Truth
from penalty_rules.engine.premises import ground_kind
from penalty_rules.engine.statutory import ACT_ROLE, _iso, version_at_act
from penalty_rules.explain.questions import CONDUCT_QUESTION, FACT_QUESTIONS, answer_spec, fact_rank, question_for
from penalty_rules.explain.summary import summarize
from penalty_rules.model.citation import Citation
from penalty_rules.model.decision import (
    BasisEntry, CandidateItem, Decision, Declined, Leniency, ListCitation, MissingFact, Trace, maker,
)
from penalty_rules.model.facts import CaseFacts, Circumstance, Corrected
from penalty_rules.model.listdoc import Status
from penalty_rules.model.outcome import UNDETERMINED, UNDETERMINED_ZH, Outcome, ranged_zh
from penalty_rules.model.outcome import VALUE as _VALUE, ZH as _OUTCOME_ZH, ZH_BY_VALUE as _ZH  # dicts: hot path
from penalty_rules.model.statutory import LawVersion
from penalty_rules.model.vocabulary import VOCABULARY

# Constructors of the Decision models without validation (model.decision.built): every value below
# is built from validated list and statute data or computed by the engine.
_BasisEntry, _CandidateItem, _Decision, _Leniency, _ListCitation, _MissingFact, _Trace = map(
    maker, (BasisEntry, CandidateItem, Decision, Leniency, ListCitation, MissingFact, Trace))

_NO_PENALTY = (Outcome.no_penalty.value, Outcome.discretionary_no_penalty.value)
_NOT_CORRECTED = (None, Corrected.not_corrected)

_ARTICLE_LABEL = re.compile(r"^第[零〇一二两三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?[\u3000 ]*")


# What the explanation reads from list data only, built once per item version (id of the item and
# of its document; the objects are kept, so the ids are not reused): the CandidateItem fields that
# do not depend on the case, and the list basis entry's fields.
_REF_DATA: dict[tuple[int, int], tuple] = {}


def _ref_data(ref) -> tuple:
    doc, item = ref.document, ref.item
    hit = _REF_DATA.get((id(item), id(doc)))
    if hit is not None and hit[0] is item and hit[1] is doc:
        return hit
    no = item.provenance.source_item_no
    where = f"第{no}项" if no is not None else "(序号来源未显示)"
    doc_no = f"({doc.doc_no})" if doc.doc_no else ""
    document = {"list": doc.id, "version": doc.version, "title": doc.title, "issuer": doc.issuer,
                "doc_no": doc.doc_no, "item_no": no}
    entry = {"label": f"{doc.issuer}《{doc.title}》{doc_no}{where}", "text": item.violation}
    hit = (item, doc, (item.id, doc.id, doc.version, doc.jurisdiction, item.violation), document, entry)
    if len(_REF_DATA) >= 100_000:
        _REF_DATA.clear()
    _REF_DATA[(id(item), id(doc))] = hit
    return hit


def compile_item(ref) -> None:
    """What the explanation reads of an item version, built ahead of its first case (Engine does it
    at load): its candidate and list basis data (_ref_data) and the labels of its citations."""
    _ref_data(ref)
    item = ref.item
    for c in (*item.violated, *item.penalty_basis, *item.exemption_basis):
        citation_label(c)


# Explanation objects built from list and statute data only (a candidate item, a basis entry, a
# leniency): built once and shared between decisions, as the statutory rule traces and the
# condition traces are (decisions are read-only, Engine.evaluate). Keyed by the ids of the data
# objects they stand on, which each value keeps (so the ids are not reused); bounded.
_SHARED: dict[tuple, tuple] = {}


def _shared_put(key: tuple, keep, obj):
    if len(_SHARED) >= 100_000:
        _SHARED.clear()
    _SHARED[key] = (keep, obj)
    return obj


# Candidate items, shared between decisions like the other explanation objects (read-only): keyed by
# value, the key holding every field (the item version's five, as _ref_data reads them — two corpora
# may hold one list key with other contents — and the four per-case values)
_CANDIDATES: dict[tuple, CandidateItem] = {}


def _candidate(rr) -> CandidateItem:
    role = rr.role
    binding = rr.binding and role == "applicable"
    data = _ref_data(rr.ref)[2]
    key = (data, binding, rr.outcome, rr.result.satisfied, role)
    hit = _CANDIDATES.get(key)
    if hit is None:
        id_, list_, version, jurisdiction, violation = data
        hit = _CandidateItem(
            id=id_, list=list_, version=version, jurisdiction=jurisdiction,
            binding=binding, outcome=_VALUE[rr.outcome],
            violation=violation, satisfied=rr.result.satisfied, role=role,
        )
        if len(_CANDIDATES) >= 100_000:  # item versions of the engines' corpora × a few values: bounded
            _CANDIDATES.clear()
        _CANDIDATES[key] = hit
    return hit


_LABELS: dict[int, tuple[Citation, str]] = {}


def citation_label(c: Citation) -> str:
    """Citation.label(), once per citation object (list and statute data: the citations of list
    items, and those of statute versions built once by _law_citation; kept, so ids are not reused)."""
    hit = _LABELS.get(id(c))
    if hit is not None and hit[0] is c:
        return hit[1]
    label = c.label()
    if len(_LABELS) >= 100_000:
        _LABELS.clear()
    _LABELS[id(c)] = (c, label)
    return label


def _resolve(lib, c: Citation, on: date) -> tuple[str | None, str | None]:
    """(text, version date) of a citation in the statute library on a date."""
    text, version = None, None
    try:
        found = lib.resolve(c, on)
        text = found.text  # the cited paragraph or item, else the article
        version = found.version_date.isoformat() if found.version_date else None
        if c.item is not None and text:  # an item reads with its paragraph's lead (the consequence)
            lead = lib.resolve(c.model_copy(update={"item": None}), on).text
            lead = _ARTICLE_LABEL.sub("", lead.split("\n")[0]) if lead else ""
            if lead and lead != text:
                text = f"{lead}……{text}"
    except Exception:  # noqa: BLE001 - a statute lookup must never break a decision
        text = None
    return text, version


def _basis(engine, citations: list[Citation], role: str, on: date) -> list[BasisEntry]:
    """Basis entries with the cited paragraph's text on the date `on` (of the case)."""
    out = []
    lib = engine.statutes
    cache = engine._explain_cache
    for c in citations:
        resolves = lib is not None and c.article is not None
        key = ("basis", id(c), role, on if resolves else None)  # without a text the date is not read
        hit = cache.get(key)
        if hit is None or hit[0] is not c:  # the citation object is kept: its id is not reused
            text, version = _resolve(lib, c, on) if resolves else (None, None)
            if len(cache) >= 100_000:  # case dates (with a statute library): bounded
                cache.clear()
            hit = cache[key] = (c, _BasisEntry(role=role, citation=c, label=citation_label(c), text=text,
                                               version=version))
        out.append(hit[1])
    return out


def versioned_label(c: Citation, law: LawVersion | None, dec_law: LawVersion | None) -> str:
    """The citation's label; an article of a law version other than the one in force at the decision
    says which text it is from (《中华人民共和国行政处罚法》(2017年文本)第二十九条第一款): beside the
    articles of the text in force at the decision the same number names another provision."""
    label = citation_label(c)
    if law is None or dec_law is None or law is dec_law or c.law != law.law:
        return label
    return law.named(label)


def _rule_name(rule, dec_law, with_title: bool = False) -> str:
    """A rule as the officer reads it: a statutory rule by its article (versioned_label), with its
    title when asked; a list item by its list and item number (the basis label)."""
    st = rule.statutory
    if st is not None:  # statute data: once per rule reference, decision-time version and form
        key = ("name", id(st), id(dec_law), with_title)
        hit = _SHARED.get(key)
        if hit is not None and hit[0][0] is st and hit[0][1] is dec_law:
            return hit[1]
        label = versioned_label(st.citation, None if st.override else st.law, dec_law)
        return _shared_put(key, (st, dec_law),
                           f"{label}({st.says if st.override else st.title})" if with_title else label)
    if rule.ref is not None:
        _item, _doc, _key, _document, entry = _ref_data(rule.ref)
        return f"{entry['label']}(条目 {rule.rule_id})"
    return rule.rule_id


def _exact_entry(engine, c: Citation, role: str, on: date, law: LawVersion | None = None,
                 dec_law: LawVersion | None = None) -> BasisEntry:
    """A basis entry whose `on` is the date of the statute text of the version applied (statutory
    rules), so the text is that version's: it depends on list and statute data only, and its
    values are computed once per engine."""
    cache = engine._explain_cache
    key = (id(c), on)
    hit = cache.get(key)
    if hit is None or hit[0] is not c:  # the citation object is kept: its id is not reused
        lib = engine.statutes
        text, version = _resolve(lib, c, on) if lib is not None and c.article is not None else (None, None)
        hit = (c, citation_label(c), text, version if version is not None else on.isoformat())
        if len(cache) >= 100_000:  # citations of statutory results (shared, rarely new): bounded
            cache.clear()
        cache[key] = hit
    versioned = law is not None and law is not dec_law
    entry_key = ("entry", id(c), on, role, id(law) if versioned else None, id(dec_law) if versioned else None)
    entry = cache.get(entry_key)
    if entry is None or entry[0] is not c or (versioned and (entry[1] is not law or entry[2] is not dec_law)):
        _, label, text, version = hit
        if versioned:
            label = versioned_label(c, law, dec_law)
        entry = cache[entry_key] = (c, law, dec_law,
                                    _BasisEntry(role=role, citation=c, label=label, text=text, version=version))
    return entry[3]


def _list_entry(ref) -> BasisEntry:
    item, doc = ref.item, ref.document
    key = ("list_entry", id(item), id(doc))
    hit = _SHARED.get(key)
    if hit is not None and hit[0][0] is item and hit[0][1] is doc:
        return hit[1]
    _, _, _, document, entry = _ref_data(ref)
    return _shared_put(key, (item, doc), _BasisEntry(role="list", document=_ListCitation(**document), **entry))


def _ground(item, version: LawVersion | None) -> Citation | None:
    """The article of 行政处罚法 (of the version applied) that a no-penalty list item rests on."""
    kind = ground_kind(item)
    if version is None or kind is None:
        return None
    ref = version.grounds.get(kind)
    return _law_citation(version, ref) if ref else None




def _act_text_note(what: str, applied: LawVersion, dec_law: LawVersion) -> str:
    """Why the text in force at the act is applied to a decision made under a later text (行政处罚法 第三十七条:
    适用违法行为发生时的法律、法规、规章的规定; the new text is applied only when lighter)."""
    return (f"{what} 为违法行为发生时施行的《{applied.law}》({applied.version}年文本)的规定; 作出决定时施行的是"
            f"{dec_law.version}年文本, 其规定处罚并不较轻: 依行政处罚法第三十七条(从旧兼从轻)适用违法行为发生时的规定")


def _ground_version(engine, item, version, dec_law, temporal, warnings):
    """A no-penalty item whose ground the text in force at the act lacks (初次违法: the 2017 text has no
    初次违法 sentence; 2021 text 第三十三条第一款 “初次违法且危害后果轻微并及时改正的，可以不予行政处罚”): the
    text in force at the decision, if it has the ground, is cited for it — a lighter new rule reaches an
    earlier act (第三十七条), said. If the decision's text lacks it too, nothing is cited and the answer says
    that the item grants more than the law in force allows, for the legal office (the item, a document in
    force then, stands). Returns the version to cite (None: none)."""
    kind = ground_kind(item)
    label = {"first_offense": "初次违法", "no_fault": "没有主观过错", "minor": "违法行为轻微"}[kind]
    if dec_law is not None and dec_law is not version and dec_law.grounds.get(kind) is not None:
        temporal.append(
            f"本条目以{label}为不予处罚的条件; 违法行为时施行的《{version.law}》({version.version}年文本)没有相应规定, "
            f"作出决定时施行的{dec_law.version}年文本有此规定, 对当事人较轻: 依该法第三十七条(从旧兼从轻)引用新文本")
        return dec_law
    start = (dec_law or version).in_force_from or date.min
    later = next((v for v in engine.statutory.corpus.versions if v.grounds.get(kind) is not None
                  and v.in_force_from and v.in_force_from > start), None)
    since = f"({later.version}年文本自 {later.in_force_from.isoformat()} 起施行)" if later is not None else ""
    warnings.append(
        f"本条目以{label}为不予处罚的条件, 作出决定时施行的《{version.law}》({(dec_law or version).version}年文本)没有相应规定"
        f"{since}: 条目给予的处理可能超出当时法律的规定, 是否适用请法制审核")
    return None


# “…的,不认定为危害后果轻微” in a source's condition wording (税务总局公告2021年第33号): the list's own reading
# of a condition, which the item's structured conditions do not carry (the harm answer is the officer's)
_EXCLUSION = re.compile(r"([^。;；,，]{2,60}?的)[,，]\s*不认定为([^。;；,，]{2,20})")


def _source_exclusions(item) -> tuple[str, ...]:
    """What the deciding item's source wording excludes from one of its conditions and the item's conditions do
    not encode: said beside the answer (the officer's answer to that condition must follow the list's reading)."""
    return _exclusions_in(item.provenance.conditions_text or "")


@lru_cache(maxsize=4096)
def _exclusions_in(text: str) -> tuple[str, ...]:
    """_source_exclusions of a conditions text, read once per text (not on every decided case)."""
    return tuple(f"清单原文对条件另有界定: “{m.group(0)}”(本条目的结构化条件未载明): 本案如有此情形, "
                 f"不属于{m.group(2)}, 本条目不适用" for m in _EXCLUSION.finditer(text))


def _pending_repeals(engine, doc) -> list[str]:
    """The deciding item's list has a repeal drafted but not yet reviewed and published (an itemless
    draft superseding it): the answer stands on the list as published, and says the repeal is pending."""
    return [
        f"所依据的清单《{doc.title}》({doc.version} 版本)有待审核发布的废止草案"
        + (f"(拟自 {d.effective_from.isoformat()} 起施行)" if d.effective_from else "")
        + ": 该清单可能已被废止, 本结论按已发布的清单作出, 请待法制审核后核对"
        for d in engine.corpus.versions(doc.id)
        if d.status is Status.draft and not d.items and d.supersedes == doc.version
    ]


def _act_version_alternative(best, live, rank):
    """The same outcome under the version in force at the act, when only whether that version
    applies is unknown because the act may have gone on past a revision (its date is known):
    art. 37 applies the old text unless the new one is milder, so with equal results the old text
    is cited. With the act date unknown the act may as well be later than the revision: the text
    in force at the decision stays cited (build_decision says so)."""
    if best is None or best.statutory is None or (best.law_role or "").startswith("违法行为时施行"):
        return None
    for r in live:  # version_only first: only a statutory rule of a version whose applicability is open has it
        if (r.version_only and r.statutory is not None and r.outcome is best.outcome
                and r.statutory.law.key != best.statutory.law.key and rank(r.outcome) == rank(best.outcome)
                and "act_date" not in r.result.missing):
            return r
    return None


def missing_order(open_rules, rank) -> tuple[list[str], dict[str, list]]:
    """The facts the open rules still need, in asking order (Decision.next_question): first the
    facts that could remove the most lenient possible outcome (`top_outcome`), then those that
    settle more open rules (`settles` = Σ over the open rules needing the fact of 1 / the facts that
    rule still misses), then the fixed fact order (questions.FACT_ORDER). Returns (facts in order,
    fact → [first rule needing it, its condition key, top outcome, needed_by, settles])."""
    missing: dict[str, list] = {}
    if not open_rules:
        return [], missing
    for rr in sorted(open_rules, key=lambda r: rank(r.outcome), reverse=True):  # most lenient first
        wanted = rr.result.missing
        if not wanted:
            continue
        share = 1 / len(wanted)
        for fact, cond_key in wanted.items():
            entry = missing.get(fact)
            if entry is None:
                entry = missing[fact] = [rr, cond_key, rr.outcome, [], 0.0]
            if rr.rule_id not in entry[3]:
                entry[3].append(rr.rule_id)
                entry[4] = round(entry[4] + share, 4)
    order = list(missing)
    if len(order) > 1:
        order.sort(key=lambda fact: (-rank(missing[fact][2]), -missing[fact][4], fact_rank(fact)))
    return order, missing


def asks_conduct(open_rules, facts: CaseFacts | None) -> bool:
    """With neither item nor conduct, what the conduct is comes first (it selects the list items)."""
    return bool(open_rules) and facts is not None and not facts.item_id and not facts.conduct


def _condition_label(traces, key: str) -> str | None:
    """The label of the condition `key` among a rule's traces (the last one, as a dict by key)."""
    for t in reversed(traces):
        if t.key == key:
            return t.label
    return None


# The follow-up of 受他人胁迫或者诱骗 given undivided (Circumstance.coerced_or_deceived): 2021 art.
# 32(二) names both, the 2017 text's art. 27(1)(二) only 胁迫, so where the old text may apply the
# answer waits for which of the two (the vocabulary's question of `coerced`).
_WHICH_COERCION = VOCABULARY.conditions["coerced"].question


def _undivided_coercion(facts: CaseFacts | None) -> bool:
    """As engine.conditions reads `coerced`: 胁迫或者诱骗 given, 胁迫 not named."""
    given = facts.circumstances if facts is not None else None
    return bool(given) and Circumstance.coerced_or_deceived in given and Circumstance.coerced not in given


def _missing(open_rules, rank, facts: CaseFacts | None = None) -> list[MissingFact]:
    """The questions, in asking order (missing_order)."""
    if not open_rules:  # decided: nothing to ask
        return []
    order, missing = missing_order(open_rules, rank)
    ordered = []
    for fact in order:
        rr, cond_key, top, needed_by, settles = missing[fact]
        if fact == "circumstances" and _undivided_coercion(facts):
            question = _WHICH_COERCION  # the only circumstance still open: 胁迫 or 诱骗 (not the whole list again)
        else:  # question_for, the condition's label looked up only when the question is made from it
            specific = rr.questions
            question = specific[fact] if specific and fact in specific else FACT_QUESTIONS.get(fact)
            if question is None:
                question = question_for(fact, cond_key, _condition_label(rr.result.traces, cond_key))
        ordered.append(_MissingFact(fact=fact, question=question, needed_by=needed_by, top_outcome=_VALUE[top],
                                    settles=settles, **answer_spec(fact)))
    if asks_conduct(open_rules, facts):
        ordered.insert(0, _MissingFact(fact="conduct", question=CONDUCT_QUESTION, **answer_spec("conduct")))
    return ordered


_LAW_CITATIONS: dict[tuple[int, int], tuple] = {}


def _law_citation(law: LawVersion, ref) -> Citation:
    """law.citation(ref), once per law version and reference (statute data; the objects are kept,
    so their ids are not reused)."""
    hit = _LAW_CITATIONS.get((id(law), id(ref)))
    if hit is not None and hit[0] is law and hit[1] is ref:
        return hit[2]
    citation = law.citation(ref)
    if len(_LAW_CITATIONS) < 10_000:
        _LAW_CITATIONS[(id(law), id(ref))] = (law, ref, citation)
    return citation


def _measure(engine, law: LawVersion, name: str) -> tuple | None:
    """(text, basis entry) of a measure the law version orders, or None (statute data: once per
    engine, law version and measure; the entry shared between decisions)."""
    cache = engine._explain_cache
    key = ("measure", id(law), name)
    hit = cache.get(key)
    if hit is None or hit[0] is not law:  # the version is kept: its id is not reused
        m = law.measures.get(name)
        if m is None:
            hit = (law, None)
        else:
            entry = _exact_entry(engine, _law_citation(law, m.citation), "measure", law.text_version)
            hit = (law, (m.text, entry))
        cache[key] = hit
    return hit[1]


# Why no confiscation of illegal gains (art. 28(2)) is ordered although the case has gains
_NO_CONFISCATION_EXPIRED = ("违法行为的追责期限已过, 不再给予行政处罚: 没收违法所得是行政处罚的种类(行政处罚法第九条第二项), "
                            "不列为措施")
_NO_CONFISCATION_OLD_ACT = ("违法行为发生时施行的行政处罚法没有没收违法所得的一般规定(第二十八条第二款自2021-07-15起施行), "
                            "依第三十七条(从旧兼从轻)不适用; 当事人违反的法律另有没收规定的, 按该规定")
_NO_CONFISCATION_OPEN = ("是否没收违法所得取决于违法行为(或其终了)是否在2021-07-15以后(行政处罚法第二十八条第二款自该日起施行, "
                         "第三十七条): 请查明违法行为日期及是否持续; 未列为措施")


def _confiscation(engine, facts: CaseFacts, dec: date) -> Truth:
    """Does a version with the general confiscation rule (art. 28(2)) govern the act (at its end,
    as statutory.version_at_act reads it)? True / False / None (the act date or its end unknown).
    Once per StatutoryRules.versions_key (the eras of the dates version_at_act reads)."""
    cache = engine._explain_cache
    key = ("confiscation", engine.statutory.versions_key(facts, dec))
    hit = cache.get(key)
    if hit is None:
        values = [version_at_act(law, facts, dec)[0] for law in engine.statutory.corpus.versions
                  if "confiscate_gains" in law.measures]
        hit = cache[key] = (True if True in values else None if None in values else False,)
    return hit[0]


def _measures(engine, facts: CaseFacts, outcome_name: str, best, dec: date,
              warnings: list[str], limitation_run: bool) -> tuple[list[str], list[BasisEntry]]:
    """Measures the law orders, cited from the version in force on the decision date (procedure
    follows the law at the time of the decision). Confiscation of illegal gains (art. 28(2)) is
    substantive: ordered only where the version in force at the act has it (art. 37: a new
    harsher rule does not reach an earlier act) and never once the limitation period has run (art.
    36: 不再给予行政处罚; 没收违法所得 is a penalty, art. 9); the reason is added to `warnings`."""
    measures: list[str] = list(best.measures) if best is not None else []
    basis: list[BasisEntry] = []
    law = engine.statutory.decision_version(dec)
    if law is not None:
        names = []
        if facts.corrected in _NOT_CORRECTED:
            names.append("order_correction")
        special = best.statutory.override if best is not None and best.statutory is not None else None
        if facts.illegal_gains_yuan and not (special is not None and special.confiscates_gains):
            # (a special rule that confiscates the gains itself, 药品管理法实施条例 75, 出版管理条例 69: its
            # measure, not a second one under art. 28(2))
            governs = _confiscation(engine, facts, dec)
            if limitation_run:
                warnings.append(_NO_CONFISCATION_EXPIRED)
            elif governs is None:
                warnings.append(_NO_CONFISCATION_OPEN)
            elif not governs:
                warnings.append(_NO_CONFISCATION_OLD_ACT)
            else:
                names.append("confiscate_gains")
        if outcome_name in _NO_PENALTY:
            names.append("education")
        for name in names:
            found = _measure(engine, law, name)
            if found is not None:
                measures.append(found[0])
                basis.append(found[1])
    return list(dict.fromkeys(measures)), basis


def _wider_range_open(live, best, dec_law) -> list[str]:
    """A list item decides at a level where a mandatory rule of the law with a wider range (第三十二条:
    应当从轻或者减轻) is still open (its facts unknown): the item's outcome stands (it is within that range),
    but 减轻 may also be open to the agency — said, with what would decide it (Precedence.companion when
    that rule is met). The answer stays decided: possible_outcomes (and the verdict) are not widened by
    a rule that is only open."""
    out = []
    for r in live:
        st = r.statutory
        if (st is None or r.result.satisfied is not None or r.outcome is not best.outcome or not st.mandatory
                or len(st.range) < 2):
            continue
        asks = " ".join(question_for(fact, key, None, r.questions) for fact, key in r.result.missing.items())
        out.append(f"{_rule_name(r, dec_law)}({st.says})尚不能确定: 条目的结论在其幅度之内; 当事人如有该条所列情形, "
                   f"还可以{_OUTCOME_ZH[max(st.range, key=lambda o: o.leniency)]}, 请查明: {asks}")
    return out


def _co_deciding(best, satisfied, open_rules, law_key) -> list:
    """Rules of the law (行政处罚法, no special row) satisfied with the same outcome as the one applied:
    the answer stands on them too. Art. 30 / 31 beside 33(1) or a 不予 item keep their orders
    (责令监护人加以管教 / 严加看管和治疗: the articles say 不予行政处罚, 但应当责令…), and a second
    从轻或者减轻 ground (art. 32 beside art. 30) is cited, not lost behind the first."""
    if best is None or open_rules:
        return []
    # only rules of the text the answer applies (`law_key`): the other text's rule with the same result
    # is not a ground (art. 37: with equal results the act-time text alone is cited, _act_version_alternative)
    return [r for r in satisfied if r is not best and r.outcome is best.outcome and r.statutory is not None
            and r.statutory.override is None and not r.statutory.spec.limitation
            and r.statutory.law.key == law_key]


def _special_measures_dropped(live, best, dec_law) -> list[str]:
    """A special law's rule that applied to the case (its conditions met) with measures of its own
    (没收、收缴) while another rule decided: its measures do not follow the answer — said, for the
    legal office (whether goods and gains are confiscated in a 不予 decision is disputed)."""
    out = []
    for r in live:
        st = r.statutory
        row = st.override if st is not None else None
        if row is None or not row.measures or r is best or r.result.satisfied is not True:
            continue
        if best.statutory is not None and best.statutory.override is row:
            continue
        out.append(f"{row.citation.label()}(另有规定)所定的“{'、'.join(row.measures)}”未随本结论适用(本结论依"
                   f"{_rule_name(best, dec_law)}作出): 相关物品、违法所得如何处理请法制审核")
    return out


class Precedence:
    """Which rule decides a case: the most lenient satisfied binding rule (among equals list items
    first, in their order, then 应当 before 可以), unless a more lenient rule is still open (its
    facts unknown): then the answer is undetermined. Shared by build_decision and Engine.verdict."""

    __slots__ = ("live", "satisfied", "item_results", "best", "replaced", "open_rules", "outcome",
                 "possible_outcomes", "fallback", "declined_normal", "companion", "_limitation_met")

    def __init__(self, results, ranks, statutory=None):
        """`statutory`: the case's statutory results as Engine._evaluate_statutory gathered them
        (engine.StatutoryPart: results[start:stop], their live, satisfied and unknown ones and the
        most lenient satisfied one), merged in their place instead of read again."""
        rank = ranks.__getitem__
        self.fallback = None  # a decided 可以 answer: the rule that binds the agency if it declines it
        # a decided 可以 answer (not 可以不予, whose name says it) that no other rule backs: declining it, the agency
        # penalises as the law provides (依法处罚), one of the possible outcomes
        self.declined_normal = False
        self.companion = None  # a list item decides: a satisfied 应当 rule of the law at its level with a wider range
        live, satisfied, unknown, item_results = [], [], [], []
        best = None
        best_key = None
        if statutory is None:
            segments = (results,)
            self._limitation_met = None  # read from the results when asked
        else:  # the items, the statutory results, the search candidates
            segments = (results[:statutory.start], statutory, results[statutory.stop:])
            self._limitation_met = statutory.limitation_met
        for segment in segments:
            if segment is statutory:
                live += statutory.live
                satisfied += statutory.satisfied
                unknown += statutory.unknown
                if statutory.best is not None and (best is None or statutory.best_key > best_key):
                    best, best_key = statutory.best, statutory.best_key
                continue
            for r in segment:
                if r.gather is None:  # a statutory result, live, not met, no special-law row (most of them)
                    live.append(r)
                    continue
                if r.ref is not None:
                    item_results.append(r)
                if r.binding and r.role == "applicable":
                    live.append(r)
                    value = r.result.satisfied
                    if value is True:
                        satisfied.append(r)
                        # the most lenient (max(): the first of equals wins; 应当 before 可以)
                        st = r.statutory
                        key = (ranks[r.outcome], st is None or st.mandatory)
                        if best is None or key > best_key:
                            best, best_key = r, key
                    elif value is None:
                        unknown.append(r)
        cited_instead = _act_version_alternative(best, live, rank) if best is not None else None
        best_rank = ranks[best.outcome] if best else 0
        open_rules = [r for r in unknown if ranks[r.outcome] > best_rank] if unknown else []
        self.replaced = None  # the rule cited_instead stands for (same outcome, the newer text)
        if cited_instead is not None:
            self.replaced, best = best, cited_instead
        if open_rules:
            outcome = UNDETERMINED
            possible = {best.outcome if best else Outcome.normal} | {r.outcome for r in open_rules}
            for r in [best, *open_rules]:
                if r is not None and r.statutory is not None:
                    possible |= set(r.statutory.range)
                    for row in r.statutory.maybe:  # a special law that may replace it (违反的法律未知)
                        possible |= {row.outcome, *row.range}
            possible_outcomes = [_VALUE[o] for o in sorted(possible, key=rank, reverse=True)]
        else:
            outcome = _VALUE[best.outcome] if best else Outcome.normal.value
            possible_outcomes = []
            possible = set()
            if best is not None and best.statutory is not None:
                possible = set(best.statutory.range)
                if not best.statutory.mandatory:
                    # 可以: the agency may decline it; then the most lenient satisfied rule that binds it
                    # (应当, or a list item) applies, and it is one of the possible outcomes
                    self.fallback = max(
                        (r for r in satisfied if r is not best and ranks[r.outcome] < ranks[best.outcome]
                         and (r.statutory is None or r.statutory.mandatory)),
                        key=lambda r: ranks[r.outcome], default=None)
                    if self.fallback is not None:
                        possible |= {best.outcome, self.fallback.outcome}
                        if self.fallback.statutory is not None:
                            possible |= set(self.fallback.statutory.range)
                    elif best.outcome is not Outcome.discretionary_no_penalty:
                        # 可以从轻或者减轻 (第三十一条, 产品质量法第五十五条 …): an outcome named 从轻 / 减轻 does not say
                        # that the agency may decline it; nothing else binding, it then penalises as the law provides
                        self.declined_normal = True
                        possible |= {best.outcome, Outcome.normal}
            elif best is not None:
                # a list item wins its level over the law (items first among equals); a mandatory
                # statutory rule at that level whose range goes further (第三十二条: 应当从轻或者减轻)
                # still binds: its range stays among the outcomes, and it is cited beside the item
                self.companion = next(
                    (r for r in satisfied if r.statutory is not None and r.statutory.mandatory
                     and r.outcome is best.outcome and len(r.statutory.range) > 1), None)
                if self.companion is not None:
                    possible = {best.outcome, *self.companion.statutory.range}
            if len(possible) > 1:
                possible_outcomes = [_VALUE[o] for o in sorted(possible, key=rank, reverse=True)]
        self.live, self.satisfied, self.item_results = live, satisfied, item_results
        self.best, self.open_rules, self.outcome, self.possible_outcomes = best, open_rules, outcome, possible_outcomes

    @property
    def limitation_met(self) -> bool:
        """A live limitation rule is met: the case is barred (no penalty, no confiscation)."""
        if self._limitation_met is None:
            self._limitation_met = any(r.statutory is not None and r.statutory.spec.limitation for r in self.satisfied)
        return self._limitation_met

    @property
    def winner(self):
        """The rule that decides the case (None while undetermined or when no rule is satisfied)."""
        return self.best if not self.open_rules else None


def _statutory_entry(engine, st, dec_law) -> BasisEntry:
    """The basis entry of a statutory rule's article, in the text of the version it stands on."""
    return _exact_entry(engine, st.citation, "statutory", st.law.text_version, st.law, dec_law)


def _add_beside(engine, rules, basis: list, measures: list, dec_law) -> None:
    """Rules of the law beside the one applied (_co_deciding): their articles and their orders."""
    for r in rules:
        basis.append(_statutory_entry(engine, r.statutory, dec_law))
        measures += [m for m in r.measures if m not in measures]


def _if_declined(engine, facts: CaseFacts, p, dec: date, dec_law) -> Declined:
    """Decision.if_declined: the statutory rule that binds the agency when it declines the 可以 answer
    (Precedence.fallback: art. 30 beside 33(1)'s 可以不予), its basis and the measures of its outcome."""
    fb = p.fallback
    st = fb.statutory
    measures, measure_basis = _measures(engine, facts, fb.outcome.value, fb, dec, [], p.limitation_met)
    basis = [_statutory_entry(engine, st, dec_law)]
    _add_beside(engine, _co_deciding(fb, p.satisfied, [], st.law.key), basis, measures, dec_law)  # art. 32 beside 30
    basis += measure_basis
    return Declined(rule=fb.rule_id, outcome=fb.outcome.value, leniency=_leniency(fb), basis=basis, measures=measures)


DECLINED_NORMAL = "依法处罚"  # a declined 可以 answer that no other rule backs (Precedence.declined_normal)


def _fallback_text(rule, dec_law=None) -> str:
    """What binds the agency if it declines a 可以 answer (Precedence.fallback), in the law's words
    with its article. Not a basis entry: the basis holds the grounds of the answer given (a document
    of 不予处罚 cites every statutory entry as its ground)."""
    st = rule.statutory
    if st is not None:
        return f"{st.says}({versioned_label(st.citation, None if st.override else st.law, dec_law)})"
    return f"适用{_rule_name(rule, dec_law)}({_OUTCOME_ZH[rule.outcome]})"


def _derived_facts(item_results) -> dict[str, object]:
    """The facts the engine derived for the items (e.g. 首违 under each list's definition)."""
    derived: dict[str, object] = {}
    for r in item_results:
        if r.derived:
            derived.update(r.derived)
    return derived


def _unresolved_import_flags(item) -> list[str]:
    """A published item holding an import flag that now blocks publication (published before that
    check; penalty_rules.lint.flags): the answer it decides says what may be wrong with it."""
    from penalty_rules.lint.flags import BLOCKING_FLAGS, blocking_flags, wording_at_fault

    out = []
    for f in blocking_flags(item, reread=False):
        said = wording_at_fault(item, f)
        out.append(f"所依据的条目 {item.id} 含发布前未处理的导入问题: {BLOCKING_FLAGS[f][0]}"
                   + (f"(条件 {said}: 本案如属该情形, 不应适用本条目)" if said else "")
                   + "; 请核对本结论(该清单版本待改写后重新审核发布)")
    return out


def _first_offense_derived(engine, facts: CaseFacts, best, derived: dict) -> list[str]:
    """初次违法 not given but a history is (prior_offenses, even empty): the engine counted it. When the
    deciding rule read 首违 as met, or an item's escalation step was chosen by the counted priors, the
    answer says it rests on that count, in the derivation's own words (its window, the priors not
    counted) — an empty list reads as "records checked, none found", which a client sending [] by
    default does not mean — and a statutory rule's derivation is recorded in derived_facts (an item's
    is there already)."""
    trace = best._trace or best.to_trace()
    step = best.ref is not None and bool(best.ref.item.escalation)
    if not step and not any(c.key == "first_offense" and c.status == "met" for c in trace.conditions):
        return []
    if best.statutory is not None:
        first = engine.case_first_offense(facts)
        derived["first_offense"] = {"value": first.value, "prior_count": first.prior_count, "how": first.explanation}
        how = first.explanation
    else:
        how = next((v["how"] for v in best.derived.values() if isinstance(v, dict) and "how" in v), None)
    if how is None:
        return []
    how = how.removeprefix("按违法记录推定: ")
    what = "此前同项违法次数(所适用的档次)" if step else "初次违法"
    empty = (" 违法记录为空(prior_offenses: [])表示已查询当事人的违法记录且没有同类违法, 如未查询, 请查询后填写初次违法"
             "情况(first_offense)或违法记录;" if not facts.prior_offenses else "")
    return [f"未填写是否初次违法(first_offense): {what}按所提供的违法记录推定({how}), 本结论以此为前提;{empty}"
            " 请核对"]


def _rulesets(engine, item_results, law_keys, winner, overrides) -> dict[str, str]:
    """Content hash of every list version and law version the answer was read from (the audit record's
    rulesets): the deciding item's list version first, then the other versions whose items applied to the
    case (binding here, in force at the act or the decision; never a draft, another province's list or a
    version not in force: they decided nothing), the law versions, and the special-law table when one of
    its rows governed (trace.overrides)."""
    hashes = engine.corpus.hashes
    rulesets = {}
    if winner is not None and winner.ref is not None:
        key = winner.ref.doc_key
        rulesets[key] = hashes[key]
    for r in item_results:
        if r.binding and r.role == "applicable" and r.ref.document.status is not Status.draft:
            key = r.ref.doc_key
            rulesets[key] = hashes[key]
    for key in law_keys:
        rulesets[key] = hashes.get(key, "")
    special = engine.corpus.statutory.special if engine.corpus.statutory is not None else None
    if overrides and special is not None:
        key = f"{special.id}@{special.version}"
        rulesets[key] = hashes.get(key, "")
    return rulesets


def decided_by(engine, best) -> str | None:
    """The key (in `rulesets`) of the version whose rule decided the answer (`chosen_rule`'s): the deciding
    item's list version; for a statutory rule, the special-law table when one of its rows is the rule that
    decided (StatutoryRef.override: its article is cited), else the law version the rule stands on
    (xzcf@2021). None when no rule decided (best None: undetermined, or 依法处罚 with no lenient rule met)."""
    if best is None:
        return None
    if best.ref is not None:
        return best.ref.document.key
    st = best.statutory
    special = engine.corpus.statutory.special if engine.corpus.statutory is not None else None
    if st.override is not None and special is not None:
        return f"{special.id}@{special.version}"
    return st.law.key


_OUTCOME_OF = {o.value: o for o in Outcome}  # Outcome(value), one lookup


def _precedence_zh(engine) -> str:
    """The registry's precedence of outcomes in words (list data: once per engine)."""
    text = engine._explain_cache.get("precedence_zh")
    if text is None:
        text = engine._explain_cache["precedence_zh"] = "、".join(o.zh for o in engine.corpus.registry.precedence)
    return text


def _leniency(rule) -> Leniency:
    """The law's consequence of a statutory rule (its range, 应当/可以, its words): statute data,
    shared between decisions (per rule reference and outcome)."""
    st = rule.statutory
    key = ("leniency", id(st), rule.outcome)
    hit = _SHARED.get(key)
    if hit is not None and hit[0] is st:
        return hit[1]
    return _shared_put(key, st, _Leniency(range=[_VALUE[o] for o in st.range] or [_VALUE[rule.outcome]],
                                          mandatory=st.mandatory, wording=st.says))


def _distinct(basis: list[BasisEntry]) -> list[BasisEntry]:
    """Each citation once, in first-seen order (its first role kept). The entries are shared (built
    once from list and statute data): the result is kept per sequence of entries (the value holds
    them, so their ids are not reused)."""
    key = ("distinct", *map(id, basis))
    hit = _SHARED.get(key)
    if hit is None:
        unique: dict = {}
        for entry in basis:
            unique.setdefault(entry.citation or entry.label, entry)
        hit = _shared_put(key, tuple(basis), tuple(unique.values()))
    else:
        hit = hit[1]
    return list(hit)


def build_decision(engine, facts: CaseFacts, selection, results, stack, act, dec, warnings) -> Decision:
    ranks = engine._rank  # registry.rank of every outcome, computed once per engine
    rank = ranks.__getitem__
    part = selection.statutory
    p = Precedence(results, ranks, part)
    satisfied, item_results = p.satisfied, p.item_results
    best, open_rules, outcome_name, possible_outcomes = p.best, p.open_rules, p.outcome, p.possible_outcomes
    if best is not None and best.statutory is not None:  # the 行政处罚法 text the answer applies
        applied = best.statutory.law.key
    else:  # a list item: its ground is read in the text in force at the act (or the decision)
        version = engine.statutory.version_on(act or dec)
        applied = version.key if version is not None else None
    co = _co_deciding(best, satisfied, open_rules, applied)

    dec_law = engine.statutory.decision_version(dec)
    temporal = []
    if p.replaced is not None:
        cited_instead, replaced = best, p.replaced
        temporal.append(
            f"违法行为在《{cited_instead.statutory.law.law}》{replaced.statutory.law.version}年文本施行前发生; 未查明违法行为是否持续到该文本施行以后。"
            f"两个文本的结果相同({replaced.outcome.zh}): 依第三十七条(从旧兼从轻)引用违法行为时施行的 "
            f"{cited_instead.statutory.law.version}年文本({cited_instead.statutory.citation.label()}); 如违法行为持续到新文本施行以后, "
            f"依据为{replaced.statutory.citation.label()}"
        )

    leniency = None
    if open_rules:
        reason = (
            f"已满足的最从宽规则为 {_rule_name(best, dec_law)}({_OUTCOME_ZH[best.outcome]})" if best else "尚无已满足的从宽规则"
        ) + f"; 仍有 {len(open_rules)} 条更从宽的规则取决于未知事实"
    else:
        if best:
            rivals = [r for r in satisfied if r is not best and r.outcome is not best.outcome]
            ranged = best.statutory is not None and len(best.statutory.range) > 1  # 从轻或者减轻, as outcome_zh says
            reason = (f"{_rule_name(best, dec_law, True)} 已满足, 结果为 "
                      f"{ranged_zh(best.statutory.range) if ranged else _OUTCOME_ZH[best.outcome]}")
            if rivals:
                order = _precedence_zh(engine)
                reason += "; 同时满足的其他规则: " + "、".join(
                    [f"{_rule_name(r, dec_law)}({_OUTCOME_ZH[r.outcome]})" for r in rivals]
                ) + f"; 按从宽结果的优先顺序({order})适用最从宽者"
            if co:
                reason += ("; 同时满足结果相同的 " + "、".join(_rule_name(r, dec_law) for r in co)
                           + ", 一并列为依据" + (", 其所定措施一并适用" if any(r.measures for r in co) else ""))
            if p.companion is not None:
                st = p.companion.statutory
                reason += f"; 同时满足 {_rule_name(p.companion, dec_law)}({st.says}), 其幅度仍适用"
            if p.fallback is not None:
                reason += (f"; {_rule_name(best, dec_law)} 为“可以”: 不予适用时, 按 {_rule_name(p.fallback, dec_law)}: "
                           f"{_fallback_text(p.fallback, dec_law)}")
            elif p.declined_normal:
                reason += f"; {_rule_name(best, dec_law)} 为“可以”: 不予适用时, 没有其他应当适用的从宽规则, {DECLINED_NORMAL}"
        else:
            reason = "没有满足条件的从宽规则, 依法处罚"
        lenient = best if best is not None and best.statutory is not None else p.companion
        if lenient is not None:  # the statutory rule applied, or the one binding beside the item
            leniency = _leniency(lenient)

    missing = _missing(open_rules, rank, facts)

    # basis: the list document and item, the legal ground of the leniency (of the version
    # applied, with the cited paragraph's text), the violated and penalty provisions, measures
    basis: list[BasisEntry] = []
    replaced_general: dict[str, str] = {}  # label of a general article a special law replaced → its 另有规定 words
    on = act or dec
    list_act = engine.list_act_date(facts)  # the lists are read at a continuing act's end when it is known
    winner_item = best.ref.item if best is not None and best.ref is not None and not open_rules else None
    measures: list[str] = []
    if outcome_name != UNDETERMINED:
        if best is not None and best.statutory is not None:
            st = best.statutory
            if st.override is not None and st.override.replaces == "exemption":
                # a rule of its own (a local regulation's 不予处罚): it replaces no article of 行政处罚法
                basis.append(_exact_entry(engine, st.citation, "special_law", st.text_on))
                if st.override.warning:
                    warnings.append(st.override.warning)
            elif st.override is not None:
                general = _exact_entry(engine, st.general_citation, "statutory", st.law.text_version, st.law, dec_law)
                special = _exact_entry(engine, st.citation, "special_law", st.text_on)
                # a special limitation period governs in place of the general one: it comes first, and the
                # summary names the general article as the rule it replaces (法律另有规定的除外)
                first = st.override.replaces == "limitation"
                basis += [special, general] if first else [general, special]
                quoted = re.search(r"“[^”]+”", st.override.general or "")
                replaced_general[general.label] = (f"{quoted.group(0) if quoted else '另有规定'}: "
                                                   f"由{'前述' if first else '后列'}特别规定替代")
            else:
                basis.append(_statutory_entry(engine, st, dec_law))
            for oid in best.overrides:
                row = engine.statutory.override(oid)
                if row is not None:
                    basis.append(_exact_entry(engine, row.citation, "special_law", row.text_version))
        if winner_item is not None:
            basis.append(_list_entry(best.ref))
            if p.companion is not None:  # the law's mandatory rule at the item's level (Precedence.companion)
                st = p.companion.statutory
                basis.append(_statutory_entry(engine, st, dec_law))
            # the text in force at the act (a continuing act: at its end, when known — version_at_act)
            version = engine.statutory.version_on(list_act or on)
            ground = _ground(winner_item, version)
            if ground is None and version is not None and ground_kind(winner_item) is not None:
                version = _ground_version(engine, winner_item, version, dec_law, temporal, warnings)
                ground = _ground(winner_item, version)
            if ground is not None:
                basis.append(_exact_entry(engine, ground, "leniency_ground", version.text_version, version, dec_law))
                if dec_law is not None and version is not dec_law and not version.in_force(dec):
                    # the item's ground read in the act-time text, the decision under a later one (第三十七条)
                    temporal.append(_act_text_note(f"清单条目的从宽依据{version.named(ground.label())}", version, dec_law))
            basis += _basis(engine, winner_item.exemption_basis, "exemption", on)
        main_item = winner_item or next(
            (r.ref.item for r in item_results if r.binding and r.role == "applicable"), None)
        if main_item is not None:
            basis += _basis(engine, main_item.violated, "violated", on)
            basis += _basis(engine, main_item.penalty_basis, "penalty", on)
        measures, measure_basis = _measures(engine, facts, outcome_name, best, dec, warnings, p.limitation_met)
        _add_beside(engine, co, basis, measures, dec_law)
        basis += measure_basis
    basis = _distinct(basis)

    if best is not None and best.ref is not None and list_act is not None:
        doc = best.ref.document
        # an earlier version of the item open only on whether the act lasted into the later one's era (an open act
        # end): the later version may be the act-time one; not said to be applied as lighter (a re-reader)
        open_earlier = [r for r in results if r.ref is not None and r.ref is not best.ref
                        and r.ref.item.id == best.ref.item.id and r.ref.key in selection.open_versions]
        if open_earlier and not engine.item_in_force(best.ref, list_act):
            temporal.append(
                f"{_rule_name(best, dec_law)} 取自决定时施行的 {doc.version} 版本; 违法行为是否持续到该版本施行之后未查明: "
                f"持续到其后的, 该版本即违法行为时的版本; 否则适用此前的 {open_earlier[0].ref.document.version} 版本"
                "(本案依该版本结论相同时, 不影响结论)"
            )
        elif not engine.item_in_force(best.ref, list_act):
            temporal.append(
                f"{_rule_name(best, dec_law)} 取自决定时施行的 {doc.version} 版本; 违法行为发生时该版本尚未施行, 因其对当事人较轻而适用"
                "(清单不是行政处罚法第三十七条所称的法律、法规、规章: 从旧兼从轻适用于清单是本系统参照该条的做法, 待法制审核确认)"
            )
            # the officer reads warnings, not the trace: the analogy is not settled law (a firm 不予 rests on it)
            warnings.append(f"所依据的清单版本({doc.version})在违法行为发生时尚未施行, 本结论按从旧兼从轻的做法适用该版本"
                            "(清单不是法律、法规、规章), 可否如此适用待法制审核确认")
    if best is not None and best.statutory is not None and not open_rules and best.law_role \
            and best.law_role.startswith("作出决定时"):
        law = best.statutory.law.named(f"《{best.statutory.law.law}》")
        if act is None:
            temporal.append(
                f"违法行为日期未查明: {_rule_name(best, dec_law)} 为作出决定时施行的{law}的规定; 违法行为如发生在该文本施行以前, "
                "应适用违法行为发生时施行的文本, 但该文本的规定较重时仍适用较轻的新规定(从旧兼从轻): 请查明违法行为日期后核对所引条款"
            )
            warnings.append(temporal[-1])  # the cited article depends on it: not only in the trace
        else:
            temporal.append(
                f"{_rule_name(best, dec_law)} 为作出决定时施行的{law}的规定; "
                "违法行为发生时施行的文本没有同样从宽的规定, 因新的规定处罚较轻, 依行政处罚法第三十七条(从旧兼从轻)适用"
            )
    elif best is not None and best.statutory is not None and not open_rules and p.replaced is None \
            and best.law_role == ACT_ROLE and dec_law is not None and dec_law is not best.statutory.law:
        # the text in force at the act, applied to a decision under a later text: 第三十七条's first sentence
        # (适用违法行为发生时的…规定; the later text is not lighter, else its rule would have won) is the reason
        temporal.append(_act_text_note(_rule_name(best, dec_law), best.statutory.law, dec_law))
    row = best.statutory.override if best is not None and best.statutory is not None and not open_rules else None
    if row is not None and row.replaces == "exemption" and row.in_force_from is not None:
        # an exemption row decides from the day its text is known in force, read against the decision date:
        # an act before it (or of unknown date) is reached as the lighter new rule (StatutoryRules.exemption)
        act_day = engine.list_act_date(facts) or act
        if act_day is None or act_day < row.in_force_from:
            temporal.append(
                f"{row.citation.label()}在{_iso(row.in_force_from)}以后可以确认已施行, 违法行为发生时是否已施行未能核实"
                f"({'违法行为日期未查明' if act_day is None else '违法行为在此日以前'}); 作出决定时已施行, 新的规定处罚较轻, "
                "依行政处罚法第三十七条(从旧兼从轻)适用")
    if best is not None and best.ref is not None and not open_rules:
        warnings.extend(_pending_repeals(engine, best.ref.document))
        warnings.extend(_source_exclusions(best.ref.item))
    if list_act is not None:
        for rr in item_results:  # the live items (binding, applicable)
            if rr.binding and rr.role == "applicable" and not engine.item_in_force(rr.ref, list_act):
                rr.notes.append("决定时施行的版本(从旧兼从轻比较)")

    # the law versions the applicable statutory rules stand on and every special-law row that governed the
    # case (those the live rules applied, then those that replaced a live rule), gathered with the results
    law_keys, law_versions = part.law_keys, list(part.law_labels)
    overrides = list(dict.fromkeys(part.overrides + part.replaced_by)) if part.overrides or part.replaced_by else []
    for oid in overrides:
        row = engine.statutory.override(oid)
        if row is not None and row.revised_on is not None and (dec >= row.revised_on or (act and act >= row.revised_on)):
            warnings.append(
                f"{row.citation.label()}所在的法律已修订, 修订文本自 {row.revised_on.isoformat()} 起施行, 但不在法规文本库中: "
                "本案所用的期限、后果和条文序号须按修订文本核对(行政处罚法第三十七条: 新的规定较轻的适用新的规定)"
            )
    if outcome_name != UNDETERMINED:
        barred = p.limitation_met  # a live limitation rule is met
        warnings.extend(engine.statutory.cautions_for(_OUTCOME_OF[outcome_name], facts, dec, selection.domain,
                                                      engine.case_laws(facts, selection),
                                                      best.statutory if best is not None else None, barred))
        for r in ([best, *co] if best is not None else ()):
            # a rule of the law whose answer rests on facts to be established in a way its own text says
            # (第三十一条: 间歇性精神病人在精神正常时…应当给予行政处罚): the rule's caution, in its version's words
            st = r.statutory
            if st is not None and st.override is None and st.spec.caution and st.spec.caution not in warnings:
                warnings.append(st.spec.caution)
        if best is not None:
            # (only a satisfied statutory rule can have dropped measures)
            warnings.extend(_special_measures_dropped(part.satisfied, best, dec_law))
            if best.statutory is None and p.companion is None:
                # (only an open statutory rule can widen the range)
                warnings.extend(_wider_range_open(part.unknown, best, dec_law))
    if winner_item is not None and winner_item.provenance.flags:
        warnings.extend(_unresolved_import_flags(winner_item))
    derived = _derived_facts(item_results)
    fd = facts.__dict__  # (a pydantic attribute read goes through its __getattr__ hook)
    if fd["first_offense"] is None and fd["prior_offenses"] is not None and best is not None and not open_rules:
        warnings.extend(_first_offense_derived(engine, facts, best, derived))
    items = [_candidate(r) for r in item_results]
    trace = _Trace(
        act_date=_iso(act) if act else None,
        decision_date=_iso(dec),
        jurisdiction_stack=list(stack),
        selection=selection.how,
        rules=[r._trace or r.to_trace() for r in results],  # statutory traces are built once (to_trace)
        winner=best.rule_id if best and not open_rules else None,
        reason=reason,
        temporal=temporal,
        derived_facts=derived,
        law_versions=law_versions,
        overrides=overrides,
    )
    decision = _Decision(
        outcome=outcome_name,
        outcome_zh=(
            UNDETERMINED_ZH if outcome_name == UNDETERMINED
            else ranged_zh(leniency.range) if leniency is not None and len(leniency.range) > 1
            else _ZH[outcome_name]
        ),
        possible_outcomes=possible_outcomes,
        leniency=leniency,
        chosen_item=winner_item.id if winner_item else None,
        chosen_rule=best.rule_id if best and not open_rules else None,
        items=items,
        basis=basis,
        measures=measures,
        missing_facts=missing,
        next_question=missing[0] if missing else None,
        warnings=warnings,
        trace=trace,
        engine_version=ENGINE_VERSION,
        rulesets=_rulesets(engine, item_results, law_keys, best if winner_item is not None else None, overrides),
        decided_by=decided_by(engine, best if not open_rules else None),
        summary="",  # set below, from the decision (given here: among the fields set, as assigning it would add it)
    )
    if p.fallback is not None and p.fallback.statutory is not None and not open_rules:
        decision.if_declined = _if_declined(engine, facts, p, dec, dec_law)
    title = None  # of the rule that decides the case
    if best is not None and not open_rules:
        title = best.statutory.title if best.statutory is not None else best.rule_id
    declined = (_fallback_text(p.fallback, dec_law) if p.fallback is not None
                else DECLINED_NORMAL if p.declined_normal and not open_rules else None)
    # written into the field's value (given above, so among the fields set): what assigning it does through
    # pydantic's __setattr__ (no validation on assignment), without its Python-level handlers
    decision.__dict__["summary"] = summarize(decision, title, declined, replaced_general)
    return decision
