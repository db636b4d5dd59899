"""Rows of a published table → a draft list version (status: draft) and the import report data."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from penalty_rules.engine.premises import stated as stated_in_every_way
from penalty_rules.importer.citations import parse_citations
from penalty_rules.importer.errors import TableImportError
from penalty_rules.importer.grammar import _YIFA_INSIDE, leniency_negated, parse_conditions, to_conditions
from penalty_rules.importer.header import ColumnMap, detect_header, load_column_map, normalise
from penalty_rules.importer.tables import RawRow, read_table
from penalty_rules.model.citation import Citation
from penalty_rules.model.listdoc import ListDocument
from penalty_rules.model.outcome import Outcome

CITATION_FIELDS = {"violated": "violated", "penalty_basis": "penalty_basis", "basis": "violated",
                   "exemption_basis": "exemption_basis"}
OUTCOME_PREFIX = {Outcome.no_penalty: "np", Outcome.discretionary_no_penalty: "dnp",
                  Outcome.reduced_penalty: "rd", Outcome.lighter_penalty: "lt", Outcome.normal: "n"}
# An item without any condition would apply unconditionally: the same placeholder judgement as
# tools/import_reference.py (UNSEEN_ALL), flagged for review.
NO_CONDITIONS = {"custom": "符合清单所列适用条件(导入的表格未列条件, 须核对原文)"}


def outcome_problem(text: str) -> str | None:
    """Why an outcome text cannot be read as one outcome (None: no objection)."""
    t = normalise(text)
    if re.search(r"不罚款|免予罚款|免于罚款|不予罚款", t):
        return ("“不罚款”不等于不予处罚(警告也是行政处罚, 行政处罚法第九条), 须人工确定处理结果")
    kinds = [k for k, rx in (("从轻", r"从轻"), ("减轻", r"减轻"),
                             ("不予处罚", r"不予(?:行政)?处罚|免予(?:行政)?处罚|免于(?:行政)?处罚|免罚|不罚|不予(?!罚款)"))
             if re.search(rx, t)]
    if leniency_negated(t):
        # 不适用不予处罚的情形 / 不得免罚事项 / 以下情形不予免罚 / 不予处罚情形除外: the words withhold leniency — the
        # rows under them are the cases the list excludes, never an outcome of leniency
        return "处理结果或分节标题在从宽的词之前有否定或排除的词(不适用/不得/不属于/除外…), 所列不是从宽的情形, 须人工确定"
    if len(kinds) > 1:
        return f"处理结果同时含{'、'.join(kinds)}, 无法确定为单一结果, 须人工拆分或确定"
    return None


# 可 / 可以 / 原则上 before 不予 / 免予 / 免于 / 免罚 / 不罚, with 依法 / 予以 / 酌情 … between (可依法不予处罚 /
# 可以依法不予行政处罚 / 可以免罚 / 原则上不予处罚): the list leaves it to the officer — 可以不予处罚, never the
# mandatory 不予处罚 (行政处罚法(2021-01-22)第三十三条第一款: “…没有造成危害后果的，不予行政处罚。
# 初次违法且危害后果轻微并及时改正的，可以不予行政处罚。”)
# Any words between, in the same clause (可视情况不予处罚 / 可以对其不予处罚 / 可以依法作出不予行政处罚决定), and 酌情 /
# 视情 (the officer's discretion) likewise: a word of discretion before the leniency, never read as mandatory.
DISCRETIONARY = re.compile(r"(?:(?<![许认不])可以?|原则上|酌情|视情|根据情况|视具体情况)[^，,；;。]*?(?:不予|免予|免于|免罚|不罚|免除)")


def read_outcome(text: str) -> Outcome | None:
    """The outcome a section title or an outcome cell names (None: cannot be read)."""
    t = normalise(text)
    if not t or outcome_problem(t):
        return None
    if re.search(r"首违从轻|首违减轻", t):
        return Outcome.lighter_penalty if "从轻" in t else Outcome.reduced_penalty
    if DISCRETIONARY.search(t):
        return Outcome.discretionary_no_penalty
    # a bare 首违 (e.g. a section 首违清单) names no outcome: 首违 lists are 不罚 or 轻罚 lists
    if re.search(r"不予(?:行政)?处罚|免予(?:行政)?处罚|免于(?:行政)?处罚|免罚|不罚|轻微违法行为不", t):
        return Outcome.no_penalty
    if "减轻" in t and "从轻" not in t:
        return Outcome.reduced_penalty
    if "从轻" in t and "减轻" not in t:
        return Outcome.lighter_penalty
    if re.fullmatch(r"(?:依法处罚|一般处罚|正常处罚)", t):
        return Outcome.normal
    return None


def outcome_clause_problem(parse, outcome: Outcome | str | None) -> str | None:
    """An outcome clause in the conditions cell (……的，依法不予处罚) is no condition (the grammar keeps it as a
    remark); when it names another outcome than the table's column or section, the reviewer is told (None:
    it agrees, names no single outcome, or the row has none)."""
    if outcome is None:
        return None
    outcome = Outcome(outcome)
    # headings and moved text (可以依法减轻处罚的情形： / 依法从轻处罚：) name an outcome too: read where they say
    # 不予·免予·从轻·减轻 处罚
    said_elsewhere = [r for r in list(parse.remarks) + list(parse.moved)
                      if r not in parse.outcomes and OUTCOME_WORDS.search(r)]
    # …及时改正依法从轻处罚, no punctuation before it: kept in a custom condition's words, still an outcome
    # the row must agree with (not after 被 / 未 / 曾 / 其他 …: 未被依法从轻处罚过 is a condition)
    for leaf in parse.leaves:
        m = TAIL_OUTCOME.search(leaf.text) if leaf.condition is None else None
        if m and not _YIFA_INSIDE.search(leaf.text[:m.start()]):
            said_elsewhere.append(m.group(0))
    for clause in list(parse.outcomes) + said_elsewhere:
        words = re.sub(r"^的?[，,:：]?", "", clause)
        if RANGE_OUTCOME.search(words):  # 从轻或者减轻处罚: one range, either outcome agrees
            if outcome in (Outcome.lighter_penalty, Outcome.reduced_penalty):
                continue
            return (f"适用条件中的处理结果“{words}”(从轻或者减轻处罚)与本条目的处理结果({outcome.zh})不一致,"
                    " 须人工核对处理结果栏或条件原文")
        said = read_outcome(words)
        if said is not None and said is not outcome:
            return (f"适用条件中的处理结果“{words}”({said.zh})与本条目的处理结果({outcome.zh})不一致,"
                    " 须人工核对处理结果栏或条件原文")
    return None


# Outcome cells and section titles are read by ALLOWLIST (fail safe): the cell (or the title, once its numbering and
# neutral words are taken off) must be exactly one known outcome wording, with only the discretion words positively
# known before it. Anything else left (不予处罚；情节严重的，依法处罚 / 不予处罚(限首次) / 严禁不予处罚 / 取消免罚的情形)
# is refused with the row and the words — never silently an outcome.
_DISCRETION = r"(?:可以|可|酌情|视情况|视具体情况|视情节|视情|根据情况|根据情节|一般|原则上|得|依情|斟酌)"
_NO_PENALTY_CORE = r"(?:不予|免予|免于|免除)(?:行政)?处罚|免罚|不罚"
_STRICT_OUTCOME = re.compile(
    rf"(?:依法)?(?P<disc>{_DISCRETION}{{1,2}})?(?:应当|应)?(?:依法|予以|对其)*"
    rf"(?:(?P<np>{_NO_PENALTY_CORE})|(?P<rd>减轻(?:行政)?处罚)|(?P<lt>从轻(?:行政)?处罚)"
    r"|(?P<fnp>首违(?:不罚|免罚))|(?P<frd>首违减轻(?:处罚)?)|(?P<flt>首违从轻(?:处罚)?)|(?P<n>依法处罚|一般处罚|正常处罚))[。.]?")
_TITLE_NUMBERING = re.compile(r"^(?:附件[一二三四五六七八九十\d]*[、.．:：\s]*|第[一二三四五六七八九十百\d]+(?:部分|类|节|章)[、.．:：\s]*"
                              r"|[一二三四五六七八九十百]+[、.．:：\s]+|[（(][一二三四五六七八九十百\d]+[)）][、.．\s]*"
                              r"|\d+[、.．)）:：\s]+)")
# words of a section title that name no outcome and change none: taken off before the allowlist match
_TITLE_NEUTRAL = re.compile(r"^(?:适用|实行|实施)?|(?:的)?(?:违法行为|事项|情形|清单|目录|名录|情况)+(?:清单|目录|名录)?[:：。]?$")


# The measures the law attaches to every such outcome, allowed before or after the outcome in its cell:
# 行政处罚法 第二十八条 “应当责令当事人改正或者限期改正违法行为”, 第三十三条第三款 “应当对当事人进行教育”
_CELL_MEASURE = re.compile(
    r"(?:并|同时)?(?:应当|应|依法)?(?:(?:对当事人|对其)?(?:予以|进行|给予)?(?:批评)?教育(?:引导)?"
    r"|责令(?:当事人)?(?:立即|限期|及时)?(?:改正|整改|纠正)(?:违法行为)?"
    r"|(?:予以|进行|给予)?警示(?:教育|提醒|告诫|约谈)?)")
_CELL_JOIN = r"[，,；;、\n]|并|及|和"


def split_outcome_cell(text: str) -> tuple[Outcome | None, list[str]]:
    """An outcome cell: (outcome, the measures listed before or after it). The outcome is read by allowlist
    (read_outcome_strict); the only other words allowed are measures of _CELL_MEASURE joined by ，；、并 or a line
    break (不予处罚，责令改正 / 批评教育、责令改正，不予行政处罚). Anything else: (None, [])."""
    t = re.sub(r"[ \t\u3000]", "", (text or "").strip())
    # pieces between joins; an outcome piece plus measure pieces only
    pieces = [p for p in re.split(_CELL_JOIN, t) if p.strip("。.")]
    if len(pieces) == 1:
        return read_outcome_strict(pieces[0]), []
    read = [(i, o) for i, p in enumerate(pieces) if (o := read_outcome_strict(p.strip("。."))) is not None]
    if len(read) != 1:
        return None, []
    at, outcome = read[0]
    measures = []
    for i, p in enumerate(pieces):
        if i == at:
            continue
        p = p.strip("。.")
        if not _CELL_MEASURE.fullmatch(p):
            return None, []
        measures.append(re.sub(r"^(?:并|同时)?(?:应当|应|依法)?", "", p))
    return outcome, measures


def read_outcome_strict(text: str) -> Outcome | None:
    """An outcome cell read by allowlist: the whole cell is one known outcome wording (None: refused)."""
    t = re.sub(r"\s", "", text or "")
    m = _STRICT_OUTCOME.fullmatch(t)
    if m is None:
        return None
    disc = m.group("disc")
    if m.group("np") or m.group("fnp"):
        return Outcome.discretionary_no_penalty if disc else Outcome.no_penalty
    if m.group("n"):
        return None if disc else Outcome.normal
    if m.group("rd") or m.group("frd"):
        return Outcome.reduced_penalty
    return Outcome.lighter_penalty


# counts and batch marks of a title: （共10项） / （10项） / （试行） / （第一批） / (一)
_TITLE_MARK = re.compile(r"[（(](?:共?[\d一二三四五六七八九十百]+(?:项|条|类)|试行|暂行|修订|第[一二三四五六七八九十\d]+批"
                         r"|[一二三四五六七八九十\d]+)[)）]")
# words before the outcome that name no outcome: a province or city, a domain, the kind of violation.
# A domain prefix by allowlist: the taxonomy's own names (the registry, lists/domains.yaml) before 领域 — a free prefix
# swallowed restrictions (仅个体工商户领域 / 部分领域 / 高风险领域; a re-reader); a place: a name of 2-4 characters and
# 省 / 市 / 县 / 区
@functools.cache
def _title_prefix(domain_names: tuple[str, ...]) -> re.Pattern:
    names = "|".join(sorted((re.escape(n) for n in domain_names), key=len, reverse=True)) or "市场监管"
    return re.compile(r"^(?:(?:(?![不非无未除禁取外停限严仅只部个])[\u4e00-\u9fff]){2,4}?"
                      r"(?:省|市|县|(?<![地山城社园景辖片])区)(?![内外以])"
                      rf"|(?:{names})(?:行政执法)?领域|市场监管(?:部门)?|市场监督管理(?:部门)?"
                      r"|轻微(?:行政)?违法行为|一般(?:行政)?违法行为|首次违法(?:行为)?|初次违法(?:行为)?"
                      r"|首违(?=不予|免予|免于|从轻|减轻|可以|依法)|实施)")


@functools.cache
def _configured_domain_names() -> tuple[str, ...]:
    """The configured lists' domain names (PENALTY_RULES_LISTS), read once, on the first title without a registry;
    unreadable: none (only 市场监管 then: a title of another domain is refused, never read wider)."""
    from penalty_rules.config import Settings
    from penalty_rules.load.loader import load_registry

    try:
        registry = load_registry(Settings.from_env().lists_dir)
    except (OSError, ValueError):
        registry = None
    return _domain_names(registry)


def _domain_names(registry) -> tuple[str, ...]:
    if registry is None:
        return ()
    return tuple(sorted(d.zh for d in registry.domains))


# A title or cell naming the first offence (首违 / 首次违法 / 初次违法): its rows must state it as a condition
# (first_offense) — else the item would bind without it (a re-reader: 首次违法不予处罚事项 + 危害后果轻微并及时改正
# imported as a mandatory 不予处罚 of 第三十三条第一款's first sentence, for repeat offenders too)
_FIRST_NAMED = re.compile(r"首违|首次违法|初次违法|首次|初次")
FIRST_OFFENSE = frozenset({"first_offense"})


def title_core(text: str, registry=None) -> str:
    """A section title without its numbering, counts and batch marks, place, domain, kind of violation and neutral
    words (一、市场监管领域轻微违法行为不予行政处罚事项清单（共10项） → 不予行政处罚). Domain names: the registry's
    (the configured lists' without one)."""
    names = _domain_names(registry) if registry is not None else _configured_domain_names()
    prefix = _title_prefix(names)
    core = _TITLE_MARK.sub("", re.sub(r"\s", "", text or ""))
    core = _TITLE_NUMBERING.sub("", core)
    for _ in range(4):
        core = prefix.sub("", core)
    core = re.sub(r"^(不予|免予|免于)实施", r"\1", core)
    for _ in range(2):
        core = _TITLE_NEUTRAL.sub("", core)
    return core


def read_title_outcome(text: str, registry=None) -> tuple[Outcome | None, bool]:
    """A section title: (its outcome, refused). The title's numbering (一、/（一）/1.) and neutral words (事项 / 清单 /
    情形 / 的违法行为 / 适用 …) are taken off; exactly an outcome wording must remain. A title with other words that
    still speaks of 罚 / 免 is refused: the rows under it are not imported (never an outcome section)."""
    t = re.sub(r"\s", "", text or "")
    core = title_core(t, registry)
    outcome = read_outcome_strict(core) if core else None
    if outcome is not None:
        return outcome, False
    return None, bool(re.search(r"[罚免宽轻]", t))


OUTCOME_WORDS = re.compile(r"(?:不予|免予|免于|从轻|减轻)(?:行政)?处罚")
TAIL_OUTCOME = re.compile(r"(?:依法|可以|应当|予以)+(?:从轻(?:或者|或|、)减轻|不予|免予|免于|从轻|减轻)(?:行政)?处罚[。；;]?$"
                          r"|(?:依法|可以|可|应当|原则上)+(?:免罚|不罚)[。；;]?$")  # …的，可以免罚 (no 处罚 after it)
RANGE_OUTCOME = re.compile(r"从轻(?:或者|或|、)减轻(?:行政)?处罚")


@dataclass
class Rejected:
    row: int
    column: str | None
    code: str
    message: str


@dataclass
class CitationRecord:
    row: int
    item_id: str
    field: str
    text: str
    label: str
    status: str  # resolved | law_only | unresolved | not_checked
    message: str = ""


@dataclass
class PhraseRecord:
    row: int
    item_id: str
    text: str
    parsed: bool
    condition: str  # the tag / threshold label, or 'custom'


@dataclass
class Conflict:
    row: int
    item_id: str
    existing: str  # item id @ list version
    reason: str
    same_outcome: bool


@dataclass
class ImportResult:
    source: str
    document: dict
    header_row: int
    columns: dict[str, str]  # field → header text
    rows_read: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    phrases: list[PhraseRecord] = field(default_factory=list)
    remarks: list[tuple[int, str]] = field(default_factory=list)
    editorial: list[tuple[int, str]] = field(default_factory=list)  # remarks about the source, not the case
    moved: list[tuple[int, str]] = field(default_factory=list)  # text that may be a condition, moved to the note
    citations: list[CitationRecord] = field(default_factory=list)
    citation_unread: list[tuple[int, str]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    written: Path | None = None
    statutes_checked: bool = False

    @property
    def items(self) -> list[dict]:
        return self.document.get("items", [])

    @property
    def phrases_parsed(self) -> int:
        return sum(p.parsed for p in self.phrases)

    @property
    def parse_rate(self) -> float:
        return self.phrases_parsed / len(self.phrases) if self.phrases else 1.0

    @property
    def parse_rate_with_moved(self) -> float:
        """Parsed phrases over phrases plus the text moved to the note (counted as not parsed)."""
        n = len(self.phrases) + len(self.moved)
        return self.phrases_parsed / n if n else 1.0

    def citation_counts(self) -> dict[str, int]:
        out = {"parsed": len(self.citations), "unread": len(self.citation_unread)}
        for c in self.citations:
            out[c.status] = out.get(c.status, 0) + 1
        return out


def _level(jurisdiction: str, registry) -> tuple[str, str, str]:
    """(level, folder, locality) of a jurisdiction code."""
    if jurisdiction == "CN":
        return "national", "national", "全国"
    j = registry.jurisdiction(jurisdiction) if registry else None
    if j is None:
        raise TableImportError("unknown_jurisdiction", f"未知的行政区划代码 {jurisdiction!r}(见 lists/domains.yaml)")
    if j.parent is None:
        return "province", "shandong" if jurisdiction == "370000" else "province", j.zh
    parent = registry.jurisdiction(j.parent)
    if parent is not None and parent.parent is None:
        return "city", "liaocheng" if jurisdiction == "371500" else "city", j.zh
    return "county", "liaocheng" if j.parent == "371500" else "county", j.zh


def _domain_code(text: str, registry) -> str | None:
    t = normalise(text)
    if not t or registry is None:
        return None
    for d in registry.domains:
        if t in (d.code, normalise(d.zh)):
            return d.code
    for d in registry.domains:  # 市场监管领域 / 市场监督管理 …
        zh = normalise(d.zh)
        if t.startswith(zh) or t.rstrip("领域") == zh:
            return d.code
    return None


def _cell(row: RawRow, cmap: ColumnMap, name: str) -> str:
    i = cmap.columns.get(name)
    return row.cells[i].strip() if i is not None and i < len(row.cells) else ""


def _is_header_repeat(row: RawRow, cmap: ColumnMap) -> bool:
    return [normalise(c) for c in row.cells[: len(cmap.headers)]] == [normalise(h) for h in cmap.headers]


def _section_text(row: RawRow, cmap: ColumnMap) -> str | None:
    """A title row: one text across the row (merged) or a single filled cell with no violation."""
    filled = [c for c in row.cells if c]
    if not filled:
        return None
    if len(set(filled)) == 1 and (len(filled) > 1 or not _cell(row, cmap, "violation")):
        return filled[0]
    return None


def _measures(text: str) -> list[str]:
    return [m.strip(" 。") for m in re.split(r"[；;\n]", text) if m.strip(" 。")]


def _source_no(text: str) -> int | str | None:
    t = text.strip().rstrip("、.．")
    if not t:
        return None
    return int(t) if t.isdigit() else t


def _ascii_no(no) -> str:
    if isinstance(no, int):
        return f"{no:02d}"
    digits = re.sub(r"[^0-9a-z.-]+", "-", str(no).lower()).strip("-.")
    return digits or None


# A version named beside a citation (行政处罚法(2017年修正) / 《…》（2017年修订） / 2017年版): the year of the
# amendment the row's citation is to be read at — in the citation cell or in the 备注 (with the law's name)
NAMED_VERSION = re.compile(r"(?:《(?P<law1>[^《》]{2,40})》|(?P<law2>[\u4e00-\u9fff]{2,30}?法))?\s*[（(]?\s*(?P<year>(?:19|20)\d{2})\s*年"
                           r"\s*(?:修正|修订|修改|版|公布|颁布)(?:本)?\s*[）)]?")
# What the ground of an outcome must say, at the version it is read at (行政处罚法(2017-09-01)第二十七条第二款
# “…不予行政处罚。” is the ground of 不予处罚; 第二十七条 of the 2021-01-22 text is 移送司法机关: not)
GROUND_WORDS = {Outcome.no_penalty: r"不予(?:行政)?处罚|免予(?:行政)?处罚",
                Outcome.discretionary_no_penalty: r"不予(?:行政)?处罚|免予(?:行政)?处罚",
                Outcome.reduced_penalty: r"减轻", Outcome.lighter_penalty: r"从轻"}


def named_versions(text: str) -> list[tuple[str | None, int]]:
    """(law named or None, year) of each version named in the text."""
    return [(m.group("law1") or m.group("law2"), int(m.group("year"))) for m in NAMED_VERSION.finditer(text or "")]


def _version_for(citation: Citation, named: list[tuple[str | None, int]], library):
    """(date to read the citation at, message): the version named for this law, None when none is named;
    ("missing", message) when the year named has no text in the statute library."""
    from penalty_rules.statutes.names import normalise_law_name

    law = library.find_law(citation.law)

    def names_it(name: str) -> bool:  # 不予处罚依据为行政处罚法: the law's name is a tail of the words
        return any(normalise_law_name(name[k:]) == normalise_law_name(citation.law)
                   or law is not None and library.find_law(name[k:]) is law for k in range(max(1, len(name) - 1)))

    mine = [y for name, y in named if name is None or names_it(name)]
    if not mine or law is None:
        return None, ""
    year = mine[0]
    dated = [v for v in law.dated if v.version_date and v.version_date.year == year]
    if not dated:
        have = "、".join(d.isoformat() for d in law.version_dates())
        return "missing", f"表格注明依据《{law.title}》{year}年的版本, 法规文本库中没有该版本(现有: {have}), 未核对"
    return dated[-1].version_date, f"按表格注明的{year}年版本核对"


def _resolve(citation: Citation, library, on=None) -> tuple[Citation, str, str, str | None]:
    """(citation to write, status, message, the resolved text or None). A citation whose article/paragraph/item
    is missing from the statute text is written only as far as it resolves (the original wording stays in
    the provenance note and the report): a draft must load and validate, and nothing unverified
    is presented as checked. `on`: the date of the version to read (the version the row names, else the
    list's date); None: the newest text, said so in the message. The text is what the ground check reads
    (resolved once)."""
    if library is None:
        return citation, "not_checked", "未配置法规文本目录", None
    from penalty_rules.statutes.resolution import ResolutionStatus as S

    res = library.resolve(citation, on)
    message = res.message
    if on is None and res.status is not S.law_not_found:
        message += "(表格未注明所依据的版本, 清单日期未知: 按法规文本库最新版本核对)"
    if res.status is S.resolved:
        return citation, "resolved", message, res.text
    if res.status is S.article_unspecified:
        return citation, "law_only", message, None
    if res.status in (S.law_not_found, S.version_not_found):
        return citation, "unresolved", message, None
    cut = {S.article_not_found: {"article": None, "paragraph": None, "item": None},
           S.paragraph_not_found: {"paragraph": None, "item": None},
           S.item_not_found: {"item": None}}[res.status]
    return citation.model_copy(update=cut), "unresolved", message, None


def _same_citations(a: list[Citation], b: list[Citation]) -> bool:
    from penalty_rules.statutes.names import normalise_law_name

    def keys(cs):
        return {(normalise_law_name(c.law), c.article, c.paragraph, c.item) for c in cs if c.article}

    ka, kb = keys(a), keys(b)
    return bool(ka and kb and ka & kb)


# Fields whose cell may go on in a row of its own (a 适用条件 split over two rows, a merged item of two rows)
CONTINUED_FIELDS = ("conditions", "measures", "outcome", "remarks", "violated", "penalty_basis", "basis",
                    "exemption_basis", "agency")


@dataclass
class _Continuation:
    joined: dict[int, list[int]] = field(default_factory=dict)  # item row → rows joined to it
    refused: dict[int, tuple[int, str]] = field(default_factory=dict)  # row → (item row, why not joined)


def _join_continuations(rows: list[RawRow], cmap: ColumnMap) -> tuple[list[RawRow], _Continuation]:
    """Rows that go on with the item above them, joined to it: no 序号 or the same 序号, no 违法行为 or the same
    (a merged cell repeats its value), and text only in the cells an item's words go on in (适用条件 / 处理结果 /
    依据 …) — 「（2）危害后果轻微并及时改正的，不予处罚」 alone in the 适用条件 column is the item's second line,
    not a section title. Each cell's words are appended to the item's on a new line (conditions: all of them, the
    stricter reading, flagged). A row whose 处理结果 differs from the item's is not joined: it is refused with its
    row number, and the item flagged (its words may be incomplete)."""
    out: list[RawRow] = []
    info = _Continuation()
    prev: RawRow | None = None  # the last item row, None after a title or a header repeat
    at = -1  # prev's place in out (out.index(prev) was a scan per continuation row)
    fixed = {cmap.columns[f] for f in ("number", "domain", "violation") if f in cmap.columns}
    going_on = {cmap.columns[f] for f in CONTINUED_FIELDS if f in cmap.columns}
    for row in rows:
        if row.number <= cmap.header_row or _is_header_repeat(row, cmap):
            out.append(row)
            prev = None
            continue
        filled = {i for i, c in enumerate(row.cells) if c.strip()}
        if not filled:
            out.append(row)
            continue
        merged_title = len(filled) > 1 and len({row.cells[i] for i in filled}) == 1
        if prev is not None and not merged_title and filled - fixed and filled <= fixed | going_on \
                and all(not row.cells[i].strip() or (i < len(prev.cells) and normalise(row.cells[i]) == normalise(prev.cells[i]))
                        for i in fixed if i < len(row.cells)):
            oi = cmap.columns.get("outcome")
            if oi is not None and oi in filled and oi < len(prev.cells) and prev.cells[oi].strip() \
                    and normalise(row.cells[oi]) != normalise(prev.cells[oi]):
                info.refused[row.number] = (prev.number, f"处理结果“{row.cells[oi]}”与上一行“{prev.cells[oi]}”不同")
                out.append(row)
                continue
            cells = list(prev.cells) + [""] * max(0, len(row.cells) - len(prev.cells))
            for i in filled - fixed:
                if normalise(row.cells[i]) != normalise(cells[i]):
                    cells[i] = (cells[i] + "\n" + row.cells[i]) if cells[i].strip() else row.cells[i]
            joined = RawRow(prev.number, cells)
            out[at] = joined
            info.joined.setdefault(prev.number, []).append(row.number)
            prev = joined
            continue
        if prev is None and len(filled) == 1 and 0 not in filled and filled <= going_on - fixed:
            # only a 适用条件 / 处理结果 … cell, with no item above it (after a title): no section title either
            info.refused[row.number] = (None, "本行只有" + cmap.headers[next(iter(filled))] + "一栏, 上方没有可并入的条目")
            out.append(row)
            continue
        out.append(row)
        prev = row if _cell(row, cmap, "violation") and _section_text(row, cmap) is None else None
        at = len(out) - 1
    return out, info


def _continues_above(number_text: str, above: dict | None, prev: str | None = None) -> bool:
    """A refused row (no 违法行为, an outcome not read) may hold the words of the item above it: it does unless its
    序号 is clearly the next number (after the item's, or after the row directly above's)."""
    if above is None:
        return False
    t = normalise(number_text or "").rstrip("、.．")
    no = above["provenance"].get("source_item_no")
    # fail safe: a refused row directly under an item may be the rest of it, unless its 序号 is clearly the next
    # number in sequence (above 7, this row 8)
    if t.isdigit() and str(no).isdigit() and int(t) == int(no) + 1:
        return False
    # the next number after the row directly above (1 imported, 2 refused, 3 refused: 3 follows 2, not item 1)
    p = normalise(prev or "").rstrip("、.．")
    if t.isdigit() and p.isdigit() and int(t) == int(p) + 1:
        return False
    return True


def _flag_if_continued(above: dict | None, row_number: int, number_text: str | None, prev: str | None,
                       why: str) -> None:
    """A refused row: the item above is flagged source_rows_unjoined where the row may continue it."""
    if _continues_above(number_text, above, prev=prev):
        _flag_unjoined(above, row_number, why)


def _flag_unjoined(above: dict, row_number: int, why: str) -> None:
    prov = above["provenance"]
    if "source_rows_unjoined" not in prov["flags"]:
        prov["flags"].append("source_rows_unjoined")
    note = f"本条目下方第{row_number}行未导入({why}), 可能是本条目的续行, 本条的文字可能不全, 须核对原表后修改条目并删除此标记"
    prov["note"] = "\n".join(x for x in (prov.get("note"), note) if x)


def build_draft(
    path: Path | str,
    *,
    list_id: str,
    version: str,
    jurisdiction: str,
    domain: str | None = None,
    column_map: Path | str | None = None,
    title: str | None = None,
    issuer: str | None = None,
    corpus=None,
    library=None,
    list_date=None,
) -> ImportResult:
    """`list_date`: the date the list was issued or took effect, when known — citations naming no version are
    read at the version in force that day (else at the newest text, said so in the report)."""
    path = Path(path)
    registry = corpus.registry if corpus is not None else None
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", list_id):
        raise TableImportError("bad_list_id", f"清单编号 {list_id!r} 须为小写 ASCII(字母、数字、点、连字符)")
    if domain is not None and registry is not None and registry.domain(domain) is None:
        raise TableImportError("unknown_domain", f"未知的执法领域代码 {domain!r}")
    level, _, locality = _level(jurisdiction, registry) if registry else ("city", "", jurisdiction)

    rows = read_table(path)
    cmap = detect_header(rows, load_column_map(column_map))
    rows, continued = _join_continuations(rows, cmap)
    unjoined: dict[int, list[tuple[int, str]]] = {}  # item row → continuation rows refused
    for n, (item_row, why) in continued.refused.items():
        if item_row is not None:
            unjoined.setdefault(item_row, []).append((n, why))
    if domain is None and "domain" not in cmap.columns:
        raise TableImportError("no_domain", "表格没有“执法领域”列, 请用 --domain 指定领域代码", cmap.header_row)
    result = ImportResult(str(path.name), {}, cmap.header_row,
                          {f: cmap.headers[i] for f, i in cmap.columns.items()})
    items: list[dict] = []
    section: str | None = None
    section_outcome: Outcome | None = None
    parent_outcome: Outcome | None = None  # the outcome of the top-level section a neutral sub-title belongs to
    section_first = False  # the section's title names the first offence (_FIRST_NAMED)
    parent_first = False
    section_refused = False  # a title that speaks of 罚/免 in words not recognised: its rows are refused
    seen_numbers: dict[tuple[str | None, str], int] = {}
    used_ids: set[str] = set()
    item_windows: list[tuple[dict, object, set]] = []  # (item, parse, windows it states) of items with 首违
    x = 0
    above: dict | None = None  # the last item read, None after a section title
    prev_no: str | None = None  # the 序号 of the row directly above (imported or refused)
    binding = []
    if corpus is not None:
        stack = set(corpus.registry.stack(jurisdiction)) if jurisdiction != "CN" else {"CN"}
        binding = [(d, it) for d in corpus.documents if d.binding_level and d.jurisdiction in stack for it in d.items]

    for row in rows:
        if row.number <= cmap.header_row or _is_header_repeat(row, cmap):
            continue
        if row.number in continued.refused:
            item_row, why = continued.refused[row.number]
            if item_row is None:  # a fragment with no item above it: neither an item nor a section title
                result.rejected.append(Rejected(row.number, None, "orphan_fragment", f"{why}, 未作为分节标题读取, 须核对原表"))
            else:
                result.rejected.append(Rejected(row.number, cmap.header_of("outcome"), "continuation_not_joined",
                                                f"本行像是第{item_row}行条目的续行, 但{why}, 未并入; 该条目已标记须核对"))
            continue
        title_text = _section_text(row, cmap)
        if title_text is not None:
            sub_outcome, sub_refused = read_title_outcome(title_text, registry)
            # a neutral sub-title (（一）市场监管领域) under an outcome section keeps the section's outcome
            # (only a lower level of numbering: （一） / (1) / 1. — 二、市场监管领域 is a new section of its own)
            sub_level = re.match(r"\s*(?:[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、])", title_text)
            if sub_level and sub_outcome is None and not sub_refused and parent_outcome is not None \
                    and not title_core(title_text, registry):
                # neutral: the top-level section's outcome (not a sibling sub-title's)
                section_outcome, section_refused = parent_outcome, False
                section_first = parent_first or bool(_FIRST_NAMED.search(title_text))
            else:
                section_outcome, section_refused = sub_outcome, sub_refused
                section_first = bool(_FIRST_NAMED.search(title_text))
                if not sub_level:
                    parent_outcome, parent_first = sub_outcome, section_first
            section = title_text
            above = None
            prev_no = None
            continue
        result.rows_read += 1
        prev_row_no, prev_no = prev_no, _cell(row, cmap, "number")
        violation = _cell(row, cmap, "violation")
        if not violation:
            result.rejected.append(Rejected(row.number, cmap.header_of("violation"), "missing_violation", "违法行为为空"))
            _flag_if_continued(above, row.number, prev_no, prev_row_no, "违法行为为空")
            continue
        if len(violation) < 2:
            result.rejected.append(Rejected(row.number, cmap.header_of("violation"), "missing_violation",
                                            f"违法行为“{violation}”过短"))
            _flag_if_continued(above, row.number, prev_no, prev_row_no, f"违法行为“{violation}”过短")
            continue
        if section_refused:
            result.rejected.append(Rejected(row.number, "分节标题", "unreadable_outcome",
                                            f"所在分节标题“{section}”含处罚或从宽的词, 但不是可识别的处理结果"
                                            "(应为 不予处罚事项 / 可以不予处罚事项 / 减轻处罚事项 / 从轻处罚事项), "
                                            "本节各行未导入, 须人工核对"))
            _flag_if_continued(above, row.number, prev_no, prev_row_no, f"所在分节标题“{section}”无法识别")
            continue
        outcome = section_outcome
        cell_measures: list[str] = []
        cell_text = (_cell(row, cmap, "outcome") or "") if "outcome" in cmap.columns else ""  # 处理结果 words
        if cell_text:
            outcome, cell_measures = split_outcome_cell(cell_text)
            if outcome is None:
                why = outcome_problem(cell_text)
                result.rejected.append(Rejected(row.number, cmap.header_of("outcome"), "unreadable_outcome",
                                                f"无法识别处理结果“{cell_text}”"
                                                + (f": {why}" if why else
                                                   "(应为 不予处罚 / 可以不予处罚 / 减轻处罚 / 从轻处罚)")))
                _flag_if_continued(above, row.number, prev_no, prev_row_no, f"处理结果“{cell_text}”无法识别")
                continue
        if outcome is None:
            where = f"所在分节“{section}”" if section else "表格没有分节标题, 也没有处理结果列"
            if section and (why := outcome_problem(section)):
                where += f"({why})"
            result.rejected.append(Rejected(row.number, section and "分节标题" or None, "unreadable_outcome",
                                            f"无法确定处理结果: {where}"))
            _flag_if_continued(above, row.number, prev_no, prev_row_no, "处理结果无法确定")
            continue
        number_text = _cell(row, cmap, "number")
        no = _source_no(number_text)
        if no is not None:
            key = (section, str(no))
            if key in seen_numbers:
                result.rejected.append(Rejected(row.number, cmap.header_of("number"), "duplicate_number",
                                                f"序号 {no} 重复(第{seen_numbers[key]}行已用)"))
                continue
            seen_numbers[key] = row.number
        dom = domain
        if dom is None:
            dom = _domain_code(_cell(row, cmap, "domain"), registry)
            if dom is None:
                result.rejected.append(Rejected(row.number, cmap.header_of("domain"), "unknown_domain",
                                                f"无法识别执法领域“{_cell(row, cmap, 'domain')}”; 可用 --domain 指定"))
                continue

        local = _ascii_no(no) if no is not None else None
        if local is None:
            x += 1
            local = f"x{x:02d}"
        item_id = f"{list_id}/{OUTCOME_PREFIX[outcome]}-{local}"
        while item_id in used_ids:
            item_id += "-b"
        used_ids.add(item_id)
        flags: list[str] = []
        notes: list[str] = []
        if no is None:
            flags.append("source_item_no")
        if row.number in continued.joined:
            rows_ = "、".join(f"第{n}行" for n in continued.joined[row.number])
            flags.append("source_rows_joined")
            notes.append(f"本条目在表格中跨行: {rows_}的文字已并入本条(第{row.number}行), 各栏按行分段; 适用条件按全部满足读取,"
                         " 须核对原表")
        if row.number in unjoined:
            flags.append("source_rows_unjoined")
            notes.append("本条目的续行未并入(" + "; ".join(f"第{n}行: {why}" for n, why in unjoined[row.number])
                         + "), 本条的文字可能不全, 须核对原表后修改条目并删除此标记")
        if section_outcome is not None and outcome is not section_outcome:
            # 行政处罚法 第三十三条: 不予处罚 / 可以不予处罚 / 从轻 / 减轻 are different outcomes; the row's cell and its
            # section title disagree: never the more lenient silently
            flags.append("conditions.outcome_mismatch")
            notes.append(f"处理结果“{cell_text}”({outcome.zh})与所在分节标题“{section}”"
                         f"({section_outcome.zh})不一致, 须人工核对")
        if cell_text:
            # the outcome cell's own words, beside the outcome read from them (可依法不予处罚 → 可以不予处罚)
            notes.append(f"{cmap.header_of('outcome')}(原文): {cell_text}")

        # conditions
        cond_text = _cell(row, cmap, "conditions")
        parse = parse_conditions(cond_text)
        for leaf in parse.leaves:
            label = "custom"
            if leaf.parsed:
                label = leaf.condition if isinstance(leaf.condition, str) else \
                    ",".join(f"{k}={v}" for k, v in leaf.condition.items())
                if leaf.keep_words:
                    label += "+custom(原文保留)"
            result.phrases.append(PhraseRecord(row.number, item_id, leaf.text, leaf.parsed, label))
        for r in parse.remarks:
            result.remarks.append((row.number, r))
        for r in parse.editorial:
            result.editorial.append((row.number, r))
        for r in parse.moved:
            result.moved.append((row.number, r))
        conditions = to_conditions(parse) if parse.leaves else {"all": [NO_CONDITIONS]}
        if not parse.leaves:
            flags.append("conditions")
        if parse.custom or any(leaf.keep_words for leaf in parse.leaves):
            flags.append("conditions.custom")
        flags += parse.flags
        notes += [n for n in parse.notes if n]
        if problem := outcome_clause_problem(parse, outcome):
            flags.append("conditions.outcome_mismatch")
            notes.append(problem)
        remark_text = _cell(row, cmap, "remarks") if "remarks" in cmap.columns else ""
        named_first = section_first or bool(_FIRST_NAMED.search(cell_text + (remark_text or "")))
        if named_first and not stated_in_every_way(conditions.get("all"), conditions.get("any_of"), FIRST_OFFENSE):
            flags.append("conditions.first_offense_unstated")
            notes.append(f"{'处理结果' if cell_text else '所在分节标题'}写明首次(初次)违法, 适用条件却未写: 须把“初次违法”"
                         "写入适用条件(行政处罚法 第三十三条第一款)后删除此标记")
        if parse.remarks:
            notes.append("适用条件中的说明文字(未作为条件): " + ";".join(parse.remarks))

        # citations
        cited: dict[str, list[dict]] = {"violated": [], "penalty_basis": [], "exemption_basis": []}
        for col, target in CITATION_FIELDS.items():
            text = _cell(row, cmap, col)
            if not text:
                continue
            cp = parse_citations(text)
            # a version in the 备注 holds only for the law it names (备注 “2017年修正” with no law's name is not applied
            # to every citation of the row: the citations it may be about are flagged <field>.version)
            in_remarks = named_versions(_cell(row, cmap, "remarks"))
            named = named_versions(text) + [(law, year) for law, year in in_remarks if law]
            unnamed = sorted({year for law, year in in_remarks if not law})
            for chunk in cp.unread:
                if named_versions(chunk) and not NAMED_VERSION.sub("", chunk).strip(" ，,、；;。()（）"):
                    continue  # (2017年修正): read below, the version the citation is checked at
                result.citation_unread.append((row.number, chunk))
                notes.append(f"{cmap.header_of(col)}中未能识别的文字: {chunk}")
                flags.append(f"{target}.unread")
            if unnamed and cp.citations and not [n for n in named_versions(text) if n[0] is None]:
                flags.append(f"{target}.version")
                notes.append(f"备注注明了{'、'.join(f'{y}年' for y in unnamed)}的版本但未写明是哪部法律, 未用于核对"
                             f"{cmap.header_of(col)}的引用, 须人工确定所依据的版本")
            for pc in cp.citations:
                on, why = _version_for(pc.citation, named, library) if library is not None else (None, "")
                if on is None:
                    on = list_date
                if on == "missing":
                    written, status, message = pc.citation, "mismatch", why
                    flags.append(f"{target}.version")
                    notes.append(f"引用 {pc.citation.label()}: {why}")
                else:
                    written, status, message, text = _resolve(pc.citation, library, on)
                    if why:
                        message = f"{message}({why})"
                        notes.append(f"引用 {pc.citation.label()}: {message}")
                    ground = GROUND_WORDS.get(outcome) if target == "exemption_basis" else None
                    if status == "resolved" and ground:
                        if not re.search(ground, text or ""):
                            status = "mismatch"
                            message = (f"{message}; 该条文在此版本中未规定{outcome.zh}, 与本条目的处理结果不符"
                                       " (是否应依据另一版本?)")
                            flags.append(f"{target}.version")
                            notes.append(f"引用 {pc.citation.label()}: {message}")
                result.citations.append(CitationRecord(row.number, item_id, target, pc.text,
                                                       pc.citation.label(), status, message))
                if pc.note:
                    notes.append(pc.note)
                    flags.append(f"{target}.article")
                if written != pc.citation:
                    notes.append(f"引用 {pc.citation.label()} 在法规文本中未找到({message}), 仅记录到可核对的部分")
                    flags.append(f"{target}.unresolved")
                entry = {k: v for k, v in written.model_dump().items() if v is not None}
                if entry not in cited[target]:
                    cited[target].append(entry)
            if col == "basis":
                flags.append("basis_combined")
                notes.append("表格的“法律依据”一栏未区分违法依据与处罚依据, 全部记在 violated, 须人工区分")
        for target in ("violated", "penalty_basis"):
            if not cited[target] and "basis" not in cmap.columns:
                flags.append(target)
        remarks = _cell(row, cmap, "remarks")
        if remarks:
            notes.insert(0, f"备注: {remarks}")
        agency = _cell(row, cmap, "agency")
        if agency:
            notes.insert(0, f"实施主体: {agency}")

        item = {
            "id": item_id,
            "domain": dom,
            "outcome": outcome.value,
            "violation": violation.replace("\n", ""),
            "violated": cited["violated"],
            "penalty_basis": cited["penalty_basis"],
            "exemption_basis": cited["exemption_basis"],
            "conditions": conditions,
            "measures": list(dict.fromkeys(_measures(_cell(row, cmap, "measures")) + cell_measures)),
            "provenance": {
                "source_item_no": no,
                "sub_list": section,
                "url": None,
                "confidence": "medium",  # review status comes from the review records, not this file
                "conditions_text": cond_text or None,
                "note": "\n".join(dict.fromkeys(notes)) or None,
                "flags": list(dict.fromkeys(flags)),
            },
        }
        items.append(item)
        above = item
        if any(leaf.condition == "first_offense" for leaf in parse.leaves):
            stated = {(leaf.note.split("(")[0], leaf.keep_words) for leaf in parse.leaves
                      if leaf.condition == "first_offense" and leaf.note and leaf.note.startswith("首违期限")}
            item_windows.append((item, parse, stated))

        # conflicts with binding items of the jurisdiction's stack
        new_cits = [Citation(**c) for c in cited["violated"] + cited["penalty_basis"]]
        for doc, existing in binding:
            reason = None
            if normalise(existing.violation) == normalise(item["violation"]):
                reason = "违法行为相同"
            elif _same_citations(new_cits, list(existing.violated) + list(existing.penalty_basis)):
                reason = "引用的违法/处罚条文相同"
            if reason:
                result.conflicts.append(Conflict(row.number, item_id, f"{existing.id} @ {doc.key}", reason,
                                                 existing.outcome is outcome))

    doc = {
        "id": list_id,
        "version": version,
        "title": title or f"{list_id} 导入草案({path.name})",
        "issuer": issuer or "待填写(由表格导入, 发文机关未知)",
        "doc_no": None,
        "jurisdiction": jurisdiction,
        "locality": locality,
        "level": level,
        "effective_from": None,
        "effective_to": None,
        "status": "draft",
        "url": None,
        "notes": (f"由 penalty-rules lists import 自 {path.name} 导入的草案(表头在第{cmap.header_row}行)。"
                  "未经审核, 不具约束力; 每个条目的 provenance.flags 列出须核对的字段。"),
        "items": items,
    }
    # A window (两年内无同类违法) goes to the list's first-offence definition only when every item with
    # 首违 states the same window of the same kind; otherwise each item that states one keeps its words
    # (custom) beside the tag, flagged — one row's window is never applied to the whole list.
    stated_all = [w for _, _, w in item_windows]
    uniform = bool(stated_all) and all(w == stated_all[0] and len(w) == 1 for w in stated_all)
    if uniform:
        (note, kept), = stated_all[0]
        m = re.fullmatch(r"首违期限: (\d+)年内", note)
        if m and not kept:
            years = int(m.group(1))
            doc["first_offense"] = {"window_years": years, "same_kind": True,
                                    "text": f"表格适用条件中所载: 每个首违条目均为{years}年内同类违法(导入时读取, 须核对)"}
            for item, _, _ in item_windows:
                item["provenance"]["flags"].append("first_offense.window")
            uniform = True
        else:
            uniform = False
    if not uniform:
        for item, parse, stated in item_windows:
            if not stated:
                continue
            for leaf in parse.leaves:
                if leaf.condition == "first_offense" and leaf.note and leaf.note.startswith("首违期限") \
                        and not leaf.keep_words:
                    leaf.keep_words = True
                    for rec in result.phrases:
                        if rec.item_id == item["id"] and rec.text == leaf.text and rec.condition == "first_offense":
                            rec.condition += "+custom(原文保留)"
            item["conditions"] = to_conditions(parse)
            item["provenance"]["flags"] = list(dict.fromkeys(
                item["provenance"]["flags"] + ["first_offense.window", "conditions.custom"]))
    try:
        ListDocument.model_validate(doc)  # a draft that does not validate is a bug of the importer
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise TableImportError("invalid_draft", f"生成的草案未通过校验({where}: {first['msg']}), 请报告此问题") from None
    result.document = doc
    return result


# -- writing -------------------------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def _str(dumper, value: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)


def dump_document(doc: dict) -> str:
    return yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def write_draft(result: ImportResult, out_dir: Path, schema_header: str | None = None) -> Path:
    target = Path(out_dir) / result.document["id"] / f"{result.document['version']}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = (schema_header or "") + dump_document(result.document)
    target.write_text(text, "utf-8")
    result.written = target
    return target
